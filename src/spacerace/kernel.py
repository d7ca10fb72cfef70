"""The compiled flight loop: integrate a sequence of phases, locate events, sample output.

``run`` takes only floats and arrays (see ``spacerace.dynamics`` for their layout), writes into
caller-allocated output arrays, allocates nothing per step and returns a status code; a bad
sample in a batch gives a status, not an exception (the sgp4 ``SGP4_ERRORS`` idea).
"""

from __future__ import annotations

import math

import numpy as np

from spacerace._jit import jit, jit_borrow, jit_parallel, prange
from spacerace.dynamics import (
    D_ACCEL,
    D_ALT,
    D_LAT,
    D_LON,
    D_VREL,
    EV_APOGEE,
    EV_CUTOFF_ENERGY,
    EV_CUTOFF_RANGE,
    EV_CUTOFF_SPEED,
    EV_CUTOFF_TIME,
    EV_DEPLETION,
    EV_IMPACT,
    EVENT_DIRECTION,
    EVENT_ENDS,
    MODE_HOLD_HORIZONTAL,
    N_DIAG,
    N_EVENTS,
    N_STATE,
    P_OMEGA,
    P_THETA0,
    PH_A_EXIT,
    PH_BURN,
    PH_CURVE,
    PH_DROP,
    PH_DROP_MASK,
    PH_F_VAC,
    PH_HOLD,
    PH_M_EMPTY,
    PH_MDOT,
    PH_MODE,
    PH_PLANE,
    PH_T_END,
    PH_T_START,
    PH_THROTTLE,
    PH_YAW,
    STG_A_EXIT,
    STG_CURVE,
    STG_DRY,
    STG_F_VAC,
    STG_MDOT,
    STG_PROP,
    event_values,
    forces,
    rhs,
)
from spacerace.integrate import (
    C,
    crossed,
    dense_eval,
    dense_prepare,
    error_norm,
    illinois_next,
    stage_state,
    step_factor,
)
from spacerace.models.earth import geodetic_from_ecef, vincenty_distance

STATUS_IMPACT = 0
STATUS_PHASES_DONE = 1
STATUS_TIME_LIMIT = 2
STATUS_STEP_LIMIT = 3
STATUS_STEP_UNDERFLOW = 4
STATUS_BUFFER_FULL = 5
# Set by the closed-loop guidance around the kernel (packing), not by the kernel itself.
STATUS_GUIDANCE_GROUND = 6
STATUS_GUIDANCE_SHORT = 7
STATUS_MESSAGES = {
    STATUS_IMPACT: "impact",
    STATUS_PHASES_DONE: "all phases flown",
    STATUS_TIME_LIMIT: "time limit reached",
    STATUS_STEP_LIMIT: "too many integration steps",
    STATUS_STEP_UNDERFLOW: "step size underflow (the equations became stiff or singular)",
    STATUS_BUFFER_FULL: "output buffer full",
    STATUS_GUIDANCE_GROUND: "the closed-loop guidance steered the vehicle into the ground",
    STATUS_GUIDANCE_SHORT: "the closed-loop burn ran out of propellant before its target orbit",
}
MAX_STEPS = 200_000
ROOT_ITERATIONS = 80


@jit_borrow
def _event_at(theta: float, rc: np.ndarray, t: float, p: np.ndarray, ph: np.ndarray,
              cd_mach: np.ndarray, cd_val: np.ndarray, tab: np.ndarray,
              ys: np.ndarray, acc: np.ndarray, diag: np.ndarray,
              g: np.ndarray) -> None:
    """Event functions at fraction ``theta`` of the step (dense state left in ``ys``)."""
    dense_eval(rc, theta, ys)
    forces(t, ys, p, ph, cd_mach, cd_val, tab, acc, diag, True)
    event_values(t, ys, p, ph, diag, g)


