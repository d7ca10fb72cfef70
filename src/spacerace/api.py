"""The public entry points by name: load from the catalog (or files) and fly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np

from spacerace import ephem
from spacerace.catalog import load
from spacerace.errors import CatalogError
from spacerace.flight import FlightResult, SimOptions
from spacerace.flight import fly as _fly
from spacerace.mission import Mission
from spacerace.models import thermosphere
from spacerace.orbit import elements_from_state
from spacerace.propagate import DecayHistory
from spacerace.propagate import decay as propagate_decay


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
    if m.third_bodies:
        ends = [ph.until_time for ph in m.phases if np.isfinite(ph.until_time)]
        check_epoch(m, ephem.coverage(), "the Moon and Sun ephemeris", max(ends, default=0.0))
    return _fly(v, m, options)


def check_epoch(m: Mission, cover: tuple[dt.datetime, dt.datetime], table: str,
                duration: float = 0.0) -> None:
    """Refuse, naming the mission file's epoch, a flight of ``duration`` seconds that a
    dated table does not ``cover`` (its first and end instants)."""
    first, end = cover
    if not first <= m.epoch < end - dt.timedelta(seconds=duration):
        raise CatalogError(m.origin or m.id, "mission.epoch",
                           f"expected a launch date that {table} covers, from {first:%Y-%m-%d} "
                           f"to {end:%Y-%m-%d}; found {m.epoch:%Y-%m-%dT%H:%M}Z")


def decay(mission: str | Path, vehicle: str | Path | None = None,
          options: SimOptions | None = None, max_days: float = 3650.0,
          on_day: Callable[[float], None] | None = None) -> tuple[FlightResult, DecayHistory]:
    """Fly an orbital mission, then follow its satellite's orbit down to re-entry.

    The decay starts from the simulated insertion (the state at the last cut-off), not from
    archival elements.

    Raises
    ------
    CatalogError
        The mission reaches no orbit or its file has no ``[satellite]`` table.
    """
    v, m = load(mission, vehicle)
    if m.satellite is None:
        raise CatalogError(m.origin, "satellite", "a [satellite] table (mass, area, cd) to "
                           "compute drag in orbit")
    check_epoch(m, thermosphere.coverage(), "the space-weather table")
    res = _fly(v, m, options)
    if "insertion_time_s" not in res.figures:
        raise CatalogError(m.origin, "phases", "a flight that reaches orbit (the cut-off state "
                           "has a perigee above 100 km)")
    cut = next(e for e in reversed(res.trajectory.events) if e.name == "cut-off")
    state = res.trajectory.metadata["cutoff_state"]
    el = elements_from_state(np.asarray(state[:3]), np.asarray(state[3:6]))
    start = m.epoch + dt.timedelta(seconds=cut.t)
    return res, propagate_decay(el, start, m.satellite, max_days, on_day)
