"""Linear interpolation in small tables, for use inside the compiled kernel."""

from __future__ import annotations

import numpy as np

from spacerace._jit import jit, jit_borrow


@jit_borrow
def interp_rows(x: float, xs: np.ndarray, i: int, ys: np.ndarray, j: int) -> float:
    """Interpolate linearly in row ``i`` of ``xs`` against row ``j`` of ``ys``; hold the ends.

    The rows are read in place: in compiled code a row taken out as an array is a new
    reference, and counting references (atomically) costs more than the interpolation.
    Each row of ``xs`` must be non-decreasing; repeated trailing entries (padding) are
    allowed.
    """
    n = xs.shape[1]
    if x <= xs[i, 0]:
        return ys[j, 0]
    if x >= xs[i, n - 1]:
        return ys[j, n - 1]
    k = 0
    while xs[i, k + 1] < x:
        k += 1
    dx = xs[i, k + 1] - xs[i, k]
    if dx <= 0.0:
        return ys[j, k + 1]
    return ys[j, k] + (x - xs[i, k]) / dx * (ys[j, k + 1] - ys[j, k])


@jit
def interp_clamped(x: float, xs: np.ndarray, ys: np.ndarray) -> float:
    """Interpolate linearly in ``(xs, ys)``; hold the end values outside the table.

    ``xs`` must be non-decreasing; repeated trailing entries (padding) are allowed.
    """
    xs2 = np.ascontiguousarray(xs).reshape((1, xs.size))
    ys2 = np.ascontiguousarray(ys).reshape((1, ys.size))
    return interp_rows(x, xs2, 0, ys2, 0)
