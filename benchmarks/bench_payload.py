"""Benchmark: `spacerace payload MISSION` (the largest payload and its re-optimised ascent)
against one aimed flight of the same mission, both whole commands in fresh processes.

Issue 14 asks for `spacerace payload sputnik-1 --json` in under 60 s on a 2-core machine and
for Saturn V's payload to its parking orbit in under 5 minutes. The reference, in the same
run and the same way, is `spacerace fly MISSION --json`: one aimed flight with its start-up,
so the ratio is roughly how many flights the search costs. Each command is run ``--repeat``
times (compiled code cached; the first, untimed, run fills the cache); the figure is the
median wall time. The payload found is printed beside the timing.

Run: ``python benchmarks/bench_payload.py [--missions sputnik-1 apollo-11] [--repeat 1]
[--out FILE]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import print_figures, save

TARGET_S = {"sputnik-1": 60.0, "apollo-11": 300.0}  # issue 14; others: none
COMMAND = [sys.executable, "-m", "spacerace"]


def run(args: list[str]) -> tuple[float, dict]:
    """Wall time [s] of one command and its JSON answer."""
    t0 = time.perf_counter()
    done = subprocess.run([*COMMAND, *args, "--json"], capture_output=True, text=True,
                          check=False)
    spent = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} exited {done.returncode}: "
                         f"{done.stderr.strip().splitlines()[-1:]}")
    return spent, json.loads(done.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--missions", nargs="+", default=["sputnik-1"])
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--out", type=Path,
                    default=Path(__file__).parent / "results" / "payload.json")
    args = ap.parse_args()
    figures: dict[str, dict] = {}
    answers = {}
    for mission in args.missions:
        run(["fly", mission])  # fills the compile cache: not timed
        fly_s = statistics.median(run(["fly", mission])[0] for _ in range(args.repeat))
        timed = [run(["payload", mission]) for _ in range(args.repeat)]
        payload_s = statistics.median(t for t, _ in timed)
        answers[mission] = timed[-1][1]["payload_kg"]
        figures[f"payload_{mission}_s"] = {"value": payload_s, "reference": fly_s,
                                           "reference_name": f"spacerace fly {mission}"}
    print_figures(figures)
    for mission in args.missions:
        s = figures[f"payload_{mission}_s"]["value"]
        target = TARGET_S.get(mission)
        verdict = ("" if target is None else
                   f" ({'within' if s <= target else 'OVER'} the {target:.0f} s target)")
        print(f"spacerace payload {mission}: {answers[mission]:.1f} kg in {s:.1f} s{verdict}")
    save(args.out, "payload", figures, payload_kg=answers, targets_s=TARGET_S)


if __name__ == "__main__":
    main()
