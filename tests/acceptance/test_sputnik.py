"""Acceptance: Sputnik 1 on the 8K71PS, 4 October 1957.

Data source: WP-SPUTNIK1 (Wikipedia 'Sputnik 1', launch and mission section, NSSDC elements):
orbit 215 x 939 km above a 6,378 km sphere, inclination 65.1 deg, period 96.2 min; core
cut-off at 294.6 s, 223 km, 7,780 m/s (Earth-relative), flight-path angle 0 deg 24 min.
The closed-loop insertion law targets the orbit reached, so the orbit itself checks the
guidance; the cut-off time, altitude and speed check the vehicle and its trajectory.
Tolerances: the project's acceptance criteria for this flight.
"""

import json

import pytest
from typer.testing import CliRunner

from spacerace.cli import app


@pytest.fixture(scope="module")
def figures():
    result = CliRunner().invoke(app, ["fly", "sputnik-1", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["figures"]


def test_orbit(figures):
    """Aimed: the orbit is the closed-loop insertion's target and the inclination the
    azimuth aim's, so this checks the guidance and the aim, not the vehicle."""
    assert figures["inclination_deg"] == pytest.approx(65.1, abs=0.3)
    assert figures["perigee_altitude_m"] == pytest.approx(215e3, abs=15e3)
    assert figures["apogee_altitude_m"] == pytest.approx(939e3, abs=60e3)
    assert figures["period_s"] / 60 == pytest.approx(96.2, abs=1.5)


def test_core_cutoff(figures):
    """The cut-off time is a prediction; its altitude and speed follow from the insertion's
    target (aimed), so those two check the guidance."""
    assert figures["cutoff_altitude_m"] == pytest.approx(223e3, rel=0.05)
    assert figures["cutoff_speed_m_s"] == pytest.approx(7780.0, rel=0.05)
    assert figures["cutoff_time_s"] == pytest.approx(294.6, abs=15.0)
    assert figures["insertion_time_s"] == figures["cutoff_time_s"]
    # the vehicle reached the orbit before its core ran dry: the flight does not depend on
    # a propellant figure chosen to land exactly on the target
    assert figures["cutoff_time_s"] < 286.5
