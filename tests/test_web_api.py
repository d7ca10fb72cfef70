"""The web API in-process (httpx over ASGI, with the app's lifespan run).

Catalog and chapters, a flight that equals ``spacerace.api.fly``, what-ifs that change it,
downloads, bad requests answered 4xx with a clear message (never a traceback), concurrent
requests all answered. Starlette's TestClient is not used: it warns that its httpx backend
is deprecated, and the suite turns warnings into errors.
"""

from __future__ import annotations

import asyncio
import io
import json
import math
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from spacerace import catalog
from spacerace.api import fly as api_fly
from spacerace.report import to_dict
from spacerace.web.app import CHAPTERS, Settings, create_app, find_cesium, read_chapters
from spacerace.web.whatif import FlyRequest, apply, parse_date

V2 = "v2-london"
CHAPTER_KEYS = ("v2-london", "r1-1948", "bumper-5", "r7-icbm", "sputnik-1", "explorer-1",
                "luna-3", "apollo-11")


class Client:
    """Synchronous calls into the app on one event loop, its lifespan entered and left."""

    def __init__(self, app: Any) -> None:
        self.runner = asyncio.Runner()
        self.lifespan = app.router.lifespan_context(app)
        self.runner.run(self.lifespan.__aenter__())
        self.http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                      base_url="http://testserver", timeout=60)

    def get(self, url: str, **kw: Any) -> httpx.Response:
        return self.runner.run(self.http.get(url, **kw))

    def post(self, url: str, **kw: Any) -> httpx.Response:
        return self.runner.run(self.http.post(url, **kw))

    def gather(self, requests: list[tuple[str, str, dict[str, Any]]]) -> list[httpx.Response]:
        async def all_of() -> list[httpx.Response]:
            return await asyncio.gather(*(self.http.request(m, u, **kw)
                                          for m, u, kw in requests))
        return self.runner.run(all_of())

    def close(self) -> None:
        self.runner.run(self.http.aclose())
        self.runner.run(self.lifespan.__aexit__(None, None, None))
        self.runner.close()


def _client(settings: Settings | None = None) -> Iterator[Client]:
    c = Client(create_app(settings))
    try:
        yield c
    finally:
        c.close()


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    yield from _client()


@pytest.fixture(scope="module")
def nominal():
    return api_fly(V2)


def _ok(res: httpx.Response) -> Any:
    assert res.status_code == 200, res.text
    return res.json()


def _assert_clear_error(res: httpx.Response, status: int, *words: str) -> None:
    assert res.status_code == status, (res.status_code, res.text)
    assert res.headers["content-type"].startswith("application/json")
    detail = res.json()["detail"]
    assert isinstance(detail, str) and detail
    assert "Traceback" not in res.text and 'File "' not in res.text
    for w in words:
        assert w in detail, (w, detail)


# --- catalog and chapters ----------------------------------------------------------------------

def test_catalog_lists_every_mission_in_date_order(client):
    doc = _ok(client.get("/api/catalog"))
    assert doc["unavailable"] == []
    ids = [m["id"] for m in doc["missions"]]
    assert sorted(ids) == catalog.list_missions()
    dates = [m["epoch"] for m in doc["missions"]]
    assert dates == sorted(dates)
    assert V2 in ids and "v2" in [v["id"] for v in doc["vehicles"]]


def test_chapters_follow_the_catalog(client):
    chapters = _ok(client.get("/api/chapters"))["chapters"]
    missions = {n: catalog.load(n)[1].epoch for n in catalog.list_missions()}
    assert [c["mission"] for c in chapters] == sorted(missions, key=missions.get)
    v2 = next(c for c in chapters if c["key"] == V2)
    assert v2["written"] and "von Braun" in v2["account"] and "Chiswick" in v2["account"]
    assert v2["sources"] and all(s["citation"] for s in v2["sources"])


def test_chapters_file_has_every_account_with_resolvable_sources():
    chapters, bib = read_chapters()
    assert set(CHAPTER_KEYS) <= set(chapters)
    raw = tomllib.loads(CHAPTERS.read_text(encoding="utf-8"))
    for key, ch in chapters.items():
        words = len(ch["account"].split())
        assert 80 <= words <= 150, f"{key}: {words} words"
        assert ch["sources"], key
        for s in ch["sources"]:
            assert bib.get(s), f"{key}: source {s} has no citation"
    for key, entry in raw.get("sources", {}).items():
        assert entry.get("citation"), f"[sources.{key}] needs a citation"