@jit_borrow
def _locate(code: int, t0: float, h: float, g0: float, g1: float, t_stop: float,
            rc: np.ndarray, p: np.ndarray, ph: np.ndarray, cd_mach: np.ndarray,
            cd_val: np.ndarray, tab: np.ndarray, ys: np.ndarray, acc: np.ndarray,
            diag: np.ndarray, g: np.ndarray) -> float:
    """Root of event ``code`` inside the step [t0, t0 + h] by the Illinois method.

    Returns inf as soon as the root is known to come after ``t_stop`` [s], where it no
    longer matters. Each trial point keeps half the tolerance away from the bracket's ends,
    so that a root at one end (an event function linear in time) closes the bracket at once.
    """
    ta, ga, tb, gb = t0, g0, t0 + h, g1
    side = 0
    tol = 1e-10 * (1.0 + abs(t0)) + 1e-12 * h
    for _ in range(ROOT_ITERATIONS):
        if abs(tb - ta) <= tol:
            break
        if ta > t_stop:
            return np.inf
        tm = min(max(illinois_next(ta, ga, tb, gb), ta + 0.5 * tol), tb - 0.5 * tol)
        _event_at((tm - t0) / h, rc, tm, p, ph, cd_mach, cd_val, tab,
                  ys, acc, diag, g)
        gm = g[code]
        if gm == 0.0:
            return tm
        if (gm > 0.0) == (gb > 0.0):
            tb, gb = tm, gm
            if side == -1:
                ga *= 0.5
            side = -1
        else:
            ta, ga = tm, gm
            if side == 1:
                gb *= 0.5
            side = 1
    return tb


