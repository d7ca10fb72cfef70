"""Acceptance: the R-7 (8K71) with its 5.4 t warhead at its published maximum range.

Data source: RSW-R7 (RussianSpaceWeb, 'R-7'): maximum range 8,500-8,800 km (8,000 km also
given), warhead 5,300-5,500 kg, CEP 2.5-5 km. Tolerance: range within 10 % of the archival
maximum (the project's acceptance criterion), impact within the CEP of the aim point.
"""

import json

import pytest
from typer.testing import CliRunner

from spacerace.cli import app


@pytest.fixture(scope="module")
def doc():
    result = CliRunner().invoke(app, ["fly", "r7-icbm", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_range_with_the_archival_warhead(doc):
    """Aimed (range control and azimuth solved for 8,500 km): checks that the R-7 can reach
    it with the 5.4 t warhead, and the solver."""
    assert doc["figures"]["range_m"] == pytest.approx(8650e3, rel=0.10)
    assert doc["figures"]["miss_distance_m"] < 2500.0


def test_a_real_ballistic_missile_flight(doc):
    f = doc["figures"]
    assert 600e3 < f["max_altitude_m"] < 1600e3  # ICBM apogees are about 1,000 km
    assert 5500.0 < f["reentry_speed_m_s"] < 7500.0
    assert 20 * 60 < f["flight_time_s"] < 45 * 60
