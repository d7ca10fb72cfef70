"""Compile the flight kernel in the background (``python -m spacerace.warmup``).

Started by the command line the first time it flies (``spacerace.firstflight``): flies the
V-2 on London compiled, which compiles every function a flight needs into numba's disk cache,
then marks the kernel ready, and builds the entry points a flight called into the prebuilt
module (``spacerace._prebuilt``) that later commands run without importing numba. Runs at
low priority and prints nothing.
"""

from __future__ import annotations

import os


def main() -> None:
    if hasattr(os, "nice"):
        os.nice(10)
    from spacerace._jit import prebuild, to_numba
    from spacerace.catalog import load
    from spacerace.firstflight import mark_compiled, release_warmup
    from spacerace.flight import fly

    try:
        to_numba()  # compiled by numba, so that its dispatchers hold the signatures to export
        fly(*load("v2-london"))
        mark_compiled()
        prebuild()
    finally:  # a failed compilation is not left looking under way: the next flight retries
        release_warmup()


if __name__ == "__main__":
    main()
