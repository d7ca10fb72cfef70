"""Aerodynamic drag from a drag-coefficient table against Mach number."""

from __future__ import annotations

import numpy as np

from spacerace._jit import jit, jit_borrow
from spacerace.models.tables import interp_clamped, interp_rows


@jit
def drag_coefficient(mach: float, mach_table: np.ndarray, cd_table: np.ndarray) -> float:
    """Drag coefficient interpolated linearly in Mach, held constant beyond the table ends.

    Parameters
    ----------
    mach : float
        Mach number [-].
    mach_table, cd_table : ndarray
        Increasing Mach numbers and the drag coefficients there [-].

    Returns
    -------
    float
        Drag coefficient [-].
    """
    return interp_clamped(mach, mach_table, cd_table)


@jit_borrow
def drag_coefficient_row(mach: float, mach_tables: np.ndarray, cd_tables: np.ndarray,
                         row: int) -> float:
    """``drag_coefficient`` in row ``row`` of stacked tables (read in place, for the kernel)."""
    return interp_rows(mach, mach_tables, row, cd_tables, row)


@jit
def dynamic_pressure(rho: float, v_air: float) -> float:
    """Dynamic pressure 0.5 rho v^2 [Pa] from density [kg/m^3] and airspeed [m/s]."""
    return 0.5 * rho * v_air * v_air


@jit
def drag_force(rho: float, v_air: float, cd: float, area: float) -> float:
    """Drag force magnitude [N]: dynamic pressure x Cd x reference area [m^2]."""
    return dynamic_pressure(rho, v_air) * cd * area
