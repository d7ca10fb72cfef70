"""The one solver of the aims: Newton's method on a few values, each trial a flight.

The Jacobian is either computed by finite differences at each iteration (the Moon aim, whose
three residuals are coupled and bend) or is diagonal, estimated once, with the slopes chosen
updated by the secant through the last two trials (the range aim's cut-off, the inclination
aim's azimuth), so that an aim costs few flights: one per iteration. (A full Broyden update
was tried on the range aim: the Earth's turn couples range and azimuth, and its updates sent
the R-7's aim astray.) Steps are limited, may be kept inside a bracket, and halved until the
residual shrinks.

References
----------
Dennis, J. E. & Schnabel, R. B., Numerical Methods for Unconstrained Optimization and
Nonlinear Equations (1983), sec. 2.6 (the secant method) and sec. 6.3 (backtracking).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Solution:
    """What ``solve`` found: the values, their residual, the trials and whether the target is
    met."""

    x: np.ndarray
    f: np.ndarray
    trials: int
    converged: bool


def solve(residual: Callable[[np.ndarray], np.ndarray], x0: np.ndarray, *,
          max_trials: int, steps: np.ndarray | None = None,
          jacobian: np.ndarray | Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
          secant: np.ndarray | None = None,
          limit: np.ndarray | None = None,
          weight: np.ndarray | None = None,
          keep: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray] | None = None,
          halvings: int = 0, done: Callable[[np.ndarray], bool] | None = None) -> Solution:
    """Newton's method on residuals, met when each is below 1 (or when ``done`` says so).

    Parameters
    ----------
    residual : callable
        x -> scaled residuals (each trial a flight).
    x0 : ndarray
        First values.
    max_trials : int
        Most calls of ``residual``.
    steps : ndarray, optional
        Finite-difference steps: the Jacobian is computed afresh at each iteration.
    jacobian : ndarray or callable, optional
        Without ``steps``: the diagonal of a first estimate of the Jacobian, or a function
        (x0, f at x0) -> that diagonal; the Newton step is then -f / diagonal.
    secant : ndarray of bool, optional
        Which of its slopes are updated by the secant after each step (default: all).
    limit : ndarray, optional
        Largest change of each value in one step.
    weight : ndarray, optional
        Scale of each value: with fewer residuals than values, the least weighed change.
    keep : callable, optional
        (x, proposed x, f at x) -> the step's end, e.g. kept inside a bracket.
    halvings : int
        Halve a step up to this many times until the residual's norm shrinks.
    done : callable, optional
        f -> whether the target is met (default: every residual below 1 in size).
    """
    met = done or (lambda f: bool(np.all(np.abs(f) < 1.0)))
    x = np.asarray(x0, dtype=float).copy()
    f = residual(x)
    trials = 1
    diag = (None if jacobian is None else
            np.array(jacobian(x, f) if callable(jacobian) else jacobian, dtype=float))
    w = np.ones(x.size) if weight is None else weight
    while not met(f) and trials < max_trials:
        if steps is not None:
            jac = np.empty((f.size, x.size))
            for j, h in enumerate(steps):
                xj = x.copy()
                xj[j] += h
                jac[:, j] = (residual(xj) - f) / h
            trials += x.size
            dx = -np.linalg.lstsq(jac * w, f, rcond=None)[0] * w
        else:
            assert diag is not None
            dx = -f / diag
        if limit is not None:
            dx = np.clip(dx, -limit, limit)
        x_new = x + dx if keep is None else keep(x, x + dx, f)
        if np.array_equal(x_new, x):
            break  # kept where it stands (at a bound): flying it again would change nothing
        for _ in range(max(halvings, 1)):
            f_new = residual(x_new)
            trials += 1
            if not halvings or np.linalg.norm(f_new) < np.linalg.norm(f):
                break
            x_new = x + (x_new - x) / 2
        else:
            break  # no step along this direction helps: stuck
        if diag is not None:
            for j in range(x.size):
                if (secant is None or secant[j]) and x_new[j] != x[j]:
                    diag[j] = (f_new[j] - f[j]) / (x_new[j] - x[j])
        x, f = x_new, f_new
    return Solution(x, f, trials, met(f))
