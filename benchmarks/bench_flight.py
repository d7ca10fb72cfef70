"""Benchmark: one V-2 flight on London.

Prints each figure with its ratio to a reference measured in the same run, and saves them as
JSON (default ``benchmarks/results/flight.json``):

- compiled flight (median of many, after compilation): reference = the same flight with the
  kernel interpreted (NUMBA_DISABLE_JIT=1, median of a few), so the ratio is the speed-up;
- first flight in a fresh process with an empty compilation cache (includes compiling) and
  with the cache warm (loads the compiled code from disk): reference = the compiled flight.

The command as a user meets it, here and at an earlier commit (``--baseline REV``, default the
commit before issue 13, checked out in a temporary worktree), in the same run:
``spacerace fly v2-london --json`` in a fresh process with empty compilation caches (numba's
and spacerace's own, both pointed at a temporary folder: the first flight after installing),
then with those caches filled, once the background compilation the first run started has
ended (median of ``--warm-repeat`` runs). The targets of issue 13:
cold under 10 s, warm under 0.6 s.

Run: ``python benchmarks/bench_flight.py [--out FILE] [--repeat N] [--baseline REV]
[--warm-repeat N] [--only-command]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import print_figures, save
from revisions import DEFAULT_BASELINE, REPO, short_rev, worktree

CHILD = """
import time
t0 = time.perf_counter()
from spacerace.catalog import load
from spacerace.flight import simulate
v, m = load("v2-london")
t1 = time.perf_counter()
simulate(v, m)
t2 = time.perf_counter()
reps = []
for _ in range({n}):
    a = time.perf_counter(); simulate(v, m); reps.append(time.perf_counter() - a)
reps.sort()
print(t1 - t0, t2 - t1, reps[len(reps) // 2])
"""


def _child(n: int, env: dict[str, str]) -> tuple[float, float, float]:
    out = subprocess.run([sys.executable, "-c", CHILD.format(n=n)], env=env, check=True,
                         capture_output=True, text=True).stdout.split()
    return float(out[0]), float(out[1]), float(out[2])


def _command_s(tree: Path, cache: Path) -> float:
    """Wall time of ``spacerace fly v2-london --json`` in a fresh process [s]."""
    env = dict(os.environ) | {"PYTHONPATH": str(tree / "src"),
                              "NUMBA_CACHE_DIR": str(cache / "numba"),
                              "SPACERACE_CACHE_DIR": str(cache / "spacerace")}
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "spacerace", "fly", "v2-london", "--json"], env=env,
                   check=True, capture_output=True)
    return time.perf_counter() - t0


BACKGROUND_TIMEOUT_S = 900.0


def _wait_for_background(cache: Path) -> None:
    """Wait for the background compilation the cold command started (its lock file in the
    cache folder: ``spacerace.firstflight``) to end, so that the warm runs find the cache as
    a later session would."""
    t0 = time.perf_counter()
    while (list((cache / "spacerace").glob("kernel-compiling-*"))
           and time.perf_counter() - t0 < BACKGROUND_TIMEOUT_S):
        time.sleep(0.5)


def command_times(rev: str, warm_repeat: int) -> dict[str, dict[str, float | str]]:
    """Cold and warm ``spacerace fly v2-london`` at ``rev`` and in this checkout."""
    out: dict[str, dict[str, float | str]] = {}
    with worktree(rev) as base:
        for side, tree in (("baseline", base), ("head", REPO)):
            with tempfile.TemporaryDirectory() as cache:
                cold = _command_s(tree, Path(cache))
                _wait_for_background(Path(cache))
                warm = statistics.median(_command_s(tree, Path(cache))
                                         for _ in range(warm_repeat))
            out[f"{side}_fly_cold_cache_s"] = {"value": cold}
            out[f"{side}_fly_warm_s"] = {"value": warm}
    label = short_rev(rev)
    for kind, target in (("cold_cache", 10.0), ("warm", 0.6)):
        b, h = out[f"baseline_fly_{kind}_s"], out[f"head_fly_{kind}_s"]
        b["note"] = f"at {label}"
        ratio = float(h["value"]) / float(b["value"])
        h["note"] = f"ratio to {label} {ratio:.3f}; target < {target} s"
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results" /
                    "flight.json")
    ap.add_argument("--repeat", type=int, default=200)
    ap.add_argument("--baseline", default=DEFAULT_BASELINE,
                    help=f"git revision to measure against (default {DEFAULT_BASELINE})")
    ap.add_argument("--warm-repeat", type=int, default=5)
    ap.add_argument("--only-command", action="store_true",
                    help="measure only the command, here and at the baseline")
    args = ap.parse_args()
    command = command_times(args.baseline, args.warm_repeat)
    print(f"{'figure':28s} {'value':>10s}")
    for name, f in command.items():
        print(f"{name:28s} {float(f['value']):8.2f} s  {f['note']}")
    if args.only_command:
        save(args.out, "spacerace fly v2-london, cold and warm, against "
             f"{args.baseline}", command)
        return
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as cache:
        cold = _child(1, env | {"NUMBA_CACHE_DIR": cache})
        warm = _child(args.repeat, env | {"NUMBA_CACHE_DIR": cache})
    plain = _child(3, env | {"NUMBA_DISABLE_JIT": "1"})
    from spacerace.catalog import load
    from spacerace.flight import simulate

    v, m = load("v2-london")
    simulate(v, m)
    reps = []
    for _ in range(args.repeat):
        a = time.perf_counter()
        simulate(v, m)
        reps.append(time.perf_counter() - a)
    flight = statistics.median(reps)
    figures = {
        "flight_s": {"value": flight, "reference": plain[2],
                     "reference_name": "same flight, kernel interpreted"},
        "first_flight_cold_cache_s": {"value": cold[1], "reference": flight,
                                      "reference_name": "compiled flight"},
        "first_flight_warm_cache_s": {"value": warm[1], "reference": flight,
                                      "reference_name": "compiled flight"},
        "import_and_load_s": {"value": warm[0], "reference": flight,
                              "reference_name": "compiled flight"},
    }
    print_figures(figures)
    save(args.out, "v2-london single flight (unaimed, full trajectory table)",
         figures | command, repeat=args.repeat)


if __name__ == "__main__":
    main()
