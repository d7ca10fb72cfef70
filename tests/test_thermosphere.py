"""NRLMSISE-00 density with the historical space weather of 1957-1970 (models/thermosphere)."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.resources

import numpy as np
import pytest

from spacerace.errors import OutOfRangeError
from spacerace.models import thermosphere
from spacerace.models.thermosphere import density, space_weather

CSV_NAME = "space_weather.csv"

# Rows typed from an independent copy of CelesTrak's SW-All.csv (CSV layout), GitHub
# ASSISTLabOrg/TIEGCM_ROPE, path SW-All.csv, commit 8d215dd1884799c0c5861e0c3cc59fbedb6eab94:
# DATE -> (F10.7_OBS, F10.7_OBS_CENTER81, AP_AVG, AP1..AP8).
SOURCE_ROWS = {
    # 1957-10-04,1700,22,30,30,23,27,23,27,30,27,217,15,15,9,12,9,12,15,12,12,0.7,3,307,
    #   238.2,238.2,OBS,268.8,233.3,268.7,237.7   (Sputnik 1 launch day)
    "1957-10-04": (238.2, 268.8, 12, (15, 15, 9, 12, 9, 12, 15, 12)),
    # 1957-10-31,1701,22,...,4,5,6,7,22,4,6,6,8,0.4,2,423,320.5,315.7,OBS,271.5,259.4,...
    "1957-10-31": (320.5, 271.5, 8, (4, 5, 6, 7, 22, 4, 6, 6)),
    # 1957-11-01,1701,23,13,33,23,23,17,20,17,17,163,5,18,9,9,6,7,6,6,8,0.4,2,377,
    #   303.0,298.3,OBS,270.1,260.9,266.3,262.2
    "1957-11-01": (303.0, 270.1, 8, (5, 18, 9, 9, 6, 7, 6, 6)),
    # 1957-12-25,1703,23,...,5,18,22,12,15,9,22,22,16,0.9,4,503,369.2,357.1,INT,267.0,...
    "1957-12-25": (369.2, 267.0, 16, (5, 18, 22, 12, 15, 9, 22, 22)),
    # 1958-01-04,1704,6,7,7,3,10,7,3,7,20,63,3,3,2,4,3,2,3,7,3,0.1,0,307,265.4,256.6,OBS,
    #   264.2,278.6,256.1,271.9   (Sputnik 1 re-entry day)
    "1958-01-04": (265.4, 264.2, 3, (3, 3, 2, 4, 3, 2, 3, 7)),
    # 1958-02-01,1705,7,...,12,3,9,9,15,5,6,12,9,0.5,2,212,197.1,191.4,OBS,244.5,267.8,...
    "1958-02-01": (197.1, 244.5, 9, (12, 3, 9, 9, 15, 5, 6, 12)),
    # 1961-04-15,1748,15,77,70,60,33,33,43,33,27,377,179,132,80,18,18,32,18,12,61,1.7,7,75,
    #   98.1,98.8,OBS,104.1,105.6,104.8,104.1
    "1961-04-15": (98.1, 104.1, 61, (179, 132, 80, 18, 18, 32, 18, 12)),
}


def _rows() -> tuple[list[str], dict[str, list[str]]]:
    text = importlib.resources.files("spacerace.models").joinpath(CSV_NAME).read_text()
    comments = [ln for ln in text.splitlines() if ln.startswith("#")]
    reader = csv.DictReader(ln for ln in text.splitlines() if not ln.startswith("#"))
    return comments, {row["date"]: row for row in reader}


def test_csv_header_names_the_source_and_the_generator() -> None:
    comments, rows = _rows()
    text = "\n".join(comments)
    assert "celestrak.org/SpaceData/SW-All" in text
    assert "tools/gen_space_weather.py" in text
    assert "sha256" in text
    first = next(iter(rows.values()))
    assert list(first) == ["date", "f107_obs", "f107_81_centred", "ap_daily",
                           *(f"ap{i}" for i in range(1, 9))]


def test_csv_covers_sputnik_and_explorer_without_gaps_and_sane() -> None:
    _, rows = _rows()
    days = np.array(sorted(rows), dtype="datetime64[D]")
    assert np.all(np.diff(days) == np.timedelta64(1, "D"))
    assert days[0] <= np.datetime64("1957-10-04") and days[-1] >= np.datetime64("1960-12-31")
    window = [str(d) for d in np.arange(np.datetime64("1957-10-04"), np.datetime64("1958-03-01"))]
    for day in window:
        row = rows[day]
        assert 60.0 <= float(row["f107_obs"]) <= 400.0, day
        assert 60.0 <= float(row["f107_81_centred"]) <= 400.0, day
        aps = [int(row[f"ap{i}"]) for i in range(1, 9)]
        assert all(0 <= a <= 400 for a in aps), day
        # daily Ap is the mean of the eight ap (to the source's integer rounding)
        assert abs(int(row["ap_daily"]) - np.mean(aps)) <= 1.0, day


def test_autumn_1957_solar_maximum() -> None:
    # Cited figure: October 1957 mean of the daily F10.7obs (DRAO/NRC) in the GFZ file
    # Kp_ap_Ap_SN_F107_since_1932.txt (GitHub aeropung/ml_predict_drag, commit
    # 4a9fdfa92a2354d42480abc219f36ad862025ff7), 31 values 269.3 ... 320.5: 283.11 sfu.
    _, rows = _rows()

    def month_mean(prefix: str) -> float:
        return float(np.mean([float(r["f107_obs"]) for d, r in rows.items()
                              if d.startswith(prefix)]))

    assert month_mean("1957-10") == pytest.approx(283.11, abs=0.01)
    for month in ("1957-10", "1957-11", "1957-12", "1958-01"):
        assert month_mean(month) > 200.0, month


@pytest.mark.parametrize("day", sorted(SOURCE_ROWS))
def test_csv_rows_match_the_source(day: str) -> None:
    _, rows = _rows()
    f107, f107a, ap, ap3 = SOURCE_ROWS[day]
    row = rows[day]
    assert float(row["f107_obs"]) == f107
    assert float(row["f107_81_centred"]) == f107a
    assert int(row["ap_daily"]) == ap
    assert tuple(int(row[f"ap{i}"]) for i in range(1, 9)) == ap3


def test_space_weather_picks_the_right_rows() -> None:
    # 1957-11-01 13:30 UT: F10.7 of 1957-10-31, the 81-day mean and Ap of 1957-11-01, and the
    # 3-hourly ap of the 12-15 UT interval (ap5) and those before it.
    sw = space_weather(np.datetime64("1957-11-01T13:30"))
    f107_prev = SOURCE_ROWS["1957-10-31"][0]
    _, f107a, ap, ap3 = SOURCE_ROWS["1957-11-01"]
    assert float(sw.f107) == f107_prev == 320.5
    assert float(sw.f107a) == f107a
    assert float(sw.ap) == ap
    prev = SOURCE_ROWS["1957-10-31"][3]
    day = prev + ap3  # 16 intervals, 1957-10-31 00 UT .. 1957-11-01 21 UT
    k = 8 + 4  # 1957-11-01 12-15 UT
    expected = [ap, day[k], day[k - 1], day[k - 2], day[k - 3], np.mean(day[k - 11:k - 3])]
    np.testing.assert_allclose(sw.ap_history[:6], expected)
    assert np.isfinite(sw.ap_history[6])  # 36-57 h before: 1957-10-30/31, in the table


def test_space_weather_accepts_datetimes_and_keeps_shape() -> None:
    when = dt.datetime(1957, 10, 4, 19, 28, tzinfo=dt.UTC)
    sw = space_weather(when)
    assert float(sw.f107) == 266.3  # 1957-10-03 (the day before launch)
    assert float(sw.f107a) == SOURCE_ROWS["1957-10-04"][1]
    grid = np.array([["1957-10-05", "1957-12-25T06:00", "1958-01-04"],
                     ["1958-02-01T23:59", "1960-12-31T12:00", "1970-12-31T21:00"]],
                    dtype="datetime64[s]")
    sw = space_weather(grid)
    assert sw.f107.shape == sw.f107a.shape == sw.ap.shape == (2, 3)
    assert sw.ap_history.shape == (2, 3, 7)
    # 1958-01-04 00:00: the day's 81-day mean and Ap; 1958-02-01 23:59: 21-24 UT ap (ap8)
    assert sw.f107a[0, 2] == SOURCE_ROWS["1958-01-04"][1] and sw.ap[0, 2] == 3
    assert sw.ap_history[1, 0, 1] == SOURCE_ROWS["1958-02-01"][3][7]
    assert float(space_weather(np.datetime64("1957-12-26")).f107) == 369.2  # interpolated day
    with pytest.raises(ValueError, match="timezone-aware"):
        space_weather(dt.datetime(1957, 11, 1))


@pytest.mark.parametrize("when", ["1957-10-01T12:00", "1957-09-30", "1971-01-01T00:00",
                                  "2000-01-01"])
def test_out_of_range_dates_raise(when: str) -> None:
    with pytest.raises(OutOfRangeError, match="1957-10-02T00:00 to 1971-01-01T00:00"):
        space_weather(np.datetime64(when))
    with pytest.raises(OutOfRangeError):
        density(np.array([np.datetime64("1957-11-01"), np.datetime64(when)]), 0.0, 0.0, 200.0)


def test_density_during_the_1957_maximum() -> None:
    pymsis = pytest.importorskip("pymsis")
    when = np.datetime64("1957-11-01T12:00")
    rho = density(when, 45.0, 30.0, 200.0)
    assert isinstance(rho, float)
    assert 1e-10 < rho < 1e-9
    # The same place and instant under a quiet Sun (F10.7 = F10.7a = 70 sfu, Ap = 4).
    quiet = pymsis.calculate(when, 30.0, 45.0, 200.0, f107s=[70.0], f107as=[70.0],
                             aps=[[4.0] * 7], version=0)[..., pymsis.Variable.MASS_DENSITY]
    assert rho > 2.0 * float(quiet.ravel()[0])


def test_density_is_vectorised_and_matches_points() -> None:
    pytest.importorskip("pymsis")
    t = np.array(["1957-10-05T00:00", "1957-12-01T06:00", "1958-02-15T18:00"],
                 dtype="datetime64[s]")
    lat = np.array([-65.0, 0.0, 33.0])
    alt = np.array([150.0, 228.0, 947.0])
    rho = density(t, lat, 10.0, alt)
    assert rho.shape == (3,)
    for i in range(3):
        assert rho[i] == pytest.approx(density(t[i], lat[i], 10.0, alt[i]), rel=1e-12)
    column = density(np.datetime64("1957-11-01T12:00"), 0.0, 0.0, np.linspace(150, 900, 16))
    assert np.all(np.diff(column) < 0.0)
    assert density(t[:0], 0.0, 0.0, 200.0).shape == (0,)


def test_density_never_lets_pymsis_fetch_its_own_indices(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pymsis")
    import pymsis.msis
    import pymsis.utils

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("pymsis tried to read or download its space-weather file")

    monkeypatch.setattr(pymsis.msis, "get_f107_ap", forbidden)
    monkeypatch.setattr(pymsis.utils, "get_f107_ap", forbidden)
    monkeypatch.setattr(pymsis.utils, "download_f107_ap", forbidden)
    rho = density(np.datetime64("1958-01-04T00:00"), 0.0, 0.0, [200.0, 400.0])
    assert np.all((rho > 0.0) & np.isfinite(rho))
    storm = density(np.datetime64("1958-01-04T00:00"), 0.0, 0.0, 200.0, storm_time=True)
    assert storm > 0.0


def test_density_bounds() -> None:
    with pytest.raises(OutOfRangeError):
        density(np.datetime64("1957-11-01"), 0.0, 0.0, 1200.0)
    with pytest.raises(OutOfRangeError):
        density(np.datetime64("1957-11-01"), 95.0, 0.0, 200.0)
    with pytest.raises(OutOfRangeError, match="57 h"):
        density(np.datetime64("1957-10-02T06:00"), 0.0, 0.0, 200.0, storm_time=True)


def test_table_is_loaded_once() -> None:
    space_weather(np.datetime64("1958-01-01"))
    before = thermosphere._table.cache_info()
    space_weather(np.datetime64("1958-01-02"))
    after = thermosphere._table.cache_info()
    assert after.misses == before.misses and after.hits > before.hits
