"""Reading quantities with units from catalog files (pint), with errors that name the field.

A figure is either a bare value (``"245.2 kN"``, ``1``) or a table
``{ value = "245.2 kN", source = "KEY", note = "...", alternatives = [...] }``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pint

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


def figure_value(node: Any) -> Any:
    """The value of a figure, bare or in a ``{value, source}`` table."""
    if isinstance(node, dict):
        return node.get("value")
    return node


def figure_source(node: Any) -> str | None:
    """The source key of a figure, if it has one."""
    return node.get("source") if isinstance(node, dict) else None


def parse(node: Any, where: Field, kind: str) -> float:
    """Convert a figure to an SI float of the given kind (see ``DIMENSIONS``)."""
    import pint

    unit, expected = DIMENSIONS[kind]
    raw = figure_value(node)
    if raw is None:
        raise where.error(f"expected {expected}; found no value")
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        raise where.error(f"expected {expected}; found {raw!r}")
    if isinstance(raw, (int, float)):
        raise where.error(f"expected {expected} with its unit; found the bare number {raw!r}")
    ureg = registry()
    q: Any
    try:
        q = ureg.Quantity(raw)
    except Exception as exc:  # pint raises several types for unparsable text
        raise where.error(f"expected {expected}; could not read {raw!r} ({exc})") from None
    if not isinstance(q, pint.Quantity) or q.dimensionless and kind != "angle":
        raise where.error(f"expected {expected}; found {raw!r} without a unit")
    try:
        return float(q.to(unit).magnitude)
    except pint.DimensionalityError:
        raise where.error(f"expected {expected}; found {raw!r}, which is not {kind}") from None


def parse_positive(node: Any, where: Field, kind: str, allow_zero: bool = False) -> float:
    """``parse`` and reject negative (or zero) values."""
    v = parse(node, where, kind)
    if v < 0.0 or (v == 0.0 and not allow_zero):
        bound = "zero or more" if allow_zero else "more than zero"
        raise where.error(f"expected {bound}; found {figure_value(node)!r}")
    return v


def parse_number(node: Any, where: Field) -> float:
    """A plain (dimensionless) number."""
    raw = figure_value(node)
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        raise where.error(f"expected a number; found {raw!r}")
    return float(raw)


def parse_list(node: Any, where: Field, kind: str | None) -> list[float]:
    """A list of numbers, or ``{ values = [...], unit = "..." }`` for a list with a unit."""
    if isinstance(node, dict) and "values" in node:
        values, unit = node["values"], node.get("unit")
        if not isinstance(values, list) or not isinstance(unit, str):
            raise where.error("expected { values = [numbers], unit = \"unit\" }")
        return [parse(f"{v} {unit}", where.child(i), kind or "angle")
                for i, v in enumerate(values)]
    if not isinstance(node, list) or not node:
        raise where.error("expected a non-empty list of numbers")
    return [parse_number(v, where.child(i)) for i, v in enumerate(node)]


def parse_table(node: Any, where: Field, x_key: str, x_kind: str | None, y_key: str,
                y_kind: str | None, extra_keys: frozenset[str] = frozenset()
                ) -> tuple[list[float], list[float]]:
    """Two lists of equal length with the first strictly increasing (a table of y against x).

    ``node`` is a table ``{ <x_key> = [...], <y_key> = [...], source = ..., note = ... }``;
    each list is plain numbers (kind None) or ``{ values = [...], unit = "..." }``.
    """
    allowed = {x_key, y_key, "source", "note", "unconfirmed", *extra_keys}
    if not isinstance(node, dict):
        raise where.error("expected a table")
    for key in node:
        if key not in allowed:
            raise where.child(key).error(
                f"unknown field; expected one of {', '.join(sorted(allowed))}")
    for key in (x_key, y_key):
        if key not in node:
            raise where.child(key).error("missing; this field is required")
    xs = parse_list(node[x_key], where.child(x_key), x_kind)
    ys = parse_list(node[y_key], where.child(y_key), y_kind)
    if len(xs) != len(ys):
        raise where.error(f"expected {x_key} and {y_key} lists of equal length "
                          f"({len(xs)} vs {len(ys)})")
    if any(b <= a for a, b in zip(xs, xs[1:])):
        raise where.child(x_key).error(f"expected {x_key} values increasing")
    return xs, ys
