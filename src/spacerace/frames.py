"""Reference frames and the rotations between them.

Frames
------
ECI
    Earth-centred inertial frame of date: z along the Earth's mean rotation axis, x towards the
    direction that the Earth-fixed x axis pointed at Earth Rotation Angle zero (the CIO), i.e.
    the Celestial Intermediate Reference System of the flight's epoch, held fixed through the
    flight. Precession and nutation within a flight and polar motion are neglected; over
    minutes to days they move the axes by less than 0.01 degree. ``spacerace.ephem`` gives
    the Moon and Sun in this frame.
ECEF
    Earth-fixed frame of WGS-84 (see ``spacerace.models.earth``), rotating about z with the
    Earth Rotation Angle: ``r_eci = eci_from_ecef(theta) @ r_ecef``.
ENU
    Local east-north-up axes at a geodetic point, "up" along the ellipsoid normal.

Rotation matrices are named target-from-source so that the algebra reads left to right.
"""

from __future__ import annotations

import numpy as np

from spacerace._jit import jit


@jit
def eci_from_ecef(theta: float) -> np.ndarray:
    """Rotation taking Earth-fixed vectors to inertial ones at rotation angle ``theta`` [rad]."""
    c, s = np.cos(theta), np.sin(theta)
    m = np.zeros((3, 3))
    m[0, 0], m[0, 1] = c, -s
    m[1, 0], m[1, 1] = s, c
    m[2, 2] = 1.0
    return m


@jit
def ecef_from_enu(lat: float, lon: float) -> np.ndarray:
    """Rotation whose columns are the east, north and up unit vectors in Earth-fixed axes.

    Parameters
    ----------
    lat, lon : float
        Geodetic latitude and longitude [rad].
    """
    sl, cl = np.sin(lat), np.cos(lat)
    so, co = np.sin(lon), np.cos(lon)
    m = np.empty((3, 3))
    m[0, 0], m[1, 0], m[2, 0] = -so, co, 0.0
    m[0, 1], m[1, 1], m[2, 1] = -sl * co, -sl * so, cl
    m[0, 2], m[1, 2], m[2, 2] = cl * co, cl * so, sl
    return m