@jit_borrow
def _step_roots(t: float, h: float, g_prev: np.ndarray, g_new: np.ndarray, rc: np.ndarray,
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
        root = _locate(e, t, h, g_prev[e], g_new[e], t_end, rc, p, ph, cd_mach, cd_val,
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
def _stages(t: float, h: float, y: np.ndarray, k: np.ndarray, last: int, p: np.ndarray,
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
def _accept(y: np.ndarray, y1: np.ndarray, g_prev: np.ndarray, g_new: np.ndarray,
            k: np.ndarray) -> None:
    """Move to the end of an accepted step: state, event values and derivative (FSAL)."""
    for i in range(y.size):
        y[i] = y1[i]
        k[0, i] = k[6, i]
    for e in range(g_prev.size):
        g_prev[e] = g_new[e]


@jit_borrow
def _step_to(t: float, h: float, y: np.ndarray, k: np.ndarray, p: np.ndarray, ph: np.ndarray,
             cd_mach: np.ndarray, cd_val: np.ndarray, tab: np.ndarray, ys: np.ndarray,
             acc: np.ndarray, diag: np.ndarray, out: np.ndarray) -> None:
    """State at ``t + h`` by one step from ``(t, y)``, into ``out``.

    ``k[0]`` must hold the derivative at ``y``; the other stages are overwritten. Used to
    end a phase inside an accepted step: the continuous extension there is one order lower
    than the step's own solution.
    """
    _stages(t, h, y, k, 5, p, ph, cd_mach, cd_val, tab, ys, acc, diag)
    stage_state(y, h, k, 6, out)  # the 5th-order solution (first same as last)


@jit_borrow
def _event_after_step(code: int, t: float, h: float, y: np.ndarray, k: np.ndarray,
                      p: np.ndarray, ph: np.ndarray, cd_mach: np.ndarray, cd_val: np.ndarray,
                      tab: np.ndarray, ys: np.ndarray, acc: np.ndarray, diag: np.ndarray,
                      g: np.ndarray, out: np.ndarray) -> float:
    """Event function ``code`` at the state one step ``h`` from ``(t, y)`` (left in ``out``)."""
    _step_to(t, h, y, k, p, ph, cd_mach, cd_val, tab, ys, acc, diag, out)
    forces(t + h, out, p, ph, cd_mach, cd_val, tab, acc, diag, True)
    event_values(t + h, out, p, ph, diag, g)
    return g[code]


@jit_borrow
def _end_on_steps(code: int, t: float, h: float, t_root: float, rc: np.ndarray, y: np.ndarray,
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
    tol = 1e-10 * (1.0 + abs(t)) + 1e-12 * (t_root - t)
    ta = t_root
    ga = _event_after_step(code, t, ta - t, y, k, p, ph, cd_mach, cd_val, tab, ys, acc, diag,
                           g, out)
    if ga == 0.0:
        return ta
    dt = max(tol, 1e-6 * (ta - t))
    _event_at((ta - t) / h, rc, ta, p, ph, cd_mach, cd_val, tab, ys, acc, diag, g)
    g1 = g[code]
    _event_at((ta - dt - t) / h, rc, ta - dt, p, ph, cd_mach, cd_val, tab, ys, acc, diag, g)
    slope = (g1 - g[code]) / dt
    if slope == 0.0:
        return ta
    tb = ta - ga / slope
    if abs(tb - ta) <= tol:
        return ta  # ``out`` holds the state at ``ta``
    for _ in range(ROOT_ITERATIONS):
        gb = _event_after_step(code, t, tb - t, y, k, p, ph, cd_mach, cd_val, tab, ys, acc,
                               diag, g, out)
        if gb == 0.0 or gb == ga:
            return tb
        tn = tb - gb * (tb - ta) / (gb - ga)
        if abs(tn - tb) <= tol:
            return tb  # ``out`` holds the state at ``tb``, within the tolerance of the root
        ta, ga, tb = tb, gb, tn
    return ta  # the last point stepped to, whose state is in ``out``


@jit_borrow
def _sample(out_t: np.ndarray, out_y: np.ndarray, out_phase: np.ndarray, n_out: int, t: float,
            y: np.ndarray, iph: int) -> bool:
    """Write one output sample at index ``n_out``; False if the buffer is full."""
    if n_out >= out_t.size:
        return False
    out_t[n_out] = t
    for j in range(y.size):
        out_y[n_out, j] = y[j]
    out_phase[n_out] = iph
    return True


@jit_borrow
def begin_phase(t: float, y: np.ndarray, p: np.ndarray, ph: np.ndarray, stg: np.ndarray,
                prop_left: np.ndarray, tab: np.ndarray) -> None:
    """Set up a phase at time ``t``: separate stages, light engines, fix held directions.

    Writes the working columns of the phase row (``PH_F_VAC`` ... ``PH_PLANE``) and drops the
    separated stages' dry mass and unburnt propellant from ``y``.
    """
    drop = int(ph[PH_DROP_MASK])
    for k in range(stg.shape[0]):
        if (drop >> k) & 1:
            y[6] -= stg[k, STG_DRY] + prop_left[k]
            prop_left[k] = 0.0
    y[6] -= ph[PH_DROP]
    burn = int(ph[PH_BURN])
    f, mdot, area, t_dry = 0.0, 0.0, 0.0, np.inf
    curve, n_burn, solid_prop = -1.0, 0, 0.0
    thr = ph[PH_THROTTLE]
    for k in range(stg.shape[0]):
        if (burn >> k) & 1 and prop_left[k] > 0.0 and thr > 0.0:
            n_burn += 1
            f += stg[k, STG_F_VAC]
            mdot += stg[k, STG_MDOT]
            area += stg[k, STG_A_EXIT]
            if stg[k, STG_CURVE] >= 0.0:
                curve = stg[k, STG_CURVE]
                solid_prop = prop_left[k]
            else:
                t_dry = min(t_dry, prop_left[k] / (stg[k, STG_MDOT] * thr))
    ph[PH_F_VAC], ph[PH_MDOT], ph[PH_A_EXIT] = f, mdot, area
    ph[PH_T_START] = t
    ph[PH_CURVE] = curve if n_burn == 1 else -1.0
    if n_burn == 0:
        ph[PH_M_EMPTY] = -1.0
    elif ph[PH_CURVE] >= 0.0:
        row = int(curve)
        ph[PH_M_EMPTY] = y[6] - solid_prop
        ph[PH_T_END] = min(ph[PH_T_END], t + tab[row, tab.shape[1] - 1])
    else:
        ph[PH_M_EMPTY] = y[6] - mdot * thr * t_dry
    # held direction: the inertial velocity, or its horizontal part
    r = np.sqrt(y[0] * y[0] + y[1] * y[1] + y[2] * y[2])
    vx, vy, vz = y[3], y[4], y[5]
    if ph[PH_MODE] == MODE_HOLD_HORIZONTAL:
        vr = (vx * y[0] + vy * y[1] + vz * y[2]) / r
        vx, vy, vz = vx - vr * y[0] / r, vy - vr * y[1] / r, vz - vr * y[2] / r
    v = np.sqrt(vx * vx + vy * vy + vz * vz)
    if v > 0.0:
        ph[PH_HOLD], ph[PH_HOLD + 1], ph[PH_HOLD + 2] = vx / v, vy / v, vz / v
    if ph[PH_PLANE] == 0.0 and ph[PH_PLANE + 1] == 0.0 and ph[PH_PLANE + 2] == 0.0:
        nx = y[1] * y[5] - y[2] * y[4]
        ny = y[2] * y[3] - y[0] * y[5]
        nz = y[0] * y[4] - y[1] * y[3]
        nn = np.sqrt(nx * nx + ny * ny + nz * nz)
        if nn > 0.0:
            nx, ny, nz = nx / nn, ny / nn, nz / nn
            # yaw: n' = n cos(psi) - (n x u) sin(psi) turns the downrange direction n' x u
            # towards n, to the left of the flight
            ux, uy, uz = y[0] / r, y[1] / r, y[2] / r
            hx, hy, hz = ny * uz - nz * uy, nz * ux - nx * uz, nx * uy - ny * ux
            c, s = np.cos(ph[PH_YAW]), np.sin(ph[PH_YAW])
            ph[PH_PLANE], ph[PH_PLANE + 1], ph[PH_PLANE + 2] = (c * nx - s * hx, c * ny - s * hy,
                                                                c * nz - s * hz)


@jit_borrow
def end_phase(t: float, ph: np.ndarray, stg: np.ndarray, prop_left: np.ndarray,
              m_start: float, m_end: float) -> None:
    """Book the propellant each burning stage used during the phase."""
    burn = int(ph[PH_BURN])
    dt = t - ph[PH_T_START]
    for k in range(stg.shape[0]):
        if (burn >> k) & 1 and prop_left[k] > 0.0 and ph[PH_THROTTLE] > 0.0:
            if ph[PH_CURVE] >= 0.0:
                used = m_start - m_end
            else:
                used = stg[k, STG_MDOT] * ph[PH_THROTTLE] * dt
            prop_left[k] = max(prop_left[k] - used, 0.0)
            if prop_left[k] < 1e-6 * stg[k, STG_PROP]:
                prop_left[k] = 0.0


@jit
def run(y: np.ndarray, clock: np.ndarray, iph0: int, iph1: int, t_max: float, p: np.ndarray,
        phases: np.ndarray, stg: np.ndarray, prop_left: np.ndarray,
        cd_mach: np.ndarray, cd_val: np.ndarray, tab: np.ndarray,
        rtol: float, atol: np.ndarray, h_max: float, dt_out: float,
        out_t: np.ndarray, out_y: np.ndarray, out_phase: np.ndarray,
        ev_t: np.ndarray, ev_code: np.ndarray, ev_dir: np.ndarray, ev_phase: np.ndarray,
        ev_y: np.ndarray) -> tuple[int, int, int]:
    """Fly phases ``iph0 .. iph1 - 1`` from state ``y`` at time ``clock[0]``.

    Stops at impact, after the last phase or at ``t_max``; ``y`` and ``clock[0]`` are left at
    the final state and time, ``prop_left`` at the propellant each stage has left, and the
    working columns of ``phases`` as each phase set them.

    Parameters
    ----------
    y : ndarray, shape (7,)
        State (inertial) [m, m/s, kg]; updated in place.
    clock : ndarray, shape (1,)
        Time since liftoff [s]; updated in place.
    iph0, iph1 : int
        First phase to fly and one past the last.
    t_max : float
        Time limit [s].
    p, phases, stg, cd_mach, cd_val, tab : ndarray
        Flight parameters, phase table, stage table, drag tables and the time/altitude
        tables (pitch programme, wind profile, thrust curves; see ``spacerace.dynamics``).
    prop_left : ndarray
        Propellant left in each stage [kg]; updated in place.
    rtol : float
        Relative tolerance [-].
    atol : ndarray, shape (7,)
        Absolute tolerances [m, m/s, kg].
    h_max : float
        Largest step [s].
    dt_out : float
        Output sampling interval [s]; phase boundaries and the end are sampled too.
    out_t, out_y, out_phase : ndarray
        Output samples (filled up to the returned count).
    ev_t, ev_code, ev_dir, ev_phase, ev_y : ndarray
        Located events: time, code, sign of the crossing, phase and state.

    Returns
    -------
    tuple of int
        Number of samples, number of events, status (``STATUS_*``).
    """
    n = N_STATE
    y1 = np.empty(n)
    ys = np.empty(n)
    k = np.empty((7, n))
    rc = np.empty((5, n))
    acc = np.empty(3)
    diag = np.empty(N_DIAG)
    g_prev = np.empty(N_EVENTS)
    g_new = np.empty(N_EVENTS)
    g_tmp = np.empty(N_EVENTS)
    roots = np.empty(N_EVENTS)
    guess = np.empty(N_EVENTS)
    n_out, n_ev = 0, 0
    t = clock[0]
    h = 0.05
    next_out = t
    steps = 0
    max_ev = ev_t.size
    for iph in range(iph0, iph1):
        ph = phases[iph]
        begin_phase(t, y, p, ph, stg, prop_left, tab)
        m_start = y[6]
        if not _sample(out_t, out_y, out_phase, n_out, t, y, iph):  # the phase's start
            clock[0] = t
            return n_out, n_ev, STATUS_BUFFER_FULL
        n_out += 1
        if t >= next_out:
            next_out = t + dt_out
        forces(t, y, p, ph, cd_mach, cd_val, tab, acc, diag, True)
        event_values(t, y, p, ph, diag, g_prev)
        rhs(t, y, p, ph, cd_mach, cd_val, tab, k[0], acc, diag)
        phase_over = False
        while not phase_over:
            status = -1
            if t >= t_max:
                status = STATUS_TIME_LIMIT
            steps += 1
            if steps > MAX_STEPS:
                status = STATUS_STEP_LIMIT
            h = min(h, h_max, t_max - t)
            if status < 0 and h < 1e-12 * (1.0 + abs(t)):
                status = STATUS_STEP_UNDERFLOW
            if status >= 0:
                end_phase(t, ph, stg, prop_left, m_start, y[6])
                clock[0] = t
                return n_out, n_ev, status
            # the last stage is the step's 5th-order end (first same as last)
            _stages(t, h, y, k, 6, p, ph, cd_mach, cd_val, tab, y1, acc, diag)
            err = error_norm(y, y1, h, k, rtol, atol)
            if err > 1.0:
                h *= step_factor(err)
                continue
            dense_prepare(y, y1, h, k, rc)
            event_values(t + h, y1, p, ph, diag, g_new)
            ends, t_end, e_end = _step_roots(t, h, g_prev, g_new, rc, p, ph, cd_mach, cd_val,
                                             tab, ys, acc, diag, g_tmp, guess, roots)
            t_events = t_end  # the crossings found up to here all happen in this phase
            if ends > 0:
                t_end = _end_on_steps(e_end, t, h, t_end, rc, y, k, p, ph, cd_mach, cd_val,
                                      tab, ys, acc, diag, g_tmp, y1)
                roots[e_end] = t_end
                t_events = max(t_events, t_end)
            # samples on the output grid inside the step
            while next_out < t_end:
                dense_eval(rc, (next_out - t) / h, ys)
                if not _sample(out_t, out_y, out_phase, n_out, next_out, ys, iph):
                    clock[0] = t
                    return n_out, n_ev, STATUS_BUFFER_FULL
                n_out += 1
                next_out += dt_out
            # events up to the end, in time order
            while True:
                best, tb = -1, np.inf
                for e in range(N_EVENTS):
                    if roots[e] <= t_events and roots[e] < tb:
                        best, tb = e, roots[e]
                if best < 0:
                    break
                if n_ev >= max_ev:
                    clock[0] = t
                    return n_out, n_ev, STATUS_BUFFER_FULL
                if ends > 0 and best == e_end:
                    ys[:] = y1
                else:
                    dense_eval(rc, (tb - t) / h, ys)
                ev_t[n_ev] = tb
                ev_code[n_ev] = best
                ev_dir[n_ev] = 1 if g_new[best] > g_prev[best] else -1
                ev_phase[n_ev] = iph
                ev_y[n_ev] = ys
                n_ev += 1
                roots[best] = np.inf
            if ends > 0:
                y[:] = y1
                t = t_end
                end_phase(t, ph, stg, prop_left, m_start, y[6])
                if not _sample(out_t, out_y, out_phase, n_out, t, y, iph):
                    clock[0] = t
                    return n_out, n_ev, STATUS_BUFFER_FULL
                n_out += 1
                if ends == 2:
                    clock[0] = t
                    return n_out, n_ev, STATUS_IMPACT
                phase_over = True
            else:
                t += h
                _accept(y, y1, g_prev, g_new, k)
                h *= step_factor(err)
    clock[0] = t
    return n_out, n_ev, STATUS_PHASES_DONE


@jit
def diagnose(out_t: np.ndarray, out_y: np.ndarray, out_phase: np.ndarray, p: np.ndarray,
             phases: np.ndarray, cd_mach: np.ndarray, cd_val: np.ndarray,
             tab: np.ndarray) -> np.ndarray:
    """Diagnostics (``spacerace.dynamics.D_*``) at each output sample, shape (n, N_DIAG)."""
    m = out_t.size
    out = np.empty((m, N_DIAG))
    acc = np.empty(3)
    for i in range(m):
        forces(out_t[i], out_y[i], p, phases[out_phase[i]], cd_mach, cd_val, tab, acc, out[i],
               True)
    return out


# --- trajectory table ---------------------------------------------------------------------------
# Rows of ``table_rows``: the diagnostics ``D_ALT`` .. ``D_ACCEL`` at their own indices, then:
T_X_ECEF, T_Y_ECEF = D_ACCEL + 1, D_ACCEL + 2  # Earth-fixed x and y [m]
T_SPEED_INERTIAL = D_ACCEL + 3  # [m/s]
T_FLIGHT_PATH_ANGLE = D_ACCEL + 4  # of the velocity relative to the Earth [rad]
T_HEADING = D_ACCEL + 5  # of that velocity, clockwise from north, in [0, 2 pi) [rad]
T_DOWNRANGE = D_ACCEL + 6  # from (lat0, lon0) along the ellipsoid (Vincenty; NaN: failed) [m]
N_T = D_ACCEL + 7


@jit_borrow
def _table_row(i: int, out_t: np.ndarray, out_y: np.ndarray, out_phase: np.ndarray,
               p: np.ndarray, phases: np.ndarray, cd_mach: np.ndarray, cd_val: np.ndarray,
               tab: np.ndarray, lat0: float, lon0: float, acc: np.ndarray, diag: np.ndarray,
               out: np.ndarray) -> None:
    """Column ``i`` of ``table_rows`` (``acc``, ``diag`` are scratch)."""
    y = out_y[i]
    t = out_t[i]
    forces(t, y, p, phases[out_phase[i]], cd_mach, cd_val, tab, acc, diag, False)
    for j in range(D_ACCEL + 1):
        out[j, i] = diag[j]
    w = p[P_OMEGA]
    theta = p[P_THETA0] + w * t
    c, s = math.cos(theta), math.sin(theta)
    xe, ye = c * y[0] + s * y[1], -s * y[0] + c * y[1]
    lat, lon, _ = geodetic_from_ecef(xe, ye, y[2])
    out[D_LAT, i], out[D_LON, i] = lat, lon
    out[T_X_ECEF, i], out[T_Y_ECEF, i] = xe, ye
    # the velocity relative to the Earth in Earth-fixed axes, then local east-north-up
    vx, vy, vz = y[3] + w * y[1], y[4] - w * y[0], y[5]
    ve, vn = c * vx + s * vy, -s * vx + c * vy
    sl, cl, so, co = math.sin(lat), math.cos(lat), math.sin(lon), math.cos(lon)
    east = -so * ve + co * vn
    north = -sl * co * ve - sl * so * vn + cl * vz
    up = cl * co * ve + cl * so * vn + sl * vz
    out[T_SPEED_INERTIAL, i] = math.sqrt(y[3] * y[3] + y[4] * y[4] + y[5] * y[5])
    out[T_FLIGHT_PATH_ANGLE, i] = math.atan2(up, math.hypot(east, north))
    out[T_HEADING, i] = math.atan2(east, north) % (2.0 * math.pi)
    out[T_DOWNRANGE, i] = vincenty_distance(lat0, lon0, lat, lon)


@jit
def table_rows(out_t: np.ndarray, out_y: np.ndarray, out_phase: np.ndarray, p: np.ndarray,
               phases: np.ndarray, cd_mach: np.ndarray, cd_val: np.ndarray, tab: np.ndarray,
               lat0: float, lon0: float) -> np.ndarray:
    """Derived quantities at each output sample, shape (N_T, n) (rows ``D_*`` and ``T_*``).

    ``lat0``, ``lon0`` [rad] is the point the downrange distance is measured from.
    """
    out = np.empty((N_T, out_t.size))
    acc = np.empty(3)
    diag = np.empty(N_DIAG)
    for i in range(out_t.size):
        _table_row(i, out_t, out_y, out_phase, p, phases, cd_mach, cd_val, tab, lat0, lon0,
                   acc, diag, out)
    return out


# --- batches ----------------------------------------------------------------------------------
R_STATUS, R_T_END, R_IMPACT_T, R_IMPACT_LAT, R_IMPACT_LON, R_IMPACT_SPEED = range(6)
R_APOGEE_ALT, R_CUTOFF_T, R_CUTOFF_SPEED, R_CUTOFF_ALT, R_CUTOFF_INERTIAL = range(6, 11)
R_STATE = 11  # final state, 7 values
R_CUTOFF_STATE = 18  # state at the last engine cut-off, 7 values
N_R = 25


@jit
def summarize(n_ev: int, status: int, t_end: float, y_end: np.ndarray, ev_t: np.ndarray,
              ev_code: np.ndarray, ev_phase: np.ndarray, ev_y: np.ndarray, p: np.ndarray,
              phases: np.ndarray, cd_mach: np.ndarray, cd_val: np.ndarray, tab: np.ndarray,
              out: np.ndarray) -> None:
    """Figures of one flight from its events (``R_*`` layout; NaN where there is none)."""
    out[:] = np.nan
    out[R_STATUS] = status
    out[R_T_END] = t_end
    out[R_STATE:R_STATE + N_STATE] = y_end
    acc = np.empty(3)
    diag = np.empty(N_DIAG)
    n_ph = phases.shape[0]
    for i in range(n_ev):
        code = ev_code[i]
        iph = ev_phase[i]
        ph = phases[iph]
        forces(ev_t[i], ev_y[i], p, ph, cd_mach, cd_val, tab, acc, diag, True)
        if code == EV_IMPACT:
            out[R_IMPACT_T] = ev_t[i]
            out[R_IMPACT_LAT] = diag[D_LAT]
            out[R_IMPACT_LON] = diag[D_LON]
            out[R_IMPACT_SPEED] = diag[D_VREL]
        elif code == EV_APOGEE:
            if np.isnan(out[R_APOGEE_ALT]) or diag[D_ALT] > out[R_APOGEE_ALT]:
                out[R_APOGEE_ALT] = diag[D_ALT]
        elif ((code == EV_CUTOFF_SPEED or code == EV_CUTOFF_TIME or code == EV_DEPLETION
               or code == EV_CUTOFF_ENERGY or code == EV_CUTOFF_RANGE)
              and ph[PH_THROTTLE] > 0.0
              and (iph + 1 >= n_ph or phases[iph + 1][PH_THROTTLE] == 0.0)):
            out[R_CUTOFF_T] = ev_t[i]
            out[R_CUTOFF_SPEED] = diag[D_VREL]
            out[R_CUTOFF_ALT] = diag[D_ALT]
            v = ev_y[i]
            out[R_CUTOFF_INERTIAL] = np.sqrt(v[3] * v[3] + v[4] * v[4] + v[5] * v[5])
            out[R_CUTOFF_STATE:R_CUTOFF_STATE + N_STATE] = v


@jit_parallel
def run_batch(y0s: np.ndarray, ps: np.ndarray, phases_s: np.ndarray, stgs: np.ndarray,
              cd_machs: np.ndarray, cd_vals: np.ndarray, tabs: np.ndarray, t_max: float,
              rtol: float, atol: np.ndarray, h_max: float, out: np.ndarray) -> None:
    """Fly many perturbed flights in parallel and write their figures (``R_*``) to ``out``.

    The i-th flight uses the i-th entry of every stacked input. Only the events are kept
    (no trajectory samples).
    """
    n = y0s.shape[0]
    for i in prange(n):
        out_t = np.empty(4 * phases_s.shape[1] + 8)
        out_y = np.empty((out_t.size, N_STATE))
        out_phase = np.empty(out_t.size, dtype=np.int64)
        ev_t = np.empty(64)
        ev_code = np.empty(64, dtype=np.int64)
        ev_dir = np.empty(64, dtype=np.int64)
        ev_phase = np.empty(64, dtype=np.int64)
        ev_y = np.empty((64, N_STATE))
        cd_mach, cd_val = cd_machs[i], cd_vals[i]
        y = y0s[i].copy()
        clock = np.zeros(1)
        phases = phases_s[i].copy()
        stg = stgs[i]
        prop_left = stg[:, STG_PROP].copy()
        n_out, n_ev, status = run(y, clock, 0, phases.shape[0], t_max, ps[i], phases, stg,
                                  prop_left, cd_mach, cd_val, tabs[i], rtol, atol, h_max,
                                  1e12, out_t, out_y, out_phase, ev_t, ev_code, ev_dir,
                                  ev_phase, ev_y)
        summarize(n_ev, status, clock[0], y, ev_t, ev_code, ev_phase, ev_y, ps[i],
                  phases, cd_mach, cd_val, tabs[i], out[i])
