"""Results of a flight: the trajectory table, its events and its metadata (plain data)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

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
        A quantity specific to the event (dynamic pressure at max-Q [Pa], else 0).
    """

    name: str
    t: float
    altitude: float
    speed: float
    inertial_speed: float
    lat: float
    lon: float
    value: float = 0.0


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
        """The first event of that name, or None."""
        return next((e for e in self.events if e.name == name), None)

    def to_pandas(self) -> Any:
        """The columns as a pandas DataFrame (pandas must be installed)."""
        import pandas as pd

        return pd.DataFrame(self.columns)
