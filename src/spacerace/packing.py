"""Packing a vehicle and a mission into the kernel's plain arrays.

The only place that knows how the data classes (``Vehicle``, ``Mission``) map onto the
arrays of ``spacerace.kernel.layout``; with it, the check that the first phase can lift the
vehicle off the pad.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from spacerace._jit import jit
from spacerace.constants import G0, GM_EARTH, GM_MOON, GM_SUN, J2_EARTH, OMEGA_EARTH, WGS84_A
from spacerace.errors import CatalogError
from spacerace.frames import ecef_from_enu, eci_from_ecef
from spacerace.guidance import cutoff_radius, mode_code, pitch_arrays
from spacerace.kernel.inputs import Packed, SimOptions
from spacerace.kernel.layout import (
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
from spacerace.mission import Mission
from spacerace.models.atmosphere import ALT_MAX, ALT_MIN, atmosphere
from spacerace.models.earth import earth_rotation_angle, ecef_from_geodetic, julian_date_utc
from spacerace.models.propulsion import thrust
from spacerace.vehicle import Vehicle

__all__ = ["Packed", "SimOptions", "check_liftoff", "pack", "pad_state", "phase_table",
           "stage_table"]


def _padded(rows: Sequence[Sequence[float] | np.ndarray]) -> np.ndarray:
    """Rows of different lengths as one array, each padded by holding its last value."""
    width = max(map(len, rows))
    out = np.empty((len(rows), width))
    for i, r in enumerate(rows):
        n = len(r)
        out[i, :n] = r
        if n < width:
            out[i, n:] = r[-1]
    return out


def _drag_tables(vehicle: Vehicle) -> tuple[np.ndarray, np.ndarray]:
    """Each stage's Mach numbers and drag coefficients as a row (padded)."""
    return (_padded([s.drag.mach for s in vehicle.stages]),
            _padded([s.drag.cd for s in vehicle.stages]))


def _mask(stages: tuple[int, ...]) -> int:
    """Stage indices as the bits of one integer."""
    out = 0
    for k in stages:
        out |= 1 << k
    return out


def phase_table(vehicle: Vehicle, mission: Mission) -> np.ndarray:
    """The phase table (``PH_*``): each phase's law, engines, drops, drag and cut-offs.

    The drag of a phase is the lowest stage still attached (its reference area and table);
    the working columns the kernel fills when the phase begins are left at zero.
    """
    rows = np.zeros((len(mission.phases), N_PH))
    n_stages = len(vehicle.stages)
    dropped = 0  # the stages dropped so far, as bits
    for row, ph in zip(rows, mission.phases):
        drop = _mask(ph.drop)
        dropped |= drop
        kept = ~dropped
        lowest = min((kept & -kept).bit_length() - 1, n_stages - 1)  # its lowest bit
        burning = ph.burning
        row[PH_MODE] = mode_code(ph.guidance)
        row[PH_THROTTLE] = ph.throttle if burning else 0.0
        row[PH_BURN] = _mask(burning)
        row[PH_DROP_MASK] = drop
        row[PH_DROP] = ph.jettison
        row[PH_AREF] = vehicle.stages[lowest].reference_area
        row[PH_CD_ROW] = lowest
        row[PH_T_END] = ph.until_time
        row[PH_V_END] = ph.until_speed
        row[PH_E_END] = ph.until_energy
        row[PH_RANGE_END] = ph.until_range
        row[PH_YAW] = ph.yaw
    return rows


def _targets(mission: Mission) -> np.ndarray:
    """Closed-loop targets of each phase: cut-off radius [m], flight-path angle [rad] and
    guidance cycle [s] (NaN rows for open-loop phases)."""
    out = np.full((len(mission.phases), 3), np.nan)
    for i, ph in enumerate(mission.phases):
        if ph.is_closed_loop:
            rp, ra = WGS84_A + ph.target_perigee, WGS84_A + ph.target_apogee
            gamma = ph.target_flight_path_angle
            out[i] = (cutoff_radius(rp, ra, gamma), gamma, ph.cycle)
    return out


def stage_table(vehicle: Vehicle) -> np.ndarray:
    """The stage table (``STG_*``): thrust, flow, exit area, propellant and dry mass of
    each stage, and the ``tab`` row of a solid motor's thrust curve (``_tables`` puts the
    curves there in stage order)."""
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


@jit
def _launch_frame(theta0: float, omega: float, lat: float, lon: float, alt: float,
                  p: np.ndarray, y0: np.ndarray) -> None:
    """The site's east, north and up in inertial axes at liftoff (into ``p``) and the pad's
    inertial position and velocity, turning with the Earth (into ``y0[:6]``)."""
    rot = eci_from_ecef(theta0)
    enu = ecef_from_enu(lat, lon)
    r = ecef_from_geodetic(lat, lon, alt)
    for j, col in enumerate((P_EAST, P_NORTH, P_UP)):
        for i in range(3):
            p[col + i] = rot[i, 0] * enu[0, j] + rot[i, 1] * enu[1, j] + rot[i, 2] * enu[2, j]
    for i in range(3):
        y0[i] = rot[i, 0] * r[0] + rot[i, 1] * r[1] + rot[i, 2] * r[2]
    y0[3], y0[4], y0[5] = -omega * y0[1], omega * y0[0], 0.0  # the Earth's turn, omega x r


