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
from spacerace.encounter import periselene_latitude
from spacerace.errors import CatalogError, SimulationError
from spacerace.guidance import cutoff_radius
from spacerace.kernel.events import EV_MOON_CA
from spacerace.kernel.inputs import NO_SAMPLES, Packed, Paused, SimOptions
from spacerace.kernel.layout import (
    D_MOON_R,
    PH_E_END,
    PH_YAW,
    STATUS_FLOWN,
    STATUS_MESSAGES,
    STATUS_PHASES_DONE,
)
from spacerace.kernel.output import diagnose
from spacerace.mission import Mission
from spacerace.mission import injection_phase as phase_of_injection
from spacerace.orbit import elements_from_state
from spacerace.packing import pack
from spacerace.runner import cutoff_state, run_packed
from spacerace.targeting.solver import solve
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


STEP_HALVINGS = 6  # halve a step up to this many times until the miss shrinks [-]


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


def injection_phase(mission: Mission) -> int:
    """Index of the lunar injection: the last closed-loop burn (with a target orbit)."""
    k = phase_of_injection(mission.phases)
    if k is None:
        raise CatalogError(mission.origin or mission.id, "phases", "a closed-loop burn "
                           "(guidance = \"linear_tangent\" with a target) to aim at the Moon")
    return k


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
    kr = run_packed(trial, options, ph, stop=min(k + 2, len(pk.phases)))
    if kr.status not in STATUS_FLOWN:
        raise SimulationError(f"aiming at the Moon failed: a trial flight stopped early "
                              f"({STATUS_MESSAGES[kr.status]})")
    y_cut = cutoff_state(kr, k + 1)
    if y_cut is None:
        raise SimulationError("aiming at the Moon failed: a trial injection has no cut-off")
    ev = kr.events
    passes = np.flatnonzero((ev.code == EV_MOON_CA) & (ev.phase >= k))
    t = np.append(ev.t[passes], ph.clock[0])
    y = np.vstack([ev.y[passes], ph.y])
    iph = np.append(ev.phase[passes], min(ph.phase, len(kr.phases) - 1))
    d = diagnose(t, y, iph, trial.p, kr.phases, trial.cd_mach, trial.cd_val,
                 trial.tab)[:, D_MOON_R]
    j = int(np.argmin(d))
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
    search = dataclasses.replace(options, output_interval=NO_SAMPLES)
    at = Paused.at_liftoff(pk)
    if run_packed(pk, search, at, stop=k).status != STATUS_PHASES_DONE or at.phase != k:
        raise SimulationError(f"{mission.id}: aiming at the Moon failed, the flight ended "
                              "before the injection")
    with_fpa = math.isfinite(goal.latitude)
    epoch = mission.epoch if with_fpa else None
    x0 = np.array([inj.yaw, inj.target_apogee, inj.target_flight_path_angle])
    n = 3 if with_fpa else 2  # free values: yaw, apogee (and flight-path angle)
    passes: dict[tuple[float, ...], MoonPass] = {}

    def residual(xv: np.ndarray) -> np.ndarray:
        x = x0.copy()
        x[:n] = xv
        mp = _trial(pk, search, at, k, inj.target_perigee, x[0], x[1], x[2], epoch)
        passes[tuple(xv)] = mp
        return _residual(mp, mission)

    sol = solve(residual, x0[:n], max_trials=1 + max_iterations * (n + 1 + STEP_HALVINGS),
                steps=np.array([YAW_STEP, APOGEE_STEP * x0[1], FPA_STEP])[:n],
                limit=np.array([MAX_YAW_CHANGE, MAX_APOGEE_CHANGE * x0[1], MAX_FPA_CHANGE])[:n],
                weight=np.array([YAW_WEIGHT, APOGEE_WEIGHT * x0[1], FPA_WEIGHT])[:n],
                halvings=STEP_HALVINGS)
    x = x0.copy()
    x[:n] = sol.x
    flights = sol.trials
    mp = passes[tuple(sol.x)]
    if not sol.converged:
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
