"""The wind and third-body models on their own, against closed forms."""

import math

import numpy as np
import pytest

from spacerace.constants import GM_MOON
from spacerace.models.gravity import third_body_accel
from spacerace.models.propulsion import thrust, thrust_at
from spacerace.models.wind import wind_direction


@pytest.mark.parametrize(("wind_from_deg", "lat_deg", "lon_deg", "expected_enu"), [
    (0.0, 0.0, 0.0, (0.0, -1.0, 0.0)),     # a north wind blows south
    (270.0, 0.0, 0.0, (1.0, 0.0, 0.0)),    # a west wind blows east
    (90.0, 52.0, 4.4, (-1.0, 0.0, 0.0)),   # an east wind blows west, anywhere
    (45.0, -30.0, 120.0, (-math.sqrt(0.5), -math.sqrt(0.5), 0.0)),
])
def test_wind_blows_away_from_where_it_comes_from(wind_from_deg, lat_deg, lon_deg, expected_enu):
    """The unit vector, taken back to local east-north-up axes (Earth-fixed, no turn), is
    horizontal and points away from the azimuth the wind comes from."""
    lat, lon = math.radians(lat_deg), math.radians(lon_deg)
    sl, cl, so, co = math.sin(lat), math.cos(lat), math.sin(lon), math.cos(lon)
    w = np.array(wind_direction(math.radians(wind_from_deg), 6.4e6 * co, 6.4e6 * so, sl, cl))
    east = np.array([-so, co, 0.0])
    north = np.array([-sl * co, -sl * so, cl])
    up = np.array([cl * co, cl * so, sl])
    np.testing.assert_allclose([w @ east, w @ north, w @ up], expected_enu, atol=1e-12)


def test_wind_turns_with_the_earth():
    """Given a point in axes turned by theta about the Earth's axis, the same wind comes out
    as the Earth-fixed one turned by theta: the inertial wind needs no rotation angle."""
    th, lat, lon = 0.7, 0.3, -0.4
    sl, cl = math.sin(lat), math.cos(lat)
    fixed = np.array(wind_direction(1.0, math.cos(lon), math.sin(lon), sl, cl))
    turned = np.array(wind_direction(1.0, math.cos(lon + th), math.sin(lon + th), sl, cl))
    rot = np.array([[math.cos(th), -math.sin(th), 0], [math.sin(th), math.cos(th), 0], [0, 0, 1]])
    np.testing.assert_allclose(turned, rot @ fixed, atol=1e-15)


def test_third_body_tidal_acceleration_on_the_axis():
    """On the Earth-Moon line, near the Earth, the perturbation is the tidal one: 2 mu r / d^3
    towards the Moon (Vallado 2013, eq. 8-34 to first order in r/d), and exactly the
    difference of the two pulls."""
    d, r = 384_400e3, 6_778e3
    ax, ay, az = third_body_accel(r, 0.0, 0.0, d, 0.0, 0.0, GM_MOON)
    exact = GM_MOON / (d - r) ** 2 - GM_MOON / d**2
    assert ax == pytest.approx(exact, rel=1e-12)
    assert ax == pytest.approx(2 * GM_MOON * r / d**3, rel=0.03)  # r/d = 1.8 %
    assert ay == az == 0.0


def test_third_body_pull_vanishes_at_the_earths_centre():
    """At the origin the craft moves with the Earth: no relative acceleration."""
    assert third_body_accel(0.0, 0.0, 0.0, 1e8, 2e8, -3e7, GM_MOON) == pytest.approx(
        (0.0, 0.0, 0.0), abs=1e-18)


def test_thrust_at_pressure_is_one_law_for_floats_and_arrays():
    """F = throttle F_vac - p A_exit, never negative (Sutton & Biblarz eq. 2-14); the compiled
    law and the array form agree."""
    f_vac, area, p = 300e3, 0.4, 101_325.0
    assert thrust(f_vac, area, p, 0.8) == pytest.approx(0.8 * f_vac - p * area, rel=1e-15)
    assert thrust(1e3, area, p, 1.0) == 0.0
    arr = thrust_at(np.array([f_vac, 1e3]), area, p, np.array([0.8, 1.0]))
    np.testing.assert_allclose(arr, [thrust(f_vac, area, p, 0.8), 0.0], rtol=1e-15)
