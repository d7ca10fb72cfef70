"""What the benchmark scripts share: timing, the machine they ran on, saving the results."""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def median_time(fn: Callable[[], Any], repeat: int) -> float:
    """Median wall time of ``repeat`` calls [s]."""
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return statistics.median(out)


def machine() -> dict[str, Any]:
    """The Python, core count and platform a run measured."""
    return {"python": platform.python_version(), "cpu_count": os.cpu_count(),
            "platform": platform.platform()}


def print_figures(figures: dict[str, dict[str, Any]]) -> None:
    """Print times [s] as ms with their references and ratios (adds ``ratio`` to each)."""
    print(f"{'figure':28s} {'value':>12s} {'reference':>12s} {'ratio':>10s}  reference")
    for name, f in figures.items():
        f["ratio"] = f["value"] / f["reference"]
        print(f"{name:28s} {f['value'] * 1e3:10.3f} ms {f['reference'] * 1e3:10.3f} ms "
              f"{f['ratio']:10.4g}  {f['reference_name']}")


def save(path: Path, benchmark: str, figures: dict[str, Any], **extra: Any) -> None:
    """Write ``{"benchmark", "machine", "figures", ...extra}`` as JSON and say where."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"benchmark": benchmark, "machine": machine(), **extra,
                                "figures": figures}, indent=2, default=float))
    print(f"saved {path}")
