"""Roles of archival figures, the verdicts they earn, and the sources' spread.

Only a prediction is scored; an aimed figure shows its residual (a check of the solver). The
spread of a figure is the range its documents give; the closed forms below (F_vac - F_SL =
p0 A_e, mdot = F / (Isp g0)) are the definitions of those quantities.
"""

import json
import math

import numpy as np
import pytest
from typer.testing import CliRunner

from spacerace import catalog
from spacerace.catalog.quantities import Field
from spacerace.catalog.spreads import vehicle_spreads
from spacerace.cli import app
from spacerace.constants import G0
from spacerace.errors import CatalogError
from spacerace.mission import ArchiveFigure
from spacerace.spread import SpreadResult, latin_hypercube, verdict_with_band, with_spread
from spacerace.validation import FAIL, PASS, WITHIN_SPREAD, compare, summary_line

MISSIONS = catalog.MISSIONS
runner = CliRunner()


def _fig(key="range_m", role="prediction", **kw):
    return ArchiveFigure(key=key, value=kw.pop("value", 300e3), unit="m", source="X",
                         role=role, **kw)


def test_only_predictions_are_scored():
    archive = (_fig("range_m", "aimed", tolerance=1e3, by="the aim"),
               _fig("max_altitude_m", "calibrated", value=88e3, tolerance=5e3, by="elevation"),
               _fig("burnout_time_s", "input", value=65.0, tolerance=1.0),
               _fig("flight_time_s", value=300.0, tolerance=10.0),
               _fig("impact_speed_m_s", value=1000.0, tolerance=10.0),
               _fig("killed", "context", value=3.0))
    figures = {"range_m": 301e3, "max_altitude_m": 120e3, "burnout_time_s": 60.0,
               "flight_time_s": 305.0, "impact_speed_m_s": 900.0, "killed": 0.0}
    rows = {c.figure.key: c for c in compare(figures, archive)}
    assert rows["range_m"].verdict == "aimed" and rows["range_m"].error == 1e3  # residual
    assert rows["max_altitude_m"].verdict == "calibrated"  # far off, but not scored
    assert rows["burnout_time_s"].verdict == "input"
    assert rows["flight_time_s"].verdict == PASS
    assert rows["impact_speed_m_s"].verdict == FAIL
    assert rows["killed"].verdict == "shown"
    line = summary_line(list(rows.values()))
    assert line == ("2 predictions: 1 within tolerance, 1 FAIL (median |error| 5.8 %); "
                    "1 aimed, 1 calibrated, 1 inputs, 1 shown")


def _mission_text(role_line: str) -> str:
    text = (MISSIONS / "v2-london.toml").read_text()
    return text.replace('[archive.burnout_speed_m_s]\nrole = "prediction"\n',
                        f"[archive.burnout_speed_m_s]\n{role_line}")


@pytest.mark.parametrize("role_line, expected", [
    ("", "archive.burnout_speed_m_s.role: missing"),
    ('role = "guess"\n', "archive.burnout_speed_m_s.role: expected one of"),
    ('role = "aimed"\n', "archive.burnout_speed_m_s.by: missing; an aimed figure names"),
    ('role = "calibrated"\n', "archive.burnout_speed_m_s.by: missing; a"),
])
def test_loader_refuses_a_figure_without_a_clear_role(tmp_path, role_line, expected):
    path = tmp_path / "m.toml"
    path.write_text(_mission_text(role_line))
    with pytest.raises(CatalogError, match=expected.replace(".", r"\.")):
        catalog.load(path, "v2")
    res = runner.invoke(app, ["validate", str(path)])
    assert res.exit_code == 2 and "role" in res.stderr or "by" in res.stderr


def test_every_catalog_figure_has_a_role_and_aims_name_their_aim():
    for name in catalog.list_missions():
        _, m = catalog.load(name)
        for f in m.archive:
            assert f.role in ("prediction", "aimed", "calibrated", "input", "context"), f
            if f.role in ("aimed", "calibrated"):
                assert f.by.strip(), f"{name}: {f.key} does not say what makes it {f.role}"


