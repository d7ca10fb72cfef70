"""Impact statistics on synthetic samples with known answers.

For a circular normal scatter of standard deviation sigma, the CEP is sigma sqrt(2 ln 2)
= 1.1774 sigma (Grubbs 1964); a p-probability ellipse of a bivariate normal has semi-axes
sqrt(-2 ln(1-p)) times the standard deviations along its principal axes.
"""

import math

import numpy as np
import pytest

from spacerace.scatter import local_plane, plane_to_geodetic, probability_ellipse, scatter

AIM = (math.radians(51.4828), math.radians(-0.265))


def _points(east, north):
    """Latitudes and longitudes [rad] of points given on the tangent plane at AIM: Newton
    steps on ``local_plane``, all points at once, until they are within a millimetre."""
    lat, lon = np.full(len(east), AIM[0]), np.full(len(east), AIM[1])
    for _ in range(10):
        e, n = local_plane(lat, lon, *AIM).T
        if max(np.max(np.abs(e - east)), np.max(np.abs(n - north))) < 1e-3:
            return lat, lon
        lat = lat + (north - n) / 6.36e6  # metres of latitude and of longitude per radian,
        lon = lon + (east - e) / (6.39e6 * np.cos(lat))  # near enough for Newton steps
    raise AssertionError("the points did not converge onto the plane")


def test_local_plane_round_trip_and_scale():
    lat, lon = plane_to_geodetic(3000.0, -4000.0, *AIM)
    e, n = local_plane(np.array([lat]), np.array([lon]), *AIM)[0]
    assert e == pytest.approx(3000.0, abs=1e-3) and n == pytest.approx(-4000.0, abs=1e-3)
    # 0.01 deg of latitude near 51.5 N is 1113 m on WGS-84
    _, n1 = local_plane(np.array([AIM[0] + math.radians(0.01)]), np.array([AIM[1]]), *AIM)[0]
    assert n1 == pytest.approx(1113.0, abs=2.0)


def test_circular_normal_cep_and_ellipses():
    rng = np.random.default_rng(7)
    sigma = 2000.0
    east, north = rng.normal(0, sigma, 20000), rng.normal(500.0, sigma, 20000)
    lat, lon = _points(east, north)
    s = scatter(lat, lon, *AIM, azimuth=0.0)  # flying north: down-range = north
    assert s.mean_downrange == pytest.approx(500.0, abs=50.0)
    assert s.mean_crossrange == pytest.approx(0.0, abs=50.0)
    assert s.cep_about_mean == pytest.approx(1.1774 * sigma, rel=0.03)
    assert s.sd_downrange == pytest.approx(sigma, rel=0.03)
    e50, e95 = s.ellipses
    assert e50.semi_major == pytest.approx(math.sqrt(-2 * math.log(0.5)) * sigma, rel=0.04)
    assert e95.semi_minor == pytest.approx(math.sqrt(-2 * math.log(0.05)) * sigma, rel=0.04)
    # the fraction of points inside the 50 % ellipse (circle here) is one half
    r = np.hypot(east - east.mean(), north - north.mean())
    assert np.mean(r < e50.semi_major) == pytest.approx(0.5, abs=0.02)


def test_elongated_rotated_scatter():
    rng = np.random.default_rng(3)
    az = math.radians(260.0)  # V-2 track
    down, cross = rng.normal(0, 5000.0, 20000), rng.normal(0, 1000.0, 20000)
    d = np.array([math.sin(az), math.cos(az)])
    c = np.array([math.cos(az), -math.sin(az)])
    xy = np.outer(down, d) + np.outer(cross, c)
    lat, lon = _points(xy[:, 0], xy[:, 1])
    s = scatter(lat, lon, *AIM, azimuth=az)
    assert s.sd_downrange == pytest.approx(5000.0, rel=0.03)
    assert s.sd_crossrange == pytest.approx(1000.0, rel=0.03)
    assert math.degrees(s.ellipses[0].azimuth) == pytest.approx(80.0, abs=1.0)  # 260 mod 180


def test_probability_ellipse_of_known_covariance():
    e = probability_ellipse(np.diag([9.0, 4.0]), 0.95)
    k = math.sqrt(-2 * math.log(0.05))
    assert e.semi_major == pytest.approx(3 * k) and e.semi_minor == pytest.approx(2 * k)
    assert math.degrees(e.azimuth) == pytest.approx(90.0)  # major axis east-west
