"""Vehicle files -> ``Vehicle``."""

from __future__ import annotations

from typing import Any

from spacerace.catalog.quantities import (
    Field,
    bound,
    check_keys,
    check_table,
    describe_bounds,
    figure_source,
    figure_value,
    local_sources,
    parse,
    parse_table,
    read,
)
from spacerace.catalog.schema import TABLES
from spacerace.constants import G0, US76_P0
from spacerace.vehicle import AeroTable, Engine, Stage, Vehicle


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
    check_table(t, where, "engine")
    count = int(read(t, "count", where, "engine"))
    area = read(t, "nozzle_exit_area", where, "engine")
    if "thrust_vacuum" in t:
        f_vac = read(t, "thrust_vacuum", where, "engine")
    elif "thrust_sea_level" in t:
        f_vac = read(t, "thrust_sea_level", where, "engine") + US76_P0 * area
    else:
        raise where.child("thrust_vacuum").error(
            "missing; give thrust_vacuum or thrust_sea_level")
    if "mass_flow" in t:
        mdot = read(t, "mass_flow", where, "engine")
        _check_isp(f_vac / (mdot * G0), where.child("mass_flow"), t["mass_flow"])
    elif "isp_vacuum" in t:
        mdot = f_vac / (read(t, "isp_vacuum", where, "engine") * G0)
    elif "isp_sea_level" in t:
        mdot = (f_vac - US76_P0 * area) / (read(t, "isp_sea_level", where, "engine") * G0)
        if mdot <= 0.0:
            raise where.child("nozzle_exit_area").error(
                "expected an exit area whose ambient-pressure loss is less than the thrust")
    else:
        raise where.child("mass_flow").error(
            "missing; give mass_flow, isp_vacuum or isp_sea_level")
    return Engine(str(t.get("name", "engine")), count * f_vac, count * mdot, count * area)


def _check_isp(isp: float, where: Field, raw: Any) -> None:
    """A mass flow must give the thrust a specific impulse within the schema's bounds."""
    spec = TABLES["engine"]["isp_vacuum"]
    if not bound(str(spec.low), "isp") <= isp <= bound(str(spec.high), "isp"):
        raise where.error(f"expected a mass flow that gives the thrust a specific impulse "
                          f"{describe_bounds(spec)}; found {figure_value(raw)!r}, which gives "
                          f"{isp:.4g} s")


def _drag(t: Any, where: Field) -> AeroTable:
    mach, cd = parse_table(t, where, "drag")
    return AeroTable(tuple(mach), tuple(cd))


def _stage(t: dict[str, Any], where: Field) -> Stage:
    check_table(t, where, "stage")
    read(t, "count", where, "stage")
    engines = t["engines"]
    if not isinstance(engines, list) or not engines:
        raise where.child("engines").error("expected one or more [[stages.engines]] tables")
    curve = None
    if "thrust_curve" in t:
        times, frac = parse_table(t["thrust_curve"], where.child("thrust_curve"),
                                  "thrust_curve")
        curve = (tuple(times), tuple(frac))
    profile = None
    if "profile" in t:
        pw = where.child("profile")
        stations, diameters = parse_table(t["profile"], pw, "profile")
        if len(stations) < 2 or any(d < 0 for d in diameters) or max(diameters) <= 0:
            raise pw.error("expected two or more stations and diameters of zero or more, "
                           "not all zero")
        profile = (tuple(stations), tuple(diameters))
    return Stage(
        name=str(t["name"]),
        dry_mass=read(t, "dry_mass", where, "stage"),
        propellant_mass=read(t, "propellant_mass", where, "stage"),
        diameter=read(t, "diameter", where, "stage"),
        engines=tuple(_engine(e, where.child("engines").child(i)) for i, e in enumerate(engines)),
        drag=_drag(t["drag"], where.child("drag")),
        thrust_curve=curve,
        length=read(t, "length", where, "stage"),
        profile=profile,
    )


def build_vehicle(data: dict[str, Any], where: Field, known: dict[str, str]) -> Vehicle:
    """Check a parsed vehicle file and build the ``Vehicle`` (SI)."""
    try:
        return _build_vehicle(data, where, known)
    except RecursionError:
        raise where.error("expected tables and lists nested a few levels deep, not "
                          "thousands") from None


def _build_vehicle(data: dict[str, Any], where: Field, known: dict[str, str]) -> Vehicle:
    check_table(data, where, "vehicle file")
    bib = {**known, **local_sources(data, where)}
    check_sources(data, where, bib)
    head = data["vehicle"]
    w = where.child("vehicle")
    check_table(head, w, "vehicle")
    stages = data["stages"]
    if not isinstance(stages, list) or not stages:
        raise where.child("stages").error("expected one or more [[stages]] tables")
    payload = read(head, "payload_mass", w, "vehicle")
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
