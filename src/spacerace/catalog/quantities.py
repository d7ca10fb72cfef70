"""Reading quantities with units from catalog files, with errors that name the field.

A figure is either a bare value (``"245.2 kN"``, ``1``) or a table
``{ value = "245.2 kN", source = "KEY", note = "...", alternatives = [...] }``. A quantity is
read as a number and a unit, never evaluated: the number by a regular expression, the unit by
pint as a unit alone. Every value is checked against its field's bounds in ``schema.TABLES``.
"""

from __future__ import annotations

import math
import re
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pint

from spacerace.catalog.schema import TABLES, Spec
from spacerace.errors import CatalogError


@lru_cache(maxsize=1)
def registry() -> pint.UnitRegistry:
    """The unit registry, with the tonne-force of the period's documents.

    pint's definition cache (in the user's cache folder) makes this 10x faster after the
    first run; where that folder cannot be written, the registry is built without it.
    """
    import pint  # imported here: a catalog read from its cache needs no units at all

    ureg: pint.UnitRegistry
    try:
        ureg = pint.UnitRegistry(cache_folder=":auto:")
    except OSError:
        ureg = pint.UnitRegistry()
    ureg.define("tonne_force = 1000 * kilogram_force = tf")
    return ureg


DIMENSIONS = {
    "mass": ("kg", "a mass, e.g. '8.67 t' or '8670 kg'"),
    "length": ("m", "a length, e.g. '1.65 m'"),
    "area": ("m**2", "an area, e.g. '0.43 m^2'"),
    "force": ("N", "a force, e.g. '245 kN' or '25 tf'"),
    "time": ("s", "a time, e.g. '65 s'"),
    "speed": ("m/s", "a speed, e.g. '1600 m/s'"),
    "mass_flow": ("kg/s", "a mass flow, e.g. '130 kg/s'"),
    "angle": ("rad", "an angle, e.g. '47 deg'"),
    "isp": ("s", "a specific impulse in seconds, e.g. '239 s'"),
    "pressure": ("Pa", "a pressure, e.g. '35.2 kPa'"),
    "acceleration": ("m/s**2", "an acceleration, e.g. '38.6 m/s^2'"),
}


class Field:
    """Where a value sits: the file and the dotted field path (for error messages)."""

    def __init__(self, path: str, field: str) -> None:
        self.path = path
        self.field = field

    def child(self, name: str | int) -> Field:
        """The path of a sub-field or list element."""
        sub = f"[{name}]" if isinstance(name, int) else (f".{name}" if self.field else name)
        return Field(self.path, f"{self.field}{sub}")

    def error(self, expected: str) -> CatalogError:
        """A ``CatalogError`` for this field."""
        return CatalogError(self.path, self.field, expected)


_ANGLE_UNITS = frozenset({"degree", "radian", "arcminute", "arcsecond", "milliradian", "turn"})
# A number as the catalog writes it: signs, thousands separators ("4,008"), exponents.
_NUMBER = r"[-+]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
# A unit: names (letters first) with small integer powers, joined by '*' or '/' (not by
# spaces: "279000 kg gross" is a remark, not kilograms times 144).
_FACTOR = r"[^\W\d]\w*(?:\s*(?:\^|\*\*)\s*[-+]?\d{1,2})?"
_UNIT = rf"{_FACTOR}(?:\s*[*/]\s*{_FACTOR})*"
_QUANTITY = re.compile(rf"\s*({_NUMBER})\s*({_UNIT})\s*")
_BARE = re.compile(rf"\s*{_NUMBER}\s*")
_NOT_FINITE = re.compile(r"\s*[-+]?(?:nan|inf(?:inity)?)\b", re.IGNORECASE)
_MAX_TEXT = 200  # characters of a quantity: longer text is not read at all


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


def check_table(table: Any, where: Field, name: str) -> None:
    """``check_keys`` with the fields of ``schema.TABLES[name]``."""
    specs = TABLES[name]
    check_keys(table, where, set(specs), {k for k, s in specs.items() if s.required})
    for key, value in table.items():
        kind = specs[key].kind
        if kind == "text" and not isinstance(value, str):
            raise where.child(key).error(f"expected a text in quotes; found {shown(value)}")
        if kind == "flag" and not isinstance(value, bool):
            raise where.child(key).error(f"expected true or false; found {shown(value)}")


def _check_figure(node: dict[str, Any], where: Field) -> None:
    """The keys of a figure table and of its alternatives (typos lose a source silently)."""
    check_table(node, where, "figure")
    check_alternatives(node, where)


