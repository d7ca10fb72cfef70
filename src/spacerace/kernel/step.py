"""One step of the flight loop: Dormand-Prince stages, accepting a step, locating the events
crossed in it and ending a phase exactly on the step's own solution (compiled).

Every function takes the flight's arrays (``p``, ``ph``, ``cd_mach``, ``cd_val``, ``tab``;
layouts in ``spacerace.kernel.layout``) and scratch arrays from the loop (``ys``, ``acc``,
``diag``, ``g``), and allocates nothing.
"""

from __future__ import annotations

import numpy as np

from spacerace._jit import jit, jit_borrow
from spacerace.kernel.dynamics import forces, rhs
from spacerace.kernel.events import EVENT_DIRECTION, EVENT_ENDS, N_EVENTS, event_values
from spacerace.kernel.integrate import (
    C,
    crossed,
    dense_eval,
    illinois_next,
    illinois_update,
    secant_inside,
    stage_state,
)

# Events are located to EVENT_TOL_REL seconds per second of flight time (1e-10 s at liftoff,
# 1e-6 s ten thousand seconds later), plus EVENT_TOL_STEP of the step, so that the tolerance
# stays above the rounding of the time itself.
EVENT_TOL_REL = 1e-10  # [-]
EVENT_TOL_STEP = 1e-12  # [-]
ROOT_ITERATIONS = 80  # most Illinois or secant iterations for one root [-]
# Finite-difference step of an event function's slope, as a fraction of the step [-].
SLOPE_STEP = 1e-6


@jit_borrow
def copy_state(src: np.ndarray, dst: np.ndarray) -> None:
    """Copy a state element by element (an array assignment makes numba compile a shape
    check with its error message into every caller: measured, 3.5 s of a cold start)."""
    for j in range(src.size):
        dst[j] = src[j]


@jit
def event_tolerance(t: float, h: float) -> float:
    """Tolerance [s] to which a root is located at time ``t`` [s] in a step ``h`` [s]."""
    return EVENT_TOL_REL * (1.0 + abs(t)) + EVENT_TOL_STEP * h


@jit_borrow
def event_at(theta: float, rc: np.ndarray, t: float, p: np.ndarray, ph: np.ndarray,
              cd_mach: np.ndarray, cd_val: np.ndarray, tab: np.ndarray,
              ys: np.ndarray, acc: np.ndarray, diag: np.ndarray,
              g: np.ndarray) -> None:
    """Event functions at fraction ``theta`` of the step (dense state left in ``ys``)."""
    dense_eval(rc, theta, ys)
    forces(t, ys, p, ph, cd_mach, cd_val, tab, acc, diag, True)
    event_values(t, ys, p, ph, diag, g)


@jit_borrow
def locate(code: int, t0: float, h: float, g0: float, g1: float, t_stop: float,
            rc: np.ndarray, p: np.ndarray, ph: np.ndarray, cd_mach: np.ndarray,
            cd_val: np.ndarray, tab: np.ndarray, ys: np.ndarray, acc: np.ndarray,
            diag: np.ndarray, g: np.ndarray) -> float:
    """Root of event ``code`` inside the step [t0, t0 + h] by the Illinois method.

    Returns inf as soon as the root is known to come after ``t_stop`` [s], where it no
    longer matters. Each trial point keeps half the tolerance away from the bracket's ends,
    so that a root at one end (an event function linear in time) closes the bracket at once.
    """
    ta, ga, tb, gb = t0, g0, t0 + h, g1
    if gb == 0.0:
        return tb  # the step ends on the root (a step cut to a time the event names)
    side = 0
    tol = event_tolerance(t0, h)
    for _ in range(ROOT_ITERATIONS):
        if abs(tb - ta) <= tol:
            break
        if ta > t_stop:
            return np.inf
        # finite values: an infinite event function never counts as crossed
        tm = secant_inside(ta, ga, tb, gb, 0.5 * tol)
        event_at((tm - t0) / h, rc, tm, p, ph, cd_mach, cd_val, tab,
                  ys, acc, diag, g)
        gm = g[code]
        if gm == 0.0:
            return tm
        ta, ga, tb, gb, side = illinois_update(ta, ga, tb, gb, tm, gm, side)
    return tb


