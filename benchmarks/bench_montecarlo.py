"""Benchmark: Monte Carlo throughput of the V-2 on London (flights per second).

Measured in the same run: the batch kernel on 1 thread (the reference), on 2 threads, and
through a local Dask cluster of 2 worker processes; and the whole command
``spacerace montecarlo v2-london -n 10000 --seed 1`` in a fresh process (compiled code
cached), the figure the project promises to keep under 5 s on a 2-core machine. Each figure
is printed with its ratio to the reference and saved as JSON
(default ``benchmarks/results/montecarlo.json``).

Run: ``python benchmarks/bench_montecarlo.py [-n 10000] [--out FILE]``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import save

from spacerace.catalog import load
from spacerace.montecarlo import MC_OPTIONS, StudySpec, fly_batch, linearize, nominal, run_study


def _rate(n: int, seconds: float) -> float:
    return n / seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=10000)
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results" /
                    "montecarlo.json")
    args = ap.parse_args()
    v, m = load("v2-london")
    spec = StudySpec(v, nominal(v, m), seed=1, n=args.n, batch_size=500)
    lin = linearize(spec.vehicle, spec.mission, MC_OPTIONS)
    fly_batch(spec, range(0, 8), 1, lin)  # compile / load the kernel
    figures: dict[str, dict[str, float | str]] = {}
    for threads in (1, 2):
        t0 = time.perf_counter()
        for b in spec.batches():
            fly_batch(spec, b, threads, lin)
        figures[f"flights_per_s_{threads}_thread"] = {
            "value": _rate(args.n, time.perf_counter() - t0)}
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        run_study(spec, Path(tmp) / "dask", scheduler="local", workers=2)
        figures["flights_per_s_local_dask_2_workers"] = {
            "value": _rate(args.n, time.perf_counter() - t0),
            "note": "includes starting the cluster"}
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "spacerace", "montecarlo", "v2-london", "-n",
                        str(args.n), "--seed", "1", "--study", str(Path(tmp) / "cli"),
                        "--json"], check=True, capture_output=True)
        figures["cli_10000_seconds" if args.n == 10000 else "cli_seconds"] = {
            "value": time.perf_counter() - t0, "note": "whole command, fresh process"}
    ref = float(figures["flights_per_s_1_thread"]["value"])
    print(f"{'figure':38s} {'value':>12s} {'ratio to 1 thread':>18s}")
    for name, f in figures.items():
        val = float(f["value"])
        ratio = val / ref if name.startswith("flights") else float("nan")
        f["ratio_to_1_thread"] = ratio
        print(f"{name:38s} {val:12.1f} {ratio:18.2f}  {f.get('note', '')}")
    save(args.out, f"v2-london Monte Carlo, {args.n} flights, seed 1", figures)


if __name__ == "__main__":
    main()
