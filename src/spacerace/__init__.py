"""spacerace: fly the rockets of the space race and check every figure against the archives.

>>> import spacerace as sr
>>> f = sr.fly("v2-london")              # doctest: +SKIP
>>> round(f.figures["range_m"] / 1e3)    # doctest: +SKIP
329

The names below are imported when first used, so that ``import spacerace`` (and the command
line, which starts by importing it) costs nothing until a flight is asked for, and a Ctrl-C
while the command line starts is answered by the command line, not by a traceback.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from spacerace._version import __version__

# public name -> module that defines it
_PUBLIC = {
    "CatalogError": "spacerace.errors",
    "OutOfRangeError": "spacerace.errors",
    "SimulationError": "spacerace.errors",
    "UnreachableError": "spacerace.errors",
    "FlightResult": "spacerace.flight",
    "SimOptions": "spacerace.flight",
    "simulate": "spacerace.flight",
    "fly": "spacerace.api",
    "list_missions": "spacerace.catalog",
    "list_vehicles": "spacerace.catalog",
    "load_mission": "spacerace.catalog",
    "load_vehicle": "spacerace.catalog",
}

__all__ = [
    "CatalogError",
    "FlightResult",
    "OutOfRangeError",
    "SimOptions",
    "SimulationError",
    "UnreachableError",
    "__version__",
    "fly",
    "list_missions",
    "list_vehicles",
    "load_mission",
    "load_vehicle",
    "simulate",
]


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use (PEP 562)."""
    if name in _PUBLIC:
        value = getattr(import_module(_PUBLIC[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'spacerace' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
