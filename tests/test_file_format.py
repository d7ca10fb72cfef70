"""The file-format reference, the JSON Schemas and `spacerace new`: generated from the loader's
schema, in step with it, and enough to write a pair of files that flies."""

import copy
import datetime as dt
import importlib.util
import json
import math
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spacerace.catalog import MISSIONS, VEHICLES, load_vehicle, sources
from spacerace.catalog.missions import build_mission
from spacerace.catalog.quantities import DIMENSIONS, Field, _si
from spacerace.catalog.reference import UNIT_EXAMPLES, json_schema, markdown
from spacerace.catalog.schema import TABLES
from spacerace.cli import app
from spacerace.errors import CatalogError

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def _generator():
    spec = importlib.util.spec_from_file_location("gen_file_format",
                                                  ROOT / "tools" / "gen_file_format.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_reference_and_schemas_match_the_loaders_schema():
    """Drift: regenerate docs/file-format.md and the JSON Schemas and compare."""
    for name, text in _generator().outputs().items():
        committed = (ROOT / "docs" / name).read_text(encoding="utf-8")
        assert committed == text, (f"docs/{name} differs from the schema: run "
                                   "PYTHONPATH=src python tools/gen_file_format.py")


def test_reference_documents_every_table_and_field():
    doc = markdown()
    for table, fields in TABLES.items():
        assert f"### {table}\n" in doc
        section = doc.split(f"### {table}\n", 1)[1].split("\n### ", 1)[0]
        for key in fields:
            assert f"| `{key}` |" in section, (table, key)


@pytest.mark.parametrize("kind", sorted(UNIT_EXAMPLES))
def test_unit_examples_of_the_reference_are_read(kind):
    for text in UNIT_EXAMPLES[kind]:
        assert math.isfinite(_si(text, kind)), text
    assert set(UNIT_EXAMPLES) == set(DIMENSIONS)


def test_period_units_convert_as_published():
    # 1 kgf = 9.80665 N exactly (3rd CGPM, 1901); 1 lbf = 4.4482216152605 N (NIST SP 811)
    assert _si("25 tf", "force") == pytest.approx(245_166.25, rel=1e-12)
    assert _si("56,000 lbf", "force") == pytest.approx(249_100.4, abs=0.1)
    # NMUSAF-V2 gives 56,000 lbf as 249.1 kN (the V-2 file's alternative)
    assert _si("8.67 t", "mass") == 8670.0


def _plain(node):
    """A parsed TOML document as taplo shows it to a JSON Schema: date-times as text."""
    if isinstance(node, dict):
        return {k: _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, (dt.datetime, dt.date, dt.time)):
        return node.isoformat()
    return node


def _validator(kind):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json_schema(kind)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("kind,folder", [("vehicle", VEHICLES), ("mission", MISSIONS)])
def test_every_catalog_file_is_valid_under_its_json_schema(kind, folder):
    validator = _validator(kind)
    files = sorted(folder.glob("*.toml"))
    assert files
    for path in files:
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in
                  validator.iter_errors(_plain(tomllib.loads(path.read_text("utf-8"))))]
        assert not errors, (path.name, errors[:3])


def test_json_schema_refuses_what_the_loader_refuses():
    vehicle = _validator("vehicle")
    data = tomllib.loads((VEHICLES / "v2.toml").read_text("utf-8"))
    typo = copy.deepcopy(data)
    typo["stages"][0]["dry_mas"] = typo["stages"][0].pop("dry_mass")
    bare = copy.deepcopy(data)
    bare["stages"][0]["diameter"] = 1.65  # no unit
    for bad in (typo, bare):
        assert not vehicle.is_valid(_plain(bad))
    mission = _validator("mission")
    data = tomllib.loads((MISSIONS / "v2-london.toml").read_text("utf-8"))
    for change in ({"aim": []}, {"aim": ["cutoff_speed"]}):  # the aim no longer solves it
        m = copy.deepcopy(data)
        m["mission"].update(change)
        del m["mission"]["azimuth"]
        assert not mission.is_valid(_plain(m))
    del data["mission"]["azimuth"]  # the aim (cutoff_speed, azimuth) solves it
    assert mission.is_valid(_plain(data))


