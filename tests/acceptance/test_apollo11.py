"""Acceptance: Apollo 11 on Saturn V AS-506, 16 July 1969, from LC-39A to the Moon.

Data sources (see catalog/missions/apollo-11.toml): FER506 (Saturn V flight evaluation
report, via the ORBITLAB and NILSON transcriptions) for the event times, the mass history
and the S-IC state at outboard cut-off / separation (66.1-66.7 km, 2,764-2,773.9 m/s
space-fixed, 19.0-19.1 deg); ORLOFF (Apollo by the Numbers, via JSORRERY) for the parking
orbit (183.2 x 185.9 km, 32.521 deg) and the translunar injection (10,834.3 m/s inertial,
7.367 deg, e = 0.97696, C3 = -1.392 km^2/s^2).

Tolerances: the project's acceptance criteria (S-IC cut-off 3 % and 1.5 deg, parking orbit
10 km and 0.2 deg, TLI speed 0.5 %, a pass within 5,000 km of the Moon's surface).
"""

import math

import numpy as np
import pytest

from spacerace.api import fly
from spacerace.constants import MOON_RADIUS
from spacerace.orbit import elements_from_state

pytest.importorskip("de421", reason="the Moon's ephemeris needs the de421 package")

OECO = 161.63  # S-IC outboard engine cut-off [s] (FER506 via ORBITLAB)


@pytest.fixture(scope="module")
def result():
    return fly("apollo-11")


def _state_at(result, t):
    """Inertial state of the trajectory sample nearest ``t`` (no interpolation: the
    samples of a long flight are far apart)."""
    c = result.trajectory.columns
    k = int(np.argmin(np.abs(c["t"] - t)))
    return np.array([c[n][k] for n in ("x_eci", "y_eci", "z_eci", "vx_eci", "vy_eci",
                                       "vz_eci")])


def _event(result, name, t):
    return min((e for e in result.trajectory.events if e.name == name),
               key=lambda e: abs(e.t - t))


def test_sic_outboard_cutoff(result):
    e = _event(result, "cut-off", OECO)
    assert e.t == pytest.approx(OECO)
    assert e.altitude == pytest.approx(66.7e3, rel=0.03)
    assert e.inertial_speed == pytest.approx(2773.9, rel=0.03)
    # the events carry no flight-path angle: the space-fixed one from the trajectory sample
    # nearest the cut-off (phase ends are sampled)
    s = _state_at(result, OECO)
    assert abs(result.trajectory.columns["t"][np.argmin(np.abs(
        result.trajectory.columns["t"] - OECO))] - OECO) < 1.0
    gamma = math.degrees(math.asin(np.dot(s[:3], s[3:]) / np.linalg.norm(s[:3])
                                   / np.linalg.norm(s[3:])))
    assert gamma == pytest.approx(19.0, abs=1.5)


def test_sii_cutoff(result):
    e = _event(result, "cut-off", 548.22)
    assert e.t == pytest.approx(548.22)
    assert e.altitude == pytest.approx(187.3e3, abs=10e3)
    assert e.inertial_speed == pytest.approx(6916.0, rel=0.01)


def test_parking_orbit(result):
    """Aimed: the S-IVB's closed-loop target; this checks its guidance. The cut-off time is
    calibrated (the S-II propellant figure, see test_tli_speed)."""
    e = _event(result, "cut-off", 699.34)
    assert e.t == pytest.approx(699.34, abs=15.0)  # guidance cut-off (FER506)
    assert e.inertial_speed == pytest.approx(7793.1, rel=0.005)  # ORLOFF, at cut-off + 10 s
    # osculating elements at insertion (later, J2 swings the apsides by +/-10 km)
    el = elements_from_state(*np.split(_state_at(result, e.t), 2))
    assert el.perigee_altitude() == pytest.approx(183.2e3, abs=10e3)
    assert el.apogee_altitude() == pytest.approx(185.9e3, abs=10e3)
    assert math.degrees(el.i) == pytest.approx(32.521, abs=0.2)


def test_tli_cutoff_state(result):
    """Aimed (the TLI target's flight-path angle and perigee: checks the guidance) and
    calibrated (the cut-off time, through the S-II propellant figure)."""
    f = result.figures
    assert f["cutoff_time_s"] == pytest.approx(10203.03, abs=30.0)
    assert f["cutoff_flight_path_angle_deg"] == pytest.approx(7.367, abs=0.5)
    assert f["perigee_altitude_m"] == pytest.approx(219.4e3, abs=20e3)


def test_tli_speed(result):
    """The speed is the check. The cut-off time is not independent: of the FER's two S-II
    propellant figures the vehicle file takes the one with which the S-IVB burns end on time
    (see saturn-v-as506.toml), so it confirms that choice holds."""
    f = result.figures
    assert f["cutoff_inertial_speed_m_s"] == pytest.approx(10834.3, rel=0.005)
    assert f["cutoff_time_s"] == pytest.approx(10203.03, abs=5.0)  # FER506: 2:50:03.03
    assert "propellant" not in result.trajectory.metadata["event_details"][
        [e.name for e in result.trajectory.events].index("cut-off", 20)]


def test_reaches_the_moon(result):
    """The coast without mid-course corrections passes within 5,000 km of the surface."""
    altitude = result.figures["moon_closest_approach_m"] - MOON_RADIUS
    assert 0.0 < altitude < 5000e3
    # the injection was aimed at the planned 111 km pericynthion: the guidance cycles of the
    # flown burn move it by no more than a few km
    assert result.figures["moon_closest_approach_m"] == pytest.approx(1848.4e3, abs=20e3)


def test_arrives_near_lunar_orbit_insertion(result):
    """Closest approach within 6 h of 75:49:50 GET (MR-A11), when LOI began near the
    pericynthion."""
    assert result.figures["moon_closest_approach_time_s"] == pytest.approx(272990.0,
                                                                          abs=6 * 3600)


def test_translunar_inclination(result):
    """Aimed at (with the closest approach), so this checks the TLI steering's plane."""
    assert result.figures["inclination_deg"] == pytest.approx(31.383, abs=0.2)


def test_injection_turns_right_of_the_parking_plane(result):
    """The flown TLI, north-bound over the Pacific (heading 60 deg at 10 N, ORLOFF), lowered
    the inclination by 1.1 deg: its plane turned to the right of the flight (negative yaw)."""
    assert result.aim.injection_yaw < 0.0


def test_sphere_of_influence_is_entered_before_the_closest_approach(result):
    """Laplace's radius a (m_Moon / m_Earth)^(2/5) = 66,183 km for a = 384,400 km and the
    DE421 Earth/Moon mass ratio 81.30056; the event is located on it (the flight ends 10 h
    after the pass, still inside)."""
    names = [e.name for e in result.trajectory.events]
    enter = result.trajectory.events[names.index("enters the Moon's sphere of influence")]
    assert enter.t < result.figures["moon_closest_approach_time_s"]
    assert enter.value == pytest.approx(384_400e3 / 81.30056 ** 0.4, rel=1e-6)
