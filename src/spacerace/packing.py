"""Packing a vehicle and a mission into the kernel's plain arrays, and running the kernel.

The only place that knows how the data classes map onto the arrays of ``spacerace.dynamics``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from spacerace.constants import G0, GM_EARTH, J2_EARTH, OMEGA_EARTH
from spacerace.dynamics import (
    N_P,
    N_PH,
    N_STATE,
    N_STG,
    N_TAB,
    P_ATMOS,
    P_AZ,
    P_EAST,
    P_J2,
    P_MU,
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
    PH_T_END,
    PH_THROTTLE,
    PH_V_END,
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
from spacerace.kernel import run
from spacerace.mission import Mission
from spacerace.models.atmosphere import us76
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
    """

    rtol: float = 1e-9
    max_step: float = 20.0
    output_interval: float = 1.0
    max_time: float = 20_000.0
    j2: bool = True
    atmosphere: bool = True
    earth_rotation: bool = True
    gravity: bool = True


@dataclass(frozen=True)
class Packed:
    """A flight as the kernel sees it (see ``spacerace.dynamics`` for the layouts)."""

    y0: np.ndarray
    p: np.ndarray
    phases: np.ndarray
    stg: np.ndarray
    cd_mach: np.ndarray
    cd_val: np.ndarray
    tab: np.ndarray


def _stage_masses(vehicle: Vehicle) -> list[float]:
    """Mass of the stack from stage i upwards, for each i [kg]."""
    out = []
    for i in range(len(vehicle.stages)):
        upper = vehicle.stages[i:]
        out.append(vehicle.payload_mass + sum(s.dry_mass + s.propellant_mass for s in upper))
    return out


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
        rows[i, PH_THROTTLE] = 1.0 if ph.burning else 0.0
        rows[i, PH_BURN] = sum(1 << k for k in ph.burning)
        rows[i, PH_DROP_MASK] = sum(1 << k for k in ph.drop)
        rows[i, PH_DROP] = ph.jettison
        rows[i, PH_AREF] = vehicle.stages[lowest].reference_area
        rows[i, PH_CD_ROW] = lowest
        rows[i, PH_T_END] = ph.until_time
        rows[i, PH_V_END] = ph.until_speed
        rows[i, PH_E_END] = ph.until_energy
    return rows


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
    p[P_AZ] = mission.azimuth
    p[P_EAST:P_EAST + 3], p[P_NORTH:P_NORTH + 3], p[P_UP:P_UP + 3] = enu[:, 0], enu[:, 1], enu[:, 2]
    r = rot @ ecef_from_geodetic(site.lat, site.lon, site.alt)
    y0 = np.empty(N_STATE)
    y0[:3] = r
    y0[3:6] = np.cross([0.0, 0.0, omega], r)
    y0[M] = vehicle.liftoff_mass
    if initial_state is not None:
        y0[:] = initial_state
    cd_mach, cd_val = _drag_tables(vehicle)
    return Packed(y0, p, phase_table(vehicle, mission), stage_table(vehicle), cd_mach,
                   cd_val, _tables(vehicle, mission))


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
    p_site = us76(min(max(site_alt, -5000.0), 1e6))[1]
    burn = phases[..., 0, PH_BURN].astype(np.int64)
    f = np.zeros(np.shape(burn), dtype=np.float64)
    for k in range(stg.shape[-2]):
        on = ((burn >> k) & 1).astype(bool) & (stg[..., k, STG_PROP] > 0)
        # solid motors: the curve's first point sets the thrust at ignition
        f = f + np.where(on, stg[..., k, STG_F_VAC] - p_site * stg[..., k, STG_A_EXIT], 0.0)
    return f * phases[..., 0, PH_THROTTLE], y0[..., M] * G0


def check_liftoff(vehicle: Vehicle, mission: Mission) -> None:
    """Raise ``CatalogError`` if the first phase cannot lift the vehicle off the pad."""
    first = mission.phases[0]
    y0 = np.zeros(N_STATE)
    y0[M] = vehicle.liftoff_mass
    f, w = (float(x) for x in liftoff_thrust_and_weight(
        phase_table(vehicle, mission), stage_table(vehicle), y0, mission.site.alt))
    if f <= w:
        raise CatalogError(
            vehicle.origin or vehicle.id, f"stages[{first.stage}].engines",
            f"thrust at liftoff {f / 1e3:.1f} kN is not above the weight {w / 1e3:.1f} kN"
            " (liftoff mass x g0): the vehicle cannot lift off")


def run_packed(pk: Packed, options: SimOptions) -> tuple[Any, ...]:
    """Fly all phases; returns the samples, the events, the status and the working phases."""
    n_max = int(options.max_time / options.output_interval) + 4 * len(pk.phases) + 16
    out_t, out_y = np.empty(n_max), np.empty((n_max, N_STATE))
    out_phase = np.empty(n_max, dtype=np.int64)
    ev_max = 64 + 8 * len(pk.phases)
    ev_t, ev_y = np.empty(ev_max), np.empty((ev_max, N_STATE))
    ev_code, ev_dir = np.empty(ev_max, dtype=np.int64), np.empty(ev_max, dtype=np.int64)
    ev_phase = np.empty(ev_max, dtype=np.int64)
    y, clock, phases = pk.y0.copy(), np.zeros(1), pk.phases.copy()
    prop_left = pk.stg[:, STG_PROP].copy()
    n, n_ev, status = run(y, clock, 0, len(phases), options.max_time, pk.p, phases, pk.stg,
                          prop_left, pk.cd_mach, pk.cd_val, pk.tab, options.rtol, ATOL,
                          options.max_step, options.output_interval, out_t, out_y, out_phase,
                          ev_t, ev_code, ev_dir, ev_phase, ev_y)
    return (out_t[:n], out_y[:n], out_phase[:n], ev_t[:n_ev], ev_code[:n_ev], ev_dir[:n_ev],
            ev_phase[:n_ev], ev_y[:n_ev], np.int64(status), phases)


