"""Aerodynamic drag: table interpolation, the force law, and air that turns with the Earth."""

import numpy as np
import pytest
from conftest import make_mission, make_vehicle

from spacerace.flight import SimOptions, pad_state, simulate
from spacerace.mission import Phase
from spacerace.models.aero import drag_coefficient, drag_force, dynamic_pressure


def test_drag_coefficient_table_interpolation_and_ends():
    mach = np.array([0.0, 0.8, 1.2, 1.8, 5.0])
    cd = np.array([0.15, 0.15, 0.4, 0.25, 0.15])
    assert drag_coefficient(1.0, mach, cd) == pytest.approx(0.275)
    assert drag_coefficient(1.5, mach, cd) == pytest.approx(0.325)
    assert drag_coefficient(7.0, mach, cd) == 0.15
    assert drag_coefficient(0.0, mach, cd) == 0.15


def test_drag_force_is_q_cd_area():
    assert dynamic_pressure(1.225, 100.0) == pytest.approx(6125.0)
    assert drag_force(1.225, 100.0, 0.3, 2.0) == pytest.approx(6125.0 * 0.6)


def test_air_turns_with_the_earth_so_a_resting_rocket_feels_no_drag():
    # engine off on the pad at 45 N: inertial speed ~ 329 m/s, airspeed zero
    v = make_vehicle()
    m = make_mission((Phase("wait", "coast", engine_on=False, until_time=1.0),), lat_deg=45.0)
    opts = SimOptions(max_time=1.0, gravity=False)
    res = simulate(v, m, opts, initial_state=pad_state(v, m, opts))
    assert res.trajectory["speed_inertial"][0] == pytest.approx(
        7.292115e-5 * 6388838.0 * np.cos(np.radians(45.0)), rel=1e-3)
    assert res.trajectory["speed_relative"][0] == pytest.approx(0.0, abs=1e-9)
    assert res.trajectory["drag"][0] == 0.0
