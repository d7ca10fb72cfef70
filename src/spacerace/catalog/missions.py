"""Mission files -> ``Mission``."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from spacerace.catalog.quantities import (
    DIMENSIONS,
    Field,
    figure_value,
    parse,
    parse_number,
    parse_positive,
    parse_table,
    registry,
)
from spacerace.catalog.vehicles import _collect_sources, check_keys, check_sources
from spacerace.constants import GM_EARTH, WGS84_A
from spacerace.mission import (
    INSTANT_QUANTITIES,
    ROLES,
    ArchiveFigure,
    Dispersion,
    Environment,
    LaunchSite,
    Mission,
    MoonTarget,
    Phase,
    PitchProgram,
    Satellite,
    SpentStage,
    Target,
    injection_phase,
)

GUIDANCE = ("vertical", "pitch_program", "gravity_turn", "coast", "hold", "hold_horizontal",
            "linear_tangent")
AIMABLE = ("cutoff_speed", "cutoff_range", "azimuth", "inclination", "moon")
# Unit shown beside an archival figure, by the suffix of the figure's key.
_SUFFIX_KIND = {"_m": "length", "_s": "time", "_m_s": "speed", "_deg": "angle", "_kg": "mass",
                "_days": "time", "_pa": "pressure", "_m_s2": "acceleration"}


def _latlon(t: Any, where: Field, name: str) -> tuple[float, float]:
    check_keys(t, where, {"name", "lat", "lon", "alt", "source", "note"}, {"lat", "lon"})
    lat = parse(t["lat"], where.child("lat"), "angle")
    lon = parse(t["lon"], where.child("lon"), "angle")
    if not -math.pi / 2 <= lat <= math.pi / 2:
        raise where.child("lat").error("expected a latitude between -90 deg and 90 deg")
    if not -2 * math.pi <= lon <= 2 * math.pi:
        raise where.child("lon").error("expected a longitude between -360 deg and 360 deg")
    return lat, lon


def _indices(raw: Any, where: Field, names: dict[str, int] | None) -> tuple[int, ...]:
    """Stage indices given as numbers or as stage names."""
    if not isinstance(raw, list):
        raise where.error("expected a list of stage indices or stage names")
    return tuple(_index(item, where.child(i), names) for i, item in enumerate(raw))


def _index(item: Any, where: Field, names: dict[str, int] | None) -> int:
    """A stage index given as a number or as a stage name."""
    if isinstance(item, int) and not isinstance(item, bool) and item >= 0:
        return item
    if isinstance(item, str) and names is not None and item in names:
        return names[item]
    known = ", ".join(names) if names else "none"
    raise where.error(f"expected a stage index or name (stages: {known}); found {item!r}")


def _report_name(raw: Any, where: Field) -> str:
    if not isinstance(raw, str) or (raw and not raw.replace("_", "").isalnum()):
        raise where.error("expected a name of letters, digits and underscores")
    return raw


def _throttle(raw: Any, where: Field) -> float:
    value = parse_number(raw, where)
    if not 0.0 < value <= 1.5:
        raise where.error("expected a fraction of the rated flow, above 0 and at most 1.5")
    return value


def _target(t: Any, where: Field) -> tuple[float, float]:
    check_keys(t, where, {"perigee", "apogee", "flight_path_angle", "cycle", "source", "note"},
               {"perigee", "apogee"})
    hp = parse(t["perigee"], where.child("perigee"), "length")
    ha = parse(t["apogee"], where.child("apogee"), "length")
    if ha < hp:
        raise where.child("apogee").error("expected an apogee at or above the perigee")
    return hp, ha


def _orbit_energy(t: Any, where: Field) -> float:
    """Specific energy [J/kg] of an orbit given by perigee and apogee altitudes."""
    hp, ha = _target(t, where)
    return -GM_EARTH / (2 * WGS84_A + hp + ha)


def _phase(t: Any, where: Field, stage_names: dict[str, int] | None) -> Phase:
    check_keys(t, where, {"name", "guidance", "stage", "engine", "until", "burn", "drop",
                          "jettison", "target", "throttle", "report", "note", "source"},
               {"name", "guidance"})
    if t["guidance"] not in GUIDANCE:
        raise where.child("guidance").error(f"expected one of {', '.join(GUIDANCE)}; found "
                                            f"{t['guidance']!r}")
    engine = t.get("engine", "off" if t["guidance"] == "coast" else "on")
    if engine not in ("on", "off"):
        raise where.child("engine").error("expected \"on\" or \"off\"")
    until = t.get("until", {})
    uw = where.child("until")
    check_keys(until, uw, {"time", "speed", "impact", "depletion", "orbit", "range"}, set())
    stage = t.get("stage", 0)
    if isinstance(stage, str) and stage_names and stage in stage_names:
        stage = stage_names[stage]
    if not isinstance(stage, int) or stage < 0:
        raise where.child("stage").error("expected a stage index (0 for the first stage)")
    tp = ta = math.nan
    if "target" in t:
        tp, ta = _target(t["target"], where.child("target"))
    return Phase(
        name=str(t["name"]),
        guidance=t["guidance"],
        stage=stage,
        engine_on=engine == "on",
        until_time=parse_positive(until["time"], uw.child("time"), "time")
        if "time" in until else math.inf,
        until_speed=parse_positive(until["speed"], uw.child("speed"), "speed")
        if "speed" in until else math.inf,
        until_range=parse_positive(until["range"], uw.child("range"), "length") / WGS84_A
        if "range" in until else math.inf,
        burn=_indices(t.get("burn", []), where.child("burn"), stage_names),
        drop=_indices(t.get("drop", []), where.child("drop"), stage_names),
        jettison=parse_positive(t["jettison"], where.child("jettison"), "mass",
                                allow_zero=True) if "jettison" in t else 0.0,
        throttle=_throttle(t.get("throttle", 1.0), where.child("throttle")),
        report=_report_name(t.get("report", ""), where.child("report")),
        until_energy=_orbit_energy(until["orbit"], uw.child("orbit")) if "orbit" in until
        else math.inf,
        target_perigee=tp, target_apogee=ta,
        target_flight_path_angle=parse(t["target"]["flight_path_angle"],
                                       where.child("target").child("flight_path_angle"), "angle")
        if "target" in t and "flight_path_angle" in t["target"] else 0.0,
        cycle=parse_positive(t["target"]["cycle"], where.child("target").child("cycle"), "time")
        if "target" in t and "cycle" in t["target"] else 1.0,
    )


def _role(t: Any, where: Field) -> tuple[str, str]:
    """A figure's role and what makes it so (required for aimed and calibrated figures)."""
    role = t["role"]
    if role not in ROLES:
        raise where.child("role").error(
            "expected one of " + ", ".join(f"{r!r} ({why})" for r, why in ROLES.items())
            + f"; found {role!r}")
    by = t.get("by", "")
    if not isinstance(by, str):
        raise where.child("by").error("expected a text")
    if role in ("aimed", "calibrated") and not by.strip():
        what = "the aim or guidance target that makes it match" if role == "aimed" else \
            "the parameter chosen with this figure in view, and why"
        raise where.child("by").error(f"missing; an {role} figure names {what}")
    return role, by


