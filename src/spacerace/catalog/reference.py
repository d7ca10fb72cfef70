"""The file-format reference and the JSON Schemas, generated from ``schema.TABLES``.

``markdown()`` is ``docs/file-format.md``; ``json_schema("vehicle")`` and
``json_schema("mission")`` are ``docs/spacerace-vehicle.schema.json`` and
``docs/spacerace-mission.schema.json`` (``tools/gen_file_format.py`` writes them; a test fails
when the committed files differ from what these functions give).

>>> json_schema("vehicle")["$defs"]["stage"]["required"][:2]
['diameter', 'drag']
>>> "| `dry_mass` |" in markdown()
True
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Iterator
from typing import Any

from spacerace.catalog.missions import _FILE_FIELD
from spacerace.catalog.quantities import DIMENSIONS, describe_bounds
from spacerace.catalog.schema import ABOUT, MAX_RELATIVE_OFFSET, TABLES, Spec, words
from spacerace.mission import Mission
from spacerace.units import SUFFIXES
from spacerace.vehicle import Vehicle

ROOTS = {"vehicle": "vehicle file", "mission": "mission file"}

# Units a file may use, by kind (any unit of pint's registry of the right dimension is read;
# the tonne-force "tf" is added). A test reads each of them.
UNIT_EXAMPLES: dict[str, tuple[str, ...]] = {
    "mass": ("8670 kg", "8.67 t", "19,100 lb"),
    "length": ("1.65 m", "328.9 km", "5.5 ft", "200 mi", "120 nmi"),
    "area": ("0.43 m^2", "4.6 ft^2"),
    "force": ("245 kN", "25 tf", "56,000 lbf", "25000 kgf"),
    "time": ("65 s", "4.5 min", "2 h", "92 day"),
    "speed": ("1600 m/s", "7.8 km/s", "3,400 mph", "5,000 ft/s", "900 knot"),
    "mass_flow": ("130 kg/s", "287 lb/s"),
    "angle": ("47 deg", "0.82 rad", "24 arcmin"),
    "isp": ("239 s",),
    "pressure": ("35.2 kPa", "1 atm", "14.7 psi"),
    "acceleration": ("38.6 m/s^2", "32.2 ft/s^2"),
}

# A number followed by a unit, for editors (the loader's own reading is stricter).
_QUANTITY_PATTERN = r"^\s*[-+]?(\d[\d,]*(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*[^\d\s.,+-].*$"


# -- where each table appears -------------------------------------------------------------------

def _walk(name: str, path: str) -> Iterator[tuple[str, str]]:
    """(table, how it is written in a file) for every table reached from ``name``."""
    for key, spec in TABLES[name].items():
        if spec.kind not in ("table", "tables"):
            continue
        sub = f"{path}.{key}" if path else key
        if spec.kind == "tables" and spec.keyed:
            written = f"[{sub}.<key>]"
        elif spec.kind == "tables":
            written = f"[[{sub}]]"
        else:
            written = f"[{sub}]"
        yield spec.table, written
        yield from _walk(spec.table, sub)


def _places() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"alternative": ["alternatives = [{ ... }]"]}
    for root in ROOTS.values():
        for table, written in _walk(root, ""):
            if table != "alternative" and written not in out.setdefault(table, []):
                out[table].append(written)
    return out


def _tables_of(root: str) -> list[str]:
    """The tables of a file in the order they are first reached (the root first)."""
    seen = [root]
    for table, _ in _walk(root, ""):
        if table not in seen and table != "alternative":
            seen.append(table)
    return seen


# -- words for a field --------------------------------------------------------------------------

def _kind_words(spec: Spec) -> str:
    if spec.kind in DIMENSIONS:
        noun = DIMENSIONS[spec.kind][1]
        if spec.many:
            return (f"list: {{ values = [numbers], unit = \"{DIMENSIONS[spec.kind][0]}\" }}, "
                    f"each {noun.split(',')[0].split(' ', 1)[1]}")
        return noun + (", or a date-time" if spec.dated else "")
    return {
        "number": "list of plain numbers" if spec.many else "plain number",
        "count": "whole number", "figure": "a value (see the table)",
        "stage": "stage index (0 first) or name", "stages": "list of stage indices or names",
        "text": "text", "flag": "true or false", "date": "TOML date-time with a zone",
        "choice": "one word", "list": "list of words" if spec.choices else "[low, high]",
        "sources": "table of KEY = \"citation\"",
        "table": f"table ({spec.table})",
        "tables": f"tables ({spec.table}), by key" if spec.keyed else
        f"array of tables ({spec.table})",
    }[spec.kind]


def _required_words(spec: Spec) -> str:
    if spec.required:
        return "yes"
    if spec.when_aim:
        return "when aim holds " + " or ".join(spec.when_aim)
    if spec.unless_aim:
        return "unless aim holds " + " or ".join(spec.unless_aim)
    return ""


def _accepted_words(spec: Spec) -> str:
    if spec.choices:
        return ", ".join(f"`{w}`" for w in words(spec))
    text = describe_bounds(spec)
    if spec.increasing:
        text += ", increasing"
    return text.strip(", ")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table_section(name: str, places: dict[str, list[str]]) -> list[str]:
    where = ", ".join(f"`{w}`" for w in places.get(name, []))
    lines = [f"### {name}", ""]
    if where:
        lines += [f"Written as {where} (or inline, `key = {{ ... }}`, in its parent)."
                  if "[" in where else f"Written as {where}.", ""]
    lines += [ABOUT[name], "",
              "| field | kind | required | default | accepted | meaning |",
              "|---|---|---|---|---|---|"]
    for key, spec in TABLES[name].items():
        default = f"`{spec.default}`" if spec.default is not None else ""
        lines.append(f"| `{key}` | {_cell(_kind_words(spec))} | {_required_words(spec)} | "
                     f"{default} | {_cell(_accepted_words(spec))} | {_cell(spec.doc)} |")
    lines.append("")
    for key, spec in TABLES[name].items():
        if spec.choices:
            lines += [f"`{key}`:", ""]
            lines += [f"- `{w}`: {why}" for w, why in spec.choices]
            lines.append("")
    return lines


# -- dispersion paths ---------------------------------------------------------------------------

def _strip_optional(hint: Any) -> Any:
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return args[0] if len(args) == 1 else hint
    return hint


def number_paths(cls: Any, prefix: str) -> Iterator[str]:
    """Every path a dispersion may name under ``prefix`` (``vehicle.stages[i].dry_mass``)."""
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        hint = _strip_optional(hints[f.name])
        args = typing.get_args(hint)
        if hint is float or hint == tuple[float, ...]:
            yield f"{prefix}.{f.name}"
        elif dataclasses.is_dataclass(hint):
            yield from number_paths(hint, f"{prefix}.{f.name}")
        elif typing.get_origin(hint) is tuple and len(args) == 2 and args[1] is ... and \
                dataclasses.is_dataclass(args[0]):
            yield from number_paths(args[0], f"{prefix}.{f.name}[i]")


def _offset_unit(path: str) -> str:
    field = _FILE_FIELD.get(path.rsplit(".", 1)[-1])
    if field is None:
        return "plain number (SI)"
    spec = TABLES[field[0]][field[1]]
    if spec.kind in DIMENSIONS:
        return f"as `{field[0]}.{field[1]}`: {DIMENSIONS[spec.kind][1].split(',')[0]}"
    return f"as `{field[0]}.{field[1]}`: plain number"


def _dispersion_paths() -> list[str]:
    lines = ["| path | absolute offsets |", "|---|---|"]
    for cls, head in ((Vehicle, "vehicle"), (Mission, "mission")):
        for path in number_paths(cls, head):
            if path.startswith(("mission.archive", "mission.dispersions")):
                continue  # accepted, but they change nothing that is flown
            lines.append(f"| `{path}` | {_offset_unit(path)} |")
    return lines


# -- the document -------------------------------------------------------------------------------

_INTRO = """\
# The file format of vehicles and missions

