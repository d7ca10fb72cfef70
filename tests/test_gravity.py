"""Gravity (point mass + J2) against the potential it derives from and against WGS-84.

References: Vallado, Fundamentals of Astrodynamics and Applications, 4th ed. (2013), eq. 8-30
(J2 potential); NIMA TR8350.2 (2000), Table 3.4 (normal gravity at the equator
9.7803253359 m/s^2 and at the poles 9.8321849378 m/s^2).
"""

import math

import numpy as np
import pytest

from spacerace.constants import GM_EARTH, J2_EARTH, OMEGA_EARTH, WGS84_A, WGS84_B
from spacerace.models.gravity import gravity_accel


def potential(r: np.ndarray) -> float:
    """Gravitational potential U (acceleration = grad U) with the J2 term."""
    rn = float(np.linalg.norm(r))
    s = r[2] / rn
    return GM_EARTH / rn * (1.0 - J2_EARTH * (WGS84_A / rn) ** 2 * (1.5 * s * s - 0.5))


@pytest.mark.parametrize("r", [
    (WGS84_A, 0.0, 0.0), (0.0, 0.0, WGS84_B), (4.0e6, -3.0e6, 3.5e6),
    (7.0e6, 1.0e6, -2.0e6), (-1.0e7, 2.0e7, 3.0e7),
])
def test_acceleration_is_gradient_of_j2_potential(r):
    r = np.array(r, dtype=float)
    h = 1.0  # central differences on a smooth potential: error ~ h^2 U''' ~ 1e-12
    grad = np.array([(potential(r + h * e) - potential(r - h * e)) / (2 * h)
                     for e in np.eye(3)])
    acc = np.array(gravity_accel(*r))
    np.testing.assert_allclose(acc, grad, rtol=1e-8, atol=1e-12)


def test_point_mass_without_j2():
    r = np.array([7.0e6, 0.0, 0.0])
    ax, ay, az = gravity_accel(*r, GM_EARTH, 0.0)
    assert ax == pytest.approx(-GM_EARTH / 7.0e6**2, rel=1e-15)
    assert ay == 0.0 and az == 0.0


def test_normal_gravity_at_equator_and_pole_wgs84():
    # Effective gravity on the ellipsoid: attraction + centrifugal. The WGS-84 normal field
    # includes all even zonals; J4 and beyond change g by about 1e-4 m/s^2, so that is the
    # tolerance against the published values.
    ax, _, _ = gravity_accel(WGS84_A, 0.0, 0.0)
    g_equator = -ax - OMEGA_EARTH**2 * WGS84_A
    _, _, az = gravity_accel(0.0, 0.0, WGS84_B)
    g_pole = -az
    assert g_equator == pytest.approx(9.7803253359, abs=2e-4)
    assert g_pole == pytest.approx(9.8321849378, abs=2e-4)
    # and the J2 term matters: without it the equator is off by ~0.016 m/s^2
    ax0, _, _ = gravity_accel(WGS84_A, 0.0, 0.0, GM_EARTH, 0.0)
    assert abs(-ax0 - OMEGA_EARTH**2 * WGS84_A - 9.7803253359) > 1e-2


def test_gravity_decreases_as_inverse_square_far_away():
    a1 = np.linalg.norm(gravity_accel(1e8, 0.0, 0.0))
    a2 = np.linalg.norm(gravity_accel(2e8, 0.0, 0.0))
    # the J2 term falls as r^-4: at 1e8 m it changes the ratio by 1.5 J2 (a/r)^2 ~ 2e-5
    assert a1 / a2 == pytest.approx(4.0, rel=5e-5)
    assert math.isclose(a1, GM_EARTH / 1e16, rel_tol=1e-5)
