"""Static files of the page and of CesiumJS, compressed for clients that accept gzip."""

from __future__ import annotations

import functools
import gzip
from pathlib import Path
from typing import Any

import anyio
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers

# Static files sent gzip-compressed to a client that accepts it (CesiumJS's bundle: 6.0 MB,
# 1.8 MB compressed), compressed once per file version and kept in memory.
GZIP_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml",
              "application/wasm", "application/xml")
GZIP_MIN_BYTES = 1024


@functools.lru_cache(maxsize=256)
def _gzipped(path: str, mtime_ns: int, size: int) -> bytes:
    """The file's bytes gzip-compressed (level 6); cached per path, mtime and size."""
    return gzip.compress(Path(path).read_bytes(), compresslevel=6, mtime=0)


class CompressedStatic(StaticFiles):
    """``StaticFiles`` that answers with a gzip body when the client accepts one."""

    async def get_response(self, path: str, scope: Any) -> Response:
        response = await super().get_response(path, scope)
        headers = Headers(scope=scope)
        media = response.headers.get("content-type", "")
        if (not isinstance(response, FileResponse) or response.status_code != 200
                or scope["method"] != "GET" or "range" in headers
                or "gzip" not in headers.get("accept-encoding", "")
                or not media.startswith(GZIP_TYPES)
                or response.stat_result is None
                or response.stat_result.st_size < GZIP_MIN_BYTES):
            return response
        st = response.stat_result
        body = await anyio.to_thread.run_sync(_gzipped, str(response.path), st.st_mtime_ns,
                                              st.st_size)
        keep = {k: v for k, v in response.headers.items()
                if k in ("content-type", "etag", "last-modified")}
        return Response(body, headers={**keep, "content-encoding": "gzip",
                                       "vary": "Accept-Encoding"})
