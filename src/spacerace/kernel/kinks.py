"""Where the equations of motion bend: the knots of the tables a step may cross (compiled).

The drag coefficient against Mach, the wind against altitude, the pitch programme against
time and the atmosphere's layers are continuous but bend at their knots, so a step that
straddles one is rejected again and again by an error control that assumes smooth
equations (measured: half the steps of a V-2 flight). When a step is rejected, ``kink_fraction``
looks for a knot crossed inside it, locates the crossing on the step's continuous extension
and returns where it lies, so that the next trial ends just short of the knot (within
``KNOT_TOL`` of the step) and the one after starts there, with the knot just inside it.
The knots change no figure of the physics: only where the steps fall.
"""

from __future__ import annotations

import numpy as np

from spacerace._jit import jit, jit_borrow
from spacerace.kernel.dynamics import forces
from spacerace.kernel.integrate import dense_eval, dense_prepare, illinois_update, secant_inside
from spacerace.kernel.layout import (
    D_MACH,
    MODE_PITCH_PROGRAM,
    PH_CD_ROW,
    PH_MODE,
    TAB_PITCH_T,
    TAB_WIND_H,
    TAB_WIND_V,
    X,
    Y,
    Z,
)
from spacerace.models.atmosphere import LAYER_BASE_Z
from spacerace.models.earth import geodetic_height

LAYER_KNOTS = LAYER_BASE_Z.reshape((1, LAYER_BASE_Z.size))
# A knot counts only between these fractions of a step: nearer its start the step began on
# it; nearer its end it is not what made the error [-].
KNOT_MIN_FRACTION = 1e-3
KNOT_MAX_FRACTION = 0.999
KNOT_ITERATIONS = 6  # most Illinois iterations to place one knot in a step [-]
KNOT_TOL = 1e-4  # fraction of the step to which a knot is placed [-]
# Which diagnostic a knot is crossed in (the time's knots need no search).
BY_ALTITUDE, BY_MACH = 0, 1


@jit_borrow
def first_knot(x0: float, x1: float, xs: np.ndarray, row: int) -> float:
    """The first knot of row ``row`` of ``xs`` passed going from ``x0`` to ``x1`` (NaN: none).

    Knots within ``KNOT_MIN_FRACTION`` of the way from ``x0`` do not count: the step
    starts on them.
    """
    best = np.nan
    margin = KNOT_MIN_FRACTION * abs(x1 - x0)
    for k in range(xs.shape[1]):
        xk = xs[row, k]
        if (x0 + margin < xk <= x1) or (x1 <= xk < x0 - margin):
            if np.isnan(best) or abs(xk - x0) < abs(best - x0):
                best = xk
    return best


@jit
def wind_blows(tab: np.ndarray) -> bool:
    """Whether the wind profile is anything but calm (a calm one has no knots that matter)."""
    for i in range(tab.shape[1]):
        if tab[TAB_WIND_V, i] != 0.0:
            return True
    return False


@jit_borrow
def _place(which: int, knot: float, v0: float, v1: float, t: float, h: float,
           rc: np.ndarray, p: np.ndarray, ph: np.ndarray, cd_mach: np.ndarray,
           cd_val: np.ndarray, tab: np.ndarray, ys: np.ndarray, acc: np.ndarray,
           diag: np.ndarray) -> float:
    """Fraction of the step where the diagnostic ``which`` meets ``knot`` (Illinois), on
    the near side: the end of the last bracket before the knot, within ``KNOT_TOL`` of it.

    A trial that ends just short of a knot sees smooth equations; one that ends just past
    it has the bend in its last stages: with the far end taken, 4 of the 22 trials cut to a
    knot in ``bench_peers.py``'s V-2 were rejected again. Measured over that flight and the
    catalog's seven flights with an atmosphere: 1,514 step attempts against 1,591.
    """
    ta, ga, tb, gb = 0.0, v0 - knot, 1.0, v1 - knot
    if gb == 0.0:
        return tb  # the step ends on the knot
    side = 0
    for _ in range(KNOT_ITERATIONS):
        if tb - ta <= KNOT_TOL:
            break
        # as the events are located (the middle instead could leave the near end at the
        # step's start after the six rounds: 23 of 2,000 knots of a straight climb lost)
        tm = secant_inside(ta, ga, tb, gb, 0.5 * KNOT_TOL)
        dense_eval(rc, tm, ys)
        if which == BY_ALTITUDE:
            gm = geodetic_height(ys[X], ys[Y], ys[Z]) - knot
        else:
            forces(t + tm * h, ys, p, ph, cd_mach, cd_val, tab, acc, diag, False)
            gm = diag[D_MACH] - knot
        if gm == 0.0:
            return tm
        ta, ga, tb, gb, side = illinois_update(ta, ga, tb, gb, tm, gm, side)
    return ta


@jit_borrow
def kink_fraction(t: float, h: float, y: np.ndarray, y1: np.ndarray, k: np.ndarray,
                  alt0: float, alt1: float, mach0: float, mach1: float, wind: bool,
                  p: np.ndarray, ph: np.ndarray, cd_mach: np.ndarray, cd_val: np.ndarray,
                  tab: np.ndarray, rc: np.ndarray, ys: np.ndarray, acc: np.ndarray,
                  diag: np.ndarray) -> float:
    """Fraction of the step [t, t + h] at which it first crosses a knot (1: none, or only
    within ``KNOT_MAX_FRACTION`` of its end).

    ``y1`` is the (rejected) step's end and ``k`` its stages; ``alt0``, ``mach0`` and
    ``alt1``, ``mach1`` the altitude [m] and Mach number [-] at its start and end. The
    crossing is placed on the step's continuous extension (``rc``, ``ys``, ``acc`` and
    ``diag`` are scratch), accurate enough even in a rejected step: its error is that of
    the state, metres and centimetres per second, against knots kilometres and tenths of
    Mach apart.
    """
    frac = 1.0
    if ph[PH_MODE] == MODE_PITCH_PROGRAM:
        tk = first_knot(t, t + h, tab, TAB_PITCH_T)
        if not np.isnan(tk):
            frac = (tk - t) / h
    layer_knot = first_knot(alt0, alt1, LAYER_KNOTS, 0)
    wind_knot = first_knot(alt0, alt1, tab, TAB_WIND_H) if wind else np.nan
    mach_knot = first_knot(mach0, mach1, cd_mach, int(ph[PH_CD_ROW]))
    if np.isnan(layer_knot) and np.isnan(wind_knot) and np.isnan(mach_knot):
        return frac if KNOT_MIN_FRACTION < frac < KNOT_MAX_FRACTION else 1.0
    dense_prepare(y, y1, h, k, rc)
    for which, knot, v0, v1 in ((BY_ALTITUDE, layer_knot, alt0, alt1),
                                (BY_ALTITUDE, wind_knot, alt0, alt1),
                                (BY_MACH, mach_knot, mach0, mach1)):
        if not np.isnan(knot):
            frac = min(frac, _place(which, knot, v0, v1, t, h, rc, p, ph, cd_mach, cd_val,
                                    tab, ys, acc, diag))
    return frac if KNOT_MIN_FRACTION < frac < KNOT_MAX_FRACTION else 1.0
