"""Where the web server's flights run: lanes by cost, each with a bounded queue.

A *lane* is an executor (threads, or worker processes for what-ifs) with one slot per worker
and a queue of at most ``queue_limit`` requests waiting for a slot. A flight is handed to the
executor only when a slot is free, and its slot is given back only when it has really ended
(a flight past its time limit runs on in its worker), so a flight starts as soon as it is
submitted and its time limit counts its own running time, never the time it waited. A full
queue is answered 503 with ``Retry-After``.

Flights expected to take long (a lunar what-if: half a second) and short ones (a ballistic
what-if: a millisecond) have lanes of their own, so one client's queue of lunar what-ifs does
not hold up another's V-2. What a mission's flight costs is measured, not listed: once per
mission when the workers start, then from every flight; a mission not yet measured goes to the
lane for long flights.

Errors cross the process boundary as data: a flight's function runs inside ``as_data``, which
returns a ``Failure`` (status and one-line message) instead of raising, so no exception has to
be rebuilt from a pickle in the server (one that cannot be would break the pool). A pool broken
anyway (a worker killed) is replaced by a new one, and the request that met it gets a 500.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import math
import os
import signal
import statistics
import threading
import time
from collections.abc import Callable
from concurrent.futures import BrokenExecutor, Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException

from spacerace.errors import SpaceraceError

log = logging.getLogger("spacerace.web")

LONG_FLIGHT = 0.1  # a flight expected to take longer than this goes to the long lane [s]
RETRY_AFTER_MAX = 60  # longest Retry-After the server names [s]


@dataclass(frozen=True)
class Failure:
    """Why a flight has no answer, as plain data (it crosses process boundaries).

    Attributes
    ----------
    status : int
        HTTP status: 422 for what the request can change, 5xx for the server's side.
    detail : str
        One line for the user.
    retry_after : int or None
        Seconds after which the same request may succeed (503 only) [s].
    """

    status: int
    detail: str
    retry_after: int | None = None


def failure_of(exc: BaseException) -> Failure:
    """The ``Failure`` an exception raised by a flight stands for (a bug is logged here)."""
    if isinstance(exc, SpaceraceError | ValueError):
        text = " ".join(str(exc).split()) or type(exc).__name__
        return Failure(422, f"the flight cannot be flown: {text}")
    if isinstance(exc, ImportError):
        return Failure(501, f"this server lacks an optional package: {exc.name}")
    log.error("flight failed", exc_info=exc)
    return Failure(500, f"internal error while flying ({type(exc).__name__}); see the server log")


def as_data(fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)``, or the ``Failure`` of the exception it raised."""
    try:
        return fn(*args)
    except Exception as exc:  # every error becomes data; nothing is raised across the pool
        return failure_of(exc)


def timed(fn: Callable[..., Any], *args: Any) -> tuple[Any, float]:
    """``as_data(fn, *args)`` and its running time in the worker [s]."""
    t0 = time.perf_counter()
    out = as_data(fn, *args)
    return out, time.perf_counter() - t0


# --- worker processes ------------------------------------------------------------------------

def _exit_with_parent(parent: int, period: float) -> None:
    while os.getppid() == parent:
        time.sleep(period)
    os._exit(0)  # the server is gone (killed, or stopped without stopping us): stop too


