"""The catalog: vehicle and mission files (TOML) read into ``Vehicle`` and ``Mission``.

Files are checked as they are read: a malformed file, a missing field, a quantity of the wrong
dimension or an impossible value raises ``CatalogError`` naming the file, the field and what
was expected. Built-in files live in ``vehicles/`` and ``missions/`` beside this module; every
figure in them carries a ``source`` key resolved in ``sources.toml``.
"""

from __future__ import annotations

import hashlib
import math
import pickle
import tomllib
from pathlib import Path
from typing import Any

from spacerace._version import __version__
from spacerace.catalog.missions import build_mission
from spacerace.catalog.quantities import Field
from spacerace.catalog.spreads import SourceSpread, vehicle_spreads
from spacerace.catalog.vehicles import build_vehicle
from spacerace.errors import CatalogError
from spacerace.mission import Mission
from spacerace.vehicle import Vehicle

HERE = Path(__file__).parent
VEHICLES = HERE / "vehicles"
MISSIONS = HERE / "missions"


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file; a missing or malformed file becomes a ``CatalogError``."""
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise CatalogError(str(path), "", f"cannot read the file ({exc.strerror})") from None
    try:
        return tomllib.loads(text.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CatalogError(str(path), "", f"not valid TOML ({exc})") from None


def sources() -> dict[str, str]:
    """The bibliography: source key -> citation."""
    data = read_toml(HERE / "sources.toml")
    return {k: v.get("citation", "") for k, v in data.items()}


def _names(folder: Path) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.toml"))


def list_vehicles() -> list[str]:
    """Names of the built-in vehicles."""
    return _names(VEHICLES)


def list_missions() -> list[str]:
    """Names of the built-in missions."""
    return _names(MISSIONS)


def _resolve(name_or_path: str | Path, folder: Path, kind: str) -> Path:
    p = Path(name_or_path)
    if p.suffix == ".toml" or p.exists():
        return p
    candidate = folder / f"{name_or_path}.toml"
    if not candidate.exists():
        known = ", ".join(_names(folder))
        raise CatalogError(str(name_or_path), "", f"unknown {kind}; the catalog has: {known}")
    return candidate


def _display(path: Path) -> str:
    """A file name for messages: catalog files by their catalog-relative name."""
    try:
        return str(path.resolve().relative_to(HERE.parent.resolve()))
    except ValueError:
        return str(path)


def file_hash(path: Path) -> str:
    """SHA-256 of a file's bytes (provenance)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_vehicle(name_or_path: str | Path) -> Vehicle:
    """Read a vehicle by catalog name (``"v2"``) or from a TOML file path."""
    path = _resolve(name_or_path, VEHICLES, "vehicle")
    data = read_toml(path)
    return build_vehicle(data, Field(_display(path), ""), sources())


def load_mission(name_or_path: str | Path, vehicle: Vehicle | None = None) -> Mission:
    """Read a mission by catalog name (``"v2-london"``) or from a TOML file path.

    With its ``vehicle``, phases may name stages instead of numbering them.
    """
    path = _resolve(name_or_path, MISSIONS, "mission")
    data = read_toml(path)
    names = {s.name: i for i, s in enumerate(vehicle.stages)} if vehicle else None
    return build_mission(data, Field(_display(path), ""), sources(), names)


def source_spreads(vehicle: Vehicle) -> tuple[SourceSpread, ...]:
    """The fields of ``vehicle`` on which its file's sources disagree (see ``spreads``)."""
    path = _resolve(vehicle.origin, VEHICLES, "vehicle") if vehicle.origin.endswith(".toml") \
        and Path(vehicle.origin).exists() else VEHICLES / f"{vehicle.id}.toml"
    if not path.exists():
        path = HERE.parent / vehicle.origin
    return vehicle_spreads(read_toml(path), vehicle, Field(_display(path), ""))


def _cache_file(files: list[Path]) -> Path | None:
    """Where a parsed catalog pair is cached: keyed on the bytes of its files and the loader."""
    if not all(HERE in f.resolve().parents for f in files):
        return None  # users' own files are read afresh each time
    digest = hashlib.sha256(__version__.encode())
    for f in [*files, HERE / "sources.toml", *sorted(HERE.glob("*.py"))]:
        digest.update(f.read_bytes())
    return HERE / "__pycache__" / f"catalog-{digest.hexdigest()[:24]}.pickle"


def load(mission: str | Path, vehicle: str | Path | None = None) -> tuple[Vehicle, Mission]:
    """A mission and its vehicle (the mission's own unless a vehicle is given).

    Catalog files, once checked, are kept parsed in the package's cache folder (keyed on
    their bytes and the loader's), so a second run reads no TOML and needs no units library.
    """
    path = _resolve(mission, MISSIONS, "mission")
    if vehicle is None and path.exists():
        head = read_toml(path).get("mission", {})
        name = head.get("vehicle") if isinstance(head, dict) else None
        vpath = VEHICLES / f"{name}.toml"
        cache = _cache_file([path, vpath]) if name and vpath.exists() else None
        if cache is not None and cache.exists():
            try:
                with cache.open("rb") as fh:
                    pair: tuple[Vehicle, Mission] = pickle.load(fh)
                return pair
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
                pass
        pair = _load(path, vehicle)
        if cache is not None:
            try:
                cache.parent.mkdir(exist_ok=True)
                tmp = cache.with_suffix(".tmp")
                tmp.write_bytes(pickle.dumps(pair))
                tmp.replace(cache)
            except OSError:  # a read-only installation: no cache, nothing lost
                pass
        return pair
    return _load(path, vehicle)


def _load(path: Path, vehicle: str | Path | None) -> tuple[Vehicle, Mission]:
    head = read_toml(path).get("mission", {})
    name = vehicle if vehicle is not None else head.get("vehicle") if isinstance(head, dict) \
        else None
    if name is None:
        load_mission(path)  # reports the missing field
    v = load_vehicle(str(name))
    m = load_mission(path, v)
    for i, ph in enumerate(m.phases):
        for k in (*ph.burning, *ph.drop):
            if k >= len(v.stages):
                raise CatalogError(m.origin, f"phases[{i}]", f"stage {k} does not exist: "
                                   f"{v.id} has {len(v.stages)} stage(s)")
    dropped = {k for ph in m.phases for k in ph.drop}
    for i, sp in enumerate(m.spent_stages):
        if sp.stage >= len(v.stages) or sp.stage in dropped:
            raise CatalogError(m.origin, f"spent_stages[{i}].stage", "a stage of "
                               f"{v.id} still attached at the last cut-off (not dropped)")
        st = v.stages[sp.stage]
        if math.isnan(sp.area) and math.isnan(st.length) and st.profile is None:
            raise CatalogError(m.origin, f"spent_stages[{i}].area", "an area, or the stage's "
                               f"length or profile in the vehicle file {v.id} to compute it "
                               "from")
    return v, m
