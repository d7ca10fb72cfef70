"""The only place numba is imported.

``jit`` compiles with numba (nopython, cached on disk) when numba is installed and neither
``NUMBA_DISABLE_JIT`` nor ``SPACERACE_INTERPRETED`` is set; otherwise it returns the plain
Python function, so the same code runs interpreted (sgp4's ``accelerated`` pattern).
``IS_COMPILED`` says which.

numba's disk cache checks only the source file of each function, not the files of the
functions it inlines: after a change to ``dynamics.py`` a cached ``kernel.run`` would still
run the old equations. So each cached data file gets a companion ``.sha256`` file holding the
hash of every source file of the package (``_files.package_digest``) and of the data file's
own bytes: a data file made by other code is compiled afresh, and a damaged one (or a damaged
index) is discarded with a one-line notice and rebuilt, never a traceback. This works
wherever numba keeps its cache (beside the sources or, for a read-only installation, in the
user's cache folder).

Where the entry points are prebuilt for this code (``spacerace._prebuilt``), numba is not
imported at all: ``jit`` returns an ``Entry`` that calls the prebuilt machine code when the
arguments have the types it was built for. The first call that needs numba (other types, a
function never prebuilt, the parallel batch kernel) imports it, makes every entry's numba
dispatcher and puts the dispatchers in place of the entries in the package's modules, before
anything is compiled, so that compiled code only ever calls dispatchers (``to_numba``).
``prebuild`` builds the module from the dispatchers a flight has used.
"""

from __future__ import annotations

import glob
import hashlib
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

from spacerace import _prebuilt
from spacerace._files import notice, package_digest, write_text

F = TypeVar("F", bound=Callable[..., Any])

_numba: Any = None
_PREBUILT: _prebuilt.Entries | None = None
if os.environ.get("SPACERACE_INTERPRETED", "") not in ("", "0"):
    pass  # the first flight while the kernel compiles (``spacerace.firstflight``)
elif os.environ.get("NUMBA_DISABLE_JIT", "0") in ("", "0") and (
        _PREBUILT := _prebuilt.load()) is not None:
    pass  # numba is imported only when something needs it (``to_numba``)
else:
    try:
        import numba as _numba
    except ImportError:  # pragma: no cover - numba is a core dependency
        _numba = None

IS_COMPILED = _PREBUILT is not None or (
    _numba is not None and os.environ.get("NUMBA_DISABLE_JIT", "0") in ("", "0"))


class _StaleCacheError(Exception):
    """A numba cache data file made by other code (another package digest)."""


def _stamp(path: str) -> str:
    with open(path, "rb") as fh:
        return f"{package_digest()} {hashlib.sha256(fh.read()).hexdigest()}"


def _guard_cache(disp: Any) -> Any:
    """Check each cache file ``disp`` loads against its stamp; rebuild it when damaged.

    Wraps the dispatcher's numba cache objects (``load_overload``, and the data file's
    ``_load_data``/``_save_data``). A numba without them is returned unchanged.
    """
    cache: Any = getattr(disp, "_cache", None)
    files: Any = getattr(cache, "_cache_file", None)
    needed = ("load_overload", "_load_data", "_save_data", "_data_path", "_index_path")
    if files is None or not all(hasattr(cache, n) or hasattr(files, n) for n in needed):
        return disp  # pragma: no cover - another numba layout: its own checks only
    load_overload, load_data, save_data = cache.load_overload, files._load_data, files._save_data

    def checked_load_data(name: str) -> Any:
        path = files._data_path(name)
        try:
            with open(path + ".sha256") as fh:
                want = fh.read()
        except FileNotFoundError:
            raise _StaleCacheError from None
        if want.split(" ")[0] != package_digest():
            raise _StaleCacheError
        if _stamp(path) != want:
            raise ValueError("its checksum does not match its contents")
        return load_data(name)

    def stamped_save_data(name: str, data: Any) -> None:
        save_data(name, data)
        path = files._data_path(name)
        try:
            write_text(path + ".sha256", _stamp(path))
        except OSError:  # pragma: no cover - an unwritable cache: numba's own rules apply
            pass

    def guarded_load_overload(sig: Any, target_context: Any) -> Any:
        try:
            return load_overload(sig, target_context)
        except _StaleCacheError:
            return None  # compiled afresh and saved over the stale file
        except Exception as exc:  # a damaged index or data file: any decoding failure
            notice(f"the compiled-code cache of {disp.py_func.__qualname__} was damaged "
                   f"({type(exc).__name__}); it is being rebuilt")
            index = Path(files._index_path)
            for path in index.parent.glob(glob.escape(index.stem) + ".*"):
                path.unlink(missing_ok=True)
            return None

    files._load_data, files._save_data = checked_load_data, stamped_save_data
    cache.load_overload = guarded_load_overload
    return disp


