"""Aiming a lunar injection: the burn's target orbit and plane that bring the Moon in reach.

A translunar injection was targeted before the flight at the orbit that meets the Moon: its
energy sets when the craft gets to the Moon's distance, its plane where. Here the injection is
the mission's last closed-loop burn; two of its values are solved by Newton's method on the
whole coast that follows (Earth, J2, Moon and Sun), flown from the state where the burn
begins:

* the apogee of its target orbit (the energy at cut-off), and
* the yaw of its steering plane (``Phase.yaw``), turning the orbit's plane,

so that the closest approach to the Moon comes at the wanted distance from its centre and,
as the second condition, either the orbit leaves with a given inclination or the closest
approach comes at a given time. The ascent up to the burn is flown once.

While solving, the burn's steering law is solved once, at ignition, instead of every guidance
cycle: in a flight without perturbations the cycles only confirm it (the cut-off moves by
metres), which the final flight, with the cycles, shows as the remaining miss.
"""

from __future__ import annotations

import dataclasses
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
YAW_STEP = 1e-6  # [rad]
APOGEE_STEP = 1e-6  # relative [-]
MAX_YAW_CHANGE = 0.05  # [rad]
MAX_APOGEE_CHANGE = 0.2  # relative [-]
# Residual scales: 1 km of closest approach, 1e-5 rad of inclination, 10 s of time are met.
DISTANCE_SCALE, INCLINATION_SCALE, TIME_SCALE = 1e3, 1e-5, 10.0
# Without a second condition: the smallest change, yaw and apogee weighed by these.
YAW_WEIGHT, APOGEE_WEIGHT = 0.01, 0.01  # [rad], relative [-]
SEARCH_OUTPUT = 1e9  # sampling interval while solving: events only [s]
CUTOFFS = (EV_CUTOFF_ENERGY, EV_DEPLETION, EV_CUTOFF_TIME)  # how an injection burn can end


@dataclass(frozen=True)
class MoonPass:
    """Where a trial injection leads: closest approach [m from the Moon's centre], its time
    since liftoff [s] and the inclination of the orbit at cut-off [rad]."""

    distance: float
    time: float
    inclination: float


@dataclass(frozen=True)
class MoonAim:
    """Solved injection: target apogee altitude [m], yaw [rad], the pass it gives, its miss
    of the wanted closest approach [m] and the number of trial flights."""

    apogee: float
    yaw: float
    moon_pass: MoonPass
    miss: float
    flights: int


def injection_phase(mission: Mission) -> int:
    """Index of the lunar injection: the last closed-loop burn (with a target orbit)."""
    k = phase_of_injection(mission.phases)
    if k is None:
        raise CatalogError(mission.origin or mission.id, "phases", "a closed-loop burn "
                           "(guidance = \"linear_tangent\" with a target) to aim at the Moon")
    return k


