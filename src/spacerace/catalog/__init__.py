"""The catalog: vehicle and mission files (TOML) read into ``Vehicle`` and ``Mission``.

Files are checked as they are read: a malformed file, a missing field, a quantity of the wrong
dimension or an impossible value raises ``CatalogError`` naming the file, the field and what
was expected. Built-in files live in ``vehicles/`` and ``missions/`` beside this module; every
figure in them carries a ``source`` key resolved in ``sources.toml``.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tomllib
from pathlib import Path
from typing import Any

from spacerace._files import (
    DamagedCacheError,
    cache_dir,
    notice,
    package_digest,
    read_checked,
    write_checked,
)
from spacerace.catalog.missions import build_mission, check_pair
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
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError) as exc:
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


def is_path(name_or_path: str | Path) -> bool:
    """Whether an argument names a file rather than a catalog entry.

    A ``Path``, or text with a folder separator or a ``.toml`` ending, is a file; anything
    else is a catalog name, whatever files or folders the working directory holds.
    """
    if isinstance(name_or_path, Path):
        return True
    seps = [s for s in ("/", os.sep, os.altsep) if s]
    return name_or_path.endswith(".toml") or any(s in name_or_path for s in seps)


def _resolve(name_or_path: str | Path, folder: Path, kind: str) -> Path:
    if is_path(name_or_path):
        return Path(name_or_path)
    if name_or_path not in _names(folder):
        known = ", ".join(_names(folder))
        raise CatalogError(str(name_or_path), "", f"unknown {kind}; the catalog has: {known}")
    return folder / f"{name_or_path}.toml"


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
    path = next((p for p in (HERE.parent / vehicle.origin, Path(vehicle.origin))
                 if p.is_file()), VEHICLES / f"{vehicle.id}.toml")
    return vehicle_spreads(read_toml(path), vehicle, Field(_display(path), ""))


def _cache_file(mission: str, files: list[Path]) -> Path:
    """Where a parsed catalog pair is cached: keyed on the code and the bytes of its files."""
    digest = hashlib.sha256(package_digest().encode())
    for f in [*files, HERE / "sources.toml"]:
        digest.update(f.read_bytes())
    return cache_dir() / "catalog" / f"{mission}-{digest.hexdigest()[:24]}.pickle"


def _read_cache(cache: Path) -> tuple[Vehicle, Mission] | None:
    """A cached pair, or ``None``; a damaged entry is removed with a one-line notice."""
    try:
        payload = read_checked(cache)
        if payload is None:
            return None
        pair = pickle.loads(payload)
        if not (isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], Vehicle)
                and isinstance(pair[1], Mission)):
            raise DamagedCacheError("it holds no vehicle and mission")
        return pair
    except Exception as exc:  # any decoding failure: the entry is rebuilt
        notice(f"the parsed-catalog cache entry {cache} was damaged ({exc}); rebuilt")
        cache.unlink(missing_ok=True)
        return None


def _write_cache(cache: Path, pair: tuple[Vehicle, Mission]) -> None:
    try:
        write_checked(cache, pickle.dumps(pair))
    except OSError:  # an unwritable cache folder: no cache, nothing lost
        return
    mission = cache.name[:-len("-" + "0" * 24 + ".pickle")]
    for old in cache.parent.glob(f"{mission}-{'?' * 24}.pickle"):
        if old != cache:  # entries of this mission made from other code or files
            old.unlink(missing_ok=True)


def load(mission: str | Path, vehicle: str | Path | None = None) -> tuple[Vehicle, Mission]:
    """A mission and its vehicle (the mission's own unless a vehicle is given).

    A catalog mission flown with its own catalog vehicle, once checked, is kept parsed in the
    user's cache folder (keyed on the package's code and the bytes of the files read), so a
    second run reads no TOML into units and needs no units library.
    """
    path = _resolve(mission, MISSIONS, "mission")
    if vehicle is None and not is_path(mission):
        head = read_toml(path).get("mission", {})
        name = head.get("vehicle") if isinstance(head, dict) else None
        if isinstance(name, str) and not is_path(name) and name in list_vehicles():
            cache = _cache_file(str(mission), [path, VEHICLES / f"{name}.toml"])
            pair = _read_cache(cache)
            if pair is None:
                pair = _load(path, vehicle)
                _write_cache(cache, pair)
            return pair
    return _load(path, vehicle)


def _load(path: Path, vehicle: str | Path | None) -> tuple[Vehicle, Mission]:
    head = read_toml(path).get("mission", {})
    name = vehicle if vehicle is not None else head.get("vehicle") if isinstance(head, dict) \
        else None
    if name is None:
        load_mission(path)  # reports the missing field
    v = load_vehicle(name if isinstance(name, Path) else str(name))
    m = load_mission(path, v)
    check_pair(v, m)
    return v, m
