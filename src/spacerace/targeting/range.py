"""The range aim: the cut-off (on speed, the V-2's Brennschluss; or on predicted free-flight
range, an ICBM's range control) and the launch azimuth that put the impact on the target."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

from spacerace.constants import WGS84_A
from spacerace.errors import CatalogError, UnreachableError
from spacerace.kernel.events import EV_IMPACT
from spacerace.kernel.inputs import NO_SAMPLES, Packed, SimOptions
from spacerace.kernel.layout import D_LAT, D_LON, P_AZ, PH_RANGE_END, PH_V_END
from spacerace.kernel.output import diagnose
from spacerace.mission import Mission
from spacerace.models.earth import distance
from spacerace.models.geodesic import geodesic
from spacerace.packing import check_liftoff, pack
from spacerace.results import AimResult
from spacerace.runner import run_packed
from spacerace.targeting.solver import solve
from spacerace.vehicle import Vehicle

# What the range aim may solve, and the phase field and phase-table column that hold it.
RANGE_KNOBS = {"cutoff_speed": ("until_speed", PH_V_END),
               "cutoff_range": ("until_range", PH_RANGE_END)}


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
    state = {"best": math.inf, "first": True, "miss": math.inf, "first_range": math.nan}

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
        if state["first"]:
            state["first_range"] = s_i
        state["first"] = False
        state["miss"] = miss
        # the errors along the line [m] and of the direction [rad]; none once the miss is met
        f = np.array(([along] if v0 is not None else [])
                     + ([math.remainder(az_i - az_t, 2 * math.pi)] if solve_az else []))
        return f * 0.0 if miss < tolerance else f

    def keep(x: np.ndarray, proposed: np.ndarray, f: np.ndarray) -> np.ndarray:
        if v0 is None:
            return proposed
        out = proposed.copy()
        uphill = (proposed[0] - x[0]) * f[0] >= 0.0  # the secant's slope is not positive
        out[0] = _bracketed(math.nan if uphill else float(proposed[0]), float(x[0]), *bracket)
        return out

    x0: list[float] = ([v0] if v0 is not None else []) + ([az0] if solve_az else [])
    if not x0:
        raise CatalogError(mission.origin or mission.id, "aim", "cutoff_speed, cutoff_range "
                           "or azimuth to solve for the target")
    def first_slopes(x: np.ndarray, f: np.ndarray) -> np.ndarray:
        # the range grows like the speed squared, or like the range angle; the impact's
        # direction turns with the azimuth one for one (not updated: a fixed point)
        slope = 2.0 * state["first_range"] / x[0] if knob == "until_speed" else WGS84_A
        return np.array(([slope] if v0 is not None else []) + ([1.0] if solve_az else []))

    sol = solve(residual, np.array(x0), max_trials=max_iterations, jacobian=first_slopes,
                secant=np.array(([True] if v0 is not None else []) + ([False] if solve_az
                                                                      else [])),
                keep=keep, done=lambda f: not np.any(f))
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
