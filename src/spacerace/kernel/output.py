"""What a flight gives back, computed in compiled code: the diagnostics at given states, the
trajectory table, the figures of a flight from its events, and batches of flights in parallel.
``table_columns`` and ``summary_columns`` name the rows, so that no caller indexes them.
"""

from __future__ import annotations

import math

import numpy as np

from spacerace._jit import jit, jit_borrow, jit_parallel, prange
from spacerace.kernel.dynamics import forces, forces_inline
from spacerace.kernel.events import EV_APOGEE, EV_IMPACT, is_engine_cutoff
from spacerace.kernel.inputs import NO_SAMPLES
from spacerace.kernel.layout import (
    D_ACCEL,
    D_ALT,
    D_COS_LAT,
    D_DRAG,
    D_LAT,
    D_LON,
    D_MACH,
    D_Q,
    D_SIN_LAT,
    D_THRUST,
    D_VREL,
    N_DIAG,
    N_R,
    N_STATE,
    N_T,
    P_OMEGA,
    P_THETA0,
    R_APOGEE_ALT,
    R_CUTOFF_ALT,
    R_CUTOFF_INERTIAL,
    R_CUTOFF_SPEED,
    R_CUTOFF_STATE,
    R_CUTOFF_T,
    R_IMPACT_LAT,
    R_IMPACT_LON,
    R_IMPACT_SPEED,
    R_IMPACT_T,
    R_STATE,
    R_STATUS,
    R_T_END,
    STG_PROP,
    T_DOWNRANGE,
    T_FLIGHT_PATH_ANGLE,
    T_HEADING,
    T_SPEED_INERTIAL,
    T_X_ECEF,
    T_Y_ECEF,
    VX,
    VY,
    VZ,
    X,
    Y,
)
from spacerace.kernel.loop import run
from spacerace.kernel.step import copy_state
from spacerace.models.angles import angle
from spacerace.models.earth import reduced_latitude_sines, vincenty_reduced

# Buffers of one flight in a batch: samples (the phases' ends only) and events [-].
BATCH_SAMPLES_PER_PHASE, BATCH_SAMPLES_EXTRA = 4, 8
BATCH_EVENTS = 64


@jit_borrow
def with_angles(t: float, y: np.ndarray, p: np.ndarray,
                diag: np.ndarray) -> tuple[float, float, float, float]:
    """Fill in the latitude and longitude [rad] of diagnostics ``forces`` left at state
    ``y`` at time ``t`` [s] (the latitude of its Bowring iteration: within 3e-13 rad).

    Returns the cosine and sine of the Earth's rotation angle and the Earth-fixed x, y [m],
    for a caller that needs them too.
    """
    theta = p[P_THETA0] + p[P_OMEGA] * t
    c, s = math.cos(theta), math.sin(theta)
    xe, ye = c * y[X] + s * y[Y], -s * y[X] + c * y[Y]
    diag[D_LAT] = angle(diag[D_SIN_LAT], diag[D_COS_LAT])
    diag[D_LON] = angle(ye, xe)
    return c, s, xe, ye


@jit
def diagnose(out_t: np.ndarray, out_y: np.ndarray, out_phase: np.ndarray, p: np.ndarray,
             phases: np.ndarray, cd_mach: np.ndarray, cd_val: np.ndarray,
             tab: np.ndarray) -> np.ndarray:
    """Diagnostics (``D_*``) at each output sample, shape (n, N_DIAG)."""
    m = out_t.size
    out = np.empty((m, N_DIAG))
    acc = np.empty(3)
    for i in range(m):
        forces(out_t[i], out_y[i], p, phases[out_phase[i]], cd_mach, cd_val, tab, acc, out[i],
               True)
        with_angles(out_t[i], out_y[i], p, out[i])
    return out


