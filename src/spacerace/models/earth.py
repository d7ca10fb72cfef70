"""WGS-84 ellipsoid, geodetic <-> Earth-fixed coordinates, and the Earth Rotation Angle.

Earth-fixed (ECEF) axes: x towards (0 N, 0 E), z along the mean rotation axis; polar motion is
neglected. UT1 is taken equal to UTC (|UT1 - UTC| < 0.9 s moves the Earth by < 0.4 km at the
equator, which only shifts where a flight starts, not how it flies).

References
----------
NIMA TR8350.2 (2000), WGS-84 Tables 3.1-3.3; Bowring, B. R. (1976), Survey Review 23 (181),
323-327 (geodetic from Earth-fixed coordinates); IERS Conventions (2010), eq. 5.15 (Earth
Rotation Angle).
"""

from __future__ import annotations

import datetime as _dt
import math

import numpy as np

from spacerace._jit import jit
from spacerace.constants import (
    ERA_AT_J2000,
    ERA_RATE,
    JD_J2000,
    WGS84_A,
    WGS84_B,
    WGS84_E2,
    WGS84_F,
)
from spacerace.models.angles import angle
from spacerace.models.geodesic import geodesic

_J2000_UTC = _dt.datetime(2000, 1, 1, 12, tzinfo=_dt.UTC)


@jit
def ecef_from_geodetic(lat: float, lon: float, h: float) -> np.ndarray:
    """Earth-fixed position of a point given by geodetic coordinates on WGS-84.

    Parameters
    ----------
    lat, lon : float
        Geodetic latitude and longitude [rad].
    h : float
        Height above the ellipsoid [m].

    Returns
    -------
    ndarray, shape (3,)
        Earth-fixed position [m].
    """
    s, c = np.sin(lat), np.cos(lat)
    n = WGS84_A / np.sqrt(1.0 - WGS84_E2 * s * s)
    out = np.empty(3)
    out[0] = (n + h) * c * np.cos(lon)
    out[1] = (n + h) * c * np.sin(lon)
    out[2] = (n * (1.0 - WGS84_E2) + h) * s
    return out


@jit
def _bowring(x: float, y: float, z: float, iterations: int
             ) -> tuple[float, float, float, float, float]:
    """Height [m], the sine and cosine of the latitude, and its legs ``d``, ``tz`` [m]
    (the latitude is ``atan2(tz, d)``).

    Bowring's iteration from his improved start, written with the legs of the reduced
    latitude instead of its tangent, and the height as
    (p d + z tz - a sqrt(d^2 + (1 - e^2) tz^2)) / sqrt(d^2 + tz^2), whose two roots do not
    wait for each other: no trigonometry, and three divisions fewer on the way to the
    height than with the tangent (measured: 48 ns against 69 ns). One iteration leaves
    the height exact to rounding and 3e-13 rad in the latitude; two, rounding only (within
    2e-8 m and 2e-16 rad of a 40-digit solution from -5 km to 40,000 km, as is Heikkinen's
    closed form, which takes twice as long).
    """
    a, b, e2 = WGS84_A, WGS84_B, WGS84_E2
    ep2 = (a * a - b * b) / (b * b)
    p2 = x * x + y * y
    p = np.sqrt(p2)
    if p < 1e-9 * a:  # on the axis
        s = math.copysign(1.0, z)
        return abs(z) - b, s, 0.0, 0.0, s
    r = np.sqrt(p2 + z * z)
    # legs of the reduced latitude, both times r: its tangent is bz / (ap) (1 + ep2 b / r)
    tn, td = b * z * (r + ep2 * b), a * p * r
    tz, d = z, p
    for _ in range(iterations):
        k = 1.0 / np.sqrt(td * td + tn * tn)
        cb, sb = td * k, tn * k
        tz = z + ep2 * b * sb * sb * sb
        d = p - e2 * a * cb * cb * cb
        tn, td = b * tz, a * d
    k = 1.0 / np.sqrt(d * d + tz * tz)
    h = (p * d + z * tz - a * np.sqrt(d * d + (1.0 - e2) * tz * tz)) * k
    return h, tz * k, d * k, d, tz


