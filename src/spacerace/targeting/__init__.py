"""Aiming: the values of a flight plan that put it where the mission goes.

Three aims, each a few values solved on the packed flight (packed once; each trial varies
its arrays, and the solution is written back into the ``Mission`` at the end):

* the range aim (``aim``, in ``targeting.range``): the cut-off on speed (the V-2's
  Brennschluss) or on predicted free-flight range (an ICBM's range control) and the launch
  azimuth, for the impact on the target;
* the inclination aim (``aim_inclination``, in ``targeting.inclination``): the launch
  azimuth, for the orbit's inclination at the last cut-off (before the lunar injection on a
  flight to the Moon);
* the Moon aim (``aim_moon``, in ``targeting.moon``): the lunar injection's target orbit and
  plane, from a paused flight.

All use one solver, ``targeting.solver.solve``: Newton's method on scaled residuals.
``aim_mission`` says which aims a mission needs and solves them, for ``flight.fly`` and the
Monte Carlo nominal alike.
"""

from __future__ import annotations

import dataclasses
import math

from spacerace.kernel.inputs import SimOptions
from spacerace.mission import Mission
from spacerace.results import AimResult
from spacerace.targeting.inclination import aim_inclination
from spacerace.targeting.moon import MoonAim, aim_moon
from spacerace.targeting.range import aim
from spacerace.vehicle import Vehicle

__all__ = ["MoonAim", "aim", "aim_inclination", "aim_mission", "aim_moon"]


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
