"""Statistics of impact points: mean point of impact, CEP and dispersion ellipses.

Points are projected on the plane tangent to the ellipsoid at the aim point (east, north),
then turned to down-range / cross-range axes along the direction of flight. Over the tens of
kilometres of a ballistic scatter the projection differs from distances along the ellipsoid
by less than one part in a million.

References
----------
Grubbs, F. E. (1964), "Approximate circular and noncircular offset probabilities of hitting",
Operations Research 12, 51-62 (CEP as the median radial miss); the probability ellipse of a
bivariate normal scales the covariance by -2 ln(1 - p) (chi-square, 2 degrees of freedom).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from spacerace.constants import WGS84_A, WGS84_E2
from spacerace.frames import ecef_from_enu
from spacerace.models.earth import ecef_from_geodetic


@dataclass(frozen=True)
class Ellipse:
    """A probability ellipse: semi-axes [m] and the major axis's azimuth [rad] from north."""

    probability: float
    semi_major: float
    semi_minor: float
    azimuth: float


@dataclass(frozen=True)
class Scatter:
    """Statistics of a set of impact points around an aim point (metres, local plane)."""

    n: int
    mean_downrange: float
    mean_crossrange: float
    sd_downrange: float
    sd_crossrange: float
    cep_about_mean: float
    cep_about_aim: float
    ellipses: tuple[Ellipse, ...]
    mean_lat: float  # [rad]
    mean_lon: float  # [rad]


def local_plane(lat: np.ndarray, lon: np.ndarray, lat0: float, lon0: float) -> np.ndarray:
    """East and north offsets [m] of points from (lat0, lon0) on the tangent plane there."""
    r0 = ecef_from_geodetic(lat0, lon0, 0.0)
    enu = ecef_from_enu(lat0, lon0)
    lat, lon = np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64)
    n = WGS84_A / np.sqrt(1.0 - WGS84_E2 * np.sin(lat) ** 2)
    pts = np.stack([n * np.cos(lat) * np.cos(lon), n * np.cos(lat) * np.sin(lon),
                    n * (1.0 - WGS84_E2) * np.sin(lat)], axis=1)
    return (pts - r0) @ enu[:, :2]


def plane_to_geodetic(east: float, north: float, lat0: float, lon0: float) -> tuple[float, float]:
    """Latitude and longitude [rad] of a point given on the tangent plane at (lat0, lon0)."""
    # invert by a few Newton steps of local_plane (the plane is nearly the ellipsoid here)
    lat, lon = lat0, lon0
    for _ in range(5):
        e, n = local_plane(np.array([lat]), np.array([lon]), lat0, lon0)[0]
        lat += (north - n) / 6.36e6
        lon += (east - e) / (6.39e6 * max(math.cos(lat), 1e-6))
    return lat, lon


def probability_ellipse(cov: np.ndarray, probability: float) -> Ellipse:
    """The ellipse holding ``probability`` of a bivariate normal with covariance ``cov``.

    ``cov`` is in (east, north) axes [m^2]; the azimuth is of the major axis from north.
    """
    vals, vecs = np.linalg.eigh(cov)
    k = -2.0 * math.log(1.0 - probability)
    major = vecs[:, 1]
    return Ellipse(probability, math.sqrt(k * max(vals[1], 0.0)),
                   math.sqrt(k * max(vals[0], 0.0)),
                   math.atan2(major[0], major[1]) % math.pi)


def scatter(lat: np.ndarray, lon: np.ndarray, aim_lat: float, aim_lon: float,
            azimuth: float, probabilities: tuple[float, ...] = (0.5, 0.95)) -> Scatter:
    """Statistics of impact points around an aim point.

    Parameters
    ----------
    lat, lon : ndarray
        Impact points [rad].
    aim_lat, aim_lon : float
        Aim point [rad].
    azimuth : float
        Direction of flight at the aim point, clockwise from north [rad] (down-range axis).
    probabilities : tuple of float
        Probabilities of the ellipses.
    """
    xy = local_plane(lat, lon, aim_lat, aim_lon)
    mean = xy.mean(axis=0)
    cov = np.cov(xy.T) if len(xy) > 1 else np.zeros((2, 2))
    down = np.array([math.sin(azimuth), math.cos(azimuth)])
    cross = np.array([math.cos(azimuth), -math.sin(azimuth)])  # to the right of the track
    mlat, mlon = plane_to_geodetic(float(mean[0]), float(mean[1]), aim_lat, aim_lon)
    return Scatter(
        n=len(xy),
        mean_downrange=float(mean @ down),
        mean_crossrange=float(mean @ cross),
        sd_downrange=float(math.sqrt(max(down @ cov @ down, 0.0))),
        sd_crossrange=float(math.sqrt(max(cross @ cov @ cross, 0.0))),
        cep_about_mean=float(np.median(np.linalg.norm(xy - mean, axis=1))),
        cep_about_aim=float(np.median(np.linalg.norm(xy, axis=1))),
        ellipses=tuple(probability_ellipse(cov, p) for p in probabilities),
        mean_lat=mlat, mean_lon=mlon,
    )
