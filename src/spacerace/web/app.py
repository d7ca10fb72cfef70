"""The web face: a FastAPI app with a JSON API, the static page and CesiumJS from npm.

Endpoints (all JSON unless said; the OpenAPI schema is at ``/openapi.json``, docs at ``/docs``):

- ``GET /api/catalog``: the missions (date order) and vehicles of the catalog;
- ``GET /api/chapters``: the space-race chapters of the missions in the catalog, date order;
- ``POST /api/fly``: fly a catalog mission with optional what-if changes (``FlyRequest``);
  returns the ``--json`` document (``report.to_dict``) plus the page's trajectory columns, the
  phase colours, a CZML document and the what-if inputs, thinned to about 2,000 samples;
- ``GET /api/export/{csv,parquet,czml,kml}?mission=...&<what-if>``: the trajectory as a file;
- ``GET /api/coastlines?west=&south=&east=&north=``: Natural Earth 1:10m coastlines and
  borders within a box of at most ``COAST_MAX_SPAN_DEG`` (``basemap``), for short flights;
- ``GET /api/health``: version and whether CesiumJS was found.

Requests are bounded: a body cap (64 kB), a time limit on reading the body, pydantic bounds on
every input, catalog names only (no paths), a time limit on each flight's running time, a
bounded queue of flights (503 with ``Retry-After`` when full). Errors are JSON with a
``detail`` message: 4xx for what a request can fix, never a traceback. Flights run in lanes by
their cost (``lanes``), in threads or worker processes, so the server goes on answering while
one flies and a slow flight does not hold up a quick one. The Host header must be a loopback
name or the bound host (DNS rebinding), and every answer carries a Content-Security-Policy that
keeps the page from loading anything from elsewhere. The interactive ``/docs`` are off (they
would load Swagger UI from a CDN, which the policy blocks and an offline machine lacks);
``/docs`` says so and points to the schema.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import functools
import json
import logging
import math
import multiprocessing
import os
import tempfile
import threading
import time
import tomllib
from collections import OrderedDict
from collections.abc import AsyncIterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from spacerace import catalog
from spacerace._version import __version__
from spacerace.api import fly as fly_catalog
from spacerace.constants import G0
from spacerace.errors import SpaceraceError
from spacerace.export import czml, kml
from spacerace.export.czml import phase_styles, sample_indices
from spacerace.export.tables import write_csv, write_parquet
from spacerace.mission import Mission
from spacerace.report import to_dict
from spacerace.results import FlightResult
from spacerace.web import basemap, capability
from spacerace.web.cameras import DEFAULT_CAMERA, cameras_for
from spacerace.web.flightview import ascent_end, near_moon_events, with_fine_ascent
from spacerace.web.guard import Guard
from spacerace.web.guard import json_error as _error
from spacerace.web.lanes import Lanes, worker_setup
from spacerace.web.pagemeta import (
    MACH_CEILING_M,
    comparison_texts,
    controls,
    date_control,
    event_flags,
    figure_info,
    timeline_axis,
)
from spacerace.web.static_files import CompressedStatic
from spacerace.web.whatif import FlyRequest, fly_whatif, nominal_inputs

log = logging.getLogger("spacerace.web")

HERE = Path(__file__).parent
STATIC = HERE / "static"
CHAPTERS = HERE / "chapters.toml"
CESIUM_ENV = "SPACERACE_CESIUM"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "testserver")
COAST_MAX_SPAN_DEG = 60.0  # the largest box of coastlines sent (a short flight's region) [deg]

# The page's trajectory columns: name -> (trajectory column, factor from SI, decimals).
PAGE_COLUMNS: dict[str, tuple[str, float, int]] = {
    "t_s": ("t", 1.0, 3),
    "alt_m": ("alt", 1.0, 1),
    "speed_m_s": ("speed_relative", 1.0, 2),
    "speed_inertial_m_s": ("speed_inertial", 1.0, 2),
    "accel_m_s2": ("acceleration", 1.0, 3),
    "mach": ("mach", 1.0, 4),
    "q_pa": ("dynamic_pressure", 1.0, 1),
    "lat_deg": ("lat", 180.0 / math.pi, 6),
    "lon_deg": ("lon", 180.0 / math.pi, 6),
    "downrange_m": ("downrange", 1.0, 1),
    "phase": ("phase", 1.0, 0),
}

# Everything from this server only. 'unsafe-eval' because CesiumJS's bundle (its Knockout
# copy) finds the global object with an indirect eval as it loads; 'unsafe-inline' styles for
# the inline styles Cesium's widget sets.
CSP = ("default-src 'self'; script-src 'self' blob: 'unsafe-eval' 'wasm-unsafe-eval'; "
       "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "connect-src 'self' data: blob:; worker-src 'self' blob:; font-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


@dataclass(frozen=True)
class Settings:
    """Limits and places of the app.

    Attributes
    ----------
    flight_timeout : float
        Longest running time of one flight, not counting its wait in the queue [s].
    max_body : int
        Largest request body [bytes].
    request_timeout : float
        Longest wait for a request's body (and, in ``serve``, its headers) [s].
    max_points : int
        Samples of a trajectory sent to the page, at most about this many [-].
    workers : int
        Threads that fly, shared by the lanes for short and long flights [-].
    processes : int
        Worker processes for long what-if flights, plus one for short ones (0: fly them in
        the threads). A flight holds Python's lock for most of its few milliseconds, so only
        processes spread many different what-ifs over the cores.
    queue_limit : int
        Flights that may wait in each lane; one more is answered 503 [-].
    cesium_dir : Path or None
        The ``Build/Cesium`` folder served at ``/cesium/`` (None: not found).
    allowed_hosts : tuple of str
        Host names the Host header may carry.
    """

    flight_timeout: float = 10.0
    max_body: int = 64 * 1024
    request_timeout: float = 10.0
    max_points: int = 2000
    workers: int = 4
    processes: int = 0
    queue_limit: int = 64
    cesium_dir: Path | None = None
    allowed_hosts: tuple[str, ...] = LOOPBACK_HOSTS


def find_cesium(start: Path | None = None) -> Path | None:
    """The ``Build/Cesium`` folder of the npm package ``cesium``, or None.

    ``$SPACERACE_CESIUM`` first (a ``Build/Cesium`` folder), then ``node_modules/cesium`` in
    this package's folder or any folder above it (the repository root for an editable
    install), then in the working directory.
    """
    env = os.environ.get(CESIUM_ENV)
    if env:
        p = Path(env).expanduser()
        return p if (p / "Cesium.js").is_file() else None
    here = (start or HERE).resolve()
    for folder in (here, *here.parents, Path.cwd()):
        p = folder / "node_modules" / "cesium" / "Build" / "Cesium"
        if (p / "Cesium.js").is_file():
            return p
    return None


# --- chapters --------------------------------------------------------------------------------

def read_chapters(path: Path = CHAPTERS) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """The chapters (mission id -> chapter) and the bibliography (key -> citation).

    The bibliography is the catalog's ``sources.toml`` with the chapters file's ``[sources]``
    added for keys the catalog lacks.

    Raises
    ------
    ValueError
        A chapter names a source key found in neither.
    """
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    own = {k: v.get("citation", "") for k, v in data.get("sources", {}).items()}
    bib = {**own, **catalog.sources()}
    chapters = data.get("chapters", {})
    for key, ch in chapters.items():
        missing = [s for s in ch.get("sources", []) if s not in bib]
        if missing:
            raise ValueError(f"{path.name}: chapters.{key}.sources: unknown keys {missing}")
    return chapters, bib


def _words(text: str) -> str:
    return " ".join(text.split())


def chapter_list(missions: list[Mission], chapters: dict[str, dict[str, Any]],
                 bib: dict[str, str]) -> list[dict[str, Any]]:
    """One chapter per catalog mission, in date order (a mission without one gets its summary)."""
    out = []
    for m in sorted(missions, key=lambda m: m.epoch):
        ch = chapters.get(m.id)
        keys = list(ch.get("sources", [])) if ch else []
        out.append({
            "key": m.id,
            "mission": m.id,
            "title": ch["title"] if ch else m.name,
            "short": ch.get("short", ch["title"]) if ch else m.id,
            "date": str(ch["date"]) if ch else m.epoch.date().isoformat(),
            "year": m.epoch.year,
            "epoch": m.epoch.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
            "place": ch.get("place", "") if ch else m.site.name,
            "people": list(ch.get("people", [])) if ch else [],
            "account": _words(ch["account"]) if ch else _words(m.summary),
            "sources": [{"key": k, "citation": bib.get(k, "")} for k in keys],
            "mission_name": m.name,
            "written": ch is not None,
            "cameras": cameras_for(m),
            "camera": DEFAULT_CAMERA,
        })
    return out


# --- the state behind the endpoints ----------------------------------------------------------

class _LRU:
    """A small thread-safe least-recently-used cache of response bodies."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[Any, bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Any) -> bytes | None:
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key: Any, value: bytes) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


