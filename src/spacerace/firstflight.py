"""The first flight after installing: flown at once, interpreted, while the kernel compiles.

Compiling the flight kernel takes half a minute to a minute on two cores, once per version of
the code (numba's disk cache keeps it). The same code runs interpreted, to the same bits, in
about two seconds for a short flight (the V-2 on London with its aim). So when the command
line is asked for a short flight and the compiled kernel is not ready yet, it flies that one
interpreted and starts ``python -m spacerace.warmup`` in the background, at low priority, to
compile the kernel for the next flights; a long one (a coast to the Moon, a closed-loop
ascent) waits for the compilation as before. A marker in the cache folder, named after the
code's digest, says that the compiled kernel is ready. The same background run then builds the
prebuilt entry points (``spacerace._prebuilt``), with which later commands start without
importing numba; a compiled flight that finds them missing starts it too.

``SPACERACE_FIRST_FLIGHT=compiled`` turns this off (always compile and wait).
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import time
from pathlib import Path

from spacerace._files import cache_dir, package_digest
from spacerace.mission import Mission

INTERPRETED_ENV = "SPACERACE_INTERPRETED"  # read by ``spacerace._jit`` when it is imported
SHORT_PLAN = 4000.0  # a plan with no phase ending later than this is short [s]
STALE_LOCK = 900.0  # a background compilation older than this is taken as dead [s]


def _marker(kind: str) -> Path:
    return cache_dir() / f"kernel-{kind}-{package_digest()[:16]}"


def compiled_ready() -> bool:
    """Whether the compiled kernel of this code is in the cache."""
    return _marker("compiled").exists()


def mark_compiled() -> None:
    """Say that the compiled kernel of this code is in the cache (an unwritable cache: no)."""
    try:
        path = _marker("compiled")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    except OSError:
        pass


def release_warmup() -> None:
    """Say that no background compilation is under way any more."""
    try:
        _marker("compiling").unlink(missing_ok=True)
    except OSError:
        pass


def is_short(mission: Mission) -> bool:
    """A flight quick to fly interpreted: no Moon or Sun, no closed loop, a short plan."""
    ends = [ph.until_time for ph in mission.phases if math.isfinite(ph.until_time)]
    return (not mission.third_bodies and not any(ph.is_closed_loop for ph in mission.phases)
            and max(ends, default=0.0) <= SHORT_PLAN)


# The background compilations this process started: held, so that a long-lived process (a
# server, a notebook) does not drop one that is still running (Python warns of that).
_STARTED: list[subprocess.Popen[bytes]] = []


def _start_warmup() -> bool:
    """Start the background compilation unless one is under way; False if it cannot."""
    lock = _marker("compiling")
    try:
        if lock.exists() and time.time() - lock.stat().st_mtime < STALE_LOCK:
            return True
        lock.parent.mkdir(parents=True, exist_ok=True)
        lock.write_text(str(os.getpid()))
        env = {k: v for k, v in os.environ.items() if k != INTERPRETED_ENV}
        _STARTED.append(subprocess.Popen(
            [sys.executable, "-m", "spacerace.warmup"], env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True))
    except OSError:
        return False
    return True


def want_prebuilt() -> None:
    """After a compiled flight: start the background compilation if the prebuilt entry points
    of this code (``spacerace._prebuilt``) are missing, so that later commands need not import
    numba."""
    from spacerace import _prebuilt

    if _prebuilt.enabled() and not _prebuilt.ready() and _prebuilt.failed() is None:
        _start_warmup()


def choose(mission: Mission) -> bool:
    """Before the simulator is imported: fly this mission interpreted (True), the kernel
    compiling in the background, or compiled (False)."""
    if (os.environ.get("SPACERACE_FIRST_FLIGHT") == "compiled" or "spacerace._jit" in sys.modules
            or compiled_ready() or not is_short(mission)):
        return False
    if not _start_warmup():
        return False
    os.environ[INTERPRETED_ENV] = "1"
    return True