def _archive_figure(key: str, t: Any, where: Field, epoch: dt.datetime) -> ArchiveFigure:
    """An ``[archive.<key>]`` table. A time figure (key ending ``_s``) may be a date-time,
    read as the seconds since the mission's ``epoch``; ``at`` (a date-time) with
    ``quantity`` takes the simulated figure at that instant."""
    check_keys(t, where, {"value", "range", "tolerance", "unit", "source", "note",
                          "unconfirmed", "derived", "alternatives", "text", "role", "by",
                          "at", "quantity"}, {"source", "role"})
    role, by = _role(t, where)
    kind = next((k for s, k in sorted(_SUFFIX_KIND.items(), key=lambda x: -len(x[0]))
                 if key.endswith(s)), None)
    unit = DIMENSIONS[kind][0] if kind else str(t.get("unit", ""))

    def q(node: Any, w: Field) -> float:
        if kind == "time" and isinstance(figure_value(node), dt.datetime):
            return (_epoch(figure_value(node), w) - epoch).total_seconds()
        if kind is None:
            return float(figure_value(node))
        v = parse(node, w, kind)
        if key.endswith("_days"):
            return v / 86400.0
        return math.degrees(v) if kind == "angle" else v

    value = q(t["value"], where.child("value")) if "value" in t else None
    low = high = None
    if "range" in t:
        rng = t["range"]
        if not isinstance(rng, list) or len(rng) != 2:
            raise where.child("range").error("expected [low, high]")
        low, high = (q(rng[i], where.child("range").child(i)) for i in range(2))
    tol = q(t["tolerance"], where.child("tolerance")) if "tolerance" in t else None
    alts = tuple(f"{figure_value(a)} ({a.get('source', '')})" if isinstance(a, dict) else str(a)
                 for a in t.get("alternatives", []))
    unit = "deg" if kind == "angle" else "days" if key.endswith("_days") else unit
    if ("at" in t) != ("quantity" in t):
        raise where.child("quantity" if "at" in t else "at").error(
            "missing; a figure taken at an instant needs both `at` (a date-time) and "
            "`quantity`")
    quantity = str(t.get("quantity", ""))
    if "quantity" in t and quantity not in INSTANT_QUANTITIES:
        raise where.child("quantity").error(f"expected one of {', '.join(INSTANT_QUANTITIES)}")
    at = ((_epoch(t["at"], where.child("at")) - epoch).total_seconds() if "at" in t
          else math.nan)
    return ArchiveFigure(key=key, value=value, unit=unit,
                         source=str(t["source"]), low=low, high=high, tolerance=tol,
                         note=str(t.get("note", "")), unconfirmed=bool(t.get("unconfirmed")),
                         derived=bool(t.get("derived")), text=str(t.get("text", "")),
                         alternatives=alts, at=at, quantity=quantity, role=role, by=by)


