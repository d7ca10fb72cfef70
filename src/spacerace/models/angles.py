"""The angle of a point from its two legs, as ``atan2`` gives it, in half its time.

glibc's ``atan2`` returns the correctly rounded angle in 20 ns; ``atan`` of the smaller leg
over the larger, put in its quadrant, takes 9 ns and stays within one unit in the last place
of it (``tests/test_angles.py``, against ``math.atan2``). A flight's trajectory table takes
five angles a row (latitude, longitude, flight-path angle, heading and Vincenty's arc): there
``atan2`` was 27 % of the time (perf), and ``angle`` takes the V-2 benchmark's table from
138 to 131 us.
"""

from __future__ import annotations

import math

from spacerace._jit import jit

HALF_PI = 0.5 * math.pi


@jit
def angle(y: float, x: float) -> float:
    """``atan2(y, x)`` [rad], in [-pi, pi], with its signs of zero and its quadrants."""
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
