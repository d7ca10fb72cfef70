"""Earth gravity: point mass plus the J2 zonal harmonic.

The z axis is the Earth's rotation axis (any frame sharing it: ECI of date or ECEF).

References
----------
Vallado, D. A., Fundamentals of Astrodynamics and Applications, 4th ed. (2013), eq. 8-30
(J2 acceleration); constants from NIMA TR8350.2 via ``spacerace.constants``.
"""

from __future__ import annotations

import numpy as np

from spacerace._jit import jit
from spacerace.constants import GM_EARTH, J2_EARTH, WGS84_A


@jit
def gravity_accel(x: float, y: float, z: float, mu: float = GM_EARTH,
                  j2: float = J2_EARTH) -> tuple[float, float, float]:
    """Gravitational acceleration of the Earth (point mass + J2).

    Parameters
    ----------
    x, y, z : float
        Position in a frame whose z axis is the rotation axis [m].
    mu : float
        Gravitational parameter [m^3/s^2].
    j2 : float
        Second zonal harmonic [-]; 0 gives a point mass.

    Returns
    -------
    tuple of float
        Acceleration components in the same frame [m/s^2].
    """
    r2 = x * x + y * y + z * z
    r = np.sqrt(r2)
    mu_r3 = mu / (r2 * r)
    k = 1.5 * j2 * (WGS84_A * WGS84_A / r2)
    zz = 5.0 * z * z / r2
    fxy = -mu_r3 * (1.0 - k * (zz - 1.0))
    fz = -mu_r3 * (1.0 - k * (zz - 3.0))
    return fxy * x, fxy * y, fz * z


@jit
def third_body_accel(x: float, y: float, z: float, bx: float, by: float, bz: float,
                     mu: float) -> tuple[float, float, float]:
    """Perturbing acceleration of a third body on a craft, in the Earth's frame.

    The body at (bx, by, bz) pulls the craft at (x, y, z) and the Earth (whose centre is the
    frame's origin and is itself accelerated): the direct term minus the indirect one.

    Parameters
    ----------
    x, y, z : float
        Position of the craft [m].
    bx, by, bz : float
        Position of the body [m].
    mu : float
        Gravitational parameter of the body [m^3/s^2].

    Returns
    -------
    tuple of float
        Acceleration components [m/s^2].

    References
    ----------
    Vallado, D. A., Fundamentals of Astrodynamics and Applications, 4th ed. (2013), eq. 8-34
    (third-body perturbation, direct and indirect terms).
    """
    dx, dy, dz = bx - x, by - y, bz - z
    d2 = dx * dx + dy * dy + dz * dz
    b2 = bx * bx + by * by + bz * bz
    kd, kb = mu / (d2 * np.sqrt(d2)), mu / (b2 * np.sqrt(b2))
    return kd * dx - kb * bx, kd * dy - kb * by, kd * dz - kb * bz
