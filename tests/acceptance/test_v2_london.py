"""Acceptance: the first V-2 on London, 8 September 1944.

Data sources (see src/spacerace/catalog/sources.toml): impact point Staveley Road, Chiswick,
51.4828 N 0.265 W (WP-STAVELEY); operational apogee 80-97 km (NMUSAF-V2 "ceiling 50-60 mi",
NUREMBERG 80-90 km, BRIT-V2 80 km); top speed 3,400 mph = 1,520 m/s (NMUSAF-V2), with the
5-10 % spread of the V-2's propulsion figures; flight "about 5 minutes" (unconfirmed).
Tolerances are those of the project's acceptance criteria for this flight.
"""

import json
import math

import pytest
from typer.testing import CliRunner

from spacerace.cli import app

STAVELEY = (51.4828, -0.265)


@pytest.fixture(scope="module")
def doc():
    result = CliRunner().invoke(app, ["fly", "v2-london", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _distance_m(lat1, lon1, lat2, lon2):
    from geographiclib.geodesic import Geodesic

    return Geodesic.WGS84.Inverse(lat1, lon1, lat2, lon2)["s12"]


def test_impact_within_1_km_of_staveley_road(doc):
    """Aimed (the cut-off speed and azimuth are solved for it): this checks the solver."""
    f = doc["figures"]
    miss = _distance_m(f["impact_lat_deg"], f["impact_lon_deg"], *STAVELEY)
    assert miss < 1000.0, f"impact {miss:.0f} m from Staveley Road (expected < 1 km)"
    assert f["miss_distance_m"] == pytest.approx(miss, abs=1.0)


def test_apogee_in_published_operational_band(doc):
    """Calibrated: the pitch programme's final elevation was chosen for this band, so this
    checks that the choice still holds, not the physics."""
    h = doc["figures"]["max_altitude_m"]
    assert 80e3 <= h <= 97e3, f"apogee {h / 1e3:.1f} km, published band 80-97 km"


def test_burnout_speed(doc):
    """A prediction: the speed the aim needs for the range, against the published top speed."""
    v = doc["figures"]["burnout_speed_m_s"]
    assert 1450.0 <= v <= 1700.0, f"burnout speed {v:.0f} m/s, expected 1450-1700 m/s"


def test_flight_time(doc):
    """A prediction (the published figure is a popular, unconfirmed band)."""
    t = doc["figures"]["flight_time_s"]
    assert 270.0 <= t <= 420.0, f"flight time {t:.0f} s, expected 270-420 s"


def test_range_along_the_ellipsoid(doc):
    """Aimed: the range is the distance to the aimed impact; this checks the geodesic."""
    assert doc["figures"]["range_m"] == pytest.approx(328.9e3, abs=1e3)


def test_archive_and_sources_in_the_json(doc):
    arch = doc["archive"]
    assert arch["impact_lat_deg"]["value"] == pytest.approx(51.4828)
    assert arch["impact_lat_deg"]["source"] == "WP-STAVELEY"
    assert arch["max_altitude_m"]["range"] == [80e3, 97e3]
    assert arch["flight_time_s"]["unconfirmed"] is True
    assert "WP-STAVELEY" in doc["sources"]
    keys = {"max_altitude_m", "range_m", "flight_time_s", "burnout_time_s", "burnout_speed_m_s",
            "burnout_inertial_speed_m_s", "burnout_altitude_m", "impact_speed_m_s",
            "impact_lat_deg", "impact_lon_deg", "miss_distance_m"}
    assert keys <= doc["figures"].keys()
    assert all(math.isfinite(doc["figures"][k]) for k in keys)


def test_events_in_order(doc):
    names = [e["name"] for e in doc["events"]]
    for first, later in [("liftoff", "Mach 1"), ("Mach 1", "max-Q"), ("max-Q", "cut-off"),
                         ("cut-off", "apogee"), ("apogee", "impact")]:
        assert names.index(first) < names.index(later)
    times = [e["t_s"] for e in doc["events"]]
    assert times == sorted(times)
    for e in doc["events"]:
        assert {"name", "t_s", "altitude_m", "speed_m_s"} <= e.keys()