def check_alternatives(node: dict[str, Any], where: Field) -> None:
    """The ``alternatives`` of a figure: a list of ``{ value, source }`` tables."""
    alts = node.get("alternatives", [])
    if not isinstance(alts, list):
        raise where.child("alternatives").error("expected a list of { value, source } tables")
    for i, alt in enumerate(alts):
        check_table(alt, where.child("alternatives").child(i), "alternative")


def figure_value(node: Any) -> Any:
    """The value of a figure, bare or in a ``{value, source}`` table."""
    if isinstance(node, dict):
        return node.get("value")
    return node


def figure_source(node: Any) -> str | None:
    """The source key of a figure, if it has one."""
    return node.get("source") if isinstance(node, dict) else None


def shown(raw: Any) -> str:
    """A value as a message shows it: TOML's words for booleans, tables and lists."""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, dict):
        return "a table"
    if isinstance(raw, list):
        return "a list"
    return raw.isoformat() if hasattr(raw, "isoformat") else repr(raw)


def _noun(kind: str) -> str:
    if kind in DIMENSIONS:
        return DIMENSIONS[kind][1].split(",")[0]
    return "a whole number" if kind == "count" else "a number"


@lru_cache(maxsize=4096)
def _si(text: str, kind: str) -> float:
    """``text`` ("245.2 kN") as an SI float of ``kind``; ``ValueError`` says what is wrong."""
    import pint

    unit = DIMENSIONS[kind][0]
    if len(text) > _MAX_TEXT:
        raise ValueError(f"found a text of {len(text):,} characters, too long for a number "
                         "and a unit")
    if _NOT_FINITE.match(text):
        raise ValueError(f"found {text!r}, whose number is not finite")
    if _BARE.fullmatch(text):
        raise ValueError(f"found the bare number {text!r} without its unit")
    m = _QUANTITY.fullmatch(text)
    if m is None:
        raise ValueError(f"could not read {text!r} as a number followed by a unit")
    number = float(m.group(1).replace(",", ""))
    if not math.isfinite(number):
        raise ValueError(f"found {text!r}, whose number is too large")
    ureg = registry()
    try:
        units = ureg.parse_units(m.group(2))
    except Exception:  # pint raises several types for an unknown or malformed unit
        raise ValueError(f"found {text!r}, whose unit {m.group(2)!r} is not known") from None
    if kind == "angle" and str(units) not in _ANGLE_UNITS or kind != "angle" and \
            units.dimensionless:
        raise ValueError(f"found {text!r}, which is not {_noun(kind)}")
    try:
        value = float(ureg.Quantity(number, units).to(unit).magnitude)
    except pint.DimensionalityError:
        raise ValueError(f"found {text!r}, which is not {_noun(kind)}") from None
    if not math.isfinite(value):
        raise ValueError(f"found {text!r}, which is too large")
    return value


def parse(node: Any, where: Field, kind: str) -> float:
    """Convert a figure to an SI float of the given kind (see ``DIMENSIONS``)."""
    expected = DIMENSIONS[kind][1]
    if isinstance(node, dict):
        _check_figure(node, where)
    raw = figure_value(node)
    if raw is None:
        raise where.error(f"expected {expected}; found no value")
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        raise where.error(f"expected {expected}; found {shown(raw)}")
    if isinstance(raw, (int, float)):
        raise where.error(f"expected {expected} with its unit; found the bare number {raw!r}")
    try:
        return _si(raw, kind)
    except ValueError as exc:
        raise where.error(f"expected {expected}; {exc}") from None


def parse_positive(node: Any, where: Field, kind: str, allow_zero: bool = False) -> float:
    """``parse`` and reject negative (or zero) values (for fields not in ``schema.TABLES``;
    ``read`` applies a field's own bounds)."""
    v = parse(node, where, kind)
    if v < 0.0 or (v == 0.0 and not allow_zero):
        limit = "zero or more" if allow_zero else "more than zero"
        raise where.error(f"expected {limit}; found {figure_value(node)!r}")
    return v


def parse_number(node: Any, where: Field) -> float:
    """A plain (dimensionless), finite number."""
    if isinstance(node, dict):
        _check_figure(node, where)
    raw = figure_value(node)
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        raise where.error(f"expected a number; found {shown(raw)}")
    try:
        value = float(raw)
    except OverflowError:
        raise where.error(f"expected a number of ordinary size; found one of "
                          f"{len(str(abs(raw)))} digits") from None
    if not math.isfinite(value):
        raise where.error(f"expected a finite number; found {raw!r}")
    return value


