"""Benchmark: Monte Carlo throughput of the V-2 on London (flights per second).

Against an earlier commit (``--baseline REV``, default the commit before issue 13): that
revision is checked out in a temporary worktree and the same study (V-2 on London, seed 1,
the same N, 2 threads) is flown there and here, each in a fresh process with its own API, in
alternating rounds; the figure is the ratio of flights per second (the best round of each:
on a shared machine the other rounds measure the neighbours), and
the rows of the two must be the same study: the same runs, seeds, statuses and drawn offsets
(identical), NaN where NaN, and every figure at least as accurate as the baseline's: against
the baseline's study flown again at a ten times tighter tolerance (rtol 1e-8, untimed), the
head's largest error in each column may not exceed the baseline's. A change of the step-size
control moves figures within the integration's noise; this says it did not make them worse.

Also measured in the same run: the batch kernel on 1 thread (the reference), on 2 threads, and
through a local Dask cluster of 2 worker processes; and the whole command
``spacerace montecarlo v2-london -n 10000 --seed 1`` in a fresh process (compiled code
cached), the figure the project promises to keep under 5 s on a 2-core machine. Each figure
is printed with its ratio to the reference and saved as JSON
(default ``benchmarks/results/montecarlo.json``).

Run: ``python benchmarks/bench_montecarlo.py [-n 10000] [--baseline REV] [--rounds 2]
[--only-baseline] [--out FILE]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from common import save
from revisions import DEFAULT_BASELINE, REPO, run_snippet, short_rev, worktree

from spacerace.catalog import load
from spacerace.montecarlo import MC_OPTIONS, StudySpec, fly_batch, linearize, nominal, run_study


def _rate(n: int, seconds: float) -> float:
    return n / seconds


# The study flown on each side: load, aim the nominal, fly every batch on 2 threads after one
# warm-up batch (compiles or loads the kernel), print the rate, save the rows to argv[1].
_TIMED = """
import sys, time, numpy as np
{setup}
t0 = time.perf_counter()
parts = [fly_batch(spec, b, 2, lin) for b in spec.batches()]
dt = time.perf_counter() - t0
cols = {{k: np.concatenate([p[k] for p in parts]) for k in parts[0]}}
np.savez(sys.argv[1], **cols)
print(dt)
"""

# The commit before issue 13: its API (spacerace.montecarlo, StudySpec, fly_batch).
_BASELINE_SETUP = """
from spacerace.catalog import load
from spacerace.montecarlo import MC_OPTIONS, StudySpec, fly_batch, linearize, nominal
v, m = load("v2-london")
spec = StudySpec(v, nominal(v, m), seed=1, n={n}, batch_size=500)
lin = linearize(spec.vehicle, spec.mission, MC_OPTIONS)
fly_batch(spec, range(0, 8), 2, lin)
"""


def head_setup(n: int) -> str:
    """The same study with this checkout's API (update the imports here when they move)."""
    return f"""
from spacerace.catalog import load
from spacerace.montecarlo import MC_OPTIONS, StudySpec, fly_batch, linearize, nominal
v, m = load("v2-london")
spec = StudySpec(v, nominal(v, m), seed=1, n={n}, batch_size=500)
lin = linearize(spec.vehicle, spec.mission, MC_OPTIONS)
fly_batch(spec, range(0, 8), 2, lin)
"""


# The baseline's study flown again at a tighter tolerance: the reference both are measured
# against (untimed; ``MC_OPTIONS`` is read when a batch is flown, in both revisions).
_NOISE = """
import sys, dataclasses, numpy as np
{setup}
import spacerace.montecarlo as _mc
_mc.MC_OPTIONS = dataclasses.replace(_mc.MC_OPTIONS, rtol=_mc.MC_OPTIONS.rtol / 10)
parts = [fly_batch(spec, b, 2, lin) for b in spec.batches()]
np.savez(sys.argv[1], **{{k: np.concatenate([p[k] for p in parts]) for k in parts[0]}})
"""


