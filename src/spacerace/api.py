"""The public entry points by name: load from the catalog (or files) and fly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from spacerace import ephem
from spacerace.catalog import load
from spacerace.errors import CatalogError
from spacerace.flight import fly as _fly
from spacerace.kernel.inputs import SimOptions
from spacerace.mission import Mission, Satellite
from spacerace.models import thermosphere
from spacerace.orbit import elements_from_state
from spacerace.propagate import DecayHistory, spent_stage_body
from spacerace.propagate import decay as propagate_decay
from spacerace.results import FlightResult
from spacerace.vehicle import Vehicle


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
    return fly_pair(v, m, options)


def fly_pair(v: Vehicle, m: Mission, options: SimOptions | None = None) -> FlightResult:
    """Fly a loaded vehicle and mission as ``fly`` does (aimed if the mission has a target)."""
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


@dataclass(frozen=True)
class BodyDecay:
    """A body left in orbit beside the satellite, followed down.

    Attributes
    ----------
    name : str
    figure : str
        Key of the archival figure its lifetime fills (empty: none).
    body : Satellite
        Its mass, mean area and Cd as flown.
    history : DecayHistory
    """

    name: str
    figure: str
    body: Satellite
    history: DecayHistory


def decay(mission: str | Path, vehicle: str | Path | None = None,
          options: SimOptions | None = None, max_days: float = 3650.0,
          on_day: Callable[[float], None] | None = None) -> tuple[FlightResult, DecayHistory]:
    """Fly an orbital mission, then follow its satellite's orbit down to re-entry.

    The decay starts from the simulated insertion (the state at the last cut-off), not from
    archival elements. ``decay_all`` follows the spent stages too.

    Raises
    ------
    CatalogError
        The mission reaches no orbit or its file has no ``[satellite]`` table.
    """
    res, hist, _ = decay_all(mission, vehicle, options, max_days, on_day, stages=False)
    return res, hist


def decay_all(mission: str | Path, vehicle: str | Path | None = None,
              options: SimOptions | None = None, max_days: float = 3650.0,
              on_day: Callable[[float], None] | None = None, stages: bool = True
              ) -> tuple[FlightResult, DecayHistory, list[BodyDecay]]:
    """``decay``, and each spent stage of the mission (``[[spent_stages]]``) from the same
    cut-off state: the stages burnt to orbit with the satellite.

    ``on_day`` reports the satellite's progress only.
    """
    v, m = load(mission, vehicle)
    if m.satellite is None:
        raise CatalogError(m.origin, "satellite", "a [satellite] table (mass, area, cd) to "
                           "compute drag in orbit")
    check_epoch(m, thermosphere.coverage(), "the space-weather table")
    res = _fly(v, m, options)
    return (res, *decay_after(res, max_days, on_day, stages))


def decay_after(res: FlightResult, max_days: float = 3650.0,
                on_day: Callable[[float], None] | None = None, stages: bool = True
                ) -> tuple[DecayHistory, list[BodyDecay]]:
    """Follow a flown orbital mission's satellite (and spent stages) down to re-entry."""
    v, m = res.vehicle, res.mission
    if m.satellite is None:
        raise CatalogError(m.origin, "satellite", "a [satellite] table (mass, area, cd) to "
                           "compute drag in orbit")
    check_epoch(m, thermosphere.coverage(), "the space-weather table")
    if "insertion_time_s" not in res.figures:
        raise CatalogError(m.origin, "phases", "a flight that reaches orbit (the cut-off state "
                           "has a perigee above 100 km)")
    cut = res.trajectory.cutoffs()[-1]
    state = res.trajectory.metadata["cutoff_state"]
    el = elements_from_state(np.asarray(state[:3]), np.asarray(state[3:6]))
    start = m.epoch + dt.timedelta(seconds=cut.t)
    hist = propagate_decay(el, start, m.satellite, max_days, on_day)
    left = res.trajectory.metadata["propellant_left_kg"]
    bodies = []
    for sp in m.spent_stages if stages else ():
        body = spent_stage_body(sp, v.stages[sp.stage], left[sp.stage])
        bodies.append(BodyDecay(sp.name, sp.figure, body,
                                propagate_decay(el, start, body, max_days)))
    return hist, bodies


def lifetime_figures(res: FlightResult) -> dict[str, float]:
    """The orbital lifetimes [days] a mission's archive asks for (``lifetime_days`` of the
    satellite, a spent stage's figure), from the flown insertion; empty if it asks none."""
    m = res.mission
    keys = {f.key for f in m.archive}
    wanted = {s.figure for s in m.spent_stages} & keys
    if m.satellite is None or not ("lifetime_days" in keys or wanted):
        return {}
    hist, bodies = decay_after(res, stages=bool(wanted))
    out = {"lifetime_days": hist.lifetime_days}
    out.update({b.figure: b.history.lifetime_days for b in bodies if b.figure})
    return out