@jit_borrow
def table_row(i: int, out_t: np.ndarray, out_y: np.ndarray, out_phase: np.ndarray,
              p: np.ndarray, phases: np.ndarray, cd_mach: np.ndarray, cd_val: np.ndarray,
              tab: np.ndarray, su0: float, cu0: float, lon0: float, start: float,
              acc: np.ndarray, diag: np.ndarray, out: np.ndarray) -> float:
    """Column ``i`` of ``table_rows`` (``acc``, ``diag`` are scratch). ``su0``, ``cu0`` are
    the sine and cosine of the reduced latitude of the downrange's origin, ``lon0`` [rad] its
    longitude; ``start`` is a first guess of Vincenty's lambda - L, the one here is
    returned."""
    y = out_y[i]
    t = out_t[i]
    forces_inline(t, y, p, phases[out_phase[i]], cd_mach, cd_val, tab, acc, diag, False)
    for j in range(D_ACCEL + 1):
        out[j, i] = diag[j]
    w = p[P_OMEGA]
    c, s, xe, ye = with_angles(t, y, p, diag)
    lon = diag[D_LON]
    out[D_LAT, i], out[D_LON, i] = diag[D_LAT], lon
    out[T_X_ECEF, i], out[T_Y_ECEF, i] = xe, ye
    sl, cl = diag[D_SIN_LAT], diag[D_COS_LAT]
    rxy = math.sqrt(xe * xe + ye * ye)
    so, co = (ye / rxy, xe / rxy) if rxy > 0.0 else (0.0, 1.0)  # on the axis: longitude 0
    # the velocity relative to the Earth in Earth-fixed axes, then local east-north-up
    vx, vy, vz = y[VX] + w * y[Y], y[VY] - w * y[X], y[VZ]
    ve, vn = c * vx + s * vy, -s * vx + c * vy
    east = -so * ve + co * vn
    north = -sl * co * ve - sl * so * vn + cl * vz
    up = cl * co * ve + cl * so * vn + sl * vz
    out[T_SPEED_INERTIAL, i] = math.sqrt(y[VX] * y[VX] + y[VY] * y[VY] + y[VZ] * y[VZ])
    out[T_FLIGHT_PATH_ANGLE, i] = angle(up, math.sqrt(east * east + north * north))
    heading = angle(east, north)  # in (-pi, pi], then [0, 2 pi)
    out[T_HEADING, i] = heading + 2.0 * math.pi if heading < 0.0 else heading + 0.0  # no -0
    su, cu = reduced_latitude_sines(sl, cl)
    out[T_DOWNRANGE, i], start = vincenty_reduced(su0, cu0, su, cu, lon - lon0, start)
    return start


@jit
def next_start(t: float, t1: float, t2: float, t3: float, s1: float, s2: float,
               s3: float) -> float:
    """Vincenty's lambda - L expected at time ``t`` [s] from its values ``s1``, ``s2``,
    ``s3`` at the three rows before (times ``t1``, ``t2``, ``t3``, newest first): the
    parabola through them, or the value before where two rows share a time. Measured:
    1.2-2.0 rounds a row against 3.0-3.7 from the value before (catalog V-2, R-2, Bumper 5;
    1.3 against 3.0 in ``bench_peers.py``'s V-2)."""
    if t1 == t2 or t2 == t3 or t1 == t3:
        return s1
    a, b, c = t - t1, t - t2, t - t3
    return (s1 * b * c / ((t1 - t2) * (t1 - t3)) + s2 * a * c / ((t2 - t1) * (t2 - t3))
            + s3 * a * b / ((t3 - t1) * (t3 - t2)))


@jit
def table_rows(out_t: np.ndarray, out_y: np.ndarray, out_phase: np.ndarray, p: np.ndarray,
               phases: np.ndarray, cd_mach: np.ndarray, cd_val: np.ndarray, tab: np.ndarray,
               lat0: float, lon0: float) -> np.ndarray:
    """Derived quantities at each output sample, shape (N_T, n) (rows ``D_*`` and ``T_*``).

    ``lat0``, ``lon0`` [rad] is the point the downrange distance is measured from (Vincenty's
    distance, NaN where it does not converge; each row's iteration starts where the rows
    before point: ``next_start``).
    """
    out = np.empty((N_T, out_t.size))
    acc = np.empty(3)
    diag = np.empty(N_DIAG)
    su0, cu0 = reduced_latitude_sines(math.sin(lat0), math.cos(lat0))
    s1, s2, s3 = 0.0, 0.0, 0.0
    t1, t2, t3 = math.nan, math.nan, math.nan
    for i in range(out_t.size):
        t = out_t[i]
        start = s1 if i < 3 else next_start(t, t1, t2, t3, s1, s2, s3)
        s = table_row(i, out_t, out_y, out_phase, p, phases, cd_mach, cd_val, tab, su0,
                      cu0, lon0, start, acc, diag, out)
        s1, s2, s3, t1, t2, t3 = s, s1, s2, t, t1, t2
    return out


@jit
def last_descent_through(values: np.ndarray, level: float) -> int:
    """Index ``k`` of the last sample pair that goes down through ``level``
    (``values[k] >= level > values[k + 1]``), or -1."""
    for k in range(values.size - 2, -1, -1):
        if values[k] >= level > values[k + 1]:
            return k
    return -1


