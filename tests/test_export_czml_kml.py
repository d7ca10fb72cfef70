"""CZML and KML exports: golden files from a short synthetic flight, and a real one.

The golden files in ``tests/golden/`` are the exporters' output for ``synthetic_result()``
below (a made-up 120-s flight with three phases and four events; not physics). They are
compared after rounding every number to 7 significant digits, so a last-digit difference
of the platform's maths does not fail the test, while any change of structure, ids, colours,
labels, times or positions does.

To regenerate them after an intended change of the exporters, run

    SPACERACE_REGEN_GOLDEN=1 python -m pytest tests/test_export_czml_kml.py

and review the diff of ``tests/golden/`` before committing it.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from spacerace.export import czml, kml
from spacerace.results import COLUMNS, EventRecord, Trajectory

GOLDEN = Path(__file__).parent / "golden"
REGEN = os.environ.get("SPACERACE_REGEN_GOLDEN") == "1"
SIG = 7  # significant digits kept when comparing numbers
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def synthetic_result() -> SimpleNamespace:
    """A FlightResult-like object: mission, vehicle and a 13-sample trajectory (fixed data)."""
    t = np.arange(0.0, 121.0, 10.0)
    lat = np.radians(np.linspace(52.0, 51.5, t.size))
    lon = np.radians(np.linspace(4.4, -0.3, t.size))
    alt = np.maximum(0.0, 3000.0 * t - 18.75 * t**2)  # 0 m at 0 s and 160 s, 120 km at 80 s
    alt[-1] = 0.0
    phase = np.where(t <= 10.0, 0.0, np.where(t <= 50.0, 1.0, 2.0))
    thrust = np.where(phase < 2.0, 250e3, 0.0)
    columns = {name: np.zeros_like(t) for name in COLUMNS}
    columns.update(t=t, lat=lat, lon=lon, alt=alt, phase=phase, thrust=thrust)

    def event(name: str, i: int) -> EventRecord:
        kind = {"cut-off": "depletion"}.get(name, name)
        return EventRecord(name, float(t[i]), float(alt[i]), 100.0 * i, 100.0 * i + 50.0,
                           float(lat[i]), float(lon[i]), kind=kind, major=True,
                           is_cutoff=name == "cut-off")

    traj = Trajectory(
        columns=columns,
        events=(event("liftoff", 0), event("cut-off", 5), event("apogee", 8),
                event("impact", 12)),
        phase_names=("vertical rise", "pitch programme", "ballistic flight"),
        metadata={"spacerace_version": "0.0.0-golden", "mission": "golden",
                  "vehicle": "golden-rocket"},
    )
    mission = SimpleNamespace(
        id="golden", name="Golden test flight",
        epoch=dt.datetime(1944, 9, 8, 16, 38, tzinfo=dt.UTC),
        site=SimpleNamespace(name="Launch point", lat=float(lat[0]), lon=float(lon[0])),
        target=SimpleNamespace(name="Aim point", lat=float(lat[-1]), lon=float(lon[-1])),
        sources={"SRC-M": "A mission source"})
    vehicle = SimpleNamespace(id="golden-rocket", name="Golden rocket",
                              sources={"SRC-V": "A vehicle source"})
    return SimpleNamespace(mission=mission, vehicle=vehicle, trajectory=traj)


def _round(x: float) -> float:
    return float(f"{x:.{SIG}g}")


def _normal_json(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _normal_json(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_normal_json(v) for v in x]
    if isinstance(x, float):
        return _round(x)
    return x


def _normal_text(text: str | None) -> str:
    text = (text or "").strip()
    return _NUMBER.sub(lambda m: repr(_round(float(m.group()))), text)


def _normal_xml(node: ET.Element) -> tuple[Any, ...]:
    return (node.tag, sorted(node.attrib.items()), _normal_text(node.text),
            [_normal_xml(child) for child in node])


def _golden(name: str, text: str) -> str:
    path = GOLDEN / name
    if REGEN:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} missing: run with SPACERACE_REGEN_GOLDEN=1 to create it"
    return path.read_text(encoding="utf-8")


def test_czml_matches_golden_file(tmp_path):
    written = czml.write(synthetic_result(), tmp_path / "flight.czml")
    text = written.read_text(encoding="utf-8")
    expected = _golden("synthetic.czml", text)
    assert _normal_json(json.loads(text)) == _normal_json(json.loads(expected))


def test_kml_matches_golden_file(tmp_path):
    written = kml.write(synthetic_result(), tmp_path / "flight.kml")
    text = written.read_text(encoding="utf-8")
    expected = _golden("synthetic.kml", text)
    assert _normal_xml(ET.fromstring(text)) == _normal_xml(ET.fromstring(expected))


def test_czml_structure_and_provenance():
    doc = czml.document(synthetic_result())
    ids = [p["id"] for p in doc]
    assert ids[0] == "document" and len(ids) == len(set(ids))
    prov = doc[0]["properties"]
    assert prov["spacerace_version"] == "0.0.0-golden"
    assert (prov["mission"], prov["vehicle"]) == ("golden", "golden-rocket")
    assert prov["sources"] == {"SRC-M": "A mission source", "SRC-V": "A vehicle source"}
    assert doc[0]["clock"]["interval"] == "1944-09-08T16:38:00.000Z/1944-09-08T16:40:00.000Z"
    vehicle = next(p for p in doc if p["id"] == "vehicle")
    samples = vehicle["position"]["cartographicDegrees"]
    assert vehicle["position"]["epoch"] == "1944-09-08T16:38:00.000Z"
    assert len(samples) == 4 * 13 and samples[:4] == [0.0, 4.4, 52.0, 0.0]
    # each phase its own colour, warm while burning, cool when coasting
    colours = {p["id"]: p["polyline"]["material"]["solidColor"]["color"]["rgba"]
               for p in doc if p["id"].startswith("phase-")}
    assert len({tuple(c) for c in colours.values()}) == 3
    assert colours["phase-2"][2] > colours["phase-2"][0]  # blue > red: coasting
    labelled = {p["name"] for p in doc if p["id"].startswith("event-") and "label" in p}
    assert labelled == {"cut-off", "apogee", "impact"}


def test_kml_structure_and_provenance():
    root = ET.fromstring(kml.document(synthetic_result()))
    ns = {"k": kml.KML_NS, "gx": kml.GX_NS}
    desc = root.find("k:Document/k:description", ns).text
    for word in ("spacerace 0.0.0-golden", "golden", "golden-rocket", "SRC-M", "SRC-V"):
        assert word in desc
    names = [e.text for e in root.findall(".//k:Folder/k:Placemark/k:name", ns)]
    assert names[:4] == ["vertical rise", "pitch programme", "ballistic flight", "ground track"]
    assert {"cut-off", "apogee", "impact"} <= set(names)
    track = root.find(".//gx:Track", ns)
    assert len(track.findall("k:when", ns)) == len(track.findall("gx:coord", ns)) == 13


def test_thinning_keeps_ends_and_phase_changes():
    res = synthetic_result()
    idx = czml.sample_indices(res.trajectory, 5)
    assert idx[0] == 0 and idx[-1] == 12
    assert {1, 2, 5, 6} <= set(idx.tolist())  # both sides of both phase changes
    doc = kml.document(res, max_points=5)
    assert doc.count("<when>") - 4 == len(idx)  # 4 event time stamps


@pytest.fixture(scope="module")
def v2():
    from spacerace.api import fly

    return fly("v2-london")


def test_real_flight_exports(v2, tmp_path):
    doc = json.loads(czml.write(v2, tmp_path / "v2.czml").read_text())
    assert doc[0]["properties"]["mission"] == "v2-london"
    vehicle = next(p for p in doc if p["id"] == "vehicle")
    samples = vehicle["position"]["cartographicDegrees"]
    assert len(samples) == 4 * len(v2.trajectory.t)
    impact = next(p for p in doc if p["name"] == "impact")
    lon, lat, _ = impact["position"]["cartographicDegrees"]
    assert math.isclose(lat, 51.4828, abs_tol=0.01) and math.isclose(lon, -0.265, abs_tol=0.02)
    root = ET.fromstring(kml.write(v2, tmp_path / "v2.kml").read_text())
    assert root.tag == f"{{{kml.KML_NS}}}kml"
    thin = czml.document(v2, max_points=100)
    n = len(next(p for p in thin if p["id"] == "vehicle")["position"]["cartographicDegrees"])
    assert n // 4 <= 100 + 2 * len(v2.trajectory.phase_names)


def test_a_lunar_flight_is_drawn_in_inertial_axes_with_the_moon():
    """Apollo 11 goes past the Moon: the document is in ICRF axes (Cesium's INERTIAL), has the
    Moon, and its closest-approach event, placed from its latitude, longitude, height and the
    Earth's turn, lies the closest-approach distance from the Moon taken straight from DE421
    in ICRF (a transposed rotation anywhere in the chain would put it thousands of km off)."""
    pytest.importorskip("de421")
    from spacerace.api import fly
    from spacerace.ephem import DAY, epoch_tt, moon_sun_icrf, tdb_minus_tt

    res = fly("apollo-11")
    doc = czml.document(res, max_points=2000)
    assert doc[0]["properties"]["frame"] == "INERTIAL"
    by_id = {p["id"]: p for p in doc}
    assert by_id["vehicle"]["position"]["referenceFrame"] == "INERTIAL"
    assert "moon" in by_id and "ground-track" not in by_id
    k = next(i for i, e in enumerate(res.trajectory.events)
             if e.name == "closest approach to the Moon" and e.t > 20000.0)
    event = by_id[f"event-{k}"]["position"]
    assert event["referenceFrame"] == "INERTIAL"
    whole, frac0, _ = epoch_tt(res.mission.epoch)
    tt = frac0 + res.trajectory.events[k].t / DAY
    moon, _ = moon_sun_icrf(whole, np.array([tt + float(tdb_minus_tt(whole + tt)) / DAY]))
    distance = np.linalg.norm(np.array(event["cartesian"]) - moon[0])
    assert distance == pytest.approx(res.figures["moon_closest_approach_m"], abs=5e3)
