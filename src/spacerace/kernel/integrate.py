"""Building blocks of an adaptive Runge-Kutta integrator with dense output (compiled).

Dormand-Prince 5(4) with the free 4th-order continuous extension of Hairer, Norsett and
Wanner, and an Illinois root finder for events, written in reverse communication: the
caller evaluates the right-hand side and the event functions, these functions do the
arithmetic. (numba cannot cache a compiled function that receives another compiled function
as an argument: it recompiles on every run, see docs/architecture.md, so the loop that calls
the equations of motion lives in ``spacerace.kernel``.) Nothing here knows about rockets.

References
----------
Dormand, J. R. & Prince, P. J. (1980), J. Comput. Appl. Math. 6, 19-26; Hairer, E., Norsett,
S. P. & Wanner, G., Solving Ordinary Differential Equations I, 2nd ed. (1993), Table 5.2 and
section II.6 (dense output, code DOPRI5 ``contd5``); Dowell, M. & Jarratt, P. (1971),
BIT 11, 168-174 (Illinois method).
"""

from __future__ import annotations

import math

import numpy as np

from spacerace._jit import jit, jit_borrow

# Butcher tableau, Hairer-Norsett-Wanner Table 5.2 (row i: coefficients of k_1..k_i).
C = np.array([0.0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1.0, 1.0])
A = np.zeros((7, 7))
A[1, 0] = 1 / 5
A[2, :2] = [3 / 40, 9 / 40]
A[3, :3] = [44 / 45, -56 / 15, 32 / 9]
A[4, :4] = [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729]
A[5, :5] = [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656]
A[6, :6] = [35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84]
# 5th-order weights are row 6 of A (first same as last); error = 5th - 4th order weights.
E = np.array([71 / 57600, 0.0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40])
# Dense output coefficients (DOPRI5 ``contd5``).
D = np.array([-12715105075 / 11282082432, 0.0, 87487479700 / 32700410799,
              -10690763975 / 1880347072, 701980252875 / 199316789632,
              -1453857185 / 822651844, 69997945 / 29380423])
ORDER = 5
SAFETY = 0.9
MIN_FACTOR = 0.2
MAX_FACTOR = 5.0


@jit_borrow
def stage_state(y: np.ndarray, h: float, k: np.ndarray, stage: int, out: np.ndarray) -> None:
    """State at which stage ``stage`` (1..6) is evaluated: y + h sum_j A[stage, j] k_j."""
    for i in range(y.size):
        acc = 0.0
        for j in range(stage):
            acc += A[stage, j] * k[j, i]
        out[i] = y[i] + h * acc


@jit_borrow
def error_norm(y0: np.ndarray, y1: np.ndarray, h: float, k: np.ndarray,
               rtol: float, atol: np.ndarray) -> float:
    """RMS of the local error estimate scaled by atol + rtol max(|y0|, |y1|)."""
    total = 0.0
    n = y0.size
    for i in range(n):
        err = 0.0
        for j in range(7):
            err += E[j] * k[j, i]
        sc = atol[i] + rtol * max(abs(y0[i]), abs(y1[i]))
        r = h * err / sc
        total += r * r
    return math.sqrt(total / n)


@jit
def step_factor(err: float) -> float:
    """Factor for the next step size from a scaled error norm (elementary controller)."""
    if err == 0.0:
        return MAX_FACTOR
    f = SAFETY * err ** (-1.0 / ORDER)
    return min(MAX_FACTOR, max(MIN_FACTOR, f))


@jit_borrow
def dense_prepare(y0: np.ndarray, y1: np.ndarray, h: float, k: np.ndarray,
                  rc: np.ndarray) -> None:
    """Coefficients ``rc`` (5 x n) of the continuous extension over a step of size ``h``."""
    for i in range(y0.size):
        dy = y1[i] - y0[i]
        bspl = h * k[0, i] - dy
        rc[0, i] = y0[i]
        rc[1, i] = dy
        rc[2, i] = bspl
        rc[3, i] = dy - h * k[6, i] - bspl
        acc = 0.0
        for j in range(7):
            acc += D[j] * k[j, i]
        rc[4, i] = h * acc


@jit_borrow
def dense_eval(rc: np.ndarray, theta: float, out: np.ndarray) -> None:
    """State at fraction ``theta`` in [0, 1] of the step described by ``rc``."""
    t1 = 1.0 - theta
    for i in range(out.size):
        out[i] = rc[0, i] + theta * (rc[1, i] + t1 * (rc[2, i] + theta * (rc[3, i]
                                                                         + t1 * rc[4, i])))


@jit
def secant_root(ta: float, ga: float, tb: float, gb: float) -> float:
    """Where the line through (ta, ga) and (tb, gb) crosses zero (``ga gb < 0``): inside
    [ta, tb] but for rounding, which may put it on an end or just past one."""
    return tb - gb * (tb - ta) / (gb - ga)


@jit
def secant_inside(ta: float, ga: float, tb: float, gb: float, margin: float) -> float:
    """The next trial point of a root search on the bracket [ta, tb] (ta < tb, ga gb < 0):
    the secant's root, kept ``margin`` inside the bracket. A secant that rounding puts on
    an end (the root within rounding of it) then lands just past the root and closes the
    bracket, where the middle would start a bisection (measured: 30 evaluations for the
    V-2's depletion, whose event function is linear in time). The values must be finite."""
    return min(max(secant_root(ta, ga, tb, gb), ta + margin), tb - margin)


@jit
def illinois_next(ta: float, ga: float, tb: float, gb: float) -> float:
    """Next trial point of a regula-falsi iteration on the bracket [ta, tb] (ga gb < 0):
    the secant's root, or the middle when rounding puts that on or past an end."""
    t = secant_root(ta, ga, tb, gb)
    lo, hi = min(ta, tb), max(ta, tb)
    if not (lo < t < hi):
        t = 0.5 * (ta + tb)
    return t


@jit
def illinois_update(ta: float, ga: float, tb: float, gb: float, tm: float, gm: float,
                    side: int) -> tuple[float, float, float, float, int]:
    """The bracket [ta, tb] (values ``ga``, ``gb`` of opposite signs) after the trial point
    ``tm`` (value ``gm``, not 0) replaces the end of its sign; the end kept twice running
    has its value halved (Illinois). ``side`` is -1 or 1 for the end replaced last (0: none
    yet), returned updated."""
    if (gm > 0.0) == (gb > 0.0):
        if side == -1:
            ga *= 0.5
        return ta, ga, tm, gm, -1
    if side == 1:
        gb *= 0.5
    return tm, gm, tb, gb, 1


@jit
def crossed(g0: float, g1: float, direction: int) -> bool:
    """Whether an event function went from ``g0`` to ``g1`` through zero in ``direction``."""
    if direction >= 0 and g0 < 0.0 <= g1:
        return True
    return direction <= 0 and g0 > 0.0 >= g1
