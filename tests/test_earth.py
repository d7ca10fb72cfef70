"""Tests for ``spacerace.models.earth``: WGS-84 geodesy and the Earth Rotation Angle.

The reference values come from other libraries (PROJ through pyproj, ERFA through
pyerfa), stored as CSV files in ``tests/crosscheck/`` by ``tools/gen_earth_crosscheck.py``.
These tests only read the CSV files; they never import pyproj or erfa.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spacerace import constants
from spacerace.models import earth

CROSSCHECK = Path(__file__).parent / "crosscheck"

# NIMA TR8350.2, 3rd ed. (2000), Table 3.3: WGS-84 semi-minor axis, published to 0.1 mm.
WGS84_B_PUBLISHED = 6356752.3142  # [m]


def _read_csv(name: str) -> list[dict[str, str]]:
    """Rows of a cross-check CSV as dicts, skipping the ``#`` comment lines."""
    with (CROSSCHECK / name).open(newline="", encoding="utf-8") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    return list(csv.DictReader(lines))


def _wrap_pi(angle: float) -> float:
    """Angle reduced to [-pi, pi), for comparing angles modulo 2 pi."""
    return (angle + math.pi) % math.tau - math.pi


def _parse_utc(iso: str) -> dt.datetime:
    t = dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    assert t.utcoffset() == dt.timedelta(0)
    return t


GEODETIC_ROWS = [
    {key: float(value) for key, value in row.items()}
    for row in _read_csv("wgs84_geodetic_ecef.csv")
]
ERA_ROWS = [
    {
        "utc_iso": row["utc_iso"],
        "jd_whole": float(row["jd_whole"]),
        "jd_frac": float(row["jd_frac"]),
        "era_rad": float(row["era_rad"]),
    }
    for row in _read_csv("earth_rotation_angle.csv")
]


def _geo_id(row: dict[str, float]) -> str:
    return f"lat={row['lat_deg']!r},lon={row['lon_deg']!r},h={row['h_m']!r}"


def _era_id(row: dict[str, object]) -> str:
    return str(row["utc_iso"])


def test_crosscheck_files_are_populated() -> None:
    assert len(GEODETIC_ROWS) >= 50
    assert len(ERA_ROWS) >= 10


# --- WGS-84 published figures ---------------------------------------------------------------


def test_wgs84_defining_constants() -> None:
    assert constants.WGS84_A == 6378137.0
    assert constants.WGS84_F == pytest.approx(1.0 / 298.257223563, rel=1e-15)


def test_wgs84_semi_minor_axis_matches_published_value() -> None:
    b = constants.WGS84_A * (1.0 - constants.WGS84_F)
    assert abs(b - WGS84_B_PUBLISHED) <= 1e-4


@pytest.mark.parametrize("sign", [1.0, -1.0], ids=["north", "south"])
def test_pole_is_at_semi_minor_axis(sign: float) -> None:
    b = constants.WGS84_A * (1.0 - constants.WGS84_F)
    x, y, z = earth.ecef_from_geodetic(sign * math.pi / 2, 0.0, 0.0)
    assert abs(z - sign * WGS84_B_PUBLISHED) <= 1e-4
    assert abs(z - sign * b) <= 1e-6
    assert abs(x) <= 1e-6
    assert abs(y) <= 1e-6


# --- geodetic <-> ECEF against PROJ ---------------------------------------------------------


@pytest.mark.parametrize("row", GEODETIC_ROWS, ids=_geo_id)
def test_ecef_from_geodetic_matches_pyproj(row: dict[str, float]) -> None:
    got = earth.ecef_from_geodetic(
        math.radians(row["lat_deg"]), math.radians(row["lon_deg"]), row["h_m"]
    )
    assert isinstance(got, np.ndarray)
    assert got.shape == (3,)
    expected = np.array([row["x_m"], row["y_m"], row["z_m"]])
    # 1e-6 m absolute; relative 1e-12 for the far points (40000 km: ~5e-5 m).
    tol = max(1e-6, 1e-12 * float(np.linalg.norm(expected)))
    np.testing.assert_allclose(got, expected, rtol=0.0, atol=tol)


@pytest.mark.parametrize("row", GEODETIC_ROWS, ids=_geo_id)
def test_geodetic_from_ecef_matches_pyproj(row: dict[str, float]) -> None:
    lat, lon, h = earth.geodetic_from_ecef(row["x_m"], row["y_m"], row["z_m"])
    assert abs(lat - math.radians(row["lat_deg"])) <= 1e-11
    assert abs(h - row["h_m"]) <= 1e-6
    assert -math.pi <= lon <= math.pi
    if abs(row["lat_deg"]) != 90.0:  # longitude is undefined at the poles
        # modulo 2 pi: +180 and -180 degrees are the same meridian
        assert abs(_wrap_pi(lon - math.radians(row["lon_deg"]))) <= 1e-11


