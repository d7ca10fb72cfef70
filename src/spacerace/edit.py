"""Field paths on the frozen data classes: read a number of a vehicle or mission, and a copy
with it changed.

A path names a field from the vehicle or the mission down, as the mission files' dispersions
do: ``vehicle.stages[0].engines[0].thrust_vacuum``, ``mission.pitch_program.elevation``.
Monte Carlo dispersions, the sources' spread, what-ifs and the optimiser all edit the data
this one way, before packing.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import Any

from spacerace.mission import Mission
from spacerace.vehicle import Vehicle

_PATH_PART = re.compile(r"^([A-Za-z_]\w*)(?:\[(\d+)\])?$")


def _get(obj: Any, parts: Sequence[str]) -> Any:
    for part in parts:
        m = _PATH_PART.match(part)
        if m is None:
            raise KeyError(part)
        obj = getattr(obj, m.group(1))
        if m.group(2) is not None:
            obj = obj[int(m.group(2))]
    return obj


def _set(obj: Any, parts: Sequence[str], value: Any) -> Any:
    """A copy of ``obj`` with the field at ``parts`` replaced (dataclasses.replace down)."""
    m = _PATH_PART.match(parts[0])
    if m is None:
        raise KeyError(parts[0])
    name, index = m.group(1), m.group(2)
    child = getattr(obj, name)
    if index is not None:
        items = list(child)
        items[int(index)] = _set(items[int(index)], parts[1:], value) if len(parts) > 1 \
            else value
        new: Any = tuple(items)
    else:
        new = _set(child, parts[1:], value) if len(parts) > 1 else value
    return dataclasses.replace(obj, **{name: new})


def _root(path: str) -> tuple[str, list[str]]:
    head, _, rest = path.partition(".")
    if head not in ("vehicle", "mission") or not rest:
        raise KeyError(path)
    return head, rest.split(".")


def check_path(vehicle: Vehicle, mission: Mission, path: str) -> None:
    """Raise ``KeyError`` unless ``path`` names a number (or tuple of numbers) of the data."""
    head, parts = _root(path)
    value = _get(vehicle if head == "vehicle" else mission, parts)
    values = value if isinstance(value, tuple) else (value,)
    if not values or not all(isinstance(v, float) for v in values):
        raise KeyError(path)


def field_value(vehicle: Vehicle, mission: Mission, path: str) -> Any:
    """The value of the field at ``path`` (a number, or a tuple of numbers)."""
    head, parts = _root(path)
    return _get(vehicle if head == "vehicle" else mission, parts)


def perturb(vehicle: Vehicle, mission: Mission, path: str, offset: float,
            relative: bool) -> tuple[Vehicle, Mission]:
    """Add ``offset`` (or the fraction ``offset`` of the value) to the field at ``path``.

    A tuple field (a pitch programme's elevations) gets the same offset at every element.
    """
    head, parts = _root(path)
    target: Any = vehicle if head == "vehicle" else mission
    value = _get(target, parts)

    def moved(x: float) -> float:
        return x * (1.0 + offset) if relative else x + offset

    new = tuple(moved(x) for x in value) if isinstance(value, tuple) else moved(value)
    target = _set(target, parts, new)
    return (target, mission) if head == "vehicle" else (vehicle, target)
