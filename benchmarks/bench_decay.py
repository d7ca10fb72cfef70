"""Benchmark: Sputnik 1's orbital decay, insertion to re-entry (about 92 days).

Prints the time of the decay propagation (J2 + NRLMSISE-00 drag, orbit-averaged, with the
historical solar flux) and, as the reference measured in the same run, the time to integrate
one day of the same orbit numerically with the compiled kernel (point mass + J2 + US 1976
atmosphere, every revolution resolved); the ratio says how many such days the whole decay
costs. Saved as JSON (default ``benchmarks/results/decay.json``).

Run: ``python benchmarks/bench_decay.py``.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import statistics
import time
from pathlib import Path

import numpy as np
from common import save

from spacerace.catalog import load
from spacerace.flight import fly, simulate
from spacerace.kernel.inputs import SimOptions
from spacerace.mission import Phase
from spacerace.orbit import elements_from_state
from spacerace.propagate import decay


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "decay.json")
    args = ap.parse_args()
    v, m = load("sputnik-1")
    res = fly(v, m)
    state = res.trajectory.metadata["cutoff_state"]
    el = elements_from_state(state[:3], state[3:6])
    start = m.epoch + dt.timedelta(seconds=res.figures["insertion_time_s"])
    assert m.satellite is not None
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        hist = decay(el, start, m.satellite)
        times.append(time.perf_counter() - t0)
    one_day = dataclasses.replace(m, phases=(Phase("coast", "coast", engine_on=False,
                                                   until_time=86400.0),), aim=())
    opts = SimOptions(output_interval=600.0, max_time=86400.0)
    simulate(v, one_day, opts, initial_state=np.asarray(state))
    ref = []
    for _ in range(3):
        t0 = time.perf_counter()
        simulate(v, one_day, opts, initial_state=np.asarray(state))
        ref.append(time.perf_counter() - t0)
    value, reference = statistics.median(times), statistics.median(ref)
    print(f"decay of Sputnik 1, {hist.lifetime_days:.1f} days: {value:.3f} s "
          f"(re-entry {hist.reentry.date() if hist.reentry else '-'})")
    print(f"reference, one day integrated numerically: {reference:.3f} s; ratio "
          f"{value / reference:.2f}")
    save(args.out, "sputnik-1 orbital decay from the simulated insertion",
         {"decay_s": {"value": value, "reference": reference,
                      "reference_name": "one day of the orbit integrated numerically",
                      "ratio": value / reference},
          "lifetime_days": hist.lifetime_days})


if __name__ == "__main__":
    main()
