"""The web server as people run it: ``spacerace serve`` in its own process, on loopback.

With its real worker processes: a what-if that cannot lift off is a 4xx and the flights after
it are still flown; lunar what-ifs queued by one client do not hold up another's V-2; SIGTERM
stops the server and every process it started; a killed worker is replaced. A request whose
headers or body never finish is cut off after the time limit, and a malformed one gets a JSON
400 with the safety headers (a raw socket, on a server run in a thread with a short limit).
Every wait here is bounded.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from spacerace.api import fly as api_fly
from spacerace.web import background_server
from spacerace.web.whatif import FlyRequest, fly_whatif

pytestmark = pytest.mark.slow

V2 = "v2-london"
SRC = Path(__file__).resolve().parents[1] / "src"
START_S = 180.0  # longest wait for the server to start, its workers too [s]


def _children() -> dict[int, list[int]]:
    """Parent process id -> its children, from /proc."""
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z":  # a zombie has ended (its parent has not read its status yet)
            kids.setdefault(int(fields[1]), []).append(int(entry))
    return kids


def _descendants(pid: int) -> set[int]:
    kids, out, todo = _children(), set(), [pid]
    while todo:
        for child in kids.get(todo.pop(), []):
            out.add(child)
            todo.append(child)
    return out


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(pid)
    return alive


class Served:
    """``python -m spacerace serve --port 0`` as a child process, and its address."""

    def __init__(self) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            [str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])])}
        self.proc = subprocess.Popen([sys.executable, "-m", "spacerace", "serve", "--port", "0"],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                     text=True)
        assert self.proc.stdout is not None
        line = self._line(START_S)
        found = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert found, f"no address in {line!r}"
        self.url = found.group(0)
        self.seen: set[int] = set()
        self.wait_ready(START_S)

    def wait_ready(self, timeout: float) -> None:
        """Wait until the server's worker processes have started (bounded)."""
        deadline = time.monotonic() + timeout
        with httpx.Client(base_url=self.url, timeout=10) as c:
            while time.monotonic() < deadline:
                try:
                    if c.get("/api/health").json().get("flights") == "ready":
                        return
                except httpx.HTTPError:
                    pass
                time.sleep(0.2)
        self.stop()
        pytest.fail(f"the server's workers did not start within {timeout:g} s")

    def _line(self, timeout: float) -> str:
        box: list[str] = []
        assert self.proc.stdout is not None
        stdout = self.proc.stdout
        reader = threading.Thread(target=lambda: box.append(stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        if not box:
            self.stop()
            pytest.fail(f"the server printed no address within {timeout:g} s")
        return box[0]

    def look(self) -> None:
        """Note the server's processes now (they may be replaced later)."""
        self.seen |= _descendants(self.proc.pid)

    def stop(self) -> None:
        """SIGTERM, wait (bounded), then make sure nothing is left (SIGKILL as a last resort)."""
        if self.proc.poll() is None:
            self.look()
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        for pid in _alive(self.seen):
            os.kill(pid, signal.SIGKILL)
        self.proc.communicate(timeout=5)


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    s = Served()
    try:
        yield s
    finally:
        s.stop()


async def _post_all(url: str, bodies: list[dict], delay_last: float = 0.0
                    ) -> list[tuple[httpx.Response, float]]:
    """POST every body at once (the last after ``delay_last``); each answer and its latency."""
    async with httpx.AsyncClient(base_url=url, timeout=60,
                                 limits=httpx.Limits(max_connections=100)) as c:
        async def one(body: dict, delay: float) -> tuple[httpx.Response, float]:
            await asyncio.sleep(delay)
            t0 = time.perf_counter()
            res = await c.post("/api/fly", json=body)
            return res, time.perf_counter() - t0
        return await asyncio.gather(*(one(b, delay_last if i == len(bodies) - 1 else 0.0)
                                      for i, b in enumerate(bodies)))


def test_a_whatif_that_cannot_lift_off_leaves_the_server_flying(served):
    with httpx.Client(base_url=served.url, timeout=60) as c:
        bad = c.post("/api/fly", json={"mission": V2, "thrust_factor": 0.5})
        assert bad.status_code == 422, bad.text
        detail = bad.json()["detail"]
        assert "cannot lift off" in detail and "\n" not in detail
        served.look()
        codes = [c.post("/api/fly", json={"mission": V2, "thrust_factor": 0.80 + i / 100}
                        ).status_code for i in range(20)]
        assert codes == [200] * 20
        heavy = c.post("/api/fly", json={"mission": "r1-1948", "payload_mass_kg": 100000})
        assert heavy.status_code == 422 and "cannot lift off" in heavy.json()["detail"]
        assert c.post("/api/fly", json={"mission": "r1-1948", "thrust_factor": 1.1}
                      ).status_code == 200


def test_worker_processes_fly_as_the_library_does(served):
    body = {"mission": V2, "thrust_factor": 0.95}
    with httpx.Client(base_url=served.url, timeout=60) as c:
        first, again = c.post("/api/fly", json=body), c.post("/api/fly", json=body)
    assert first.status_code == 200 and again.headers["X-Spacerace-Cache"] == "hit"
    expected = fly_whatif(api_fly(V2), FlyRequest.model_validate(body)).figures
    got = first.json()["figures"]
    for key, value in expected.items():
        if isinstance(value, float) and value == value:
            assert got[key] == pytest.approx(value, rel=1e-12), key


def test_lunar_whatifs_do_not_hold_up_a_v2(served):
    """Twelve Apollo 11 what-ifs (about half a second each) from one client, then a V-2."""
    lunar = [{"mission": "apollo-11", "date": f"1969-07-16T13:{i:02d}:00Z"} for i in range(12)]
    v2 = {"mission": V2, "azimuth_deg": 251.0}
    answers = asyncio.run(_post_all(served.url, [*lunar, v2], delay_last=0.3))
    statuses = [r.status_code for r, _ in answers]
    assert set(statuses[:-1]) <= {200, 503} and statuses[-1] == 200, statuses
    v2_s = answers[-1][1]
    lunar_s = sorted(s for r, s in answers[:-1] if r.status_code == 200)
    print(f"\nV-2 what-if answered in {v2_s * 1e3:.0f} ms while lunar what-ifs were queued "
          f"(lunar answers {lunar_s[0]:.2f}-{lunar_s[-1]:.2f} s, "
          f"lanes {answers[-1][0].headers.get('X-Spacerace-Lane')}/"
          f"{answers[0][0].headers.get('X-Spacerace-Lane')})")
    assert answers[-1][0].headers["X-Spacerace-Lane"] == "short"
    assert answers[0][0].headers["X-Spacerace-Lane"] == "long"
    assert v2_s < 2.0 and v2_s < lunar_s[-1] - 0.3


def _workers(pid: int) -> set[int]:
    """The worker processes among a server's descendants."""
    found = set()
    for child in _descendants(pid):
        try:
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                found.add(child)
        except OSError:
            continue
    return found


def test_a_killed_worker_is_replaced(served):
    """The first worker started (the short lane's) is killed; its pool is replaced."""
    served.look()
    workers = _workers(served.proc.pid)
    assert workers, "no worker processes to kill"
    killed = {min(workers)}
    os.kill(min(workers), signal.SIGKILL)
    bodies = [{"mission": V2, "thrust_factor": 1.13},
              {"mission": "apollo-11", "thrust_factor": 1.02},
              {"mission": "r1-1948", "thrust_factor": 1.04}]
    with httpx.Client(base_url=served.url, timeout=90) as c:
        codes = [c.post("/api/fly", json=b).status_code for b in bodies]
    assert codes == [200, 200, 200], codes
    fresh = _workers(served.proc.pid)
    assert len(fresh) == len(workers) and not fresh & killed
    served.look()


def test_sigterm_stops_the_server_and_its_workers(served):
    with httpx.Client(base_url=served.url, timeout=60) as c:
        assert c.post("/api/fly", json={"mission": V2, "thrust_factor": 1.07}).status_code == 200
    served.look()
    assert served.seen, "the server started no worker processes"
    served.proc.send_signal(signal.SIGTERM)
    served.proc.wait(20)
    deadline = time.monotonic() + 10
    while _alive(served.seen) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = _alive(served.seen)
    assert not left, f"processes left running after SIGTERM: {sorted(left)}"


def _raw(url: str, data: bytes, wait: float) -> tuple[bytes, float]:
    """Send ``data``, then read until the server closes; what came back and when [s]."""
    host, port = url.split("//")[1].rstrip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=wait) as sock:
        t0 = time.perf_counter()
        sock.sendall(data)
        got = b""
        try:
            while chunk := sock.recv(65536):
                got += chunk
        except TimeoutError:
            pass
        return got, time.perf_counter() - t0


def test_half_sent_requests_time_out():
    head = (b"POST /api/fly HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100\r\n\r\n")
    with background_server(request_timeout=1.0) as url:
        got, took = _raw(url, head + b'{"mission": "v2-', wait=10)
        assert got.startswith(b"HTTP/1.1 408"), got[:200]
        assert b"content-security-policy" in got.lower()
        assert 0.9 < took < 5, took
        got, took = _raw(url, b"POST /api/fly HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-", wait=10)
        assert took < 5, (took, got[:200])
        got, took = _raw(url, b"NOT HTTP\x00\r\n\r\n", wait=10)  # uvicorn's own 400
        assert got.startswith(b"HTTP/1.1 400") and took < 5, got[:200]
        assert b"content-security-policy" in got.lower() and b'"detail"' in got

