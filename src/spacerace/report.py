"""A flown mission as plain data (the ``--json`` document) and as a Markdown report."""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any

from spacerace.mission import ArchiveFigure
from spacerace.validation import ROLE_WORDS, Comparison, compare, summary_line

if TYPE_CHECKING:
    from spacerace.flight import FlightResult


def _archive_entry(fig: ArchiveFigure) -> dict[str, Any]:
    out: dict[str, Any] = {"value": fig.value, "unit": fig.unit, "source": fig.source,
                           "role": fig.role}
    if fig.by:
        out["by"] = fig.by
    if fig.low is not None:
        out["range"] = [fig.low, fig.high]
    for name in ("tolerance", "note", "text"):
        if getattr(fig, name):
            out[name] = getattr(fig, name)
    if fig.unconfirmed:
        out["unconfirmed"] = True
    if fig.derived:
        out["derived"] = True
    if fig.alternatives:
        out["alternatives"] = list(fig.alternatives)
    return out


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


def to_dict(result: FlightResult) -> dict[str, Any]:
    """The ``--json`` document: mission, vehicle, figures, archive, comparison, events."""
    m = result.mission
    details = result.trajectory.metadata.get("event_details", [""] * len(
        result.trajectory.events))
    doc: dict[str, Any] = {
        "mission": m.id,
        "mission_name": m.name,
        "vehicle": result.vehicle.id,
        "vehicle_name": result.vehicle.name,
        "epoch": m.epoch.isoformat().replace("+00:00", "Z"),
        "status": result.status,
        "figures": {k: _finite(float(v)) for k, v in result.figures.items()},
        "archive": {f.key: _archive_entry(f) for f in m.archive},
        "comparison": [
            {"figure": c.figure.key, "simulated": c.simulated, "archival": c.figure.value,
             "range": [c.figure.low, c.figure.high] if c.figure.low is not None else None,
             "error": c.error, "tolerance": c.figure.tolerance, "verdict": c.verdict,
             "source": c.figure.source, "unconfirmed": c.figure.unconfirmed,
             "role": c.figure.role, "role_text": ROLE_WORDS[c.figure.role],
             "by": c.figure.by or None}
            for c in compare(result.figures, m.archive)
        ],
        "events": [
            {"name": e.name, "t_s": e.t, "altitude_m": e.altitude, "speed_m_s": e.speed,
             "inertial_speed_m_s": e.inertial_speed, "lat_deg": math.degrees(e.lat),
             "lon_deg": math.degrees(e.lon), "detail": d}
            | ({"dynamic_pressure_pa": e.value} if e.name.startswith("max-Q") else {})
            for e, d in zip(result.trajectory.events, details)
        ],
        "sources": {**result.vehicle.sources, **m.sources},
    }
    for ph in m.phases:  # phases reported by name: also as one object each
        if ph.report and f"{ph.report}_t_s" in result.figures:
            doc["figures"][ph.report] = {
                k: result.figures[f"{ph.report}_{k}"]
                for k in ("t_s", "altitude_m", "inertial_speed_m_s", "flight_path_angle_deg")}
    for key in ("moon_closest_approach_time", "post_encounter_apogee_time",
                "post_encounter_perigee_time"):  # also as dates
        if f"{key}_s" in result.figures:
            when = m.epoch + dt.timedelta(seconds=result.figures[f"{key}_s"])
            doc["figures"][key] = when.isoformat().replace("+00:00", "Z")
    if result.aim is not None:
        doc["aim"] = {"cutoff_speed_m_s": _finite(result.aim.cutoff_speed),
                      "azimuth_deg": math.degrees(result.aim.azimuth) % 360.0,
                      "miss_distance_m": result.aim.miss_distance,
                      "iterations": result.aim.iterations}
        if math.isfinite(result.aim.injection_apogee):
            doc["aim"].update(injection_apogee_m=result.aim.injection_apogee,
                              injection_yaw_deg=math.degrees(result.aim.injection_yaw),
                              injection_flight_path_angle_deg=math.degrees(
                                  result.aim.injection_flight_path_angle),
                              injection_flights=result.aim.injection_flights)
    return doc


