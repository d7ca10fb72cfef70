"""Golden comparison: every catalog mission flown at two git revisions, every figure compared.

Each revision is checked out in a temporary ``git worktree`` and run as
``python -m spacerace fly MISSION --json`` with ``PYTHONPATH=<worktree>/src`` (the ``--json``
keys are a promise kept across commits, so the comparison needs nothing else of the code).
Every number of the two JSON objects is compared, leaf by leaf:

    |head - base| <= rtol * max(|head|, |base|) + atol(unit)

with ``rtol`` 1e-6 (``--rtol``) and ``atol`` chosen by the key's unit suffix (``ATOL``), for
figures that pass through zero (an error against the archive, an impact altitude of a few
micrometres). Strings, flags and the exit status must be equal. A key that the base has and
the head lacks is a mismatch (keys are promised); a key only the head has is listed as added.

Why these tolerances: flights integrate with rtol 1e-9. As a measure of the integration's own
noise, every mission flown at one revision with rtol 1e-9 and again with 1e-10 differed by up to
3e-5 relative in a figure (Explorer 1's apogee 8e-6, Apollo 11's lunar closest approach 3.3 m
in 111 km), by 4 cm in an aim's miss distance, by 0.04 s in a lunar timestamp. A change that
keeps the equations and the integrator and only moves floating-point work around stays far
below 1e-6; a change of physics does not (a metre in a 300 km range is 3e-6). A mismatch
reported here is therefore either a change of behaviour or a change of the integration path;
the table's largest relative difference per mission says which order it is.

Usage::

    python tools/golden.py                       # base c343122, head HEAD
    python tools/golden.py --base c343122 --head WORKTREE   # the files as they are now
    python tools/golden.py --missions v2-london r2 --jobs 2
    python tools/golden.py --same-plan           # the head flies the plans the base aimed

Prints a table of the differences and exits 1 on a mismatch, 0 when every figure agrees.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))  # the benchmarks' temporary worktrees
from revisions import worktree  # noqa: E402

DEFAULT_BASE = "c343122"  # the commit before issue 13's restructuring
WORKTREE = "WORKTREE"  # --head WORKTREE: the files of this checkout as they are
DEFAULT_RTOL = 1e-6
# Absolute floor by unit suffix of the key (the figure's unit): about a centimetre, a
# hundred-millionth of a degree, a tenth of a millisecond, in the units of each.
ATOL = {"_m": 1e-2, "_km": 1e-5, "_deg": 1e-7, "_s": 1e-4, "_m_s": 1e-5, "_m_s2": 1e-5,
        "_pa": 1e-2, "_kg": 1e-4, "_time": 1e-3,
        # the aim's residual: where its solver stopped, not a figure of the flight
        "miss_distance_m": 0.5}
DEFAULT_ATOL = 1e-9
Leaf = tuple[str, Any]


@contextmanager
def checkout(rev: str) -> Iterator[Path]:
    """A temporary worktree of ``rev`` (removed afterwards); ``WORKTREE`` is this checkout."""
    if rev == WORKTREE:
        yield REPO
        return
    with worktree(rev) as path:
        yield path


def _env(tree: Path, cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(PYTHONPATH=str(tree / "src"), SPACERACE_CACHE_DIR=str(cache),
               NO_COLOR="1", COLUMNS="200")
    env.pop("NUMBA_CACHE_DIR", None)  # numba's cache beside the worktree's own sources
    return env


def _run_json(args: list[str], tree: str, cache: str) -> dict[str, Any]:
    """Run ``python ARGS`` in ``tree``: its exit status, the JSON it prints and its wall time."""
    t0 = time.perf_counter()
    run = subprocess.run([sys.executable, *args], env=_env(Path(tree), Path(cache)),
                         capture_output=True, text=True, cwd=cache, check=False)
    out: dict[str, Any] = {"exit": run.returncode, "seconds": time.perf_counter() - t0}
    try:
        out["json"] = json.loads(run.stdout)
    except json.JSONDecodeError:
        out["json"] = None
        out["stderr"] = run.stderr.strip().splitlines()[-1:] or [""]
    return out


def fly(tree: str, cache: str, mission: str) -> dict[str, Any]:
    """``spacerace fly MISSION --json`` in ``tree``: its exit status, JSON and wall time."""
    return _run_json(["-m", "spacerace", "fly", mission, "--json"], tree, cache)


# --same-plan: the base aims and flies; the head flies the base's aimed plan without aiming,
# so that a change of the aims' iteration (which meets the same tolerance at another point)
# does not hide a change of the flight itself. The plan crosses over as a pickled Mission,
# so both revisions need the same Mission and Vehicle fields.
_BASE_PLAN = """
import json, pickle, sys
from spacerace.catalog import load
from spacerace.flight import fly
res = fly(*load(sys.argv[1]))
pickle.dump(res.mission, open(sys.argv[2], "wb"))
print(json.dumps({"figures": res.figures}))
"""
_HEAD_PLAN = """
import json, pickle, sys
from spacerace.catalog import load
from spacerace.flight import options_for, simulate
m = pickle.load(open(sys.argv[2], "rb"))
v, _ = load(sys.argv[1])
print(json.dumps({"figures": simulate(v, m, options_for(m, None)).figures}))
"""


def fly_plan(tree: str, cache: str, mission: str, side: str) -> dict[str, Any]:
    """The base: ``fly`` (aimed), its plan saved; the head: that plan flown as it stands."""
    plan = str(Path(cache) / f"{mission}.plan.pickle")
    return _run_json(["-c", _BASE_PLAN if side == "base" else _HEAD_PLAN, mission, plan],
                     tree, cache)


def missions(tree: Path, cache: Path) -> list[str]:
    """The catalog's mission ids as ``spacerace catalog --json`` lists them in ``tree``."""
    run = subprocess.run([sys.executable, "-m", "spacerace", "catalog", "--json"],
                         env=_env(tree, cache), capture_output=True, text=True, check=True)
    return [m["id"] for m in json.loads(run.stdout)["missions"]]