@jit_borrow
def step_roots(t: float, h: float, g_prev: np.ndarray, g_new: np.ndarray, rc: np.ndarray,
                p: np.ndarray, ph: np.ndarray, cd_mach: np.ndarray, cd_val: np.ndarray,
                tab: np.ndarray, ys: np.ndarray, acc: np.ndarray, diag: np.ndarray,
                g: np.ndarray, guess: np.ndarray, roots: np.ndarray) -> tuple[int, float, int]:
    """Roots of the events crossed in the step [t, t + h] that come before its end.

    The crossings that end something are located first, in the order of their secant
    guesses, then the others; each only as far as it can still come before the earliest
    end found (the roots after it are left at inf in ``roots``; ``guess`` is scratch).
    Returns what that end ends (0 nothing, 1 the phase, 2 the flight), its time [s] and the
    event that makes it (-1: none).
    """
    t_end = t + h
    ends = 0
    e_end = -1
    for e in range(N_EVENTS):
        roots[e] = np.inf
        guess[e] = np.inf
        if crossed(g_prev[e], g_new[e], EVENT_DIRECTION[e]):
            guess[e] = illinois_next(t, g_prev[e], t + h, g_new[e])
            if EVENT_ENDS[e] == 0:
                guess[e] += 2.0 * h  # after every crossing that ends something
    while True:
        e = int(np.argmin(guess))
        if guess[e] == np.inf:
            break
        guess[e] = np.inf
        root = locate(e, t, h, g_prev[e], g_new[e], t_end, rc, p, ph, cd_mach, cd_val,
                       tab, ys, acc, diag, g)
        if root > t_end:
            continue
        roots[e] = root
        if EVENT_ENDS[e] > 0:
            if root < t_end or EVENT_ENDS[e] > ends:
                ends, e_end = EVENT_ENDS[e], e
            t_end = root
    return ends, t_end, e_end


@jit_borrow
def stages(t: float, h: float, y: np.ndarray, k: np.ndarray, last: int, p: np.ndarray,
            ph: np.ndarray, cd_mach: np.ndarray, cd_val: np.ndarray, tab: np.ndarray,
            ys: np.ndarray, acc: np.ndarray, diag: np.ndarray) -> None:
    """Stages 1 .. ``last`` of a step ``h`` from ``(t, y)`` into ``k`` (``k[0]`` given).

    ``ys`` is left at the state of stage ``last``; stage 6, the step's end, also leaves the
    diagnostics the event functions need in ``diag``.
    """
    for s in range(1, last + 1):
        stage_state(y, h, k, s, ys)
        rhs(t + C[s] * h, ys, p, ph, cd_mach, cd_val, tab, k[s], acc, diag, s == 6)


@jit_borrow
def accept(y: np.ndarray, y1: np.ndarray, g_prev: np.ndarray, g_new: np.ndarray,
            k: np.ndarray) -> None:
    """Move to the end of an accepted step: state, event values and derivative (FSAL)."""
    for i in range(y.size):
        y[i] = y1[i]
        k[0, i] = k[6, i]
    for e in range(g_prev.size):
        g_prev[e] = g_new[e]


@jit_borrow
def step_to(t: float, h: float, y: np.ndarray, k: np.ndarray, p: np.ndarray, ph: np.ndarray,
             cd_mach: np.ndarray, cd_val: np.ndarray, tab: np.ndarray, ys: np.ndarray,
             acc: np.ndarray, diag: np.ndarray, out: np.ndarray) -> None:
    """State at ``t + h`` by one step from ``(t, y)``, into ``out``.

    ``k[0]`` must hold the derivative at ``y``; the other stages are overwritten. Used to
    end a phase inside an accepted step: the continuous extension there is one order lower
    than the step's own solution.
    """
    stages(t, h, y, k, 5, p, ph, cd_mach, cd_val, tab, ys, acc, diag)
    stage_state(y, h, k, 6, out)  # the 5th-order solution (first same as last)


