"""CZML for Cesium: the flight as plain dicts, written with the stdlib ``json``.

The document is a list of packets:

- ``document``: name, clock (liftoff to the last sample) and, under ``properties``, the
  provenance (spacerace version, mission, vehicle, sources), which Cesium ignores and a reader
  can audit;
- ``vehicle``: a moving point along the sampled trajectory (``cartographicDegrees`` with the
  mission's epoch), with a short trail;
- ``phase-<i>``: the path of each phase of the flight plan as a polyline, coloured by phase
  (warm colours while an engine burns, cool ones in a coast);
- ``ground-track``: the path's foot on the ellipsoid, dashed;
- ``event-<i>``: each event (cut-off, apogee, impact, ...) as a point where it happened, the
  main ones labelled;
- ``site`` and ``target``: the launch point and the aim point, when the mission has one.

Positions come from the trajectory's geodetic latitude, longitude and altitude (WGS-84, which
is also Cesium's ellipsoid), converted to degrees here: the exporters are one of the four
places where units change (house style §1).

A flight that goes beyond ``DEEP_SPACE_M`` from the Earth's centre (to the Moon) is drawn in
inertial axes instead (``referenceFrame: INERTIAL``, ICRF, metres), where its path is the
conic it flies rather than a spiral wound by the Earth's turning: the vehicle, each phase's
path (``path`` graphics over the whole flight) and the events, with the Moon (DE421) as a
sphere on its track. There is then no ground track, and the document packet's
``properties.frame`` is ``INERTIAL``.

References
----------
CZML Structure and Packet reference, CesiumGS/cesium wiki (``czml-writer``).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from spacerace._files import write_text
from spacerace.constants import MOON_RADIUS, OMEGA_EARTH
from spacerace.ephem import icrf_from_eci, moon_sun_eci
from spacerace.event_kinds import IMPACT, LIFTOFF
from spacerace.frames import eci_from_ecef
from spacerace.models.earth import earth_rotation_angle, ecef_from_geodetic, julian_date_utc
from spacerace.results import EventRecord, Trajectory

# Events labelled on the globe are the major ones (``EventRecord.major``); the others are
# drawn as small points with a description. (Liftoff is not labelled: the launch site's label
# stands there.)

# Phase colours (RGB): burning phases in warm colours, coasts in cool ones, each list in an
# order where neighbours differ in hue or lightness (Apollo 11 has nine burns, four coasts).
_POWERED = ((255, 176, 0), (255, 70, 70), (255, 232, 120), (255, 120, 190), (255, 112, 40),
            (200, 230, 60), (210, 80, 220), (255, 170, 140), (190, 120, 50))
_COAST = ((90, 200, 250), (170, 140, 255), (60, 220, 170), (215, 222, 232), (70, 110, 255),
          (150, 240, 130))

# Points and labels closer to the camera than this are drawn over the globe (never hidden by
# the ground they stand on); farther ones, seen from space, are hidden when behind the Earth.
_NO_DEPTH_TEST_M = 1.2e6

DEEP_SPACE_M = 1.0e8  # flights reaching this far from the Earth's centre: inertial axes [m]
MOON_SAMPLE_S = 3600.0  # sampling of the Moon's track [s]
DEEP_LABEL_M = 1.0e7  # in inertial drawings, events labelled only beyond this radius [m]
_MOON_COLOR = (200, 200, 200)

_EVENT_COLOR = (255, 255, 255)
_IMPACT_COLOR = (255, 64, 64)


def phase_styles(traj: Trajectory) -> list[dict[str, Any]]:
    """One entry per phase that has samples: index, name, burning or not, colour, times.

    A phase counts as burning when the thrust is positive at any of its samples, so the
    colours follow what the vehicle did rather than the plan.

    Returns
    -------
    list of dict
        ``index``, ``name``, ``powered`` (bool), ``rgb`` (3 ints), ``color`` (``#rrggbb``),
        ``t_start`` and ``t_end`` [s].
    """
    phase = traj["phase"].astype(np.int64)
    thrust = traj["thrust"]
    t = traj.t
    out = []
    n_powered = n_coast = 0
    for k in sorted(set(phase.tolist())):
        rows = np.flatnonzero(phase == k)
        powered = bool(np.any(thrust[rows] > 0.0))
        if powered:
            rgb = _POWERED[n_powered % len(_POWERED)]
            n_powered += 1
        else:
            rgb = _COAST[n_coast % len(_COAST)]
            n_coast += 1
        name = traj.phase_names[k] if 0 <= k < len(traj.phase_names) else f"phase {k}"
        out.append({"index": k, "name": name, "powered": powered, "rgb": rgb,
                    "color": "#{:02x}{:02x}{:02x}".format(*rgb),
                    "t_start": float(t[rows[0]]), "t_end": float(t[rows[-1]])})
    return out


def sample_indices(traj: Trajectory, max_points: int | None = None) -> np.ndarray:
    """Indices of at most about ``max_points`` samples, evenly spread in index.

    The first and last samples and both sides of every phase change are always kept, so the
    phases still meet and a thinned path keeps its cut-off corner.
    """
    n = len(traj.t)
    if max_points is None or n <= max_points:
        return np.arange(n)
    phase = traj["phase"]
    change = np.flatnonzero(np.diff(phase) != 0)
    keep = np.concatenate([change, change + 1])
    even = np.linspace(0, n - 1, max(2, max_points - keep.size)).round().astype(np.int64)
    return np.unique(np.concatenate([even, keep, [0, n - 1]]))


def utc_epoch(when: dt.datetime) -> dt.datetime:
    """The epoch as an aware UTC datetime (a naive one is taken to be UTC)."""
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)


def iso(epoch: dt.datetime, t: float = 0.0) -> str:
    """ISO 8601 UTC time of ``t`` seconds after ``epoch``, to the millisecond."""
    when = utc_epoch(epoch) + dt.timedelta(milliseconds=round(t * 1000.0))
    return when.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def provenance(result: Any) -> dict[str, Any]:
    """Version, mission, vehicle, epoch and sources of a flight result, as plain data."""
    meta = result.trajectory.metadata
    mission, vehicle = result.mission, result.vehicle
    return {
        "generator": "spacerace",
        "spacerace_version": str(meta.get("spacerace_version", "")),
        "mission": mission.id,
        "mission_name": mission.name,
        "vehicle": vehicle.id,
        "vehicle_name": vehicle.name,
        "epoch": iso(mission.epoch),
        "sources": dict(sorted({**vehicle.sources, **mission.sources}.items())),
    }


def _rgba(rgb: tuple[int, int, int], alpha: int = 255) -> dict[str, list[int]]:
    return {"rgba": [int(rgb[0]), int(rgb[1]), int(rgb[2]), alpha]}


def _r(x: float, nd: int) -> float:
    return round(float(x), nd)


def _interleave(*columns: tuple[np.ndarray, int]) -> list[float]:
    """Columns rounded to their decimals and interleaved row by row (vectorised)."""
    table = np.column_stack([np.round(np.asarray(c, dtype=np.float64), nd) for c, nd in columns])
    return table.ravel().tolist()


def _cartographic(lon: np.ndarray, lat: np.ndarray, alt: np.ndarray) -> list[float]:
    return _interleave((lon, 6), (lat, 6), (alt, 1))


def _event_label(e: EventRecord) -> str:
    if e.kind == IMPACT:  # on the ground: no altitude to give
        return f"{e.name}  T+{e.t:.0f} s"
    return f"{e.name}  T+{e.t:.0f} s  {e.altitude / 1e3:.0f} km"


def _event_packets(traj: Trajectory, epoch: dt.datetime, icrf: np.ndarray | None = None
                   ) -> list[dict[str, Any]]:
    """A point per event (labelled if major): where it happened on the Earth, or, given
    ``icrf`` (one row per event [m]), where it happened in inertial space."""
    packets = []
    for i, e in enumerate(traj.events):
        major = e.major and e.kind != LIFTOFF
        if icrf is not None:  # seen from the Moon's distance, labels near the Earth pile up
            major = major and float(np.linalg.norm(icrf[i])) > DEEP_LABEL_M
        color = _IMPACT_COLOR if e.kind == IMPACT else _EVENT_COLOR
        desc = (f"<p>{e.name} at T+{e.t:.1f} s ({iso(epoch, e.t)})</p>"
                f"<p>altitude {e.altitude / 1e3:.2f} km, speed {e.speed:.1f} m/s</p>")
        position: dict[str, Any] = {"cartographicDegrees": [_r(math.degrees(e.lon), 6),
                                                            _r(math.degrees(e.lat), 6),
                                                            _r(max(e.altitude, 0.0), 1)]}
        if icrf is not None:
            position = {"referenceFrame": "INERTIAL",
                        "cartesian": [_r(c, 1) for c in icrf[i]]}
        packet: dict[str, Any] = {
            "id": f"event-{i}",
            "name": e.name,
            "description": desc,
            "position": position,
            "point": {"pixelSize": 10 if major else 6, "color": _rgba(color),
                      "outlineColor": _rgba((0, 0, 0)), "outlineWidth": 2,
                      "disableDepthTestDistance": _NO_DEPTH_TEST_M},
            "properties": {"t_s": _r(e.t, 3), "altitude_m": _r(e.altitude, 1),
                           "speed_m_s": _r(e.speed, 2), "major": major},
        }
        if major:
            packet["label"] = {
                "text": _event_label(e),
                "font": "14px sans-serif",
                "fillColor": _rgba((255, 255, 255)),
                "outlineColor": _rgba((0, 0, 0)), "outlineWidth": 3,
                "style": "FILL_AND_OUTLINE",
                "horizontalOrigin": "LEFT", "verticalOrigin": "BOTTOM",
                "pixelOffset": {"cartesian2": [8, -8]},
                "disableDepthTestDistance": _NO_DEPTH_TEST_M,
            }
        packets.append(packet)
    return packets


def _place_packet(pid: str, name: str, lat: float, lon: float, rgb: tuple[int, int, int]
                  ) -> dict[str, Any]:
    return {
        "id": pid,
        "name": name,
        "position": {"cartographicDegrees": [_r(math.degrees(lon), 6),
                                             _r(math.degrees(lat), 6), 0.0]},
        "point": {"pixelSize": 7, "color": _rgba(rgb), "outlineColor": _rgba((0, 0, 0)),
                  "outlineWidth": 1, "disableDepthTestDistance": _NO_DEPTH_TEST_M},
        "label": {"text": name, "font": "13px sans-serif", "fillColor": _rgba(rgb),
                  "outlineColor": _rgba((0, 0, 0)), "outlineWidth": 3,
                  "style": "FILL_AND_OUTLINE", "horizontalOrigin": "CENTER",
                  "verticalOrigin": "TOP", "pixelOffset": {"cartesian2": [0, 12]},
                  "disableDepthTestDistance": _NO_DEPTH_TEST_M},
    }


def _phase_rows(traj: Trajectory, phase: np.ndarray
                ) -> list[tuple[dict[str, Any], np.ndarray]]:
    """Each phase's style and its sample rows (of the thinned samples whose phases are
    ``phase``), with the next phase's first sample so that paths meet at a change."""
    out = []
    for style in phase_styles(traj):
        rows = np.flatnonzero(phase == style["index"])
        if rows.size == 0:
            continue
        if rows[-1] + 1 < len(phase):
            rows = np.append(rows, rows[-1] + 1)
        if rows.size >= 2:
            out.append((style, rows))
    return out


