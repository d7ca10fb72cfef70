"""What the page shows about numbers, taken from the server so the page copies none of it.

The page draws and formats nothing by rules of its own: each figure of a flight comes with its
unit, its label for people and its text (``figure_info``); each comparison row with the same;
each event with its flags (whether it is an engine cut-off, whether the charts mark it); the
what-if controls with their bounds, steps, units and labels, read from ``FlyRequest``'s fields;
the timeline's axis from the chapters' years; the height above which a Mach number means
nothing (the standard atmosphere's tabulated part).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from spacerace.constants import G0
from spacerace.event_kinds import LIFTOFF
from spacerace.models.atmosphere import ALT_UPPER
from spacerace.report import format_value
from spacerace.results import EventRecord
from spacerace.units import unit_of_key
from spacerace.web.whatif import DATE_MAX, DATE_MIN, FlyRequest

__all__ = ["MACH_CEILING_M", "controls", "display", "event_flags", "figure_info",
           "label", "timeline_axis"]

# A Mach number means something only in the air: up to the 1976 standard atmosphere's
# tabulated lower part (the flight's own Mach-1 events use the same height) [m].
MACH_CEILING_M = ALT_UPPER
LONG_DURATION_S = 600.0  # from here a duration is said in minutes, hours and days [s]
SECONDS_PER_DAY = 86400.0
SECONDS_PER_HOUR = 3600.0
SECONDS_PER_MINUTE = 60.0
PA_PER_KPA = 1e3
M_PER_KM = 1e3
ACCELERATION_UNITS = ("m/s^2", "m/s**2", "m/s2")

# Figures whose label is not what their key says in words.
LABELS = {
    "range_m": "Range", "max_altitude_m": "Highest point",
    "burnout_speed_m_s": "Speed at cut-off", "burnout_time_s": "Cut-off time",
    "burnout_altitude_m": "Cut-off altitude",
    "burnout_inertial_speed_m_s": "Inertial speed at cut-off", "flight_time_s": "Flight time",
    "impact_speed_m_s": "Impact speed", "impact_lat_deg": "Impact latitude",
    "impact_lon_deg": "Impact longitude", "killed": "Killed", "injured": "Injured",
    "max_dynamic_pressure_pa": "Max dynamic pressure",
    "max_acceleration_m_s2": "Max acceleration", "miss_distance_m": "Miss from the target",
    "max_q_time_s": "Max-Q time", "max_q_altitude_m": "Max-Q altitude",
    "perigee_altitude_m": "Perigee", "apogee_altitude_m": "Apogee",
    "inclination_deg": "Inclination", "period_s": "Period",
    "moon_closest_approach_m": "Closest approach to the Moon (from its centre)",
    "moon_closest_approach_altitude_m": "Closest approach above the Moon's surface",
    "moon_closest_approach_time_s": "Time of the closest approach to the Moon",
    "moon_closest_approach_time": "Closest approach to the Moon (UTC)",
}
_SUFFIX = re.compile(r"_(m_s2|m_s|deg|pa|kg|days|s|m)$")
_ACRONYMS = {"wac": "WAC", "icbm": "ICBM", "r2e": "R-2E", "r1": "R-1", "r2": "R-2",
             "tli": "TLI", "s ic": "S-IC", "s ii": "S-II", "s ivb": "S-IVB", "loi": "LOI",
             "blok e": "Blok E"}
_ACRONYM = re.compile(r"\b(" + "|".join(sorted(_ACRONYMS, key=len, reverse=True)) + r")\b")
_WORDS = ((re.compile(r"\bcutoff\b"), "cut-off"), (re.compile(r"\breentry\b"), "re-entry"),
          (re.compile(r" t$"), " time"), (re.compile(r"\bmoon\b"), "Moon"),
          (re.compile(r"\bearth\b"), "Earth"))


def label(key: str) -> str:
    """A figure's key in words for people (``tli_cutoff_t_s`` -> ``TLI cut-off time``)."""
    if key in LABELS:
        return LABELS[key]
    words = _ACRONYM.sub(lambda m: _ACRONYMS[m.group(0)], _SUFFIX.sub("", key).replace("_", " "))
    for pattern, to in _WORDS:
        words = pattern.sub(to, words)
    if words == "Moon closest approach":
        words += " (from its centre)"
    return words[:1].upper() + words[1:]


