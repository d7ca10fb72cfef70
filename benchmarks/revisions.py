"""Another revision of the project beside this one: a temporary git worktree, and a snippet of
Python run against it (or against this checkout) in a fresh process.

The benchmarks that compare against an earlier commit (``--baseline REV``) check it out here,
so both sides are measured in the same run on the same machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# The commit before issue 13 (the kernel restructuring): what its speed-ups are measured against.
DEFAULT_BASELINE = "c343122"


@contextmanager
def worktree(rev: str) -> Iterator[Path]:
    """A temporary checkout of ``rev`` (removed afterwards)."""
    tmp = Path(tempfile.mkdtemp(prefix="bench-rev-"))
    path = tmp / "tree"
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "--quiet",
                    str(path), rev], check=True)
    try:
        yield path
    finally:
        subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(path)],
                       check=False)
        shutil.rmtree(tmp, ignore_errors=True)


def short_rev(rev: str) -> str:
    """``rev`` as an abbreviated commit hash."""
    return subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", rev],
                          capture_output=True, text=True, check=True).stdout.strip()


def run_snippet(tree: Path, code: str, extra_env: dict[str, str] | None = None,
                args: list[str] | None = None) -> str:
    """Run ``code`` with ``tree``'s sources first on the path, in a fresh process; its stdout.

    The snippet's standard error is passed through (a compile spinner, warnings).
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = str(tree / "src")
    env.update(extra_env or {})
    run = subprocess.run([sys.executable, "-c", code, *(args or [])], env=env, check=True,
                         stdout=subprocess.PIPE, text=True)
    return run.stdout
