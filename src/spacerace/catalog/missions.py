"""Mission files -> ``Mission``."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
import types
import typing
from typing import Any

from spacerace.catalog.quantities import (
    DIMENSIONS,
    Field,
    bound,
    check_alternatives,
    check_bounds,
    check_table,
    describe_bounds,
    figure_value,
    local_sources,
    parse,
    parse_number,
    parse_table,
    read,
    registry,
)
from spacerace.catalog.schema import MAX_RELATIVE_OFFSET, TABLES, Spec, words
from spacerace.catalog.vehicles import _collect_sources, check_sources
from spacerace.constants import GM_EARTH, WGS84_A
from spacerace.errors import CatalogError
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
from spacerace.models.geodesic import geodesic
from spacerace.units import kind_of_key
from spacerace.vehicle import Vehicle

GUIDANCE = words(TABLES["phase"]["guidance"])
AIMABLE = words(TABLES["mission"]["aim"])
# Unit shown beside an archival figure, by the suffix of the figure's key.


def _latlon(t: Any, where: Field, name: str) -> tuple[float, float]:
    check_table(t, where, "place")
    return read(t, "lat", where, "place"), read(t, "lon", where, "place")


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


def _target(t: Any, where: Field) -> tuple[float, float]:
    check_table(t, where, "orbit")
    hp = read(t, "perigee", where, "orbit")
    ha = read(t, "apogee", where, "orbit")
    if ha < hp:
        raise where.child("apogee").error("expected an apogee at or above the perigee")
    return hp, ha


def _orbit_energy(t: Any, where: Field) -> float:
    """Specific energy [J/kg] of an orbit given by perigee and apogee altitudes."""
    hp, ha = _target(t, where)
    return -GM_EARTH / (2 * WGS84_A + hp + ha)


def _phase(t: Any, where: Field, stage_names: dict[str, int] | None) -> Phase:
    check_table(t, where, "phase")
    if t["guidance"] not in GUIDANCE:
        raise where.child("guidance").error(f"expected one of {', '.join(GUIDANCE)}; found "
                                            f"{t['guidance']!r}")
    engine = t.get("engine", "off" if t["guidance"] == "coast" else "on")
    if engine not in ("on", "off"):
        raise where.child("engine").error("expected \"on\" or \"off\"")
    until = t.get("until", {})
    uw = where.child("until")
    check_table(until, uw, "until")
    stage = t.get("stage", 0)
    if isinstance(stage, str) and stage_names and stage in stage_names:
        stage = stage_names[stage]
    if isinstance(stage, bool) or not isinstance(stage, int) or stage < 0:
        raise where.child("stage").error("expected a stage index (0 for the first stage)")
    tp = ta = math.nan
    tw = where.child("target")
    target = t.get("target", {})
    if "target" in t:
        tp, ta = _target(target, tw)
    return Phase(
        name=str(t["name"]),
        guidance=t["guidance"],
        stage=stage,
        engine_on=engine == "on",
        until_time=read(until, "time", uw, "until", math.inf),
        until_speed=read(until, "speed", uw, "until", math.inf),
        until_range=read(until, "range", uw, "until", math.inf) / WGS84_A,
        burn=_indices(t.get("burn", []), where.child("burn"), stage_names),
        drop=_indices(t.get("drop", []), where.child("drop"), stage_names),
        jettison=read(t, "jettison", where, "phase"),
        throttle=read(t, "throttle", where, "phase"),
        report=_report_name(t.get("report", ""), where.child("report")),
        until_energy=_orbit_energy(until["orbit"], uw.child("orbit")) if "orbit" in until
        else math.inf,
        target_perigee=tp, target_apogee=ta,
        target_flight_path_angle=read(target, "flight_path_angle", tw, "orbit"),
        cycle=read(target, "cycle", tw, "orbit"),
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
    check_table(t, where, "archive figure")
    role, by = _role(t, where)
    kind = kind_of_key(key)
    unit = DIMENSIONS[kind][0] if kind else str(t.get("unit", ""))

    def q(node: Any, w: Field) -> float:
        if kind == "time" and isinstance(figure_value(node), dt.datetime):
            return (_epoch(figure_value(node), w) - epoch).total_seconds()
        if kind is None:
            return parse_number(node, w)
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
    check_alternatives(t, where)
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


# The file field (table and key of ``schema.TABLES``) of each dispersible field of the data,
# by its name; absent: a plain number in SI, unbounded.
_FILE_FIELD: dict[str, tuple[str, str]] = {
    "thrust_vacuum": ("engine", "thrust_vacuum"), "mass_flow": ("engine", "mass_flow"),
    "exit_area": ("engine", "nozzle_exit_area"), "dry_mass": ("stage", "dry_mass"),
    "propellant_mass": ("stage", "propellant_mass"), "payload_mass": ("vehicle", "payload_mass"),
    "diameter": ("stage", "diameter"), "azimuth": ("mission", "azimuth"),
    "until_speed": ("until", "speed"), "until_time": ("until", "time"),
    "elevation": ("pitch_program", "elevation"), "wind_from": ("wind", "from"),
    "lat": ("place", "lat"), "lon": ("place", "lon"), "alt": ("place", "alt"),
    "wind_speed": ("wind", "speed"), "density_scale": ("environment", "density_scale"),
}
DISTRIBUTIONS = words(TABLES["dispersion"]["distribution"])
_PATH_PART = re.compile(r"([A-Za-z_]\w*)(?:\[(\d{1,6})\])?")
_PATH_EXAMPLE = "e.g. vehicle.stages[0].propellant_mass or mission.azimuth"


def _strip_optional(hint: Any) -> Any:
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return args[0] if len(args) == 1 else hint
    return hint


def dispersion_field(path: str, where: Field) -> str:
    """The last field name of a dispersion path, once the path is known to name a number.

    The path is followed through the fields of ``Vehicle`` and ``Mission`` (not their
    computed properties); it must end on a float or a tuple of floats. Indices are checked
    against the data later, when the vehicle is known.
    """
    head, _, rest = path.partition(".")
    hint: Any = {"vehicle": Vehicle, "mission": Mission}.get(head)
    if hint is None or not rest:
        raise where.error(f"expected a path starting vehicle. or mission., {_PATH_EXAMPLE}")
    name = head
    for part in rest.split("."):
        m = _PATH_PART.fullmatch(part)
        fields = {f.name for f in dataclasses.fields(hint)} if dataclasses.is_dataclass(hint) \
            else set()
        if m is None or m.group(1) not in fields:
            known = ", ".join(sorted(fields)) or "none: it is a number"
            raise where.error(f"expected a path to a number of the vehicle or mission, "
                              f"{_PATH_EXAMPLE}; {name} has no field {part!r} (fields: "
                              f"{known})")
        name, index = m.group(1), m.group(2)
        hint = _strip_optional(typing.get_type_hints(hint)[name])
        if index is not None:
            args = typing.get_args(hint)
            if typing.get_origin(hint) is not tuple or len(args) != 2 or args[1] is not ...:
                raise where.error(f"expected a path to a number, {_PATH_EXAMPLE}; {name} is "
                                  "not a list, so it takes no index")
            hint = args[0]
    if hint is not float and hint != tuple[float, ...]:
        raise where.error(f"expected a path to a number of the vehicle or mission, "
                          f"{_PATH_EXAMPLE}; {name} is not a number")
    return name


def _offset(node: Any, where: Field, spec: Spec | None) -> tuple[float, bool]:
    """A dispersion number: ``"1 %"`` (relative) or a quantity of the field's kind, no
    larger than the span of the field's bounds."""
    if isinstance(node, str) and node.strip().endswith("%"):
        try:
            value = float(node.strip()[:-1].replace(",", "")) / 100.0
        except ValueError:
            raise where.error(f"expected a percentage such as '1 %'; found {node!r}") from None
        if not abs(value) <= MAX_RELATIVE_OFFSET:
            raise where.error(f"expected a percentage from -{MAX_RELATIVE_OFFSET:.0%} to "
                              f"{MAX_RELATIVE_OFFSET:.0%}; found {node!r}")
        return value, True
    if spec is None or spec.kind not in DIMENSIONS:
        value = parse_number(node, where)
    else:
        value = parse(node, where, spec.kind)
    if spec is not None and spec.low is not None and spec.high is not None and \
            abs(value) > bound(spec.high, spec.kind) - bound(spec.low, spec.kind):
        raise where.error(f"expected an offset smaller than the span of the field's values "
                          f"({describe_bounds(spec)}); found {node!r}")
    return value, False


