"""Files the package writes: outputs written whole or not at all, and checked cache entries.

Every output (tables, reports, plots, Monte Carlo batches and studies, caches) goes through
``atomic_path``: it is written to a temporary file in the folder of its final name, flushed to
disk and renamed into place, so a kill at any moment leaves the old file or the new one, never
a torn one. A write that fails (a full disk, a read-only folder, a folder where a file name was
expected) raises ``OutputError`` naming the file, and leaves nothing half-written behind.

Caches live in the user's cache folder (``platformdirs``; ``SPACERACE_CACHE_DIR`` overrides
it), so a read-only installation works. A cache entry carries the SHA-256 of its payload; a
damaged entry is reported in one line and rebuilt by its owner.
"""

from __future__ import annotations

import errno
import functools
import glob
import hashlib
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from spacerace._version import __version__
from spacerace.errors import OutputError

PACKAGE = Path(__file__).parent
_MAGIC = b"spacerace-cache-1\n"


class DamagedCacheError(Exception):
    """A cache entry whose bytes do not match the checksum stored with it."""


def notice(text: str) -> None:
    """One line for the user on standard error (a repaired cache, not an error)."""
    sys.stderr.write(f"spacerace: {text}\n")
    sys.stderr.flush()


# --- writing outputs whole ---------------------------------------------------------------------

def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "no space left on the disk"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return "the folder is not writable"
    return exc.strerror or str(exc)


def check_output(path: str | Path) -> Path:
    """Refuse, before any work, an output name that is a folder or lies under a file.

    Returns the path. Raises ``OutputError`` naming it.
    """
    path = Path(path)
    if path.is_dir():
        raise OutputError(str(path), "is a folder; expected a file name")
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise OutputError(str(path), f"{parent} is a file, not a folder")
            break
    return path


def make_folder(folder: str | Path) -> Path:
    """Create ``folder`` (and its parents); a file in the way is an ``OutputError``."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if isinstance(exc, FileExistsError | NotADirectoryError):
            raise OutputError(str(folder), "a file is in the way of this folder") from None
        raise OutputError(str(folder), f"cannot make the folder ({_reason(exc)})") from None
    return folder


@functools.cache
def _file_mode() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


LEFTOVER_AGE_S = 3600.0


def _remove_leftovers(path: Path) -> None:
    """Remove temporary files of ``path`` left by writers killed long ago (an hour or more)."""
    now = time.time()
    for old in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        try:
            if now - old.stat().st_mtime > LEFTOVER_AGE_S:
                old.unlink()
        except OSError:  # gone already, or not ours to remove
            pass


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path beside ``path``; on leaving without error it becomes ``path``.

    For writers that need a file name (pyarrow, matplotlib): write to the yielded path. The
    file is flushed to disk and renamed over ``path`` in one step; on any error the temporary
    file is removed and ``path`` is left as it was. ``OSError`` becomes ``OutputError``.
    """
    path = check_output(path)
    make_folder(path.parent)
    _remove_leftovers(path)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise OutputError(str(path), f"cannot write ({_reason(exc)})") from None
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, _file_mode())
        _fsync(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, IsADirectoryError):
            raise OutputError(str(path), "is a folder; expected a file name") from None
        raise OutputError(str(path), f"cannot write ({_reason(exc)})") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` whole or not at all; returns the path."""
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
    return Path(path)


def write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` whole or not at all; returns the path."""
    return write_bytes(path, text.encode("utf-8"))


# --- caches ------------------------------------------------------------------------------------

def cache_dir() -> Path:
    """The user's cache folder for spacerace (``SPACERACE_CACHE_DIR`` overrides it)."""
    override = os.environ.get("SPACERACE_CACHE_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("spacerace", appauthor=False))


@functools.cache
def package_digest() -> str:
    """SHA-256 over the name and bytes of every source file of the package, and its version.

    Any code change (a loader, a model, a constant) gives another digest, so caches keyed on
    it never serve results of other code.
    """
    digest = hashlib.sha256(f"{__version__} {sys.version_info[:2]}".encode())
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(str(path.relative_to(PACKAGE)).encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def write_checked(path: str | Path, payload: bytes) -> Path:
    """Write a cache entry: a header, the payload's SHA-256, the payload (atomically)."""
    return write_bytes(path, _MAGIC + hashlib.sha256(payload).digest() + payload)


def read_checked(path: str | Path) -> bytes | None:
    """The payload of a cache entry, ``None`` if there is none (or it cannot be read).

    Raises ``DamagedCacheError`` when the entry is not whole (wrong header or checksum).
    """
    try:
        data = Path(path).read_bytes()
    except OSError:  # none, or an unreadable cache folder: no cache
        return None
    head = len(_MAGIC)
    payload = data[head + 32:]
    if data[:head] != _MAGIC or hashlib.sha256(payload).digest() != data[head:head + 32]:
        raise DamagedCacheError("its checksum does not match its contents")
    return payload
