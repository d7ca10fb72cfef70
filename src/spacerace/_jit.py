"""The only place numba is imported.

``jit`` compiles with numba (nopython, cached on disk) when numba is installed and
``NUMBA_DISABLE_JIT`` is not set; otherwise it returns the plain Python function, so the
same code runs interpreted (sgp4's ``accelerated`` pattern). ``IS_COMPILED`` says which.

numba's disk cache checks only the source file of each function, not the files of the
functions it inlines: after a change to ``dynamics.py`` a cached ``kernel.run`` would still
run the old equations. So the cache is keyed on a hash of every source file of the package,
and stale cache files are removed when that hash changes.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

F = TypeVar("F", bound=Callable[..., Any])

_numba: Any
try:
    import numba as _numba
except ImportError:  # pragma: no cover - numba is a core dependency
    _numba = None

IS_COMPILED = _numba is not None and os.environ.get("NUMBA_DISABLE_JIT", "0") in ("", "0")
_PACKAGE = Path(__file__).parent


def _refresh_cache() -> None:
    """Delete numba cache files if any source file of the package changed since they were made."""
    sources = sorted(_PACKAGE.rglob("*.py"))
    digest = hashlib.sha256()
    for path in sources:
        digest.update(path.read_bytes())
    stamp = _PACKAGE / "__pycache__" / "numba-source.sha256"
    key = digest.hexdigest()
    try:
        if stamp.exists() and stamp.read_text() == key:
            return
        for cached in _PACKAGE.rglob("__pycache__/*.nb[ic]"):
            cached.unlink(missing_ok=True)
        stamp.parent.mkdir(exist_ok=True)
        stamp.write_text(key)
    except OSError:  # a read-only installation: numba then caches elsewhere or not at all
        pass


if IS_COMPILED:
    _refresh_cache()


def jit(func: F) -> F:
    """Compile ``func`` in nopython mode with an on-disk cache, or return it unchanged."""
    if _numba is None:  # pragma: no cover
        return func
    return cast(F, _numba.njit(cache=True, error_model="numpy")(func))


def jit_borrow(func: F) -> F:
    """Like ``jit``, for a function that only reads and writes the arrays it is given.

    Its array arguments are borrowed from the caller instead of reference-counted: numba
    counts each array argument up and down on every call, atomically, and for the equations
    of motion (eight arrays, called thousands of times a flight) that cost more than the
    physics. Such a function must not allocate or return an array, nor keep one beyond the
    call. Uses numba's internal ``_nrt`` option; a numba without it compiles the function
    as ``jit`` does.
    """
    if _numba is None:  # pragma: no cover
        return func
    if not hasattr(_numba.core.options.DefaultOptions, "_nrt"):  # pragma: no cover
        return jit(func)
    return cast(F, _numba.njit(cache=True, error_model="numpy", _nrt=False)(func))


def jit_parallel(func: F) -> F:
    """Like ``jit``, with ``prange`` loops spread over threads."""
    if _numba is None:  # pragma: no cover
        return func
    return cast(F, _numba.njit(cache=True, error_model="numpy", parallel=True)(func))


if _numba is not None:
    prange = _numba.prange
    set_num_threads = _numba.set_num_threads
else:  # pragma: no cover
    prange = range

    def set_num_threads(n: int) -> None:
        """No threads without numba."""


def max_threads() -> int:
    """Threads the compiled batch kernel may use (numba's pool size; 1 without numba)."""
    if _numba is None or not IS_COMPILED:
        return 1
    return int(_numba.config.NUMBA_NUM_THREADS)
