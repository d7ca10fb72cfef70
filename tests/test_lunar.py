"""Aiming an injection at the Moon: the steering-plane yaw, pausing a flight at a phase, and
the mission-file checks of the ``moon`` aim. The aim itself is checked on Apollo 11 in
tests/acceptance/test_apollo11.py."""

import dataclasses
import datetime as dt
import math

import numpy as np
import pytest

from spacerace.catalog import MISSIONS, load, load_mission
from spacerace.constants import GM_EARTH
from spacerace.encounter import _apsides, ecliptic_north, periselene_latitude
from spacerace.ephem import moon_sun_eci
from spacerace.errors import CatalogError, SimulationError
from spacerace.flight import aim_inclination, fly, options_for
from spacerace.kernel.inputs import Paused, SimOptions
from spacerace.kernel.layout import (
    MODE_LINEAR_TANGENT,
    N_P,
    N_PH,
    N_STG,
    PH_MODE,
    PH_PLANE,
    PH_THROTTLE,
    PH_YAW,
)
from spacerace.kernel.loop import begin_phase
from spacerace.packing import pack
from spacerace.runner import run_packed
from spacerace.targeting.moon import aim_moon, injection_phase


@pytest.mark.parametrize("yaw_deg", [0.0, 10.0, -35.0])
def test_yaw_turns_the_steering_plane_about_the_vertical(yaw_deg):
    """On the equator flying east, the orbit normal is +z; a yaw psi to the left (north)
    tilts it to (0, -sin psi, cos psi), so that the downrange direction becomes
    (0, cos psi, sin psi)."""
    psi = math.radians(yaw_deg)
    y = np.array([6.5e6, 0.0, 0.0, 0.0, 7.8e3, 0.0, 1000.0])
    n = _plane(y, psi)
    np.testing.assert_allclose(n, [0.0, -math.sin(psi), math.cos(psi)], atol=1e-15)
    downrange = np.cross(n, y[:3] / np.linalg.norm(y[:3]))
    np.testing.assert_allclose(downrange, [0.0, math.cos(psi), math.sin(psi)], atol=1e-15)


def _plane(y: np.ndarray, yaw: float) -> np.ndarray:
    """Steering-plane normal ``begin_phase`` sets for a linear-tangent phase at state y."""
    ph = np.zeros(N_PH)
    ph[PH_MODE], ph[PH_THROTTLE], ph[PH_YAW] = MODE_LINEAR_TANGENT, 1.0, yaw
    begin_phase(0.0, y.copy(), np.zeros(N_P), ph, np.zeros((1, N_STG)), np.zeros(1),
                np.zeros((4, 2)))
    return ph[PH_PLANE:PH_PLANE + 3].copy()


def test_yaw_on_any_state_turns_the_flight_direction_left_by_the_angle():
    """Random states (any position, a velocity with a vertical part): the new normal is a
    unit vector square to the vertical, and the horizontal flight direction in the plane
    turns by exactly psi, towards the old normal (the left of the flight)."""
    rng = np.random.default_rng(7)
    for _ in range(50):
        r = rng.normal(size=3) * 7e6
        v = rng.normal(size=3) * 5e3
        psi = rng.uniform(-1.0, 1.0)
        y = np.concatenate([r, v, [1.0]])
        n0, n1 = _plane(y, 0.0), _plane(y, psi)
        u = r / np.linalg.norm(r)
        assert np.linalg.norm(n1) == pytest.approx(1.0, abs=1e-14)
        assert np.dot(n1, u) == pytest.approx(0.0, abs=1e-14)
        h0, h1 = np.cross(n0, u), np.cross(n1, u)
        assert math.atan2(np.dot(np.cross(h0, h1), u), np.dot(h0, h1)) == pytest.approx(
            psi, abs=1e-12)
        assert np.dot(h1, n0) == pytest.approx(math.sin(psi), abs=1e-12)


