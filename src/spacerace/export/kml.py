"""KML for Google Earth: the flight path by phase, its ground track, events and an animated track.

Written with ``xml.etree`` only. The document holds:

- a description with the provenance (spacerace version, mission, vehicle, epoch, sources);
- one style per phase (the colours of ``export.czml.phase_styles``) and a ``Flight path`` folder
  with one ``LineString`` per phase at its true altitude (``altitudeMode`` absolute);
- the ground track, clamped to the ground;
- an ``Events`` folder: one labelled point per event, with its time (``TimeStamp``);
- a ``gx:Track`` of the vehicle, which Google Earth's time slider plays.

KML colours are ``aabbggrr``; coordinates are ``lon,lat,alt`` in degrees and metres.

References
----------
OGC KML 2.2 (OGC 07-147r2); Google's KML extension namespace ``gx`` (``gx:Track``).
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import numpy as np

from spacerace._files import write_text
from spacerace.event_kinds import IMPACT, LIFTOFF
from spacerace.export.czml import iso, phase_styles, provenance, sample_indices
from spacerace.results import Trajectory

KML_NS = "http://www.opengis.net/kml/2.2"
GX_NS = "http://www.google.com/kml/ext/2.2"


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    # Plain tag names with the namespaces declared on the root (``gx:`` written out), so the
    # output has no generated prefixes and ElementTree's global prefix registry is untouched.
    el = ET.SubElement(parent, tag)
    if text is not None:
        el.text = text
    return el


def _kml_color(rgb: tuple[int, int, int], alpha: int = 255) -> str:
    return f"{alpha:02x}{rgb[2]:02x}{rgb[1]:02x}{rgb[0]:02x}"


def _coords(lon: np.ndarray, lat: np.ndarray, alt: np.ndarray) -> str:
    return " ".join(f"{a:.6f},{b:.6f},{c:.1f}" for a, b, c in zip(lon, lat, alt))


def _description(prov: dict[str, Any]) -> str:
    lines = [f"Simulated by spacerace {prov['spacerace_version']}.",
             f"Mission: {prov['mission']} ({prov['mission_name']}).",
             f"Vehicle: {prov['vehicle']} ({prov['vehicle_name']}).",
             f"Liftoff: {prov['epoch']} (UTC).", "Sources:"]
    lines += [f"  {key}: {cite}" for key, cite in prov["sources"].items()]
    return "\n".join(lines)


def _styles(doc: ET.Element, styles: list[dict[str, Any]]) -> None:
    for s in styles:
        st = _sub(doc, "Style")
        st.set("id", f"phase-{s['index']}")
        ls = _sub(st, "LineStyle")
        _sub(ls, "color", _kml_color(s["rgb"]))
        _sub(ls, "width", "4")
    st = _sub(doc, "Style")
    st.set("id", "ground-track")
    ls = _sub(st, "LineStyle")
    _sub(ls, "color", _kml_color((255, 255, 255), 160))
    _sub(ls, "width", "2")
    for sid, rgb, scale in (("event", (255, 255, 255), "0.9"), ("minor-event", (200, 200, 200),
                                                               "0.6"),
                            ("impact", (255, 64, 64), "1.1")):
        st = _sub(doc, "Style")
        st.set("id", sid)
        icon = _sub(st, "IconStyle")
        _sub(icon, "color", _kml_color(rgb))
        _sub(icon, "scale", scale)
        lab = _sub(st, "LabelStyle")
        _sub(lab, "scale", "0.8" if sid != "minor-event" else "0")


def _path(doc: ET.Element, traj: Trajectory, idx: np.ndarray,
          styles: list[dict[str, Any]]) -> None:
    lat, lon = np.degrees(traj["lat"][idx]), np.degrees(traj["lon"][idx])
    alt, phase = traj["alt"][idx], traj["phase"][idx].astype(np.int64)
    folder = _sub(doc, "Folder")
    _sub(folder, "name", "Flight path")
    for s in styles:
        rows = np.flatnonzero(phase == s["index"])
        if rows[-1] + 1 < len(idx):
            rows = np.append(rows, rows[-1] + 1)
        pm = _sub(folder, "Placemark")
        _sub(pm, "name", s["name"])
        _sub(pm, "description", f"T+{s['t_start']:.1f} s to T+{s['t_end']:.1f} s, "
                                f"{'engine burning' if s['powered'] else 'coasting'}")
        _sub(pm, "styleUrl", f"#phase-{s['index']}")
        line = _sub(pm, "LineString")
        _sub(line, "altitudeMode", "absolute")
        _sub(line, "coordinates", _coords(lon[rows], lat[rows], alt[rows]))
    pm = _sub(folder, "Placemark")
    _sub(pm, "name", "ground track")
    _sub(pm, "styleUrl", "#ground-track")
    line = _sub(pm, "LineString")
    _sub(line, "tessellate", "1")
    _sub(line, "altitudeMode", "clampToGround")
    _sub(line, "coordinates", _coords(lon, lat, np.zeros_like(alt)))


def _events(doc: ET.Element, traj: Trajectory, epoch: Any) -> None:
    folder = _sub(doc, "Folder")
    _sub(folder, "name", "Events")
    for e in traj.events:
        major = e.major and e.kind != LIFTOFF
        pm = _sub(folder, "Placemark")
        _sub(pm, "name", e.name)
        _sub(pm, "description", f"T+{e.t:.1f} s, altitude {e.altitude / 1e3:.2f} km, "
                                f"speed {e.speed:.1f} m/s")
        ts = _sub(pm, "TimeStamp")
        _sub(ts, "when", iso(epoch, e.t))
        style = "impact" if e.kind == IMPACT else ("event" if major
                                                               else "minor-event")
        _sub(pm, "styleUrl", f"#{style}")
        pt = _sub(pm, "Point")
        _sub(pt, "altitudeMode", "absolute")
        _sub(pt, "coordinates", f"{math.degrees(e.lon):.6f},{math.degrees(e.lat):.6f},"
                                f"{max(e.altitude, 0.0):.1f}")


def _track(doc: ET.Element, result: Any, traj: Trajectory, idx: np.ndarray, epoch: Any
           ) -> None:
    pm = _sub(doc, "Placemark")
    _sub(pm, "name", result.vehicle.name)
    _sub(pm, "styleUrl", "#event")
    track = _sub(pm, "gx:Track")
    _sub(track, "altitudeMode", "absolute")
    for ti in traj.t[idx]:
        _sub(track, "when", iso(epoch, float(ti)))
    lat, lon, alt = np.degrees(traj["lat"][idx]), np.degrees(traj["lon"][idx]), traj["alt"][idx]
    for a, b, c in zip(lon, lat, alt):
        _sub(track, "gx:coord", f"{a:.6f} {b:.6f} {c:.1f}")


def document(result: Any, max_points: int | None = None) -> str:
    """The KML document of a flight result, as text.

    Parameters
    ----------
    result : FlightResult
        A flown mission (``mission``, ``vehicle`` and ``trajectory`` are used).
    max_points : int, optional
        Thin the path and the track to about this many samples (None: every sample).
    """
    traj: Trajectory = result.trajectory
    prov = provenance(result)
    epoch = result.mission.epoch
    idx = sample_indices(traj, max_points)
    styles = phase_styles(traj)
    root = ET.Element("kml", {"xmlns": KML_NS, "xmlns:gx": GX_NS})
    doc = _sub(root, "Document")
    _sub(doc, "name", f"{result.mission.name} (spacerace)")
    _sub(doc, "description", _description(prov))
    _styles(doc, styles)
    _path(doc, traj, idx, styles)
    _events(doc, traj, epoch)
    _track(doc, result, traj, idx, epoch)
    ET.indent(root, space=" ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write(result: Any, path: str | Path) -> Path:
    """Write the flight as a KML file (every sample); returns the path."""
    return write_text(path, document(result))
