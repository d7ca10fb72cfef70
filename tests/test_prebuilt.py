"""The prebuilt entry points (``spacerace._prebuilt``): a command runs the same machine code
without importing numba, gives the same bytes as numba's cached kernel, falls back to numba
for anything not prebuilt, and a damaged module costs one line and a rebuild.

Each check runs in a fresh process (``sys.modules`` says what was imported) with a cache
folder of its own, built once for the file by the background compilation itself
(``python -m spacerace.warmup``); the rest of the suite runs with ``SPACERACE_PREBUILT=0``
(``conftest.py``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest

from spacerace import _prebuilt
from spacerace._jit import IS_COMPILED

pytestmark = pytest.mark.skipif(not IS_COMPILED, reason="numba JIT disabled")

numba = pytest.importorskip("numba")


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    folder = tmp_path_factory.mktemp("prebuilt-cache")
    env = _env(folder)
    subprocess.run([sys.executable, "-m", "spacerace.warmup"], env=env, check=True,
                   timeout=600)
    return folder


def _env(folder, prebuilt: str = "1") -> dict[str, str]:
    env = dict(os.environ)
    env.update(SPACERACE_CACHE_DIR=str(folder), SPACERACE_PREBUILT=prebuilt)
    return env


def _python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, check=True, timeout=600)


FLY = """
import io, contextlib, json, sys
from spacerace.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(["fly", "v2-london", "--json"])
print(json.dumps({"code": code, "out": out.getvalue(),
                  "numba": "numba" in sys.modules, "scipy": "scipy" in sys.modules}))
"""


def test_the_warmup_builds_a_module_with_a_manifest(cache):
    files = sorted(p.suffix for p in (cache / "prebuilt").iterdir())
    assert files == [".json", ".so"]  # nothing left of the build
    manifest = json.loads(next((cache / "prebuilt").glob("*.json")).read_text())
    assert "spacerace.kernel.loop:run" in manifest["entries"]
    assert "spacerace.kernel.output:table_rows" in manifest["entries"]


def test_fly_runs_prebuilt_without_numba_and_gives_the_same_bytes(cache):
    prebuilt = json.loads(_python(FLY, _env(cache)).stdout)
    assert prebuilt["code"] == 0 and not prebuilt["numba"] and not prebuilt["scipy"]
    jitted = json.loads(_python(FLY, _env(cache, prebuilt="0")).stdout)
    assert jitted["numba"]
    assert prebuilt["out"] == jitted["out"]


FALLBACK = """
import json, sys
import numpy as np
from spacerace.models import earth
from spacerace.kernel import output
args = (0.9, 0.07, 0.88, 0.03)
first = earth.vincenty_distance(*args)  # floats: prebuilt
before = "numba" in sys.modules
second = earth.vincenty_distance(*(np.float32(a) for a in args))  # float32: not prebuilt
import numba
print(json.dumps({"first": first, "second": second, "before": before,
                  "after": "numba" in sys.modules,
                  "dispatcher": isinstance(earth.vincenty_distance,
                                           numba.core.dispatcher.Dispatcher),
                  "output_prange": output.prange is numba.prange}))
"""


def test_anything_not_prebuilt_falls_back_to_numba_everywhere(cache):
    got = json.loads(_python(FALLBACK, _env(cache)).stdout)
    assert not got["before"] and got["after"]
    assert got["dispatcher"] and got["output_prange"]
    # float32 inputs round the angles: the distances agree to the float32 rounding only
    assert got["second"] == pytest.approx(got["first"], rel=1e-6)


THREADS = """
import json, sys, threading
import numpy as np
from spacerace import frames
from spacerace.models import earth
out, errors = [], []
def first():  # float32: not prebuilt, so this call brings numba in
    out.append(earth.vincenty_distance(*(np.float32(a) for a in (0.9, 0.07, 0.88, 0.03))))
def meanwhile(seen):  # needs numba too, while the first is still putting it in place
    while not seen():
        pass
    try:
        out.append(float(frames.eci_from_ecef(np.float32(1.0))[0, 0]))
    except Exception as exc:
        errors.append(repr(exc))
import spacerace._jit as jit
importing = lambda: "numba" in sys.modules  # the first is importing it
announced = lambda: jit._numba is not None  # the first says numba is in place
threads = [threading.Thread(target=meanwhile, args=(seen,))
           for seen in (importing, announced, importing, announced)]
threads.append(threading.Thread(target=first))
for t in threads:
    t.start()
for t in threads:
    t.join()
print(json.dumps({"out": out, "errors": errors}))
"""


def test_threads_that_need_numba_at_once_wait_for_it(cache):
    """A server flies in threads: the first call that needs numba puts it in place while the
    others wait, instead of finding a dispatcher that is not there yet."""
    got = json.loads(_python(THREADS, _env(cache)).stdout)
    assert got["errors"] == [] and len(got["out"]) == 5


PICKLE = """
import pickle
import numba
from spacerace.models import propulsion
again = pickle.loads(pickle.dumps(propulsion.thrust))
print(isinstance(again, numba.core.dispatcher.Dispatcher),
      again(1.0e6, 0.4, 5.0e4, 1.0) == propulsion.thrust_at(1.0e6, 0.4, 5.0e4, 1.0))
