"""The first flight after installing: a short one is flown at once, interpreted, while the
kernel compiles in the background; it gives the compiled flight's figures."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from spacerace import catalog, firstflight


@pytest.mark.parametrize(("mission", "short"), [
    ("v2-london", True), ("r2", True), ("r7-icbm", True),
    ("sputnik-1", False),  # closed-loop insertion: many predictions a second
    ("apollo-11", False), ("luna-3", False),  # the Moon and Sun, days of coast
])
def test_which_flights_are_short(mission, short):
    assert firstflight.is_short(catalog.load(mission)[1]) is short


def test_the_choice(monkeypatch, tmp_path):
    """Interpreted only for a short flight, before the kernel is marked compiled, in a process
    that has not loaded the compiled code, and unless told to wait for the compilation."""
    monkeypatch.setenv("SPACERACE_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("SPACERACE_FIRST_FLIGHT")
    monkeypatch.delenv(firstflight.INTERPRETED_ENV, raising=False)
    started = []
    monkeypatch.setattr(firstflight, "_start_warmup", lambda: started.append(1) or True)
    v2 = catalog.load("v2-london")[1]
    monkeypatch.delitem(sys.modules, "spacerace._jit", raising=False)
    assert firstflight.choose(catalog.load("sputnik-1")[1]) is False
    assert firstflight.choose(v2) is True and started == [1]
    # popped, not monkeypatch.delenv: that would put "1" back after the test, and every
    # command the later tests start would then fly interpreted
    assert os.environ.pop(firstflight.INTERPRETED_ENV) == "1"
    firstflight.mark_compiled()
    assert firstflight.compiled_ready() and firstflight.choose(v2) is False
    monkeypatch.setenv("SPACERACE_FIRST_FLIGHT", "compiled")
    firstflight._marker("compiled").unlink()
    assert not firstflight.compiled_ready() and firstflight.choose(v2) is False


def _fly_json(env: dict[str, str]) -> dict:
    out = subprocess.run([sys.executable, "-m", "spacerace", "fly", "v2-london", "--json"],
                         env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out)["figures"]


@pytest.mark.slow
def test_the_interpreted_first_flight_gives_the_compiled_figures():
    """The quick start's flight (no numba imported at all) against the compiled one, within
    the integration's own error as in ``test_compiled_twin``."""
    env = dict(os.environ)
    compiled = _fly_json(env)
    env[firstflight.INTERPRETED_ENV] = "1"
    plain = _fly_json(env)
    assert compiled.keys() == plain.keys()
    for key in compiled:
        assert plain[key] == pytest.approx(compiled[key], rel=1e-5, abs=1.0), key