def _same_rows(a: Path, b: Path, ref: Path) -> tuple[bool, str]:
    """Whether the studies ``a`` (baseline) and ``b`` (head) are the same study: identical in
    everything but the figures, and in each figure column the head's largest difference from
    ``ref`` (the baseline at a tighter tolerance) no larger than the baseline's."""
    worst, where = 0.0, ""
    with np.load(a) as x, np.load(b) as y, np.load(ref) as z:
        if set(x.files) != set(y.files):
            return False, f"columns differ: {sorted(set(x.files) ^ set(y.files))}"
        for k in sorted(x.files):
            u, v = x[k], y[k]
            if u.dtype.kind != "f" or k.startswith("d:"):
                if not np.array_equal(u, v):
                    return False, f"column {k} differs"
                continue
            if not np.array_equal(np.isnan(u), np.isnan(v)):
                return False, f"column {k}: NaN in different rows"
            ok = ~np.isnan(u) & ~np.isnan(z[k])
            if not ok.any():
                continue
            err_head = float(np.max(np.abs(v[ok] - z[k][ok])))
            err_base = float(np.max(np.abs(u[ok] - z[k][ok])))
            ratio = (err_head / err_base if err_base > 0.0
                     else (0.0 if err_head == 0.0 else np.inf))
            if ratio > worst:
                worst, where = ratio, f"{k}: {err_head:.3g} against {err_base:.3g}"
    verdict = "the same study" if worst <= 1.0 else "figures less accurate than the baseline's"
    return worst <= 1.0, (f"{verdict}; the head's largest error is at most {worst:.2f} x the "
                          f"baseline's ({where})")


def against_baseline(rev: str, n: int, rounds: int) -> dict[str, dict[str, float | str]]:
    """Flights per second of ``rev`` and of this checkout, measured alternately."""
    rates: dict[str, list[float]] = {"baseline": [], "head": []}
    with worktree(rev) as base, tempfile.TemporaryDirectory() as tmp:
        trees = {"baseline": (base, _TIMED.format(setup=_BASELINE_SETUP.format(n=n))),
                 "head": (REPO, _TIMED.format(setup=head_setup(n)))}
        # each side's compiled code in its own cache (the baseline's compiled once, here)
        env = {side: {"NUMBA_CACHE_DIR": str(Path(tmp) / f"numba-{side}"),
                      "SPACERACE_CACHE_DIR": str(Path(tmp) / f"cache-{side}")}
               for side in trees}
        for _ in range(rounds):
            for side, (tree, code) in trees.items():
                out = run_snippet(tree, code, env[side], [str(Path(tmp) / f"{side}.npz")])
                rates[side].append(_rate(n, float(out.split()[-1])))
        run_snippet(base, _NOISE.format(setup=_BASELINE_SETUP.format(n=n)), env["baseline"],
                    [str(Path(tmp) / "noise.npz")])
        same, why = _same_rows(Path(tmp) / "baseline.npz", Path(tmp) / "head.npz",
                               Path(tmp) / "noise.npz")
    b, h = max(rates["baseline"]), max(rates["head"])
    return {
        "baseline_flights_per_s_2_threads": {"value": b, "note": f"{short_rev(rev)}, "
                                             f"rounds {json.dumps(rates['baseline'])}"},
        "head_flights_per_s_2_threads": {"value": h, "note": f"rounds {json.dumps(rates['head'])}"},
        "ratio_head_to_baseline": {"value": h / b, "note": "target >= 2"},
        "rows_same_study": {"value": float(same), "note": why},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=10000)
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results" /
                    "montecarlo.json")
    ap.add_argument("--baseline", default=DEFAULT_BASELINE,
                    help=f"git revision to measure against (default {DEFAULT_BASELINE})")
    ap.add_argument("--rounds", type=int, default=3, help="alternating rounds per side")
    ap.add_argument("--only-baseline", action="store_true",
                    help="measure only the comparison with the baseline revision")
    args = ap.parse_args()
    versus = against_baseline(args.baseline, args.n, args.rounds)
    print(f"{'figure':38s} {'value':>12s}")
    for name, f in versus.items():
        print(f"{name:38s} {float(f['value']):12.3f}  {f['note']}")
    if args.only_baseline:
        save(args.out, f"v2-london Monte Carlo, {args.n} flights, seed 1, against "
             f"{args.baseline}", versus)
        return
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
    save(args.out, f"v2-london Monte Carlo, {args.n} flights, seed 1", figures | versus)


if __name__ == "__main__":
    main()
