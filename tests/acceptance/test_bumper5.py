"""Acceptance: Bumper 5, V-2 + WAC Corporal, White Sands, 24 February 1949.

Data sources (see src/spacerace/catalog/sources.toml): the record apogee, 244 mi = 392.7 km
(SP4201, NASM-HYPERSONIC, EDN) to 250 mi = 402.3 km (TIME1949, NASA-BUMPER); the WAC's top
speed 5,000-5,150 mph = 2,235-2,302 m/s (TIME1949, CAIDIN-1954, SP4201), frame unstated.
The flight's inputs are sourced and none is chosen with these figures in view: the V-2 is
cut off at its published separation speed (1,609 m/s, EDN), the WAC burns its rated motor
(1,500 lbf, 195 s at sea level: RO-AEROBEE) for the published 45 s (EDN) on its published
318 kg (SP4401). The apogee and the top speed are therefore predictions.

Known failure: that motor on that mass climbs to about 535 km at about 2.69 km/s, far above
the record. The WAC's Bumper mass is the least certain figure (310, 318 and 454 kg are
quoted); the record lies between the apogees the quoted masses give, which is checked here
without marking a value as right. The band checks are expected failures (strict: they turn
into errors when they pass).
"""

import dataclasses
import json
import tomllib

import pytest
from typer.testing import CliRunner

from spacerace.catalog import VEHICLES, load
from spacerace.catalog.quantities import Field, parse
from spacerace.cli import app
from spacerace.flight import fly

RECORD_KM = (392.7, 402.3)  # SP4201 .. TIME1949
TOP_SPEED = (2235.0, 2302.0)  # TIME1949 .. SP4201 [m/s]
KNOWN_MISS = pytest.mark.xfail(
    strict=True, reason="the sourced WAC motor on the sourced 318 kg WAC flies far above the "
    "record (about 535 km); the WAC's mass or delivered impulse is unresolved (vehicle file)")


@pytest.fixture(scope="module")
def rows():
    result = CliRunner().invoke(app, ["validate", "bumper-5", "--json"])
    assert result.exit_code in (0, 1), result.output
    return {r["figure"]: r for r in json.loads(result.stdout)}


def test_apogee_and_top_speed_are_scored(rows):
    assert rows["max_altitude_m"]["range"] == pytest.approx([k * 1e3 for k in RECORD_KM])
    assert rows["burnout_speed_m_s"]["range"] == pytest.approx(list(TOP_SPEED))
    assert {rows[k]["verdict"] for k in ("max_altitude_m", "burnout_speed_m_s")} <= {
        "pass", "FAIL"}


@KNOWN_MISS
def test_apogee_within_the_record(rows):
    assert RECORD_KM[0] <= rows["max_altitude_m"]["simulated"] / 1e3 <= RECORD_KM[1]


@KNOWN_MISS
def test_top_speed_within_the_published_band(rows):
    assert TOP_SPEED[0] <= rows["burnout_speed_m_s"]["simulated"] <= TOP_SPEED[1]


def test_quoted_wac_masses_bracket_the_record():
    # each quoted WAC mass (the dry-mass alternatives of the vehicle file, and the nominal)
    # flown with the same sourced motor: the lightest must fly above the record, the heaviest
    # below it, or the motor itself (not the mass) would be at fault
    vehicle, mission = load("bumper-5")
    data = tomllib.loads((VEHICLES / "bumper-wac.toml").read_text())
    k = next(i for i, s in enumerate(data["stages"]) if s["name"] == "WAC Corporal")
    dry = data["stages"][k]["dry_mass"]
    masses = [vehicle.stages[k].dry_mass] + [
        parse(a, Field("bumper-wac.toml", "dry_mass"), "mass") for a in dry["alternatives"]
        if a.get("spread", True)]
    apogees = []
    for m in masses:
        stages = list(vehicle.stages)
        stages[k] = dataclasses.replace(stages[k], dry_mass=m)
        res = fly(dataclasses.replace(vehicle, stages=tuple(stages)), mission)
        apogees.append(res.figures["max_altitude_m"] / 1e3)
    assert len(masses) >= 3
    assert min(apogees) < RECORD_KM[0] and max(apogees) > RECORD_KM[1], apogees
