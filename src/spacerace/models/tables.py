"""Linear interpolation in small tables, for use inside the compiled kernel."""

from __future__ import annotations

import numpy as np

from spacerace._jit import jit


@jit
def interp_clamped(x: float, xs: np.ndarray, ys: np.ndarray) -> float:
    """Interpolate linearly in ``(xs, ys)``; hold the end values outside the table.

    ``xs`` must be non-decreasing; repeated trailing entries (padding) are allowed.
    """
    n = xs.size
    if x <= xs[0]:
        return ys[0]
    if x >= xs[n - 1]:
        return ys[n - 1]
    i = 0
    while xs[i + 1] < x:
        i += 1
    dx = xs[i + 1] - xs[i]
    if dx <= 0.0:
        return ys[i + 1]
    return ys[i] + (x - xs[i]) / dx * (ys[i + 1] - ys[i])
