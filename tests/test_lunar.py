"""Aiming an injection at the Moon: the steering-plane yaw, pausing a flight at a phase, and
the mission-file checks of the ``moon`` aim. The aim itself is checked on Apollo 11 in
tests/acceptance/test_apollo11.py."""

import math

import numpy as np
import pytest

from spacerace.catalog import MISSIONS, load, load_mission
from spacerace.dynamics import (
    MODE_LINEAR_TANGENT,
    N_PH,
    N_STG,
    PH_MODE,
    PH_PLANE,
    PH_THROTTLE,
    PH_YAW,
)
from spacerace.errors import CatalogError
from spacerace.kernel import begin_phase
from spacerace.packing import SimOptions, pack, run_packed, start_of_flight


@pytest.mark.parametrize("yaw_deg", [0.0, 10.0, -35.0])
def test_yaw_turns_the_steering_plane_about_the_vertical(yaw_deg):
    """On the equator flying east, the orbit normal is +z; a yaw psi to the left (north)
    tilts it to (0, -sin psi, cos psi), so that the downrange direction becomes
    (0, cos psi, sin psi)."""
    psi = math.radians(yaw_deg)
    y = np.array([6.5e6, 0.0, 0.0, 0.0, 7.8e3, 0.0, 1000.0])
    ph = np.zeros(N_PH)
    ph[PH_MODE], ph[PH_THROTTLE], ph[PH_YAW] = MODE_LINEAR_TANGENT, 1.0, psi
    begin_phase(0.0, y, np.zeros(32), ph, np.zeros((1, N_STG)), np.zeros(1), np.zeros((4, 2)))
    n = ph[PH_PLANE:PH_PLANE + 3]
    np.testing.assert_allclose(n, [0.0, -math.sin(psi), math.cos(psi)], atol=1e-15)
    downrange = np.cross(n, y[:3] / np.linalg.norm(y[:3]))
    np.testing.assert_allclose(downrange, [0.0, math.cos(psi), math.sin(psi)], atol=1e-15)


def test_a_flight_paused_at_a_phase_goes_on_as_if_flown_at_once():
    """Sputnik 1 flown in one go, and flown to the Blok A phase then resumed, end in the
    same state (the same kernel steps: bit for bit up to the pause's sample)."""
    v, m = load("sputnik-1")
    options = SimOptions()
    pk = pack(v, m, options)
    whole = run_packed(pk, options)
    at = start_of_flight(pk)
    k = len(m.phases) - 1
    first = run_packed(pk, options, at, stop=k)
    assert at.phase == k
    np.testing.assert_array_equal(at.y, first[1][-1])
    rest = run_packed(pk, options, at)
    np.testing.assert_allclose(rest[1][-1], whole[1][-1], rtol=1e-12, atol=1e-6)


def _mission_text(replace: dict[str, str]) -> str:
    text = (MISSIONS / "apollo-11.toml").read_text()
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new, 1)
    return text


@pytest.mark.parametrize("change, field", [
    ({"moon = { closest_approach": "moon_unused = { closest_approach"}, "mission.moon"),
    ({"third_bodies = true": "third_bodies = false"}, "mission.third_bodies"),
    ({'inclination = "31.383 deg"': 'inclination = "31.383 deg", time = "75 h"'},
     "mission.moon"),
    ({'closest_approach = "1848.4 km"': 'closest_approach = "-3 km"'},
     "mission.moon.closest_approach"),
])
def test_moon_aim_mistakes_name_the_field(tmp_path, change, field):
    p = tmp_path / "apollo.toml"
    p.write_text(_mission_text(change))
    with pytest.raises(CatalogError) as err:
        load_mission(p)
    assert field in str(err.value)
