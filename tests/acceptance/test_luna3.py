"""Acceptance: Luna 3 on the Luna 8K72, 4 October 1959: past the far side of the Moon.

Data source: WP-LUNA3 (Wikipedia 'Luna 3'): launch 00:43:40 UTC from Baikonur; closest
approach 6,200 km (centre or surface: the sources differ) near the lunar south pole at
14:16 UTC on 6 October; pre-encounter orbit a = 256,620.5 km, e = 0.97322501
(perigee 493 km, apogee 499,992 km above 6,378.137 km). The Blok E is steered to that orbit
by the closed-loop insertion law, so the orbit checks the guidance only; the encounter is
the flight's real test.

Criteria (the project's): closest approach within 25 % of 6,200 km from the Moon's centre
and within 6 hours of 14:16 UTC, behind the Moon as seen from the Earth (farther from the
Earth than the Moon, the angle Earth-Moon-spacecraft beyond 90 deg).

Known failure (see the mission file): with the archival launch time a direct ascent to the
north-east from Baikonur puts the pre-encounter apogee about 45 deg of arc east of (and
south of) where the Moon is at 14:16 UTC on 6 October; no injection the Blok E can reach
brings the craft within 100,000 km of the Moon. The encounter tests are marked as expected
failures until the ascent is understood; they turn into errors (strict) when they pass.
"""

import math

import numpy as np
import pytest

from spacerace.catalog import load
from spacerace.flight import fly

pytest.importorskip("de421", reason="the Moon's ephemeris needs the de421 package")

ARCHIVE_DISTANCE = 6200e3  # [m] from the Moon's centre
ARCHIVE_TIME = 221540.0  # 1959-10-06 14:16 UTC, seconds after liftoff
ENCOUNTER_XFAIL = pytest.mark.xfail(
    strict=True,
    reason="the archival launch time, a north-east direct ascent and the Blok E's energy "
           "do not bring the craft to the Moon at the archival time (miss ~270,000 km); "
           "see the luna-3 mission file")


@pytest.fixture(scope="module")
def flight():
    vehicle, mission = load("luna-3")
    return fly(vehicle, mission)


def _closest_state(flight):
    from spacerace.ephem import moon_sun_eci

    c = flight.trajectory.columns
    t = flight.figures["moon_closest_approach_time_s"]
    r = np.array([np.interp(t, c["t"], c[k]) for k in ("x_eci", "y_eci", "z_eci")])
    moon = np.asarray(moon_sun_eci(flight.mission.epoch, np.array([t]))[0])[0]
    return r, moon


def test_injection_orbit(flight):
    f = flight.figures
    assert f["perigee_altitude_m"] == pytest.approx(493e3, abs=50e3)
    assert f["apogee_altitude_m"] == pytest.approx(499_992e3, abs=20_000e3)
    assert f["period_s"] / 3600 == pytest.approx(359.38, abs=20.0)
    # the Blok E reached the target before its propellant ran out
    assert f["cutoff_time_s"] < 291.6 + 397.0


@ENCOUNTER_XFAIL
def test_closest_approach_distance_and_time(flight):
    f = flight.figures
    assert f["moon_closest_approach_m"] == pytest.approx(ARCHIVE_DISTANCE, rel=0.25)
    assert abs(f["moon_closest_approach_time_s"] - ARCHIVE_TIME) < 6 * 3600


@ENCOUNTER_XFAIL
def test_passes_behind_the_moon(flight):
    r, moon = _closest_state(flight)
    assert np.linalg.norm(r) > np.linalg.norm(moon)
    to_earth, to_craft = -moon, r - moon
    angle = math.degrees(math.acos(np.dot(to_earth, to_craft)
                                   / (np.linalg.norm(to_earth) * np.linalg.norm(to_craft))))
    assert angle > 90.0, f"Earth-Moon-spacecraft angle {angle:.0f} deg"
    assert flight.figures["moon_closest_approach_m"] < 1.25 * ARCHIVE_DISTANCE