@cache
def bound(text: str, kind: str) -> float:
    """A bound or default of ``schema.TABLES`` as an SI float."""
    return _si(text, kind) if kind in DIMENSIONS else float(text)


def describe_bounds(spec: Spec) -> str:
    """The bounds of a field in words, e.g. "above 0 kN and at most 100000 kN"."""
    if spec.low is not None and spec.high is not None:
        if spec.above:
            return f"above {spec.low} and at most {spec.high}"
        return f"from {spec.low} to {spec.high}"
    if spec.low is not None:
        return f"above {spec.low}" if spec.above else f"of {spec.low} or more"
    return f"of at most {spec.high}" if spec.high is not None else ""


def check_bounds(value: float, spec: Spec, where: Field, raw: Any) -> float:
    """``value`` if it lies within the bounds of ``spec``, else a ``CatalogError``."""
    low = None if spec.low is None else bound(spec.low, spec.kind)
    high = None if spec.high is None else bound(spec.high, spec.kind)
    if (low is not None and (value < low or spec.above and value == low)) or \
            (high is not None and value > high):
        raise where.error(f"expected {_noun(spec.kind)} {describe_bounds(spec)}; "
                          f"found {shown(figure_value(raw))}")
    return value


def read_value(node: Any, where: Field, spec: Spec) -> float:
    """One value of the kind of ``spec``, checked against its bounds."""
    value = parse(node, where, spec.kind) if spec.kind in DIMENSIONS else \
        parse_number(node, where)
    if spec.kind == "count" and value != int(value):
        raise where.error(f"expected a whole number {describe_bounds(spec)}; "
                          f"found {figure_value(node)!r}")
    return check_bounds(value, spec, where, node)


def read(table: dict[str, Any], key: str, where: Field, name: str,
         missing: float = math.nan) -> float:
    """Field ``key`` of a table of kind ``name`` (see ``schema.TABLES``) as an SI float.

    An absent field takes the schema's default, is refused when required, and is
    ``missing`` otherwise.
    """
    spec = TABLES[name][key]
    w = where.child(key)
    if key in table:
        return read_value(table[key], w, spec)
    if spec.default is not None:
        return bound(spec.default, spec.kind)
    if spec.required:
        raise w.error("missing; this field is required")
    return missing


def parse_list(node: Any, where: Field, spec: Spec) -> list[float]:
    """A list of numbers, or ``{ values = [...], unit = "..." }`` for a list with a unit."""
    if isinstance(node, dict) and "values" in node and spec.kind in DIMENSIONS:
        check_keys(node, where, {"values", "unit"}, {"values", "unit"})
        values, unit = node["values"], node["unit"]
        if not isinstance(values, list) or not values or not isinstance(unit, str) or \
                not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            raise where.error("expected { values = [numbers], unit = \"unit\" }")
        return [read_value(f"{v!r} {unit}", where.child(i), spec) for i, v in enumerate(values)]
    if not isinstance(node, list) or not node:
        if spec.kind in DIMENSIONS:
            raise where.error(f"expected {{ values = [numbers], unit = \"unit\" }}, a list of "
                              f"{_noun(spec.kind)[2:]}s")
        raise where.error("expected a non-empty list of numbers")
    return [read_value(v, where.child(i), spec) for i, v in enumerate(node)]


def parse_table(node: Any, where: Field, name: str) -> tuple[list[float], list[float]]:
    """Two lists of equal length with the first strictly increasing (a table of y against x).

    ``node`` is a table of kind ``name`` of ``schema.TABLES`` whose first two list fields
    (``many``) are x and y; each list is plain numbers or ``{ values = [...], unit = "..." }``.
    """
    check_table(node, where, name)
    x_key, y_key = (k for k, s in TABLES[name].items() if s.many)
    xs = parse_list(node[x_key], where.child(x_key), TABLES[name][x_key])
    ys = parse_list(node[y_key], where.child(y_key), TABLES[name][y_key])
    if len(xs) != len(ys):
        raise where.error(f"expected {x_key} and {y_key} lists of equal length "
                          f"({len(xs)} vs {len(ys)})")
    if any(b <= a for a, b in zip(xs, xs[1:])):
        raise where.child(x_key).error(f"expected {x_key} values increasing")
    return xs, ys


def local_sources(data: dict[str, Any], where: Field) -> dict[str, str]:
    """A file's own ``[sources]`` table: source key -> citation."""
    table = data.get("sources", {})
    w = where.child("sources")
    if not isinstance(table, dict):
        raise w.error("expected a table of KEY = \"citation\"")
    for key, value in table.items():
        if not isinstance(value, str):
            raise w.child(key).error("expected a citation (text)")
    return dict(table)
