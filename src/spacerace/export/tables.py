"""Trajectory tables: CSV (stdlib) and Parquet (pyarrow, optional), with units in the names."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np

from spacerace._files import atomic_path
from spacerace.results import COLUMNS, Trajectory

# Exported column -> (trajectory column, factor from SI). Units in the names (house style).
_EXPORT: dict[str, tuple[str, float]] = {
    "t_s": ("t", 1.0),
    "phase": ("phase", 1.0),
    "lat_deg": ("lat", 180.0 / math.pi),
    "lon_deg": ("lon", 180.0 / math.pi),
    "alt_m": ("alt", 1.0),
    "downrange_m": ("downrange", 1.0),
    "v_mps": ("speed_relative", 1.0),
    "v_inertial_mps": ("speed_inertial", 1.0),
    "mach": ("mach", 1.0),
    "q_pa": ("dynamic_pressure", 1.0),
    "thrust_n": ("thrust", 1.0),
    "drag_n": ("drag", 1.0),
    "accel_mps2": ("acceleration", 1.0),
    "mass_kg": ("mass", 1.0),
    "flight_path_angle_deg": ("flight_path_angle", 180.0 / math.pi),
    "heading_deg": ("heading", 180.0 / math.pi),
    "x_eci_m": ("x_eci", 1.0), "y_eci_m": ("y_eci", 1.0), "z_eci_m": ("z_eci", 1.0),
    "vx_eci_mps": ("vx_eci", 1.0), "vy_eci_mps": ("vy_eci", 1.0), "vz_eci_mps": ("vz_eci", 1.0),
    "x_ecef_m": ("x_ecef", 1.0), "y_ecef_m": ("y_ecef", 1.0), "z_ecef_m": ("z_ecef", 1.0),
}
assert all(src in COLUMNS for src, _ in _EXPORT.values())


def export_columns(traj: Trajectory) -> dict[str, np.ndarray]:
    """The trajectory's columns in export units, named with their unit."""
    return {name: traj[src] * f for name, (src, f) in _EXPORT.items()}


def _provenance(traj: Trajectory) -> str:
    meta = {k: v for k, v in traj.metadata.items() if k != "event_details"}
    return json.dumps(meta, default=str, sort_keys=True)


def write_csv(traj: Trajectory, path: str | Path) -> Path:
    """Write the trajectory as CSV with a ``#`` provenance line first; returns the path."""
    path = Path(path)
    cols = export_columns(traj)
    with atomic_path(path) as tmp, tmp.open("w", newline="") as fh:
        fh.write(f"# spacerace trajectory {_provenance(traj)}\n")
        writer = csv.writer(fh)
        writer.writerow(cols)
        for row in zip(*cols.values()):
            writer.writerow([f"{v:.10g}" for v in row])
    return path


def write_parquet(traj: Trajectory, path: str | Path) -> Path:
    """Write the trajectory as Parquet (needs pyarrow: ``pip install spacerace[parquet]``)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    table = pa.table(export_columns(traj))
    table = table.replace_schema_metadata({b"spacerace": _provenance(traj).encode()})
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)
    return path
