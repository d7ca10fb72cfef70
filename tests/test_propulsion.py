"""Propulsion and the flight kernel against Tsiolkovsky's rocket equation and burn time.

Reference: K. E. Tsiolkovsky (1903), dv = ve ln(m0/m1); burn time = propellant / mass flow.
Sutton & Biblarz, Rocket Propulsion Elements, 7th ed., eq. 2-14 (thrust with back-pressure).
"""

import math

import numpy as np
import pytest
from conftest import make_mission, make_vehicle

from spacerace.constants import G0, US76_P0
from spacerace.flight import SimOptions, simulate
from spacerace.mission import Phase
from spacerace.models.propulsion import burn_time, mass_flow, thrust

VACUUM = SimOptions(atmosphere=False, gravity=False, earth_rotation=False, j2=False,
                    max_time=500.0)


def test_thrust_back_pressure_and_floor():
    assert thrust(300e3, 0.5, US76_P0, 1.0) == pytest.approx(300e3 - US76_P0 * 0.5)
    assert thrust(300e3, 0.5, 0.0, 1.0) == 300e3
    assert thrust(10e3, 1.0, US76_P0, 1.0) == 0.0  # never pulls backwards
    assert mass_flow(300e3, 300.0) == pytest.approx(300e3 / (300.0 * G0))
    assert burn_time(8000.0, 100.0) == 80.0


def test_tsiolkovsky_delta_v_and_burn_time_in_vacuum_without_gravity():
    v = make_vehicle(f_vac=300e3, mdot=120.0, dry=3000.0, prop=8000.0, payload=1000.0)
    m = make_mission((Phase("burn", "vertical"), Phase("coast", "coast", engine_on=False,
                                                       until_time=150.0)))
    res = simulate(v, m, VACUUM)
    cutoff = res.trajectory.event("cut-off")
    assert cutoff is not None
    assert cutoff.t == pytest.approx(8000.0 / 120.0, abs=1e-6)
    ve = 300e3 / 120.0
    dv = ve * math.log(12000.0 / 4000.0)
    assert cutoff.inertial_speed == pytest.approx(dv, rel=1e-9)
    # mass is monotonic and ends at the dry mass
    mass = res.trajectory["mass"]
    assert np.all(np.diff(mass) <= 1e-9)
    assert mass[-1] == pytest.approx(4000.0, abs=1e-6)


def test_cutoff_on_speed_and_on_time():
    v = make_vehicle()
    m = make_mission((Phase("burn", "vertical", until_speed=1000.0),
                      Phase("coast", "coast", engine_on=False, until_time=100.0)))
    res = simulate(v, m, VACUUM)
    c = res.trajectory.event("cut-off")
    assert c.inertial_speed == pytest.approx(1000.0, abs=1e-6)
    # time when the rocket equation gives 1000 m/s
    ve = 300e3 / 120.0
    t_expected = 12000.0 * (1.0 - math.exp(-1000.0 / ve)) / 120.0
    assert c.t == pytest.approx(t_expected, abs=1e-6)
    m2 = make_mission((Phase("burn", "vertical", until_time=10.0),
                       Phase("coast", "coast", engine_on=False, until_time=20.0)))
    c2 = simulate(v, m2, VACUUM).trajectory.event("cut-off")
    assert c2.t == pytest.approx(10.0, abs=1e-9)