"""


def test_a_pickled_entry_comes_back_as_numbas_dispatcher(cache):
    assert _python(PICKLE, _env(cache)).stdout.split() == ["True", "True"]


def test_a_build_that_fails_is_recorded_and_not_tried_again(tmp_path):
    """Without a C compiler the background run records why and the commands that follow do
    not start it again; they fly on numba's cache."""
    folder = tmp_path / "cache"
    env = _env(folder) | {"CC": str(tmp_path / "no-such-compiler")}
    subprocess.run([sys.executable, "-m", "spacerace.warmup"], env=env, check=False,
                   capture_output=True, timeout=600)
    failed = list((folder / "prebuilt").glob("*.failed"))
    assert len(failed) == 1 and failed[0].read_text().strip()
    assert not list((folder / "prebuilt").glob("*.json"))
    proc = subprocess.run([sys.executable, "-m", "spacerace", "fly", "v2-london", "--json"],
                          env=env | {"SPACERACE_FIRST_FLIGHT": "compiled"},
                          capture_output=True, text=True, check=True, timeout=600)
    assert json.loads(proc.stdout)["figures"] and proc.stderr == ""
    assert not list(folder.glob("kernel-compiling-*"))  # no background run started


BATCH = """
import json
from spacerace.catalog import load
from spacerace.montecarlo import StudySpec, fly_batch, nominal
v, m = load("v2-london")
cols = fly_batch(StudySpec(v, nominal(v, m), 7, 16), range(16), threads=2)
print(json.dumps([cols["impact_lat_deg"].tolist(), cols["max_altitude_m"].tolist()]))
"""


def test_the_parallel_batch_kernel_after_the_fall_back(cache):
    """Monte Carlo needs numba's threads: in a process that started prebuilt it gives the
    same flights as with numba from the start."""
    prebuilt = json.loads(_python(BATCH, _env(cache)).stdout)
    jitted = json.loads(_python(BATCH, _env(cache, prebuilt="0")).stdout)
    assert prebuilt == jitted and len(prebuilt[0]) == 16


def test_a_damaged_module_costs_one_line_and_is_built_again(cache, tmp_path):
    import shutil

    folder = tmp_path / "cache"
    shutil.copytree(cache, folder)
    module = next((folder / "prebuilt").glob("*.so"))
    data = bytearray(module.read_bytes())
    data[len(data) // 2] ^= 0xFF
    module.write_bytes(bytes(data))
    proc = subprocess.run([sys.executable, "-m", "spacerace", "fly", "v2-london", "--json"],
                          env=_env(folder) | {"SPACERACE_FIRST_FLIGHT": "compiled"},
                          capture_output=True, text=True, check=False, timeout=600)
    assert proc.returncode == 0, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if "prebuilt" in ln]
    assert len(lines) == 1 and "damaged" in lines[0] and "Traceback" not in proc.stderr
    assert json.loads(proc.stdout)["figures"]
    # discarded, and built again by the background compilation the command started
    deadline = time.monotonic() + 300
    while list(folder.glob("kernel-compiling-*")) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert len(list((folder / "prebuilt").glob("*.json"))) == 1
    again = json.loads(_python(FLY, _env(folder)).stdout)
    assert again["out"] == proc.stdout and not again["numba"]


@pytest.mark.parametrize("value", [
    1.5, np.float64(2.0), 3, np.int64(4), True, np.bool_(False), 2 ** 70, np.float32(1.0),
    np.int32(5), np.zeros(3), np.zeros((2, 3)), np.zeros(4, dtype=np.int64),
    np.zeros((3, 3))[:, 0], np.zeros((3, 3)).T, np.zeros(3, dtype=np.float32), "text",
    np.zeros(3)[::2],
])
def test_the_type_letters_agree_with_numbas_typeof(value):
    """An export is called only with the types numba itself would compile for the value."""
    try:
        tp = numba.typeof(value)
    except ValueError:
        tp = None
    want = None if tp is None else _prebuilt._type_code(tp)
    assert _prebuilt.value_code(value) == (want or "?")


def test_a_read_only_array_is_not_passed_to_code_that_may_write_it():
    a = np.zeros(3)
    a.setflags(write=False)
    assert _prebuilt.value_code(a) == "?"
    assert _prebuilt._type_code(numba.typeof(a)) is None


def test_only_the_newest_modules_are_kept(tmp_path):
    """Other versions' modules are pruned beyond ``KEEP``; an hour-old file no manifest names
    (a build killed half-way) goes too, a fresh one (a build under way elsewhere) stays."""
    old = 1000.0
    for i in range(_prebuilt.KEEP + 2):
        module = tmp_path / f"spacerace_kernel_{i:016d}-abc{i}.so"
        module.write_bytes(b"x")
        manifest = tmp_path / f"spacerace_kernel_{i:016d}.json"
        manifest.write_text(json.dumps({"file": module.name}))
        for path in (module, manifest):
            os.utime(path, (old + i, old + i))
    orphan = tmp_path / "spacerace_kernel_0000000000000004-orphan.so"
    orphan.write_bytes(b"x")
    os.utime(orphan, (old, old))
    fresh = tmp_path / "spacerace_kernel_0000000000000004-underway.so"
    fresh.write_bytes(b"x")
    (tmp_path / ".build-killed").mkdir()
    os.utime(tmp_path / ".build-killed", (old, old))
    _prebuilt._prune(tmp_path)
    kept = sorted(p.name for p in tmp_path.iterdir())
    newest = range(2, _prebuilt.KEEP + 2)
    assert kept == sorted([f"spacerace_kernel_{i:016d}.json" for i in newest]
                          + [f"spacerace_kernel_{i:016d}-abc{i}.so" for i in newest]
                          + [fresh.name])
