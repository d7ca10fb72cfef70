"""Rocket-engine thrust and mass flow with back-pressure on the nozzle exit.

F(h) = F_vac - p(h) A_exit, mdot = F_vac / (Isp_vac g0). Throttle scales both.

References
----------
Sutton, G. P. & Biblarz, O., Rocket Propulsion Elements, 7th ed. (2001), eqs. 2-14 and 3-21.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from spacerace._jit import jit
from spacerace.constants import G0


def thrust_at(f_vac: Any, a_exit: Any, p_ambient: Any, throttle: Any) -> Any:
    """Thrust at an ambient pressure [N], never negative (floats or numpy arrays).

    ``thrust`` is the same law compiled (the equations of motion and the liftoff check call
    it); this form also takes numpy arrays.

    Parameters
    ----------
    f_vac : float
        Vacuum thrust at full throttle [N].
    a_exit : float
        Nozzle exit area [m^2].
    p_ambient : float
        Ambient pressure [Pa].
    throttle : float
        Fraction of rated mass flow [-].
    """
    return np.maximum(throttle * f_vac - p_ambient * a_exit, 0.0)


thrust = jit(thrust_at)


def mass_flow(f_vac: float, isp_vac: float) -> float:
    """Propellant mass flow [kg/s] from vacuum thrust [N] and vacuum Isp [s]."""
    return f_vac / (isp_vac * G0)


def burn_time(propellant: float, mdot: float) -> float:
    """Burn time to depletion at constant mass flow [s], propellant [kg], mdot [kg/s]."""
    return propellant / mdot
