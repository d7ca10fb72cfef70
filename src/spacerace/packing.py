"""Packing a vehicle and a mission into the kernel's plain arrays, and running the kernel.

The only place that knows how the data classes map onto the arrays of ``spacerace.dynamics``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from spacerace.constants import G0, GM_EARTH, GM_MOON, GM_SUN, J2_EARTH, OMEGA_EARTH, WGS84_A
from spacerace.dynamics import (
    EV_CUTOFF_ENERGY,
    EV_CUTOFF_TIME,
    EV_DEPLETION,
    EV_IMPACT,
    N_P,
    N_PH,
    N_STATE,
    N_STG,
    N_TAB,
    P_ATMOS,
    P_AZ,
    P_EAST,
    P_EPH_NCOEF,
    P_EPH_NSEG,
    P_EPH_ROW,
    P_EPH_SEG,
    P_J2,
    P_MU,
    P_MU_MOON,
    P_MU_SUN,
    P_NORTH,
    P_OMEGA,
    P_RHO_SCALE,
    P_THETA0,
    P_UP,
    P_WIND_FROM,
    PH_AREF,
    PH_BURN,
    PH_CD_ROW,
    PH_DROP,
    PH_DROP_MASK,
    PH_E_END,
    PH_GUIDE_A,
    PH_GUIDE_B,
    PH_GUIDE_T0,
    PH_MODE,
    PH_RANGE_END,
    PH_T_END,
    PH_THROTTLE,
    PH_V_END,
    PH_YAW,
    STG_A_EXIT,
    STG_CURVE,
    STG_DRY,
    STG_F_VAC,
    STG_MDOT,
    STG_PROP,
    M,
)
from spacerace.errors import CatalogError
from spacerace.frames import ecef_from_enu, eci_from_ecef
from spacerace.guidance import mode_code, pitch_arrays
from spacerace.kernel import (
    STATUS_GUIDANCE_GROUND,
    STATUS_GUIDANCE_SHORT,
    STATUS_IMPACT,
    STATUS_PHASES_DONE,
    begin_phase,
    run,
)
from spacerace.mission import Mission
from spacerace.models.atmosphere import ALT_MAX, ALT_MIN, atmosphere
from spacerace.models.earth import earth_rotation_angle, ecef_from_geodetic, julian_date_utc
from spacerace.vehicle import Vehicle

# Absolute tolerances of the state [m, m/s, kg] (with SimOptions.rtol).
ATOL = np.array([1e-3, 1e-3, 1e-3, 1e-6, 1e-6, 1e-6, 1e-3])


@dataclass(frozen=True)
class SimOptions:
    """Numerical and model options of a flight.

    Attributes
    ----------
    rtol : float
        Relative tolerance of the integrator [-].
    max_step : float
        Largest integration step [s].
    output_interval : float
        Sampling interval of the trajectory table [s].
    max_time : float
        Time limit [s].
    j2 : bool
        Include the J2 term of gravity.
    atmosphere : bool
        Include the atmosphere (drag and back-pressure).
    earth_rotation : bool
        Rotate the Earth (False: a non-rotating Earth, for checks against textbooks).
    gravity : bool
        Include gravity (False only for checks such as Tsiolkovsky's equation).
    strict_guidance : bool
        Stop the flight when a closed-loop burn runs out of propellant before its orbit
        cut-off or steers into the ground (the statuses ``STATUS_GUIDANCE_*``). Trial flights
        of an aim turn it off: a trial that falls short is information for the solver.
    """

    rtol: float = 1e-9
    max_step: float = 20.0
    output_interval: float = 1.0
    max_time: float = 20_000.0
    j2: bool = True
    atmosphere: bool = True
    earth_rotation: bool = True
    gravity: bool = True
    strict_guidance: bool = True


@dataclass(frozen=True)
class Packed:
    """A flight as the kernel sees it (see ``spacerace.dynamics`` for the layouts)."""

    y0: np.ndarray
    p: np.ndarray
    phases: np.ndarray
    stg: np.ndarray
    targets: np.ndarray  # per phase: cut-off radius [m], flight-path angle [rad], cycle [s]
    cd_mach: np.ndarray
    cd_val: np.ndarray
    tab: np.ndarray


def _drag_tables(vehicle: Vehicle) -> tuple[np.ndarray, np.ndarray]:
    width = max(len(s.drag.mach) for s in vehicle.stages)
    mach = np.empty((len(vehicle.stages), width))
    cd = np.empty_like(mach)
    for i, s in enumerate(vehicle.stages):
        n = len(s.drag.mach)
        mach[i, :n], cd[i, :n] = s.drag.mach, s.drag.cd
        mach[i, n:], cd[i, n:] = s.drag.mach[-1], s.drag.cd[-1]  # pad by holding the end
    return mach, cd


def phase_table(vehicle: Vehicle, mission: Mission) -> np.ndarray:
    rows = np.zeros((len(mission.phases), N_PH))
    dropped: set[int] = set()
    for i, ph in enumerate(mission.phases):
        dropped |= set(ph.drop)
        attached = [k for k in range(len(vehicle.stages)) if k not in dropped]
        lowest = attached[0] if attached else len(vehicle.stages) - 1
        rows[i, PH_MODE] = mode_code(ph.guidance)
        rows[i, PH_THROTTLE] = ph.throttle if ph.burning else 0.0
        rows[i, PH_BURN] = sum(1 << k for k in ph.burning)
        rows[i, PH_DROP_MASK] = sum(1 << k for k in ph.drop)
        rows[i, PH_DROP] = ph.jettison
        rows[i, PH_AREF] = vehicle.stages[lowest].reference_area
        rows[i, PH_CD_ROW] = lowest
        rows[i, PH_T_END] = ph.until_time
        rows[i, PH_V_END] = ph.until_speed
        rows[i, PH_E_END] = ph.until_energy
        rows[i, PH_RANGE_END] = ph.until_range if math.isfinite(ph.until_range) else 1e9
        rows[i, PH_YAW] = ph.yaw
    return rows


def cutoff_radius(rp: float, ra: float, gamma: float) -> float:
    """Radius [m] where an orbit of perigee/apogee radii rp, ra [m] climbs at ``gamma`` [rad].

    The first such point after perigee: tan(gamma) = e sin(nu) / (1 + e cos(nu)).
    """
    e = (ra - rp) / (ra + rp)
    p = 2 * rp * ra / (rp + ra)
    if e < 1e-12 or gamma <= 0.0:
        return rp
    lo, hi = 0.0, math.acos(-e)  # the climb is steepest at nu = acos(-e)
    for _ in range(80):
        nu = 0.5 * (lo + hi)
        if math.atan2(e * math.sin(nu), 1 + e * math.cos(nu)) < gamma:
            lo = nu
        else:
            hi = nu
    return p / (1 + e * math.cos(0.5 * (lo + hi)))


def _targets(mission: Mission) -> np.ndarray:
    """Closed-loop targets of each phase: cut-off radius [m], flight-path angle [rad] and
    guidance cycle [s] (NaN rows for open-loop phases)."""
    out = np.full((len(mission.phases), 3), np.nan)
    for i, ph in enumerate(mission.phases):
        if ph.guidance == "linear_tangent" and math.isfinite(ph.target_perigee):
            rp, ra = WGS84_A + ph.target_perigee, WGS84_A + ph.target_apogee
            gamma = ph.target_flight_path_angle
            out[i] = (cutoff_radius(rp, ra, gamma), gamma, ph.cycle)
    return out


def stage_table(vehicle: Vehicle) -> np.ndarray:
    stg = np.zeros((len(vehicle.stages), N_STG))
    row = N_TAB
    for k, s in enumerate(vehicle.stages):
        stg[k, STG_F_VAC] = s.thrust_vacuum
        stg[k, STG_A_EXIT] = s.exit_area
        stg[k, STG_PROP] = s.propellant_mass
        stg[k, STG_DRY] = s.dry_mass
        stg[k, STG_MDOT] = s.mass_flow
        stg[k, STG_CURVE] = -1.0
        if s.thrust_curve is not None:
            t, frac = np.asarray(s.thrust_curve[0]), np.asarray(s.thrust_curve[1])
            # the flow follows the curve and burns the load out at its end
            stg[k, STG_MDOT] = s.propellant_mass / float(np.trapezoid(frac, t))
            stg[k, STG_CURVE] = row
            row += 2
    return stg


def pack(vehicle: Vehicle, mission: Mission, options: SimOptions,
          initial_state: np.ndarray | None = None) -> Packed:
    site = mission.site
    jd = julian_date_utc(mission.epoch)
    theta0 = earth_rotation_angle(*jd)
    omega = OMEGA_EARTH if options.earth_rotation else 0.0
    rot = eci_from_ecef(theta0)
    enu = rot @ ecef_from_enu(site.lat, site.lon)
    p = np.zeros(N_P)
    p[P_THETA0], p[P_OMEGA] = theta0, omega
    p[P_J2] = J2_EARTH if options.j2 else 0.0
    p[P_ATMOS] = 1.0 if options.atmosphere else 0.0
    p[P_MU] = GM_EARTH if options.gravity else 0.0
    p[P_RHO_SCALE] = mission.environment.density_scale
    p[P_WIND_FROM] = mission.environment.wind_from
    p[P_EPH_ROW] = -1.0
    p[P_AZ] = mission.azimuth
    p[P_EAST:P_EAST + 3], p[P_NORTH:P_NORTH + 3], p[P_UP:P_UP + 3] = enu[:, 0], enu[:, 1], enu[:, 2]
    r = rot @ ecef_from_geodetic(site.lat, site.lon, site.alt)
    y0 = np.empty(N_STATE)
    y0[:3] = r
    y0[3], y0[4], y0[5] = -omega * r[1], omega * r[0], 0.0  # the Earth's turn, omega x r
    y0[M] = vehicle.liftoff_mass
    if initial_state is not None:
        y0[:] = initial_state
    cd_mach, cd_val = _drag_tables(vehicle)
    tab = _tables(vehicle, mission)
    if mission.third_bodies:
        tab = _with_ephemeris(tab, p, mission, options)
    return Packed(y0, p, phase_table(vehicle, mission), stage_table(vehicle),
                  _targets(mission), cd_mach, cd_val, tab)


def _with_ephemeris(tab: np.ndarray, p: np.ndarray, mission: Mission,
                    options: SimOptions) -> np.ndarray:
    """Add the Moon and Sun (DE421, over the flight's time limit) as a row of ``tab``."""
    from spacerace.ephem import prepare

    table = prepare(mission.epoch, options.max_time)
    flat = table.coeffs.ravel()
    width = max(tab.shape[1], flat.size)
    out = np.empty((tab.shape[0] + 1, width))
    out[:-1, :tab.shape[1]] = tab
    out[:-1, tab.shape[1]:] = tab[:, -1:]  # pad by holding each row's end
    out[-1, :flat.size] = flat
    out[-1, flat.size:] = 0.0
    p[P_EPH_ROW] = tab.shape[0]
    p[P_EPH_NSEG], p[P_EPH_NCOEF] = table.coeffs.shape[1], table.coeffs.shape[2]
    p[P_EPH_SEG] = table.seg_len
    p[P_MU_MOON], p[P_MU_SUN] = GM_MOON, GM_SUN
    return out


def _tables(vehicle: Vehicle, mission: Mission) -> np.ndarray:
    """Pitch programme, wind profile and thrust curves as rows of one padded array."""
    env = mission.environment
    pitch_t, pitch_el = pitch_arrays(mission.pitch_program)
    rows = [pitch_t, pitch_el, np.asarray(env.wind_altitude, dtype=np.float64),
            np.asarray(env.wind_speed, dtype=np.float64) * env.wind_scale]
    for s in vehicle.stages:
        if s.thrust_curve is not None:
            rows += [np.asarray(s.thrust_curve[0], dtype=np.float64),
                     np.asarray(s.thrust_curve[1], dtype=np.float64)]
    width = max(len(r) for r in rows)
    tab = np.empty((len(rows), width))
    for i, r in enumerate(rows):
        tab[i, :len(r)] = r
        tab[i, len(r):] = r[-1]
    return tab


def pad_state(vehicle: Vehicle, mission: Mission, options: SimOptions | None = None
              ) -> np.ndarray:
    """Inertial state at t = 0 of the vehicle resting on the pad [m, m/s, kg]."""
    return pack(vehicle, mission, options or SimOptions()).y0.copy()


def liftoff_thrust_and_weight(phases: np.ndarray, stg: np.ndarray, y0: np.ndarray,
                              site_alt: float) -> tuple[np.ndarray, np.ndarray]:
    """Thrust of the first phase at the pad and the weight there [N] (arrays broadcast).

    ``phases`` and ``stg`` are a phase and a stage table (or stacks of them), ``y0`` the
    state(s) at liftoff.
    """
    p_site = atmosphere(min(max(site_alt, ALT_MIN), ALT_MAX))[1]
    burn = phases[..., 0, PH_BURN].astype(np.int64)
    f = np.zeros(np.shape(burn), dtype=np.float64)
    for k in range(stg.shape[-2]):
        on = ((burn >> k) & 1).astype(bool) & (stg[..., k, STG_PROP] > 0)
        # solid motors: the curve's first point sets the thrust at ignition
        f = f + np.where(on, stg[..., k, STG_F_VAC] - p_site * stg[..., k, STG_A_EXIT], 0.0)
    return f * phases[..., 0, PH_THROTTLE], y0[..., M] * G0


def check_liftoff(vehicle: Vehicle, mission: Mission, pk: Packed | None = None) -> None:
    """Raise ``CatalogError`` if the first phase cannot lift the vehicle off the pad.

    ``pk`` is the flight already packed, whose phase and stage tables are then used.
    """
    first = mission.phases[0]
    y0 = np.zeros(N_STATE)
    y0[M] = vehicle.liftoff_mass
    phases = phase_table(vehicle, mission) if pk is None else pk.phases
    stg = stage_table(vehicle) if pk is None else pk.stg
    f, w = (float(x) for x in liftoff_thrust_and_weight(phases, stg, y0, mission.site.alt))
    if f <= w:
        raise CatalogError(
            vehicle.origin or vehicle.id, f"stages[{first.stage}].engines",
            f"thrust at liftoff {f / 1e3:.1f} kN is not above the weight {w / 1e3:.1f} kN"
            " (liftoff mass x g0): the vehicle cannot lift off")


def _buffers(n_max: int, ev_max: int) -> tuple[np.ndarray, ...]:
    return (np.empty(n_max), np.empty((n_max, N_STATE)), np.empty(n_max, dtype=np.int64),
            np.empty(ev_max), np.empty(ev_max, dtype=np.int64), np.empty(ev_max, dtype=np.int64),
            np.empty(ev_max, dtype=np.int64), np.empty((ev_max, N_STATE)))


@dataclass
class Paused:
    """A flight stopped where phase ``phase`` begins: everything needed to go on from there.

    ``y`` state [m, m/s, kg], ``clock`` time since liftoff [s] (shape (1,)), ``phases`` the
    working phase table, ``prop_left`` the propellant each stage has left [kg].
    """

    phase: int
    y: np.ndarray
    clock: np.ndarray
    phases: np.ndarray
    prop_left: np.ndarray

    def copy(self) -> Paused:
        return Paused(self.phase, self.y.copy(), self.clock.copy(), self.phases.copy(),
                      self.prop_left.copy())


def start_of_flight(pk: Packed) -> Paused:
    """The flight on the pad (or at its initial state), before its first phase."""
    return Paused(0, pk.y0.copy(), np.zeros(1), pk.phases.copy(), pk.stg[:, STG_PROP].copy())


def run_packed(pk: Packed, options: SimOptions, start: Paused | None = None,
               stop: int | None = None) -> tuple[Any, ...]:
    """Fly the phases from ``start`` (default: liftoff) to ``stop`` (default: all).

    Returns the samples, the events, the status and the working phase table; ``start``, when
    given, is advanced in place to where the flight stopped (its ``phase`` to ``stop`` when
    the phases were all flown, else to the phase it stopped in). Open-loop phases run straight
    through the kernel; a closed-loop phase (one with a target orbit) is flown in guidance
    cycles, its steering law solved again before each.
    """
    at = start if start is not None else start_of_flight(pk)
    stop = len(pk.phases) if stop is None else stop
    n_max = int(options.max_time / options.output_interval) + 4 * len(pk.phases) + 16
    ev_max = 64 + 8 * len(pk.phases)
    bufs = _buffers(n_max + 4096, ev_max + 4096)
    out_t, out_y, out_phase, ev_t, ev_code, ev_dir, ev_phase, ev_y = bufs
    y, clock, phases, prop_left = at.y, at.clock, at.phases, at.prop_left
    n = n_ev = 0
    status = STATUS_PHASES_DONE
    closed = [i for i in range(stop) if np.isfinite(pk.targets[i, 0])]
    first = at.phase
    while first < stop and status == STATUS_PHASES_DONE:
        last = next((i for i in closed if i >= first), stop)
        if last == first:  # a closed-loop phase
            last = first + 1
            k, k_ev, status = _fly_closed_loop(pk, options, first, y, clock, phases, prop_left,
                                               [b[n:] if j < 3 else b[n_ev:]
                                                for j, b in enumerate(bufs)])
        else:
            k, k_ev, status = run(y, clock, first, last, options.max_time, pk.p, phases,
                                  pk.stg, prop_left, pk.cd_mach, pk.cd_val, pk.tab,
                                  options.rtol, ATOL, options.max_step,
                                  options.output_interval, out_t[n:], out_y[n:],
                                  out_phase[n:], ev_t[n_ev:], ev_code[n_ev:], ev_dir[n_ev:],
                                  ev_phase[n_ev:], ev_y[n_ev:])
        n, n_ev = n + k, n_ev + k_ev
        if status == STATUS_PHASES_DONE:
            first = last
        elif n:
            first = int(out_phase[n - 1])  # the phase the flight stopped in
    at.phase = first
    return (out_t[:n], out_y[:n], out_phase[:n], ev_t[:n_ev], ev_code[:n_ev], ev_dir[:n_ev],
            ev_phase[:n_ev], ev_y[:n_ev], np.int64(status), phases)


def _predict(pk: Packed, options: SimOptions, i: int, y: np.ndarray, t: float,
             phases: np.ndarray, prop_left: np.ndarray, law: np.ndarray,
             scratch: tuple[np.ndarray, ...]) -> tuple[np.ndarray, bool]:
    """State at the end of closed-loop phase ``i`` flown from (t, y) with the law (A, B)."""
    yy, clock = y.copy(), np.array([t])
    ph = phases.copy()
    ph[i, PH_GUIDE_A], ph[i, PH_GUIDE_B], ph[i, PH_GUIDE_T0] = law[0], law[1], t
    ph[i, PH_T_END] = pk.phases[i, PH_T_END]
    ph[i, PH_DROP_MASK] = ph[i, PH_DROP] = 0.0
    out_t, out_y, out_phase, ev_t, ev_code, ev_dir, ev_phase, ev_y = scratch
    _, k_ev, status = run(yy, clock, i, i + 1, options.max_time, pk.p, ph, pk.stg,
                          prop_left.copy(), pk.cd_mach, pk.cd_val, pk.tab, options.rtol, ATOL,
                          options.max_step, 1e12, out_t, out_y, out_phase, ev_t, ev_code,
                          ev_dir, ev_phase, ev_y)
    reached = bool(k_ev and ev_code[k_ev - 1] == EV_CUTOFF_ENERGY)
    return yy, reached


def _residual(y: np.ndarray, r_target: float, gamma_target: float) -> np.ndarray:
    """Miss of a predicted cut-off: relative radius and flight-path angle [rad]."""
    r, v = y[:3], y[3:6]
    rn = float(np.linalg.norm(r))
    gamma = math.asin(float(np.dot(r, v)) / (rn * np.linalg.norm(v)))
    return np.array([(rn - r_target) / r_target, gamma - gamma_target])


def _solve_law(pk: Packed, options: SimOptions, i: int, y: np.ndarray, t: float,
               phases: np.ndarray, prop_left: np.ndarray, law: np.ndarray,
               scratch: tuple[np.ndarray, ...]) -> np.ndarray:
    """Newton iterations on the linear-tangent coefficients (A, B) for the cut-off wanted.

    The cut-off comes when the target orbit's energy is reached (or the propellant runs
    out); the law is solved so that it comes at the target radius and flight-path angle,
    which with the energy fix the orbit.
    """
    h_target, gamma_target = pk.targets[i, 0], pk.targets[i, 1]
    steps = np.array([1e-4, 1e-6])
    for _ in range(4):
        end, _ = _predict(pk, options, i, y, t, phases, prop_left, law, scratch)
        f0 = _residual(end, h_target, gamma_target)
        if np.all(np.abs(f0) < [1e-7, 1e-7]):
            break
        jac = np.empty((2, 2))
        for j in range(2):
            trial = law.copy()
            trial[j] += steps[j]
            end_j, _ = _predict(pk, options, i, y, t, phases, prop_left, trial, scratch)
            jac[:, j] = (_residual(end_j, h_target, gamma_target) - f0) / steps[j]
        try:
            delta = np.linalg.solve(jac, -f0)
        except np.linalg.LinAlgError:
            break
        law = law + np.clip(delta, [-0.5, -0.01], [0.5, 0.01])
    return law


def _fly_closed_loop(pk: Packed, options: SimOptions, i: int, y: np.ndarray,
                     clock: np.ndarray, phases: np.ndarray, prop_left: np.ndarray,
                     bufs: list[np.ndarray]) -> tuple[int, int, int]:
    """Fly closed-loop phase ``i`` cycle by cycle, writing samples and events into ``bufs``."""
    out_t, out_y, out_phase, ev_t, ev_code, ev_dir, ev_phase, ev_y = bufs
    scratch = _buffers(16, 64 + 8 * len(phases))
    cycle = pk.targets[i, 2]
    t_end_orig = pk.phases[i, PH_T_END]
    r, v = y[:3], y[3:6]
    pitch = math.asin(float(np.dot(r, v)) / (np.linalg.norm(r) * np.linalg.norm(v)))
    law = np.array([math.tan(pitch), -math.tan(pitch) / 150.0])
    n = n_ev = 0
    status = STATUS_PHASES_DONE
    first = True
    while True:
        t = clock[0]
        if first:
            # begin the phase once, so that stages separate and the plane is fixed
            begin_phase(t, y, pk.p, phases[i], pk.stg, prop_left, pk.tab)
            phases[i, PH_DROP_MASK] = phases[i, PH_DROP] = 0.0
        law = _solve_law(pk, options, i, y, t, phases, prop_left, law, scratch)
        _, reached = _predict(pk, options, i, y, t, phases, prop_left, law, scratch)
        phases[i, PH_GUIDE_A], phases[i, PH_GUIDE_B], phases[i, PH_GUIDE_T0] = law[0], law[1], t
        # fly one cycle (or to the end when the cut-off is near)
        phases[i, PH_T_END] = min(t_end_orig, t + cycle)
        k, k_ev, status = run(y, clock, i, i + 1, options.max_time, pk.p, phases, pk.stg,
                              prop_left, pk.cd_mach, pk.cd_val, pk.tab, options.rtol, ATOL,
                              options.max_step, options.output_interval, out_t[n:], out_y[n:],
                              out_phase[n:], ev_t[n_ev:], ev_code[n_ev:], ev_dir[n_ev:],
                              ev_phase[n_ev:], ev_y[n_ev:])
        # a cycle's end is not an event of the flight: drop it unless it is the real end
        last = ev_code[n_ev + k_ev - 1] if k_ev else -1
        ended = last in (EV_CUTOFF_ENERGY, EV_DEPLETION, EV_IMPACT) or (
            last == EV_CUTOFF_TIME and clock[0] >= t_end_orig)
        if last == EV_CUTOFF_TIME and not ended:
            k_ev -= 1
        if not first and k:  # the cycle's first sample repeats the previous cycle's last
            out_t[n:n + k - 1] = out_t[n + 1:n + k].copy()
            out_y[n:n + k - 1] = out_y[n + 1:n + k].copy()
            out_phase[n:n + k - 1] = out_phase[n + 1:n + k].copy()
            k -= 1
        n, n_ev = n + k, n_ev + k_ev
        first = False
        if ended or status != STATUS_PHASES_DONE or not reached and clock[0] >= t_end_orig:
            break
    phases[i, PH_T_END] = t_end_orig
    if not options.strict_guidance:
        return n, n_ev, status
    if status == STATUS_IMPACT:
        status = STATUS_GUIDANCE_GROUND
    elif last == EV_DEPLETION and math.isfinite(pk.phases[i, PH_E_END]):
        status = STATUS_GUIDANCE_SHORT  # an orbit cut-off that never came
    return n, n_ev, status
