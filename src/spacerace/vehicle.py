"""Vehicle description: frozen dataclasses in SI units (pure data, no behaviour but sums)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from spacerace.constants import G0, US76_P0


@dataclass(frozen=True)
class Engine:
    """A group of identical engines burning together.

    Attributes
    ----------
    name : str
    thrust_vacuum : float
        Vacuum thrust of the group [N].
    mass_flow : float
        Propellant mass flow of the group [kg/s].
    exit_area : float
        Total nozzle exit area of the group [m^2].
    """

    name: str
    thrust_vacuum: float
    mass_flow: float
    exit_area: float

    @property
    def isp_vacuum(self) -> float:
        """Vacuum specific impulse [s]."""
        return self.thrust_vacuum / (self.mass_flow * G0)

    @property
    def thrust_sea_level(self) -> float:
        """Thrust at the standard sea-level pressure [N]."""
        return self.thrust_vacuum - US76_P0 * self.exit_area


@dataclass(frozen=True)
class AeroTable:
    """Drag coefficient against Mach number, for a reference area."""

    mach: tuple[float, ...]
    cd: tuple[float, ...]


@dataclass(frozen=True)
class Stage:
    """A stage: structure, propellant, engines and the drag of the stack it tops.

    Attributes
    ----------
    dry_mass : float
        Mass without propellant [kg].
    propellant_mass : float
        Usable propellant [kg].
    diameter : float
        Reference diameter for drag [m].
    thrust_curve : tuple, optional
        Solid motors: time since ignition [s] and the fraction of ``thrust_vacuum`` then [-];
        the mass flow follows the same curve, scaled so that the propellant burns out at
        its end.
    length : float
        Length of the stage [m] (NaN: not given); the shape of a spent stage in orbit.
    profile : tuple, optional
        Its outline: increasing axial stations from the top [m] and the diameters there [m]
        (None: not given); the shape of a spent stage in orbit, in place of a cylinder of
        ``length`` and ``diameter``.
    """

    name: str
    dry_mass: float
    propellant_mass: float
    diameter: float
    engines: tuple[Engine, ...]
    drag: AeroTable
    thrust_curve: tuple[tuple[float, ...], tuple[float, ...]] | None = None
    length: float = math.nan
    profile: tuple[tuple[float, ...], tuple[float, ...]] | None = None

    @property
    def reference_area(self) -> float:
        """Cross-section used as the drag reference area [m^2]."""
        return math.pi * self.diameter**2 / 4.0

    @property
    def thrust_vacuum(self) -> float:
        """Vacuum thrust of all engines [N]."""
        return sum(e.thrust_vacuum for e in self.engines)

    @property
    def mass_flow(self) -> float:
        """Mass flow of all engines [kg/s]."""
        return sum(e.mass_flow for e in self.engines)

    @property
    def exit_area(self) -> float:
        """Nozzle exit area of all engines [m^2]."""
        return sum(e.exit_area for e in self.engines)


@dataclass(frozen=True)
class Vehicle:
    """A rocket: its stages (first to burn first) and its payload.

    Attributes
    ----------
    id, name : str
    stages : tuple of Stage
    payload_mass : float
        Payload carried to the end (warhead, satellite) [kg].
    sources : dict
        Source key -> citation, for every figure of the file.
    origin : str
        File the vehicle was read from (for messages and provenance).
    """

    id: str
    name: str
    stages: tuple[Stage, ...]
    payload_mass: float
    sources: dict[str, str] = field(default_factory=dict, compare=False)
    origin: str = ""

    @property
    def liftoff_mass(self) -> float:
        """Mass at liftoff [kg]."""
        return self.payload_mass + sum(s.dry_mass + s.propellant_mass for s in self.stages)