# Kind of quantity of each dispersible field, by its name (None: a plain number).
_FIELD_KIND: dict[str, str | None] = {
    "thrust_vacuum": "force", "mass_flow": "mass_flow", "exit_area": "area",
    "dry_mass": "mass", "propellant_mass": "mass", "payload_mass": "mass",
    "diameter": "length", "azimuth": "angle", "until_speed": "speed", "until_time": "time",
    "elevation": "angle", "wind_from": "angle", "lat": "angle", "lon": "angle",
    "alt": "length", "wind_speed": "speed", "wind_scale": None, "density_scale": None,
}
DISTRIBUTIONS = ("normal", "uniform", "truncnormal")


def _offset(node: Any, where: Field, kind: str | None) -> tuple[float, bool]:
    """A dispersion number: ``"1 %"`` (relative) or a quantity of the field's kind."""
    if isinstance(node, str) and node.strip().endswith("%"):
        try:
            return float(node.strip()[:-1]) / 100.0, True
        except ValueError:
            raise where.error(f"expected a percentage such as '1 %'; found {node!r}") from None
    if kind is None:
        return parse_number(node, where), False
    return parse(node, where, kind), False


def _environment(t: Any, where: Field) -> Environment:
    check_keys(t, where, {"wind", "density_scale", "source", "note"}, set())
    env = Environment()
    if "wind" in t:
        ww = where.child("wind")
        alt, spd = parse_table(t["wind"], ww, "altitude", "length", "speed", "speed",
                               frozenset({"from"}))
        if "from" not in t["wind"]:
            raise ww.child("from").error("missing; this field is required")
        env = Environment(tuple(alt), tuple(spd),
                          parse(t["wind"]["from"], ww.child("from"), "angle"))
    if "density_scale" in t:
        env = Environment(env.wind_altitude, env.wind_speed, env.wind_from, 1.0,
                          parse_number(t["density_scale"], where.child("density_scale")))
    return env


def _dispersion(path: str, t: Any, where: Field) -> Dispersion:
    check_keys(t, where, {"distribution", "mean", "sd", "low", "high", "source", "note"},
               {"distribution", "source"})
    dist = t["distribution"]
    if dist not in DISTRIBUTIONS:
        raise where.child("distribution").error(f"expected one of {', '.join(DISTRIBUTIONS)}")
    kind = _FIELD_KIND.get(path.rsplit(".", 1)[-1].split("[")[0], None)
    vals: dict[str, float] = {}
    rel = set()
    for key in ("mean", "sd", "low", "high"):
        if key in t:
            vals[key], r = _offset(t[key], where.child(key), kind)
            rel.add(r)
    if len(rel) > 1:
        raise where.error("expected all numbers relative (%) or all absolute, not a mix")
    need = {"normal": ("sd",), "uniform": ("low", "high"), "truncnormal": ("sd", "low", "high")}
    for key in need[dist]:
        if key not in vals:
            raise where.child(key).error(f"missing; a {dist} distribution needs it")
    if vals.get("sd", 0.0) < 0:
        raise where.child("sd").error("expected a standard deviation of zero or more")
    return Dispersion(path, dist, vals.get("mean", 0.0), vals.get("sd", 0.0),
                      vals.get("low", float("-inf")), vals.get("high", float("inf")),
                      relative=bool(rel and rel.pop()), source=str(t["source"]),
                      note=str(t.get("note", "")))


