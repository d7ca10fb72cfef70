"""Fly a vehicle on a mission: pack it, run it, and build the result.

``simulate(vehicle, mission, options) -> FlightResult`` flies the plan as it stands;
``fly`` first solves what the mission asks to be aimed (``spacerace.targeting``).
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

from spacerace._version import __version__
from spacerace.constants import GM_EARTH, MOON_RADIUS, WGS84_A
from spacerace.encounter import encounter_figures, periselene_latitude
from spacerace.ephem import moon_sun_eci
from spacerace.errors import OutOfRangeError, SimulationError, UnreachableError
from spacerace.guidance import failure_line, gave_up
from spacerace.kernel.events import (
    EV_APOGEE,
    EV_IMPACT,
    EV_MACH1,
    EV_MAXQ,
    EV_MOON_CA,
    EV_MOON_SOI,
    EVENT_ENDS,
    EVENTS,
    LIFTOFF,
    PHASE,
    cutoff_flags,
    event_name,
)
from spacerace.kernel.inputs import Events, KernelRun, Packed, Paused, SimOptions
from spacerace.kernel.layout import (
    D_ALT,
    D_LAT,
    D_LON,
    D_MOON_R,
    D_Q,
    D_VREL,
    N_DIAG,
    PH_THROTTLE,
    STATUS_IMPACT,
    STATUS_MESSAGES,
    STATUS_PHASES_DONE,
    STATUS_TIME_LIMIT,
    VX,
    VY,
    VZ,
    M,
    X,
    Y,
    Z,
)
from spacerace.kernel.output import diagnose, last_descent_through, table_columns, table_rows
from spacerace.mission import Mission
from spacerace.models.atmosphere import ALT_UPPER
from spacerace.models.earth import distance, geodetic_from_ecef
from spacerace.models.geodesic import geodesic
from spacerace.orbit import elements_from_state, flight_path_angle
from spacerace.packing import check_liftoff, pack, pad_state
from spacerace.results import AimResult, EventRecord, FlightResult, Trajectory
from spacerace.runner import run_packed
from spacerace.targeting import aim, aim_inclination, aim_mission
from spacerace.vehicle import Vehicle

REENTRY_INTERFACE = 100e3  # altitude taken as the top of the atmosphere on the way down [m]
ORBIT_MIN_PERIGEE = 100e3  # lowest perigee altitude counted as an orbit [m]
MAX_Q_FLOOR = 1000.0  # dynamic pressure below which a maximum is not reported [Pa]
# Rounding allowed below the orbit's lowest perigee before elements are computed at all [m].
PERIGEE_ROUNDING = 10.0

_OPTION_NAMES = tuple(f.name for f in dataclasses.fields(SimOptions))

__all__ = ["AimResult", "FlightResult", "SimOptions", "aim", "aim_inclination",
           "check_liftoff", "fly", "options_for", "pad_state", "simulate"]


def _columns(pk: Packed, kr: KernelRun, lat0: float, lon0: float) -> dict[str, np.ndarray]:
    """The trajectory's columns (``results.COLUMNS``) at the run's samples; the downrange
    from ``lat0``, ``lon0`` [rad]."""
    # copies: views would hold the kernel's whole buffers (1.5 MB for a V-2) in the result
    t, y = kr.t.copy(), kr.y.copy()
    cols = table_columns(table_rows(t, y, kr.phase, pk.p, pk.phases, pk.cd_mach, pk.cd_val,
                                    pk.tab, lat0, lon0))
    downrange = cols["downrange"]
    if math.isnan(downrange.sum()):  # Vincenty failed somewhere (nearly antipodal): Karney
        for i in np.flatnonzero(np.isnan(downrange)):
            downrange[i] = geodesic(lat0, lon0, cols["lat"][i], cols["lon"][i])[0]
    return {"t": t,
            "x_eci": y[:, X], "y_eci": y[:, Y], "z_eci": y[:, Z],
            "vx_eci": y[:, VX], "vy_eci": y[:, VY], "vz_eci": y[:, VZ],
            "z_ecef": y[:, Z].copy(), "mass": y[:, M],
            "phase": kr.phase.astype(np.float64), **cols}


def _event_records(pk: Packed, mission: Mission, ev: Events
                   ) -> tuple[list[EventRecord], list[str], np.ndarray | None,
                              EventRecord | None]:
    """Named events (liftoff first), their details, the inertial state at the last engine
    cut-off (None: no cut-off), and the ascent's max-Q (the first in a burning phase)."""
    d = diagnose(ev.t, ev.y, ev.phase, pk.p, pk.phases, pk.cd_mach, pk.cd_val,
                 pk.tab) if len(ev.t) else np.empty((0, N_DIAG))
    phases = mission.phases
    site = mission.site
    vx0, vy0, vz0 = pk.y0[VX:VZ + 1].tolist()
    records = [EventRecord.of(name=LIFTOFF, t=0.0, altitude=site.alt, speed=0.0,
                              inertial_speed=math.hypot(vx0, vy0, vz0), lat=site.lat,
                              lon=site.lon, value=0.0, code=-1, is_cutoff=False, kind=LIFTOFF,
                              major=True, direction=0)]
    details = [""]
    cut_at, maxq = -1, None
    # plain Python numbers, converted once
    ys = ev.y.tolist()
    cuts = cutoff_flags(ev.code, ev.phase, pk.phases).tolist()
    burning = (pk.phases[:, PH_THROTTLE] > 0.0).tolist()
    rows = d.tolist()
    for i, (iph, code, direction, t, cut) in enumerate(zip(
            ev.phase.tolist(), ev.code.tolist(), ev.direction.tolist(), ev.t.tolist(), cuts)):
        row = rows[i]
        value = row[D_Q] if code == EV_MAXQ else 0.0
        if code in (EV_MOON_CA, EV_MOON_SOI):
            value = row[D_MOON_R]
        if code == EV_MAXQ and value < MAX_Q_FLOOR:
            continue  # a turning point of a vanishing q high up is not a max-Q
        if code == EV_MACH1 and row[D_ALT] > ALT_UPPER:
            continue  # above 86 km the standard defines no speed of sound
        name, detail = event_name(code, direction, burning[iph], cut,
                                  phases[iph + 1].name if iph + 1 < len(phases) else "")
        y = ys[i]
        spec = EVENTS[code]
        rec = EventRecord.of(name, t, row[D_ALT], row[D_VREL],
                             math.hypot(y[VX], y[VY], y[VZ]), row[D_LAT], row[D_LON], value,
                             code, cut, spec.kind, cut or spec.major, direction)
        if code == EV_MAXQ and maxq is None and burning[iph]:
            maxq = rec
        if cut:
            cut_at = i
        records.append(rec)
        details.append(detail)
    return records, details, (ev.y[cut_at] if cut_at >= 0 else None), maxq