def _unliteral(disp: Any) -> Any:
    """Compile ``disp`` for the types of what compiled code calls it with, not their values.

    Called from compiled code with a constant (``forces(..., True)``), numba compiles the
    callee once for each constant value (``Literal[bool](True)``, ``Literal[bool](False)``)
    and once more for the plain type: for ``fly v2-london`` that was 112 compilations where
    66 distinct functions suffice, and 15-20 % of the first flight's compile time, for
    machine code that computes the same numbers (every catalog figure identical). A numba
    without ``get_call_template`` is left as it is.
    """
    cls = type(disp)
    if not hasattr(cls, "get_call_template"):  # pragma: no cover - another numba layout
        return disp
    sub = _UNLITERAL.get(cls)
    if sub is None:
        from numba.core import types

        def get_call_template(self: Any, args: Any, kws: Any) -> Any:
            return cls.get_call_template(
                self, tuple(types.unliteral(a) for a in args),
                {k: types.unliteral(v) for k, v in kws.items()})

        sub = _UNLITERAL[cls] = type(cls.__name__, (cls,),
                                     {"get_call_template": get_call_template})
    disp.__class__ = sub
    return disp


_UNLITERAL: dict[type, type] = {}


def _make(func: Callable[..., Any], kind: str, nb: Any = None) -> Any:
    """numba's dispatcher of ``func``: ``kind`` is ``jit``, ``borrow``, ``inline`` or
    ``parallel``
    (``nb``: the numba module, default the one imported)."""
    nb = nb or _numba
    if kind == "inline":
        return nb.njit(cache=True, error_model="numpy", inline="always")(func)
    if kind == "parallel":
        return _guard_cache(nb.njit(cache=True, error_model="numpy", parallel=True)(func))
    if kind == "borrow" and hasattr(nb.core.options.DefaultOptions, "_nrt"):
        return _unliteral(_guard_cache(
            nb.njit(cache=True, error_model="numpy", _nrt=False)(func)))
    return _unliteral(_guard_cache(nb.njit(cache=True, error_model="numpy")(func)))


class Entry:
    """A compiled function while numba is not imported: the prebuilt machine code for the
    argument types it was built for, numba's dispatcher (made by ``to_numba``) for others."""

    def __init__(self, func: Callable[..., Any], kind: str,
                 prebuilt: list[tuple[tuple[str, ...], Callable[..., Any]]]) -> None:
        self.py_func = func
        self.kind = kind
        self.prebuilt = prebuilt
        self.dispatcher: Any = None
        self.__name__ = func.__name__
        self.__qualname__ = func.__qualname__
        self.__module__ = func.__module__
        self.__doc__ = func.__doc__
        self.__wrapped__ = func

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.dispatcher is None and not kwargs:
            codes = tuple(_prebuilt.value_code(a) for a in args)
            for want, call in self.prebuilt:
                if want == codes:
                    return call(*args)
        to_numba()
        return self.dispatcher(*args, **kwargs)

    def __reduce__(self) -> Any:  # pickled as numba's dispatcher is (by value, not by name)
        to_numba()
        return self.dispatcher.__reduce__()

    def __getattr__(self, name: str) -> Any:  # the dispatcher's own attributes (``_cache``)
        if name.startswith("__"):
            raise AttributeError(name)
        to_numba()
        return getattr(self.dispatcher, name)


_ENTRIES: list[Entry] = []
_DISPATCHERS: list[Any] = []  # every dispatcher made, for ``prebuild``
# Held while entries are made or replaced: a thread that needs numba while another is putting
# it in place waits until every dispatcher is there (``_numba`` is set last).
_SWITCH = threading.RLock()