@jit
def summarize(n_ev: int, status: int, t_end: float, y_end: np.ndarray, ev_t: np.ndarray,
              ev_code: np.ndarray, ev_phase: np.ndarray, ev_y: np.ndarray, p: np.ndarray,
              phases: np.ndarray, cd_mach: np.ndarray, cd_val: np.ndarray, tab: np.ndarray,
              out: np.ndarray) -> None:
    """Figures of one flight from its events (``R_*`` layout; NaN where there is none)."""
    for j in range(out.size):
        out[j] = np.nan
    out[R_STATUS] = status
    out[R_T_END] = t_end
    copy_state(y_end, out[R_STATE:R_STATE + N_STATE])
    acc = np.empty(3)
    diag = np.empty(N_DIAG)
    for i in range(n_ev):
        code = ev_code[i]
        iph = ev_phase[i]
        ph = phases[iph]
        forces(ev_t[i], ev_y[i], p, ph, cd_mach, cd_val, tab, acc, diag, True)
        if code == EV_IMPACT:
            with_angles(ev_t[i], ev_y[i], p, diag)  # the only event whose place is kept
            out[R_IMPACT_T] = ev_t[i]
            out[R_IMPACT_LAT] = diag[D_LAT]
            out[R_IMPACT_LON] = diag[D_LON]
            out[R_IMPACT_SPEED] = diag[D_VREL]
        elif code == EV_APOGEE:
            if np.isnan(out[R_APOGEE_ALT]) or diag[D_ALT] > out[R_APOGEE_ALT]:
                out[R_APOGEE_ALT] = diag[D_ALT]
        elif is_engine_cutoff(code, phases, iph):
            out[R_CUTOFF_T] = ev_t[i]
            out[R_CUTOFF_SPEED] = diag[D_VREL]
            out[R_CUTOFF_ALT] = diag[D_ALT]
            v = ev_y[i]
            out[R_CUTOFF_INERTIAL] = np.sqrt(v[VX] * v[VX] + v[VY] * v[VY] + v[VZ] * v[VZ])
            copy_state(v, out[R_CUTOFF_STATE:R_CUTOFF_STATE + N_STATE])


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
        out_t = np.empty(BATCH_SAMPLES_PER_PHASE * phases_s.shape[1] + BATCH_SAMPLES_EXTRA)
        out_y = np.empty((out_t.size, N_STATE))
        out_phase = np.empty(out_t.size, dtype=np.int64)
        ev_t = np.empty(BATCH_EVENTS)
        ev_code = np.empty(BATCH_EVENTS, dtype=np.int64)
        ev_dir = np.empty(BATCH_EVENTS, dtype=np.int64)
        ev_phase = np.empty(BATCH_EVENTS, dtype=np.int64)
        ev_y = np.empty((BATCH_EVENTS, N_STATE))
        cd_mach, cd_val = cd_machs[i], cd_vals[i]
        y = y0s[i].copy()
        clock = np.zeros(1)
        phases = phases_s[i].copy()
        stg = stgs[i]
        prop_left = stg[:, STG_PROP].copy()
        n_out, n_ev, status = run(y, clock, 0, phases.shape[0], t_max, ps[i], phases, stg,
                                  prop_left, cd_mach, cd_val, tabs[i], rtol, atol, h_max,
                                  NO_SAMPLES, out_t, out_y, out_phase, ev_t, ev_code, ev_dir,
                                  ev_phase, ev_y)
        summarize(n_ev, status, clock[0], y, ev_t, ev_code, ev_phase, ev_y, ps[i],
                  phases, cd_mach, cd_val, tabs[i], out[i])


def table_columns(rows: np.ndarray) -> dict[str, np.ndarray]:
    """The rows of ``table_rows`` by name (the trajectory's column names, SI)."""
    return {"alt": rows[D_ALT], "lat": rows[D_LAT], "lon": rows[D_LON],
            "speed_relative": rows[D_VREL], "mach": rows[D_MACH], "dynamic_pressure": rows[D_Q],
            "thrust": rows[D_THRUST], "drag": rows[D_DRAG], "acceleration": rows[D_ACCEL],
            "x_ecef": rows[T_X_ECEF], "y_ecef": rows[T_Y_ECEF],
            "speed_inertial": rows[T_SPEED_INERTIAL],
            "flight_path_angle": rows[T_FLIGHT_PATH_ANGLE], "heading": rows[T_HEADING],
            "downrange": rows[T_DOWNRANGE]}


def summary_columns(out: np.ndarray) -> dict[str, np.ndarray]:
    """The figures of ``summarize`` (one row per flight) by name, SI (NaN where none)."""
    status = out[:, R_STATUS]
    return {"status": np.where(np.isnan(status), -1.0, status).astype(np.int64),
            "end_time": out[:, R_T_END],
            "impact_time": out[:, R_IMPACT_T], "impact_lat": out[:, R_IMPACT_LAT],
            "impact_lon": out[:, R_IMPACT_LON], "impact_speed": out[:, R_IMPACT_SPEED],
            "apogee_altitude": out[:, R_APOGEE_ALT], "cutoff_time": out[:, R_CUTOFF_T],
            "cutoff_speed": out[:, R_CUTOFF_SPEED], "cutoff_altitude": out[:, R_CUTOFF_ALT],
            "cutoff_inertial_speed": out[:, R_CUTOFF_INERTIAL],
            "final_state": out[:, R_STATE:R_STATE + N_STATE],
            "cutoff_state": out[:, R_CUTOFF_STATE:R_CUTOFF_STATE + N_STATE]}


def batch_output(n: int) -> np.ndarray:
    """The array ``run_batch`` writes the figures of ``n`` flights into."""
    return np.full((n, N_R), np.nan)
