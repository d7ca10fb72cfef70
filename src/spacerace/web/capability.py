"""What each chapter's rocket could lift: computed once per mission, kept on disk, served.

The largest payload (``optimize.best_payload``) takes a minute or more of flights, far longer
than a request may. So a request for it starts the computation, if it is not done or under way,
and is answered 202 at once; the page asks again. The computations run one at a time in a
lane of their own (one worker process, at a lower scheduling priority than the flights), so
the flight lanes keep their workers and their share of the processor. Each answer is written
to the user's cache folder, keyed on the package's code (``_files.package_digest``): a server
restarted on the same code serves it at once; other code computes it anew.
"""

from __future__ import annotations

import asyncio
import json
import logging
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request, Response

from spacerace import catalog
from spacerace._files import (
    DamagedCacheError,
    cache_dir,
    package_digest,
    read_checked,
    write_checked,
)
from spacerace.errors import CatalogError, SpaceraceError, UnreachableError
from spacerace.web.lanes import stop_processes, worker_setup

log = logging.getLogger("spacerace.web")

NICENESS = 10  # how much lower the capability worker's scheduling priority is [-]
RETRY_AFTER = 5  # the page's wait before it asks again for an answer under way [s]


def capability_document(mission_id: str) -> bytes:
    """The largest payload of ``mission_id``'s vehicle where the mission goes, as JSON.

    ``status``: ``ready`` with ``payload_kg`` (the capability figures' sense: the satellite,
    for an orbit; the warhead, for a missile), the payload flown, the flights and seconds it
    took, and the catalog's capability figures scored beside it; or ``none`` with ``detail``
    when the mission has no such question (nowhere to carry a payload) or it has no answer
    (the search failed), said in one line.
    """
    from spacerace.optimize import best_payload, score

    vehicle, mission = catalog.load(mission_id)
    try:
        opt = best_payload(vehicle, mission)
    except (CatalogError, UnreachableError) as exc:
        doc: dict[str, Any] = {"mission": mission_id, "status": "none",
                               "detail": " ".join(str(exc).split())}
        return json.dumps(doc).encode()
    figures = [{"source": c.figure.source, "archival": c.figure.value,
                "range": None if c.figure.low is None else [c.figure.low, c.figure.high],
                "verdict": c.verdict, "role": c.figure.role, "note": c.figure.note}
               for c in score(opt, mission)]
    doc = {"mission": mission_id, "status": "ready", "payload_kg": opt.value,
           "flown_payload_kg": opt.flown, "payload_mass_kg": opt.payload_mass,
           "propellant_left_kg": opt.propellant_left_kg, "flights": opt.evaluations,
           "seconds": opt.seconds, "figures": figures}
    return json.dumps(doc).encode()


def _worker_init() -> None:
    """A capability worker: it ends with the server and yields the processor to flights."""
    worker_setup()
    try:
        os.nice(NICENESS)
    except OSError:  # not allowed here: it runs at the usual priority
        pass


def process_executor() -> Executor:
    """One spawned worker process for the capability computations."""
    return ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_worker_init)


class Capabilities:
    """The answers on disk and the computations under way, one at a time.

    Parameters
    ----------
    make : callable
        Builds the executor the computations run in (default: one niced worker process).
    compute : callable
        ``compute(mission_id) -> bytes``: the JSON answer (run in the executor; picklable).
    folder : Path, optional
        Where the answers are kept (default: the cache folder, under the code's digest).
    """

    def __init__(self, make: Callable[[], Executor] = process_executor,
                 compute: Callable[[str], bytes] = capability_document,
                 folder: Path | None = None) -> None:
        self.make = make
        self.compute = compute
        self.folder = folder or cache_dir() / "capability" / package_digest()[:16]
        self.executor: Executor | None = None
        self.running: dict[str, Future[bytes]] = {}
        self.failed: dict[str, str] = {}
        self.lock = threading.RLock()  # a future done at once calls back under the lock

    def path(self, mission_id: str) -> Path:
        """The answer's file [path]."""
        return self.folder / f"{mission_id}.json"

    def cached(self, mission_id: str) -> bytes | None:
        """The answer kept on disk, or None (a damaged one is removed)."""
        try:
            return read_checked(self.path(mission_id))
        except DamagedCacheError:
            self.path(mission_id).unlink(missing_ok=True)
            return None

    def answer(self, mission_id: str) -> tuple[int, bytes]:
        """HTTP status and JSON body: 200 with the answer; 202 while it is computed (started
        now if it was not); 500 when the computation itself broke (said once, then retried)."""
        body = self.cached(mission_id)
        if body is not None:
            return 200, body
        with self.lock:
            if mission_id in self.failed:
                detail = self.failed.pop(mission_id)
                return 500, json.dumps({"mission": mission_id, "status": "failed",
                                        "detail": detail}).encode()
            if mission_id not in self.running:
                self._start(mission_id)
        return 202, json.dumps({"mission": mission_id, "status": "computing"}).encode()

    def _start(self, mission_id: str) -> None:
        if self.executor is None:
            self.executor = self.make()
        future = self.executor.submit(self.compute, mission_id)
        self.running[mission_id] = future
        future.add_done_callback(lambda f: self._done(mission_id, f))

    def _done(self, mission_id: str, future: Future[bytes]) -> None:
        with self.lock:
            self.running.pop(mission_id, None)
            if future.cancelled():
                return
            exc = future.exception()
            if exc is None:
                try:
                    write_checked(self.path(mission_id), future.result())
                except OSError as err:  # no cache folder: said once, computed again if asked
                    self.failed[mission_id] = f"the answer could not be kept: {err}"
                return
            if isinstance(exc, SpaceraceError):
                detail = " ".join(str(exc).split())
            else:
                log.error("capability of %s failed", mission_id, exc_info=exc)
                detail = f"internal error ({type(exc).__name__}); see the server log"
            self.failed[mission_id] = detail
            if not isinstance(exc, SpaceraceError):  # a broken pool: a new one next time
                self._stop()

    def _stop(self) -> None:
        executor, self.executor = self.executor, None
        if executor is None:
            return
        if isinstance(executor, ProcessPoolExecutor):
            stop_processes(executor)
        else:
            executor.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Stop the computations under way (the answers kept stay)."""
        with self.lock:
            self._stop()
            self.running.clear()


def install(app: FastAPI, capabilities: Capabilities) -> None:
    """``GET /api/capability/{mission}``: the answer (200), or 202 while it is computed."""
    app.state.capabilities = capabilities

    @app.get("/api/capability/{mission}", responses={
        200: {"description": "The largest payload: `status` ready (with `payload_kg` and the "
                             "capability figures) or none (with `detail`)"},
        202: {"description": "Being computed: ask again after `Retry-After` seconds"},
        404: {"description": "No such mission"}})
    async def capability(mission: str, request: Request) -> Response:
        if mission not in catalog.list_missions():
            raise HTTPException(404, f"unknown mission {mission!r}")
        status, body = await asyncio.to_thread(request.app.state.capabilities.answer, mission)
        headers = {"Retry-After": str(RETRY_AFTER)} if status == 202 else None
        return Response(body, status_code=status, media_type="application/json",
                        headers=headers)