# --- flights -----------------------------------------------------------------------------------

def test_fly_returns_the_same_figures_as_the_api(client, nominal):
    doc = _ok(client.post("/api/fly", json={"mission": V2}))
    expected = json.loads(json.dumps(to_dict(nominal)))
    for key in ("mission", "vehicle", "epoch", "status", "figures", "archive", "sources", "aim"):
        assert doc[key] == expected[key], key
    # rows of the --json document, each with the page's keys added (never one renamed)
    for key in ("comparison", "events"):
        assert [{k: row[k] for k in want} for row, want in zip(doc[key], expected[key],
                                                                 strict=True)] == expected[key]
    tr = doc["trajectory"]
    n = len(tr["t_s"])
    assert 2 < n <= 2100 and all(len(v) == n for v in tr.values())
    assert tr["t_s"][-1] == pytest.approx(nominal.figures["flight_time_s"], abs=1e-3)
    assert [p["name"] for p in doc["phases"]] == list(nominal.trajectory.phase_names)
    assert doc["czml"][0]["id"] == "document"
    assert doc["whatif"]["applied"] == {} and doc["whatif"]["aimed"] is True
    assert doc["whatif"]["nominal"]["cutoff_speed_m_s"] == pytest.approx(
        nominal.aim.cutoff_speed)


@pytest.mark.parametrize(("change", "figure", "sign"), [
    ({"thrust_factor": 0.9}, "range_m", -1),
    ({"propellant_factor": 0.8}, "range_m", -1),
    ({"payload_mass_kg": 1500.0}, "burnout_time_s", +1),
    ({"cutoff_speed_m_s": 1500.0}, "range_m", -1),
    ({"cutoff_speed_m_s": 1700.0}, "max_altitude_m", +1),
])
def test_whatif_changes_the_flight(client, nominal, change, figure, sign):
    doc = _ok(client.post("/api/fly", json={"mission": V2, **change}))
    assert doc["whatif"]["applied"] == change
    moved = doc["figures"][figure] - nominal.figures[figure]
    assert sign * moved > 0, (figure, moved)
    assert doc["whatif"]["nominal_figures"][figure] == nominal.figures[figure]


def test_whatif_azimuth_and_date(client, nominal):
    az = _ok(client.post("/api/fly", json={"mission": V2, "azimuth_deg": 240.0}))
    assert az["figures"]["impact_lat_deg"] < nominal.figures["impact_lat_deg"] - 0.5
    later = _ok(client.post("/api/fly", json={"mission": V2, "date": "1944-12-25T12:00:00Z"}))
    assert later["epoch"] == "1944-12-25T12:00:00Z"
    assert later["figures"]["range_m"] == pytest.approx(nominal.figures["range_m"], rel=0.01)


def test_whatif_request_rules():
    v, m = catalog.load(V2)
    req = FlyRequest(mission=V2, thrust_factor=1.2, propellant_factor=0.9)
    v2, _ = apply(v, m, req)
    for s0, s1 in zip(v.stages, v2.stages):
        assert s1.propellant_mass == pytest.approx(0.9 * s0.propellant_mass)
        for e0, e1 in zip(s0.engines, s1.engines):
            assert e1.thrust_vacuum == pytest.approx(1.2 * e0.thrust_vacuum)
            assert e1.isp_vacuum == pytest.approx(e0.isp_vacuum)  # flow scaled with thrust
    assert parse_date("1944-09-08").isoformat() == "1944-09-08T00:00:00+00:00"
    assert parse_date("1957-10-04T22:28:34+03:00").hour == 19
    for bad in ("1939-12-31", "2001-01-01T00:00:00Z", "yesterday", "../../etc"):
        with pytest.raises(ValueError):
            parse_date(bad)


# --- downloads ---------------------------------------------------------------------------------

def test_exports(client, nominal):
    q = {"mission": V2, "thrust_factor": 1.05}
    csv = client.get("/api/export/csv", params=q)
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert 'filename="v2-london-whatif.csv"' in csv.headers["content-disposition"]
    lines = csv.text.splitlines()
    assert lines[0].startswith("t_s,phase,phase_name,")  # plain CSV
    czml = client.get("/api/export/czml", params={"mission": V2})
    doc = czml.json()
    assert doc[0]["properties"]["mission"] == V2
    assert 'filename="v2-london.czml"' in czml.headers["content-disposition"]
    kml = client.get("/api/export/kml", params=q)
    root = ET.fromstring(kml.content)
    assert root.tag.endswith("kml") and b"spacerace" in kml.content
    pq = pytest.importorskip("pyarrow.parquet")
    parquet = client.get("/api/export/parquet", params={"mission": V2})
    assert parquet.status_code == 200
    table = pq.read_table(io.BytesIO(parquet.content))
    assert table.num_rows == len(nominal.trajectory.t)


