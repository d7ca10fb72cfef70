"""Shared builders for test vehicles and missions (pure data, SI)."""

from __future__ import annotations

import datetime as dt
import math
import os
import subprocess
import sys

import pytest

from spacerace.mission import LaunchSite, Mission, Phase, PitchProgram
from spacerace.vehicle import AeroTable, Engine, Stage, Vehicle

EPOCH = dt.datetime(2000, 1, 1, 12, tzinfo=dt.UTC)

# The command line flies a short first flight interpreted while the kernel compiles in the
# background (``spacerace.firstflight``); in the test process (and the commands it starts)
# the kernel is compiled and waited for, as the tests of that path say otherwise.
os.environ["SPACERACE_FIRST_FLIGHT"] = "compiled"
# Commands run the prebuilt entry points where they are built (``spacerace._prebuilt``); the
# suite runs numba's kernel, built by its warm-up below, and ``test_prebuilt.py`` builds and
# checks the prebuilt module in a cache folder of its own (``SPACERACE_PREBUILT=1`` given to
# pytest runs the whole suite on the prebuilt module instead).
os.environ.setdefault("SPACERACE_PREBUILT", "0")

# The files that take a minute or more (a real browser, servers and processes): collected
# first, so that pytest-xdist (``--dist loadfile``, files handed out in the order collected)
# starts them at once instead of leaving one to run alone at the end.
LONG_FILES = ("test_browser.py", "test_web_server.py", "test_durability.py", "test_film.py")
WARMUP_TIMEOUT_S = 600.0  # the kernel compiles in half a minute to a minute on 2 cores


def pytest_configure(config: pytest.Config) -> None:
    """Before pytest-xdist starts its workers, compile the flight kernel into numba's disk
    cache once (``python -m spacerace.warmup``): otherwise each worker, and each process a
    test starts meanwhile (a server's workers), compiles it at the same time."""
    workers = getattr(config.option, "numprocesses", None)
    if workers and not hasattr(config, "workerinput"):
        done = subprocess.run([sys.executable, "-m", "spacerace.warmup"], check=False,
                              timeout=WARMUP_TIMEOUT_S)
        if done.returncode != 0:  # the tests still run, each worker compiling for itself
            print(f"conftest: python -m spacerace.warmup exited {done.returncode}",
                  file=sys.stderr)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(LONG_FILES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(LONG_FILES)))


def make_vehicle(f_vac: float = 300e3, mdot: float = 120.0, exit_area: float = 0.0,
                 dry: float = 3000.0, prop: float = 8000.0, payload: float = 1000.0,
                 cd: float = 0.2) -> Vehicle:
    """A one-stage rocket with a flat drag table."""
    stage = Stage("stage", dry, prop, 1.6, (Engine("engine", f_vac, mdot, exit_area),),
                  AeroTable((0.0, 10.0), (cd, cd)))
    return Vehicle("test", "test rocket", (stage,), payload)


def make_mission(phases: tuple[Phase, ...], lat_deg: float = 0.0, lon_deg: float = 0.0,
                 azimuth_deg: float = 90.0, program: PitchProgram | None = None) -> Mission:
    """A mission from a launch point with the given phases."""
    return Mission("test", "test mission", "test", EPOCH,
                   LaunchSite("site", math.radians(lat_deg), math.radians(lon_deg), 0.0),
                   math.radians(azimuth_deg), phases, pitch_program=program)


@pytest.fixture
def vehicle() -> Vehicle:
    return make_vehicle()