def to_numba() -> None:
    """Import numba and put each entry's dispatcher in its place, in every module of the
    package that holds the entry (and numba's ``prange`` where ``range`` stood in for it),
    before anything is compiled: compiled code resolves the functions it calls by name."""
    global _numba, prange
    if _numba is not None:
        return
    with _SWITCH:
        if _numba is not None:
            return
        import numba

        for entry in _ENTRIES:
            entry.dispatcher = _make(entry.py_func, entry.kind, numba)
            if entry.kind != "inline":  # never an entry point: nothing to prebuild
                _DISPATCHERS.append(entry.dispatcher)
        for name, module in list(sys.modules.items()):
            if name.split(".")[0] != "spacerace" or module is None:
                continue
            space = vars(module)
            for attr, value in list(space.items()):
                if type(value) is Entry and value.dispatcher is not None:
                    space[attr] = value.dispatcher
                elif attr == "prange" and value is range:
                    space[attr] = numba.prange
        prange = numba.prange
        _numba = numba


def _wrap(func: F, kind: str) -> F:
    if _PREBUILT is None and _numba is None:  # interpreted
        return func
    with _SWITCH:
        if _numba is not None:
            disp = _make(func, kind)
            if kind != "inline":  # never an entry point: nothing to prebuild
                _DISPATCHERS.append(disp)
            return cast(F, disp)
        built = _PREBUILT.get(_prebuilt.key(func), []) if _PREBUILT and kind != "inline" else []
        entry = Entry(func, kind, built)
        _ENTRIES.append(entry)
        return cast(F, entry)


def jit(func: F) -> F:
    """Compile ``func`` in nopython mode with an on-disk cache, or return it unchanged."""
    return _wrap(func, "jit")


def jit_borrow(func: F) -> F:
    """Like ``jit``, for a function that only reads and writes the arrays it is given.

    Its array arguments are borrowed from the caller instead of reference-counted: numba
    counts each array argument up and down on every call, atomically, and for the equations
    of motion (eight arrays, called thousands of times a flight) that cost more than the
    physics. Such a function must not allocate or return an array, nor keep one beyond the
    call. Uses numba's internal ``_nrt`` option; a numba without it compiles the function
    as ``jit`` does.
    """
    return _wrap(func, "borrow")


def jit_inline(func: F) -> F:
    """A second compiled form of ``func`` (a plain function, or one ``jit_borrow`` made),
    whose body numba copies into each compiled caller instead of calling it
    (``inline="always"``).

    For the equations of motion in the integrator's stages and the trajectory table's
    rows: a call passes each of the flight's eight arrays as seven or nine machine words.
    Inlined, the V-2 benchmark's kernel takes 186 us instead of 197 and its table 123.5
    instead of 129; a cold compilation of a flight takes about 4 s longer (29 s). Never
    called from Python, so never prebuilt.
    """
    return _wrap(cast(F, getattr(func, "py_func", func)), "inline")


def jit_parallel(func: F) -> F:
    """Like ``jit``, with ``prange`` loops spread over threads."""
    return _wrap(func, "parallel")


def prebuild() -> bool:
    """Build the prebuilt module of this code from the signatures compiled so far in this
    process (``spacerace._prebuilt``); False if nothing was built."""
    if _numba is None or not IS_COMPILED:
        return False
    if _prebuilt.ready():
        return True
    return _prebuilt.build(d for d in _DISPATCHERS if d.signatures) is not None


if _numba is not None:
    prange = _numba.prange
else:  # numba's once it is imported (``to_numba``)
    prange = range


def set_num_threads(n: int) -> None:
    """Threads for the compiled batch kernel (nothing without numba)."""
    if _PREBUILT is not None:
        to_numba()
    if _numba is not None and IS_COMPILED:
        _numba.set_num_threads(n)


def is_cached(func: Any) -> bool:
    """Whether the compiled ``func`` has machine code in numba's disk cache (True without
    numba, where nothing is compiled; True where the cache cannot be inspected, and for a
    prebuilt entry, which needs no cache)."""
    if type(func) is Entry and func.dispatcher is None:
        return True
    files = getattr(getattr(func, "_cache", None), "_cache_file", None)
    index = getattr(files, "_index_path", None)
    return index is None or os.path.exists(index)


def max_threads() -> int:
    """Threads the compiled batch kernel may use (numba's pool size; 1 without numba)."""
    if _PREBUILT is not None:
        to_numba()
    if _numba is None or not IS_COMPILED:
        return 1
    return int(_numba.config.NUMBA_NUM_THREADS)
