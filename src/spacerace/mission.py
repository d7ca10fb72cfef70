"""Mission description: launch site, date, flight plan, target and archival figures (SI)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field


@dataclass(frozen=True)
class LaunchSite:
    """A launch point on the WGS-84 ellipsoid: latitude, longitude [rad], height [m]."""

    name: str
    lat: float
    lon: float
    alt: float


@dataclass(frozen=True)
class Target:
    """An aim point on the ellipsoid: latitude, longitude [rad]."""

    name: str
    lat: float
    lon: float


# The guidance law solved in flight for a target orbit (``spacerace.guidance``).
CLOSED_LOOP_LAW = "linear_tangent"


@dataclass(frozen=True)
class PitchProgram:
    """Elevation of the thrust axis above the launch horizon against time [s, rad]."""

    t: tuple[float, ...]
    elevation: tuple[float, ...]


@dataclass(frozen=True)
class Phase:
    """One phase of the flight plan.

    Attributes
    ----------
    name : str
    guidance : str
        The law that steers the phase (``spacerace.guidance``): ``vertical``,
        ``pitch_program``, ``gravity_turn``, ``coast``, ``hold``, ``hold_horizontal`` or
        ``linear_tangent`` (``CLOSED_LOOP_LAW``).
    stage : int
        Index of the stage whose engines burn (ignored when coasting).
    engine_on : bool
    until_time : float
        Ends at this time since liftoff [s] (inf: no time limit).
    until_speed : float
        Ends at this speed relative to the Earth [m/s] (inf: none). The V-2's Brennschluss.
    until_energy : float
        Ends when the specific orbital energy reaches this value [J/kg] (inf: none): the
        target orbit's size is reached.
    until_range : float
        Ends when the free-flight range the vehicle would coast, on a Kepler conic to the
        equatorial radius, reaches this central angle [rad] (inf: none): the range control
        of an intercontinental missile.
    report : str
        Name under which the state at the phase's end is reported (``s_ic_cutoff`` gives
        ``s_ic_cutoff_t_s``, ``_altitude_m``, ``_inertial_speed_m_s``,
        ``_flight_path_angle_deg``); empty: not reported.
    throttle : float
        Fraction of the burning engines' rated flow and thrust [-]; 0.8 is one engine of
        five shut down (a centre-engine cut-off).
    burn : tuple of int
        Stages whose engines burn (default: ``stage`` alone); parallel staging burns several.
    drop : tuple of int
        Stages separated when the phase begins: their dry mass and unburnt propellant leave.
    jettison : float
        Other mass dropped when the phase begins (fairing, escape tower, interstage) [kg].
    target_perigee, target_apogee : float
        Target orbit of a closed-loop insertion phase: altitudes above the equatorial
        radius [m] (NaN: none).
    target_flight_path_angle : float
        Flight-path angle wanted at cut-off [rad] (0: insertion at an apsis).
    cycle : float
        Guidance cycle of a closed-loop phase [s]: the steering law is solved again this
        often, as the flight computers did.
    yaw : float
        Closed-loop phases: the steering plane turned about the local vertical at the phase's
        start, to the left of the flight [rad] (0: the plane of the orbit flown so far).
    """

    name: str
    guidance: str
    stage: int = 0
    engine_on: bool = True
    until_time: float = float("inf")
    until_speed: float = float("inf")
    until_energy: float = float("inf")
    until_range: float = float("inf")
    throttle: float = 1.0
    report: str = ""
    burn: tuple[int, ...] = ()
    drop: tuple[int, ...] = ()
    jettison: float = 0.0
    target_perigee: float = float("nan")
    target_apogee: float = float("nan")
    target_flight_path_angle: float = 0.0
    cycle: float = 1.0
    yaw: float = 0.0

    @property
    def burning(self) -> tuple[int, ...]:
        """Indices of the stages whose engines burn in this phase."""
        if not self.engine_on:
            return ()
        return self.burn or (self.stage,)

    @property
    def is_closed_loop(self) -> bool:
        """Whether the phase is flown by the closed-loop law, to its target orbit."""
        return self.guidance == CLOSED_LOOP_LAW and math.isfinite(self.target_perigee)


@dataclass(frozen=True)
class ArchiveFigure:
    """A figure from the records, to set beside the simulated one.

    Attributes
    ----------
    key : str
        Name of the simulated figure it matches (e.g. ``max_altitude_m``), or a free name.
    value : float or None
        The figure in SI units (None for a range or a text).
    low, high : float or None
        A published range in SI units, when the sources give one.
    unit : str
        SI unit of ``value`` (for display).
    tolerance : float or None
        Allowed |simulated - archival| in SI units, as written in the mission file.
    source, note : str
    unconfirmed, derived : bool
    text : str
        The figure as the record gives it, for non-numeric entries.
    role : str
        What the figure is to the flight (one of ``ROLES``): only a ``prediction`` is scored.
    by : str
        For an ``aimed`` figure, the aim or guidance target that makes it match; for a
        ``calibrated`` one, the parameter chosen with it in view and why.
    at : float
        Time since liftoff [s] at which the simulated figure is taken (NaN: a figure of the
        whole flight, e.g. its maximum); with ``quantity``.
    quantity : str
        What is taken at ``at``: one of ``INSTANT_QUANTITIES`` (empty: the key itself names
        a figure of the flight).
    """

    key: str
    value: float | None
    unit: str
    source: str
    low: float | None = None
    high: float | None = None
    tolerance: float | None = None
    note: str = ""
    unconfirmed: bool = False
    derived: bool = False
    text: str = ""
    alternatives: tuple[str, ...] = ()
    role: str = "prediction"
    by: str = ""
    at: float = float("nan")
    quantity: str = ""


# What an archival figure is to the flight. Only predictions are scored: an aimed figure
# matches by construction (its residual checks the solver), a calibrated one was used to
# choose a parameter, an input went into the flight, and context is a fact the simulation
# does not compute (casualties, dates of other events).
ROLES = {
    "prediction": "nothing in the flight was chosen with it in view",
    "aimed": "an aim or a guidance target makes it match by construction",
    "calibrated": "a free parameter was chosen with it in view",
    "input": "it went into the flight",
    "context": "a fact the simulation does not compute; shown only",
}


# What an archival figure with a time (``at``) can name, from the flown trajectory there:
# height above the WGS-84 ellipsoid, distance from the Earth's centre, distance from the
# Moon's centre and height above the Moon's mean radius [m].
INSTANT_QUANTITIES = ("altitude_m", "radius_m", "moon_distance_m", "moon_altitude_m")


@dataclass(frozen=True)
class Dispersion:
    """An uncertain input of a mission, for Monte Carlo studies.

    Attributes
    ----------
    path : str
        Field it perturbs, e.g. ``vehicle.stages[0].engines[0].thrust_vacuum`` or
        ``mission.azimuth`` (every element of a tuple gets the same offset).
    distribution : str
        ``normal``, ``uniform`` or ``truncnormal``.
    mean, sd : float
        Normal / truncated normal: offset mean and standard deviation (SI, or relative).
    low, high : float
        Uniform bounds, or truncation bounds of the truncated normal (as offsets).
    relative : bool
        Whether the numbers are fractions of the nominal value instead of SI offsets.
    source, note : str
    """

    path: str
    distribution: str
    mean: float = 0.0
    sd: float = 0.0
    low: float = float("-inf")
    high: float = float("inf")
    relative: bool = False
    source: str = ""
    note: str = ""


@dataclass(frozen=True)
class Satellite:
    """What air drag acts on once in orbit: mass [kg], reference area [m^2], Cd [-]."""

    mass: float
    area: float
    cd: float

    @property
    def ballistic(self) -> float:
        """Cd A / m [m^2/kg]."""
        return self.cd * self.area / self.mass


@dataclass(frozen=True)
class SpentStage:
    """A stage that reaches orbit with the satellite and comes down on its own.

    Attributes
    ----------
    stage : int
        Index of the vehicle's stage; it is still attached at the last cut-off.
    name : str
        Name to show (e.g. ``core stage``).
    figure : str
        Key of the archival figure its lifetime is scored against (empty: none).
    mass : float
        Mass in orbit [kg] (NaN: the stage's dry mass plus its propellant left at the last
        cut-off, as flown).
    area : float
        Mean projected area [m^2] (NaN: that of the stage tumbling at random, from its
        profile or else as a cylinder of its length and diameter).
    cd : float
        Drag coefficient on that area [-].
    """

    stage: int
    name: str
    cd: float
    figure: str = ""
    mass: float = float("nan")
    area: float = float("nan")


@dataclass(frozen=True)
class Environment:
    """The air the flight meets, beyond the standard atmosphere.

    Attributes
    ----------
    wind_altitude : tuple of float
        Altitudes of the wind profile [m].
    wind_speed : tuple of float
        Wind speed there [m/s] (linear between, held outside).
    wind_from : float
        Azimuth the wind blows from, clockwise from north [rad].
    wind_scale : float
        Factor on the whole profile [-] (a dispersed input).
    density_scale : float
        Factor on the standard atmosphere's density [-] (a dispersed input).
    """

    wind_altitude: tuple[float, ...] = (0.0,)
    wind_speed: tuple[float, ...] = (0.0,)
    wind_from: float = 0.0
    wind_scale: float = 1.0
    density_scale: float = 1.0


@dataclass(frozen=True)
class MoonTarget:
    """What a lunar injection is aimed at (the ``moon`` aim).

    Attributes
    ----------
    closest_approach : float
        Distance of the closest approach from the Moon's centre [m].
    inclination : float
        Inclination of the orbit the injection leaves on [rad] (NaN: not aimed at).
    time : float
        Time of the closest approach since liftoff [s] (NaN: not aimed at).
    latitude : float
        Ecliptic latitude of the periselene seen from the Moon's centre [rad] (NaN: not aimed
        at); aiming at it frees the injection's cut-off flight-path angle too.
    """

    closest_approach: float
    inclination: float = float("nan")
    time: float = float("nan")
    latitude: float = float("nan")


@dataclass(frozen=True)
class Mission:
    """A mission: who flies, from where, when, how, at what, and what the records say."""

    id: str
    name: str
    vehicle: str
    epoch: dt.datetime
    site: LaunchSite
    azimuth: float
    phases: tuple[Phase, ...]
    pitch_program: PitchProgram | None = None
    target: Target | None = None
    aim: tuple[str, ...] = ()
    target_inclination: float = float("nan")
    archive: tuple[ArchiveFigure, ...] = ()
    environment: Environment = field(default_factory=Environment)
    satellite: Satellite | None = None
    spent_stages: tuple[SpentStage, ...] = ()
    third_bodies: bool = False
    moon: MoonTarget | None = None
    dispersions: tuple[Dispersion, ...] = ()
    sources: dict[str, str] = field(default_factory=dict, compare=False)
    origin: str = ""
    summary: str = ""


def injection_phase(phases: tuple[Phase, ...]) -> int | None:
    """Index of a flight plan's last closed-loop burn (``linear_tangent`` with a target
    orbit): the injection that the ``moon`` aim solves; None if there is none."""
    for i in range(len(phases) - 1, -1, -1):
        ph = phases[i]
        if ph.is_closed_loop and ph.burning:
            return i
    return None
