"""Where the sources disagree: each vehicle figure's alternatives as a spread of its field.

A figure of a vehicle file may list ``alternatives``: the same quantity as other documents give
it. Each alternative that reads as a quantity of the field's kind becomes an offset from the
chosen value, in SI, on the field of the ``Vehicle`` it sets (a sea-level thrust moves the
vacuum thrust by the same force, an alternative specific impulse moves the mass flow it
implies). An alternative of another quantity (a gross mass beside a propellant mass, the
explosive alone beside the warhead) is marked ``spread = false`` in the file, or does not
read as a quantity of that kind, and is left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from spacerace.catalog.quantities import Field, parse
from spacerace.constants import G0, US76_P0
from spacerace.errors import CatalogError
from spacerace.vehicle import Vehicle


@dataclass(frozen=True)
class SourceSpread:
    """The range the sources give for one field of the vehicle.

    Attributes
    ----------
    path : str
        The field of the data, as a dispersion path (``vehicle.stages[0].dry_mass``).
    field : str
        The figure in the file it comes from (``stages[0].engines[0].thrust_sea_level``).
    low, high : float
        Offsets from the chosen value to the lowest and highest source [SI], low <= 0 <= high.
    sources : tuple of str
        The source keys of the alternatives used.
    """

    path: str
    field: str
    low: float
    high: float
    sources: tuple[str, ...]


def _alternatives(node: Any, where: Field, kind: str) -> Iterator[tuple[float, str]]:
    """The alternatives of a figure that are quantities of ``kind`` (SI), with their sources."""
    if not isinstance(node, dict):
        return
    for i, alt in enumerate(node.get("alternatives", [])):
        if not isinstance(alt, dict) or alt.get("spread", True) is False:
            continue
        try:  # its value alone: the loader has checked the alternative's keys
            value = parse(alt.get("value"), where.child("alternatives").child(i), kind)
        except CatalogError:  # text, or another quantity ("279000 kg gross")
            continue
        yield value, str(alt.get("source", ""))


def _spread(node: Any, where: Field, kind: str, path: str,
            to_field: Callable[[float], float]) -> SourceSpread | None:
    """The spread of one figure on the data field ``path`` (``to_field`` maps a value)."""
    chosen = parse(node, where, kind)
    offsets, keys = [], []
    for value, source in _alternatives(node, where, kind):
        offsets.append(to_field(value) - to_field(chosen))
        keys.append(source)
    if not offsets or max(abs(x) for x in offsets) == 0.0:
        return None
    return SourceSpread(path, where.field, min(0.0, *offsets), max(0.0, *offsets),
                        tuple(dict.fromkeys(keys)))


def vehicle_spreads(data: dict[str, Any], vehicle: Vehicle, where: Field
                    ) -> tuple[SourceSpread, ...]:
    """Every field of ``vehicle`` on which its file records disagreeing sources.

    ``data`` is the parsed file that built ``vehicle`` (already checked by the loader).
    """
    out: list[SourceSpread | None] = []
    head = data.get("vehicle", {})
    if "payload_mass" in head:
        out.append(_spread(head["payload_mass"], where.child("vehicle").child("payload_mass"),
                           "mass", "vehicle.payload_mass", float))
    for i, (st, stage) in enumerate(zip(data.get("stages", []), vehicle.stages)):
        sw = where.child("stages").child(i)
        for key, kind in (("dry_mass", "mass"), ("propellant_mass", "mass"),
                          ("diameter", "length")):
            if key in st:
                out.append(_spread(st[key], sw.child(key), kind,
                                   f"vehicle.stages[{i}].{key}", float))
        for j, (en, engine) in enumerate(zip(st.get("engines", []), stage.engines)):
            out += _engine_spreads(en, engine, sw.child("engines").child(j),
                                   f"vehicle.stages[{i}].engines[{j}]")
    return tuple(s for s in out if s is not None)


def _engine_spreads(en: dict[str, Any], engine: Any, where: Field, base: str
                    ) -> list[SourceSpread | None]:
    """Thrust and flow spreads of one engine group (``count`` engines)."""
    n = float(en.get("count", 1)) if isinstance(en.get("count", 1), (int, float)) else 1.0
    f_vac = engine.thrust_vacuum / n  # one engine
    area = engine.exit_area / n
    out: list[SourceSpread | None] = []
    for key in ("thrust_vacuum", "thrust_sea_level"):
        if key in en:  # the same force difference at any pressure
            out.append(_spread(en[key], where.child(key), "force", f"{base}.thrust_vacuum",
                               lambda f: n * f))
    if "mass_flow" in en:
        out.append(_spread(en["mass_flow"], where.child("mass_flow"), "mass_flow",
                           f"{base}.mass_flow", lambda m: n * m))
    elif "isp_vacuum" in en:
        out.append(_spread(en["isp_vacuum"], where.child("isp_vacuum"), "isp",
                           f"{base}.mass_flow", lambda isp: n * f_vac / (isp * G0)))
    elif "isp_sea_level" in en:
        out.append(_spread(en["isp_sea_level"], where.child("isp_sea_level"), "isp",
                           f"{base}.mass_flow",
                           lambda isp: n * (f_vac - US76_P0 * area) / (isp * G0)))
    return out