def perigee_radius(state: np.ndarray, mu: float = GM_EARTH) -> np.ndarray | float:
    """Perigee radius [m] of the conic through inertial states [m, m/s] (the last axis
    holds x, y, z, vx, vy, vz, ...), mu [m^3/s^2]; inf at the origin. One state gives a
    float, a stack of them an array."""
    st = np.asarray(state, dtype=float)
    if st.ndim == 1:  # one state: plain floats, far faster than arrays of one
        px, py, pz, qx, qy, qz = st[:6].tolist()
        if mu <= 0.0 or px == py == pz == 0.0:
            return math.inf
        return float(_perigee_radii(px, py, pz, qx, qy, qz, mu))
    x, y, z, vx, vy, vz = (st[..., j] for j in range(6))
    at_origin = (x == 0.0) & (y == 0.0) & (z == 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        rp = _perigee_radii(x, y, z, vx, vy, vz, mu)
    return np.where(at_origin | (mu <= 0.0), np.inf, rp)


def _perigee_radii(x: Any, y: Any, z: Any, vx: Any, vy: Any, vz: Any, mu: float) -> Any:
    """``perigee_radius`` in operators only, so on floats and arrays alike."""
    r = (x * x + y * y + z * z) ** 0.5
    h2 = (y * vz - z * vy) ** 2 + (z * vx - x * vz) ** 2 + (x * vy - y * vx) ** 2
    energy = 0.5 * (vx * vx + vy * vy + vz * vz) - mu / r
    e2 = 1.0 + 2.0 * energy * h2 / (mu * mu)
    e2 = e2 * (e2 > 0.0)  # rounds below 0 on a circle
    return h2 / mu / (1.0 + e2 ** 0.5)


def may_orbit(state: np.ndarray, mu: float = GM_EARTH) -> np.ndarray | bool:
    """Whether states could be orbits: perigee no lower than the orbit's lowest, less the
    rounding (elements are computed only for these)."""
    ok = perigee_radius(state, mu) >= WGS84_A + ORBIT_MIN_PERIGEE - PERIGEE_ROUNDING
    return ok if isinstance(ok, np.ndarray) else bool(ok)


def orbit_figures(state: np.ndarray, t: float, mu: float = GM_EARTH) -> dict[str, float]:
    """Orbital figures of an inertial state [m, m/s] at time ``t`` [s], if it is an orbit.

    Apsis altitudes are above a sphere of the WGS-84 equatorial radius (6,378.137 km), the
    convention of the catalogues the archive quotes. Empty if the perigee is below 100 km.
    """
    if not may_orbit(state, mu):
        return {}  # clearly no orbit (most flights; 10 m over the rounding): no elements
    try:
        el = elements_from_state(state[:3], state[3:6], mu)
    except OutOfRangeError:  # a vertical shot has no orbital plane
        return {}
    if el.e >= 1.0 or el.perigee_altitude() < ORBIT_MIN_PERIGEE:
        return {}
    return {"insertion_time_s": t, "perigee_altitude_m": el.perigee_altitude(),
            "apogee_altitude_m": el.apogee_altitude(), "inclination_deg": math.degrees(el.i),
            "period_s": el.period, "eccentricity": el.e, "semi_major_axis_m": el.a,
            "cutoff_flight_path_angle_deg": math.degrees(flight_path_angle(state[:3],
                                                                           state[3:6]))}


def _figures(mission: Mission, traj: Trajectory, cutoff: EventRecord | None,
             cutoff_state: np.ndarray | None, maxq: EventRecord | None) -> dict[str, float]:
    """The summary figures of a flight (SI, the unit in the key); ``maxq`` is the ascent's
    maximum of dynamic pressure (engines burning)."""
    c = traj.columns
    imp, apogees, passes = None, [], []  # one pass over the events
    for e in traj.events:
        if e.code == EV_IMPACT and imp is None:
            imp = e
        elif e.code == EV_APOGEE:
            apogees.append(e.altitude)
        elif e.code == EV_MOON_CA:
            passes.append(e)
    fig: dict[str, float] = {
        "max_altitude_m": max(apogees + [float(c["alt"].max())]),
        "max_dynamic_pressure_pa": float(c["dynamic_pressure"].max()),
        "max_acceleration_m_s2": float(c["acceleration"].max()),
    }
    if cutoff is not None and cutoff_state is not None:
        fig.update(burnout_time_s=cutoff.t, burnout_speed_m_s=cutoff.speed,
                   burnout_inertial_speed_m_s=cutoff.inertial_speed,
                   burnout_altitude_m=cutoff.altitude)
        orbit = orbit_figures(cutoff_state, cutoff.t)
        if orbit:
            fig.update(cutoff_time_s=cutoff.t, cutoff_altitude_m=cutoff.altitude,
                       cutoff_speed_m_s=cutoff.speed,
                       cutoff_inertial_speed_m_s=cutoff.inertial_speed, **orbit)
    if imp is not None:
        rng = distance(mission.site.lat, mission.site.lon, imp.lat, imp.lon)
        fig.update(range_m=rng, flight_time_s=imp.t, impact_speed_m_s=imp.speed,
                   impact_lat_deg=math.degrees(imp.lat), impact_lon_deg=math.degrees(imp.lon))
        if mission.target is not None:
            fig["miss_distance_m"] = distance(imp.lat, imp.lon, mission.target.lat,
                                               mission.target.lon)
    alt, t = c["alt"], c["t"]
    k = last_descent_through(alt, REENTRY_INTERFACE)
    if k >= 0:  # speed when the descent crosses the entry interface
        f = (alt[k] - REENTRY_INTERFACE) / (alt[k] - alt[k + 1])
        fig["reentry_time_s"] = float(t[k] + f * (t[k + 1] - t[k]))
        fig["reentry_speed_m_s"] = float(c["speed_relative"][k] + f * (
            c["speed_relative"][k + 1] - c["speed_relative"][k]))
    if passes:
        closest = min(passes, key=lambda e: e.value)
        fig.update(moon_closest_approach_m=closest.value,
                   moon_closest_approach_altitude_m=closest.value - MOON_RADIUS,
                   moon_closest_approach_time_s=closest.t)
        y = np.column_stack([c[k] for k in ("x_eci", "y_eci", "z_eci", "vx_eci", "vy_eci",
                                            "vz_eci")])
        fig["moon_closest_approach_latitude_deg"] = math.degrees(periselene_latitude(
            mission.epoch, closest.t, _state_at(c, closest.t)))
        fig.update(encounter_figures(t, y, closest.t))
    if maxq is not None:  # located exactly; the table may sample it coarsely (lunar flights)
        fig.update(max_q_time_s=maxq.t, max_q_altitude_m=maxq.altitude,
                   max_dynamic_pressure_pa=max(maxq.value, fig["max_dynamic_pressure_pa"]))
    return fig


def _state_at(c: dict[str, np.ndarray], t: float) -> np.ndarray:
    """Inertial position [m] at ``t`` [s] between two samples: the cubic Hermite curve
    through their positions and velocities."""
    i = int(np.clip(np.searchsorted(c["t"], t) - 1, 0, len(c["t"]) - 2))
    t0, t1 = c["t"][i], c["t"][i + 1]
    h = t1 - t0
    s = (t - t0) / h if h > 0.0 else 0.0
    h00, h10 = 2 * s**3 - 3 * s**2 + 1, s**3 - 2 * s**2 + s
    h01, h11 = -2 * s**3 + 3 * s**2, s**3 - s**2
    return np.array([h00 * c[x][i] + h10 * h * c[v][i] + h01 * c[x][i + 1] + h11 * h * c[v][i + 1]
                     for x, v in (("x_eci", "vx_eci"), ("y_eci", "vy_eci"),
                                  ("z_eci", "vz_eci"))])


def _instant_figures(mission: Mission, traj: Trajectory) -> dict[str, float]:
    """The figures the archive asks for at an instant (``at``, ``quantity``), under the
    archive figure's key; none outside the flown time."""
    c = traj.columns
    out: dict[str, float] = {}
    for fig in mission.archive:
        if not fig.quantity or not c["t"][0] <= fig.at <= c["t"][-1]:
            continue
        r = _state_at(c, fig.at)
        if fig.quantity == "radius_m":
            out[fig.key] = float(np.linalg.norm(r))
        elif fig.quantity == "altitude_m":
            # latitude and height do not depend on the turn about the axis: no need for ECEF
            out[fig.key] = float(geodetic_from_ecef(*(float(v) for v in r))[2])
        elif mission.third_bodies:  # from the Moon: only a flight that has it
            d = float(np.linalg.norm(r - moon_sun_eci(mission.epoch, np.array([fig.at]))[0][0]))
            out[fig.key] = d - MOON_RADIUS if fig.quantity == "moon_altitude_m" else d
    return out


def _phase_end_figures(mission: Mission, ev: Events) -> dict[str, float]:
    """Figures of the state where each phase with a ``report`` name ended."""
    ev_t, ev_code, _, ev_phase, ev_y = ev
    out: dict[str, float] = {}
    for i, ph in enumerate(mission.phases):
        if not ph.report:
            continue
        ends = [j for j in range(len(ev_t))
                if ev_phase[j] == i and EVENT_ENDS[ev_code[j]] == PHASE]
        if not ends:
            continue
        y = np.asarray(ev_y[ends[-1]])
        # latitude and height do not depend on the turn about the axis: no need for ECEF
        _, _, alt = geodetic_from_ecef(float(y[0]), float(y[1]), float(y[2]))
        out[f"{ph.report}_t_s"] = float(ev_t[ends[-1]])
        out[f"{ph.report}_altitude_m"] = float(alt)
        out[f"{ph.report}_inertial_speed_m_s"] = float(np.linalg.norm(y[3:6]))
        out[f"{ph.report}_flight_path_angle_deg"] = math.degrees(flight_path_angle(y[:3],
                                                                                  y[3:6]))
    return out


def simulate(vehicle: Vehicle, mission: Mission, options: SimOptions | None = None,
             initial_state: np.ndarray | None = None) -> FlightResult:
    """Fly ``vehicle`` on ``mission`` as planned (no aiming) and return the result.

    Parameters
    ----------
    vehicle : Vehicle
    mission : Mission
    options : SimOptions, optional
    initial_state : ndarray, shape (7,), optional
        Inertial state at t = 0 [m, m/s, kg] instead of resting on the pad (the liftoff
        check is then skipped).

    Returns
    -------
    FlightResult

    Raises
    ------
    CatalogError
        The vehicle cannot lift off.
    SimulationError
        The kernel failed (step limit, step underflow).
    """
    options = options or SimOptions()
    pk = pack(vehicle, mission, options, initial_state)
    if initial_state is None:
        check_liftoff(vehicle, mission, pk)
    at = Paused.at_liftoff(pk)
    kr = run_packed(pk, options, at)
    pk = pk.with_phases(kr.phases)  # diagnostics need the lit engines
    if gave_up(kr):
        raise UnreachableError(failure_line(mission, kr))
    if kr.status not in (STATUS_IMPACT, STATUS_PHASES_DONE, STATUS_TIME_LIMIT):
        raise SimulationError(f"{mission.id}: {STATUS_MESSAGES[kr.status]}")
    records, details, cut_y, maxq = _event_records(pk, mission, kr.events)
    cutoff = next((r for r in reversed(records) if r.is_cutoff), None)
    traj = Trajectory(
        columns=_columns(pk, kr, mission.site.lat, mission.site.lon),
        events=tuple(records),
        phase_names=tuple(ph.name for ph in mission.phases),
        metadata={"spacerace_version": __version__, "mission": mission.id,
                  "vehicle": vehicle.id, "event_details": details,
                  "options": {name: getattr(options, name) for name in _OPTION_NAMES}},
    )
    figures = _figures(mission, traj, cutoff, cut_y, maxq)
    figures.update(_phase_end_figures(mission, kr.events))
    figures.update(_instant_figures(mission, traj))
    if cut_y is not None:
        traj.metadata["cutoff_state"] = cut_y.tolist()
    # what each stage has left at the end (0 for a dropped stage) [kg]
    traj.metadata["propellant_left_kg"] = at.prop_left.tolist()
    return FlightResult(mission, vehicle, traj, figures, STATUS_MESSAGES[kr.status],
                        metadata=traj.metadata)


LONG_FLIGHT_OUTPUT = 600.0  # sampling and largest step of flights longer than a default [s]


def options_for(mission: Mission, options: SimOptions | None) -> SimOptions | None:
    """The caller's options, or defaults stretched to a plan longer than their time limit.

    A plan whose phases end later than the default limit (a coast to the Moon) gets that
    time, sampled every ``LONG_FLIGHT_OUTPUT`` s; otherwise None (the defaults).
    """
    if options is not None:
        return options
    default = SimOptions()
    ends = [ph.until_time for ph in mission.phases if math.isfinite(ph.until_time)]
    if not ends or max(ends) <= default.max_time:
        return None
    return dataclasses.replace(default, max_time=max(ends) + 60.0,
                               output_interval=LONG_FLIGHT_OUTPUT, max_step=LONG_FLIGHT_OUTPUT)


def fly(vehicle: Vehicle, mission: Mission, options: SimOptions | None = None) -> FlightResult:
    """Aim (when the mission names what to solve: ``targeting.aim_mission``), then fly."""
    options = options_for(mission, options)
    mission, result_aim = aim_mission(vehicle, mission, options)
    res = simulate(vehicle, mission, options)
    if result_aim is not None and "moon" in mission.aim and mission.moon is not None:
        # the miss of the flight as flown, its injection steered every guidance cycle
        miss = abs(res.figures.get("moon_closest_approach_m", math.inf)
                   - mission.moon.closest_approach)
        result_aim = dataclasses.replace(result_aim, miss_distance=miss)
    return dataclasses.replace(res, aim=result_aim)