# The figures that say what a flight did, in the order people ask for them.
HEADLINE = (
    ("range_m", "range (along the ellipsoid)"),
    ("max_altitude_m", "highest point"),
    ("flight_time_s", "flight time"),
    ("burnout_speed_m_s", "speed at the last cut-off (Earth-relative)"),
    ("burnout_altitude_m", "altitude at the last cut-off"),
    ("perigee_altitude_m", "perigee"),
    ("apogee_altitude_m", "apogee"),
    ("inclination_deg", "inclination"),
    ("period_s", "period"),
    ("moon_closest_approach_m", "closest approach to the Moon (from its centre)"),
    ("miss_distance_m", "miss distance from the target"),
)
_UNIT_OF_SUFFIX = (("_m_s2", "m/s^2"), ("_m_s", "m/s"), ("_deg", "deg"), ("_days", "days"),
                   ("_pa", "Pa"), ("_kg", "kg"), ("_m", "m"), ("_s", "s"))


def unit_of_key(key: str) -> str:
    """The unit a figure's key names by its suffix (``range_m`` -> ``m``), or ""."""
    return next((u for suffix, u in _UNIT_OF_SUFFIX if key.endswith(suffix)), "")


def headline(figures: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(key, words, value for people) of the headline figures a flight has."""
    return [(k, words, format_value(float(figures[k]), unit_of_key(k)))
            for k, words in HEADLINE if isinstance(figures.get(k), (int, float))
            and math.isfinite(figures[k])]


def format_value(value: float | None, unit: str) -> str:
    """A figure for people: km for long lengths, degrees with 4 decimals, long times in hours
    or days."""
    if value is None:
        return "-"
    if unit == "m" and abs(value) >= 1000:
        return f"{value / 1e3:,.1f} km"
    if unit == "s" and abs(value) >= 2 * 86400:
        return f"{value / 86400:,.2f} days"
    if unit == "s" and abs(value) >= 7200:
        return f"{value / 3600:,.2f} h"
    if unit == "deg":
        return f"{value:.4f} deg"
    if unit in ("m", "m/s", "s", "days"):
        return f"{value:,.1f} {unit}"
    return f"{value:g} {unit}".strip()


def archival_text(c: Comparison) -> str:
    """The archival figure as shown in a table."""
    f = c.figure
    if f.low is not None and f.high is not None:
        text = f"{format_value(f.low, f.unit)} - {format_value(f.high, f.unit)}"
    elif f.value is not None:
        text = format_value(f.value, f.unit)
    else:
        text = f.text or "-"
    flags = [w for w, on in (("unconfirmed", f.unconfirmed), ("derived", f.derived)) if on]
    return text + (f" ({', '.join(flags)})" if flags else "")


def markdown(result: FlightResult) -> str:
    """A Markdown report: the comparison table, the events and the sources."""
    m = result.mission
    lines = [f"# {m.name}", "", f"Vehicle: {result.vehicle.name}. Liftoff "
             f"{m.epoch:%Y-%m-%d %H:%M:%S} UTC from {m.site.name}.", ""]
    if result.aim is not None and math.isfinite(result.aim.cutoff_speed):
        lines += [f"Aimed: cut-off at {result.aim.cutoff_speed:,.1f} m/s, azimuth "
                  f"{math.degrees(result.aim.azimuth) % 360:.2f} deg, miss "
                  f"{result.aim.miss_distance:.1f} m after {result.aim.iterations} flights.", ""]
    lines += ["| figure | simulated |", "|---|---|"]
    lines += [f"| {words} | {text} |" for _, words, text in headline(result.figures)]
    lines += [""]
    rows = compare(result.figures, m.archive)
    lines += ["Only predictions are scored: an aimed figure matches by construction (its "
              "residual checks the solver), a calibrated one was used to choose a parameter.",
              "", "| figure | role | simulated | archival | error | tolerance | verdict | "
              "source |", "|---|---|---|---|---|---|---|---|"]
    for c in rows:
        tol = format_value(c.figure.tolerance, c.figure.unit) if c.figure.tolerance else "-"
        role = ROLE_WORDS[c.figure.role] + (f": {c.figure.by}" if c.figure.by else "")
        lines.append(f"| {c.figure.key} | {role} | {format_value(c.simulated, c.figure.unit)}"
                     f" | {archival_text(c)} | {format_value(c.error, c.figure.unit)} | {tol} "
                     f"| {c.verdict} | {c.figure.source} |")
    if rows:
        lines += ["", summary_line(rows) + "."]
    lines += ["", "| event | t [s] | altitude [km] | speed [m/s] |", "|---|---|---|---|"]
    for e in result.trajectory.events:
        lines.append(f"| {e.name} | {e.t:.2f} | {e.altitude / 1e3:.2f} | {e.speed:.1f} |")
    lines += ["", "## Sources", ""]
    for key, cite in {**result.vehicle.sources, **m.sources}.items():
        lines.append(f"- **{key}**: {cite}")
    return "\n".join(lines) + "\n"
