"""Fly a vehicle on a mission: pack it into arrays, run the kernel, build the results.

``simulate(vehicle, mission, options) -> FlightResult`` is the one entry point; ``aim`` solves
the cut-off speed and azimuth that put the impact on the mission's target first, as the
V-2's range tables did.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from geographiclib.geodesic import Geodesic

from spacerace._version import __version__
from spacerace.constants import GM_EARTH, MOON_RADIUS, WGS84_A
from spacerace.dynamics import (
    D_ACCEL,
    D_ALT,
    D_DRAG,
    D_LAT,
    D_LON,
    D_MACH,
    D_MOON_R,
    D_Q,
    D_THRUST,
    D_VREL,
    EV_CUTOFF_ENERGY,
    EV_CUTOFF_RANGE,
    EV_CUTOFF_SPEED,
    EV_CUTOFF_TIME,
    EV_DEPLETION,
    EV_IMPACT,
    EV_MACH1,
    EV_MAXQ,
    EV_MOON_CA,
    EV_MOON_SOI,
    N_DIAG,
    M,
)
from spacerace.ephem import moon_sun_eci
from spacerace.errors import CatalogError, OutOfRangeError, SimulationError, UnreachableError
from spacerace.events import LIFTOFF, MOON_CA, event_name
from spacerace.kernel import (
    STATUS_GUIDANCE_GROUND,
    STATUS_GUIDANCE_SHORT,
    STATUS_IMPACT,
    STATUS_MESSAGES,
    STATUS_PHASES_DONE,
    STATUS_TIME_LIMIT,
    T_DOWNRANGE,
    T_FLIGHT_PATH_ANGLE,
    T_HEADING,
    T_SPEED_INERTIAL,
    T_X_ECEF,
    T_Y_ECEF,
    diagnose,
    table_rows,
)
from spacerace.lunar import aim_moon, encounter_figures, injection_phase, periselene_latitude
from spacerace.mission import Mission
from spacerace.models.atmosphere import ALT_UPPER
from spacerace.models.earth import (
    ecef_from_geodetic,
    geodetic_from_ecef,
    vincenty_distance,
)
from spacerace.orbit import elements_from_state, flight_path_angle
from spacerace.packing import (
    Packed,
    SimOptions,
    check_liftoff,
    pack,
    pad_state,
    run_packed,
    start_of_flight,
)
from spacerace.results import EventRecord, Trajectory
from spacerace.vehicle import Vehicle

REENTRY_INTERFACE = 100e3  # altitude taken as the top of the atmosphere on the way down [m]
ORBIT_MIN_PERIGEE = 100e3  # lowest perigee altitude counted as an orbit [m]
MAX_Q_FLOOR = 1000.0  # dynamic pressure below which a maximum is not reported [Pa]
CUTOFF_EVENTS = (EV_CUTOFF_SPEED, EV_CUTOFF_TIME, EV_DEPLETION, EV_CUTOFF_ENERGY,
                 EV_CUTOFF_RANGE)

__all__ = ["AimResult", "FlightResult", "SimOptions", "aim", "check_liftoff", "fly",
           "pad_state", "simulate"]

_WGS84 = Geodesic.WGS84


@dataclass(frozen=True)
class AimResult:
    """Outcome of aiming at a target: solved values and the remaining miss."""

    cutoff_speed: float  # [m/s]
    azimuth: float  # [rad]
    miss_distance: float  # [m]: of the impact point, or of the Moon's closest approach
    iterations: int
    # lunar injection (the ``moon`` aim): target apogee altitude [m], yaw of the steering
    # plane [rad], the trial flights it took and the cut-off flight-path angle [rad]
    injection_apogee: float = math.nan
    injection_yaw: float = math.nan
    injection_flights: int = 0
    injection_flight_path_angle: float = math.nan


@dataclass(frozen=True)
class FlightResult:
    """A flown mission: trajectory, summary figures (SI, unit in the key) and provenance."""

    mission: Mission
    vehicle: Vehicle
    trajectory: Trajectory
    figures: dict[str, float]
    status: str
    aim: AimResult | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def summary(self) -> dict[str, float]:
        """The summary figures (alias of ``figures``)."""
        return self.figures


def _columns(pk: Packed, t: np.ndarray, y: np.ndarray, phase: np.ndarray,
             site_ecef: np.ndarray) -> dict[str, np.ndarray]:
    lat0, lon0 = geodetic_from_ecef(*site_ecef)[:2]
    rows = table_rows(t, y, phase, pk.p, pk.phases, pk.cd_mach, pk.cd_val, pk.tab, lat0, lon0)
    lat, lon, downrange = rows[D_LAT], rows[D_LON], rows[T_DOWNRANGE]
    for i in np.flatnonzero(np.isnan(downrange)):  # nearly antipodal: Karney's method
        downrange[i] = _geodesic(lat0, lon0, lat[i], lon[i])[0]
    return {
        "t": t,
        "x_eci": y[:, 0], "y_eci": y[:, 1], "z_eci": y[:, 2],
        "vx_eci": y[:, 3], "vy_eci": y[:, 4], "vz_eci": y[:, 5],
        "x_ecef": rows[T_X_ECEF], "y_ecef": rows[T_Y_ECEF], "z_ecef": y[:, 2].copy(),
        "lat": lat, "lon": lon, "alt": rows[D_ALT],
        "mass": y[:, M],
        "speed_inertial": rows[T_SPEED_INERTIAL],
        "speed_relative": rows[D_VREL],
        "mach": rows[D_MACH],
        "dynamic_pressure": rows[D_Q],
        "thrust": rows[D_THRUST],
        "drag": rows[D_DRAG],
        "acceleration": rows[D_ACCEL],
        "flight_path_angle": rows[T_FLIGHT_PATH_ANGLE],
        "heading": rows[T_HEADING],
        "downrange": downrange,
        "phase": phase.astype(np.float64),
    }


def _event_records(pk: Packed, mission: Mission, ev: tuple[np.ndarray, ...]
                   ) -> tuple[list[EventRecord], list[str], list[np.ndarray]]:
    """Named events (liftoff first), their details and their inertial states."""
    ev_t, ev_code, ev_dir, ev_phase, ev_y = ev
    d = diagnose(ev_t, ev_y, ev_phase, pk.p, pk.phases, pk.cd_mach, pk.cd_val,
                 pk.tab) if len(ev_t) else np.empty((0, N_DIAG))
    phases = mission.phases
    records = [EventRecord(LIFTOFF, 0.0, mission.site.alt, 0.0, math.hypot(*pk.y0[3:6]),
                           mission.site.lat, mission.site.lon)]
    details = [""]
    states = [pk.y0]
    speeds = np.linalg.norm(ev_y[:, 3:6], axis=1)
    for i in range(len(ev_t)):
        iph = int(ev_phase[i])
        nxt = phases[iph + 1] if iph + 1 < len(phases) else None
        name, detail = event_name(int(ev_code[i]), int(ev_dir[i]), bool(phases[iph].burning),
                                  bool(nxt and nxt.burning), nxt.name if nxt else "")
        value = float(d[i, D_Q]) if ev_code[i] == EV_MAXQ else 0.0
        if ev_code[i] in (EV_MOON_CA, EV_MOON_SOI):
            value = float(d[i, D_MOON_R])
        if ev_code[i] == EV_MAXQ and value < MAX_Q_FLOOR:
            continue  # a turning point of a vanishing q high up is not a max-Q
        if ev_code[i] == EV_MACH1 and d[i, D_ALT] > ALT_UPPER:
            continue  # above 86 km the standard defines no speed of sound
        records.append(EventRecord(name, float(ev_t[i]), float(d[i, D_ALT]),
                                   float(d[i, D_VREL]), float(speeds[i]),
                                   float(d[i, D_LAT]), float(d[i, D_LON]), value))
        details.append(detail)
        states.append(ev_y[i])
    return records, details, states


def _distance(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance along the WGS-84 ellipsoid [m]: Vincenty, or Karney's method where it fails."""
    d = vincenty_distance(lat1, lon1, lat2, lon2)
    if math.isnan(d):
        d = _geodesic(lat1, lon1, lat2, lon2)[0]
    return d


