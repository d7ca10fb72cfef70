"""The inclination aim: the launch azimuth that gives the orbit's inclination at the last
cut-off (before the lunar injection, on a flight to the Moon)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np

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
                jacobian=np.array([INCLINATION_FIRST_SLOPE]),
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
    if not sol.converged:
        raise UnreachableError(
            f"{mission.id}: aiming at the inclination of "
            f"{math.degrees(mission.target_inclination):.4f} deg did not converge in "
            f"{max_iterations} flights; the last azimuth, {math.degrees(az) % 360.0:.4f} deg, "
            "missed it "
            f"by {math.degrees(abs(float(sol.f[0]))):.2e} deg")
    return dataclasses.replace(mission, azimuth=az), AimResult(math.nan, az, 0.0, sol.trials)