def _environment(t: Any, where: Field) -> Environment:
    check_table(t, where, "environment")
    env = Environment()
    if "wind" in t:
        ww = where.child("wind")
        alt, spd = parse_table(t["wind"], ww, "wind")
        env = Environment(tuple(alt), tuple(spd), read(t["wind"], "from", ww, "wind"))
    return Environment(env.wind_altitude, env.wind_speed, env.wind_from, 1.0,
                       read(t, "density_scale", where, "environment"))


def _dispersion(path: str, t: Any, where: Field) -> Dispersion:
    file_field = _FILE_FIELD.get(dispersion_field(path, where))
    spec = TABLES[file_field[0]][file_field[1]] if file_field else None
    check_table(t, where, "dispersion")
    dist = t["distribution"]
    if dist not in DISTRIBUTIONS:
        raise where.child("distribution").error(f"expected one of {', '.join(DISTRIBUTIONS)}")
    vals: dict[str, float] = {}
    rel = set()
    for key in ("mean", "sd", "low", "high"):
        if key in t:
            vals[key], r = _offset(t[key], where.child(key), spec)
            rel.add(r)
    if len(rel) > 1:
        raise where.error("expected all numbers relative (%) or all absolute, not a mix")
    need = {"normal": ("sd",), "uniform": ("low", "high"), "truncnormal": ("sd", "low", "high")}
    for key in need[dist]:
        if key not in vals:
            raise where.child(key).error(f"missing; a {dist} distribution needs it")
    if vals.get("sd", 0.0) < 0:
        raise where.child("sd").error("expected a standard deviation of zero or more")
    if "low" in vals and "high" in vals and vals["high"] < vals["low"]:
        raise where.child("high").error(f"expected a high bound at or above the low one "
                                        f"({t['low']!r}); found {t['high']!r}")
    return Dispersion(path, dist, vals.get("mean", 0.0), vals.get("sd", 0.0),
                      vals.get("low", float("-inf")), vals.get("high", float("inf")),
                      relative=bool(rel and rel.pop()), source=str(t["source"]),
                      note=str(t.get("note", "")))


