"""Aiming a lunar injection: the burn's target orbit and plane that bring the Moon in reach.

A translunar injection was targeted before the flight at the orbit that meets the Moon: its
energy sets when the craft gets to the Moon's distance, its plane where. Here the injection is
the mission's last closed-loop burn; two of its values are solved by Newton's method on the
whole coast that follows (Earth, J2, Moon and Sun), flown from the state where the burn
begins:

* the apogee of its target orbit (the energy at cut-off),
* the yaw of its steering plane (``Phase.yaw``), turning the orbit's plane, and
* when the pass's latitude is wanted too, the flight-path angle at cut-off (where along the
  orbit the burn ends, and so where the orbit's apsides lie),

so that the closest approach to the Moon comes at the wanted distance from its centre and,
as the second condition, either the orbit leaves with a given inclination or the closest
approach comes at a given time; as the optional third, the periselene (the craft at its
closest approach, seen from the Moon's centre) lies at a given ecliptic latitude: south or
north of the Moon. The ascent up to the burn is flown once, each trial the burn and the
coast that follows it.

While solving, the burn's steering law is solved once, at ignition, instead of every guidance
cycle: in a flight without perturbations the cycles only confirm it (the cut-off moves by
metres), which the final flight, with the cycles, shows as the remaining miss.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass

import numpy as np

from spacerace.constants import GM_EARTH, WGS84_A
from spacerace.dynamics import (
    D_MOON_R,
    EV_CUTOFF_ENERGY,
    EV_CUTOFF_TIME,
    EV_DEPLETION,
    EV_MOON_CA,
    PH_E_END,
    PH_YAW,
)
from spacerace.ephem import icrf_from_eci, moon_sun_eci
from spacerace.errors import CatalogError, SimulationError
from spacerace.kernel import STATUS_IMPACT, STATUS_MESSAGES, STATUS_PHASES_DONE, diagnose
from spacerace.mission import Mission
from spacerace.mission import injection_phase as phase_of_injection
from spacerace.orbit import elements_from_state
from spacerace.packing import (
    Packed,
    Paused,
    SimOptions,
    cutoff_radius,
    pack,
    run_packed,
    start_of_flight,
)
from spacerace.vehicle import Vehicle

# Newton's method: finite-difference steps, largest steps, and when to stop.
YAW_STEP = FPA_STEP = 1e-6  # [rad]
APOGEE_STEP = 1e-6  # relative [-]
MAX_YAW_CHANGE = MAX_FPA_CHANGE = 0.05  # [rad]
MAX_APOGEE_CHANGE = 0.2  # relative [-]
# Residual scales: 1 km of closest approach, 1e-5 rad of inclination, 10 s of time and
# 1e-3 rad (0.06 deg) of the periselene's latitude are met.
DISTANCE_SCALE, INCLINATION_SCALE, TIME_SCALE, LATITUDE_SCALE = 1e3, 1e-5, 10.0, 1e-3
# With fewer conditions than free values: the smallest change, each weighed by these.
YAW_WEIGHT, APOGEE_WEIGHT, FPA_WEIGHT = 0.01, 0.01, 0.01  # [rad], relative [-], [rad]
# Obliquity of the ecliptic at J2000.0, IAU 2006: 84,381.406 arcsec (Capitaine et al. 2003).
OBLIQUITY_J2000 = math.radians(84381.406 / 3600.0)
SEARCH_OUTPUT = 1e9  # sampling interval while solving: events only [s]
CUTOFFS = (EV_CUTOFF_ENERGY, EV_DEPLETION, EV_CUTOFF_TIME)  # how an injection burn can end


@dataclass(frozen=True)
class MoonPass:
    """Where a trial injection leads: closest approach [m from the Moon's centre], its time
    since liftoff [s], the inclination of the orbit at cut-off [rad] and the ecliptic
    latitude of the periselene [rad] (see ``periselene_latitude``)."""

    distance: float
    time: float
    inclination: float
    latitude: float = math.nan


@dataclass(frozen=True)
class MoonAim:
    """Solved injection: target apogee altitude [m], yaw [rad], the pass it gives, its miss
    of the wanted closest approach [m], the number of trial flights, and the cut-off's
    flight-path angle [rad] (the file's unless the latitude was aimed at)."""

    apogee: float
    yaw: float
    moon_pass: MoonPass
    miss: float
    flights: int
    flight_path_angle: float = math.nan


def ecliptic_north(epoch: dt.datetime) -> np.ndarray:
    """Unit vector of the ecliptic's north pole in the inertial frame of ``epoch``.

    The pole of J2000.0 in ICRF axes, (0, -sin eps, cos eps), turned into the flight's
    frame; the ecliptic moves by under 50 arcsec a century, which this leaves out.
    """
    return icrf_from_eci(epoch).T @ np.array([0.0, -math.sin(OBLIQUITY_J2000),
                                              math.cos(OBLIQUITY_J2000)])


def periselene_latitude(epoch: dt.datetime, t: float, r: np.ndarray) -> float:
    """Ecliptic latitude [rad] of a craft at ``r`` [m, ECI] seen from the Moon's centre at
    ``t`` [s] after ``epoch``.

    The Moon's equator lies 1.54 deg from the ecliptic (Cassini's laws), so this is its
    selenographic latitude within that angle, without the Moon's orientation model: near
    -90 deg a pass over the south pole.
    """
    moon = moon_sun_eci(epoch, np.array([t]))[0][0]
    d = np.asarray(r[:3], dtype=float) - moon
    return math.asin(float(np.dot(d, ecliptic_north(epoch))) / float(np.linalg.norm(d)))


def injection_phase(mission: Mission) -> int:
    """Index of the lunar injection: the last closed-loop burn (with a target orbit)."""
    k = phase_of_injection(mission.phases)
    if k is None:
        raise CatalogError(mission.origin or mission.id, "phases", "a closed-loop burn "
                           "(guidance = \"linear_tangent\" with a target) to aim at the Moon")
    return k


def _apsides(t: np.ndarray, r: np.ndarray) -> list[tuple[int, float, float]]:
    """Turning points of the distance ``r`` [m] sampled at times ``t`` [s]: (+1 apogee or
    -1 perigee, time [s], distance [m]), each refined by the parabola through the sample
    nearest to it and its two neighbours."""
    keep = np.diff(t, prepend=-np.inf) > 0.0  # a phase's end and the next's start coincide
    t, r = t[keep], r[keep]
    out = []
    for i in range(1, len(r) - 1):
        d1, d2 = r[i] - r[i - 1], r[i + 1] - r[i]
        if d1 * d2 > 0.0 or d1 == d2:
            continue
        h1, h2 = t[i] - t[i - 1], t[i + 1] - t[i]
        # r(s) = a s^2 + b s + c through (-h1, r[i-1]), (0, r[i]), (h2, r[i+1])
        a = (d2 / h2 - d1 / h1) / (h1 + h2)
        b = d1 / h1 + a * h1
        s = -b / (2.0 * a)
        out.append((1 if a < 0.0 else -1, float(t[i] + s), float(r[i] + b * s / 2.0)))
    return out


def encounter_figures(t: np.ndarray, y: np.ndarray, t_pass: float) -> dict[str, float]:
    """The Earth orbit a Moon pass leaves: its first apogee and the perigee after it.

    Parameters
    ----------
    t : ndarray, shape (n,)
        Sample times of the flight [s].
    y : ndarray, shape (n, 6 or more)
        Inertial states there [m, m/s].
    t_pass : float
        Time of the closest approach to the Moon [s].

    Returns
    -------
    dict
        ``post_encounter_apogee_radius_m`` and ``_time_s``, ``post_encounter_perigee_
        radius_m`` and ``_time_s`` (distances from the Earth's centre, found in the samples
        after the pass), and the osculating ``post_encounter_inclination_deg`` and
        ``post_encounter_period_s`` at the sample nearest that apogee; only the figures the
        flight reaches.

    Notes
    -----
    The Sun turns a lunar-distance orbit's plane by degrees in a revolution (Luna 3's
    osculating inclination drifts from 76.5 to 79.5 deg between 7 and 18 October), so the
    elements are those of one named instant: the first apogee, the first apsis of the new
    orbit, when such elements were announced.
    """
    after = t > t_pass
    tt, yy = t[after], y[after]
    turns = _apsides(tt, np.linalg.norm(yy[:, :3], axis=1))
    out: dict[str, float] = {}
    apogee = next((a for a in turns if a[0] > 0), None)
    if apogee is None:
        return out
    out.update(post_encounter_apogee_radius_m=apogee[2], post_encounter_apogee_time_s=apogee[1])
    near = yy[int(np.argmin(np.abs(tt - apogee[1])))]
    el = elements_from_state(near[:3], near[3:6])
    if el.e < 1.0:
        out.update(post_encounter_inclination_deg=math.degrees(el.i),
                   post_encounter_period_s=el.period)
    perigee = next((a for a in turns if a[0] < 0 and a[1] > apogee[1]), None)
    if perigee is not None:
        out.update(post_encounter_perigee_radius_m=perigee[2],
                   post_encounter_perigee_time_s=perigee[1])
    return out


def _trial(pk: Packed, options: SimOptions, at: Paused, k: int, perigee: float, yaw: float,
           apogee: float, gamma: float, epoch: dt.datetime | None) -> MoonPass:
    """Fly the injection ``k`` from ``at`` with this yaw [rad], target orbit (perigee and
    apogee altitudes [m]) and cut-off flight-path angle ``gamma`` [rad], and the phase after
    it (the coast).

    The pass is the nearest of the closest approaches after the injection and the end of that
    phase (a trial still closing on the Moon when it ends, or fallen back to Earth); its
    latitude is found only given the ``epoch``.

    Raises
    ------
    SimulationError
        The trial stopped before its plan ended (time or step limit) or has no cut-off.
    """
    ph = at.copy()
    rp, ra = WGS84_A + perigee, WGS84_A + apogee
    ph.phases[k, PH_YAW] = yaw
    ph.phases[k, PH_E_END] = -GM_EARTH / (rp + ra)
    targets = pk.targets.copy()
    targets[k, 0], targets[k, 1] = cutoff_radius(rp, ra, gamma), gamma
    targets[k, 2] = math.inf  # one solution of the steering law, at ignition
    trial = dataclasses.replace(pk, targets=targets)
    *_, ev_t, ev_code, _, ev_phase, ev_y, status, working = run_packed(
        trial, options, ph, stop=min(k + 2, len(pk.phases)))
    if status not in (STATUS_PHASES_DONE, STATUS_IMPACT):
        raise SimulationError(f"aiming at the Moon failed: a trial flight stopped early "
                              f"({STATUS_MESSAGES[int(status)]})")
    cuts = np.flatnonzero(np.isin(ev_code, CUTOFFS) & (ev_phase == k))
    if cuts.size == 0:
        raise SimulationError("aiming at the Moon failed: a trial injection has no cut-off")
    passes = np.flatnonzero((ev_code == EV_MOON_CA) & (ev_phase >= k))
    t = np.append(ev_t[passes], ph.clock[0])
    y = np.vstack([ev_y[passes], ph.y])
    iph = np.append(ev_phase[passes], min(ph.phase, len(working) - 1))
    d = diagnose(t, y, iph, trial.p, working, trial.cd_mach, trial.cd_val,
                 trial.tab)[:, D_MOON_R]
    j = int(np.argmin(d))
    y_cut = ev_y[cuts[-1]]
    lat = periselene_latitude(epoch, float(t[j]), y[j]) if epoch is not None else math.nan
    return MoonPass(float(d[j]), float(t[j]), elements_from_state(y_cut[:3], y_cut[3:6]).i,
                    lat)


def _residual(mp: MoonPass, mission: Mission) -> np.ndarray:
    goal = mission.moon
    assert goal is not None
    r = [(mp.distance - goal.closest_approach) / DISTANCE_SCALE]
    if math.isfinite(goal.inclination):
        r.append((mp.inclination - goal.inclination) / INCLINATION_SCALE)
    elif math.isfinite(goal.time):
        r.append((mp.time - goal.time) / TIME_SCALE)
    if math.isfinite(goal.latitude):
        r.append((mp.latitude - goal.latitude) / LATITUDE_SCALE)
    return np.array(r)


def aim_moon(vehicle: Vehicle, mission: Mission, options: SimOptions,
             max_iterations: int = 12) -> tuple[Mission, MoonAim]:
    """Solve the injection's target apogee and yaw (and, when the pass's latitude is wanted,
    its cut-off flight-path angle) for the mission's ``[mission.moon]``.

    Returns the mission with the solved values in its injection phase, and the solution.

    Raises
    ------
    CatalogError
        The mission has no closed-loop injection or no Moon target.
    SimulationError
        The flight ends before the injection, a trial stops early, or Newton's method does
        not meet the target (the closest approach within 1 km, the inclination within
        1e-5 rad or the time within 10 s, the latitude within 1e-3 rad) in
        ``max_iterations`` steps.
    """
    if mission.moon is None:
        raise CatalogError(mission.origin or mission.id, "mission.moon", "a Moon target")
    goal = mission.moon
    k = injection_phase(mission)
    inj = mission.phases[k]
    if not math.isfinite(inj.until_energy):
        raise CatalogError(mission.origin or mission.id, f"phases[{k}].until", "an orbit "
                           "cut-off (until = { orbit = ... }) for the lunar injection")
    options = dataclasses.replace(options, strict_guidance=False)  # trials may fall short
    pk = pack(vehicle, mission, options)
    search = dataclasses.replace(options, output_interval=SEARCH_OUTPUT)
    at = start_of_flight(pk)
    status = run_packed(pk, search, at, stop=k)[8]
    if status != STATUS_PHASES_DONE or at.phase != k:
        raise SimulationError(f"{mission.id}: aiming at the Moon failed, the flight ended "
                              "before the injection")
    with_fpa = math.isfinite(goal.latitude)
    epoch = mission.epoch if with_fpa else None
    x = np.array([inj.yaw, inj.target_apogee, inj.target_flight_path_angle])
    n = 3 if with_fpa else 2  # free values: yaw, apogee (and flight-path angle)
    scale = np.array([YAW_WEIGHT, APOGEE_WEIGHT * inj.target_apogee, FPA_WEIGHT])[:n]
    steps = (YAW_STEP, APOGEE_STEP * x[1], FPA_STEP)[:n]
    limit = np.array([MAX_YAW_CHANGE, MAX_APOGEE_CHANGE * x[1], MAX_FPA_CHANGE])[:n]

    def trial(xv: np.ndarray) -> MoonPass:
        return _trial(pk, search, at, k, inj.target_perigee, xv[0], xv[1], xv[2], epoch)

    flights = 1
    mp = trial(x)
    f = _residual(mp, mission)
    for _ in range(max_iterations):
        if np.all(np.abs(f) < 1.0):
            break
        jac = np.empty((f.size, n))
        for j, step in enumerate(steps):
            xj = x.copy()
            xj[j] += step
            jac[:, j] = (_residual(trial(xj), mission) - f) / step
        flights += n
        js = jac * scale  # in weighed variables: least change when underdetermined
        dx = np.zeros(3)
        dx[:n] = np.clip(-np.linalg.lstsq(js, f, rcond=None)[0] * scale, -limit, limit)
        for _ in range(6):  # halve the step until the miss shrinks
            trial_mp = trial(x + dx)
            trial_f = _residual(trial_mp, mission)
            flights += 1
            if np.linalg.norm(trial_f) < np.linalg.norm(f):
                break
            dx = dx / 2
        else:
            break  # no step along this direction helps: stuck
        x, mp, f = x + dx, trial_mp, trial_f
    if np.any(np.abs(f) >= 1.0):
        lat = (f", periselene at {math.degrees(mp.latitude):.1f} deg ecliptic latitude"
               if with_fpa else "")
        raise SimulationError(
            f"{mission.id}: aiming at the Moon did not converge after {flights} trial flights: "
            f"closest approach {mp.distance / 1e3:,.0f} km from the Moon's centre (wanted "
            f"{goal.closest_approach / 1e3:,.0f} km), inclination "
            f"{math.degrees(mp.inclination):.3f} deg, {mp.time / 3600:.2f} h after liftoff"
            f"{lat}")
    phases = list(mission.phases)
    rp, ra = WGS84_A + inj.target_perigee, WGS84_A + x[1]
    phases[k] = dataclasses.replace(inj, yaw=float(x[0]), target_apogee=float(x[1]),
                                    target_flight_path_angle=float(x[2]),
                                    until_energy=-GM_EARTH / (rp + ra))
    return (dataclasses.replace(mission, phases=tuple(phases)),
            MoonAim(float(x[1]), float(x[0]), mp, abs(mp.distance - goal.closest_approach),
                    flights, float(x[2])))