<!-- Generated by tools/gen_file_format.py from src/spacerace/catalog/schema.py; do not edit:
     a test fails when this file and the schema differ. -->

A flight needs two TOML files: a **vehicle** (the rocket: stages, engines, drag) and a
**mission** (when, where from, which way, the flight plan, and the archival figures the flight
is scored against). `spacerace new vehicle NAME` and `spacerace new mission NAME` write a
commented pair that flies as written; fly your own with

    spacerace fly --vehicle my-rocket.toml --mission my-flight.toml

The loader reads every field through the schema this page is generated from: a misspelt
field, a missing one, a number without its unit or outside its bounds is refused with one line
naming the file and the field. Bounds are wide: they refuse what no rocket of the period could
be, not what yours was not.

Editors: the JSON Schemas `spacerace-vehicle.schema.json` and `spacerace-mission.schema.json`
beside this page are generated from the same schema. With Even Better TOML (taplo), put
`#:schema ./spacerace-vehicle.schema.json` (a path or URL to the file) on the first line of a
vehicle file, or map the files in taplo's settings, for completion and checks as you type.
They check the shape of a file; the loader also checks units, dimensions and the physics.

## Writing values

**Quantities** are text: a number, a space, a unit, e.g. `"245.2 kN"`. Thousands separators
are allowed (`"56,000 lbf"`); a bare number where a quantity is expected is refused, so a unit
is never guessed. Any unit of the right dimension is read (pint's names), with the tonne-force
`tf` of the period's documents. Examples the loader accepts:
"""

_VALUES = """\
**Plain numbers** (a drag coefficient, a throttle) are TOML numbers: `cd = 2.2`.
**Lists** of plain numbers are TOML arrays: `mach = [0.0, 0.8, 1.2]`; a list of quantities is
written once with its unit: `time = { values = [0.0, 4.0, 50.0], unit = "s" }`.
**Date-times** are TOML date-times with a zone: `epoch = 1944-09-08T16:38:00Z`.

**Figures and their sources.** Any value may be a table that says where it comes from:

    thrust_sea_level = { value = "25 tf", source = "MY-SOURCE", note = "design rating",
                         alternatives = [{ value = "56,000 lbf", source = "OTHER" }] }

The first word of a `source` is a key of the project's bibliography (`src/spacerace/catalog/
sources.toml`: `DERIVED` for a figure computed from others, the formula in its note;
`RECONSTRUCTED` for one reasoned from the flight's description, the reasoning in its note;
`RECALLED` for one without a source) or of the file's own `[sources]` table:

    [sources]
    MY-SOURCE = "Author, Title (Publisher, year), page"

A source key that is in neither is refused. `unconfirmed = true` marks a figure no second
source agrees with. In an archival figure, `derived = true` marks one computed from others.

"""

_DISPERSIONS = f"""\
**Paths a dispersion may name.** `[i]` is an index from 0 (`stages[1]`, `phases[2]`); a path
to a list (`mission.pitch_program.elevation`) moves every element by the same offset.
Relative offsets (`"1 %"`) may be at most {MAX_RELATIVE_OFFSET:.0%} of the value. Absolute
offsets of a field marked SI are plain numbers in the simulation's own units: m, kg, s,
radians (also for `until_range`, a central angle), J/kg for `until_energy`.
"""


def markdown() -> str:
    """``docs/file-format.md``: every table and field of the two kinds of files."""
    places = _places()
    lines = [_INTRO]
    for kind, examples in UNIT_EXAMPLES.items():
        lines.append(f"- {kind.replace('_', ' ')}: " + ", ".join(f"`\"{e}\"`" for e in examples))
    lines += ["", _VALUES]
    lines += _table_section("figure", places)
    lines += _table_section("alternative", places)
    lines += ["## Vehicle files", ""]
    for name in _tables_of(ROOTS["vehicle"]):
        lines += _table_section(name, places)
    lines += ["## Mission files", ""]
    for name in _tables_of(ROOTS["mission"]):
        lines += _table_section(name, places)
        if name == "archive figure":
            lines += ["**Kind by suffix.** " + ", ".join(
                f"`{s}`: {k.replace('_', ' ')}" for s, _, k in SUFFIXES) + ".", ""]
        if name == "dispersion":
            lines += [_DISPERSIONS] + _dispersion_paths() + [""]
    return "\n".join(lines).rstrip() + "\n"