def worker_setup(period: float = 0.5) -> None:
    """Set up a worker process: it ignores Ctrl-C (the server decides) and ends with the server.

    A terminal sends Ctrl-C to the whole process group; the server then stops its workers
    itself. A thread watches the parent's process id and ends the worker when the server is
    gone, however it went.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(), period), daemon=True,
                     name="spacerace-parent-watch").start()


def stop_processes(executor: Executor, timeout: float = 2.0) -> None:
    """Shut a process pool down now: queued flights cancelled, running ones terminated."""
    # concurrent.futures keeps its worker processes in a private attribute; without it, the
    # shutdown below still ends idle workers, and the workers' parent watch ends the rest
    procs = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        with contextlib.suppress(Exception):
            p.terminate()
    deadline = time.monotonic() + timeout
    for p in procs:
        with contextlib.suppress(Exception):
            p.join(max(0.0, deadline - time.monotonic()))
            if p.is_alive():
                p.kill()
                p.join(1.0)


# --- lanes -----------------------------------------------------------------------------------

def _consume(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()  # read, so that an error no request waits for is not reported


class Lane:
    """An executor with ``slots`` flights at a time and at most ``queue_limit`` waiting.

    Parameters
    ----------
    name : str
        ``short`` or ``long`` (shown in the ``Server-Timing`` header).
    make : callable
        Builds the executor (again, when a process pool breaks).
    slots : int
        Flights at a time: the executor's workers [-].
    queue_limit : int
        Requests that may wait for a slot; one more is answered 503 [-].
    processes : bool
        The executor is a process pool (stopped by terminating its workers).
    ready : callable, optional
        Run once in every worker when the executor is made (``start``), before any flight
        is handed to it: the worker processes start meanwhile, so that their start-up is not
        counted in any flight's time.
    on_ready : callable, optional
        Given what each ``ready`` returned (not a ``Failure``).
    """

    def __init__(self, name: str, make: Callable[[], Executor], slots: int, queue_limit: int,
                 processes: bool = False, ready: Callable[[], Any] | None = None,
                 on_ready: Callable[[Any], None] | None = None) -> None:
        self.name = name
        self.make = make
        self.slots = slots
        self.queue_limit = queue_limit
        self.processes = processes
        self.ready = ready
        self.on_ready = on_ready
        self.executor = make()
        self.free = asyncio.Semaphore(slots)
        self.waiting = 0
        self.typical = LONG_FLIGHT  # a flight's running time, mean of the recent ones [s]
        self.replaced = 0
        self.warming: asyncio.Task[None] | None = None
        self.ready_now = asyncio.Event()  # the executor's workers are up
        self.ready_now.set()

    def retry_after(self) -> int:
        """Seconds until the queue has moved on by its length [s]."""
        wait = (self.waiting + self.slots) * self.typical / self.slots
        return int(min(RETRY_AFTER_MAX, max(1, math.ceil(wait))))

    def _replace(self, broken: Executor) -> None:
        if self.executor is broken:
            log.warning("lane %s: the worker pool broke; starting a new one", self.name)
            self.executor = self.make()
            self.replaced += 1
            with contextlib.suppress(Exception):
                if self.processes:
                    stop_processes(broken, timeout=0.5)
                else:
                    broken.shutdown(wait=False, cancel_futures=True)
            self.start()

    async def _submit(self, fn: Callable[..., Any], *args: Any) -> tuple[Future[Any], Executor]:
        """Hand ``fn(*args)`` to the executor once its workers are up (a broken one replaced)."""
        for _ in range(3):
            await self.ready_now.wait()
            executor = self.executor
            try:
                return executor.submit(fn, *args), executor
            except BrokenExecutor:  # broken since its last flight: a new pool, and try there
                self._replace(executor)
        raise BrokenExecutor(f"lane {self.name}: no worker pool could be started")

    async def run(self, fn: Callable[..., Any], *args: Any, timeout: float,
                  retry: bool = True) -> tuple[Any, float]:
        """``fn(*args)`` in a slot of this lane within ``timeout`` of running time.

        A flight whose worker was found dead is flown once more on the new pool (the worker
        may have died before the flight reached it); a second loss is the flight's own.

        Returns
        -------
        value : Any
            What ``fn`` returned, or a ``Failure`` (its error, the time limit, a full queue,
            a broken pool).
        seconds : float
            The flight's running time [s].
        """
        if self.free.locked() and self.waiting >= self.queue_limit:
            return Failure(503, "the server is busy with other flights; try again shortly",
                           self.retry_after()), 0.0
        self.waiting += 1
        try:
            await self.free.acquire()
        finally:
            self.waiting -= 1
        loop = asyncio.get_running_loop()
        try:
            cfut, executor = await self._submit(timed, fn, *args)
        except BaseException as exc:
            self.free.release()
            if isinstance(exc, BrokenExecutor):
                return failure_of(exc), 0.0
            raise
        start = time.perf_counter()

        def ended(_: Future[Any]) -> None:  # in the pool's thread: hand back to the loop
            with contextlib.suppress(RuntimeError):  # the loop is closed: the server stopped
                loop.call_soon_threadsafe(self.free.release)

        cfut.add_done_callback(ended)
        future = asyncio.wrap_future(cfut)
        future.add_done_callback(_consume)
        done, _ = await asyncio.wait({future}, timeout=timeout)
        elapsed = time.perf_counter() - start
        if not done or elapsed > timeout:
            return Failure(422, f"the flight did not finish within {timeout:g} s of flying; "
                                "try values closer to the mission's own"), elapsed
        try:
            value, seconds = future.result()
        except BrokenExecutor:
            self._replace(executor)
            if retry:
                return await self.run(fn, *args, timeout=timeout, retry=False)
            return Failure(500, "a flight worker stopped during this flight; a new one is "
                                "starting, so other flights go on"), elapsed
        except Exception as exc:  # the pool itself failed (not the flight, which runs in as_data)
            return failure_of(exc), elapsed
        self.typical = 0.8 * self.typical + 0.2 * seconds
        return value, seconds

    def start(self) -> None:
        """Run ``ready`` in every worker now, in the background; flights wait until it is done."""
        if self.ready is not None:
            self.ready_now.clear()
            self.warming = asyncio.get_running_loop().create_task(self._warm(self.ready))

    async def _warm(self, fn: Callable[[], Any]) -> None:
        executor = self.executor
        try:  # every worker is busy starting, so each takes one of these
            futures = [asyncio.wrap_future(executor.submit(as_data, fn))
                       for _ in range(self.slots)]
            for out in await asyncio.gather(*futures, return_exceptions=True):
                if isinstance(out, BaseException | Failure):
                    log.warning("lane %s: a worker did not start: %s", self.name, out)
                elif self.on_ready is not None:
                    self.on_ready(out)
        except BrokenExecutor as exc:
            log.warning("lane %s: the workers did not start: %s", self.name, exc)
        finally:
            if self.executor is executor:
                self.ready_now.set()

    def close(self) -> None:
        """Stop the lane's executor; a process pool's workers are terminated."""
        if self.warming is not None:
            self.warming.cancel()
        if self.processes:
            stop_processes(self.executor)
        else:
            self.executor.shutdown(wait=False, cancel_futures=True)


class Costs:
    """What a mission's flight is expected to take: the median of its last few [s].

    A median, so that one slow flight (a cold worker, a busy machine) does not move a mission
    to the other lane, while a run of them does.
    """

    def __init__(self, keep: int = 5) -> None:
        self.keep = keep
        self.recent: dict[str, list[float]] = {}

    def add(self, mission: str, seconds: float) -> None:
        """Count one measured flight of ``mission`` [s]."""
        self.recent[mission] = [*self.recent.get(mission, []), seconds][-self.keep:]

    def expected(self, mission: str) -> float:
        """The running time expected of a flight of ``mission`` (inf: not measured) [s]."""
        recent = self.recent.get(mission)
        return statistics.median(recent) if recent else math.inf

    def long(self, mission: str) -> bool:
        """Whether ``mission`` goes to the long lane (a mission not measured yet does)."""
        return self.expected(mission) > LONG_FLIGHT


def _answer(out: Any) -> Any:
    """A lane's result, or the HTTP error its ``Failure`` stands for."""
    if isinstance(out, Failure):
        headers = None if out.retry_after is None else {"Retry-After": str(out.retry_after)}
        raise HTTPException(out.status, out.detail, headers=headers)
    return out