def _stamp(mission_id: str) -> tuple[int, ...]:
    """Modification times of a mission file and of its folder's vehicle files (cache key)."""
    files = [catalog.MISSIONS / f"{mission_id}.toml", *sorted(catalog.VEHICLES.glob("*.toml")),
             catalog.HERE / "sources.toml"]
    return tuple(p.stat().st_mtime_ns for p in files if p.exists())


class Flights:
    """Nominal flights per mission (cached while the files are unchanged) and what-ifs."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.nominal_cache: dict[str, tuple[tuple[int, ...], FlightResult]] = {}
        self.lock = threading.Lock()
        self.responses = _LRU(128)

    def check_mission(self, mission_id: str) -> None:
        """Raise a 404 unless ``mission_id`` is a mission of the catalog."""
        known = catalog.list_missions()
        if mission_id not in known:
            raise HTTPException(404, f"unknown mission {mission_id!r}; the catalog has: "
                                     f"{', '.join(known)}")

    def nominal(self, mission_id: str) -> FlightResult:
        """The mission flown as in its file (aimed when it has a target)."""
        stamp = _stamp(mission_id)
        with self.lock:
            hit = self.nominal_cache.get(mission_id)
            if hit is not None and hit[0] == stamp:
                return hit[1]
            result = fly_catalog(mission_id)
            self.nominal_cache[mission_id] = (stamp, result)
            return result

    def warm(self) -> dict[str, float]:
        """Fly every catalog mission once as a what-if; what each took (mission -> s).

        The nominal flights are kept, so later what-ifs need not aim first.
        """
        costs = {}
        for mission in catalog.list_missions():
            try:
                req = FlyRequest.model_validate({"mission": mission, "thrust_factor": 1.0})
                _, _, costs[mission] = self.result(req)
            except (SpaceraceError, ValueError) as exc:
                log.warning("mission %s left out of the warm-up: %s", mission, exc)
        return costs

    def result(self, req: FlyRequest) -> tuple[FlightResult, FlightResult, float]:
        """The nominal and the requested flight, and the time the latter took [s]."""
        nominal = self.nominal(req.mission)
        t0 = time.perf_counter()
        res = fly_whatif(nominal, req)
        return nominal, res, time.perf_counter() - t0

    def cached(self, req: FlyRequest) -> tuple[bytes, dict[str, str]] | None:
        """The JSON body of ``POST /api/fly`` if the same request was answered before."""
        t0 = time.perf_counter()
        body = self.responses.get((req.model_dump_json(), _stamp(req.mission)))
        if body is None:
            return None
        total = (time.perf_counter() - t0) * 1e3
        return body, {"Server-Timing": f"total;dur={total:.2f}", "X-Spacerace-Cache": "hit"}

    def remember(self, req: FlyRequest, body: bytes) -> None:
        """Keep an answer made elsewhere (a worker process) for the same request later."""
        self.responses.put((req.model_dump_json(), _stamp(req.mission)), body)

    def fly_document(self, req: FlyRequest) -> tuple[bytes, dict[str, str]]:
        """The JSON body of ``POST /api/fly`` and timing headers."""
        t0 = time.perf_counter()
        key = (req.model_dump_json(), _stamp(req.mission))
        nominal, res, flight_s = self.result(req)
        doc = page_document(nominal, res, req, self.settings.max_points)
        body = json.dumps(doc, separators=(",", ":"), allow_nan=False).encode()
        self.responses.put(key, body)
        total = (time.perf_counter() - t0) * 1e3
        return body, {"Server-Timing": f"flight;dur={flight_s * 1e3:.2f}, total;dur={total:.2f}",
                      "X-Spacerace-Cache": "miss"}

    def export(self, req: FlyRequest, fmt: str) -> bytes:
        """The flight's whole trajectory as a file of format ``fmt``."""
        _, res, _ = self.result(req)
        if fmt == "czml":
            return (czml.dumps(res) + "\n").encode()
        if fmt == "kml":
            return kml.document(res).encode()
        with tempfile.TemporaryDirectory(prefix="spacerace-export-") as tmp:
            path = Path(tmp) / f"trajectory.{fmt}"
            if fmt == "csv":
                write_csv(res.trajectory, path)
            else:
                write_parquet(res.trajectory, path)
            return path.read_bytes()


