"""Coastlines and borders for the globe: Natural Earth 1:10m from the npm package world-atlas.

CesiumJS's bundled imagery (Natural Earth II) stops at about 20 km per pixel, so at the scale
of a V-2 (a few hundred km) the North Sea, the coasts and the Thames cannot be told apart.
world-atlas (ISC licence; Natural Earth 4.1.0, public domain) ships the 1:10m countries as
TopoJSON (3.7 MB; points quantized to 0.0036 deg of longitude by 0.0017 deg of latitude, a few
hundred metres). Each TopoJSON arc is a piece of coastline or border, drawn once. The page
asks for the arcs within a flight's box (``lines``), as lon/lat polylines in degrees.

The file is found like CesiumJS: ``$SPACERACE_WORLD_ATLAS`` (the package's folder), else
``node_modules/world-atlas`` beside the package or above it, or in the working directory.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path

import numpy as np

__all__ = ["SOURCE", "find_world_atlas", "lines"]

ENV = "SPACERACE_WORLD_ATLAS"
FILE = "countries-10m.json"
SOURCE = ("Natural Earth 1:10m coastlines and borders (version 4.1.0), from the npm package "
          "world-atlas")
DECIMALS = 4  # degrees sent to the page (about 10 m)
HERE = Path(__file__).parent


def find_world_atlas(start: Path | None = None) -> Path | None:
    """The world-atlas ``countries-10m.json``, or None."""
    env = os.environ.get(ENV)
    if env:
        p = Path(env).expanduser() / FILE
        return p if p.is_file() else None
    here = (start or HERE).resolve()
    for folder in (here, *here.parents, Path.cwd()):
        p = folder / "node_modules" / "world-atlas" / FILE
        if p.is_file():
            return p
    return None


@functools.lru_cache(maxsize=1)
def _arcs(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """All arcs' points (lon, lat in degrees, one row each) and where each arc starts."""
    topo = json.loads(path.read_text(encoding="utf-8"))
    scale = np.array(topo["transform"]["scale"], dtype=float)
    shift = np.array(topo["transform"]["translate"], dtype=float)
    starts, parts, n = [], [], 0
    for arc in topo["arcs"]:
        q = np.cumsum(np.asarray(arc, dtype=float).reshape(-1, 2), axis=0)  # delta-coded
        parts.append(q * scale + shift)
        starts.append(n)
        n += len(q)
    return np.concatenate(parts), np.array([*starts, n])


def lines(west: float, south: float, east: float, north: float,
          path: Path | None = None) -> list[list[float]]:
    """The coastlines and borders within a lon/lat box [deg], as flat [lon, lat, ...] lists.

    An arc that leaves the box is cut into the runs of its points inside it (each run with one
    point either side, so that lines reach the box's edge). A box with ``west > east`` crosses
    the antimeridian.

    Raises
    ------
    FileNotFoundError
        world-atlas is not installed.
    """
    path = path or find_world_atlas()
    if path is None:
        raise FileNotFoundError("world-atlas is not installed: run `npm ci` in the repository")
    pts, starts = _arcs(path)
    lon, lat = pts[:, 0], pts[:, 1]
    in_lon = (lon >= west) & (lon <= east) if west <= east else (lon >= west) | (lon <= east)
    inside = in_lon & (lat >= south) & (lat <= north)
    out: list[list[float]] = []
    for a, b in zip(starts[:-1], starts[1:], strict=True):
        mask = inside[a:b]
        if not mask.any():
            continue
        # runs of inside points, widened by one point each way
        edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
        for i, j in zip(edges[::2], edges[1::2], strict=True):
            run = pts[a + max(i - 1, 0):a + min(j + 1, b - a)]
            if len(run) >= 2:
                out.append(np.round(run, DECIMALS).ravel().tolist())
    return out
