"""Aerodynamic drag from a drag-coefficient table against Mach number."""

from __future__ import annotations

import math

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


def tumbling_cylinder_area(length: float, diameter: float) -> float:
    """Mean projected area of a closed cylinder tumbling at random [m^2].

    Seen along a direction at angle theta to its axis, a cylinder of radius r and length L
    casts a shadow of area pi r^2 |cos theta| + 2 r L sin theta. Averaged over all
    directions (theta from 0 to pi with weight sin theta / 2) the two terms give
    pi r^2 / 2 and pi r L / 2:

        A = pi r (r + L) / 2,

    a quarter of the cylinder's surface, 2 pi r^2 + 2 pi r L, as Cauchy's theorem says of
    every convex body.

    Parameters
    ----------
    length, diameter : float
        Length and diameter of the cylinder [m].

    Returns
    -------
    float
        Mean projected area [m^2], the reference area of a tumbling body's drag coefficient.

    References
    ----------
    Cauchy's surface area formula: E. Tsukerman, E. Veomett (2016), "A simple proof of
    Cauchy's surface area formula", arXiv:1604.05815; Z. Slepian (2012), "The average
    projected area theorem", arXiv:1109.0595 (the 3-d case: a quarter of the surface).
    """
    r = 0.5 * diameter
    return 0.5 * math.pi * r * (r + length)