def _clean(x: Any) -> Any:
    """Plain JSON values: NaN and infinities become None, numpy scalars Python numbers."""
    if isinstance(x, dict):
        return {str(k): _clean(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_clean(v) for v in x]
    if isinstance(x, float | np.floating):
        return float(x) if math.isfinite(x) else None
    if isinstance(x, np.integer):
        return int(x)
    return x


def page_columns(result: FlightResult, max_points: int) -> dict[str, list[float | None]]:
    """The trajectory columns the page draws, thinned, in the units named."""
    traj = result.trajectory
    idx = sample_indices(traj, max_points)
    out = {}
    for name, (src, factor, decimals) in PAGE_COLUMNS.items():
        col = np.round(traj[src][idx] * factor, decimals)
        out[name] = [v if math.isfinite(v) else None for v in col.tolist()]
    return out


def page_document(nominal: FlightResult, result: FlightResult, req: FlyRequest,
                  max_points: int) -> dict[str, Any]:
    """``report.to_dict`` of the flight plus what the page needs to draw it."""
    t_ascent = ascent_end(result)
    result = near_moon_events(with_fine_ascent(result))
    doc = _clean(to_dict(result))  # the trajectory and CZML below are finite by construction
    doc["ascent_end_s"] = t_ascent  # long flights: where the charts' ascent view ends
    m = result.mission
    doc["site"] = {"name": m.site.name, "lat_deg": math.degrees(m.site.lat),
                   "lon_deg": math.degrees(m.site.lon), "alt_m": m.site.alt}
    doc["target"] = None if m.target is None else {
        "name": m.target.name, "lat_deg": math.degrees(m.target.lat),
        "lon_deg": math.degrees(m.target.lon)}
    doc["trajectory"] = page_columns(result, max_points)
    doc["phases"] = [{k: v for k, v in s.items() if k != "rgb"}
                     for s in phase_styles(result.trajectory)]
    doc["czml"] = czml.document(result, max_points)
    inputs = nominal_inputs(nominal)
    doc["whatif"] = {"nominal": inputs, "applied": req.changes(),
                     "nominal_figures": _clean(nominal.figures),
                     "aimed": nominal.aim is not None,
                     "controls": controls(inputs), "date": date_control(inputs)}
    _describe(doc, result)
    return doc


def _describe(doc: dict[str, Any], result: FlightResult) -> None:
    """Add what the page shows about the document's numbers (``pagemeta``): keys only added."""
    doc["figure_info"] = figure_info(doc["figures"], doc["archive"])
    nominal = doc["whatif"]["nominal_figures"] if doc["whatif"]["applied"] else None
    for row in doc["comparison"]:
        row.update(comparison_texts(row, doc["archive"].get(row["figure"]) or {}, nominal))
    for event, record in zip(doc["events"], result.trajectory.events, strict=True):
        event.update(event_flags(record))
    doc["mach_ceiling_m"] = MACH_CEILING_M
    doc["g0_m_s2"] = G0  # the charts' acceleration in g


# --- HTTP plumbing ---------------------------------------------------------------------------

SECURITY_HEADERS = ((b"x-content-type-options", b"nosniff"),
                    (b"content-security-policy", CSP.encode()),
                    (b"referrer-policy", b"no-referrer"))


def _validation_message(exc: RequestValidationError) -> tuple[str, list[dict[str, str]]]:
    errors = []
    for e in exc.errors():
        loc = [str(p) for p in e.get("loc", ())]
        if loc and loc[0] in ("body", "query", "path"):  # where it came from, not a field
            loc = loc[1:]
        field = ".".join(loc) or "request"
        msg = str(e.get("msg", "invalid value"))
        if e.get("type") == "json_invalid":  # the location is a character offset, not a field
            field, msg = "body", f"not valid JSON (at character {'.'.join(loc) or 0})"
        elif e.get("type") == "extra_forbidden":
            msg = "unknown field (file paths and other fields are not accepted)"
        elif e.get("type") == "string_pattern_mismatch" and field == "mission":
            msg = "must be a catalog mission id such as v2-london (letters, digits, '-')"
        errors.append({"field": field, "message": msg})
    text = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return f"invalid request: {text}", errors


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        detail, errors = _validation_message(exc)
        return _error(422, detail, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        response = _error(exc.status_code, str(exc.detail))
        response.headers.update(exc.headers or {})
        return response

    @app.exception_handler(SpaceraceError)
    async def _flight(request: Request, exc: SpaceraceError) -> JSONResponse:
        return _error(422, f"the flight cannot be flown: {' '.join(str(exc).split())}")


# --- worker processes for what-if flights ----------------------------------------------------

_PROCESS_FLIGHTS: Flights | None = None
_PROCESS_COSTS: dict[str, float] = {}


def _process_init(settings: Settings) -> None:
    """Set up a worker process: its own nominal flights, each mission flown once as it starts
    (which loads the kernel, aims every mission, and measures what each costs)."""
    global _PROCESS_FLIGHTS, _PROCESS_COSTS
    worker_setup()
    _PROCESS_FLIGHTS = Flights(settings)
    _PROCESS_COSTS = _PROCESS_FLIGHTS.warm()


def _process_pool(n: int, settings: Settings) -> ProcessPoolExecutor:
    """``n`` spawned worker processes, each set up by ``_process_init``."""
    return ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_process_init, initargs=(settings,))


def _process_ready() -> dict[str, float]:
    """What each mission's what-if took in this worker (mission -> s); run once it is set up."""
    return _PROCESS_COSTS


def _process_fly_document(req: FlyRequest) -> tuple[bytes, dict[str, str]]:
    """``Flights.fly_document`` in a worker process."""
    assert _PROCESS_FLIGHTS is not None, "worker not initialised"
    return _PROCESS_FLIGHTS.fly_document(req)


# --- the app ---------------------------------------------------------------------------------

def _warmed(future: Any) -> None:
    """Log a failed warm-up flight (the page still serves; that flight reports its error)."""
    if not future.cancelled() and future.exception() is not None:
        log.error("warm-up flight failed", exc_info=future.exception())


def _lifespan(flights: Flights, settings: Settings) -> Any:
    """Start the lanes, fly the first mission once in the background (compiles the kernel: the
    page is served meanwhile, and flights wait for it), stop the lanes.

    The worker processes start in the background, each flying every mission once (which
    measures what each costs); in threads only, costs are learnt from the flights asked for.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        lanes = app.state.lanes = Lanes(
            settings.workers, settings.processes, settings.queue_limit, settings.flight_timeout,
            functools.partial(_process_pool, settings=settings), _process_ready)
        first = catalog.list_missions()[:1]
        if first:
            app.state.warming = lanes.threads["long"].executor.submit(flights.nominal, first[0])
            app.state.warming.add_done_callback(_warmed)
        lanes.start()
        try:
            yield
        finally:
            lanes.close()
            app.state.capabilities.close()

    return lifespan


def _missions() -> tuple[list[Mission], list[dict[str, str]]]:
    """The catalog's missions that load, and an entry for each one that does not."""
    ok, bad = [], []
    for name in catalog.list_missions():
        try:
            ok.append(catalog.load(name)[1])  # with its vehicle: phases may name stages
        except SpaceraceError as exc:
            log.warning("mission %s left out: %s", name, exc)
            bad.append({"id": name, "error": str(exc)})
    return ok, bad


def _catalog_routes(app: FastAPI, chapters: dict[str, dict[str, Any]], bib: dict[str, str],
                    settings: Settings) -> None:
    @app.get("/api/health")
    def health(request: Request) -> dict[str, Any]:
        """Version, whether CesiumJS is served, and whether the flight workers have started."""
        lanes = getattr(request.app.state, "lanes", None)
        return {"status": "ok", "version": __version__,
                "cesium": settings.cesium_dir is not None,
                "flights": "ready" if lanes is not None and lanes.ready() else "starting"}

    @app.get("/api/coastlines")
    def get_coastlines(
            west: Annotated[float, Query(ge=-180.0, le=180.0)],
            south: Annotated[float, Query(ge=-90.0, le=90.0)],
            east: Annotated[float, Query(ge=-180.0, le=180.0)],
            north: Annotated[float, Query(ge=-90.0, le=90.0)]) -> dict[str, Any]:
        """Coastlines and borders within a lon/lat box [deg] (west > east: across 180 deg)."""
        span = (east - west) % 360.0
        if north <= south or span > COAST_MAX_SPAN_DEG or north - south > COAST_MAX_SPAN_DEG:
            raise HTTPException(422, f"the box must be at most {COAST_MAX_SPAN_DEG:.0f} deg "
                                     "on a side, with north above south")
        try:
            found = basemap.lines(west, south, east, north)
        except FileNotFoundError as exc:
            raise HTTPException(404, str(exc)) from None
        return {"lines": found, "source": basemap.SOURCE}

    @app.get("/api/catalog")
    def get_catalog() -> dict[str, Any]:
        """The catalog's missions (date order) and vehicles; files that fail to load apart."""
        ms, bad = _missions()
        ms.sort(key=lambda m: m.epoch)
        vs = []
        for n in catalog.list_vehicles():
            try:
                vs.append(catalog.load_vehicle(n))
            except SpaceraceError as exc:
                bad.append({"id": n, "error": str(exc)})
        return {
            "unavailable": bad,
            "missions": [{"id": m.id, "name": m.name, "vehicle": m.vehicle,
                          "date": m.epoch.date().isoformat(),
                          "epoch": m.epoch.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
                          "site": m.site.name, "target": m.target.name if m.target else None,
                          "summary": m.summary, "has_chapter": m.id in chapters}
                         for m in ms],
            "vehicles": [{"id": v.id, "name": v.name, "stages": len(v.stages),
                          "liftoff_mass_kg": v.liftoff_mass} for v in vs],
        }

    @app.get("/api/chapters")
    def get_chapters() -> dict[str, Any]:
        """The chapters of the missions in the catalog, in date order."""
        listed = chapter_list(_missions()[0], chapters, bib)
        return {"chapters": listed, "axis": timeline_axis([c["year"] for c in listed])}


_MEDIA = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet",
          "czml": "application/json", "kml": "application/vnd.google-earth.kml+xml"}


