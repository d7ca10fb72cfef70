"""The compiled flight loop: integrate a sequence of phases, locate events, sample output.

``run`` takes only floats and arrays (layouts in ``spacerace.kernel.layout``), writes into
caller-allocated output arrays, allocates nothing per step and returns a status code; a bad
sample in a batch gives a status, not an exception (the sgp4 ``SGP4_ERRORS`` idea).
``fly_phases`` is the one way Python code runs it.
"""

from __future__ import annotations

import numpy as np

from spacerace._jit import jit, jit_borrow
from spacerace.kernel.dynamics import forces, rhs
from spacerace.kernel.events import N_EVENTS, event_values
from spacerace.kernel.inputs import ATOL, Buffers, Packed, Paused, SimOptions
from spacerace.kernel.integrate import dense_eval, dense_prepare, error_norm, step_factor
from spacerace.kernel.kinks import kink_fraction, wind_blows
from spacerace.kernel.layout import (
    D_ALT,
    D_MACH,
    MODE_HOLD_HORIZONTAL,
    N_DIAG,
    N_STATE,
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
    STATUS_BUFFER_FULL,
    STATUS_IMPACT,
    STATUS_PHASES_DONE,
    STATUS_STEP_LIMIT,
    STATUS_STEP_UNDERFLOW,
    STATUS_TIME_LIMIT,
    STG_A_EXIT,
    STG_CURVE,
    STG_DRY,
    STG_F_VAC,
    STG_MDOT,
    STG_PROP,
    VX,
    VY,
    VZ,
    M,
    X,
    Y,
    Z,
)
from spacerace.kernel.step import accept, copy_state, end_on_steps, sample, stages, step_roots

