"""The compiled kernel's entry points prebuilt as one extension module, so that a command runs
compiled code without importing numba.

Loading numba's disk cache costs a command about 0.6 s before it flies anything: numba's own
import (0.2 s), its typing and lowering registries, and scipy's linear algebra, which numba
imports to look for a BLAS (0.27 s). The same machine code, built ahead of time into an
ordinary extension module by numba's own ahead-of-time compiler (``numba.pycc``), imports in
a few milliseconds and needs only numpy.

``build`` compiles every signature the given numba dispatchers hold (those a flight has used)
into ``spacerace_kernel_<digest>``, in the user's cache folder, each export a call of the
dispatcher itself, so that it is the same machine code as the dispatcher's with the same
options; ``load`` returns the entries of the module built from this code, or ``None``. A
module is named after the package digest (``_files.package_digest``), so a changed source is
never served by an old module; its manifest, written last and whole, lists the exports with the
types each takes, and carries the module's SHA-256: a damaged module is discarded with a
one-line notice and built again by the next background compilation. The name also carries the
numba and numpy versions and the platform's extension suffix, and the code is for the
platform's generic CPU, so that a cache folder shared by machines or environments never runs
a module built for another. A build that fails (no C compiler; ``numba.pycc`` needs one, and
setuptools) leaves a ``.failed`` file with the reason, and is not tried again for this code:
commands then load numba's cache as before.

``SPACERACE_PREBUILT=0`` turns it off (numba's cache only, nothing built).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.machinery
import importlib.metadata
import importlib.util
import json
import os
import shutil
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, cast

import numpy as np

from spacerace._files import LEFTOVER_AGE_S, cache_dir, notice, package_digest, write_text

ENV = "SPACERACE_PREBUILT"
# The types an export may take, one letter each (a numba type in ``build``, a Python value in
# ``value_code``): float64, int64, boolean; arrays ``a<ndim><f|i>`` of float64 or int64,
# C-contiguous, aligned and writable.
_ARRAY_DTYPES = {np.dtype(np.float64): "f", np.dtype(np.int64): "i"}

Entries = dict[str, list[tuple[tuple[str, ...], Callable[..., Any]]]]


def enabled() -> bool:
    """Whether the prebuilt module is used and built (``SPACERACE_PREBUILT`` not ``0``)."""
    return os.environ.get(ENV, "1") != "0"


@functools.cache
def _name() -> str:
    """The module's name: this code (the package digest) built by this numba against this
    numpy for this interpreter and platform (the extension suffix); the machine code is for
    the platform's generic CPU, so a cache folder shared between machines stays valid."""
    try:
        numba_version = importlib.metadata.version("numba")
    except importlib.metadata.PackageNotFoundError:
        numba_version = "none"
    built_for = " ".join((package_digest(), importlib.machinery.EXTENSION_SUFFIXES[0],
                          numba_version, np.__version__))
    return f"spacerace_kernel_{hashlib.sha256(built_for.encode()).hexdigest()[:16]}"


def _folder() -> Path:
    return cache_dir() / "prebuilt"


def _manifest() -> Path:
    return _folder() / (_name() + ".json")


def ready() -> bool:
    """Whether the module of this code has been built (its manifest is written last)."""
    return _manifest().exists()


def _failure() -> Path:
    return _folder() / (_name() + ".failed")


def failed() -> str | None:
    """Why the module of this code could not be built (no C compiler, no setuptools...), as
    recorded by the build that failed; ``None`` if none did. Not tried again for this code:
    numba's own cache serves instead."""
    try:
        return _failure().read_text().strip() or "unknown"
    except OSError:
        return None


def key(func: Callable[..., Any]) -> str:
    """The name an entry point is known by in the manifest."""
    return f"{func.__module__}:{func.__qualname__}"


def value_code(x: Any) -> str:
    """The type letter numba would give ``x`` (``?`` for any type no export takes)."""
    t = type(x)
    if t is float or t is np.float64:
        return "f"
    if t is bool or t is np.bool_:
        return "b"
    if t is int:
        return "i" if -(2 ** 63) <= x < 2 ** 63 else "?"
    if t is np.int64:
        return "i"
    if t is np.ndarray:
        flags = x.flags
        kind = _ARRAY_DTYPES.get(x.dtype)
        if kind is None or not (flags.c_contiguous and flags.aligned and flags.writeable):
            return "?"
        return f"a{x.ndim}{kind}"
    return "?"


def _type_code(tp: Any) -> str | None:
    """The type letter of a numba type, ``None`` for one that is not exported."""
    from numba.core import types

    if tp == types.float64:
        return "f"
    if tp == types.int64:
        return "i"
    if tp == types.boolean:
        return "b"
    if (isinstance(tp, types.Array) and tp.layout == "C" and tp.mutable and tp.aligned
            and tp.dtype in (types.float64, types.int64)):
        return f"a{tp.ndim}{'f' if tp.dtype == types.float64 else 'i'}"
    return None