def _phase_head(style: dict[str, Any]) -> dict[str, Any]:
    """A phase packet's id, name, description and properties."""
    return {"id": f"phase-{style['index']}", "name": style["name"],
            "description": (f"<p>{style['name']}: T+{style['t_start']:.1f} s to "
                            f"T+{style['t_end']:.1f} s, "
                            f"{'engine burning' if style['powered'] else 'coasting'}</p>"),
            "properties": {"powered": style["powered"], "color": style["color"]}}


def _fixed_packets(result: Any, idx: np.ndarray, interval: str, epoch: dt.datetime
                   ) -> list[dict[str, Any]]:
    """Vehicle, phase paths and ground track in Earth-fixed geodetic coordinates."""
    traj: Trajectory = result.trajectory
    t = traj.t[idx]
    lat, lon, alt = np.degrees(traj["lat"][idx]), np.degrees(traj["lon"][idx]), traj["alt"][idx]
    phase = traj["phase"][idx].astype(np.int64)
    packets: list[dict[str, Any]] = []
    samples = _interleave((t, 3), (lon, 6), (lat, 6), (alt, 1))
    packets.append({
        "id": "vehicle",
        "name": result.vehicle.name,
        "availability": interval,
        "position": {"epoch": iso(epoch), "cartographicDegrees": samples,
                     "interpolationAlgorithm": "LAGRANGE", "interpolationDegree": 1},
        "point": {"pixelSize": 9, "color": _rgba((255, 255, 255)),
                  "outlineColor": _rgba((255, 140, 0)), "outlineWidth": 3,
                  "disableDepthTestDistance": _NO_DEPTH_TEST_M},
        "path": {"leadTime": 0, "trailTime": 15, "width": 6, "resolution": 1,
                 "material": {"polylineGlow": {"color": _rgba((255, 255, 255), 230),
                                               "glowPower": 0.3}}},
    })
    for style, rows in _phase_rows(traj, phase):
        packets.append({
            **_phase_head(style),
            "polyline": {"positions": {"cartographicDegrees": _cartographic(
                             lon[rows], lat[rows], alt[rows])},
                         "width": 4, "arcType": "NONE",
                         "material": {"solidColor": {"color": _rgba(style["rgb"])}}},
        })
    packets.append({
        "id": "ground-track",
        "name": "ground track",
        "polyline": {"positions": {"cartographicDegrees": _cartographic(
                         lon, lat, np.zeros_like(alt))},
                     "width": 2, "arcType": "GEODESIC",
                     "material": {"polylineDash": {"color": _rgba((255, 255, 255), 150),
                                                   "dashLength": 12}}},
    })
    return packets