def leaves(x: Any, path: str = "") -> Iterator[Leaf]:
    """Every scalar of a JSON value with its path (``figures.range_m``, ``events[3].t_s``)."""
    if isinstance(x, dict):
        for k, v in x.items():
            yield from leaves(v, f"{path}.{k}" if path else k)
    elif isinstance(x, list):
        for i, v in enumerate(x):
            yield from leaves(v, f"{path}[{i}]")
    else:
        yield path, x


def _unit_key(path: str, tree: dict[str, Any]) -> str:
    """The key that names the unit: the leaf's own, or for a comparison row its figure's."""
    last = path.rsplit(".", 1)[-1].split("[")[0]
    if last in ("simulated", "archival", "error", "tolerance", "value", "range"):
        head = path.rsplit(".", 1)[0]
        figure = dict(leaves(tree)).get(head + ".figure")
        if isinstance(figure, str):
            return figure
    return last


def atol_for(key: str) -> float:
    """The absolute floor for a figure named ``key`` (longest matching unit suffix)."""
    best = ""
    for suffix in ATOL:
        if key.endswith(suffix) and len(suffix) > len(best):
            best = suffix
    return ATOL[best] if best else DEFAULT_ATOL


def _time(v: Any) -> float | None:
    """Seconds since the epoch of an ISO 8601 timestamp string, else None."""
    if not isinstance(v, str) or len(v) < 19 or v[4:5] != "-" or v[10:11] != "T":
        return None
    try:
        return dt.datetime.fromisoformat(v.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def _scale(path: str, flat: dict[str, Any], bv: float, hv: float) -> float:
    """The magnitude a difference is relative to: a comparison row's error is relative to
    the simulated figure it is the error of."""
    if path.endswith(".error"):
        sim = flat.get(path[:-len("error")] + "simulated")
        if isinstance(sim, (int, float)) and not isinstance(sim, bool):
            return abs(sim)
    return max(abs(hv), abs(bv))


def compare(base: dict[str, Any], head: dict[str, Any], rtol: float
            ) -> tuple[list[tuple[str, Any, Any, float]], list[str]]:
    """Mismatching leaves ``(path, base, head, relative difference)`` and keys only in head."""
    b, h = dict(leaves(base)), dict(leaves(head))
    bad: list[tuple[str, Any, Any, float]] = []
    for path, bv in b.items():
        if path not in h:
            bad.append((path, bv, "(missing)", math.inf))
            continue
        hv = h[path]
        tb, th = _time(bv), _time(hv)
        if tb is not None and th is not None:  # a timestamp: compared as a time
            bv, hv = tb, th
        numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (bv, hv))
        if not numbers:
            if bv != hv:
                bad.append((path, bv, hv, math.inf))
            continue
        diff = abs(hv - bv)
        scale = _scale(path, h, bv, hv)
        rel = diff / scale if scale else 0.0
        key = "_time" if tb is not None else _unit_key(path, head)
        if not diff <= rtol * scale + atol_for(key):
            bad.append((path, bv, hv, rel))
    return bad, [p for p in h if p not in b]