# -- JSON Schema --------------------------------------------------------------------------------

def _ref(table: str) -> dict[str, Any]:
    return {"$ref": f"#/$defs/{table.replace(' ', '_')}"}


def _scalar(spec: Spec) -> dict[str, Any]:
    """The schema of one value of the field's kind (no figure table)."""
    if spec.kind in DIMENSIONS:
        q: dict[str, Any] = {"type": "string", "pattern": _QUANTITY_PATTERN}
        if spec.dated:
            return {"anyOf": [q, {"type": "string", "format": "date-time"}]}
        return q
    if spec.kind in ("number", "count"):
        out: dict[str, Any] = {"type": "number" if spec.kind == "number" else "integer"}
        if spec.low is not None:
            out["exclusiveMinimum" if spec.above else "minimum"] = float(spec.low)
        if spec.high is not None:
            out["maximum"] = float(spec.high)
        return out
    return {"type": ["string", "number"]}  # "figure": its kind is the context's


def _property(spec: Spec) -> dict[str, Any]:
    kind = spec.kind
    if kind in DIMENSIONS or kind in ("number", "count", "figure"):
        one = _scalar(spec)
        if spec.many:
            items: dict[str, Any] = {"type": "array", "minItems": 1, "items": one}
            if kind in DIMENSIONS:
                return {"anyOf": [items, _ref("values with unit")]}
            return items
        return {"anyOf": [one, {**_ref("figure"), "properties": {"value": one}}]}
    stage = {"anyOf": [{"type": "integer", "minimum": 0}, {"type": "string"}]}
    simple: dict[str, dict[str, Any]] = {
        "text": {"type": "string"}, "flag": {"type": "boolean"},
        "date": {"anyOf": [{"type": "string", "format": "date-time"},
                           {**_ref("figure"), "properties": {"value": {"type": "string"}}}]},
        "stage": stage, "stages": {"type": "array", "items": stage},
        "sources": {"type": "object", "additionalProperties": {"type": "string"}},
    }
    if kind in simple:
        return simple[kind]
    if kind == "choice":
        return {"enum": list(words(spec))}
    if kind == "list":
        if spec.choices:
            return {"type": "array", "items": {"enum": list(words(spec))}, "uniqueItems": True}
        return {"type": "array", "minItems": 2, "maxItems": 2,
                "items": {"type": ["string", "number"]}}
    if kind == "table":
        return _ref(spec.table)
    if spec.keyed:
        return {"type": "object", "additionalProperties": _ref(spec.table)}
    return {"type": "array", "items": _ref(spec.table)}


