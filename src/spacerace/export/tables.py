"""Trajectory tables: CSV (stdlib) and Parquet (pyarrow, optional), with units in the names."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np

from spacerace._files import atomic_path
from spacerace.results import Trajectory
from spacerace.units import unit_of_key


def export_columns(traj: Trajectory) -> dict[str, np.ndarray]:
    """The trajectory's columns in export units, named with their unit."""
    return traj.export_columns()


def meta_path(path: str | Path) -> Path:
    """The JSON file written beside a CSV table: ``t.csv`` -> ``t.meta.json``."""
    path = Path(path)
    return path.with_name(f"{path.stem}.meta.json")


def _provenance(traj: Trajectory) -> str:
    meta = {k: v for k, v in traj.metadata.items() if k != "event_details"}
    return json.dumps(meta, default=str, sort_keys=True)


def write_csv(traj: Trajectory, path: str | Path) -> Path:
    """Write the trajectory as plain CSV (a header row, one row per sample), and its
    provenance and units as JSON beside it (``meta_path``); returns the CSV's path.

    The CSV reads as it is in ``pandas.read_csv`` or a spreadsheet.
    """
    path = Path(path)
    cols = export_columns(traj)
    names = traj.phase_column()
    with atomic_path(path) as tmp, tmp.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["t_s", "phase", "phase_name", *list(cols)[2:]])
        for k, row in enumerate(zip(*cols.values())):
            writer.writerow([f"{row[0]:.10g}", f"{row[1]:.0f}", names[k],
                             *(f"{v:.10g}" for v in row[2:])])
    meta = {"spacerace": json.loads(_provenance(traj)), "table": path.name,
            "columns": {name: _unit(name) for name in ["t_s", "phase", "phase_name",
                                                        *list(cols)[2:]]},
            "phases": list(traj.phase_names)}
    with atomic_path(meta_path(path)) as tmp:
        tmp.write_text(json.dumps(meta, indent=2, default=str))
    return path


def _unit(name: str) -> str:
    """The unit a column's name carries (``alt_m`` -> ``m``; ``1`` for a pure number)."""
    return unit_of_key(name) or "1"


def write_parquet(traj: Trajectory, path: str | Path) -> Path:
    """Write the trajectory as Parquet (needs pyarrow: ``pip install spacerace[parquet]``)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    cols: dict[str, Any] = dict(export_columns(traj))
    cols = {"t_s": cols.pop("t_s"), "phase": cols.pop("phase"),
            "phase_name": traj.phase_column(), **cols}
    table = pa.table(cols)
    table = table.replace_schema_metadata({b"spacerace": _provenance(traj).encode()})
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)
    return path