def _satellite(t: Any, where: Field) -> Satellite:
    check_table(t, where, "satellite")
    return Satellite(read(t, "mass", where, "satellite"), read(t, "area", where, "satellite"),
                     read(t, "cd", where, "satellite"))


def _spent_stage(t: Any, where: Field, stage_names: dict[str, int] | None) -> SpentStage:
    check_table(t, where, "spent stage")
    return SpentStage(
        stage=_index(t["stage"], where.child("stage"), stage_names),
        name=str(t.get("name", t["stage"])), figure=t.get("figure", ""),
        cd=read(t, "cd", where, "spent stage"), mass=read(t, "mass", where, "spent stage"),
        area=read(t, "area", where, "spent stage"))


def _moon_time(t: Any, where: Field, epoch: dt.datetime) -> float:
    """Time of the closest approach: a time since liftoff, or a date-time."""
    raw = t.get("time")
    if isinstance(figure_value(raw), dt.datetime):
        seconds = (_epoch(figure_value(raw), where.child("time")) - epoch).total_seconds()
        return check_bounds(seconds, TABLES["moon"]["time"], where.child("time"), raw)
    return read(t, "time", where, "moon")


def _moon_target(t: Any, where: Field, epoch: dt.datetime) -> MoonTarget:
    check_table(t, where, "moon")
    if "inclination" in t and "time" in t:
        raise where.error("expected an inclination or a time, not both: with the closest "
                          "approach they fix the injection's two free values")
    return MoonTarget(closest_approach=read(t, "closest_approach", where, "moon"),
                      inclination=read(t, "inclination", where, "moon"),
                      time=_moon_time(t, where, epoch),
                      latitude=read(t, "latitude", where, "moon"))


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
    try:
        return _build_mission(data, where, known, stage_names)
    except RecursionError:
        raise where.error("expected tables and lists nested a few levels deep, not "
                          "thousands") from None


def _keyed_tables(data: dict[str, Any], key: str, where: Field) -> dict[str, Any]:
    """``[archive.<key>]`` or ``[dispersions."<path>"]``: a table of tables."""
    node = data.get(key, {})
    if not isinstance(node, dict):
        raise where.child(key).error(f"expected [{key}.<name>] tables")
    return node