FIRST_STEP = 0.05  # first trial step of a flight [s]; the error control adapts it at once
MAX_STEPS = 200_000  # most integration steps of one call [-]
MIN_STEP_REL = 1e-12  # a step below this fraction of (1 s + t) has underflowed [-]
EMPTY_FRACTION = 1e-6  # propellant below this fraction of the load is none left [-]


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
            y[M] -= stg[k, STG_DRY] + prop_left[k]
            prop_left[k] = 0.0
    y[M] -= ph[PH_DROP]
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
        ph[PH_M_EMPTY] = y[M] - solid_prop
        ph[PH_T_END] = min(ph[PH_T_END], t + tab[row, tab.shape[1] - 1])
    else:
        ph[PH_M_EMPTY] = y[M] - mdot * thr * t_dry
    # held direction: the inertial velocity, or its horizontal part
    r = np.sqrt(y[X] * y[X] + y[Y] * y[Y] + y[Z] * y[Z])
    vx, vy, vz = y[VX], y[VY], y[VZ]
    if ph[PH_MODE] == MODE_HOLD_HORIZONTAL:
        vr = (vx * y[X] + vy * y[Y] + vz * y[Z]) / r
        vx, vy, vz = vx - vr * y[X] / r, vy - vr * y[Y] / r, vz - vr * y[Z] / r
    v = np.sqrt(vx * vx + vy * vy + vz * vz)
    if v > 0.0:
        ph[PH_HOLD], ph[PH_HOLD + 1], ph[PH_HOLD + 2] = vx / v, vy / v, vz / v
    if ph[PH_PLANE] == 0.0 and ph[PH_PLANE + 1] == 0.0 and ph[PH_PLANE + 2] == 0.0:
        nx = y[Y] * y[VZ] - y[Z] * y[VY]
        ny = y[Z] * y[VX] - y[X] * y[VZ]
        nz = y[X] * y[VY] - y[Y] * y[VX]
        nn = np.sqrt(nx * nx + ny * ny + nz * nz)
        if nn > 0.0:
            nx, ny, nz = nx / nn, ny / nn, nz / nn
            # yaw: n' = n cos(psi) - (n x u) sin(psi) turns the downrange direction n' x u
            # towards n, to the left of the flight
            ux, uy, uz = y[X] / r, y[Y] / r, y[Z] / r
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
            if prop_left[k] < EMPTY_FRACTION * stg[k, STG_PROP]:
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
        tables (pitch programme, wind profile, thrust curves; see ``kernel.layout``).
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
    h = FIRST_STEP
    next_out = t
    steps = 0
    rejected = False
    knot = False
    wind = wind_blows(tab)
    max_ev = ev_t.size
    for iph in range(iph0, iph1):
        ph = phases[iph]
        begin_phase(t, y, p, ph, stg, prop_left, tab)
        m_start = y[M]
        if not sample(out_t, out_y, out_phase, n_out, t, y, iph):  # the phase's start
            clock[0] = t
            return n_out, n_ev, STATUS_BUFFER_FULL
        n_out += 1
        if t >= next_out:
            next_out = t + dt_out
        forces(t, y, p, ph, cd_mach, cd_val, tab, acc, diag, True)
        alt0, mach0 = diag[D_ALT], diag[D_MACH]
        event_values(t, y, p, ph, diag, g_prev)
        rhs(t, y, p, ph, cd_mach, cd_val, tab, k[0], acc, diag, False)
        phase_over = False
        while not phase_over:
            status = -1
            if t >= t_max:
                status = STATUS_TIME_LIMIT
            steps += 1
            if steps > MAX_STEPS:
                status = STATUS_STEP_LIMIT
            h = min(h, h_max, t_max - t)
            if status < 0 and h < MIN_STEP_REL * (1.0 + abs(t)):
                status = STATUS_STEP_UNDERFLOW
            if status >= 0:
                end_phase(t, ph, stg, prop_left, m_start, y[M])
                clock[0] = t
                return n_out, n_ev, status
            # the last stage is the step's 5th-order end (first same as last)
            stages(t, h, y, k, 6, p, ph, cd_mach, cd_val, tab, y1, acc, diag)
            alt1, mach1 = diag[D_ALT], diag[D_MACH]
            err = error_norm(y, y1, h, k, rtol, atol)
            if err > 1.0:
                frac = kink_fraction(t, h, y, y1, k, alt0, alt1, mach0, mach1, wind, p, ph,
                                     cd_mach, cd_val, tab, rc, ys, acc, diag)
                if frac < 1.0:
                    h *= frac  # the next trial ends just short of the knot
                    knot = True
                else:
                    h *= step_factor(err)
                    rejected = True
                continue
            dense_prepare(y, y1, h, k, rc)
            event_values(t + h, y1, p, ph, diag, g_new)
            ends, t_end, e_end = step_roots(t, h, g_prev, g_new, rc, p, ph, cd_mach, cd_val,
                                             tab, ys, acc, diag, g_tmp, guess, roots)
            t_events = t_end  # the crossings found up to here all happen in this phase
            if ends > 0:
                t_end = end_on_steps(e_end, t, h, t_end, rc, y, k, p, ph, cd_mach, cd_val,
                                      tab, ys, acc, diag, g_tmp, y1)
                roots[e_end] = t_end
                t_events = max(t_events, t_end)
            # samples on the output grid inside the step
            while next_out < t_end:
                dense_eval(rc, (next_out - t) / h, ys)
                if not sample(out_t, out_y, out_phase, n_out, next_out, ys, iph):
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
                    copy_state(y1, ys)
                else:
                    dense_eval(rc, (tb - t) / h, ys)
                ev_t[n_ev] = tb
                ev_code[n_ev] = best
                ev_dir[n_ev] = 1 if g_new[best] > g_prev[best] else -1
                ev_phase[n_ev] = iph
                copy_state(ys, ev_y[n_ev])
                n_ev += 1
                roots[best] = np.inf
            if ends > 0:
                copy_state(y1, y)
                t = t_end
                end_phase(t, ph, stg, prop_left, m_start, y[M])
                if not sample(out_t, out_y, out_phase, n_out, t, y, iph):
                    clock[0] = t
                    return n_out, n_ev, STATUS_BUFFER_FULL
                n_out += 1
                if ends == 2:
                    clock[0] = t
                    return n_out, n_ev, STATUS_IMPACT
                phase_over = True
            else:
                t += h
                accept(y, y1, g_prev, g_new, k)
                alt0, mach0 = alt1, mach1
                # no growth right after a rejection (Hairer, Norsett & Wanner, II.4), but
                # after a step shortened to a knot, the size it was shortened from
                h_next = h * step_factor(err)
                if rejected and not knot:
                    h_next = min(h_next, h)
                h = h_next
                rejected = False
                knot = False
    clock[0] = t
    return n_out, n_ev, STATUS_PHASES_DONE


def fly_phases(pk: Packed, options: SimOptions, at: Paused, stop: int, buf: Buffers,
               dt_out: float | None = None) -> tuple[int, int, int]:
    """Fly the phases ``at.phase .. stop - 1`` of a packed flight from where ``at`` stands.

    ``at``'s state, clock, working phase table and propellant are advanced in place (its
    ``phase`` is left for the caller to set); samples every ``dt_out`` s (default: the
    options') and events are written into ``buf``. Returns the number of samples, the number
    of events and the status (``STATUS_*``).
    """
    dt = options.output_interval if dt_out is None else dt_out
    return run(at.y, at.clock, at.phase, stop, options.max_time, pk.p, at.phases, pk.stg,
               at.prop_left, pk.cd_mach, pk.cd_val, pk.tab, options.rtol, ATOL,
               options.max_step, dt, *buf)