# --- bad requests ------------------------------------------------------------------------------

def test_ten_megabyte_body_is_refused(client):
    body = b'{"mission": "v2-london", "pad": "' + b"x" * (10 * 1024 * 1024) + b'"}'
    res = client.post("/api/fly", content=body, headers={"content-type": "application/json"})
    _assert_clear_error(res, 413, "too large")


def test_ten_megabyte_chunked_body_is_refused(client):
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(160):
            yield b" " * 65536

    res = client.post("/api/fly", content=chunks(), headers={"content-type": "application/json"})
    _assert_clear_error(res, 413, "too large")


@pytest.mark.parametrize(("body", "status", "words"), [
    ({"mission": V2, "thrust_factor": 1000}, 422, ("thrust_factor", "1.5")),
    ({"mission": V2, "payload_mass_kg": -100}, 422, ("payload_mass_kg",)),
    ({"mission": V2, "azimuth_deg": 361}, 422, ("azimuth_deg",)),
    ({"mission": V2, "cutoff_speed_m_s": 50000}, 422, ("cutoff_speed_m_s",)),
    ({"mission": V2, "date": "1900-01-01"}, 422, ("date", "1940")),
    ({"mission": "../../etc/passwd"}, 422, ("mission", "catalog mission id")),
    ({"mission": "/etc/passwd"}, 422, ("mission",)),
    ({"mission": "v2-london.toml"}, 422, ("mission",)),
    ({"mission": V2, "vehicle": "/tmp/evil.toml"}, 422, ("vehicle", "unknown field")),
    ({"mission": V2, "path": "../secret"}, 422, ("path", "unknown field")),
    ({"mission": "atlantis-2030"}, 404, ("unknown mission", V2)),
    ({}, 422, ("mission",)),
    ({"mission": V2, "thrust_factor": 0.5}, 422, ("cannot lift off",)),
    ({"mission": V2, "thrust_factor": True}, 422, ("thrust_factor", "not true or false")),
])
def test_bad_requests_are_4xx_with_a_clear_message(client, body, status, words):
    _assert_clear_error(client.post("/api/fly", json=body), status, *words)


@pytest.mark.parametrize("raw", [b"not json", b'{"mission": "v2-london", "thrust_factor": NaN}',
                                 b"[1, 2, 3]", b""])
def test_malformed_bodies_are_422(client, raw):
    res = client.post("/api/fly", content=raw, headers={"content-type": "application/json"})
    _assert_clear_error(res, 422, "invalid request")


def test_truncated_json_names_the_body(client):
    res = client.post("/api/fly", content=b'{"mission": "v2-london"',
                      headers={"content-type": "application/json"})
    _assert_clear_error(res, 422, "body: not valid JSON (at character 23)")


def test_bad_export_requests(client):
    _assert_clear_error(client.get("/api/export/xlsx", params={"mission": V2}), 422, "fmt")
    _assert_clear_error(client.get("/api/export/csv", params={"mission": V2,
                                                              "file": "/etc/passwd"}),
                        422, "unknown field")
    _assert_clear_error(client.get("/api/export/kml", params={"mission": "x/../../y"}), 422)
    _assert_clear_error(client.get("/api/export/csv", params={"mission": "nowhere"}), 404)


def test_foreign_host_header_is_refused(client):
    res = client.get("/api/health", headers={"host": "attacker.example:8000"})
    _assert_clear_error(res, 400, "Host")
    assert "default-src 'self'" in res.headers["content-security-policy"]
    for host in ("LOCALHOST", "LocalHost:8000", "127.0.0.1:8000", "[::1]:8000"):
        assert client.get("/api/health", headers={"host": host}).status_code == 200, host