def _mission(name, change, drop=()):
    data = tomllib.loads((MISSIONS / f"{name}.toml").read_text("utf-8"))
    data["mission"].update(change)
    for key in drop:
        data["mission"].pop(key, None)
    names = {s.name: i for i, s in enumerate(load_vehicle(data["mission"]["vehicle"]).stages)}
    return build_mission(data, Field("m.toml", ""), sources(), names)


def test_azimuth_defaults_to_the_bearing_of_the_target():
    """v2-london's file gives 260.6 deg as the WGS-84 geodesic azimuth to Staveley Road."""
    m = _mission("v2-london", {}, drop=["azimuth"])
    assert math.degrees(m.azimuth) == pytest.approx(260.6, abs=0.05)


def test_azimuth_defaults_to_the_one_of_the_inclination():
    """sputnik-1's file gives 37.2 deg for i = 65.1 deg from 45.92 deg N (sin Az = cos i /
    cos lat); a retrograde orbit (i = 97 deg) goes north-west, to 360 - 10.1 deg."""
    m = _mission("sputnik-1", {}, drop=["azimuth"])
    assert math.degrees(m.azimuth) == pytest.approx(37.2, abs=0.05)
    m = _mission("sputnik-1", {"inclination": "97 deg"}, drop=["azimuth"])
    expected = math.degrees(math.asin(math.cos(math.radians(97)) /
                                      math.cos(math.radians(45.920278))))
    assert math.degrees(m.azimuth) == pytest.approx(360 + expected, abs=1e-9)
    assert 349 < math.degrees(m.azimuth) < 350


def test_azimuth_needed_where_no_aim_solves_it():
    with pytest.raises(CatalogError) as exc:
        _mission("v2-london", {"aim": ["cutoff_speed"]}, drop=["azimuth"])
    assert exc.value.field == "mission.azimuth"
    with pytest.raises(CatalogError) as exc:  # below the site's latitude: no direct launch
        _mission("sputnik-1", {"inclination": "30 deg"}, drop=["azimuth"])
    assert exc.value.field == "mission.inclination"


@pytest.mark.parametrize("key,spec", [(k, s) for k, s in TABLES["mission"].items()
                                      if s.when_aim or s.unless_aim])
def test_conditions_of_the_schema_are_the_loaders(key, spec):
    """A field the reference says an aim needs is refused, by name, when missing."""
    for word in spec.when_aim:
        with pytest.raises(CatalogError) as exc:
            _mission("sputnik-1" if word in ("inclination", "moon") else "v2-london",
                     {"aim": [word]}, drop=[key])
        assert exc.value.field == f"mission.{key}"
    if spec.unless_aim:
        with pytest.raises(CatalogError) as exc:
            _mission("v2-london", {"aim": []}, drop=[key])
        assert exc.value.field == f"mission.{key}"


def test_new_pair_flies_as_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["new", "vehicle", "my-rocket"]).exit_code == 0
    res = runner.invoke(app, ["new", "mission", "my-flight", "--vehicle", "my-rocket"])
    assert res.exit_code == 0, res.output
    for kind, name in (("vehicle", "my-rocket"), ("mission", "my-flight")):
        text = (tmp_path / f"{name}.toml").read_text("utf-8")
        assert "MY-SOURCE = " in text
        assert _validator(kind).is_valid(_plain(tomllib.loads(text)))
    res = runner.invoke(app, ["fly", "--vehicle", "my-rocket.toml", "--mission",
                              "my-flight.toml", "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    # aimed at the target 135.5 km away (WGS-84 geodesic) with no azimuth in the file
    assert doc["figures"]["range_m"] == pytest.approx(135_500, abs=100)
    assert doc["figures"]["max_altitude_m"] > 20_000
    res = runner.invoke(app, ["fly", "--mission", "my-flight.toml"])  # its own vehicle file
    assert res.exit_code == 0, res.output


def test_new_refuses_to_overwrite(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "out" / "x.toml"
    target.parent.mkdir()
    assert runner.invoke(app, ["new", "mission", "x", "--out", str(target)]).exit_code == 0
    before = target.read_bytes()
    res = runner.invoke(app, ["new", "vehicle", "x", "--out", str(target)])
    assert res.exit_code == 2
    assert len(res.output.strip().splitlines()) == 1 and "exists" in res.output
    assert target.read_bytes() == before