def _trial(pk: Packed, options: SimOptions, at: Paused, k: int, perigee: float, yaw: float,
           apogee: float) -> MoonPass:
    """Fly the injection ``k`` from ``at`` with this yaw [rad] and target orbit (perigee and
    apogee altitudes [m]), and the coast after it.

    The pass is the nearest of the closest approaches after the injection and the end of the
    flight (a trial still closing on the Moon when the plan ends, or fallen back to Earth).

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
    targets[k, 0] = cutoff_radius(rp, ra, targets[k, 1])
    targets[k, 2] = math.inf  # one solution of the steering law, at ignition
    trial = dataclasses.replace(pk, targets=targets)
    *_, ev_t, ev_code, _, ev_phase, ev_y, status, working = run_packed(trial, options, ph)
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
    return MoonPass(float(d[j]), float(t[j]), elements_from_state(y_cut[:3], y_cut[3:6]).i)


def _residual(mp: MoonPass, mission: Mission) -> np.ndarray:
    goal = mission.moon
    assert goal is not None
    r = [(mp.distance - goal.closest_approach) / DISTANCE_SCALE]
    if math.isfinite(goal.inclination):
        r.append((mp.inclination - goal.inclination) / INCLINATION_SCALE)
    elif math.isfinite(goal.time):
        r.append((mp.time - goal.time) / TIME_SCALE)
    return np.array(r)


def aim_moon(vehicle: Vehicle, mission: Mission, options: SimOptions,
             max_iterations: int = 12) -> tuple[Mission, MoonAim]:
    """Solve the injection's target apogee and yaw for the mission's ``[mission.moon]``.

    Returns the mission with the solved values in its injection phase, and the solution.

    Raises
    ------
    CatalogError
        The mission has no closed-loop injection or no Moon target.
    SimulationError
        The flight ends before the injection, a trial stops early, or Newton's method does
        not meet the target (the closest approach within 1 km and the inclination within
        1e-5 rad or the time within 10 s) in ``max_iterations`` steps.
    """
    if mission.moon is None:
        raise CatalogError(mission.origin or mission.id, "mission.moon", "a Moon target")
    k = injection_phase(mission)
    inj = mission.phases[k]
    if not math.isfinite(inj.until_energy):
        raise CatalogError(mission.origin or mission.id, f"phases[{k}].until", "an orbit "
                           "cut-off (until = { orbit = ... }) for the lunar injection")
    pk = pack(vehicle, mission, options)
    search = dataclasses.replace(options, output_interval=SEARCH_OUTPUT)
    at = start_of_flight(pk)
    status = run_packed(pk, search, at, stop=k)[8]
    if status != STATUS_PHASES_DONE or at.phase != k:
        raise SimulationError(f"{mission.id}: aiming at the Moon failed, the flight ended "
                              "before the injection")
    x = np.array([inj.yaw, inj.target_apogee])
    scale = np.array([YAW_WEIGHT, APOGEE_WEIGHT * inj.target_apogee])
    flights = 1
    mp = _trial(pk, search, at, k, inj.target_perigee, *x)
    f = _residual(mp, mission)
    for _ in range(max_iterations):
        if np.all(np.abs(f) < 1.0):
            break
        jac = np.empty((f.size, 2))
        for j, step in enumerate((YAW_STEP, APOGEE_STEP * x[1])):
            xj = x.copy()
            xj[j] += step
            end = _trial(pk, search, at, k, inj.target_perigee, *xj)
            jac[:, j] = (_residual(end, mission) - f) / step
        flights += 2
        js = jac * scale  # in weighed variables: least change when underdetermined
        dx = -np.linalg.lstsq(js, f, rcond=None)[0] * scale
        dx = np.clip(dx, [-MAX_YAW_CHANGE, -MAX_APOGEE_CHANGE * x[1]],
                     [MAX_YAW_CHANGE, MAX_APOGEE_CHANGE * x[1]])
        for _ in range(6):  # halve the step until the miss shrinks
            trial_mp = _trial(pk, search, at, k, inj.target_perigee, *(x + dx))
            trial_f = _residual(trial_mp, mission)
            flights += 1
            if np.linalg.norm(trial_f) < np.linalg.norm(f):
                break
            dx = dx / 2
        else:
            break  # no step along this direction helps: stuck
        x, mp, f = x + dx, trial_mp, trial_f
    goal = mission.moon
    if np.any(np.abs(f) >= 1.0):
        raise SimulationError(
            f"{mission.id}: aiming at the Moon did not converge after {flights} trial flights: "
            f"closest approach {mp.distance / 1e3:,.0f} km from the Moon's centre (wanted "
            f"{goal.closest_approach / 1e3:,.0f} km), inclination "
            f"{math.degrees(mp.inclination):.3f} deg, {mp.time / 3600:.2f} h after liftoff")
    phases = list(mission.phases)
    rp, ra = WGS84_A + inj.target_perigee, WGS84_A + x[1]
    phases[k] = dataclasses.replace(inj, yaw=float(x[0]), target_apogee=float(x[1]),
                                    until_energy=-GM_EARTH / (rp + ra))
    return (dataclasses.replace(mission, phases=tuple(phases)),
            MoonAim(float(x[1]), float(x[0]), mp, abs(mp.distance - goal.closest_approach),
                    flights))