@pytest.mark.parametrize("k", [1, 2, 3])
def test_a_flight_paused_at_a_phase_goes_on_as_if_flown_at_once(k):
    """Sputnik 1 flown in one go, and flown to phase k then resumed, end in the same state.
    Each resumption starts the step-size control afresh, so the two differ within what the
    tolerance allows (centimetres over the 7,000 km ascent; rtol 1e-9 against 1e-13 moves
    the V-2's apogee by a metre), not bit for bit. A state not carried over (mass,
    propellant, steering plane) would put them kilometres apart."""
    v, m = load("sputnik-1")
    options = SimOptions()
    pk = pack(v, m, options)
    whole = run_packed(pk, options)
    at = Paused.at_liftoff(pk)
    first = run_packed(pk, options, at, stop=k)
    assert at.phase == k
    np.testing.assert_array_equal(at.y, first.y[-1])
    run_packed(pk, options, at)
    np.testing.assert_allclose(at.y[:3], whole.y[-1][:3], rtol=0, atol=0.5)
    np.testing.assert_allclose(at.y[3:6], whole.y[-1][3:6], rtol=0, atol=1e-3)
    assert at.y[6] == pytest.approx(whole.y[-1][6], rel=1e-6)


def test_a_flight_that_stops_early_is_not_reported_paused_further_on():
    """Stopped by the time limit inside a phase, the paused flight names that phase."""
    v, m = load("sputnik-1")
    options = SimOptions(max_time=50.0)
    pk = pack(v, m, options)
    at = Paused.at_liftoff(pk)
    run_packed(pk, options, at, stop=len(m.phases))
    assert at.phase == next(i for i, ph in enumerate(m.phases) if ph.until_time > 50.0)


def test_moon_aim_that_cannot_converge_says_so():
    """Too few Newton steps (or a coast cut short) is an error, not a silent miss."""
    v, m = load("apollo-11")
    options = options_for(m, None)
    with pytest.raises(SimulationError, match="did not converge"):
        aim_moon(v, m, options, max_iterations=0)
    with pytest.raises(SimulationError, match="stopped early|ended before"):
        aim_moon(v, m, dataclasses.replace(options, max_time=100_000.0))


def _mission_text(replace: dict[str, str]) -> str:
    text = (MISSIONS / "apollo-11.toml").read_text()
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new, 1)
    return text


@pytest.mark.parametrize("change, field", [
    ({'target = { perigee = "219.4 km", apogee = "559726 km", flight_path_angle = "7.367':
      'note_unused = { perigee = "219.4 km", apogee = "559726 km", flight_path_angle = "7.367'},
     "phases"),
    ({'until = { orbit = { perigee = "219.4 km", apogee = "559726 km"':
      'until = { speed = "11000 m/s", orbit_unused = { perigee = "219.4 km", apogee = "559726 km"'},
     "phases"),
    ({'inclination = { value = "31.383 deg"': 'inclination = { value = "231.383 deg"'},
     "mission.moon.inclination"),
    ({"moon = { closest_approach": "moon_unused = { closest_approach"}, "mission.moon"),
    ({"third_bodies = true": "third_bodies = false"}, "mission.third_bodies"),
    ({'inclination = { value = "31.383 deg"':
      'time = "75 h", inclination = { value = "31.383 deg"'}, "mission.moon"),
    ({'closest_approach = { value = "1848.4 km"': 'closest_approach = { value = "-3 km"'},
     "mission.moon.closest_approach"),
])
def test_moon_aim_mistakes_name_the_field(tmp_path, change, field):
    p = tmp_path / "apollo.toml"
    p.write_text(_mission_text(change))
    with pytest.raises(CatalogError) as err:
        load_mission(p)
    assert field in str(err.value)


def test_aiming_at_the_time_of_a_pass_finds_the_injection_that_gives_it():
    """Round trip: the injection solved for Apollo 11's pericynthion and translunar
    inclination passes the Moon at some time; aimed instead at that pericynthion *and that
    time*, the aim must find the same injection (same yaw, apogee and inclination)."""
    v, m = load("apollo-11")
    options = options_for(m, None)
    m, _ = aim_inclination(v, m, options)
    _, first = aim_moon(v, m, options)
    by_time = dataclasses.replace(m, moon=dataclasses.replace(
        m.moon, inclination=math.nan, time=first.moon_pass.time))
    _, second = aim_moon(v, by_time, options)
    assert abs(second.moon_pass.time - first.moon_pass.time) < 10.0
    assert second.moon_pass.distance == pytest.approx(m.moon.closest_approach, abs=1e3)
    assert second.yaw == pytest.approx(first.yaw, abs=1e-4)
    assert second.apogee == pytest.approx(first.apogee, rel=1e-3)
    assert second.moon_pass.inclination == pytest.approx(first.moon_pass.inclination, abs=1e-4)