async def _warm(request: Request) -> None:
    """Wait for the warm-up flight (the kernel's compilation) before a flight's time limit
    starts; its failure is logged and left to the flight to report."""
    warming = getattr(request.app.state, "warming", None)
    if warming is not None and not warming.done():
        await asyncio.wait([asyncio.wrap_future(warming)])


def _flight_routes(app: FastAPI, flights: Flights) -> None:
    @app.post("/api/fly", responses={200: {"description": "The flight: the `--json` document "
                                                          "plus trajectory, phases, czml, whatif"}})
    async def fly(req: FlyRequest, request: Request) -> Response:
        """Fly a catalog mission, with optional what-if changes."""
        flights.check_mission(req.mission)
        await _warm(request)
        hit = flights.cached(req)  # answered before: no need to queue for a flight lane
        if hit is not None:
            return Response(hit[0], media_type="application/json", headers=hit[1])
        lanes: Lanes = request.app.state.lanes
        if lanes.processes:
            (body, headers), lane = await lanes.run(req.mission, _process_fly_document, req,
                                                    processes=True)
            flights.remember(req, body)
        else:
            (body, headers), lane = await lanes.run(req.mission, flights.fly_document, req)
        return Response(body, media_type="application/json",
                        headers={**headers, "X-Spacerace-Lane": lane})

    @app.get("/api/export/{fmt}")
    async def export(fmt: Literal["csv", "parquet", "czml", "kml"],
                     req: Annotated[FlyRequest, Query()], request: Request) -> Response:
        """The trajectory (every sample) as CSV, Parquet, CZML or KML."""
        flights.check_mission(req.mission)
        await _warm(request)
        data, _ = await request.app.state.lanes.run(req.mission, flights.export, req, fmt)
        name = f"{req.mission}{'-whatif' if req.changes() else ''}.{fmt}"
        return Response(data, media_type=_MEDIA[fmt],
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})