@pytest.mark.parametrize("row", GEODETIC_ROWS, ids=_geo_id)
def test_geodetic_height_latitude_matches_pyproj(row: dict[str, float]) -> None:
    """The kernel's height and latitude without trigonometry: PROJ's, to the same
    tolerances (one Bowring iteration: 3e-13 rad)."""
    h, sl, cl = earth.geodetic_height_latitude(row["x_m"], row["y_m"], row["z_m"])
    lat = math.radians(row["lat_deg"])
    assert abs(h - row["h_m"]) <= 1e-6
    assert abs(sl - math.sin(lat)) <= 1e-11
    assert abs(cl - math.cos(lat)) <= 1e-11
    assert sl * sl + cl * cl == pytest.approx(1.0, abs=1e-15)


# When a hypothesis test fails, its pytest plugin imports libcst to suggest a patch, and
# that import emits a DeprecationWarning (mypy_extensions.TypedDict) which the project-wide
# ``filterwarnings = ["error"]`` would turn into an INTERNALERROR hiding the real failure.
@pytest.mark.filterwarnings("ignore:mypy_extensions.TypedDict is deprecated:DeprecationWarning")
@settings(max_examples=300, deadline=None)
@given(
    lat_deg=st.floats(min_value=-90.0, max_value=90.0),
    lon_deg=st.floats(min_value=-180.0, max_value=180.0),
    h_m=st.floats(min_value=-5000.0, max_value=1e7),
)
def test_geodetic_ecef_round_trip(lat_deg: float, lon_deg: float, h_m: float) -> None:
    p = np.asarray(earth.ecef_from_geodetic(math.radians(lat_deg), math.radians(lon_deg), h_m))
    lat, lon, h = earth.geodetic_from_ecef(float(p[0]), float(p[1]), float(p[2]))
    q = np.asarray(earth.ecef_from_geodetic(lat, lon, h))
    assert float(np.linalg.norm(q - p)) <= 1e-6
    assert abs(h - h_m) <= 1e-6


# --- Earth Rotation Angle against ERFA ------------------------------------------------------


def test_era_at_j2000_is_iers_constant() -> None:
    # IERS Conventions (2010) eq. 5.15: ERA(J2000.0 UT1) = 2 pi * 0.7790572732640
    era = earth.earth_rotation_angle(2451545.0, 0.0)
    assert abs(era - math.tau * 0.7790572732640) <= 1e-12


@pytest.mark.parametrize("row", ERA_ROWS, ids=_era_id)
def test_earth_rotation_angle_matches_erfa(row: dict[str, object]) -> None:
    era = earth.earth_rotation_angle(row["jd_whole"], row["jd_frac"])
    assert 0.0 <= era < math.tau
    assert abs(_wrap_pi(era - row["era_rad"])) <= 1e-10


@pytest.mark.parametrize(
    ("jd_whole", "jd_frac"),
    [(2451545.0, 0.0), (2451544.5, 0.5), (2451544.0, 1.0)],
)
def test_earth_rotation_angle_depends_only_on_the_sum(jd_whole: float, jd_frac: float) -> None:
    # Like erfa.era00, any split of the two-part Julian date gives the same angle.
    era = earth.earth_rotation_angle(jd_whole, jd_frac)
    assert abs(_wrap_pi(era - math.tau * 0.7790572732640)) <= 1e-10


# --- Julian date ----------------------------------------------------------------------------


def test_julian_date_of_j2000() -> None:
    t = dt.datetime(2000, 1, 1, 12, 0, 0, tzinfo=dt.UTC)
    assert earth.julian_date_utc(t) == (2451545.0, 0.0)


@pytest.mark.parametrize("row", ERA_ROWS, ids=_era_id)
def test_julian_date_utc_matches_crosscheck(row: dict[str, object]) -> None:
    jd_whole, jd_frac = earth.julian_date_utc(_parse_utc(str(row["utc_iso"])))
    assert abs(jd_whole - row["jd_whole"]) <= 1e-9
    assert abs(jd_frac - row["jd_frac"]) <= 1e-9


@pytest.mark.parametrize("row", ERA_ROWS, ids=_era_id)
def test_era_of_datetime_matches_erfa(row: dict[str, object]) -> None:
    era = earth.earth_rotation_angle(*earth.julian_date_utc(_parse_utc(str(row["utc_iso"]))))
    # 1e-9 day of Julian-date error allowed above is 2 pi * 1.0027 * 1e-9 ~ 6.3e-9 rad of ERA.
    assert abs(_wrap_pi(era - row["era_rad"])) <= 1e-8
