"""The page's "what could it lift": computed once in a lane of its own, kept on disk, served.

The mechanics with a stand-in computation (202 while under way, 200 from the file after, from
the file at once for a server restarted on the same folder, a failure said once), through
the route; a flight with nowhere to carry a payload answered so. The answers themselves are
``optimize.best_payload``'s, checked in test_optimize.
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from test_web_api import Client, create_app

from spacerace.errors import UnreachableError
from spacerace.web.capability import Capabilities, capability_document


def _threads() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(1)


def _fake(mission: str) -> bytes:
    time.sleep(0.05)
    return json.dumps({"mission": mission, "status": "ready", "payload_kg": 1.0}).encode()


def _broken(mission: str) -> bytes:
    raise UnreachableError(f"{mission}: no payload")


def _wait(caps: Capabilities, mission: str, limit: float = 120.0) -> tuple[int, bytes]:
    end = time.monotonic() + limit
    status, body = caps.answer(mission)
    while status == 202 and time.monotonic() < end:
        time.sleep(0.05)
        status, body = caps.answer(mission)
    return status, body


def test_computed_once_then_served_from_disk(tmp_path: Path) -> None:
    caps = Capabilities(_threads, _fake, tmp_path)
    status, body = caps.answer("v2-london")
    assert status == 202 and json.loads(body)["status"] == "computing"
    status, body = _wait(caps, "v2-london")
    assert status == 200 and json.loads(body)["payload_kg"] == 1.0
    caps.close()
    again = Capabilities(_threads, _broken, tmp_path)  # a restarted server: no computation
    assert again.answer("v2-london")[0] == 200
    assert again.executor is None
    again.close()


def test_a_failed_computation_is_said_once(tmp_path: Path) -> None:
    caps = Capabilities(_threads, _broken, tmp_path)
    status, body = _wait(caps, "v2-london")
    assert status == 500 and "no payload" in json.loads(body)["detail"]
    assert caps.answer("v2-london")[0] == 202  # asked again: computed again
    caps.close()


def test_damaged_answer_is_computed_anew(tmp_path: Path) -> None:
    caps = Capabilities(_threads, _fake, tmp_path)
    tmp_path.mkdir(exist_ok=True)
    caps.path("v2-london").write_bytes(b"not a cache entry")
    assert caps.answer("v2-london")[0] == 202
    assert _wait(caps, "v2-london")[0] == 200
    caps.close()


def test_route_answers_202_then_200(tmp_path: Path) -> None:
    app = create_app()
    client = Client(app)
    try:
        app_caps = app.state.capabilities = Capabilities(_threads, _fake, tmp_path)
        assert client.get("/api/capability/no-such-mission").status_code == 404
        res = client.get("/api/capability/v2-london")
        assert res.status_code == 202 and int(res.headers["retry-after"]) > 0
        assert _wait(app_caps, "v2-london")[0] == 200
        res = client.get("/api/capability/v2-london")
        assert res.status_code == 200 and res.json()["status"] == "ready"
        app_caps.close()
    finally:
        client.close()


def test_a_flight_that_reaches_no_orbit_has_no_payload_question() -> None:
    """Bumper 5 went up and came down: nowhere to carry a payload to, said in one line."""
    doc = json.loads(capability_document("bumper-5"))
    assert doc["status"] == "none" and "no orbit" in doc["detail"]