def max_relative(base: dict[str, Any], head: dict[str, Any]) -> float:
    """The largest relative difference over the numbers both have (for the summary)."""
    b, h = dict(leaves(base)), dict(leaves(head))
    worst = 0.0
    for path, bv in b.items():
        hv = h.get(path)
        if isinstance(bv, (int, float)) and isinstance(hv, (int, float)) and not isinstance(
                bv, bool) and max(abs(bv), abs(hv)) > 0:
            worst = max(worst, abs(hv - bv) / max(abs(bv), abs(hv)))
    return worst


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", default=DEFAULT_BASE, help=f"git revision (default {DEFAULT_BASE})")
    ap.add_argument("--head", default="HEAD",
                    help=f"git revision, or {WORKTREE} for this checkout's files (default HEAD)")
    ap.add_argument("--missions", nargs="*", help="mission ids (default: the whole catalog)")
    ap.add_argument("--rtol", type=float, default=DEFAULT_RTOL)
    ap.add_argument("--jobs", type=int, default=2, help="flights at once (default 2)")
    ap.add_argument("--json-out", type=Path, help="write the flights and differences as JSON")
    ap.add_argument("--same-plan", action="store_true",
                    help="fly at the head the plan the base aimed (figures only)")
    args = ap.parse_args()
    t0 = time.perf_counter()
    with ExitStack() as stack:
        trees = {side: stack.enter_context(checkout(rev))
                 for side, rev in (("base", args.base), ("head", args.head))}
        caches = {side: Path(stack.enter_context(tempfile.TemporaryDirectory()))
                  for side in trees}
        names = args.missions or missions(trees["head"], caches["head"])
        runs: dict[tuple[str, str], dict[str, Any]] = {}
        if args.same_plan:
            with ProcessPoolExecutor(args.jobs) as pool:  # the head needs the base's plans
                for side in ("base", "head"):
                    futs = {(side, name): pool.submit(fly_plan, str(trees[side]),
                                                      str(caches["base"]), name, side)
                            for name in names}
                    for key, fut in futs.items():
                        runs[key] = fut.result()
        else:
            with ProcessPoolExecutor(args.jobs) as pool:
                # one flight per side first, so each side's compiled code is cached once
                first = {side: pool.submit(fly, str(trees[side]), str(caches[side]), names[0])
                         for side in trees}
                for side, fut in first.items():
                    runs[side, names[0]] = fut.result()
                futs = {(side, name): pool.submit(fly, str(trees[side]), str(caches[side]),
                                                  name)
                        for name in names[1:] for side in trees}
                for key, fut in futs.items():
                    runs[key] = fut.result()
    failed = False
    report: dict[str, Any] = {"base": args.base, "head": args.head, "rtol": args.rtol,
                              "missions": {}}
    print(f"golden: base {args.base}, head {args.head}, rtol {args.rtol:g} "
          f"(+ atol by unit), {len(names)} missions")
    print(f"{'mission':12s} {'exit b/h':>8s} {'time b/h [s]':>14s} {'leaves':>7s} "
          f"{'max rel diff':>13s}  verdict")
    rows: list[str] = []
    for name in names:
        b, h = runs["base", name], runs["head", name]
        entry: dict[str, Any] = {"exit": [b["exit"], h["exit"]],
                                 "seconds": [b["seconds"], h["seconds"]]}
        if b["json"] is None or h["json"] is None:
            bad: list[tuple[str, Any, Any, float]] = [
                ("(output)", b.get("stderr", "json"), h.get("stderr", "json"), math.inf)]
            added: list[str] = []
            worst, count = math.inf, 0
        else:
            bad, added = compare(b["json"], h["json"], args.rtol)
            worst, count = max_relative(b["json"], h["json"]), sum(1 for _ in leaves(b["json"]))
        if b["exit"] != h["exit"]:
            bad.insert(0, ("(exit status)", b["exit"], h["exit"], math.inf))
        failed |= bool(bad)
        entry.update(max_relative=worst, mismatches=[list(x) for x in bad], added=added)
        report["missions"][name] = entry
        print(f"{name:12s} {b['exit']:>3d}/{h['exit']:<4d} {b['seconds']:6.1f}/{h['seconds']:<7.1f}"
              f" {count:7d} {worst:13.3g}  {'MISMATCH' if bad else 'same'}"
              f"{f' (+{len(added)} keys)' if added else ''}")
        rows += [f"{name:12s} {p:48s} {bv!s:>22.22s} {hv!s:>22.22s} {rel:10.3g}"
                 for p, bv, hv, rel in bad]
    if rows:
        print(f"\n{'mission':12s} {'figure':48s} {'base':>22s} {'head':>22s} {'rel diff':>10s}")
        print("\n".join(rows))
    print(f"\n{'MISMATCH' if failed else 'all figures agree'} "
          f"({time.perf_counter() - t0:.0f} s)")
    if args.json_out:
        args.json_out.write_text(json.dumps(report, indent=2, default=str))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
