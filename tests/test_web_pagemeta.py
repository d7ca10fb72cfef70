"""What the page takes from the server instead of copying it (issue 13), the camera presets
and the coastlines (issue 15).

The controls' bounds are checked against ``FlyRequest``'s own JSON schema and against the
requests it accepts and refuses; the figures' units against the unit in their keys; the engine
cut-off flag against the flight's cut-off time in its figures; the coastlines against where
the Thames estuary and the Dutch coast are (Southend-on-Sea, 51.53 N 0.71 E; Scheveningen,
52.11 N 4.27 E: Ordnance Survey and Dutch topographic maps) and against the antimeridian.
"""

from __future__ import annotations

import math

import pytest
from pydantic import ValidationError

from spacerace import catalog
from spacerace.report import unit_of_key
from spacerace.web.basemap import find_world_atlas, lines
from spacerace.web.cameras import CAMERAS, cameras_for, check_camera
from spacerace.web.pagemeta import controls, display, label, timeline_axis
from spacerace.web.whatif import FlyRequest

V2 = "v2-london"


@pytest.fixture(scope="module")
def v2_doc():
    from spacerace.web.app import Flights, Settings

    body, _ = Flights(Settings()).fly_document(FlyRequest(mission=V2))
    import json

    return json.loads(body)


def test_controls_take_their_bounds_from_the_request_model(v2_doc):
    schema = FlyRequest.model_json_schema()["properties"]
    for c in v2_doc["whatif"]["controls"]:
        field = schema[c["name"]]["anyOf"][0]
        if c["wraps"]:  # the azimuth: nominal +-45 deg, wrapped into the model's 0-360
            assert c["max"] - c["min"] == pytest.approx(90)
            continue
        assert field["minimum"] <= c["min"] < c["value"] < c["max"] <= field["maximum"], c
        # each end is a request the server takes; past the model's bound it is refused
        for end in (c["min"], c["max"]):
            FlyRequest.model_validate({"mission": V2, c["name"]: end})
        with pytest.raises(ValidationError):
            FlyRequest.model_validate({"mission": V2, c["name"]: field["maximum"] * 1.01 + 1})
        assert c["label"] and c["step"] > 0
    names = [c["name"] for c in v2_doc["whatif"]["controls"]]
    assert names == ["thrust_factor", "propellant_factor", "payload_mass_kg",
                     "cutoff_speed_m_s", "azimuth_deg"]
    date = v2_doc["whatif"]["date"]
    assert (date["min"], date["max"]) == ("1940-01-01T00:00", "2000-12-31T23:59")


def test_a_mission_without_a_speed_cutoff_has_no_such_control():
    nominal = {"thrust_factor": 1.0, "propellant_factor": 1.0, "payload_mass_kg": 83.6,
               "cutoff_speed_m_s": None, "azimuth_deg": 65.1, "date": "1957-10-04T19:28:34Z"}
    assert "cutoff_speed_m_s" not in [c["name"] for c in controls(nominal)]


def test_figures_carry_unit_label_and_text(v2_doc):
    info = v2_doc["figure_info"]
    flat = {k for k, v in v2_doc["figures"].items() if not isinstance(v, dict)}
    assert set(info) == flat
    for key, f in info.items():
        assert f["label"] and f["text"]
        if unit_of_key(key) and key not in v2_doc["archive"]:
            assert f["unit"] == unit_of_key(key), key
    rng = v2_doc["figures"]["range_m"]
    assert info["range_m"]["text"] == f"{rng / 1e3:,.1f} km"
    for row in v2_doc["comparison"]:
        assert {"label", "unit", "simulated_text", "archival_text", "error_text"} <= set(row)


def test_display_rules():
    assert display(328_912.0, "m") == "328.9 km"
    assert display(2 * 9.80665, "m/s^2") == "19.6 m/s\u00b2 (2.0 g)"
    assert display(35_400.0, "Pa") == "35.4 kPa"
    assert display(3 * 86400 + 2 * 3600 + 5 * 60, "s") == "3 d 2 h 5 min"
    assert display(None, "m") == display(math.nan, "m") == "\u2013"
    assert display("1969-07-19T17:21:50Z", "") == "19 July 1969, 17:21:50 UTC"
    assert label("tli_cutoff_t_s") == "TLI cut-off time"
    assert label("s_ic_cutoff_altitude_m") == "S-IC cut-off altitude"


def test_events_carry_flags(v2_doc):
    cut = [e for e in v2_doc["events"] if e["is_cutoff"]]
    assert len(cut) == 1  # one engine, one Brennschluss
    assert cut[0]["t_s"] == pytest.approx(v2_doc["figures"]["burnout_time_s"], abs=1e-6)
    marked = [e["name"] for e in v2_doc["events"] if e["marked"]]
    assert marked == ["cut-off", "apogee", "impact"]
    assert v2_doc["mach_ceiling_m"] == 86e3 and v2_doc["g0_m_s2"] == 9.80665


def test_timeline_axis_from_the_chapters_years():
    assert timeline_axis([1957, 1944, 1969]) == {"start": 1944, "end": 1970}


def test_cameras_per_chapter():
    offered = {m: cameras_for(catalog.load(m)[1]) for m in (V2, "sputnik-1", "apollo-11")}
    assert offered[V2] == ["overview", "follow", "side", "site"]
    assert offered["sputnik-1"][-1] == "orbit" and offered["apollo-11"][-1] == "moon"
    v2 = catalog.load(V2)[1]
    assert check_camera("follow", v2) == "follow"
    with pytest.raises(ValueError, match="unknown camera"):
        check_camera("drone", v2)
    with pytest.raises(ValueError, match="v2-london offers"):
        check_camera("moon", v2)
    assert set(CAMERAS) >= {c for cams in offered.values() for c in cams}


@pytest.mark.skipif(find_world_atlas() is None, reason="world-atlas is missing: run `npm ci`")
def test_coastlines_of_the_v2s_crossing():
    found = lines(-1.0, 50.5, 6.0, 53.5)
    points = [(f[i], f[i + 1]) for f in found for i in range(0, len(f), 2)]
    assert all(-1.1 <= lon <= 6.1 and 50.4 <= lat <= 53.6 for lon, lat in points[:1000])

    def near(lon: float, lat: float, km: float) -> bool:
        return any(math.hypot((x - lon) * math.cos(math.radians(lat)), y - lat) * 111.2 < km
                   for x, y in points)

    assert near(0.71, 51.53, 3.0)  # Southend-on-Sea, on the Thames estuary
    assert near(4.27, 52.11, 3.0)  # Scheveningen, on the Dutch coast
    assert not near(2.5, 52.5, 30.0)  # the middle of the North Sea
    # across the antimeridian: Fiji's islands lie on both sides of it
    fiji = lines(177.0, -19.5, -179.0, -15.5)
    lons = [f[i] for f in fiji for i in range(0, len(f), 2)]
    assert any(v > 177 for v in lons) and any(v < -179 + 1 for v in lons)
