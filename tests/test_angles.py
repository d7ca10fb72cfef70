"""``models.angles.angle`` against the C library's ``atan2`` (through ``math.atan2``)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spacerace.models.angles import angle

FINITE = st.floats(allow_nan=False, allow_infinity=False)
SPECIAL = (0.0, -0.0, 1.0, -1.0, 5e-324, -5e-324, 1.7e308, -1.7e308, math.inf, -math.inf)


@settings(max_examples=3000, deadline=None)
@given(FINITE, FINITE)
def test_angle_is_atan2_within_one_unit_in_the_last_place(y: float, x: float) -> None:
    want = math.atan2(y, x)
    got = angle(y, x)
    assert abs(got - want) <= math.ulp(want)
    assert math.copysign(1.0, got) == math.copysign(1.0, want)  # the sign of a zero too


@pytest.mark.parametrize("y", SPECIAL)
@pytest.mark.parametrize("x", SPECIAL)
def test_angle_of_zeros_extremes_and_infinities_is_atan2s(y: float, x: float) -> None:
    want = math.atan2(y, x)
    got = angle(y, x)
    assert abs(got - want) <= math.ulp(want)
    assert math.copysign(1.0, got) == math.copysign(1.0, want)


def test_angle_of_nan_is_nan() -> None:
    assert math.isnan(angle(math.nan, 1.0)) and math.isnan(angle(1.0, math.nan))
