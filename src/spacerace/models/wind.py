"""Wind: a horizontal wind of tabulated speed against altitude, from a fixed azimuth.

The wind blows from the azimuth ``wind_from`` (clockwise from north, the meteorologists'
convention) at every height, with a speed interpolated in the mission's profile. Here its
direction is turned into the flight's inertial axes.
"""

from __future__ import annotations

import math

from spacerace._jit import jit


@jit
def wind_direction(wind_from: float, lat: float, lon: float, c: float, s: float
                   ) -> tuple[float, float, float]:
    """Unit vector along which the wind blows, in inertial axes [-].

    Parameters
    ----------
    wind_from : float
        Azimuth the wind blows from [rad], clockwise from north.
    lat, lon : float
        Geodetic latitude and longitude of the point [rad].
    c, s : float
        Cosine and sine of the Earth rotation angle at the time [-] (inertial from
        Earth-fixed axes: a turn about z).
    """
    to = wind_from + math.pi  # the wind blows towards the opposite azimuth
    we, wn = math.sin(to), math.cos(to)  # its east and north parts
    sl, cl, so, co = math.sin(lat), math.cos(lat), math.sin(lon), math.cos(lon)
    # local east (-so, co, 0) and north (-sl co, -sl so, cl) in Earth-fixed axes
    fx = -so * we - sl * co * wn
    fy = co * we - sl * so * wn
    return c * fx - s * fy, s * fx + c * fy, cl * wn
