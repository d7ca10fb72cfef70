"""Aiming: the values of a flight plan that put it where the mission goes.

Three aims, each a few values solved on the packed flight (packed once; each trial varies
its arrays, and the solution is written back into the ``Mission`` at the end):

* the range aim (``aim``): the cut-off on speed (the V-2's Brennschluss) or on predicted
  free-flight range (an ICBM's range control) and the launch azimuth, for the impact on the
  target;
* the inclination aim (``aim_inclination``): the launch azimuth, for the orbit's
  inclination at the last cut-off (before the lunar injection on a flight to the Moon);
* the Moon aim (``spacerace.moon_aim``): the lunar injection's target orbit and plane.

All use one solver, ``spacerace.solver.solve``: Newton's method on scaled residuals.
``aim_mission`` says which aims a mission needs and solves them, for ``flight.fly`` and the
Monte Carlo nominal alike.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

from spacerace.constants import WGS84_A
from spacerace.errors import CatalogError, UnreachableError
from spacerace.kernel.events import EV_IMPACT
from spacerace.kernel.inputs import NO_SAMPLES, Packed, Paused, SimOptions
from spacerace.kernel.layout import (
    D_LAT,
    D_LON,
    P_AZ,
    PH_RANGE_END,
    PH_V_END,
    STATUS_MESSAGES,
    STATUS_PHASES_DONE,
)
from spacerace.kernel.output import diagnose
from spacerace.mission import Mission, injection_phase
from spacerace.models.earth import distance
from spacerace.models.geodesic import geodesic
from spacerace.moon_aim import aim_moon
from spacerace.orbit import elements_from_state
from spacerace.packing import check_liftoff, pack
from spacerace.results import AimResult
from spacerace.runner import cutoff_state, run_packed
from spacerace.solver import solve
from spacerace.vehicle import Vehicle

# What the range aim may solve, and the phase field and phase-table column that hold it.
RANGE_KNOBS = {"cutoff_speed": ("until_speed", PH_V_END),
               "cutoff_range": ("until_range", PH_RANGE_END)}
# The inclination aim's first slope: the inclination falls as the azimuth turns from north
# towards east, about one for one near a due-east launch [rad/rad].
INCLINATION_FIRST_SLOPE = -1.0


# --- the range aim ------------------------------------------------------------------------------

def _trial_flight(pk: Packed, options: SimOptions, column: int | None, value: float | None,
                  azimuth: float) -> tuple[Packed, Any]:
    """The packed flight with its range-setting cut-off (where the plan has one) and azimuth
    replaced, flown to its end (events only)."""
    p = pk.p.copy()
    p[P_AZ] = azimuth
    phases = pk.phases.copy()
    if column is not None and value is not None:
        col = phases[:, column]
        col[np.isfinite(pk.phases[:, column])] = value
    trial = dataclasses.replace(pk, p=p, phases=phases)
    return trial, run_packed(trial, options)


def _impact(pk: Packed, options: SimOptions, column: int | None, value: float | None,
            azimuth: float) -> tuple[float, float] | None:
    """Latitude and longitude of the impact [rad], or None (no impact)."""
    trial, kr = _trial_flight(pk, options, column, value, azimuth)
    ev = kr.events
    hits = np.flatnonzero(ev.code == EV_IMPACT)
    if hits.size == 0:
        return None
    i = hits[:1]
    d = diagnose(ev.t[i], ev.y[i], ev.phase[i], trial.p, kr.phases, trial.cd_mach,
                 trial.cd_val, trial.tab)
    return float(d[0, D_LAT]), float(d[0, D_LON])


def _with_aim(mission: Mission, knob: str | None, value: float | None,
              azimuth: float) -> Mission:
    """The mission with its range-setting cut-off value and its azimuth replaced."""
    if knob is None or value is None:
        return dataclasses.replace(mission, azimuth=azimuth)
    changes: dict[str, Any] = {knob: value}
    phases = tuple(dataclasses.replace(ph, **changes)
                   if math.isfinite(getattr(ph, knob)) else ph for ph in mission.phases)
    return dataclasses.replace(mission, phases=phases, azimuth=azimuth)


def _check_reach(vehicle: Vehicle, mission: Mission, pk: Packed, options: SimOptions,
                 column: int, distance_m: float) -> None:
    """Raise ``UnreachableError`` if even burning to depletion falls short of the target."""
    assert mission.target is not None
    full = pk.phases.copy()
    full[:, column] = math.inf
    hit = _impact(dataclasses.replace(pk, phases=full), options, None, None, mission.azimuth)
    if hit is None:
        return  # burnt to depletion it does not come down: any range is within reach
    longest = distance(mission.site.lat, mission.site.lon, *hit)
    if longest < distance_m:
        raise UnreachableError(
            f"{vehicle.name} from {mission.site.name} cannot reach {mission.target.name}: "
            f"its longest range on this flight plan is {longest / 1e3:,.0f} km, and the "
            f"target is {distance_m / 1e3:,.0f} km away")


def aim(vehicle: Vehicle, mission: Mission, options: SimOptions | None = None,
        tolerance: float = 1.0, max_iterations: int = 30) -> tuple[Mission, AimResult]:
    """Solve the cut-off and azimuth that bring the impact onto the mission's target.

    The residuals are the impact's error along and across the line to the target, scaled so
    that a miss below ``tolerance`` [m] is met; the first Jacobian says that the range grows
    like the speed squared (or the range angle times the Earth's radius) and that turning
    the azimuth moves the impact across by the target's distance per radian. Each step stays
    above every cut-off value that fell short and below every one that went too far
    (bisecting where the secant would leave that bracket).

    Returns
    -------
    tuple
        The mission with the solved values, and an ``AimResult``.

    Raises
    ------
    UnreachableError
        The target lies beyond the longest range of the flight plan (the engine burning to
        depletion), or the aim did not converge; the message gives the best it got.
    """
    if mission.target is None:
        raise CatalogError(mission.origin or mission.id, "target", "a target to aim at")
    options = dataclasses.replace(options or SimOptions(), output_interval=NO_SAMPLES)
    site, tgt = mission.site, mission.target
    check_liftoff(vehicle, mission)
    pk = pack(vehicle, mission, options)
    s_t, az_t = geodesic(site.lat, site.lon, tgt.lat, tgt.lon)
    knob, column = next((RANGE_KNOBS[k] for k in mission.aim if k in RANGE_KNOBS),
                        (None, None))
    values = pk.phases[:, column][np.isfinite(pk.phases[:, column])] if column else []
    v0 = float(values[0]) if len(values) else None
    solve_az = "azimuth" in mission.aim
    az0 = az_t if solve_az else mission.azimuth
    bracket: list[float | None] = [None, None]  # largest value short, smallest long
    state = {"best": math.inf, "first": True, "miss": math.inf}
    scale = tolerance / math.sqrt(2.0)

    def residual(x: np.ndarray) -> np.ndarray:
        v = float(x[0]) if v0 is not None else None
        hit = _impact(pk, options, column, v, float(x[-1]))
        if hit is None:
            raise UnreachableError(f"{mission.id}: aiming at {tgt.name} failed: a trial "
                                   "flight has no impact (it went into orbit or stopped)")
        s_i, az_i = geodesic(site.lat, site.lon, *hit)
        miss = geodesic(hit[0], hit[1], tgt.lat, tgt.lon)[0]
        state["best"] = min(state["best"], miss)
        along = s_i - s_t
        if v is not None:
            if along < 0.0:
                bracket[0] = v if bracket[0] is None else max(bracket[0], v)
                if state["first"] and column is not None:
                    _check_reach(vehicle, mission, pk, options, column, s_t)
            else:
                bracket[1] = v if bracket[1] is None else min(bracket[1], v)
        state["first"] = False
        across = s_t * math.remainder(az_i - az_t, 2 * math.pi) if solve_az else 0.0
        state["miss"] = miss
        f = np.array(([along] if v0 is not None else []) + ([across] if solve_az else []))
        return f * 0.0 if miss < tolerance else f / scale  # met: below 1

    def keep(x: np.ndarray, proposed: np.ndarray, f: np.ndarray) -> np.ndarray:
        if v0 is None:
            return proposed
        out = proposed.copy()
        out[0] = _bracketed(float(proposed[0]), float(x[0]), *bracket)
        return out

    x0: list[float] = ([v0] if v0 is not None else []) + ([az0] if solve_az else [])
    if not x0:
        raise CatalogError(mission.origin or mission.id, "aim", "cutoff_speed, cutoff_range "
                           "or azimuth to solve for the target")
    first_slope = (2.0 * s_t / v0 if knob == "until_speed" else WGS84_A) if v0 else 1.0
    jac = np.diag(([first_slope] if v0 is not None else []) + ([s_t] if solve_az else []))
    sol = solve(residual, np.array(x0), max_trials=max_iterations, jacobian=jac / scale,
                secant=np.array(([True] if v0 is not None else []) + ([False] if solve_az
                                                                      else [])),
                keep=keep)
    v = float(sol.x[0]) if v0 is not None else None
    az = float(sol.x[-1]) if solve_az else mission.azimuth
    if not sol.converged:
        start = "" if v0 is None else (
            f" (starting from the file's cut-off speed of {v0:,.6g} m/s)"
            if knob == "until_speed" else
            f" (starting from the file's cut-off range of {v0 * WGS84_A / 1e3:,.6g} km)")
        raise UnreachableError(
            f"{mission.id}: aiming at {tgt.name} did not converge in {max_iterations} "
            f"flights{start}; the nearest impact was {state['best'] / 1e3:,.2f} km from it")
    miss = float(state["miss"])
    speed = v if knob == "until_speed" and v is not None else math.nan
    return _with_aim(mission, knob, v, az), AimResult(speed, az, miss, sol.trials)


def _bracketed(step: float, v: float, short: float | None, long_: float | None) -> float:
    """The secant's next cut-off value where it stays inside what the trials have bracketed
    (above every value that fell short, below every one that went too far); else the
    bracket's middle, or double the value while nothing has gone too far yet."""
    lo = short if short is not None else 0.0
    hi = long_ if long_ is not None else max(2.0 * v, 1.0)  # 1 m/s, or 1 rad of range
    if math.isfinite(step) and lo < step < hi:
        return step
    return 0.5 * (lo + hi) if long_ is not None else hi


# --- the inclination aim ------------------------------------------------------------------------

def aim_inclination(vehicle: Vehicle, mission: Mission, options: SimOptions | None = None,
                    tolerance: float = 1e-5, max_iterations: int = 20
                    ) -> tuple[Mission, AimResult]:
    """Solve the launch azimuth that gives the mission's target inclination (the secant).

    The inclination is that of the last cut-off, or, on a mission aimed at the Moon, of the
    last cut-off before the lunar injection (the parking orbit). The flight is packed once
    and flown to that cut-off (events only) for each trial azimuth.
    """
    options = dataclasses.replace(options or SimOptions(), strict_guidance=False,
                                  output_interval=NO_SAMPLES)  # a trial may fall short
    check_liftoff(vehicle, mission)
    stop = injection_phase(mission.phases) if "moon" in mission.aim else None
    pk = pack(vehicle, mission, options)

    def residual(x: np.ndarray) -> np.ndarray:
        p = pk.p.copy()
        p[P_AZ] = x[0]
        kr = run_packed(dataclasses.replace(pk, p=p), options, Paused.at_liftoff(pk), stop)
        st = cutoff_state(kr, stop)
        if st is None:
            why = (STATUS_MESSAGES[kr.status] if kr.status != STATUS_PHASES_DONE
                   else "it ended")
            raise UnreachableError(f"{mission.id}: aiming at the inclination failed: the "
                                   f"flight has no engine cut-off to aim ({why} first)")
        return np.array([(elements_from_state(st[:3], st[3:6]).i - mission.target_inclination)
                         / tolerance])

    sol = solve(residual, np.array([mission.azimuth]), max_trials=max_iterations,
                jacobian=np.array([[INCLINATION_FIRST_SLOPE / tolerance]]))
    az = float(sol.x[0])
    return dataclasses.replace(mission, azimuth=az), AimResult(math.nan, az, 0.0, sol.trials)


# --- which aims a mission needs -----------------------------------------------------------------

def aim_mission(vehicle: Vehicle, mission: Mission, options: SimOptions | None = None
                ) -> tuple[Mission, AimResult | None]:
    """Solve every aim the mission asks for (``mission.aim``): the inclination or the range,
    then the Moon; returns the mission with the solved values and what was solved (None:
    nothing to aim)."""
    result = None
    if "inclination" in mission.aim:
        mission, result = aim_inclination(vehicle, mission, options)
    elif mission.target is not None and mission.aim:
        mission, result = aim(vehicle, mission, options)
    if "moon" in mission.aim and mission.moon is not None:
        mission, lunar = aim_moon(vehicle, mission, options or SimOptions())
        result = dataclasses.replace(
            result or AimResult(math.nan, mission.azimuth, math.nan, 0),
            miss_distance=lunar.miss, injection_apogee=lunar.apogee, injection_yaw=lunar.yaw,
            injection_flights=lunar.flights,
            injection_flight_path_angle=lunar.flight_path_angle)
    return mission, result
