"""Geodesics on the WGS-84 ellipsoid by Karney's method (geographiclib): distance and azimuths
between two points, everywhere, antipodes included. Pure Python: the catalog uses it without
the compiled models."""

from __future__ import annotations

import math


def geodesic(lat1: float, lon1: float, lat2: float, lon2: float, final: bool = False
             ) -> tuple[float, float]:
    """Distance [m] and initial azimuth [rad, clockwise from north] along the WGS-84
    ellipsoid between two geodetic points [rad], by Karney's method (geographiclib), which
    holds everywhere, antipodes included; with ``final``, the azimuth at the second point.

    References
    ----------
    Karney, C. F. F. (2013), "Algorithms for geodesics", J. Geodesy 87, 43-55.
    """
    from geographiclib.geodesic import Geodesic

    g = Geodesic.WGS84.Inverse(math.degrees(lat1), math.degrees(lon1), math.degrees(lat2),
                               math.degrees(lon2))
    return float(g["s12"]), math.radians(g["azi2" if final else "azi1"])