def _grouped(x: float, digits: int) -> str:
    return f"{x:,.{digits}f}"


def duration(t: float) -> str:
    """A duration [s] for people: seconds, then minutes, hours and days."""
    a, sign = abs(t), "\u2212" if t < 0 else ""
    if a < LONG_DURATION_S:
        return f"{sign}{_grouped(a, 1)} s"
    d, rest = divmod(a, SECONDS_PER_DAY)
    h, rest = divmod(rest, SECONDS_PER_HOUR)
    m, s = divmod(rest, SECONDS_PER_MINUTE)
    if a < SECONDS_PER_HOUR:
        return f"{sign}{int(m)} min {round(s)} s"
    if a < SECONDS_PER_DAY:
        return f"{sign}{int(h)} h {int(m)} min {round(s)} s"
    return f"{sign}{int(d)} d {int(h)} h {int(m)} min"


def _iso_text(text: str) -> str:
    """An ISO time as ``19 July 1969, 18:26:38 UTC``; other text as it is."""
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:.]+Z", text):
        return text
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    return f"{when.day} {when:%B %Y}, {when:%H:%M:%S} UTC"


def display(value: Any, unit: str) -> str:
    """A figure for people, as the page shows it.

    ``report.format_value``'s rules, with a degree sign, grouped digits, dynamic pressure in
    kPa, accelerations also in g and long durations in minutes, hours and days.
    """
    if isinstance(value, str):
        return _iso_text(value)
    if value is None or isinstance(value, bool) or not isinstance(value, int | float) \
            or not math.isfinite(value):
        return "\u2013"
    if unit == "m" and abs(value) >= M_PER_KM:
        return f"{_grouped(value / M_PER_KM, 1)} km"
    if unit == "deg":
        return f"{value:.4f}\u00b0"
    if unit == "s" and abs(value) >= LONG_DURATION_S:
        return duration(value)
    if unit in ("m", "m/s", "s"):
        return f"{_grouped(value, 1)} {unit}"
    if unit == "Pa":
        return f"{_grouped(value / PA_PER_KPA, 1)} kPa"
    if unit in ACCELERATION_UNITS:
        return f"{_grouped(value, 1)} m/s\u00b2 ({value / G0:.1f} g)"
    if unit == "persons":
        return _grouped(value, 0)
    return format_value(float(value), unit)


def figure_info(figures: dict[str, Any], archive: dict[str, dict[str, Any]]
                ) -> dict[str, dict[str, str]]:
    """Each flat figure's unit, label and text (objects, burn ends by name, are left out)."""
    out = {}
    for key, value in figures.items():
        if isinstance(value, dict):
            continue
        unit = (archive.get(key) or {}).get("unit") or unit_of_key(key)
        out[key] = {"unit": unit, "label": label(key), "text": display(value, unit)}
    return out


def comparison_texts(row: dict[str, Any], entry: dict[str, Any],
                     nominal: dict[str, Any] | None) -> dict[str, Any]:
    """The texts of a comparison row: label, unit, simulated, archival, error, nominal."""
    unit = entry.get("unit") or unit_of_key(row["figure"])
    if entry.get("range"):
        archival = " \u2013 ".join(display(v, unit) for v in entry["range"])
    elif entry.get("value") is not None:
        archival = display(entry["value"], unit)
    else:
        archival = entry.get("text") or "\u2013"
    flags = [w for w in ("unconfirmed", "derived") if entry.get(w)]
    if flags:
        archival += f" ({', '.join(flags)})"
    out = {"label": label(row["figure"]), "unit": unit,
           "simulated_text": display(row["simulated"], unit), "archival_text": archival,
           "error_text": display(row["error"], unit)}
    if nominal is not None and row["figure"] in nominal:
        out["nominal_text"] = display(nominal[row["figure"]], unit)
    return out