@jit
def geodetic_height(x: float, y: float, z: float) -> float:
    """Height above the WGS-84 ellipsoid of an Earth-fixed point [m] (exact to rounding).

    One Bowring iteration, which is all the height needs; see ``geodetic_from_ecef``.

    Parameters
    ----------
    x, y, z : float
        Earth-fixed position [m] (any frame with the same z axis gives the same height).
    """
    return _bowring(x, y, z, 1)[0]


@jit
def geodetic_height_latitude(x: float, y: float, z: float) -> tuple[float, float, float]:
    """Height above the WGS-84 ellipsoid [m] and the sine and cosine of the geodetic
    latitude [-] of a point, without trigonometry (one Bowring iteration: the latitude within
    3e-13 rad). Any frame with the Earth's axis as z gives the same three.
    """
    h, sl, cl, _, _ = _bowring(x, y, z, 1)
    return h, sl, cl


@jit
def geodetic_from_ecef(x: float, y: float, z: float) -> tuple[float, float, float]:
    """Geodetic latitude, longitude and height of an Earth-fixed point on WGS-84.

    Two iterations of Bowring's method from his improved start, with the legs of the
    reduced latitude instead of trigonometric functions: exact to rounding from -5 km to
    40,000 km (within 2e-16 rad and 2e-8 m of a 40-digit solution).

    Parameters
    ----------
    x, y, z : float
        Earth-fixed position [m].

    Returns
    -------
    tuple of float
        Geodetic latitude [rad], longitude [rad], height above the ellipsoid [m].

    References
    ----------
    Bowring, B. R. (1976), "Transformation from spatial to geographical coordinates",
    Survey Review 23 (181), 323-327; Bowring, B. R. (1985), "The accuracy of geodetic
    latitude and height equations", Survey Review 28 (218), 202-206 (the start value).
    """
    h, _, _, d, tz = _bowring(x, y, z, 2)
    return np.arctan2(tz, d), np.arctan2(y, x), h


@jit
def earth_rotation_angle(jd_whole: float, jd_frac: float) -> float:
    """Earth Rotation Angle for a two-part UT1 Julian date.

    Parameters
    ----------
    jd_whole, jd_frac : float
        UT1 Julian date split in two parts (their sum is the date) [day].

    Returns
    -------
    float
        Earth Rotation Angle in [0, 2 pi) [rad].
    """
    tu = (jd_whole - JD_J2000) + jd_frac
    f = np.fmod(jd_whole, 1.0) + np.fmod(jd_frac, 1.0)
    turns = np.fmod(f + ERA_AT_J2000 + (ERA_RATE - 1.0) * tu, 1.0)
    if turns < 0.0:
        turns += 1.0
    return 2.0 * math.pi * turns


def julian_date_utc(when: _dt.datetime) -> tuple[float, float]:
    """Two-part Julian date of a UTC instant: a whole day number (noon) and the fraction.

    Parameters
    ----------
    when : datetime.datetime
        Timezone-aware instant.

    Returns
    -------
    tuple of float
        ``(jd_whole, jd_frac)`` [day], with ``jd_frac`` in [0, 1).

    Examples
    --------
    >>> import datetime as dt
    >>> julian_date_utc(dt.datetime(2000, 1, 1, 12, tzinfo=dt.UTC))
    (2451545.0, 0.0)
    """
    if when.tzinfo is None:
        raise ValueError("julian_date_utc needs a timezone-aware datetime (UTC)")
    d = when.astimezone(_dt.UTC) - _J2000_UTC
    return JD_J2000 + d.days, (d.seconds + d.microseconds * 1e-6) / 86400.0


@jit
def normal_up(lat: float, lon: float) -> np.ndarray:
    """Unit ellipsoid normal (local up) in Earth-fixed axes at a geodetic point."""
    out = np.empty(3)
    out[0] = np.cos(lat) * np.cos(lon)
    out[1] = np.cos(lat) * np.sin(lon)
    out[2] = np.sin(lat)
    return out


