"""The public entry points by name: load from the catalog (or files) and fly."""

from __future__ import annotations

from pathlib import Path

from spacerace.catalog import load
from spacerace.flight import FlightResult, SimOptions
from spacerace.flight import fly as _fly


def fly(mission: str | Path, vehicle: str | Path | None = None,
        options: SimOptions | None = None) -> FlightResult:
    """Fly a catalog mission (``"v2-london"``) or a mission file, aiming it if it has a target.

    Parameters
    ----------
    mission : str or Path
        Catalog name or path of a mission TOML file.
    vehicle : str or Path, optional
        Catalog name or path of a vehicle TOML file (default: the mission's vehicle).
    options : SimOptions, optional
    """
    v, m = load(mission, vehicle)
    return _fly(v, m, options)