def is_deep_space(traj: Trajectory) -> bool:
    """Whether the flight goes beyond ``DEEP_SPACE_M`` from the Earth's centre."""
    r = np.sqrt(traj["x_eci"] ** 2 + traj["y_eci"] ** 2 + traj["z_eci"] ** 2)
    return bool(r.size and np.max(r) > DEEP_SPACE_M)


def _inertial_packets(result: Any, idx: np.ndarray, interval: str, epoch: dt.datetime
                      ) -> list[dict[str, Any]]:
    """Vehicle, phase paths and the Moon in ICRF axes (Cesium's ``INERTIAL``) [m]."""
    traj: Trajectory = result.trajectory
    t = traj.t[idx]
    rot = icrf_from_eci(epoch)
    xyz = np.column_stack([traj["x_eci"][idx], traj["y_eci"][idx], traj["z_eci"][idx]]) @ rot.T
    phase = traj["phase"][idx].astype(np.int64)
    t_end = float(t[-1])
    packets: list[dict[str, Any]] = [{
        "id": "vehicle",
        "name": result.vehicle.name,
        "availability": interval,
        "position": _inertial_samples(epoch, t, xyz),
        "point": {"pixelSize": 9, "color": _rgba((255, 255, 255)),
                  "outlineColor": _rgba((255, 140, 0)), "outlineWidth": 3},
    }]
    for style, rows in _phase_rows(traj, phase):
        packets.append({
            **_phase_head(style),
            "availability": interval,
            "position": _inertial_samples(epoch, t[rows], xyz[rows]),
            "path": {"leadTime": t_end, "trailTime": t_end, "width": 3, "resolution": 600,
                     "material": {"solidColor": {"color": _rgba(style["rgb"])}}},
        })
    tm = np.append(np.arange(0.0, t_end, MOON_SAMPLE_S), t_end)
    moon = moon_sun_eci(utc_epoch(epoch), tm)[0] @ rot.T
    packets.append({
        "id": "moon",
        "name": "Moon (JPL DE421)",
        "availability": interval,
        "position": _inertial_samples(epoch, tm, moon),
        "ellipsoid": {"radii": {"cartesian": [MOON_RADIUS] * 3},
                      "material": {"solidColor": {"color": _rgba(_MOON_COLOR)}}},
        "point": {"pixelSize": 6, "color": _rgba(_MOON_COLOR)},
        "label": {"text": "Moon", "font": "14px sans-serif", "fillColor": _rgba(_MOON_COLOR),
                  "pixelOffset": {"cartesian2": [10, -10]}, "horizontalOrigin": "LEFT"},
        "path": {"leadTime": t_end, "trailTime": t_end, "width": 1, "resolution": 3600,
                 "material": {"solidColor": {"color": _rgba(_MOON_COLOR, 140)}}},
    })
    return packets


