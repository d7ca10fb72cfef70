"""The V-2 flown on other plans behaves as physics says, and events are located at roots."""

import dataclasses
import math

import numpy as np
import pytest

from spacerace.catalog import load
from spacerace.flight import SimOptions, aim, aim_inclination, simulate
from spacerace.kernel.layout import D_MACH, N_DIAG
from spacerace.mission import Phase


@pytest.fixture(scope="module")
def v2():
    return load("v2-london")


def _depletion_plan(mission, guidance="pitch_program"):
    phases = (Phase("vertical rise", "vertical", until_time=4.0),
              Phase("programme", guidance),
              Phase("ballistic", "coast", engine_on=False))
    return dataclasses.replace(mission, phases=phases, target=None, aim=())


def test_vertical_shot_goes_much_higher_than_aimed(v2):
    vehicle, mission = v2
    aimed = simulate(vehicle, aim(vehicle, mission)[0])
    vertical = simulate(vehicle, dataclasses.replace(
        mission, phases=(Phase("up", "vertical"), Phase("down", "coast", engine_on=False)),
        target=None, aim=()))
    assert vertical.figures["max_altitude_m"] > 1.5 * aimed.figures["max_altitude_m"]
    assert vertical.figures["range_m"] < 20e3  # Earth's rotation and the wind of it, no more


def test_more_propellant_flies_farther(v2):
    vehicle, mission = v2
    plan = _depletion_plan(mission)
    base = simulate(vehicle, plan).figures["range_m"]
    stage = vehicle.stages[0]
    heavier = dataclasses.replace(vehicle, stages=(dataclasses.replace(
        stage, propellant_mass=stage.propellant_mass * 1.05, dry_mass=stage.dry_mass),))
    assert simulate(heavier, plan).figures["range_m"] > base * 1.05


def test_earth_rotation_matters_for_a_westward_shot(v2):
    vehicle, mission = v2
    plan = _depletion_plan(mission)
    with_rot = simulate(vehicle, plan).figures
    without = simulate(vehicle, plan, SimOptions(earth_rotation=False)).figures
    # fired west, the V-2 starts with the ground's eastward speed (about 286 m/s at 52 N)
    assert with_rot["burnout_inertial_speed_m_s"] < without["burnout_inertial_speed_m_s"] - 200


def test_mach_1_event_is_at_the_root(v2):
    vehicle, mission = v2
    res = simulate(vehicle, mission)
    e = res.trajectory.event("Mach 1")
    t, mach = res.trajectory["t"], res.trajectory["mach"]
    # the sampled Mach number crosses 1 between the samples around the event
    i = np.searchsorted(t, e.t)
    assert mach[i - 1] < 1.0 <= mach[i]
    assert N_DIAG > D_MACH


def test_max_q_event_is_the_maximum_of_the_powered_flight(v2):
    vehicle, mission = v2
    # max-Q falls at the tropopause kink of the density (11 km), so q peaks sharply there:
    # sample finely, and expect the event to be at least as high as every sample
    res = simulate(vehicle, mission, SimOptions(output_interval=0.005))
    e = res.trajectory.event("max-Q")
    q = res.trajectory["dynamic_pressure"]
    powered = res.trajectory["t"] <= res.trajectory.event("cut-off").t
    assert e.value >= np.max(q[powered]) - 1e-6 * e.value
    assert e.value == pytest.approx(np.max(q[powered]), rel=2e-5)


def test_aim_reports_a_small_miss(v2):
    vehicle, mission = v2
    solved, result = aim(vehicle, mission)
    assert result.miss_distance < 1.0
    assert 1400 < result.cutoff_speed < 1750
    assert math.degrees(result.azimuth) % 360 == pytest.approx(260.6, abs=2.0)
    assert solved.phases[1].until_speed == result.cutoff_speed


def test_a_phase_reported_by_name_gives_its_end_state():
    from spacerace.report import to_dict

    vehicle, mission = load("sputnik-1")
    phases = list(mission.phases)
    phases[2] = dataclasses.replace(phases[2], report="core_cutoff")
    result = simulate(vehicle, aim_inclination(vehicle, dataclasses.replace(
        mission, phases=tuple(phases)))[0])
    f = result.figures
    assert f["core_cutoff_t_s"] == pytest.approx(f["cutoff_time_s"], abs=1e-9)
    assert f["core_cutoff_altitude_m"] == pytest.approx(f["cutoff_altitude_m"], abs=1e-3)
    assert f["core_cutoff_inertial_speed_m_s"] == pytest.approx(f["cutoff_inertial_speed_m_s"])
    assert f["core_cutoff_flight_path_angle_deg"] == pytest.approx(0.4, abs=1e-3)
    assert to_dict(result)["figures"]["core_cutoff"]["t_s"] == f["core_cutoff_t_s"]


def test_event_records_are_what_the_constructor_makes(v2):
    """``EventRecord.of`` (the fast path a flight uses) makes, from the same values in the
    fields' order, what the constructor makes: equal, with the same hash, as frozen."""
    from spacerace.results import EventRecord

    names = [f.name for f in dataclasses.fields(EventRecord)]
    for e in simulate(*v2).trajectory.events:
        values = [getattr(e, n) for n in names]
        values[2:7] = [1.0, 2.0, 3.0, 4.0, 5.0]  # five floats told apart by their place
        fast, slow = EventRecord.of(*values), EventRecord(*values)
        assert fast == slow and hash(fast) == hash(slow) and repr(fast) == repr(slow)
        with pytest.raises(dataclasses.FrozenInstanceError):
            fast.t = 0.0  # type: ignore[misc]


def test_heading_is_in_the_turn_without_a_negative_zero():
    """The heading column lies in [0, 2 pi) and has no -0 (which exports as "-0" degrees):
    on the pad the velocity relative to the Earth is zero."""
    res = simulate(*load("r2"))
    heading = res.trajectory.columns["heading"]
    assert np.all((heading >= 0.0) & (heading < 2.0 * math.pi))
    assert not np.any(np.signbit(heading))