class Lanes:
    """The lanes flights run in: threads, and worker processes for what-ifs when configured.

    A mission measured to fly longer than ``lanes.LONG_FLIGHT`` (or not measured yet) goes to
    the long lane, others to the short one. Worker processes fly every mission as they start,
    which measures them.

    Parameters
    ----------
    workers : int
        Threads, shared by the short and the long lane [-].
    processes : int
        Worker processes of the long lane; the short lane gets one more (0: threads only) [-].
    queue_limit : int
        Flights that may wait in each lane [-].
    flight_timeout : float
        Longest running time of a flight [s].
    process_pool : callable
        ``process_pool(n)`` makes a pool of ``n`` worker processes.
    ready : callable
        Run in each worker as it starts; returns what each mission's flight took there [s].
    """

    def __init__(self, workers: int, processes: int, queue_limit: int, flight_timeout: float,
                 process_pool: Callable[[int], Executor], ready: Callable[[], dict[str, float]]
                 ) -> None:
        self.flight_timeout = flight_timeout
        self.costs = Costs()
        short = max(1, workers // 2)
        long = max(1, workers - short)
        self.threads = {
            "short": Lane("short", lambda: ThreadPoolExecutor(short, "spacerace-short"), short,
                          queue_limit),
            "long": Lane("long", lambda: ThreadPoolExecutor(long, "spacerace-long"), long,
                         queue_limit)}
        self.processes: dict[str, Lane] = {}
        if processes > 0:
            for name, n in (("short", 1), ("long", processes)):
                self.processes[name] = Lane(
                    name, functools.partial(process_pool, n), n, queue_limit, processes=True,
                    ready=ready, on_ready=self._measured)

    def _measured(self, costs: dict[str, float]) -> None:
        for mission, seconds in costs.items():
            self.costs.add(mission, seconds)

    def start(self) -> None:
        """Start the worker processes (in the background)."""
        for lane in self.processes.values():
            lane.start()

    def ready(self) -> bool:
        """Whether every lane's workers have started."""
        return all(lane.ready_now.is_set() for lane in self.processes.values())

    def close(self) -> None:
        """Stop every lane; worker processes are terminated."""
        for lane in (*self.threads.values(), *self.processes.values()):
            lane.close()

    async def run(self, mission: str, fn: Callable[..., Any], *args: Any,
                  processes: bool = False) -> tuple[Any, str]:
        """``fn(*args)`` in the lane for ``mission``'s cost; its value and the lane's name.

        Raises
        ------
        HTTPException
            The flight failed (4xx, 5xx), ran past the time limit (422), or the lane's queue is
            full (503 with ``Retry-After``).
        """
        lanes = self.processes if processes and self.processes else self.threads
        lane = lanes["long" if self.costs.long(mission) else "short"]
        out, seconds = await lane.run(fn, *args, timeout=self.flight_timeout)
        if not isinstance(out, Failure):
            self.costs.add(mission, seconds)
        return _answer(out), lane.name
