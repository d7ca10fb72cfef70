"""The inclination aim: the launch azimuth that gives the orbit's inclination at the last
cut-off (before the lunar injection, on a flight to the Moon)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

import numpy as np

from spacerace.constants import WGS84_E2
from spacerace.errors import UnreachableError
from spacerace.guidance import failure_line, gave_up
from spacerace.kernel.inputs import NO_SAMPLES, Paused, SimOptions
from spacerace.kernel.layout import P_AZ, STATUS_MESSAGES, STATUS_PHASES_DONE
from spacerace.mission import Mission, injection_phase
from spacerace.orbit import elements_from_state
from spacerace.packing import check_liftoff, pack
from spacerace.results import AimResult
from spacerace.runner import cutoff_state, run_packed
from spacerace.targeting.solver import solve
from spacerace.vehicle import Vehicle

# The first slope: the inclination falls as the azimuth turns from north towards east, about
# one for one near a due-east launch [rad/rad].
INCLINATION_FIRST_SLOPE = -1.0
# How close a trial may come to due east or due west, where the inclination's slope against
# the azimuth vanishes and a secant step would fly off [rad].
BRANCH_MARGIN = math.radians(0.5)
# Allowed below the lowest inclination before the aim is refused unflown: the orbit's plane is
# not quite the plane of the thrust, which the Earth's turn tilts a little [rad].
LOWEST_MARGIN = math.radians(0.01)


def branch(azimuth: float) -> tuple[float, float]:
    """The half-circle of azimuths ``azimuth`` [rad] is on, where the inclination is monotonic
    (north-going: from due west through north to due east; south-going: the other half): its
    centre (due north or due south, within a turn of ``azimuth``) and the largest offset from
    it a trial may take [rad]. Each half reaches every inclination a site launches into, once.
    """
    centre = 0.0 if math.cos(azimuth) >= 0.0 else math.pi
    centre = azimuth - ((azimuth - centre + math.pi) % (2.0 * math.pi) - math.pi)
    return centre, 0.5 * math.pi - BRANCH_MARGIN


def branch_keep(azimuth: float) -> Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]:
    """Keeps trial azimuths on the half-circle of the first one (``branch``): the secant is
    not allowed to wander onto the other half or round the circle."""
    centre, half = branch(azimuth)

    def keep(x: np.ndarray, proposed: np.ndarray, f: np.ndarray) -> np.ndarray:
        return np.array([centre + min(max(float(proposed[0]) - centre, -half), half)])

    return keep


def lowest_inclination(lat: float) -> float:
    """The lowest inclination a launch from geodetic latitude ``lat`` [rad] reaches without a
    turn of the orbit's plane: the site's geocentric latitude [rad] (due east)."""
    return abs(math.atan((1.0 - WGS84_E2) * math.tan(lat)))


def aim_inclination(vehicle: Vehicle, mission: Mission, options: SimOptions | None = None,
                    tolerance: float = 1e-5, max_iterations: int = 20
                    ) -> tuple[Mission, AimResult]:
    """Solve the launch azimuth that gives the mission's target inclination (the secant).

    The inclination is that of the last cut-off, or, on a mission aimed at the Moon, of the
    last cut-off before the lunar injection (the parking orbit). The flight is packed once
    and flown to that cut-off (events only) for each trial azimuth.

    Raises
    ------
    UnreachableError
        If the flight has no cut-off to aim, or the inclination is not met within
        ``tolerance`` [rad] in ``max_iterations`` flights.
    """
    options = dataclasses.replace(options or SimOptions(), strict_guidance=False,
                                  output_interval=NO_SAMPLES)  # a trial may fall short
    check_liftoff(vehicle, mission)
    stop = injection_phase(mission.phases) if "moon" in mission.aim else None
    # a phase that turns its plane (a dog-leg) before the aimed cut-off may reach lower
    turns = any(ph.yaw != 0.0 for ph in mission.phases[:stop])
    lowest = lowest_inclination(mission.site.lat)
    floor = lowest - LOWEST_MARGIN
    if not turns and not floor <= mission.target_inclination <= math.pi - floor:
        raise UnreachableError(
            f"{mission.id}: no launch azimuth from latitude {math.degrees(mission.site.lat):.2f}"
            f" deg reaches an inclination of {math.degrees(mission.target_inclination):.4f} deg "
            f"(the lowest is {math.degrees(lowest):.2f} deg, due east); it needs a turn of the "
            "orbit's plane in flight")
    centre, half = branch(mission.azimuth)
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
        return np.array([elements_from_state(st[:3], st[3:6]).i - mission.target_inclination])

    sol = solve(residual, np.array([mission.azimuth]), max_trials=max_iterations,
                # south-going (centre due south): the inclination rises towards east
                jacobian=np.array([INCLINATION_FIRST_SLOPE * math.cos(centre)]),
                keep=branch_keep(mission.azimuth),
                done=lambda f: abs(float(f[0])) < tolerance)
    az = float(sol.x[0])
    if not sol.converged:
        # a plan that cannot reach its orbit is not mended by any azimuth: say that first
        kr = run_packed(pk, dataclasses.replace(options, strict_guidance=True),
                        Paused.at_liftoff(pk), stop)
        if gave_up(kr):
            raise UnreachableError(f"{failure_line(mission, kr)}; so the inclination of "
                                   f"{math.degrees(mission.target_inclination):.4f} deg "
                                   "cannot be aimed at")
    if not sol.converged and abs(az - centre) >= half - 1e-12:
        reached = math.degrees(mission.target_inclination + float(sol.f[0]))
        raise UnreachableError(
            f"{mission.id}: the inclination of {math.degrees(mission.target_inclination):.4f}"
            f" deg is not reached: the azimuth nearest due east or west that is aimed at, "
            f"{math.degrees(az) % 360.0:.4f} deg, gives {reached:.4f} deg (the lowest from "
            f"latitude {math.degrees(mission.site.lat):.2f} deg is "
            f"{math.degrees(lowest):.2f} deg, due east)")
    if not sol.converged:
        raise UnreachableError(
            f"{mission.id}: aiming at the inclination of "
            f"{math.degrees(mission.target_inclination):.4f} deg did not converge in "
            f"{max_iterations} flights; the last azimuth, {math.degrees(az) % 360.0:.4f} deg, "
            "missed it "
            f"by {math.degrees(abs(float(sol.f[0]))):.2e} deg")
    return dataclasses.replace(mission, azimuth=az), AimResult(math.nan, az, 0.0, sol.trials)