def test_aiming_at_the_latitude_of_a_pass_recovers_the_cut_off_angle():
    """Round trip: Apollo 11's injection, solved for its pericynthion and inclination,
    passes the Moon at some time and periselene latitude. Aimed at that pericynthion, time
    and latitude from a cut-off flight-path angle half a degree off the file's, the aim must
    find the file's angle again, with the same yaw and apogee."""
    v, m = load("apollo-11")
    options = options_for(m, None)
    m, _ = aim_inclination(v, m, options)
    _, first = aim_moon(v, m, options)
    lat = first.moon_pass.latitude
    assert math.isnan(lat)  # not computed unless aimed at
    k = injection_phase(m)
    gamma = m.phases[k].target_flight_path_angle
    flown = fly(v, m)
    lat = math.radians(flown.figures["moon_closest_approach_latitude_deg"])
    phases = list(m.phases)
    phases[k] = dataclasses.replace(phases[k], target_flight_path_angle=gamma
                                    + math.radians(0.5))
    by_latitude = dataclasses.replace(m, phases=tuple(phases), moon=dataclasses.replace(
        m.moon, inclination=math.nan, time=first.moon_pass.time, latitude=lat))
    _, second = aim_moon(v, by_latitude, options)
    assert second.flight_path_angle == pytest.approx(gamma, abs=2e-3)
    assert second.yaw == pytest.approx(first.yaw, abs=1e-3)
    assert second.apogee == pytest.approx(first.apogee, rel=1e-3)
    assert abs(second.moon_pass.latitude - lat) < 1e-3


MOON_INCLINATION = 'inclination = { value = "31.383 deg", source = "ORLOFF via JSORRERY"'


def _kepler_radius(t: np.ndarray, a: float, e: float) -> np.ndarray:
    """Distance on a Kepler ellipse t [s] after perigee (Kepler's equation by Newton)."""
    n = math.sqrt(GM_EARTH / a**3)
    mean = n * t
    ecc = mean.copy()
    for _ in range(50):
        ecc -= (ecc - e * np.sin(ecc) - mean) / (1 - e * np.cos(ecc))
    return a * (1 - e * np.cos(ecc))


def test_apsides_of_a_sampled_kepler_orbit():
    """Luna 3's post-encounter orbit as a Kepler ellipse (47,500 x 480,000 km), sampled
    every 600 s from some way after perigee: the apogee a (1 + e) at half the period, the
    next perigee a (1 - e) a period after the first."""
    rp, ra = 47_500e3, 480_000e3
    a, e = (rp + ra) / 2, (ra - rp) / (ra + rp)
    period = 2 * math.pi * math.sqrt(a**3 / GM_EARTH)
    t = np.arange(1234.5, 1.3 * period, 600.0)
    turns = _apsides(t, _kepler_radius(t, a, e))
    assert [k for k, _, _ in turns] == [1, -1]
    (_, t_apo, r_apo), (_, t_peri, r_peri) = turns
    assert r_apo == pytest.approx(ra, abs=1.0)  # flat top: metres
    assert t_apo == pytest.approx(period / 2, abs=60.0)
    assert r_peri == pytest.approx(rp, abs=2e3)  # sharp turn (0.15 m/s^2 over 300 s)
    assert t_peri == pytest.approx(period, abs=10.0)


def test_the_sun_lies_in_the_ecliptic_and_the_moon_within_its_inclination():
    """Seen from the Earth, the Sun's ecliptic latitude is under 1.2 arcsec (plus the
    ecliptic's motion since 2000, 0.6 arcsec a year); the Moon's swings to its orbit's
    inclination to the ecliptic, 5.145 deg (+-0.15 deg), twice a month."""
    epoch = dt.datetime(1959, 10, 4, 0, 43, 40, tzinfo=dt.UTC)
    t = np.arange(0.0, 28 * 86400.0, 3600.0)
    moon, sun = moon_sun_eci(epoch, t)
    north = ecliptic_north(epoch)
    sun_lat = np.degrees(np.arcsin(sun @ north / np.linalg.norm(sun, axis=1)))
    moon_lat = np.degrees(np.arcsin(moon @ north / np.linalg.norm(moon, axis=1)))
    assert np.max(np.abs(sun_lat)) < 30.0 / 3600.0
    assert 4.9 < np.max(moon_lat) < 5.35
    assert -5.35 < np.min(moon_lat) < -4.9
    # the periselene latitude is that of the craft seen from the Moon
    r = moon[100] + 1e7 * north
    assert math.degrees(periselene_latitude(epoch, t[100], r)) == pytest.approx(90.0, abs=1e-6)


