"""The web face of spacerace: ``spacerace serve`` (FastAPI + a static CesiumJS page).

Nothing in the package imports this module; it needs the ``web`` extra (fastapi, uvicorn).
``serve`` runs the server in the foreground; ``background_server`` runs one in a thread for
tests and benchmarks.
"""

from __future__ import annotations

import contextlib
import os
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


def _server(sock: socket.socket, host: str, log_level: str, **settings: Any) -> Any:
    import uvicorn

    from spacerace.web.app import LOOPBACK_HOSTS, Settings, create_app

    hosts = LOOPBACK_HOSTS if host in _LOOPBACK else (*LOOPBACK_HOSTS, host)
    app = create_app(Settings(allowed_hosts=hosts, **settings))
    config = uvicorn.Config(app, log_level=log_level, timeout_graceful_shutdown=2)
    return uvicorn.Server(config)


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
    server.run(sockets=[sock])


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