def _aim_holds(aims: tuple[str, ...]) -> dict[str, Any]:
    return {"properties": {"aim": {"contains": {"enum": list(aims)}}}, "required": ["aim"]}


def _table_schema(name: str) -> dict[str, Any]:
    specs = TABLES[name]
    props = {}
    for key, spec in specs.items():
        props[key] = {**_property(spec), "description": " ".join(
            p for p in (spec.doc, _required_words(spec) and f"Required: "
                        f"{_required_words(spec)}.", spec.default and
                        f"Default: {spec.default}.") if p)}
    out: dict[str, Any] = {"type": "object", "description": ABOUT[name], "properties": props,
                           "additionalProperties": False}
    required = [k for k, s in specs.items() if s.required]
    if required:
        out["required"] = sorted(required)
    conditions = [{"if": _aim_holds(s.when_aim), "then": {"required": [k]}}
                  for k, s in specs.items() if s.when_aim]
    conditions += [{"if": {"not": _aim_holds(s.unless_aim)}, "then": {"required": [k]}}
                   for k, s in specs.items() if s.unless_aim]
    if conditions:
        out["allOf"] = conditions
    return out


def _reached(root: str) -> list[str]:
    out = [root, "figure", "alternative"]
    for table, _ in _walk(root, ""):
        if table not in out:
            out.append(table)
    return out


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema (2020-12) of a ``"vehicle"`` or ``"mission"`` file."""
    root = ROOTS[kind]
    defs = {t.replace(" ", "_"): _table_schema(t) for t in _reached(root)}
    defs["values_with_unit"] = {
        "type": "object", "required": ["unit", "values"], "additionalProperties": False,
        "description": "a list of quantities: { values = [numbers], unit = \"unit\" }",
        "properties": {"values": {"type": "array", "minItems": 1, "items": {"type": "number"}},
                       "unit": {"type": "string"}}}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": f"spacerace {kind} file",
            "description": f"A {kind} file of spacerace; see file-format.md.",
            **_ref(root), "$defs": defs}