def test_a_band_that_reaches_the_archive_is_within_spread():
    fig = _fig("max_altitude_m", value=None, low=392.7e3, high=402.3e3)
    (c,) = compare({"max_altitude_m": 535e3}, (fig,))
    assert c.verdict == FAIL
    assert verdict_with_band(c, (365e3, 555e3)) == WITHIN_SPREAD
    assert verdict_with_band(c, (410e3, 555e3)) == FAIL
    fig = _fig("flight_time_s", value=300.0, tolerance=10.0)
    (c,) = compare({"flight_time_s": 330.0}, (fig,))
    assert verdict_with_band(c, (308.0, 340.0)) == WITHIN_SPREAD  # 308 - 10 <= 300
    assert verdict_with_band(c, (312.0, 340.0)) == FAIL  # 312 - 10 > 300
    assert verdict_with_band(c, None) == FAIL
    result = SpreadResult((), {"flight_time_s": np.linspace(305, 325, 21)}, 21, 0)
    ((row, band),) = with_spread([c], result)
    assert row.verdict == WITHIN_SPREAD and band == pytest.approx((306.0, 324.0))


def test_latin_hypercube_puts_one_point_in_each_slice_of_each_axis():
    u = latin_hypercube(40, 5, seed=3)
    assert u.shape == (40, 5)
    for j in range(5):
        assert sorted(np.floor(u[:, j] * 40).astype(int)) == list(range(40))


def test_spread_of_a_sea_level_thrust_and_an_isp_follows_their_definitions():
    data = {"vehicle": {"id": "x", "name": "x"}, "stages": [{
        "name": "s", "engines": [{
            "count": 4,
            "thrust_sea_level": {"value": "250 kN", "source": "A", "alternatives": [
                {"value": "260 kN", "source": "B", "spread": True},
                {"value": "255 kN", "source": "C",
                                                      "spread": False}]},
            "nozzle_exit_area": "0.4 m^2",
            "isp_vacuum": {"value": "240 s", "source": "A",
                           "alternatives": [{"value": "230 s", "source": "D"},
                                            {"value": "hot", "source": "E"}]}}]}]}
    from spacerace.catalog.vehicles import build_vehicle

    vehicle = build_vehicle({**data, "stages": [{**data["stages"][0], "dry_mass": "1 t",
                                                 "propellant_mass": "9 t", "diameter": "2 m",
                                                 "drag": {"mach": [0, 1], "cd": [0.2, 0.2]}}]},
                            Field("x.toml", ""), {"A": "", "B": "", "C": "", "D": "", "E": ""})
    thrust, flow = vehicle_spreads(data, vehicle, Field("x.toml", ""))
    # the same force at any pressure, for four engines; the left-out alternative is not there
    assert (thrust.low, thrust.high) == pytest.approx((0.0, 4 * 10e3))
    assert thrust.sources == ("B",)
    f_vac = vehicle.stages[0].engines[0].thrust_vacuum / 4
    assert flow.path.endswith("mass_flow") and flow.sources == ("D",)
    assert flow.high == pytest.approx(4 * f_vac / G0 * (1 / 230 - 1 / 240), rel=1e-12)
    assert flow.low == 0.0


def test_v2_spread_gives_every_prediction_a_band():
    res = runner.invoke(app, ["validate", "v2-london", "--spread", "--spread-runs", "12",
                              "--json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    preds = [r for r in rows if r["role"] == "prediction" and r["simulated"] is not None]
    assert preds
    for r in preds:
        band = r["spread"]
        assert band is not None, r
        assert band["flights"] + band["failed"] == 12
        assert band["p05"] <= band["p95"]
        assert math.isfinite(band["p05"])
    aimed = [r for r in rows if r["role"] == "aimed"]
    assert all(r["spread"] is None and r["spread_note"] == "" for r in aimed)
