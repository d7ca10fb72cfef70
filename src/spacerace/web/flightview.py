"""A flight made ready for the page's charts: a finely sampled ascent, encounters only.

A flight to the Moon is sampled every ``LONG_FLIGHT_OUTPUT`` s (``flight.options_for``),
which leaves its climb through the air, where max-Q and staging happen, as a few chords.
``with_fine_ascent`` flies that part again at a short flight's sampling; ``near_moon_events``
drops the range-rate minima to the Moon that are no encounter (one per parking-orbit turn).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from spacerace.export.czml import phase_styles
from spacerace.flight import simulate
from spacerace.kernel.events import EV_MOON_CA, EV_MOON_SOI, EVENTS
from spacerace.kernel.inputs import SimOptions
from spacerace.results import FlightResult, Trajectory

# The ascent of a flight sampled coarsely (a coast to the Moon) is flown again, sampled as a
# short flight, up to the first coast above the air at least this long [s], plus its start.
ASCENT_AIR_TOP_M = 120e3
ASCENT_COAST_S = 300.0
ASCENT_MARGIN_S = 120.0


def ascent_end(result: FlightResult) -> float | None:
    """Where the ascent of a coarsely sampled flight ends [s]; None for a finely sampled one.

    The end is ``ASCENT_MARGIN_S`` into the first unpowered phase that starts above
    ``ASCENT_AIR_TOP_M`` and lasts ``ASCENT_COAST_S`` or more (a parking orbit, a coast to
    the Moon), so that the engines' work and the whole passage through the air are in it.
    """
    traj = result.trajectory
    interval = traj.metadata.get("options", {}).get("output_interval", 0.0)
    if interval <= SimOptions().output_interval:
        return None
    alt = traj["alt"]
    for style in phase_styles(traj):
        start = int(np.searchsorted(traj.t, style["t_start"]))
        if (not style["powered"] and style["t_end"] - style["t_start"] >= ASCENT_COAST_S
                and alt[min(start, len(alt) - 1)] > ASCENT_AIR_TOP_M):
            return min(style["t_start"] + ASCENT_MARGIN_S, float(traj.t[-1]))
    return None


def with_fine_ascent(result: FlightResult) -> FlightResult:
    """The flight with its ascent sampled as a short flight's (``SimOptions`` defaults).

    A flight to the Moon is sampled every ``LONG_FLIGHT_OUTPUT`` s, too coarsely for the
    charts of its climb through the air (max-Q, staging). The same vehicle and (aimed)
    mission are flown again to ``ascent_end`` with the default sampling, and those samples
    replace the coarse ones before it; figures and events stay the whole flight's.
    """
    t_cut = ascent_end(result)
    if t_cut is None:
        return result
    fine = simulate(result.vehicle, result.mission, SimOptions(max_time=t_cut)).trajectory
    coarse = result.trajectory
    keep_fine = fine.t <= t_cut
    keep_coarse = coarse.t > float(fine.t[keep_fine][-1])
    columns = {k: np.concatenate([fine[k][keep_fine], coarse[k][keep_coarse]])
               for k in coarse.columns}
    traj = Trajectory(columns, coarse.events, coarse.phase_names, coarse.metadata)
    return dataclasses.replace(result, trajectory=traj)


def near_moon_events(result: FlightResult) -> FlightResult:
    """The flight without closest approaches to the Moon outside its sphere of influence.

    A range-rate minimum far from the Moon (in a parking orbit, each revolution has one)
    is no encounter; only those between entering and leaving the sphere are kept.
    """
    traj, inside, keep = result.trajectory, False, []
    for i, e in enumerate(traj.events):
        soi = e.kind == EVENTS[EV_MOON_SOI].kind
        inside = (inside or soi and e.direction < 0) and not (soi and e.direction > 0)
        if e.kind != EVENTS[EV_MOON_CA].kind or inside:
            keep.append(i)
    if len(keep) == len(traj.events):
        return result
    meta = dict(traj.metadata)
    details = meta.get("event_details")
    if details is not None and len(details) == len(traj.events):
        meta["event_details"] = [details[i] for i in keep]
    return dataclasses.replace(result, trajectory=dataclasses.replace(
        traj, events=tuple(traj.events[i] for i in keep), metadata=meta))
