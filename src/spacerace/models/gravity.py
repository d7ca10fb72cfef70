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
