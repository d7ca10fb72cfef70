"""The only place numba is imported.

``jit`` compiles with numba (nopython, cached on disk) when numba is installed and
``NUMBA_DISABLE_JIT`` is not set; otherwise it returns the plain Python function, so the
same code runs interpreted (sgp4's ``accelerated`` pattern). ``IS_COMPILED`` says which.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

try:
    import numba as _numba
except ImportError:  # pragma: no cover - numba is a core dependency
    _numba = None

IS_COMPILED = _numba is not None and os.environ.get("NUMBA_DISABLE_JIT", "0") in ("", "0")


def jit(func: F) -> F:
    """Compile ``func`` in nopython mode with an on-disk cache, or return it unchanged."""
    if _numba is None:  # pragma: no cover
        return func
    return _numba.njit(cache=True, fastmath=False, error_model="numpy")(func)  # type: ignore[no-any-return]