def pack(vehicle: Vehicle, mission: Mission, options: SimOptions,
         initial_state: np.ndarray | None = None) -> Packed:
    """A vehicle on a mission as the kernel's arrays.

    The launch site and epoch give the Earth's rotation angle at liftoff and the launch
    frame; the state starts at rest on the pad (turning with the Earth) unless an
    ``initial_state`` [m, m/s, kg] is given; a mission with third bodies carries the Moon and
    Sun as a row of ``tab``.
    """
    site = mission.site
    jd = julian_date_utc(mission.epoch)
    theta0 = earth_rotation_angle(*jd)
    omega = OMEGA_EARTH if options.earth_rotation else 0.0
    p = np.zeros(N_P)
    p[P_THETA0], p[P_OMEGA] = theta0, omega
    p[P_J2] = J2_EARTH if options.j2 else 0.0
    p[P_ATMOS] = 1.0 if options.atmosphere else 0.0
    p[P_MU] = GM_EARTH if options.gravity else 0.0
    p[P_RHO_SCALE] = mission.environment.density_scale
    p[P_WIND_FROM] = mission.environment.wind_from
    p[P_EPH_ROW] = -1.0
    p[P_AZ] = mission.azimuth
    y0 = np.empty(N_STATE)
    _launch_frame(theta0, omega, site.lat, site.lon, site.alt, p, y0)
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
    wind_v: Sequence[float] = env.wind_speed
    if env.wind_scale != 1.0:
        wind_v = [v * env.wind_scale for v in wind_v]
    rows: list[Sequence[float] | np.ndarray] = [pitch_t, pitch_el, env.wind_altitude, wind_v]
    for s in vehicle.stages:
        if s.thrust_curve is not None:
            rows += [s.thrust_curve[0], s.thrust_curve[1]]
    return _padded(rows)


def pad_state(vehicle: Vehicle, mission: Mission, options: SimOptions | None = None
              ) -> np.ndarray:
    """Inertial state at t = 0 of the vehicle resting on the pad [m, m/s, kg]."""
    return pack(vehicle, mission, options or SimOptions()).y0.copy()


@jit
def _liftoff_forces(phases: np.ndarray, stg: np.ndarray, y0s: np.ndarray, p_site: float,
                    out: np.ndarray) -> None:
    """``liftoff_thrust_and_weight`` of a stack of flights into ``out`` (n, 2)."""
    for i in range(phases.shape[0]):
        burn = int(phases[i, 0, PH_BURN])
        f_vac, a_exit = 0.0, 0.0
        for k in range(stg.shape[1]):
            if (burn >> k) & 1 == 1 and stg[i, k, STG_PROP] > 0.0:
                f_vac += stg[i, k, STG_F_VAC]
                a_exit += stg[i, k, STG_A_EXIT]
        out[i, 0] = thrust(f_vac, a_exit, p_site, phases[i, 0, PH_THROTTLE])
        out[i, 1] = y0s[i, M] * G0


def liftoff_thrust_and_weight(phases: np.ndarray, stg: np.ndarray, y0: np.ndarray,
                              site_alt: float) -> tuple[Any, Any]:
    """Thrust of the first phase at the pad and the weight there [N].

    ``phases`` and ``stg`` are a phase and a stage table, ``y0`` the state at liftoff (two
    floats come back), or stacks of them (two arrays). The thrust is the equations of
    motion's (``models.propulsion.thrust``) for the engines lit at liftoff; a solid motor
    counts at its rated thrust.
    """
    p_site = atmosphere(min(max(site_alt, ALT_MIN), ALT_MAX))[1]
    one = phases.ndim == 2
    if one:
        phases, stg, y0 = phases[None], stg[None], y0[None]
    out = np.empty((phases.shape[0], 2))
    _liftoff_forces(phases, stg, y0, p_site, out)
    if one:
        return float(out[0, 0]), float(out[0, 1])
    return out[:, 0], out[:, 1]


def check_liftoff(vehicle: Vehicle, mission: Mission, pk: Packed | None = None) -> None:
    """Raise ``CatalogError`` if the first phase cannot lift the vehicle off the pad.

    ``pk`` is the flight already packed, whose phase and stage tables are then used.
    """
    first = mission.phases[0]
    y0 = np.zeros(N_STATE)
    y0[M] = vehicle.liftoff_mass
    phases = phase_table(vehicle, mission) if pk is None else pk.phases
    stg = stage_table(vehicle) if pk is None else pk.stg
    f, w = liftoff_thrust_and_weight(phases, stg, y0, mission.site.alt)
    if f <= w:
        raise CatalogError(
            vehicle.origin or vehicle.id, f"stages[{first.stage}].engines",
            f"thrust at liftoff {f / 1e3:.1f} kN is not above the weight {w / 1e3:.1f} kN"
            " (liftoff mass x g0): the vehicle cannot lift off")
