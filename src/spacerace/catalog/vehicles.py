"""Vehicle files -> ``Vehicle``."""

from __future__ import annotations

import math
from typing import Any

from spacerace.catalog.quantities import (
    Field,
    figure_source,
    parse,
    parse_number,
    parse_positive,
    parse_table,
)
from spacerace.constants import G0, US76_P0
from spacerace.vehicle import AeroTable, Engine, Stage, Vehicle

_ENGINE_KEYS = {"name", "count", "thrust_vacuum", "thrust_sea_level", "isp_vacuum",
                "isp_sea_level", "mass_flow", "nozzle_exit_area", "note"}
_STAGE_KEYS = {"name", "dry_mass", "propellant_mass", "diameter", "drag", "engines", "note",
               "thrust_curve", "count", "length", "profile"}


def check_keys(table: Any, where: Field, allowed: set[str], required: set[str]) -> None:
    """Reject a non-table, unknown keys (typos) and missing required keys."""
    if not isinstance(table, dict):
        raise where.error("expected a table")
    for key in table:
        if key not in allowed:
            raise where.child(key).error(
                f"unknown field; expected one of {', '.join(sorted(allowed))}")
    for key in sorted(required):
        if key not in table:
            raise where.child(key).error("missing; this field is required")


def check_sources(node: Any, where: Field, known: dict[str, str]) -> None:
    """Every ``source`` key in a file must name a bibliography entry."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "source":
                first = str(value).split()[0] if str(value).split() else ""
                if first not in known:
                    raise where.child(key).error(
                        f"unknown source {value!r}; expected a key of sources.toml or of the"
                        " file's [sources] table")
            else:
                check_sources(value, where.child(key), known)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            check_sources(value, where.child(i), known)


def _engine(t: dict[str, Any], where: Field) -> Engine:
    check_keys(t, where, _ENGINE_KEYS, set())
    count = parse_number(t.get("count", 1), where.child("count"))
    if count < 1 or count != int(count):
        raise where.child("count").error("expected a whole number of engines, 1 or more")
    area = parse_positive(t["nozzle_exit_area"], where.child("nozzle_exit_area"), "area",
                          allow_zero=True) if "nozzle_exit_area" in t else 0.0
    if "thrust_vacuum" in t:
        f_vac = parse_positive(t["thrust_vacuum"], where.child("thrust_vacuum"), "force")
    elif "thrust_sea_level" in t:
        f_vac = parse_positive(t["thrust_sea_level"], where.child("thrust_sea_level"),
                               "force") + US76_P0 * area
    else:
        raise where.child("thrust_vacuum").error(
            "missing; give thrust_vacuum or thrust_sea_level")
    if "mass_flow" in t:
        mdot = parse_positive(t["mass_flow"], where.child("mass_flow"), "mass_flow")
    elif "isp_vacuum" in t:
        mdot = f_vac / (parse_positive(t["isp_vacuum"], where.child("isp_vacuum"), "isp") * G0)
    elif "isp_sea_level" in t:
        isp = parse_positive(t["isp_sea_level"], where.child("isp_sea_level"), "isp")
        mdot = (f_vac - US76_P0 * area) / (isp * G0)
    else:
        raise where.child("mass_flow").error(
            "missing; give mass_flow, isp_vacuum or isp_sea_level")
    n = int(count)
    return Engine(str(t.get("name", "engine")), n * f_vac, n * mdot, n * area)


def _drag(t: Any, where: Field) -> AeroTable:
    mach, cd = parse_table(t, where, "mach", None, "cd", None)
    if mach[0] < 0:
        raise where.child("mach").error("expected increasing Mach numbers from 0 or more")
    if any(c < 0 for c in cd):
        raise where.child("cd").error("expected drag coefficients of zero or more")
    return AeroTable(tuple(mach), tuple(cd))


def _stage(t: dict[str, Any], where: Field) -> Stage:
    check_keys(t, where, _STAGE_KEYS,
               {"name", "dry_mass", "propellant_mass", "diameter", "drag", "engines"})
    engines = t["engines"]
    if not isinstance(engines, list) or not engines:
        raise where.child("engines").error("expected one or more [[stages.engines]] tables")
    curve = None
    if "thrust_curve" in t:
        cw = where.child("thrust_curve")
        times, frac = parse_table(t["thrust_curve"], cw, "time", "time", "fraction", None)
        if any(f < 0 or f > 1.5 for f in frac):
            raise cw.child("fraction").error("expected fractions of the rated thrust between "
                                             "0 and 1.5")
        curve = (tuple(times), tuple(frac))
    profile = None
    if "profile" in t:
        pw = where.child("profile")
        stations, diameters = parse_table(t["profile"], pw, "station", "length", "diameter",
                                          "length")
        if len(stations) < 2 or any(d < 0 for d in diameters) or max(diameters) <= 0:
            raise pw.error("expected two or more stations and diameters of zero or more, "
                           "not all zero")
        profile = (tuple(stations), tuple(diameters))
    return Stage(
        name=str(t["name"]),
        dry_mass=parse_positive(t["dry_mass"], where.child("dry_mass"), "mass"),
        propellant_mass=parse_positive(t["propellant_mass"], where.child("propellant_mass"),
                                       "mass", allow_zero=True),
        diameter=parse_positive(t["diameter"], where.child("diameter"), "length"),
        engines=tuple(_engine(e, where.child("engines").child(i)) for i, e in enumerate(engines)),
        drag=_drag(t["drag"], where.child("drag")),
        thrust_curve=curve,
        length=parse_positive(t["length"], where.child("length"), "length")
        if "length" in t else math.nan,
        profile=profile,
    )


def build_vehicle(data: dict[str, Any], where: Field, known: dict[str, str]) -> Vehicle:
    """Check a parsed vehicle file and build the ``Vehicle`` (SI)."""
    check_keys(data, where, {"vehicle", "stages", "sources"}, {"vehicle", "stages"})
    local = data.get("sources", {})
    bib = {**known, **{k: str(v) for k, v in local.items()}}
    check_sources(data, where, bib)
    head = data["vehicle"]
    w = where.child("vehicle")
    check_keys(head, w, {"id", "name", "summary", "payload_mass", "family", "country",
                         "note"}, {"id", "name"})
    stages = data["stages"]
    if not isinstance(stages, list) or not stages:
        raise where.child("stages").error("expected one or more [[stages]] tables")
    payload = parse_positive(head["payload_mass"], w.child("payload_mass"), "mass",
                             allow_zero=True) if "payload_mass" in head else 0.0
    used = {str(s).split()[0] for s in _collect_sources(data)}
    return Vehicle(
        id=str(head["id"]),
        name=str(head["name"]),
        stages=tuple(_stage(s, where.child("stages").child(i)) for i, s in enumerate(stages)),
        payload_mass=payload,
        sources={k: bib[k] for k in sorted(used) if k in bib},
        origin=where.path,
    )


def _collect_sources(node: Any) -> list[str]:
    if isinstance(node, dict):
        out = [str(node["source"])] if "source" in node else []
        for k, v in node.items():
            if k != "source":
                out += _collect_sources(v)
        return out
    if isinstance(node, list):
        return [s for v in node for s in _collect_sources(v)]
    return []


__all__ = ["build_vehicle", "check_keys", "check_sources", "figure_source", "parse"]