CUTOFF = "[archive.cutoff_time_s]"
X_M = '[archive.x_m]\nvalue = "1 km"\nsource = "DERIVED"\nrole = "prediction"\n'


@pytest.mark.parametrize("change, field", [
    ({CUTOFF: X_M + 'at = 1969-07-17T00:00:00Z\n\n' + CUTOFF}, "archive.x_m.quantity"),
    ({CUTOFF: X_M + 'quantity = "altitude_m"\n\n' + CUTOFF}, "archive.x_m.at"),
    ({CUTOFF: X_M + 'at = 1969-07-17T00:00:00Z\nquantity = "speed"\n\n' + CUTOFF},
     "archive.x_m.quantity"),
    ({CUTOFF: X_M + 'at = 1969-07-17T00:00:00\nquantity = "radius_m"\n\n' + CUTOFF},
     "archive.x_m.at"),
    ({MOON_INCLINATION: 'time = "75 h", latitude = { value = "-95 deg", source = "DERIVED"'},
     "mission.moon.latitude"),
    ({MOON_INCLINATION: 'time = { value = 1969-07-15T00:00:00Z, source = "DERIVED"'},
     "mission.moon.time"),
])
def test_instant_and_latitude_mistakes_name_the_field(tmp_path, change, field):
    p = tmp_path / "apollo.toml"
    p.write_text(_mission_text(change))
    with pytest.raises(CatalogError) as err:
        load_mission(p)
    assert field in str(err.value)


def test_dates_in_a_mission_file_are_read_as_seconds_since_liftoff(tmp_path):
    """A closest-approach time and an archival time given as date-times: the seconds from
    the epoch (13:32:00 UTC on 16 July 1969)."""
    p = tmp_path / "apollo.toml"
    p.write_text(_mission_text({
        MOON_INCLINATION: 'time = { value = 1969-07-19T17:22:00Z, source = "DERIVED"',
        CUTOFF: '[archive.tli_time_s]\nvalue = 1969-07-16T16:22:13Z\nrole = "prediction"\n'
        'source = "DERIVED"\n\n' + X_M.replace("x_m", "photo_m")
        + 'at = 1969-07-17T13:32:00Z\nquantity = "radius_m"\n\n' + CUTOFF}))
    m = load_mission(p, load("apollo-11")[0])
    assert m.moon.time == 3 * 86400 + 3 * 3600 + 50 * 60
    figs = {f.key: f for f in m.archive}
    assert figs["tli_time_s"].value == 2 * 3600 + 50 * 60 + 13
    assert figs["photo_m"].at == 86400.0 and figs["photo_m"].quantity == "radius_m"


def test_positions_between_samples_follow_the_orbit():
    """A circular orbit at 7,000 km sampled every 600 s (37 deg of arc between samples):
    the cubic Hermite curve through positions and velocities stays within 0.3 % of the
    orbit's radius, where a straight line between samples sags 5 % inside it."""
    from spacerace.flight import _state_at  # noqa: PLC2701

    r0 = 7.0e6
    w = math.sqrt(GM_EARTH / r0**3)
    t = np.arange(0.0, 3000.0, 600.0)
    c = {"t": t, "x_eci": r0 * np.cos(w * t), "y_eci": r0 * np.sin(w * t),
         "z_eci": np.zeros_like(t), "vx_eci": -r0 * w * np.sin(w * t),
         "vy_eci": r0 * w * np.cos(w * t), "vz_eci": np.zeros_like(t)}
    for tq in (300.0, 1234.0, 2345.6):
        r = _state_at(c, tq)
        assert np.linalg.norm(r) == pytest.approx(r0, rel=3e-3)
        assert math.atan2(r[1], r[0]) == pytest.approx(w * tq, abs=2e-3)
