"""Benchmark: one V-2 flight on London.

Prints each figure with its ratio to a reference measured in the same run, and saves them as
JSON (default ``benchmarks/results/flight.json``):

- compiled flight (median of many, after compilation): reference = the same flight with the
  kernel interpreted (NUMBA_DISABLE_JIT=1, median of a few), so the ratio is the speed-up;
- first flight in a fresh process with an empty compilation cache (includes compiling) and
  with the cache warm (loads the compiled code from disk): reference = the compiled flight.

Run: ``python benchmarks/bench_flight.py [--out FILE] [--repeat N]``.
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results" /
                    "flight.json")
    ap.add_argument("--repeat", type=int, default=200)
    args = ap.parse_args()
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
    save(args.out, "v2-london single flight (unaimed, full trajectory table)", figures,
         repeat=args.repeat)


if __name__ == "__main__":
    main()
