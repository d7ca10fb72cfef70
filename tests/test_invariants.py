"""Invariants and closed forms of the flight kernel.

- energy (with the J2 potential) and the polar component of angular momentum are conserved
  in a vacuum coast over the oblate Earth (the J2 field is axisymmetric and static);
- a vacuum ballistic arc over a non-rotating spherical-gravity Earth, flown in the equatorial
  plane (where the ellipsoid is a circle of radius a), matches the Kepler conic: apogee,
  range angle and flight time (Bate, Mueller & White, Fundamentals of Astrodynamics (1971),
  ch. 6, eqs. 6.2-1 to 6.2-5 for the free-flight range; Kepler's equation for the time).
"""

import math

import numpy as np
import pytest
from conftest import make_mission, make_vehicle

from spacerace.constants import GM_EARTH, J2_EARTH, WGS84_A
from spacerace.flight import SimOptions, simulate
from spacerace.mission import Phase


def _coast(state: np.ndarray, options: SimOptions, t: float = 1e9):
    v = make_vehicle()
    m = make_mission((Phase("coast", "coast", engine_on=False, until_time=t),))
    return simulate(v, m, options, initial_state=state)


def test_energy_and_polar_angular_momentum_conserved_in_vacuum_coast_with_j2():
    r0 = np.array([7.0e6, 0.0, 0.0])
    v0 = np.array([0.0, 7.0e3, 3.5e3])  # perpendicular, above circular speed: r0 is perigee
    state = np.concatenate([r0, v0, [1000.0]])
    opts = SimOptions(atmosphere=False, earth_rotation=False, max_time=20000.0,
                      output_interval=50.0)
    tr = _coast(state, opts, t=20000.0).trajectory
    r = np.stack([tr["x_eci"], tr["y_eci"], tr["z_eci"]], axis=1)
    v = np.stack([tr["vx_eci"], tr["vy_eci"], tr["vz_eci"]], axis=1)
    rn = np.linalg.norm(r, axis=1)
    s = r[:, 2] / rn
    u = -GM_EARTH / rn * (1.0 - J2_EARTH * (WGS84_A / rn) ** 2 * (1.5 * s * s - 0.5))
    energy = 0.5 * np.sum(v * v, axis=1) + u
    hz = r[:, 0] * v[:, 1] - r[:, 1] * v[:, 0]
    assert len(energy) > 100
    assert np.max(np.abs(energy - energy[0])) / abs(energy[0]) < 1e-9
    assert np.max(np.abs(hz - hz[0])) / abs(hz[0]) < 1e-9
    # J2 does change the in-plane angular momentum (nodal precession): the test can fail
    hx = r[:, 1] * v[:, 2] - r[:, 2] * v[:, 1]
    h0 = np.linalg.norm(np.cross(r0, v0))
    assert np.max(np.abs(hx - hx[0])) / h0 > 1e-4


@pytest.mark.parametrize("speed,gamma_deg", [(1600.0, 45.0), (3000.0, 30.0), (5000.0, 60.0)])
def test_vacuum_ballistic_arc_matches_kepler(speed, gamma_deg):
    mu, r0 = GM_EARTH, WGS84_A
    g = math.radians(gamma_deg)
    # launch from the equator, eastwards in the equatorial plane, non-rotating Earth
    state = np.array([r0, 0.0, 0.0, speed * math.sin(g), speed * math.cos(g), 0.0, 1000.0])
    opts = SimOptions(atmosphere=False, earth_rotation=False, j2=False, max_time=5000.0,
                      output_interval=5.0)
    res = _coast(state, opts)
    h = r0 * speed * math.cos(g)
    energy = speed**2 / 2 - mu / r0
    a = -mu / (2 * energy)
    e = math.sqrt(1 - h * h / (mu * a))
    r_apo = a * (1 + e)
    nu0 = math.acos((h * h / (mu * r0) - 1) / e)  # true anomaly at launch, ascending
    range_angle = 2 * math.pi - 2 * nu0

    def mean_anomaly(nu: float) -> float:
        ecc = 2 * math.atan2(math.sqrt(1 - e) * math.sin(nu / 2),
                             math.sqrt(1 + e) * math.cos(nu / 2))
        return ecc - e * math.sin(ecc)

    n = math.sqrt(mu / a**3)
    t_flight = (mean_anomaly(2 * math.pi - nu0) + 2 * math.pi - mean_anomaly(nu0)) / n
    t_flight = t_flight % (2 * math.pi / n)
    apo = res.trajectory.event("apogee")
    imp = res.trajectory.event("impact")
    assert apo.altitude == pytest.approx(r_apo - r0, abs=1e-3)
    assert apo.t == pytest.approx(t_flight / 2, abs=1e-6)
    assert imp.t == pytest.approx(t_flight, abs=1e-6)
    lon0 = res.trajectory["lon"][0]
    assert math.remainder(imp.lon - lon0 - range_angle, 2 * math.pi) == pytest.approx(0, abs=1e-9)
    assert imp.lat == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("speed,gamma_deg", [(1600.0, 45.0), (6000.0, 25.0)])
def test_free_flight_range_function_matches_the_conic(speed, gamma_deg):
    """The range-control function (Bate, Mueller & White sec. 6.2) from the launch state gives
    the same range angle as the coast that the kernel integrates."""
    from spacerace.kernel.events import free_flight_range

    g = math.radians(gamma_deg)
    r0 = WGS84_A
    state = np.array([r0, 0.0, 0.0, speed * math.sin(g), speed * math.cos(g), 0.0, 1000.0])
    opts = SimOptions(atmosphere=False, earth_rotation=False, j2=False, max_time=10000.0,
                      output_interval=5.0)
    res = _coast(state, opts)
    imp = res.trajectory.event("impact")
    flown = math.remainder(imp.lon - res.trajectory["lon"][0], 2 * math.pi) % (2 * math.pi)
    assert free_flight_range(state, GM_EARTH, WGS84_A) == pytest.approx(flown, abs=1e-9)
    # a state going down already, below the sphere's speed to come back up: no range
    assert free_flight_range(np.array([r0, 0, 0, -10.0, 10.0, 0, 1.0]), GM_EARTH,
                             2 * WGS84_A) == -1.0
