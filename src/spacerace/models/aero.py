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


def _upper_hull(u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Upper convex hull of 2-D points (Andrew's monotone chain), from left to right."""
    order = np.lexsort((v, u))
    out: list[tuple[float, float]] = []
    for p in zip(u[order].tolist(), v[order].tolist()):
        while len(out) >= 2 and ((out[-1][0] - out[-2][0]) * (p[1] - out[-2][1])
                                 - (out[-1][1] - out[-2][1]) * (p[0] - out[-2][0])) >= 0.0:
            out.pop()
        out.append(p)
    hu, hv = zip(*out)
    return np.array(hu), np.array(hv)


def projected_area(stations: np.ndarray, diameters: np.ndarray, theta: float,
                   n_arc: int = 128, n_grid: int = 4000) -> float:
    """Shadow of a body of revolution seen at angle ``theta`` to its axis [m^2].

    The body is the solid swept by a profile of straight pieces: diameter ``diameters[i]``
    at axial station ``stations[i]``, flat ends. Seen along a direction at angle theta to
    the axis, the disc at station x projects to an ellipse centred at x sin(theta) on the
    shadow of the axis, with half-axes r |cos(theta)| along it and r across it; each piece
    (a frustum, convex) casts the convex hull of its two end ellipses, and the shadow is the
    union of these. Every piece's shadow is symmetric about the axis' shadow, so the
    union's half-width at each point of the axis' shadow is the largest of the pieces'
    half-widths there; the area is twice its integral. This holds for waisted (non-convex)
    profiles too, where a quarter of the surface (Cauchy) would overstate the mean.

    Parameters
    ----------
    stations : ndarray
        Increasing axial stations [m].
    diameters : ndarray
        Diameters there [m], zero or more.
    theta : float
        Angle between the axis and the direction of view [rad].
    n_arc : int
        Points on each half-ellipse (the error falls as 1/n_arc^2).
    n_grid : int
        Points on the axis' shadow for the integral.

    Returns
    -------
    float
        Area of the shadow [m^2].
    """
    x = np.asarray(stations, dtype=float)
    r = 0.5 * np.asarray(diameters, dtype=float)
    c, s = abs(math.cos(theta)), math.sin(theta)
    phi = np.linspace(0.0, math.pi, n_arc)
    pieces = []
    for i in range(len(x) - 1):
        eu = np.concatenate([x[i] * s + r[i] * c * np.cos(phi),
                             x[i + 1] * s + r[i + 1] * c * np.cos(phi)])
        ev = np.concatenate([r[i] * np.sin(phi), r[i + 1] * np.sin(phi)])
        pieces.append(_upper_hull(eu, ev))
    lo = min(p[0][0] for p in pieces)
    hi = max(p[0][-1] for p in pieces)
    grid = np.union1d(np.linspace(lo, hi, n_grid), np.concatenate([p[0] for p in pieces]))
    width = np.zeros_like(grid)
    for hu, hv in pieces:
        width = np.maximum(width, np.interp(grid, hu, hv, left=0.0, right=0.0))
    return 2.0 * float(np.sum(0.5 * (width[1:] + width[:-1]) * np.diff(grid)))


def tumbling_body_area(stations: np.ndarray, diameters: np.ndarray, n_theta: int = 48) -> float:
    """Mean projected area of a body of revolution tumbling at random [m^2].

    The shadow (``projected_area``) averaged over all directions of view: over the angle
    theta to the axis with weight sin(theta) (Gauss-Legendre in theta on 0 to pi/2; the
    shadow is the same at pi - theta). For a convex profile this is a quarter of the
    surface (Cauchy), e.g. ``tumbling_cylinder_area`` for a cylinder; for a waisted one it
    is less.

    Parameters
    ----------
    stations, diameters : ndarray
        The profile: increasing axial stations and the diameters there [m].
    n_theta : int
        Quadrature points in theta.

    Returns
    -------
    float
        Mean projected area [m^2], the reference area of a tumbling body's drag coefficient.
    """
    nodes, weights = np.polynomial.legendre.leggauss(n_theta)
    theta = 0.25 * math.pi * (nodes + 1.0)
    shadows = np.array([projected_area(stations, diameters, t) for t in theta])
    return float(0.25 * math.pi * np.sum(weights * np.sin(theta) * shadows))
