"""spacerace: fly the rockets of the space race and check every figure against the archives.

>>> import spacerace as sr
>>> f = sr.fly("v2-london")              # doctest: +SKIP
>>> round(f.figures["range_m"] / 1e3)    # doctest: +SKIP
329
"""

from spacerace._version import __version__
from spacerace.api import fly
from spacerace.catalog import list_missions, list_vehicles, load_mission, load_vehicle
from spacerace.errors import CatalogError, OutOfRangeError, SimulationError, UnreachableError
from spacerace.flight import FlightResult, SimOptions, simulate

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