def test_every_answer_has_the_safety_headers(client):
    big = b"x" * (65 * 1024)
    answers = [client.get("/api/health", headers={"host": "evil.example"}),
               client.post("/api/fly", content=big, headers={"content-type": "application/json"}),
               client.post("/api/fly", content=b"{}", headers={"content-length": "abc"}),
               client.post("/api/fly", json={"mission": "atlantis-2030"}),
               client.get("/no/such/page"), client.get("/api/health"), client.get("/")]
    assert [r.status_code for r in answers] == [400, 413, 400, 404, 404, 200, 200]
    for r in answers:
        assert r.headers["x-content-type-options"] == "nosniff", r.request.url
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"], r.request.url
        assert r.headers["referrer-policy"] == "no-referrer", r.request.url


def test_docs_are_a_local_note(client):
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/openapi.json" in docs.text
    assert "http" not in docs.text.replace("HTTP", "")  # nothing loaded from elsewhere
    assert "<script" not in docs.text
    assert client.get("/redoc").status_code == 404


def test_a_flight_over_its_time_limit_is_a_clear_error():
    for c in _client(Settings(flight_timeout=1e-9)):
        res = c.post("/api/fly", json={"mission": V2, "thrust_factor": 1.01})
        _assert_clear_error(res, 422, "did not finish")


def test_a_full_queue_is_503_with_retry_after():
    """One flight at a time in the long lane and one waiting: the rest are told to retry."""
    for c in _client(Settings(workers=2, queue_limit=1)):
        bodies = [{"mission": "apollo-11", "date": f"1969-07-16T13:{i:02d}:00Z"}
                  for i in range(5)]
        answers = c.gather([("POST", "/api/fly", {"json": b}) for b in bodies])
        codes = sorted(r.status_code for r in answers)
        assert codes == [200, 200, 503, 503, 503], codes
        for r in answers:
            if r.status_code == 503:
                _assert_clear_error(r, 503, "busy")
                assert 1 <= int(r.headers["retry-after"]) <= 60


# --- concurrency, schema, static files ---------------------------------------------------------

def test_concurrent_requests_are_all_answered(client, nominal):
    requests = []
    for i in range(30):
        body = {"mission": V2} if i % 3 == 0 else {"mission": V2, "thrust_factor": 0.9 + i / 100}
        requests.append(("POST", "/api/fly", {"json": body}))
    requests += [("GET", "/api/health", {}), ("GET", "/api/chapters", {})] * 5
    responses = client.gather(requests)
    assert [r.status_code for r in responses] == [200] * len(requests)
    ranges = {r.json()["figures"]["range_m"] for r in responses[:30:3]}
    assert ranges == {nominal.figures["range_m"]}


def test_openapi_schema_states_the_bounds(client):
    schema = _ok(client.get("/openapi.json"))
    assert {"/api/catalog", "/api/chapters", "/api/fly", "/api/export/{fmt}"} <= set(
        schema["paths"])
    props = schema["components"]["schemas"]["FlyRequest"]["properties"]
    thrust = props["thrust_factor"]["anyOf"][0]
    assert (thrust["minimum"], thrust["maximum"]) == (0.5, 1.5)
    assert schema["components"]["schemas"]["FlyRequest"]["additionalProperties"] is False


def test_page_and_headers(client):
    page = client.get("/")
    assert page.status_code == 200 and "spacerace" in page.text and "/cesium/Cesium.js" in page.text
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "connect-src 'self'" in csp
    assert client.get("/app.js").status_code == 200
    assert client.get("/style.css").status_code == 200


def test_cesium_found_or_explained(monkeypatch, tmp_path):
    monkeypatch.setenv("SPACERACE_CESIUM", str(tmp_path / "nowhere"))
    assert find_cesium() is None
    for c in _client():
        _assert_clear_error(c.get("/cesium/Cesium.js"), 404, "npm ci")
        assert c.get("/api/health").json()["cesium"] is False
    build = tmp_path / "Build" / "Cesium"
    build.mkdir(parents=True)
    (build / "Cesium.js").write_text("// stand-in")
    monkeypatch.setenv("SPACERACE_CESIUM", str(build))
    assert find_cesium() == build
    for c in _client():
        res = c.get("/cesium/Cesium.js")
        assert res.status_code == 200 and res.text == "// stand-in"


def test_nan_free_json(client):
    doc = _ok(client.post("/api/fly", json={"mission": V2, "cutoff_speed_m_s": 12000}))
    text = json.dumps(doc)
    assert "NaN" not in text and "Infinity" not in text
    assert all(v is None or math.isfinite(v) for v in doc["figures"].values())