def _build_mission(data: dict[str, Any], where: Field, known: dict[str, str],
                   stage_names: dict[str, int] | None) -> Mission:
    check_table(data, where, "mission file")
    bib = {**known, **local_sources(data, where)}
    check_sources(data, where, bib)
    head = data["mission"]
    w = where.child("mission")
    check_table(head, w, "mission")
    site_t = head["site"]
    lat, lon = _latlon(site_t, w.child("site"), "site")
    alt = read(site_t, "alt", w.child("site"), "place")
    target = None
    if "target" in head:
        tlat, tlon = _latlon(head["target"], w.child("target"), "target")
        target = Target(str(head["target"].get("name", "target")), tlat, tlon)
    aim = head.get("aim", [])
    if not isinstance(aim, list) or any(a not in AIMABLE for a in aim):
        raise w.child("aim").error(f"expected a list drawn from {', '.join(AIMABLE)}")
    inclination = read(head, "inclination", w, "mission")
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
        times, elev = parse_table(data["pitch_program"], where.child("pitch_program"),
                                  "pitch_program")
        program = PitchProgram(tuple(times), tuple(elev))
    archive = tuple(_archive_figure(k, v, where.child("archive").child(k), epoch)
                    for k, v in _keyed_tables(data, "archive", where).items())
    env = _environment(data["environment"], where.child("environment")) \
        if "environment" in data else Environment()
    dispersions = tuple(_dispersion(k, v, where.child("dispersions").child(k))
                        for k, v in _keyed_tables(data, "dispersions", where).items())
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
        azimuth=_azimuth(head, w, aim, (lat, lon), target, inclination),
        phases=built_phases, pitch_program=program, target=target, aim=tuple(aim), archive=archive,
        target_inclination=inclination,
        environment=env, dispersions=dispersions, satellite=satellite,
        spent_stages=spent_stages,
        third_bodies=bool(head.get("third_bodies", False)), moon=moon,
        sources={k: bib[k] for k in sorted(used) if k in bib}, origin=where.path,
        summary=str(head.get("summary", "")),
    )


def _azimuth(head: dict[str, Any], where: Field, aim: list[str], site: tuple[float, float],
             target: Target | None, inclination: float) -> float:
    """``mission.azimuth``, or where the aim solves it and the file leaves it out, the aim's
    first guess: the geodesic azimuth to the target, or sin Az = cos i / cos lat."""
    spec = TABLES["mission"]["azimuth"]
    if "azimuth" in head or not set(aim) & set(spec.unless_aim):
        if "azimuth" not in head:
            raise where.child("azimuth").error(
                "missing; required unless aim holds " + " or ".join(spec.unless_aim))
        return read(head, "azimuth", where, "mission")
    if "azimuth" in aim and target is not None:
        return geodesic(site[0], site[1], target.lat, target.lon)[1] % (2 * math.pi)
    ratio = math.cos(inclination) / math.cos(site[0])
    if abs(ratio) > 1.0:
        raise where.child("inclination").error(
            f"expected an inclination of at least the site's latitude "
            f"({abs(math.degrees(site[0])):.2f} deg) to launch into directly, or "
            "mission.azimuth given")
    return math.asin(ratio) % (2 * math.pi)


def check_pair(vehicle: Vehicle, mission: Mission) -> None:
    """A mission's phases and spent stages must name stages of its vehicle, a stage whose
    engines must burn must carry propellant, and a spent stage needs an area or a length."""
    for i, ph in enumerate(mission.phases):
        for k in (*ph.burning, *ph.drop):
            if k >= len(vehicle.stages):
                raise CatalogError(mission.origin, f"phases[{i}]", f"stage {k} does not exist: "
                                   f"{vehicle.id} has {len(vehicle.stages)} stage(s)")
        for k in ph.burning:
            if vehicle.stages[k].propellant_mass <= 0.0:
                raise CatalogError(vehicle.origin, f"stages[{k}].propellant_mass",
                                   f"expected more than zero: phase {i} ({ph.name}) of "
                                   f"{mission.id} burns this stage")
    dropped = {k for ph in mission.phases for k in ph.drop}
    for i, sp in enumerate(mission.spent_stages):
        if sp.stage >= len(vehicle.stages) or sp.stage in dropped:
            raise CatalogError(mission.origin, f"spent_stages[{i}].stage", "a stage of "
                               f"{vehicle.id} still attached at the last cut-off (not dropped)")
        st = vehicle.stages[sp.stage]
        if math.isnan(sp.area) and math.isnan(st.length) and st.profile is None:
            raise CatalogError(mission.origin, f"spent_stages[{i}].area",
                               "an area, or the stage's length or profile in the vehicle file "
                               f"{vehicle.id} to compute it from")
