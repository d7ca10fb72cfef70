"""The web face of spacerace: ``spacerace serve`` (FastAPI + a static CesiumJS page).

Nothing in the package imports this module; it needs the ``web`` extra (fastapi, uvicorn).
``serve`` runs the server in the foreground; ``background_server`` runs one in a thread for
tests and benchmarks.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

__all__ = ["background_server", "serve"]

_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.setblocking(False)
    return sock


def _url(sock: socket.socket, host: str) -> str:
    port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def _protocol(request_timeout: float) -> type:
    """uvicorn's HTTP protocol, with a time limit on a request's headers and JSON 400s.

    uvicorn times out idle keep-alive connections only: a client that sends part of a
    request's headers and stops would hold its connection for ever. Here a connection is
    closed when a request's headers have not all arrived ``request_timeout`` after its first
    byte (the body's limit is the app's). uvicorn's own answer to a malformed request gets the
    app's JSON shape and safety headers.
    """
    from uvicorn.protocols.http.auto import AutoHTTPProtocol

    from spacerace.web.app import SECURITY_HEADERS

    class Protocol(AutoHTTPProtocol):  # type: ignore[misc, valid-type]
        _watch: tuple[asyncio.TimerHandle, Any] | None = None

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            self._arm()

        def data_received(self, data: bytes) -> None:
            idle = self.cycle is None or self.cycle.response_complete
            if idle and (self._watch is None or self._watch[1] is not self.cycle):
                self._arm()  # the first bytes of a new request
            super().data_received(data)

        def connection_lost(self, exc: Exception | None) -> None:
            if self._watch is not None:
                self._watch[0].cancel()
                self._watch = None
            super().connection_lost(exc)

        def _arm(self) -> None:
            if self._watch is not None:
                self._watch[0].cancel()
            self._watch = (self.loop.call_later(request_timeout, self._expire), self.cycle)

        def _expire(self) -> None:
            before = self._watch[1] if self._watch is not None else None
            self._watch = None
            if self.cycle is before and not self.transport.is_closing():
                self.transport.close()  # no new request began: its headers never ended

        def send_400_response(self, msg: str) -> None:
            body = json.dumps({"detail": f"invalid HTTP request ({msg})"}).encode()
            head = [b"HTTP/1.1 400 Bad Request", b"content-type: application/json",
                    b"content-length: %d" % len(body), b"connection: close",
                    *(name + b": " + value for name, value in SECURITY_HEADERS)]
            self.transport.write(b"\r\n".join(head) + b"\r\n\r\n" + body)
            self.transport.close()

    return Protocol


def _server(sock: socket.socket, host: str, log_level: str, **settings: Any) -> Any:
    import uvicorn

    from spacerace.web.app import LOOPBACK_HOSTS, Settings, create_app

    hosts = LOOPBACK_HOSTS if host in _LOOPBACK else (*LOOPBACK_HOSTS, host)
    config = Settings(allowed_hosts=hosts, **settings)
    app = create_app(config)
    return uvicorn.Server(uvicorn.Config(app, log_level=log_level, timeout_graceful_shutdown=2,
                                         http=_protocol(config.request_timeout)))


def serve(host: str = "127.0.0.1", port: int = 8000, log_level: str = "warning") -> None:
    """Serve the web page and API until interrupted, and print the address to open.

    Parameters
    ----------
    host : str
        Address to bind (default loopback only; another address exposes the server to
        the network, which it is not hardened for).
    port : int
        TCP port (0: any free port).
    """
    sock = _bind(host, port)
    if host not in _LOOPBACK:
        print(f"spacerace: warning: listening on {host}, reachable from other machines")
    cores = os.cpu_count() or 1
    server = _server(sock, host, log_level, processes=min(cores, 4) if cores > 1 else 0)
    print(f"spacerace: serving on {_url(sock, host)}  (open it in a browser; Ctrl-C stops)",
          flush=True)
    # uvicorn stops gracefully on SIGTERM (the app stops its worker processes), then raises
    # the signal again; exiting through Python then, rather than by the signal's default
    # action, lets multiprocessing clean up after the workers.
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    server.run(sockets=[sock])


def _exit_on_sigterm(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def background_server(host: str = "127.0.0.1", port: int = 0, log_level: str = "warning",
                      startup_timeout: float = 120.0, **settings: Any) -> Iterator[str]:
    """Run the server in a thread for the ``with`` block; yields its base URL.

    ``settings`` go to ``spacerace.web.app.Settings`` (e.g. ``flight_timeout``).
    """
    sock = _bind(host, port)
    server = _server(sock, host, log_level, **settings)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True,
                              name="spacerace-server")
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError("the spacerace server did not start")
        time.sleep(0.02)
    try:
        yield _url(sock, host)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
