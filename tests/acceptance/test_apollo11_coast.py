"""Acceptance: Apollo 11's translunar coast from the archival injection state, to the Moon.

Data source: ORLOFF (Apollo by the Numbers, NASA SP-2000-4029, via JSORRERY): translunar
injection (TLI cut-off + 10 s) at 16:22:13 UTC on 16 July 1969, altitude 334.4 km, inertial
speed 10,834.3 m/s, space-fixed flight-path angle 7.367 deg and heading 60.073 deg, geodetic
latitude 9.983 N, longitude 164.8373 W. Lunar orbit insertion began at 75:49:50 GET
(17:21:50 UTC on 19 July, MR-A11) after a pericynthion near 111 km; one mid-course
correction (about 6 m/s) had been made. Criterion (the project's): without mid-course
corrections the coast passes the Moon within 5,000 km of its surface. The Saturn V's ascent
is not modelled yet: the coast starts from the archival state.
"""

import datetime as dt
import math

import numpy as np
import pytest

from spacerace.catalog import load
from spacerace.constants import MOON_RADIUS
from spacerace.flight import SimOptions, simulate
from spacerace.frames import ecef_from_enu, eci_from_ecef
from spacerace.mission import LaunchSite, Mission, Phase
from spacerace.models.earth import earth_rotation_angle, ecef_from_geodetic, julian_date_utc

pytest.importorskip("de421", reason="the Moon's ephemeris needs the de421 package")

EPOCH = dt.datetime(1969, 7, 16, 16, 22, 13, tzinfo=dt.UTC)


def _tli_state() -> np.ndarray:
    lat, lon, alt = math.radians(9.983), math.radians(-164.8373), 334.4e3
    speed, gamma, heading = 10834.3, math.radians(7.367), math.radians(60.073)
    rot = eci_from_ecef(earth_rotation_angle(*julian_date_utc(EPOCH)))
    r = rot @ ecef_from_geodetic(lat, lon, alt)
    up = r / np.linalg.norm(r)
    east = rot @ ecef_from_enu(lat, lon)[:, 0]
    east = east - np.dot(east, up) * up
    east /= np.linalg.norm(east)
    north = np.cross(up, east)
    v = speed * (math.cos(gamma) * (math.sin(heading) * east + math.cos(heading) * north)
                 + math.sin(gamma) * up)
    return np.concatenate([r, v, [45_000.0]])


def test_translunar_coast_reaches_the_moon(tmp_path):
    vehicle, _ = load("v2-london")  # any vehicle: the coast has no engine and no drag
    mission = Mission("apollo-11-coast", "Apollo 11 translunar coast", vehicle.id, EPOCH,
                      LaunchSite("TLI", math.radians(9.983), math.radians(-164.8373), 334.4e3),
                      0.0, (Phase("translunar coast", "coast", engine_on=False,
                                  until_time=3.5 * 86400.0),), third_bodies=True)
    options = SimOptions(max_time=3.5 * 86400.0, output_interval=600.0, max_step=600.0)
    result = simulate(vehicle, mission, options, initial_state=_tli_state())
    figures = result.figures
    altitude = figures["moon_closest_approach_m"] - MOON_RADIUS
    assert 0.0 < altitude < 5000e3, f"pericynthion {altitude / 1e3:.0f} km above the Moon"
    when = EPOCH + dt.timedelta(seconds=figures["moon_closest_approach_time_s"])
    loi = dt.datetime(1969, 7, 19, 17, 21, 50, tzinfo=dt.UTC)
    assert abs((when - loi).total_seconds()) < 3 * 3600, f"closest approach at {when}"
    from spacerace.plots import plot_moon

    png = plot_moon(result.trajectory, EPOCH, mission.name, tmp_path / "coast-moon.png")
    assert png.stat().st_size > 20_000
