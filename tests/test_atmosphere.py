"""The simulator's atmosphere against the published tables of the U.S. Standard Atmosphere 1976.

Reference: U.S. Standard Atmosphere, 1976, NOAA-S/T 76-1562 (NASA-TM-X-74335), NOAA, NASA and
USAF, U.S. Government Printing Office, Washington D.C., October 1976. Part 4, Table I
(geometric altitude, metric units: temperature, pressure, density) and Table III (speed of
sound, to 86 km). The values, with table and page for each row, are in
``tests/reference/ussa1976_table.csv``; ``tests/reference/README.md`` says how they were
transcribed and cross-checked.

Tolerances: below 86 km the tables print five significant figures, so T, p, rho and a must agree
to 2e-4 relative. From 86 km up the standard is a numerically integrated diffusion model that
the simulator interpolates from a 1 km table: p and rho to 1 %, T to 0.5 %. The standard gives
no speed of sound above 86 km, so none is checked there.
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import numpy as np
import pytest

from spacerace.errors import OutOfRangeError
from spacerace.models.atmosphere import us76

TABLE = Path(__file__).parent / "reference" / "ussa1976_table.csv"
UPPER_KM = 86.0  # where the tabulated diffusion model starts

RTOL_LOWER = 2e-4  # T, p, rho, a below 86 km
RTOL_UPPER = {"T": 5e-3, "p": 1e-2, "rho": 1e-2}  # from 86 km up


def _load() -> list[dict[str, float]]:
    rows = []
    with TABLE.open(newline="") as f:
        for r in csv.DictReader(f):
            rows.append({
                "alt_km": float(r["alt_km"]),
                "T": float(r["T_K"]),
                "p": float(r["p_Pa"]),
                "rho": float(r["rho_kg_m3"]),
                "a": float(r["a_m_s"]) if r["a_m_s"].strip() else math.nan,
            })
    return rows


ROWS = _load()


def _rtol(alt_km: float, quantity: str) -> float:
    return RTOL_LOWER if alt_km < UPPER_KM else RTOL_UPPER[quantity]


def test_reference_table_is_complete() -> None:
    assert len(ROWS) >= 28
    alts = [r["alt_km"] for r in ROWS]
    assert alts == sorted(alts)
    assert alts[0] == 0.0 and alts[-1] == 1000.0
    for r in ROWS:
        # the published table gives a speed of sound only up to 86 km
        assert r["alt_km"] <= UPPER_KM or math.isnan(r["a"])


@pytest.mark.parametrize("row", ROWS, ids=[f"{r['alt_km']:g}km" for r in ROWS])
def test_scalar_against_published_table(row: dict[str, float]) -> None:
    z = row["alt_km"]
    t, p, rho, a = us76(z * 1000.0)
    for name, value in (("T", t), ("p", p), ("rho", rho)):
        assert float(value) == pytest.approx(row[name], rel=_rtol(z, name)), (
            f"{name} at {z:g} km: {float(value):.6g}, published {row[name]:.6g}"
        )
    if z <= UPPER_KM and not math.isnan(row["a"]):
        assert float(a) == pytest.approx(row["a"], rel=RTOL_LOWER), (
            f"a at {z:g} km: {float(a):.6g}, published {row['a']:.6g}"
        )


def test_array_against_published_table() -> None:
    z = np.array([r["alt_km"] for r in ROWS])
    t, p, rho, a = us76(z * 1000.0)
    for name, values in (("T", t), ("p", p), ("rho", rho)):
        values = np.asarray(values, dtype=float)
        assert values.shape == z.shape
        expected = np.array([r[name] for r in ROWS])
        rtol = np.array([_rtol(zz, name) for zz in z])
        err = np.abs(values / expected - 1.0)
        assert np.all(err <= rtol), f"{name} off at {z[err > rtol]} km"
    a = np.asarray(a, dtype=float)
    expected_a = np.array([r["a"] for r in ROWS])
    has_a = (z <= UPPER_KM) & ~np.isnan(expected_a)
    err_a = np.abs(a[has_a] / expected_a[has_a] - 1.0)
    assert np.all(err_a <= RTOL_LOWER), f"a off at {z[has_a][err_a > RTOL_LOWER]} km"


def _numbers(message: str) -> list[float]:
    """Every number in a message, thousands separators (',', '_', thin or plain space) removed."""
    text = re.sub(r"(?<=\d)[,_\u2009\u202f ](?=\d{3}\b)", "", message)
    return [float(x) for x in re.findall(r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?", text)]


def _names_limit(message: str, limit_m: float) -> bool:
    nums = _numbers(message)
    if any(math.isclose(x, limit_m) for x in nums):
        return True
    return "km" in message and any(math.isclose(x, limit_m / 1000.0) for x in nums)


@pytest.mark.parametrize("alt_m, limit_m", [
    (-5000.1, -5000.0),
    (-10_000.0, -5000.0),
    (1_000_000.5, 1_000_000.0),
    (2.0e6, 1_000_000.0),
])
def test_out_of_range_raises(alt_m: float, limit_m: float) -> None:
    with pytest.raises(OutOfRangeError) as info:
        us76(alt_m)
    assert isinstance(info.value, ValueError)
    assert _names_limit(str(info.value), limit_m), (
        f"message does not give the limit {limit_m:g} m: {info.value}"
    )


def test_out_of_range_in_array_raises() -> None:
    with pytest.raises(OutOfRangeError):
        us76(np.array([0.0, 10_000.0, 1.5e6]))


@pytest.mark.parametrize("alt_m", [-5000.0, 1_000_000.0])
def test_range_limits_are_accepted(alt_m: float) -> None:
    values = us76(alt_m)
    assert len(values) == 4
    assert all(np.isfinite(float(v)) and float(v) > 0.0 for v in values)
