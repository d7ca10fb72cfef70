"""Wind: a horizontal wind of tabulated speed against altitude, from a fixed azimuth.

The wind blows from the azimuth ``wind_from`` (clockwise from north, the meteorologists'
convention) at every height, with a speed interpolated in the mission's profile. Here its
direction is turned into the flight's inertial axes.
"""

from __future__ import annotations

import math

from spacerace._jit import jit


@jit
def wind_direction(wind_from: float, x: float, y: float, sin_lat: float, cos_lat: float
                   ) -> tuple[float, float, float]:
    """Unit vector along which the wind blows at a point [-], in the point's own axes.

    The local east is (-y, x, 0) / p and the local north (-sin_lat x / p, -sin_lat y / p,
    cos_lat), with p the distance from the Earth's axis: so the point may be given in any
    frame that turns about that axis (Earth-fixed, or the flight's inertial axes, where the
    vector comes out inertial with no rotation angle), and no trigonometry of the latitude or
    longitude is needed.

    Parameters
    ----------
    wind_from : float
        Azimuth the wind blows from [rad], clockwise from north.
    x, y : float
        Equatorial coordinates of the point [m] (on the axis: longitude 0).
    sin_lat, cos_lat : float
        Sine and cosine of its geodetic latitude [-].
    """
    to = wind_from + math.pi  # the wind blows towards the opposite azimuth
    we, wn = math.sin(to), math.cos(to)  # its east and north parts
    rxy = math.sqrt(x * x + y * y)
    cx, sx = (x / rxy, y / rxy) if rxy > 0.0 else (1.0, 0.0)  # of the longitude (0 on the axis)
    # east (-sx, cx, 0) and north (-sin_lat cx, -sin_lat sx, cos_lat)
    return (-we * sx - wn * sin_lat * cx, we * cx - wn * sin_lat * sx, wn * cos_lat)