def _satellite(t: Any, where: Field) -> Satellite:
    check_keys(t, where, {"mass", "area", "cd", "note", "source"}, {"mass", "area", "cd"})
    return Satellite(parse_positive(t["mass"], where.child("mass"), "mass"),
                     parse_positive(t["area"], where.child("area"), "area"),
                     parse_number(t["cd"], where.child("cd")))


def _spent_stage(t: Any, where: Field, stage_names: dict[str, int] | None) -> SpentStage:
    check_keys(t, where, {"stage", "name", "figure", "mass", "area", "cd", "note", "source"},
               {"stage", "cd"})
    stage = _index(t["stage"], where.child("stage"), stage_names)
    figure = t.get("figure", "")
    if not isinstance(figure, str):
        raise where.child("figure").error("expected the key of an archival figure, as text")
    cd = parse_number(t["cd"], where.child("cd"))
    if cd <= 0.0:
        raise where.child("cd").error("expected a drag coefficient above zero")
    return SpentStage(
        stage=stage, name=str(t.get("name", t["stage"])), figure=figure, cd=cd,
        mass=parse_positive(t["mass"], where.child("mass"), "mass") if "mass" in t
        else math.nan,
        area=parse_positive(t["area"], where.child("area"), "area") if "area" in t
        else math.nan)


def _inclination(raw: Any, where: Field) -> float:
    i = parse(raw, where, "angle")
    if not 0.0 <= i <= math.pi:
        raise where.error("expected an inclination from 0 to 180 deg")
    return i


def _latitude(raw: Any, where: Field) -> float:
    lat = parse(raw, where, "angle")
    if not -math.pi / 2 <= lat <= math.pi / 2:
        raise where.error("expected a latitude between -90 deg and 90 deg")
    return lat


def _moon_time(raw: Any, where: Field, epoch: dt.datetime) -> float:
    """Time of the closest approach: a time since liftoff, or a date-time."""
    if isinstance(figure_value(raw), dt.datetime):
        t = (_epoch(figure_value(raw), where) - epoch).total_seconds()
        if t <= 0.0:
            raise where.error("expected a date-time after the mission's epoch")
        return t
    return parse_positive(raw, where, "time")


def _moon_target(t: Any, where: Field, epoch: dt.datetime) -> MoonTarget:
    check_keys(t, where, {"closest_approach", "inclination", "time", "latitude", "source",
                          "note"}, {"closest_approach"})
    if "inclination" in t and "time" in t:
        raise where.error("expected an inclination or a time, not both: with the closest "
                          "approach they fix the injection's two free values")
    return MoonTarget(
        closest_approach=parse_positive(t["closest_approach"], where.child("closest_approach"),
                                        "length"),
        inclination=_inclination(t["inclination"], where.child("inclination"))
        if "inclination" in t else math.nan,
        time=_moon_time(t["time"], where.child("time"), epoch) if "time" in t else math.nan,
        latitude=_latitude(t["latitude"], where.child("latitude")) if "latitude" in t
        else math.nan)


def _check_injection(phases: tuple[Phase, ...], where: Field) -> None:
    """A mission aimed at the Moon needs its injection: a closed-loop burn with a target
    orbit that ends on reaching it (the last such burn is the one aimed)."""
    k = injection_phase(phases)
    if k is None:
        raise where.error("expected a closed-loop burn (guidance = \"linear_tangent\" with a "
                          "target) to aim at the Moon")
    if not math.isfinite(phases[k].until_energy):
        raise where.child(k).child("until").error(
            "expected an orbit cut-off (until = { orbit = ... }) on the lunar injection")


def _epoch(raw: Any, where: Field) -> dt.datetime:
    """A date-time with a zone, bare or in a ``{value, source}`` table, in UTC."""
    raw = figure_value(raw)
    if isinstance(raw, dt.datetime) and raw.tzinfo is not None:
        return raw.astimezone(dt.UTC)
    raise where.error("expected a TOML date-time with a zone, e.g. 1944-09-08T16:38:00Z")


