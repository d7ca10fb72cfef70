"""Property-based tests: no input, however broken, gets past the rule for a user's mistake.

The rule: a broken vehicle or mission file is refused with one line naming the file, the
field and what was expected (``CatalogError``; exit status 2 on the command line), never a
traceback, and nothing is written; the web API answers a broken request with a 4xx and a JSON
``detail``, never a 500. Files are catalog files with one change drawn by hypothesis (a
quantity replaced, a number replaced, a key misspelt, or the whole text replaced); most are
refused at load, so no flight is flown and the suite takes well under a minute.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import math
import re
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from spacerace import catalog
from spacerace.catalog import MISSIONS, VEHICLES
from spacerace.catalog.missions import dispersion_field
from spacerace.catalog.quantities import DIMENSIONS, Field, parse
from spacerace.catalog.schema import TABLES
from spacerace.cli import app
from spacerace.constants import G0
from spacerace.errors import CatalogError


def fuzz(examples: int) -> settings:
    """Bounded examples, no deadline (the first load imports pint), no example database."""
    return settings(max_examples=examples, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))


PAIRS = [("v2", "v2-london"), ("r7-8k71ps", "sputnik-1"), ("saturn-v-as506", "apollo-11"),
         ("juno-1", "explorer-1")]
TEXTS = {name: path.read_text() for folder in (VEHICLES, MISSIONS)
         for name, path in ((p.stem, p) for p in folder.glob("*.toml"))}

# Where a file can be changed: quantity strings, bare numbers, keys.
QUANTITY = re.compile(r'"[-+]?\.?\d[\d.,eE+-]* [^"\n]{1,12}"')
NUMBER = re.compile(r"(?<=[=\[,] )-?\d+(?:\.\d+)?(?=[,\]\n }])")
KEY = re.compile(r"(?m)^ *(\w+) = |(?<=[{,] )(\w+) = ")

UNITS = ["kN", "kg", "m", "s", "deg", "m/s", "kg/s", "m^2", "tf", "lbf", "min", "h", "day",
         "km", "rad", "K", "degC", "%", "m**2", "kN**10**10", "m/km", "1/s", "", "kg gross",
         "eV", "percent", "nautical_mile", "deg**2", "mph"]
numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**500), max_value=10**500).map(str),
    st.from_regex(r"[-+]?\d{1,3}(,\d{3}){0,3}(\.\d{0,6})?([eE][-+]?\d{1,4})?", fullmatch=True),
    st.sampled_from(["10**10**10", "nan", "inf", "-0", "1_000", "0x10", "1/3", "(2)"]),
)
units = st.one_of(st.sampled_from(UNITS),
                  st.text(alphabet=string.ascii_letters + "*/^ ()0123456789_", max_size=14))
quantity_text = st.one_of(
    st.builds(lambda n, sep, u: f"{n}{sep}{u}", numbers, st.sampled_from(["", " ", "  "]),
              units),
    st.text(max_size=40),
)
toml_value = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(
        lambda x: "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
        if math.isinf(x) else repr(x)),
    st.integers(min_value=-(10**500), max_value=10**500).map(str),
    st.sampled_from(["true", "false", "[]", "{}", "[1, 2]", '"x"', "1979-05-27T07:32:00Z",
                     '{ value = "1 kg", source = "DERIVED" }']),
    quantity_text.map(lambda t: json.dumps(t)),
)
typo_key = st.from_regex(r"[a-z_]{1,12}", fullmatch=True)


@st.composite
def mutated_pair(draw: Any) -> tuple[str, str, str]:
    """(vehicle text, mission text, which one was changed) with one change drawn."""
    vehicle, mission = draw(st.sampled_from(PAIRS))
    which = draw(st.sampled_from(["vehicle", "mission"]))
    texts = {"vehicle": TEXTS[vehicle], "mission": TEXTS[mission]}
    text = texts[which]
    how = draw(st.sampled_from(["quantity", "number", "key", "whole"]))
    if how == "whole":
        text = draw(st.one_of(st.text(max_size=200),
                              st.binary(max_size=200).map(lambda b: b.decode("latin-1"))))
    else:
        pattern = {"quantity": QUANTITY, "number": NUMBER, "key": KEY}[how]
        spans = [m.span(m.lastindex or 0) for m in pattern.finditer(text)]
        start, end = spans[draw(st.integers(0, len(spans) - 1))]
        new = draw({"quantity": quantity_text.map(json.dumps), "number": toml_value,
                    "key": typo_key}[how])
        text = text[:start] + new + text[end:]
    texts[which] = text
    return texts["vehicle"], texts["mission"], which


def _write(folder: Path, vehicle: str, mission: str) -> tuple[Path, Path]:
    v, m = folder / "vehicle.toml", folder / "mission.toml"
    v.write_bytes(vehicle.encode("utf-8", "surrogatepass"))
    m.write_bytes(mission.encode("utf-8", "surrogatepass"))
    return v, m


def _load(v: Path, m: Path) -> CatalogError | None:
    """Load the pair: None if it loads, the ``CatalogError`` if refused; anything else fails."""
    try:
        vehicle, mission = catalog.load(m, v)
    except CatalogError as exc:
        return exc
    _physical(vehicle, mission)
    return None


def _physical(vehicle: Any, mission: Any) -> None:
    """What loads is physical: finite, positive where it must be, Isp within the schema."""
    low = float(TABLES["engine"]["isp_vacuum"].low.split()[0])
    high = float(TABLES["engine"]["isp_vacuum"].high.split()[0])
    for stage in vehicle.stages:
        assert math.isfinite(stage.dry_mass) and stage.dry_mass > 0
        assert math.isfinite(stage.propellant_mass) and stage.propellant_mass >= 0
        assert all(math.isfinite(c) and c >= 0 for c in stage.drag.cd)
        for e in stage.engines:
            assert math.isfinite(e.thrust_vacuum) and e.thrust_vacuum > 0
            assert math.isfinite(e.mass_flow) and e.mass_flow > 0
            assert low * 0.999 <= e.thrust_vacuum / (e.mass_flow * G0) or e.exit_area > 0
            assert e.thrust_vacuum / (e.mass_flow * G0) <= high * 1.001 or e.exit_area > 0
    assert math.isfinite(mission.azimuth) and math.isfinite(mission.site.alt)
    assert mission.environment.density_scale >= 0
    for ph in mission.phases:
        assert ph.until_time > 0 and not math.isnan(ph.until_time)
    for d in mission.dispersions:
        assert math.isfinite(d.sd) and d.sd >= 0 and d.low <= d.high


def _one_line(message: str, file: str) -> None:
    assert "\n" not in message.strip() and "Traceback" not in message, message
    assert message.startswith(file) or message.startswith(f"error: {file}") or \
        f"error: {file}" in message, message


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@fuzz(300)
@given(case=mutated_pair())
def test_loader_refuses_with_one_line_or_loads_physical_data(folder, case):
    vehicle, mission, which = case
    v, m = _write(folder, vehicle, mission)
    exc = _load(v, m)
    if exc is not None:
        _one_line(str(exc), str(v if which == "vehicle" else m))


@fuzz(500)
@given(text=quantity_text, kind=st.sampled_from(sorted(DIMENSIONS)))
def test_a_quantity_is_a_finite_number_of_its_kind_or_refused(text, kind):
    try:
        value = parse(text, Field("f.toml", "x"), kind)
    except CatalogError as exc:
        assert str(exc).startswith("f.toml: x: expected ") and "\n" not in str(exc)
        return
    assert math.isfinite(value)


path_part = st.one_of(st.sampled_from(["stages[0]", "engines[0]", "thrust_vacuum", "phases[1]",
                                       "until_speed", "azimuth", "liftoff_mass", "__class__",
                                       "pitch_program", "elevation", "burn", "sources",
                                       "environment", "wind_scale", "epoch", "site", "alt"]),
                      st.text(max_size=12))


@fuzz(300)
@given(parts=st.lists(path_part, max_size=5), head=st.sampled_from(["vehicle", "mission", "x"]))
def test_a_dispersion_path_names_a_number_or_is_refused_as_a_path(parts, head):
    path = ".".join([head, *parts])
    try:
        dispersion_field(path, Field("f.toml", f"dispersions.{path}"))
    except CatalogError as exc:
        assert str(exc).startswith(f"f.toml: dispersions.{path}: expected a path")


runner = CliRunner()


@fuzz(60)
@given(case=mutated_pair(), command=st.sampled_from(["fly", "validate", "montecarlo"]))
def test_cli_refuses_a_broken_file_with_one_line_and_writes_nothing(folder, case, command):
    vehicle, mission, which = case
    v, m = _write(folder, vehicle, mission)
    if _load(v, m) is None:
        return  # it would fly: the rule is about refusals
    out = folder / "out"
    args = {"fly": ["fly", "--vehicle", str(v), "--mission", str(m), "--csv", str(out)],
            "validate": ["validate", str(m)],
            "montecarlo": ["montecarlo", str(m), "-n", "10", "--study", str(out)]}[command]
    if command != "fly" and which == "vehicle":
        return  # these read the mission's own (catalog) vehicle
    res = runner.invoke(app, args)
    assert res.exit_code == 2, (res.exit_code, res.output, res.stderr)
    _one_line(res.stderr, "error: ")
    assert str(m if which == "mission" else v) in res.stderr
    assert not out.exists()


flag_values = st.one_of(st.integers(min_value=-(2**70), max_value=2**70).map(str),
                        st.floats().map(repr), st.text(max_size=12))


@fuzz(60)
@given(flag=st.sampled_from(["-n", "--seed", "--workers", "--batch-size"]), value=flag_values)
def test_cli_flags_are_checked_before_anything_is_written(folder, flag, value):
    """Any flag value on a mission that cannot be flown: exit 2, no traceback, no folder."""
    bad = folder / "bad-mission.toml"
    bad.write_text(TEXTS["v2-london"].replace('"260.6 deg"', '"nan deg"'))
    study = folder / "study"
    res = runner.invoke(app, ["montecarlo", str(bad), flag, value, "--study", str(study)])
    assert res.exit_code == 2, (res.exit_code, res.output, res.stderr)
    assert "Traceback" not in res.output + res.stderr
    assert not study.exists()


# --- the web API ------------------------------------------------------------------------------

web = pytest.importorskip("spacerace.web.app")


class _Client:
    """Requests into the app in-process (httpx over ASGI), its lifespan entered and left."""

    def __init__(self) -> None:
        import httpx

        self.app = web.create_app()
        self.runner = asyncio.Runner()
        self.lifespan = self.app.router.lifespan_context(self.app)
        self.runner.run(self.lifespan.__aenter__())
        self.http = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app),
                                      base_url="http://testserver", timeout=60)

    def request(self, method: str, url: str, **kw: Any) -> Any:
        return self.runner.run(self.http.request(method, url, **kw))

    def close(self) -> None:
        self.runner.run(self.http.aclose())
        self.runner.run(self.lifespan.__aexit__(None, None, None))
        self.runner.close()


@pytest.fixture(scope="module")
def client() -> Iterator[_Client]:
    c = _Client()
    try:
        yield c
    finally:
        c.close()


FIELDS = ["mission", "thrust_factor", "propellant_factor", "payload_mass_kg",
          "cutoff_speed_m_s", "azimuth_deg", "date"]
json_leaf = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
                      st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=30),
                      st.sampled_from(["v2-london", "r1-1948", "bumper-5", "sputnik-1",
                                       "../../etc/passwd", "1944-09-08T16:38:00Z", "1800-01-01",
                                       "2999-01-01T00:00:00Z"]))
json_value = st.recursive(json_leaf, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=6)
near_bounds = st.fixed_dictionaries(
    {"mission": st.sampled_from(["v2-london", "r1-1948", "r2"])},
    optional={"thrust_factor": st.floats(0.3, 1.7), "propellant_factor": st.floats(0.3, 1.4),
              "payload_mass_kg": st.floats(-10.0, 2e5), "cutoff_speed_m_s": st.floats(0, 13e3),
              "azimuth_deg": st.floats(-10.0, 370.0),
              "date": st.datetimes(dt.datetime(1930, 1, 1), dt.datetime(2010, 1, 1)).map(
                  lambda d: d.isoformat() + "Z")})
fly_body = st.one_of(
    near_bounds,
    st.fixed_dictionaries({"mission": st.sampled_from(["v2-london", "r1-1948", "bumper-5"])},
                          optional={k: json_value for k in FIELDS[1:]}),
    st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=10), json_value, max_size=4),
    json_value,
)


def _answered(res: Any) -> None:
    assert res.status_code < 500, (res.status_code, res.text)
    if res.status_code >= 400:
        detail = res.json()["detail"]
        assert detail and "Traceback" not in json.dumps(detail)


@fuzz(80)
@given(body=fly_body)
def test_web_fly_answers_4xx_never_500(client, body):
    res = client.request("POST", "/api/fly", content=json.dumps(body, allow_nan=False),
                         headers={"Content-Type": "application/json"})
    _answered(res)


@fuzz(40)
@given(fmt=st.text(alphabet=string.ascii_letters + "./%", min_size=1, max_size=8)
       | st.sampled_from(["csv", "czml", "kml", "parquet"]),
       params=st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=6),
                              st.text(max_size=20) | st.sampled_from(["v2-london", "0.5", "nan"]),
                              max_size=3))
def test_web_export_answers_4xx_never_500(client, fmt, params):
    _answered(client.request("GET", f"/api/export/{fmt}", params=params))
