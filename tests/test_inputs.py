"""Only physical quantities, and one line for every mistake in a file or on the command line.

One case per kind of broken input found by the reliability review: each must exit 2 with
one line naming the file and the field (or the flag), no traceback, and nothing written.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spacerace import catalog
from spacerace.catalog import MISSIONS, VEHICLES, sources
from spacerace.catalog.missions import build_mission
from spacerace.catalog.quantities import Field, bound, describe_bounds, parse
from spacerace.catalog.schema import TABLES
from spacerace.cli import app
from spacerace.errors import CatalogError

runner = CliRunner()
DIGITS_400 = "1" + "0" * 400


def _copy(tmp_path: Path, name: str, folder: Path) -> Path:
    p = tmp_path / f"{name}.toml"
    shutil.copy(folder / f"{name}.toml", p)
    return p


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def refused(res, *words: str) -> str:
    """The rule: exit 2, one line, no traceback, and the words (file, field) in it."""
    msg = res.stderr.strip()
    assert res.exit_code == 2, (res.exit_code, res.output, msg)
    assert "Traceback" not in res.output + msg, msg
    assert len(msg.splitlines()) == 1, msg
    for w in words:
        assert w in msg, (w, msg)
    return msg


# (case, file edited: v2 vehicle or v2-london mission, old text, new text, field named)
V2_CASES = [
    ("thrust NaN", "v", '"245.2 kN"', '"nan kN"', "stages[0].engines[0].thrust_sea_level"),
    ("thrust inf", "v", '"245.2 kN"', '"inf kN"', "stages[0].engines[0].thrust_sea_level"),
    ("thrust 1e300 kN", "v", '"245.2 kN"', '"1e300 kN"', "engines[0].thrust_sea_level"),
    ("thrust 1e400 kN", "v", '"245.2 kN"', '"1e400 kN"', "engines[0].thrust_sea_level"),
    ("thrust 400 digits", "v", '"245.2 kN"', f'"{DIGITS_400} kN"', "thrust_sea_level"),
    ("thrust expression", "v", '"245.2 kN"', '"10**10**10 kN"', "thrust_sea_level"),
    ("thrust unit expression", "v", '"245.2 kN"', '"245.2 kN**10**10**10"',
     "thrust_sea_level"),
    ("thrust bare text number", "v", '"245.2 kN"', '"245200"', "thrust_sea_level"),
    ("thrust bare TOML number", "v", 'value = "245.2 kN"', "value = 245200",
     "thrust_sea_level"),
    ("count NaN", "v", "count = 1", "count = nan", "engines[0].count"),
    ("count inf", "v", "count = 1", "count = inf", "engines[0].count"),
    ("count 1e300", "v", "count = 1", "count = 1e300", "engines[0].count"),
    ("count 400 digits", "v", "count = 1", f"count = {DIGITS_400}", "engines[0].count"),
    ("drag cd NaN", "v", "cd = [0.15,", "cd = [nan,", "stages[0].drag.cd[0]"),
    ("drag cd negative", "v", "cd = [0.15,", "cd = [-0.15,", "stages[0].drag.cd[0]"),
    ("drag cd 1e300", "v", "cd = [0.15,", "cd = [1e300,", "stages[0].drag.cd[0]"),
    ("drag Mach NaN", "v", "mach = [0.0,", "mach = [nan,", "stages[0].drag.mach[0]"),
    ("mass flow 1e-300", "v", '"130.2 kg/s"', '"1e-300 kg/s"', "engines[0].mass_flow"),
    ("diameter 1e10 m", "v", '"1.651 m"', '"1e10 m"', "stages[0].diameter"),
    ("diameter NaN", "v", '"1.651 m"', '"nan m"', "stages[0].diameter"),
    ("exit area 1e6 m^2", "v", '"0.429 m^2"', '"1e6 m^2"', "engines[0].nozzle_exit_area"),
    ("figure key misspelt", "v", 'value = "1.651 m", source', 'value = "1.651 m", sorce',
     "stages[0].diameter.sorce"),
    ("figure flag misspelt", "v", 'value = "1.651 m",', 'value = "1.651 m", unconfirmd = true,',
     "stages[0].diameter.unconfirmd"),
    ("alternative key misspelt", "v", '{ value = "725 kg", s', '{ vaule = "725 kg", s',
     "payload_mass.alternatives[0].vaule"),
    ("zero propellant burnt", "v", '"8670 kg"', '"0 kg"', "stages[0].propellant_mass"),
    ("sources a string", "v", "[vehicle]", 'sources = "x"\n[vehicle]', "sources"),
    ("azimuth NaN", "m", '"260.6 deg"', '"nan deg"', "mission.azimuth"),
    ("azimuth 1e300 deg", "m", '"260.6 deg"', '"1e300 deg"', "mission.azimuth"),
    ("angle as a bare number", "m", '"260.6 deg"', '"4.548"', "mission.azimuth"),
    ("angle in a dimensionless unit", "m", '"260.6 deg"', '"4548 m/km"', "mission.azimuth"),
    ("pitch elevation NaN", "m", "values = [90.0, 90.0, 40.0", "values = [nan, 90.0, 40.0",
     "pitch_program.elevation[0]"),
    ("pitch elevation 4000 deg", "m", "values = [90.0, 90.0, 40.0",
     "values = [90.0, 90.0, 4000.0", "pitch_program.elevation[2]"),
    ("site altitude -7000 km", "m", '"5 m"', '"-7000 km"', "mission.site.alt"),
    ("site altitude 1e9 m", "m", '"5 m"', '"1e9 m"', "mission.site.alt"),
    ("density factor negative", "m", "[environment.wind]",
     "[environment]\ndensity_scale = -1.0\n\n[environment.wind]", "environment.density_scale"),
    ("density factor NaN", "m", "[environment.wind]",
     "[environment]\ndensity_scale = nan\n\n[environment.wind]", "environment.density_scale"),
    ("wind 2,500 km/s", "m", "values = [5.0, 10.0, 25.0", "values = [5.0, 10.0, 2.5e6",
     "environment.wind.speed[2]"),
    ("phase limit 1e12 s", "m", 'value = "4 s"', 'value = "1e12 s"', "phases[0].until.time"),
    ("phase limit 1e7 s", "m", 'value = "4 s"', 'value = "1e7 s"', "phases[0].until.time"),
    ("archive value not a number", "m", "[archive.impact_lat_deg]",
     '[archive.foo]\nvalue = "abc"\nsource = "WP-STAVELEY"\nrole = "context"\n\n'
     '[archive.impact_lat_deg]',
     "archive.foo.value"),
    ("mission sources a string", "m", "[mission]", 'sources = "x"\n[mission]', "sources"),
    ("deeply nested array", "v", "[vehicle]",
     "x = " + "[" * 100_000 + "]" * 100_000 + "\n[vehicle]", "not valid TOML"),
    ("deeply nested inline tables", "m", "[mission]",
     "x = " + "{a=" * 5_000 + "1" + "}" * 5_000 + "\n[mission]", ".toml"),
]


@pytest.mark.parametrize("case,which,old,new,field", V2_CASES, ids=[c[0] for c in V2_CASES])
def test_broken_file_gets_one_line(tmp_path, case, which, old, new, field):
    v = _copy(tmp_path, "v2", VEHICLES)
    m = _copy(tmp_path, "v2-london", MISSIONS)
    edited = v if which == "v" else m
    _edit(edited, old, new)
    out = tmp_path / "out.csv"
    started = time.perf_counter()
    res = runner.invoke(app, ["fly", "--vehicle", str(v), "--mission", str(m), "--csv",
                              str(out)])
    refused(res, edited.name, field)
    assert time.perf_counter() - started < 10.0
    assert not out.exists()


# Montecarlo on a copy of v2-london whose first dispersion (the azimuth's) is changed.
AZ = '[dispersions."mission.azimuth"]\ndistribution = "normal"\nsd = "0.1 deg"'
DISPERSION_CASES = [
    ("path misspelt", '[dispersions."mission.azimut"]\ndistribution = "normal"\n'
     'sd = "0.1 deg"', 'dispersions.mission.azimut', "no field 'azimut'"),
    ("path a property", '[dispersions."vehicle.liftoff_mass"]\ndistribution = "normal"\n'
     "sd = 10.0", "dispersions.vehicle.liftoff_mass", "'liftoff_mass'"),
    ("path a dunder", '[dispersions."vehicle.__class__"]\ndistribution = "normal"\n'
     'sd = "1 m/s"', "dispersions.vehicle.__class__", "'__class__'"),
    ("path index on a number", '[dispersions."mission.azimuth[0]"]\n'
     'distribution = "normal"\nsd = "0.1 deg"', "dispersions.mission.azimuth[0]", "index"),
    ("sd NaN", AZ.replace('"0.1 deg"', '"nan deg"'), "dispersions.mission.azimuth.sd", ""),
    ("sd NaN %", AZ.replace('"0.1 deg"', '"nan %"'), "dispersions.mission.azimuth.sd", ""),
    ("sd 1e6 %", AZ.replace('"0.1 deg"', '"1e6 %"'), "dispersions.mission.azimuth.sd", ""),
    ("sd 1e300 deg", AZ.replace('"0.1 deg"', '"1e300 deg"'), "dispersions.mission.azimuth.sd",
     "span"),
    ("uniform low above high", AZ.replace('"normal"\nsd = "0.1 deg"',
                                          '"uniform"\nlow = "1 deg"\nhigh = "-1 deg"'),
     "dispersions.mission.azimuth.high", ""),
    ("truncnormal low above high", AZ.replace(
        'sd = "0.1 deg"', 'sd = "0.1 deg"\nlow = "1 deg"\nhigh = "-1 deg"').replace(
        '"normal"', '"truncnormal"'), "dispersions.mission.azimuth.high", ""),
]


@pytest.mark.parametrize("case,new,field,words", DISPERSION_CASES,
                         ids=[c[0] for c in DISPERSION_CASES])
def test_broken_dispersion_gets_one_line(tmp_path, case, new, field, words):
    m = _copy(tmp_path, "v2-london", MISSIONS)
    _edit(m, AZ, new)
    study = tmp_path / "study"
    res = runner.invoke(app, ["montecarlo", str(m), "-n", "20", "--study", str(study)])
    refused(res, m.name, field, words)
    assert not study.exists()


@pytest.mark.parametrize("key", ["archive", "dispersions", "sources"])
def test_tables_of_tables_that_are_strings_are_refused(key):
    data = tomllib.loads((MISSIONS / "v2-london.toml").read_text())
    data[key] = "x"
    with pytest.raises(CatalogError, match=rf"^m\.toml: {key}: expected"):
        build_mission(data, Field("m.toml", ""), sources())


def test_negative_satellite_drag_is_refused(tmp_path):
    m = _copy(tmp_path, "sputnik-1", MISSIONS)
    _edit(m, "cd = { value = 2.2,", "cd = { value = -2.2,")
    refused(runner.invoke(app, ["decay", str(m)]), m.name, "satellite.cd")


@pytest.mark.parametrize("mission,epoch,command,table", [
    ("apollo-11", "1800-07-16T13:32:00Z", "fly", "ephemeris"),
    ("apollo-11", "2049-12-31T13:32:00Z", "fly", "ephemeris"),
    ("sputnik-1", "3000-10-04T19:28:34Z", "decay", "space-weather"),
    ("sputnik-1", "1800-10-04T19:28:34Z", "decay", "space-weather"),
    ("sputnik-1", "2030-10-04T19:28:34Z", "validate", "space-weather"),
])
def test_launch_date_outside_the_tables_says_the_range(tmp_path, mission, epoch, command,
                                                        table):
    m = _copy(tmp_path, mission, MISSIONS)
    text = m.read_text()
    old = next(line for line in text.splitlines() if line.startswith("epoch = "))
    _edit(m, old, f"epoch = {epoch}")
    msg = refused(runner.invoke(app, [command, str(m)]), m.name, "mission.epoch", table)
    assert ("1900-01-01 to 2050-01-01" in msg) if table == "ephemeris" else \
        ("1957-10-02 to 1971-01-01" in msg)


def test_seed_above_int64_is_a_usage_error(tmp_path):
    res = runner.invoke(app, ["montecarlo", "v2-london", "-n", "20", "--seed",
                              str(2**63), "--study", str(tmp_path / "s")])
    assert res.exit_code == 2 and "Traceback" not in res.output + res.stderr
    assert "--seed" in res.output + res.stderr
    assert not (tmp_path / "s").exists()


def test_ctrl_c_before_the_study_begins(tmp_path, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(catalog, "load", interrupted)
    res = runner.invoke(app, ["montecarlo", "v2-london", "-n", "20", "--study",
                              str(tmp_path / "s")])
    assert res.exit_code == 130, res.output
    assert "Traceback" not in res.output + res.stderr and "interrupted" in res.stderr
    assert not (tmp_path / "s").exists()


# --- the quantity reader itself ------------------------------------------------------------

W = Field("f.toml", "x")


@pytest.mark.parametrize("text,kind,si", [
    ("245.2 kN", "force", 245_200.0),
    ("25 tf", "force", 25 * 9_806.65),
    ("4,008 kg", "mass", 4_008.0),
    ("1.5e3 kg", "mass", 1_500.0),
    ("-0.265 deg", "angle", math.radians(-0.265)),
    ("0.43 m^2", "area", 0.43),
    ("0.43 m**2", "area", 0.43),
    ("114.8 min", "time", 6_888.0),
    ("130.2 kg/s", "mass_flow", 130.2),
    (".5 km", "length", 500.0),
])
def test_number_and_unit_are_read(text, kind, si):
    assert parse(text, W, kind) == pytest.approx(si, rel=1e-12)


@pytest.mark.parametrize("text,kind", [
    ("0.1125", "angle"), ("1e5", "mass"), ("2 * 3 kg", "mass"), ("(1 + 2) kg", "mass"),
    ("1,5 kg", "mass"), ("nan kg", "mass"), ("inf kg", "mass"), ("1e400 kg", "mass"),
    ("10**10**10 kN", "force"), ("1 kN**10**10", "force"), ("3 m", "force"),
    ("5 m/km", "angle"), ("5 deg", "length"), ("1 x" * 100, "mass"), ("__import__ kg", "mass"),
])
def test_anything_else_is_refused_with_the_field(text, kind):
    with pytest.raises(CatalogError, match=r"^f\.toml: x: expected "):
        parse(text, W, kind)


def test_every_bound_of_the_schema_is_readable_and_ordered():
    for name, fields in TABLES.items():
        for key, spec in fields.items():
            if spec.low is not None and spec.high is not None:
                assert bound(spec.low, spec.kind) < bound(spec.high, spec.kind), (name, key)
            if spec.default is not None and spec.kind not in ("flag", "text"):
                assert bound(spec.default, spec.kind) is not None
            assert describe_bounds(spec) or spec.low is None, (name, key)


@pytest.mark.parametrize("old,new", [
    ('"245.2 kN"', '"nan kN"'), ('"245.2 kN"', '"10**10**10 kN"'),
    ('value = "245.2 kN"', "value = 245200"), ("cd = [0.15,", "cd = [-0.15,"),
], ids=["NaN thrust", "thrust expression", "bare thrust", "negative Cd"])
def test_the_issue_checks_in_a_real_process(tmp_path, old, new):
    v = _copy(tmp_path, "v2", VEHICLES)
    m = _copy(tmp_path, "v2-london", MISSIONS)
    _edit(v, old, new)
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "spacerace", "fly", "--vehicle", str(v),
                           "--mission", str(m)], capture_output=True, text=True, timeout=60)
    assert time.perf_counter() - started < 10.0
    assert proc.returncode == 2 and proc.stdout == ""
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert f"{v}: stages[0]." in proc.stderr