def build_mission(data: dict[str, Any], where: Field, known: dict[str, str],
                  stage_names: dict[str, int] | None = None) -> Mission:
    """Check a parsed mission file and build the ``Mission`` (SI).

    ``stage_names`` maps the vehicle's stage names to indices, for phases that name them.
    """
    check_keys(data, where, {"mission", "phases", "pitch_program", "archive", "sources",
                             "environment", "dispersions", "satellite", "spent_stages"},
               {"mission", "phases"})
    bib = {**known, **{k: str(v) for k, v in data.get("sources", {}).items()}}
    check_sources(data, where, bib)
    head = data["mission"]
    w = where.child("mission")
    check_keys(head, w, {"id", "name", "vehicle", "epoch", "site", "azimuth", "target", "aim",
                         "summary", "note", "inclination", "third_bodies", "moon"},
               {"id", "name", "vehicle", "epoch", "site", "azimuth"})
    site_t = head["site"]
    lat, lon = _latlon(site_t, w.child("site"), "site")
    alt = parse(site_t.get("alt", "0 m"), w.child("site").child("alt"), "length")
    target = None
    if "target" in head:
        tlat, tlon = _latlon(head["target"], w.child("target"), "target")
        target = Target(str(head["target"].get("name", "target")), tlat, tlon)
    aim = head.get("aim", [])
    if not isinstance(aim, list) or any(a not in AIMABLE for a in aim):
        raise w.child("aim").error(f"expected a list drawn from {', '.join(AIMABLE)}")
    inclination = _inclination(head["inclination"], w.child("inclination")) \
        if "inclination" in head else math.nan
    if "inclination" in aim and math.isnan(inclination):
        raise w.child("inclination").error("missing; aiming at an inclination needs it")
    epoch = _epoch(head["epoch"], w.child("epoch"))
    moon = _moon_target(head["moon"], w.child("moon"), epoch) if "moon" in head else None
    if "moon" in aim and moon is None:
        raise w.child("moon").error("missing; aiming at the Moon needs a [mission.moon] table "
                                    "with the closest approach")
    if "moon" in aim and head.get("third_bodies") is not True:
        raise w.child("third_bodies").error("expected true: aiming at the Moon needs the Moon "
                                            "in the equations of motion")
    if set(aim) & {"cutoff_speed", "cutoff_range", "azimuth"} and target is None:
        raise w.child("target").error("missing; aim needs a target")
    phases = data["phases"]
    if not isinstance(phases, list) or not phases:
        raise where.child("phases").error("expected one or more [[phases]] tables")
    program = None
    if "pitch_program" in data:
        times, elev = parse_table(data["pitch_program"], where.child("pitch_program"), "time",
                                  "time", "elevation", "angle")
        program = PitchProgram(tuple(times), tuple(elev))
    archive = tuple(_archive_figure(k, v, where.child("archive").child(k), epoch)
                    for k, v in data.get("archive", {}).items())
    env = _environment(data["environment"], where.child("environment")) \
        if "environment" in data else Environment()
    dispersions = tuple(_dispersion(k, v, where.child("dispersions").child(k))
                        for k, v in data.get("dispersions", {}).items())
    satellite = _satellite(data["satellite"], where.child("satellite")) \
        if "satellite" in data else None
    spent = data.get("spent_stages", [])
    if not isinstance(spent, list):
        raise where.child("spent_stages").error("expected [[spent_stages]] tables")
    spent_stages = tuple(_spent_stage(t, where.child("spent_stages").child(i), stage_names)
                         for i, t in enumerate(spent))
    used = {str(s).split()[0] for s in _collect_sources(data)}
    registry()  # make sure units are ready before the mission is used
    built_phases = tuple(_phase(p, where.child("phases").child(i), stage_names)
                         for i, p in enumerate(phases))
    if "moon" in aim:
        _check_injection(built_phases, where.child("phases"))
    return Mission(
        id=str(head["id"]), name=str(head["name"]), vehicle=str(head["vehicle"]),
        epoch=epoch,
        site=LaunchSite(str(site_t.get("name", "launch site")), lat, lon, alt),
        azimuth=parse(head["azimuth"], w.child("azimuth"), "angle"),
        phases=built_phases, pitch_program=program, target=target, aim=tuple(aim), archive=archive,
        target_inclination=inclination,
        environment=env, dispersions=dispersions, satellite=satellite,
        spent_stages=spent_stages,
        third_bodies=bool(head.get("third_bodies", False)), moon=moon,
        sources={k: bib[k] for k in sorted(used) if k in bib}, origin=where.path,
        summary=str(head.get("summary", "")),
    )