@jit
def vincenty_distance(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance along the WGS-84 ellipsoid between two points (Vincenty's inverse method).

    Accurate to about 0.5 mm; returns NaN where the iteration does not converge (nearly
    antipodal points), for the caller to use a more general method there.

    Parameters
    ----------
    lat1, lon1, lat2, lon2 : float
        Geodetic latitudes and longitudes [rad].

    Returns
    -------
    float
        Geodesic distance [m].

    References
    ----------
    Vincenty, T. (1975), "Direct and inverse solutions of geodesics on the ellipsoid with
    application of nested equations", Survey Review 23 (176), 88-93.
    """
    su1, cu1 = reduced_latitude_sines(math.sin(lat1), math.cos(lat1))
    su2, cu2 = reduced_latitude_sines(math.sin(lat2), math.cos(lat2))
    return vincenty_reduced(su1, cu1, su2, cu2, lon2 - lon1, 0.0)[0]


@jit
def reduced_latitude_sines(sin_lat: float, cos_lat: float) -> tuple[float, float]:
    """Sine and cosine of the reduced latitude, tan u = (1 - f) tan(lat), from those of the
    geodetic latitude (no trigonometry) [-]."""
    su = (1.0 - WGS84_F) * sin_lat
    n = math.sqrt(su * su + cos_lat * cos_lat)
    return su / n, cos_lat / n


@jit
def vincenty_reduced(su1: float, cu1: float, su2: float, cu2: float, big_l: float,
                     start: float) -> tuple[float, float]:
    """Vincenty's inverse iteration from the sines and cosines of the two reduced latitudes
    and the difference of longitude ``big_l`` [rad]; ``start`` is a first guess of
    lambda - L [rad] (0, or the value a nearby pair of points converged to, which saves
    iterations). Returns the distance [m] (NaN where it does not converge) and lambda - L.
    """
    a, b, f = WGS84_A, WGS84_B, WGS84_F
    lam = big_l + start
    for _ in range(200):
        sl, cl = math.sin(lam), math.cos(lam)
        ss = math.sqrt((cu2 * sl) ** 2 + (cu1 * su2 - su1 * cu2 * cl) ** 2)
        if ss == 0.0:
            return 0.0, 0.0  # coincident points
        cs = su1 * su2 + cu1 * cu2 * cl
        sigma = angle(ss, cs)
        sa = cu1 * cu2 * sl / ss
        c2a = 1.0 - sa * sa
        c2sm = cs - 2.0 * su1 * su2 / c2a if c2a != 0.0 else 0.0
        c = f / 16.0 * c2a * (4.0 + f * (4.0 - 3.0 * c2a))
        lam_prev = lam
        lam = big_l + (1.0 - c) * f * sa * (
            sigma + c * ss * (c2sm + c * cs * (-1.0 + 2.0 * c2sm * c2sm)))
        if abs(lam - lam_prev) < 1e-12:
            u_sq = c2a * (a * a - b * b) / (b * b)
            ca = 1.0 + u_sq / 16384.0 * (4096.0 + u_sq * (-768.0 + u_sq * (320.0 - 175.0 * u_sq)))
            cb = u_sq / 1024.0 * (256.0 + u_sq * (-128.0 + u_sq * (74.0 - 47.0 * u_sq)))
            ds = cb * ss * (c2sm + cb / 4.0 * (cs * (-1.0 + 2.0 * c2sm * c2sm) - cb / 6.0 * c2sm
                                               * (-3.0 + 4.0 * ss * ss)
                                               * (-3.0 + 4.0 * c2sm * c2sm)))
            return b * ca * (sigma - ds), lam - big_l
    return math.nan, 0.0


def distance(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance along the WGS-84 ellipsoid [m]: Vincenty, or Karney's method where it fails."""
    d = vincenty_distance(lat1, lon1, lat2, lon2)
    if math.isnan(d):
        d = geodesic(lat1, lon1, lat2, lon2)[0]
    return float(d)
