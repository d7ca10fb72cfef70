"""Placing a knot inside a rejected step (``kernel.kinks``)."""

from __future__ import annotations

import numpy as np

from spacerace.catalog import load
from spacerace.constants import WGS84_A
from spacerace.kernel.inputs import SimOptions
from spacerace.kernel.kinks import BY_ALTITUDE, KNOT_TOL, _place
from spacerace.kernel.layout import N_DIAG, X
from spacerace.models.earth import geodetic_height
from spacerace.packing import pack


def test_every_knot_is_placed_just_short_of_it():
    """A rejected step that crosses a knot is retried to end on the near side of it, within
    KNOT_TOL of the step: the retried step's stages then see smooth equations (ended on the
    far side, the bend sat in its last stages and got it rejected again). 400 knots along
    a straight 2 km climb, where the closed form of the crossing is known; with the middle
    as the fallback of a rounded secant, 23 of 2,000 were lost (placed at the step's start)."""
    pk = pack(*load("v2-london"), SimOptions())
    n = pk.y0.size
    rc = np.zeros((5, n))
    rc[0, X] = WGS84_A + 10e3  # on the equator, climbing 2 km straight up in the step
    rc[1, X] = 2e3
    short = []
    for knot in np.linspace(10e3, 12e3, 402)[1:-1]:
        frac = _place(BY_ALTITUDE, float(knot), 10e3, 12e3, 30.0, 2.0, rc, pk.p,
                      pk.phases[0], pk.cd_mach, pk.cd_val, pk.tab, np.empty(n), np.empty(3),
                      np.empty(N_DIAG))
        alt = geodetic_height(WGS84_A + 10e3 + 2e3 * frac, 0.0, 0.0)
        short.append(knot - alt)
    assert min(short) >= 0.0  # never past the knot
    assert max(short) <= KNOT_TOL * 2e3  # never more than KNOT_TOL of the step short of it
