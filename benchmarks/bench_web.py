"""Load check of the web API: 50 concurrent V-2 flight requests on loopback.

Starts ``spacerace.web.serve`` in a child process on a free port of 127.0.0.1, then sends
rounds of 50 ``POST /api/fly`` requests at once, from 50 threads (one kept-alive stdlib
``http.client`` connection each, released together by a barrier):

- ``nominal``: 50 times the V-2 as flown (the server caches the response after the first);
- ``whatif``: 50 different what-ifs (thrust 0.90-1.39): each one a real flight, serialised
  and sent (no cache).

Threads with ``http.client`` rather than one async httpx client: with 50 answers of ~70 kB
arriving together, an asyncio httpx client spends more time parsing than the server takes to
answer (about 110 ms median against 7 ms measured here), and it would be the client that was
measured. Every response must be 200 with the figures in it; the script prints the median,
90th percentile and largest latency of each round (target: median under 100 ms), and saves
them as JSON (default ``benchmarks/results/web.json``). Bounded: each request times out after
30 s, the whole run stops after ``--deadline`` seconds, and the child server is stopped.

Run: ``python benchmarks/bench_web.py [--n 50] [--rounds 3] [--out FILE]``.
Only loopback traffic; needs the ``web`` extra (fastapi, uvicorn).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

SERVER = "from spacerace.web import serve; serve('127.0.0.1', 0)"


def start_server(timeout: float) -> tuple[subprocess.Popen[str], int]:
    """The child server process and its port (read from the address it prints)."""
    proc = subprocess.Popen([sys.executable, "-u", "-c", SERVER], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if m:
            return proc, int(m.group(1))
    proc.terminate()
    raise RuntimeError("the server did not print its address")


class Load:
    """50 threads, each with its own connection, sending one request per round together."""

    def __init__(self, port: int, n: int, deadline: float) -> None:
        self.port, self.n, self.deadline = port, n, deadline
        self.local = threading.local()
        self.pool = ThreadPoolExecutor(n, thread_name_prefix="load")

    def _post(self, body: dict[str, Any], barrier: threading.Barrier | None
              ) -> tuple[float, int, str]:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                                                timeout=30)
        data = json.dumps(body).encode()
        if barrier is not None:
            barrier.wait(timeout=30)
        if time.monotonic() > self.deadline:
            return 0.0, 0, "deadline passed"
        t0 = time.perf_counter()
        try:
            conn.request("POST", "/api/fly", body=data,
                         headers={"Content-Type": "application/json"})
            res = conn.getresponse()
            content = res.read()
        except (OSError, http.client.HTTPException) as exc:
            self.local.conn = None
            return time.perf_counter() - t0, 0, f"{type(exc).__name__}: {exc}"
        ms = time.perf_counter() - t0
        if res.status != 200:
            return ms, res.status, content[:200].decode(errors="replace")
        if b'"range_m":' not in content:
            return ms, res.status, "no figures in the answer"
        return ms, res.status, ""

    def burst(self, bodies: list[dict[str, Any]]) -> dict[str, Any]:
        barrier = threading.Barrier(len(bodies))
        t0 = time.perf_counter()
        results = list(self.pool.map(lambda b: self._post(b, barrier), bodies))
        wall = time.perf_counter() - t0
        lat = sorted(r[0] * 1e3 for r in results)
        errors = [(code, err) for _, code, err in results if code != 200 or err]
        return {"requests": len(bodies), "ok": len(bodies) - len(errors),
                "errors": errors[:5], "median_ms": statistics.median(lat),
                "p90_ms": lat[int(0.9 * (len(lat) - 1))], "max_ms": lat[-1], "wall_s": wall,
                "throughput_per_s": len(bodies) / wall}


def wait_ready(port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/health")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the server did not answer /api/health")


def run(port: int, n: int, rounds: int, deadline: float) -> dict[str, list[dict[str, Any]]]:
    wait_ready(port, 120.0)
    load = Load(port, n, deadline)
    try:
        load.burst([{"mission": "v2-london"}] * n)  # connect, and cache the nominal answer
        out: dict[str, list[dict[str, Any]]] = {"nominal": [], "whatif": []}
        for r in range(rounds):
            out["nominal"].append(load.burst([{"mission": "v2-london"}] * n))
            bodies = [{"mission": "v2-london",
                       "thrust_factor": round(0.9 + i / 100 + r / 1000, 4)} for i in range(n)]
            out["whatif"].append(load.burst(bodies))
        return out
    finally:
        load.pool.shutdown(wait=False, cancel_futures=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=50, help="concurrent requests per round")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--deadline", type=float, default=300.0, help="stop after this many s")
    ap.add_argument("--out", type=Path,
                    default=Path(__file__).parent / "results" / "web.json")
    args = ap.parse_args()
    n, rounds = min(max(args.n, 1), 200), min(max(args.rounds, 1), 20)
    started = time.monotonic()
    proc, port = start_server(120.0)
    try:
        results = run(port, n, rounds, started + args.deadline)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    failed = False
    for kind, rows in results.items():
        for i, r in enumerate(rows):
            print(f"{kind:8s} round {i + 1}: {r['ok']}/{r['requests']} ok, median "
                  f"{r['median_ms']:6.1f} ms, p90 {r['p90_ms']:6.1f} ms, max {r['max_ms']:6.1f}"
                  f" ms, {r['throughput_per_s']:6.0f} answers/s")
            failed |= r["ok"] != r["requests"]
    medians = {k: statistics.median(r["median_ms"] for r in rows) for k, rows in results.items()}
    print("median latency: " + ", ".join(f"{k} {v:.1f} ms" for k, v in medians.items())
          + " (target < 100 ms)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "benchmark": "web", "concurrent": n, "rounds": results, "median_ms": medians,
        "load_average": os.getloadavg(),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "platform": platform.platform()},
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }, indent=2))
    if failed:
        sys.exit("some requests failed: " + json.dumps(
            [r["errors"] for rows in results.values() for r in rows if r["errors"]])[:1000])


if __name__ == "__main__":
    main()