def _unlink(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:  # not ours to remove: left as it is
        pass


def _discard(paths: tuple[Path, ...], why: str) -> None:
    notice(f"the prebuilt flight kernel was {why}; it is discarded and will be built again")
    for path in paths:
        _unlink(path)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load() -> Entries | None:
    """The prebuilt entries of this code: for each entry point (``key``) its exports, each with
    the type letters it takes; ``None`` when there is no module (or it is turned off)."""
    if not enabled():
        return None
    manifest = _manifest()
    try:
        data = json.loads(manifest.read_text())
        module = manifest.with_name(Path(data["file"]).name)
        exports, want = data["entries"], data["sha256"]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        _discard((manifest,), "unreadable")
        return None
    try:
        if _sha256(module) != want:
            _discard((manifest, module), "damaged")
            return None
        spec = importlib.util.spec_from_file_location(_name(), module)
        assert spec is not None and spec.loader is not None
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return {k: [(tuple(codes), getattr(mod, name)) for name, codes in items]
                for k, items in exports.items()}
    except Exception as exc:  # noqa: BLE001 - any failure to load a native module: rebuild it
        _discard((manifest, module), f"unusable ({type(exc).__name__})")
        return None


def _trampoline(disp: Any, n_args: int) -> Callable[..., Any]:
    """A function of ``n_args`` arguments that calls ``disp``: compiled ahead of time, it is a
    call of the dispatcher's own machine code (its options: error model, borrowed arrays),
    not a second compilation of its source under the ahead-of-time compiler's defaults."""
    names = ", ".join(f"a{i}" for i in range(n_args))
    scope: dict[str, Any] = {"target": disp}
    exec(f"def call({names}):\n    return target({names})\n", scope)  # noqa: S102
    return cast(Callable[..., Any], scope["call"])


def build(dispatchers: Iterable[Any]) -> Path | None:
    """Build the module of this code from the signatures ``dispatchers`` hold; returns its
    manifest (``None`` if turned off or nothing could be exported).

    The module is compiled in a temporary folder beside its place and moved in whole; the
    manifest is written last, atomically, so that a module without one is never loaded.
    """
    if not enabled():
        return None
    try:
        return _build(dispatchers)
    except Exception as exc:  # recorded, so that the next command does not try again
        reason = f"{type(exc).__name__}: {exc}".splitlines()[0]
        write_text(_failure(), reason + "\n")
        raise


def _build(dispatchers: Iterable[Any]) -> Path | None:
    with warnings.catch_warnings():  # numba.pycc announces its own deprecation
        warnings.simplefilter("ignore")
        from numba.pycc import CC
    folder, manifest = _folder(), _manifest()
    cc = CC(_name())  # for the generic CPU of the platform (numba's JIT is for this one)
    entries: dict[str, list[list[Any]]] = {}
    for disp in dispatchers:
        for i, cres in enumerate(disp.overloads.values()):
            sig = cres.signature
            codes = [_type_code(a) for a in sig.args]
            if None in codes:
                continue
            name = f"{key(disp.py_func).replace('.', '_').replace(':', '__')}_{i}"
            cc.export(name, sig)(_trampoline(disp, len(sig.args)))
            entries.setdefault(key(disp.py_func), []).append([name, codes])
    if not entries:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".build-") as tmp:
        cc.output_dir = tmp
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cc.compile()
        built = Path(tmp) / (_name() + importlib.machinery.EXTENSION_SUFFIXES[0])
        digest = _sha256(built)
        # named by its own bytes: two builds at once leave two whole files, and the manifest
        # written last names one of them
        module = folder / f"{_name()}-{digest[:16]}{importlib.machinery.EXTENSION_SUFFIXES[0]}"
        os.replace(built, module)
    write_text(manifest, json.dumps({"file": module.name, "sha256": digest, "entries": entries}))
    _prune(folder)
    return manifest


KEEP = 8  # modules kept in the cache: this code's and those of the last versions run


def _prune(folder: Path) -> None:
    """Remove the modules of all but the ``KEEP`` newest manifests (other versions of the
    package, or other environments, sharing the cache folder), and what no manifest names
    once it is an hour old (a build killed half-way; not one under way elsewhere)."""
    manifests = sorted(folder.glob("spacerace_kernel_*.json"), key=_mtime, reverse=True)
    named = set()
    for path in manifests[:KEEP]:
        try:
            named.add(json.loads(path.read_text())["file"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
    for path in manifests[KEEP:]:
        _unlink(path)
    old = time.time() - LEFTOVER_AGE_S
    for path in folder.glob("spacerace_kernel_*"):
        if (path.suffix not in (".json", ".failed") and path.name not in named
                and _mtime(path) < old):
            _unlink(path)
    for path in folder.glob(".build-*"):
        if _mtime(path) < old:
            shutil.rmtree(path, ignore_errors=True)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