DOCS_NOTE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>spacerace API</title></head><body>
<h1>spacerace API</h1>
<p>The interactive documentation is switched off: it would load Swagger UI from a CDN, which
this server does not reach (it works offline) and its Content-Security-Policy forbids.
The API is described by its OpenAPI schema: <a href="/openapi.json">/openapi.json</a>
(any OpenAPI viewer reads it).</p></body></html>
"""


def _static_routes(app: FastAPI, settings: Settings) -> None:
    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(DOCS_NOTE)

    if settings.cesium_dir is not None:
        app.mount("/cesium", CompressedStatic(directory=settings.cesium_dir), name="cesium")
    else:
        @app.get("/cesium/{path:path}", include_in_schema=False)
        def no_cesium(path: str) -> JSONResponse:
            return _error(404, "CesiumJS not found: run `npm ci` in the repository, or set "
                               f"{CESIUM_ENV} to a node_modules/cesium/Build/Cesium folder")

    app.mount("/", CompressedStatic(directory=STATIC, html=True), name="page")


def create_app(settings: Settings | None = None) -> FastAPI:
    """The spacerace web app (API, page and CesiumJS).

    Parameters
    ----------
    settings : Settings, optional
        Limits; CesiumJS is looked for with ``find_cesium`` when ``cesium_dir`` is None.

    Raises
    ------
    ValueError
        The chapters file names a source that no bibliography has.
    """
    settings = settings or Settings()
    if settings.cesium_dir is None:
        settings = dataclasses.replace(settings, cesium_dir=find_cesium())
    chapters, bib = read_chapters()
    flights = Flights(settings)
    app = FastAPI(title="spacerace", version=__version__, lifespan=_lifespan(flights, settings),
                  summary="Fly the rockets of the space race and set them beside the archives.",
                  docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.flights = flights
    app.state.warming = None
    _install_error_handlers(app)
    _catalog_routes(app, chapters, bib, settings)
    _flight_routes(app, flights)
    capability.install(app, capability.Capabilities())
    _static_routes(app, settings)
    app.add_middleware(Guard, max_body=settings.max_body, allowed_hosts=settings.allowed_hosts,
                       request_timeout=settings.request_timeout, headers=SECURITY_HEADERS)
    return app