def _inertial_samples(epoch: dt.datetime, t: np.ndarray, xyz: np.ndarray) -> dict[str, Any]:
    return {"epoch": iso(epoch), "referenceFrame": "INERTIAL",
            "cartesian": _interleave((t, 3), (xyz[:, 0], 1), (xyz[:, 1], 1), (xyz[:, 2], 1)),
            "interpolationAlgorithm": "LAGRANGE", "interpolationDegree": 5}


def _event_icrf(result: Any) -> np.ndarray:
    """ICRF positions of the trajectory's events [m], from their geodetic coordinates and the
    Earth's turn at their times."""
    mission = result.mission
    jd = julian_date_utc(utc_epoch(mission.epoch))
    theta0 = earth_rotation_angle(*jd)
    rot = icrf_from_eci(utc_epoch(mission.epoch))
    out = [rot @ eci_from_ecef(theta0 + OMEGA_EARTH * e.t) @ ecef_from_geodetic(e.lat, e.lon,
                                                                              e.altitude)
           for e in result.trajectory.events]
    return np.array(out).reshape(-1, 3)


def document(result: Any, max_points: int | None = None) -> list[dict[str, Any]]:
    """The CZML document of a flight result, as a list of packets (plain dicts).

    Parameters
    ----------
    result : FlightResult
        A flown mission (``mission``, ``vehicle`` and ``trajectory`` are used).
    max_points : int, optional
        Thin the sampled positions to about this many (None: every sample).

    Returns
    -------
    list of dict
        Packets ready for ``json.dumps``; the first is the document packet.
    """
    traj: Trajectory = result.trajectory
    mission = result.mission
    epoch = utc_epoch(mission.epoch)
    idx = sample_indices(traj, max_points)
    t_end = float(traj.t[idx][-1]) if len(idx) else 0.0
    interval = f"{iso(epoch)}/{iso(epoch, t_end)}"
    prov = provenance(result)
    deep = is_deep_space(traj)
    if deep:
        prov["frame"] = "INERTIAL"
    packets: list[dict[str, Any]] = [{
        "id": "document",
        "name": f"{mission.name} (spacerace {prov['spacerace_version']})",
        "version": "1.0",
        "clock": {"interval": interval, "currentTime": iso(epoch),
                  "multiplier": max(1, round(t_end / 40.0)), "range": "CLAMPED",
                  "step": "SYSTEM_CLOCK_MULTIPLIER"},
        "properties": prov,
    }]
    if deep:
        packets += _inertial_packets(result, idx, interval, epoch)
    else:
        packets += _fixed_packets(result, idx, interval, epoch)
    packets += _event_packets(traj, epoch, _event_icrf(result) if deep else None)
    site = mission.site
    packets.append(_place_packet("site", site.name, site.lat, site.lon, (255, 214, 120)))
    target = getattr(mission, "target", None)
    if target is not None:
        packets.append(_place_packet("target", target.name, target.lat, target.lon,
                                     (255, 120, 120)))
    return packets


def dumps(result: Any, max_points: int | None = None) -> str:
    """The CZML document as JSON text."""
    return json.dumps(document(result, max_points), separators=(",", ":"), allow_nan=False)


def write(result: Any, path: str | Path) -> Path:
    """Write the flight as a CZML file (every sample); returns the path."""
    return write_text(path, json.dumps(document(result), indent=1, allow_nan=False) + "\n")
