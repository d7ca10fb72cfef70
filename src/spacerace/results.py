"""Results of a flight: the trajectory table, its events and its metadata (plain data)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from spacerace._typing import FloatArray
from spacerace.mission import Mission
from spacerace.vehicle import Vehicle

__all__ = ["COLUMNS", "EXPORT_COLUMNS", "AimResult", "EventRecord", "FloatArray",
           "FlightResult", "Trajectory"]

# Columns of a Trajectory, each with its unit (SI). Exporters rename them with unit suffixes.
COLUMNS: dict[str, str] = {
    "t": "s",
    "x_eci": "m", "y_eci": "m", "z_eci": "m",
    "vx_eci": "m/s", "vy_eci": "m/s", "vz_eci": "m/s",
    "x_ecef": "m", "y_ecef": "m", "z_ecef": "m",
    "lat": "rad", "lon": "rad", "alt": "m",
    "mass": "kg",
    "speed_inertial": "m/s",
    "speed_relative": "m/s",
    "mach": "1",
    "dynamic_pressure": "Pa",
    "thrust": "N",
    "drag": "N",
    "acceleration": "m/s^2",
    "flight_path_angle": "rad",
    "heading": "rad",
    "downrange": "m",
    "phase": "1",
}


# The columns as files and tables show them: named with their unit, angles in degrees
# (exported name -> (trajectory column, factor from SI)). One definition for the CSV, the
# Parquet file and ``Trajectory.to_pandas``.
EXPORT_COLUMNS: dict[str, tuple[str, float]] = {
    "t_s": ("t", 1.0),
    "phase": ("phase", 1.0),
    "lat_deg": ("lat", 180.0 / math.pi),
    "lon_deg": ("lon", 180.0 / math.pi),
    "alt_m": ("alt", 1.0),
    "downrange_m": ("downrange", 1.0),
    "v_mps": ("speed_relative", 1.0),
    "v_inertial_mps": ("speed_inertial", 1.0),
    "mach": ("mach", 1.0),
    "q_pa": ("dynamic_pressure", 1.0),
    "thrust_n": ("thrust", 1.0),
    "drag_n": ("drag", 1.0),
    "accel_mps2": ("acceleration", 1.0),
    "mass_kg": ("mass", 1.0),
    "flight_path_angle_deg": ("flight_path_angle", 180.0 / math.pi),
    "heading_deg": ("heading", 180.0 / math.pi),
    "x_eci_m": ("x_eci", 1.0), "y_eci_m": ("y_eci", 1.0), "z_eci_m": ("z_eci", 1.0),
    "vx_eci_mps": ("vx_eci", 1.0), "vy_eci_mps": ("vy_eci", 1.0), "vz_eci_mps": ("vz_eci", 1.0),
    "x_ecef_m": ("x_ecef", 1.0), "y_ecef_m": ("y_ecef", 1.0), "z_ecef_m": ("z_ecef", 1.0),
}
assert all(src in COLUMNS for src, _ in EXPORT_COLUMNS.values())


@dataclass(frozen=True)
class EventRecord:
    """One event of a flight: its name, time and the state there.

    Attributes
    ----------
    name : str
        Event name, e.g. ``"max-Q"``.
    t : float
        Time since liftoff [s].
    altitude : float
        Geodetic altitude [m].
    speed : float
        Speed relative to the rotating Earth [m/s].
    inertial_speed : float
        Speed in the inertial frame [m/s].
    lat, lon : float
        Geodetic latitude and longitude [rad].
    value : float
        A quantity specific to the event (dynamic pressure at max-Q [Pa], distance to the
        Moon's centre at a Moon event [m], else 0).
    code : int
        The event's code in the kernel's event table (``spacerace.kernel.events``; -1 for
        liftoff, which is not a root).
    is_cutoff : bool
        Whether it is an engine cut-off (the kernel's ``is_engine_cutoff``).
    kind : str
        The event's stable identifier (``"liftoff"``, ``"apogee"``, ``"impact"``,
        ``"moon_closest_approach"``, ``"depletion"``...; the kernel's event table).
    major : bool
        Whether views label it (liftoff, cut-offs, apogee, impact, closest approach).
    direction : int
        Sign of the crossing of its event function (+1 rising, -1 falling; 0 for liftoff):
        entering the Moon's sphere of influence is -1, leaving it +1.
    """

    name: str
    t: float
    altitude: float
    speed: float
    inertial_speed: float
    lat: float
    lon: float
    value: float = 0.0
    code: int = -1
    is_cutoff: bool = False
    kind: str = ""
    major: bool = False
    direction: int = 0

    @classmethod
    def of(cls, name: str, t: float, altitude: float, speed: float, inertial_speed: float,
           lat: float, lon: float, value: float, code: int, is_cutoff: bool, kind: str,
           major: bool, direction: int) -> EventRecord:
        """The record with every field given, equal to the constructor's and as frozen, in a
        third of its time: a frozen data class's ``__init__`` sets each field through
        ``object.__setattr__`` (2.5 us for these 13, measured), this fills the new
        instance's dict at once (a flight makes one record per event)."""
        rec = object.__new__(cls)
        rec.__dict__.update(name=name, t=t, altitude=altitude, speed=speed,
                            inertial_speed=inertial_speed, lat=lat, lon=lon, value=value,
                            code=code, is_cutoff=is_cutoff, kind=kind, major=major,
                            direction=direction)
        return rec


@dataclass(frozen=True)
class Trajectory:
    """A flown trajectory: columns (see ``COLUMNS``) sampled at the integrator's steps."""

    columns: dict[str, FloatArray]
    events: tuple[EventRecord, ...]
    phase_names: tuple[str, ...]
    metadata: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> FloatArray:
        return self.columns[name]

    @property
    def t(self) -> FloatArray:
        """Time since liftoff [s]."""
        return self.columns["t"]

    def event(self, name: str) -> EventRecord | None:
        """The first event of that name, or None (for people; code finds events by
        ``code`` or ``is_cutoff``)."""
        return next((e for e in self.events if e.name == name), None)

    def first(self, kind: str) -> EventRecord | None:
        """The first event of that kind (``EventRecord.kind``), or None."""
        return next((e for e in self.events if e.kind == kind), None)

    def of_kind(self, kind: str) -> list[EventRecord]:
        """Every event of that kind, in time order."""
        return [e for e in self.events if e.kind == kind]

    def cutoffs(self) -> list[EventRecord]:
        """The engine cut-offs, in time order."""
        return [e for e in self.events if e.is_cutoff]

    def export_columns(self) -> dict[str, FloatArray]:
        """The columns named with their unit, angles in degrees (``EXPORT_COLUMNS``)."""
        return {name: self.columns[src] * f for name, (src, f) in EXPORT_COLUMNS.items()}

    def phase_column(self) -> list[str]:
        """The name of the phase each sample was flown in."""
        return [self.phase_names[int(i)] for i in self.columns["phase"]]

    def to_pandas(self) -> Any:
        """The columns as a pandas DataFrame, as in the CSV file: named with their unit
        (``t_s``, ``lat_deg``, ``alt_m``), angles in degrees, and the phase's name.

        Raises
        ------
        ModuleNotFoundError
            pandas is not installed (``pip install "spacerace[all]"`` installs it).
        """
        try:
            import pandas as pd
        except ModuleNotFoundError as exc:
            raise ModuleNotFoundError(
                "Trajectory.to_pandas needs pandas: pip install 'spacerace[all]' or "
                "pip install pandas", name="pandas") from exc
        frame = pd.DataFrame(self.export_columns())
        frame.insert(2, "phase_name", self.phase_column())
        return frame


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