def _geodesic(lat1: float, lon1: float, lat2: float, lon2: float) -> tuple[float, float]:
    """Distance [m] and initial azimuth [rad] along the WGS-84 ellipsoid."""
    g = _WGS84.Inverse(math.degrees(lat1), math.degrees(lon1), math.degrees(lat2),
                       math.degrees(lon2))
    return float(g["s12"]), math.radians(g["azi1"])


def _perigee_radius(state: np.ndarray, mu: float) -> float:
    """Perigee radius [m] of the conic through an inertial state [m, m/s], mu [m^3/s^2]."""
    x, y, z, vx, vy, vz = (float(c) for c in state[:6])
    r = math.sqrt(x * x + y * y + z * z)
    if mu <= 0.0 or r == 0.0:
        return math.inf
    h2 = (y * vz - z * vy) ** 2 + (z * vx - x * vz) ** 2 + (x * vy - y * vx) ** 2
    energy = 0.5 * (vx * vx + vy * vy + vz * vz) - mu / r
    e2 = max(1.0 + 2.0 * energy * h2 / (mu * mu), 0.0)  # rounds below 0 on a circle
    return h2 / mu / (1.0 + math.sqrt(e2))


def orbit_figures(state: np.ndarray, t: float, mu: float = GM_EARTH) -> dict[str, float]:
    """Orbital figures of an inertial state [m, m/s] at time ``t`` [s], if it is an orbit.

    Apsis altitudes are above a sphere of the WGS-84 equatorial radius (6,378.137 km), the
    convention of the catalogues the archive quotes. Empty if the perigee is below 100 km.
    """
    if _perigee_radius(state, mu) < WGS84_A + ORBIT_MIN_PERIGEE - 10.0:
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
             cutoff_state: np.ndarray | None) -> dict[str, float]:
    c = traj.columns
    imp = traj.event("impact")
    apogees = [e.altitude for e in traj.events if e.name == "apogee"]
    fig: dict[str, float] = {
        "max_altitude_m": max(apogees + [float(np.max(c["alt"]))]),
        "max_dynamic_pressure_pa": float(np.max(c["dynamic_pressure"])),
        "max_acceleration_m_s2": float(np.max(c["acceleration"])),
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
        rng = _distance(mission.site.lat, mission.site.lon, imp.lat, imp.lon)
        fig.update(range_m=rng, flight_time_s=imp.t, impact_speed_m_s=imp.speed,
                   impact_lat_deg=math.degrees(imp.lat), impact_lon_deg=math.degrees(imp.lon))
        if mission.target is not None:
            fig["miss_distance_m"] = _distance(imp.lat, imp.lon, mission.target.lat,
                                               mission.target.lon)
    alt, t = c["alt"], c["t"]
    down = np.flatnonzero((alt[:-1] >= REENTRY_INTERFACE) & (alt[1:] < REENTRY_INTERFACE))
    if down.size:  # speed when the descent crosses the entry interface
        k = down[-1]
        f = (alt[k] - REENTRY_INTERFACE) / (alt[k] - alt[k + 1])
        fig["reentry_time_s"] = float(t[k] + f * (t[k + 1] - t[k]))
        fig["reentry_speed_m_s"] = float(c["speed_relative"][k] + f * (
            c["speed_relative"][k + 1] - c["speed_relative"][k]))
    passes = [e for e in traj.events if e.name == MOON_CA]
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
    maxq = traj.event("max-Q")
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


def _phase_end_figures(mission: Mission, ev: tuple[np.ndarray, ...]) -> dict[str, float]:
    """Figures of the state where each phase with a ``report`` name ended."""
    ev_t, ev_code, _, ev_phase, ev_y = ev
    out: dict[str, float] = {}
    for i, ph in enumerate(mission.phases):
        if not ph.report:
            continue
        ends = [j for j in range(len(ev_t)) if ev_phase[j] == i and ev_code[j] in CUTOFF_EVENTS]
        if not ends:
            continue
        y = np.asarray(ev_y[ends[-1]])
        r = float(np.linalg.norm(y[:3]))
        # latitude and height do not depend on the turn about the axis: no need for ECEF
        _, _, alt = geodetic_from_ecef(float(y[0]), float(y[1]), float(y[2]))
        out[f"{ph.report}_t_s"] = float(ev_t[ends[-1]])
        out[f"{ph.report}_altitude_m"] = float(alt)
        out[f"{ph.report}_inertial_speed_m_s"] = float(np.linalg.norm(y[3:6]))
        out[f"{ph.report}_flight_path_angle_deg"] = math.degrees(math.asin(
            float(np.dot(y[:3], y[3:6])) / (r * float(np.linalg.norm(y[3:6])))))
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
    at = start_of_flight(pk)
    out_t, out_y, out_phase, *ev, status, working = run_packed(pk, options, at)
    pk = dataclasses.replace(pk, phases=working)  # diagnostics need the lit engines
    if status in (STATUS_GUIDANCE_GROUND, STATUS_GUIDANCE_SHORT):
        raise UnreachableError(_guidance_failure(mission, int(status), out_t, out_y,
                                                 out_phase))
    if status not in (STATUS_IMPACT, STATUS_PHASES_DONE, STATUS_TIME_LIMIT):
        raise SimulationError(f"{mission.id}: {STATUS_MESSAGES[int(status)]}")
    site_ecef = ecef_from_geodetic(mission.site.lat, mission.site.lon, mission.site.alt)
    records, details, states = _event_records(pk, mission, tuple(ev))
    cutoffs = [(r, y) for r, y in zip(records, states) if r.name == "cut-off"]
    cutoff, cut_y = cutoffs[-1] if cutoffs else (None, None)
    traj = Trajectory(
        columns=_columns(pk, out_t, out_y, out_phase, site_ecef),
        events=tuple(records),
        phase_names=tuple(ph.name for ph in mission.phases),
        metadata={"spacerace_version": __version__, "mission": mission.id,
                  "vehicle": vehicle.id, "event_details": details,
                  "options": dataclasses.asdict(options)},
    )
    figures = _figures(mission, traj, cutoff, cut_y)
    figures.update(_phase_end_figures(mission, tuple(ev)))
    figures.update(_instant_figures(mission, traj))
    if cut_y is not None:
        traj.metadata["cutoff_state"] = [float(x) for x in cut_y]
    # what each stage has left at the end (0 for a dropped stage) [kg]
    traj.metadata["propellant_left_kg"] = [float(x) for x in at.prop_left]
    return FlightResult(mission, vehicle, traj, figures, STATUS_MESSAGES[int(status)],
                        metadata=traj.metadata)


def _guidance_failure(mission: Mission, status: int, t: np.ndarray, y: np.ndarray,
                      phase: np.ndarray) -> str:
    """One line: which closed-loop phase failed, when, and how far from its target."""
    i = int(phase[-1]) if len(phase) else 0
    ph = mission.phases[i]
    where = f"{mission.id}: phase {i} ({ph.name})"
    target = f"{ph.target_perigee / 1e3:,.0f} x {ph.target_apogee / 1e3:,.0f} km"
    if status == STATUS_GUIDANCE_GROUND:
        return (f"{where}: the closed-loop guidance steered the vehicle into the ground at "
                f"T+{t[-1]:.0f} s while aiming at the {target} orbit; the flight plan "
                "before it (pitch programme, staging) leaves it too low or too slow")
    r, v = y[-1, :3], y[-1, 3:6]
    needed = math.sqrt(max(2.0 * (ph.until_energy + GM_EARTH / float(np.linalg.norm(r))), 0.0))
    short = needed - float(np.linalg.norm(v))
    return (f"{where}: the propellant ran out at T+{t[-1]:.0f} s before the {target} orbit "
            f"was reached (about {short:,.0f} m/s short in speed at that height)")


# What aiming may solve for the range, and the phase field that holds it.
_RANGE_KNOBS = {"cutoff_speed": "until_speed", "cutoff_range": "until_range"}


def _with_aim(mission: Mission, knob: str | None, value: float | None,
              azimuth: float) -> Mission:
    """The mission with its range-setting cut-off value and its azimuth replaced."""
    if knob is None or value is None:
        return dataclasses.replace(mission, azimuth=azimuth)
    changes: dict[str, Any] = {knob: value}
    phases = tuple(dataclasses.replace(ph, **changes)
                   if math.isfinite(getattr(ph, knob)) else ph for ph in mission.phases)
    return dataclasses.replace(mission, phases=phases, azimuth=azimuth)


def _impact_point(vehicle: Vehicle, mission: Mission, options: SimOptions
                  ) -> tuple[float, float] | None:
    """Latitude and longitude of the impact [rad], or None: the kernel only, no tables."""
    check_liftoff(vehicle, mission)
    pk = pack(vehicle, mission, options)
    *_, ev_t, ev_code, _, ev_phase, ev_y, _, working = run_packed(pk, options)
    pk = dataclasses.replace(pk, phases=working)
    hits = np.flatnonzero(ev_code == EV_IMPACT)
    if hits.size == 0:
        return None
    i = hits[0]
    d = diagnose(ev_t[i:i + 1], ev_y[i:i + 1], ev_phase[i:i + 1], pk.p, pk.phases, pk.cd_mach,
                 pk.cd_val, pk.tab)
    return float(d[0, D_LAT]), float(d[0, D_LON])


def aim(vehicle: Vehicle, mission: Mission, options: SimOptions | None = None,
        tolerance: float = 1.0, max_iterations: int = 30) -> tuple[Mission, AimResult]:
    """Solve the cut-off and azimuth that bring the impact onto the mission's target.

    The range is set by the cut-off, on speed (the V-2's Brennschluss, ``cutoff_speed``) or
    on the predicted free-flight range (an ICBM's range control, ``cutoff_range``); the
    direction by the launch azimuth. From the file's values, a secant step on the cut-off
    value (kept inside the bracket of the trials that fell short and long, bisecting where
    the secant would leave it) and a fixed-point step on the azimuth are repeated until the
    miss is below ``tolerance`` [m].

    Returns
    -------
    tuple
        The mission with the solved values, and an ``AimResult``.

    Raises
    ------
    UnreachableError
        The target lies beyond the longest range of the flight plan (the engine burning to
        depletion), or the aim did not converge; the message gives the best it got.
    """
    if mission.target is None:
        raise CatalogError(mission.origin or mission.id, "target", "a target to aim at")
    options = options or SimOptions()
    site, tgt = mission.site, mission.target
    s_t, az_t = _geodesic(site.lat, site.lon, tgt.lat, tgt.lon)
    knob = next((_RANGE_KNOBS[k] for k in mission.aim if k in _RANGE_KNOBS), None)
    values = [getattr(ph, knob) for ph in mission.phases
              if knob and math.isfinite(getattr(ph, knob))]
    v = values[0] if values else None
    az = az_t if "azimuth" in mission.aim else mission.azimuth
    prev: tuple[float, float] | None = None
    short: float | None = None  # largest cut-off value that fell short
    long_: float | None = None  # smallest that went too far
    best = math.inf
    for it in range(1, max_iterations + 1):
        trial = _with_aim(mission, knob, v, az)
        hit = _impact_point(vehicle, trial, options)
        if hit is None:
            raise UnreachableError(f"{mission.id}: aiming at {tgt.name} failed: a trial "
                                   "flight has no impact (it went into orbit or stopped)")
        s_i, az_i = _geodesic(site.lat, site.lon, *hit)
        miss = _geodesic(hit[0], hit[1], tgt.lat, tgt.lon)[0]
        best = min(best, miss)
        if miss < tolerance:
            speed = v if knob == "until_speed" and v is not None else math.nan
            return trial, AimResult(speed, az, miss, it)
        if "azimuth" in mission.aim:
            az -= math.remainder(az_i - az_t, 2 * math.pi)
        if v is not None and knob is not None:
            err = s_i - s_t
            if err < 0.0:
                short = v if short is None else max(short, v)
                if it == 1:
                    _check_reach(vehicle, trial, knob, options, s_t)
            else:
                long_ = v if long_ is None else min(long_, v)
            # first step: range grows like speed squared, or like the range angle
            first = 2.0 * s_i / v if knob == "until_speed" else WGS84_A
            slope = first if prev is None or v == prev[0] else (err - prev[1]) / (v - prev[0])
            prev = (v, err)
            v = _bracketed(v - err / slope if slope > 0.0 else math.nan, v, short, long_)
    start = "" if not values else (
        f" (starting from the file's cut-off speed of {values[0]:,.6g} m/s)"
        if knob == "until_speed" else
        f" (starting from the file's cut-off range of {values[0] * WGS84_A / 1e3:,.6g} km)")
    raise UnreachableError(
        f"{mission.id}: aiming at {tgt.name} did not converge in {max_iterations} flights"
        f"{start}; the nearest impact was {best / 1e3:,.2f} km from it")


def _bracketed(step: float, v: float, short: float | None, long_: float | None) -> float:
    """The secant's next cut-off value where it stays inside what the trials have bracketed
    (above every value that fell short, below every one that went too far); else the
    bracket's middle, or double the value while nothing has gone too far yet."""
    lo = short if short is not None else 0.0
    hi = long_ if long_ is not None else max(2.0 * v, 1.0)  # 1 m/s, or 1 rad of range
    if math.isfinite(step) and lo < step < hi:
        return step
    return 0.5 * (lo + hi) if long_ is not None else hi


def _check_reach(vehicle: Vehicle, mission: Mission, knob: str, options: SimOptions,
                 distance: float) -> None:
    """Raise ``UnreachableError`` if even burning to depletion falls short of ``distance``."""
    assert mission.target is not None
    inf: dict[str, Any] = {knob: math.inf}
    full = dataclasses.replace(mission, phases=tuple(
        dataclasses.replace(ph, **inf) for ph in mission.phases))
    hit = _impact_point(vehicle, full, options)
    if hit is None:
        return  # burnt to depletion it does not come down: any range is within reach
    longest = _distance(mission.site.lat, mission.site.lon, *hit)
    if longest < distance:
        raise UnreachableError(
            f"{vehicle.name} from {mission.site.name} cannot reach {mission.target.name}: "
            f"its longest range on this flight plan is {longest / 1e3:,.0f} km, and the "
            f"target is {distance / 1e3:,.0f} km away")


def _cutoff_state(vehicle: Vehicle, mission: Mission, options: SimOptions,
                  stop: int | None = None) -> np.ndarray:
    """Inertial state at the last engine cut-off before phase ``stop`` (default: of the
    flight; the kernel only, no tables)."""
    options = dataclasses.replace(options, strict_guidance=False)  # a trial may fall short
    pk = pack(vehicle, mission, options)
    *_, ev_t, ev_code, _, ev_phase, ev_y, status, working = run_packed(pk, options, stop=stop)
    for j in range(len(ev_t) - 1, -1, -1):
        iph = int(ev_phase[j])
        nxt = iph + 1 < len(mission.phases) and mission.phases[iph + 1].burning
        if ev_code[j] in CUTOFF_EVENTS and mission.phases[iph].burning and not nxt:
            return np.asarray(ev_y[j])
    why = STATUS_MESSAGES[int(status)] if status != STATUS_PHASES_DONE else "it ended"
    raise UnreachableError(f"{mission.id}: aiming at the inclination failed: the flight has no "
                           f"engine cut-off to aim ({why} first)")


def aim_inclination(vehicle: Vehicle, mission: Mission, options: SimOptions | None = None,
                    tolerance: float = 1e-5, max_iterations: int = 20
                    ) -> tuple[Mission, AimResult]:
    """Solve the launch azimuth that gives the mission's target inclination (secant).

    The inclination is that of the last cut-off, or, on a mission aimed at the Moon, of the
    last cut-off before the lunar injection (the parking orbit).
    """
    options = options or SimOptions()
    check_liftoff(vehicle, mission)
    stop = injection_phase(mission) if "moon" in mission.aim else None
    goal = mission.target_inclination
    az = mission.azimuth
    prev: tuple[float, float] | None = None
    err = math.inf
    for it in range(1, max_iterations + 1):
        trial = dataclasses.replace(mission, azimuth=az)
        st = _cutoff_state(vehicle, trial, options, stop)
        err = elements_from_state(st[:3], st[3:6]).i - goal
        if abs(err) < tolerance:
            return trial, AimResult(math.nan, az, 0.0, it)
        slope = -1.0 if prev is None else (err - prev[1]) / (az - prev[0])
        prev = (az, err)
        az -= err / slope
    return dataclasses.replace(mission, azimuth=az), AimResult(math.nan, az, 0.0, it)


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
    """Aim (when the mission names a target and what to solve), then fly."""
    result_aim = None
    options = options_for(mission, options)
    if "inclination" in mission.aim:
        mission, result_aim = aim_inclination(vehicle, mission, options)
    elif mission.target is not None and mission.aim:
        mission, result_aim = aim(vehicle, mission, options)
    lunar = None
    if "moon" in mission.aim and mission.moon is not None:
        mission, lunar = aim_moon(vehicle, mission, options or SimOptions())
    res = simulate(vehicle, mission, options)
    if lunar is not None and mission.moon is not None:
        # the miss of the flight as flown, its injection steered every guidance cycle
        miss = abs(res.figures.get("moon_closest_approach_m", math.inf)
                   - mission.moon.closest_approach)
        result_aim = dataclasses.replace(
            result_aim or AimResult(math.nan, mission.azimuth, math.nan, 0),
            miss_distance=miss, injection_apogee=lunar.apogee, injection_yaw=lunar.yaw,
            injection_flights=lunar.flights,
            injection_flight_path_angle=lunar.flight_path_angle)
    return dataclasses.replace(res, aim=result_aim)