@jit_borrow
def event_after_step(code: int, t: float, h: float, y: np.ndarray, k: np.ndarray,
                      p: np.ndarray, ph: np.ndarray, cd_mach: np.ndarray, cd_val: np.ndarray,
                      tab: np.ndarray, ys: np.ndarray, acc: np.ndarray, diag: np.ndarray,
                      g: np.ndarray, out: np.ndarray) -> float:
    """Event function ``code`` at the state one step ``h`` from ``(t, y)`` (left in ``out``)."""
    step_to(t, h, y, k, p, ph, cd_mach, cd_val, tab, ys, acc, diag, out)
    forces(t + h, out, p, ph, cd_mach, cd_val, tab, acc, diag, True)
    event_values(t + h, out, p, ph, diag, g)
    return g[code]


@jit_borrow
def end_on_steps(code: int, t: float, h: float, t_root: float, rc: np.ndarray, y: np.ndarray,
                  k: np.ndarray, p: np.ndarray, ph: np.ndarray, cd_mach: np.ndarray,
                  cd_val: np.ndarray, tab: np.ndarray, ys: np.ndarray, acc: np.ndarray,
                  diag: np.ndarray, g: np.ndarray, out: np.ndarray) -> float:
    """Time [s] where event ``code`` ends the phase, and the state there (into ``out``).

    The root found on the continuous extension of the step [t, t + h] (``t_root``), which
    is one order below the step's own solution, is refined by Newton's method with the
    extension's slope, then secants, on steps from ``(t, y)``: the phase ends where the
    solution itself meets the event (``k[0]`` must hold the derivative at ``y``; the other
    stages are overwritten). An event function that the extension already meets exactly
    (a time, or a mass falling linearly) costs one step.
    """
    tol = event_tolerance(t, t_root - t)
    ta = t_root
    ga = event_after_step(code, t, ta - t, y, k, p, ph, cd_mach, cd_val, tab, ys, acc, diag,
                           g, out)
    if ga == 0.0:
        return ta
    dt = max(tol, SLOPE_STEP * (ta - t))
    event_at((ta - t) / h, rc, ta, p, ph, cd_mach, cd_val, tab, ys, acc, diag, g)
    g1 = g[code]
    event_at((ta - dt - t) / h, rc, ta - dt, p, ph, cd_mach, cd_val, tab, ys, acc, diag, g)
    slope = (g1 - g[code]) / dt
    if slope == 0.0:
        return ta
    tb = ta - ga / slope
    if abs(tb - ta) <= tol:
        return ta  # ``out`` holds the state at ``ta``
    for _ in range(ROOT_ITERATIONS):
        gb = event_after_step(code, t, tb - t, y, k, p, ph, cd_mach, cd_val, tab, ys, acc,
                               diag, g, out)
        if gb == 0.0 or gb == ga:
            return tb
        tn = tb - gb * (tb - ta) / (gb - ga)
        if abs(tn - tb) <= tol:
            return tb  # ``out`` holds the state at ``tb``, within the tolerance of the root
        ta, ga, tb = tb, gb, tn
    return ta  # the last point stepped to, whose state is in ``out``


@jit_borrow
def sample(out_t: np.ndarray, out_y: np.ndarray, out_phase: np.ndarray, n_out: int, t: float,
            y: np.ndarray, iph: int) -> bool:
    """Write one output sample at index ``n_out``; False if the buffer is full."""
    if n_out >= out_t.size:
        return False
    out_t[n_out] = t
    for j in range(y.size):
        out_y[n_out, j] = y[j]
    out_phase[n_out] = iph
    return True
