"""Rocket-engine thrust and mass flow with back-pressure on the nozzle exit.

F(h) = F_vac - p(h) A_exit, mdot = F_vac / (Isp_vac g0). Throttle scales both.

References
----------
Sutton, G. P. & Biblarz, O., Rocket Propulsion Elements, 7th ed. (2001), eqs. 2-14 and 3-21.
"""

from __future__ import annotations

from spacerace._jit import jit
from spacerace.constants import G0


@jit
def thrust(f_vac: float, a_exit: float, p_ambient: float, throttle: float) -> float:
    """Thrust at an ambient pressure [N], never negative.

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
    f = throttle * f_vac - p_ambient * a_exit
    return f if f > 0.0 else 0.0


def mass_flow(f_vac: float, isp_vac: float) -> float:
    """Propellant mass flow [kg/s] from vacuum thrust [N] and vacuum Isp [s]."""
    return f_vac / (isp_vac * G0)


def burn_time(propellant: float, mdot: float) -> float:
    """Burn time to depletion at constant mass flow [s], propellant [kg], mdot [kg/s]."""
    return propellant / mdot
