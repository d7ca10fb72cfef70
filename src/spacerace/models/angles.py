"""The angle of a point from its two legs, as ``atan2`` gives it, in half its time.

glibc's ``atan2`` (2.36) takes 20 ns and is within about half a unit in the last place of
the exact angle; ``atan`` of the smaller leg over the larger, put in its quadrant, takes
9 ns and stays within one unit in the last place of ``atan2``
(``tests/test_angles.py``), about 1.4 units of the exact angle at worst. A flight's
trajectory table takes five angles a row (latitude, longitude, flight-path angle, heading
and Vincenty's arc): there ``atan2`` was 27 % of the time (perf), and ``angle`` takes the
V-2 benchmark's table from 138 to 131 us.
"""

from __future__ import annotations

import math

from spacerace._jit import jit

HALF_PI = 0.5 * math.pi


@jit
def angle(y: float, x: float) -> float:
    """The angle of the point (x, y) from the x axis, as ``atan2(y, x)`` gives it.

    Parameters
    ----------
    y, x : float
        The point's legs, in any one unit.

    Returns
    -------
    float
        The angle [rad], in [-pi, pi], with ``atan2``'s quadrants and signs of zero (both
        legs zero or both infinite: ``atan2`` itself).

    Examples
    --------
    >>> round(angle(1.0, -1.0), 12) == round(3 * math.pi / 4, 12)
    True
    >>> angle(-0.0, -2.0) == -math.pi
    True
    """
    ay, ax = abs(y), abs(x)
    if ay <= ax:
        if ax == 0.0 or ay == math.inf:
            return math.atan2(y, x)  # both legs zero or both infinite: atan2's own values
        a = math.atan(ay / ax)
    else:
        a = HALF_PI - math.atan(ax / ay)
    if x < 0.0:
        a = math.pi - a
    return math.copysign(a, y)