def event_flags(event: EventRecord) -> dict[str, Any]:
    """What the page needs to know of an event beyond its name and state: the record's own
    flags (``results.EventRecord``: its kind in the kernel's event table, whether it is an
    engine cut-off, whether views label it)."""
    return {"is_cutoff": event.is_cutoff, "code": event.code, "kind": event.kind,
            "marked": event.major and event.kind != LIFTOFF,
            "is_liftoff": event.kind == LIFTOFF}


# --- what-if controls --------------------------------------------------------------------

def _bounds(name: str) -> tuple[float, float]:
    lo = hi = None
    for meta in FlyRequest.model_fields[name].metadata:
        lo = getattr(meta, "ge", lo)
        hi = getattr(meta, "le", hi)
    if lo is None or hi is None:
        raise ValueError(f"FlyRequest.{name} has no bounds")
    return float(lo), float(hi)


def _field_info(name: str) -> dict[str, Any]:
    field = FlyRequest.model_fields[name]
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    return dict(extra)


# How far a control reaches from the nominal flight, within the request's own bounds:
# payload up to this many times the nominal (at least PAYLOAD_MIN_MAX_KG), cut-off speed
# this fraction either side, azimuth this many degrees either side.
PAYLOAD_REACH = 3.0
PAYLOAD_MIN_MAX_KG = 2000.0
PAYLOAD_ROUND_KG = 100.0
CUTOFF_REACH = 0.5
AZIMUTH_REACH_DEG = 45.0


def controls(nominal: dict[str, Any]) -> list[dict[str, Any]]:
    """The what-if controls for a flight: name, label, unit, min, max, step and nominal value.

    Bounds come from ``FlyRequest``'s fields; payload, cut-off speed and azimuth are also
    kept near the nominal flight's value (a slider over 0-100 t is useless for a V-2).
    """
    out = []
    for name in ("thrust_factor", "propellant_factor", "payload_mass_kg", "cutoff_speed_m_s",
                 "azimuth_deg"):
        value = nominal.get(name)
        if value is None:
            continue  # no cut-off by speed in this mission
        lo, hi = _bounds(name)
        if name == "payload_mass_kg":
            reach = math.ceil(PAYLOAD_REACH * value / PAYLOAD_ROUND_KG) * PAYLOAD_ROUND_KG
            hi = min(hi, max(PAYLOAD_MIN_MAX_KG, reach))
        elif name == "cutoff_speed_m_s":
            lo = max(lo, math.floor((1 - CUTOFF_REACH) * value))
            hi = min(hi, math.ceil((1 + CUTOFF_REACH) * value))
        elif name == "azimuth_deg":  # the page wraps the azimuth into [0, 360)
            lo, hi = value - AZIMUTH_REACH_DEG, value + AZIMUTH_REACH_DEG
        info = _field_info(name)
        out.append({"name": name, "label": info["label"], "unit": info["unit"],
                    "prefix": info["prefix"], "suffix": info["suffix"], "step": info["step"],
                    "min": lo, "max": hi, "value": value, "wraps": name == "azimuth_deg"})
    return out


def date_control(nominal: dict[str, Any]) -> dict[str, Any]:
    """The launch-date control: the request's range, to the minute (UTC)."""
    info = _field_info("date")
    return {"name": "date", "label": info["label"], "unit": "UTC",
            "min": DATE_MIN.strftime("%Y-%m-%dT%H:%M"), "max": DATE_MAX.strftime("%Y-%m-%dT%H:%M"),
            "value": nominal["date"][:16]}


# --- the timeline --------------------------------------------------------------------------

def timeline_axis(years: list[int]) -> dict[str, int]:
    """The timeline's first and last year: from the first chapter's year to after the last."""
    if not years:
        return {"start": 0, "end": 1}
    return {"start": min(years), "end": max(years) + 1}
