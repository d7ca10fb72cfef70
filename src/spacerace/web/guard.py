"""The web app's outer layer (ASGI middleware): what every request passes first.

The Host header must name this server (DNS rebinding); the body is capped in size (also a
chunked one) and must arrive within a time limit; every answer, the Guard's own errors too,
carries the app's safety headers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi.responses import JSONResponse


def json_error(status: int, detail: str, headers: dict[str, str] | None = None,
               **extra: Any) -> JSONResponse:
    """An error answer: JSON with a one-line ``detail`` (and ``extra`` keys)."""
    return JSONResponse({"detail": detail, **extra}, status_code=status, headers=headers)


class Guard:
    """ASGI middleware: Host check, body-size cap (also for chunked bodies) and read time limit,
    safety headers on every answer (its own errors too)."""

    def __init__(self, app: Any, max_body: int, allowed_hosts: tuple[str, ...],
                 request_timeout: float = 10.0,
                 headers: tuple[tuple[bytes, bytes], ...] = ()) -> None:
        self.app = app
        self.headers = headers
        self.max_body = max_body
        self.allowed = {h.lower() for h in allowed_hosts}
        self.request_timeout = request_timeout

    @staticmethod
    def _host(scope: dict[str, Any]) -> str:
        raw = dict(scope.get("headers", [])).get(b"host", b"").decode("latin-1").lower()
        if raw.startswith("["):  # [::1]:8000
            return raw[1:raw.find("]")] if "]" in raw else raw
        return raw.rsplit(":", 1)[0] if raw.count(":") == 1 else raw

    async def _body(self, receive: Callable[[], Awaitable[Any]]) -> bytes | JSONResponse | None:
        """The whole body; an error answer (too large, too slow); None: the client left."""
        body, more = b"", True
        deadline = asyncio.get_running_loop().time() + self.request_timeout
        while more:  # read the body here, so that a chunked body is capped too
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                return json_error(408, f"the request body did not arrive within "
                                   f"{self.request_timeout:g} s", headers={"Connection": "close"})
            if message["type"] == "http.disconnect":
                return None
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_body:
                return json_error(413, f"request body too large: the limit is "
                                       f"{self.max_body} bytes")
        return body

    async def __call__(self, scope: dict[str, Any], receive: Callable[[], Awaitable[Any]],
                       send: Callable[[Any], Awaitable[None]]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message = {**message,
                           "headers": [*message.get("headers", []), *self.headers]}
            await send(message)

        if self._host(scope) not in self.allowed:
            await json_error(400, "this server answers only to its own address (Host header "
                              "not allowed)")(scope, receive, send_with_headers)
            return
        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                await json_error(400, "invalid Content-Length header")(scope, receive,
                                                                   send_with_headers)
                return
            if declared > self.max_body:
                await json_error(413, f"request body too large: the limit is {self.max_body} "
                                  "bytes")(scope, receive, send_with_headers)
                return
        body = await self._body(receive)
        if body is None:
            return
        if isinstance(body, JSONResponse):
            await body(scope, receive, send_with_headers)
            return
        replay = [{"type": "http.request", "body": body, "more_body": False}]

        async def replayed() -> Any:
            return replay.pop() if replay else await receive()

        await self.app(scope, replayed, send_with_headers)
