"""The command line: catalog, fly, user files, and one clear line for every bad input."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spacerace.catalog import MISSIONS, VEHICLES
from spacerace.cli import app, main

runner = CliRunner()


def test_catalog_lists_vehicles_and_missions():
    res = runner.invoke(app, ["catalog", "--json"])
    assert res.exit_code == 0
    doc = json.loads(res.stdout)
    assert "v2" in [v["id"] for v in doc["vehicles"]]
    assert "v2-london" in [m["id"] for m in doc["missions"]]
    res = runner.invoke(app, ["catalog"])
    assert res.exit_code == 0 and "v2-london" in res.stdout


def test_fly_writes_csv_parquet_and_plots(tmp_path):
    res = runner.invoke(app, ["fly", "v2-london", "--csv", str(tmp_path / "t.csv"),
                              "--parquet", str(tmp_path / "t.parquet"),
                              "--plot", str(tmp_path / "plots")])
    assert res.exit_code == 0, res.output
    lines = (tmp_path / "t.csv").read_text().splitlines()
    assert lines[0].startswith("t_s,phase,phase_name,lat_deg,lon_deg,alt_m")  # plain CSV
    assert len(lines) > 300
    meta = json.loads((tmp_path / "t.meta.json").read_text())
    assert meta["columns"]["lat_deg"] == "deg" and meta["spacerace"]["mission"] == "v2-london"
    pd = pytest.importorskip("pandas")
    frame = pd.read_csv(tmp_path / "t.csv")  # as a spreadsheet would: no options
    assert len(frame) == len(lines) - 1 and frame["lat_deg"].iloc[0] == pytest.approx(52.05669)
    assert frame["phase_name"].iloc[0] == "vertical rise"
    pq = pytest.importorskip("pyarrow.parquet")
    assert pq.read_table(tmp_path / "t.parquet").num_rows == len(lines) - 1
    assert sorted(p.name for p in (tmp_path / "plots").iterdir()) == [
        "v2-london-profile.png", "v2-london-time.png"]


def test_report_folder(tmp_path):
    res = runner.invoke(app, ["fly", "v2-london", "--report", str(tmp_path)])
    assert res.exit_code == 0, res.output
    names = {p.name for p in tmp_path.iterdir()}
    assert {"v2-london.md", "v2-london.json", "v2-london.csv", "v2-london-profile.png",
            "v2-london-time.png"} <= names
    assert "| range_m |" in (tmp_path / "v2-london.md").read_text()


@pytest.fixture
def user_files(tmp_path):
    v = tmp_path / "my.toml"
    m = tmp_path / "my-mission.toml"
    shutil.copy(VEHICLES / "v2.toml", v)
    shutil.copy(MISSIONS / "v2-london.toml", m)
    return v, m


def test_fly_user_files(user_files):
    v, m = user_files
    res = runner.invoke(app, ["fly", "--vehicle", str(v), "--mission", str(m), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["figures"]["miss_distance_m"] < 1000


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


BAD_VEHICLES = [
    ("malformed", 'name = "V-2 (Aggregat 4, A-4)"', 'name = "V-2', "not valid TOML"),
    ("missing field", 'propellant_mass = { value = "8670 kg"',
     'propellant_masss = { value = "8670 kg"', "stages[0].propellant_masss"),
    ("wrong dimension", 'thrust_sea_level = { value = "245.2 kN"',
     'thrust_sea_level = { value = "25 m"', "stages[0].engines[0].thrust_sea_level"),
    ("negative mass", 'dry_mass = { value = "2870 kg"', 'dry_mass = { value = "-2870 kg"',
     "stages[0].dry_mass"),
    ("thrust below weight", 'thrust_sea_level = { value = "245.2 kN"',
     'thrust_sea_level = { value = "100 kN"', "cannot lift off"),
]


@pytest.mark.parametrize("case,old,new,expected", BAD_VEHICLES, ids=[b[0] for b in BAD_VEHICLES])
def test_bad_vehicle_file_one_line_exit_2(user_files, case, old, new, expected):
    v, m = user_files
    _edit(v, old, new)
    res = runner.invoke(app, ["fly", "--vehicle", str(v), "--mission", str(m)])
    assert res.exit_code == 2
    msg = res.stderr.strip()
    assert len(msg.splitlines()) == 1, msg
    assert "Traceback" not in res.output + res.stderr
    assert str(v) in msg or "my.toml" in msg
    assert expected in msg


def test_wrong_dimension_says_what_was_expected(user_files):
    v, m = user_files
    _edit(v, 'thrust_sea_level = { value = "245.2 kN"', 'thrust_sea_level = { value = "25 m"')
    res = runner.invoke(app, ["fly", "--vehicle", str(v), "--mission", str(m)])
    assert "expected a force" in res.stderr


def test_bad_mission_file(user_files):
    v, m = user_files
    _edit(m, 'lat = { value = "52.05669 deg"', 'lat = { value = "52.05669 km"')
    res = runner.invoke(app, ["fly", "--vehicle", str(v), "--mission", str(m)])
    assert res.exit_code == 2
    assert "mission.site.lat" in res.stderr and "expected an angle" in res.stderr


def test_unknown_mission():
    res = runner.invoke(app, ["fly", "v3-mars"])
    assert res.exit_code == 2
    assert "unknown mission" in res.stderr and "v2-london" in res.stderr


def test_main_returns_exit_codes():
    assert main(["fly", "no-such-mission"]) == 2
    assert main(["no-such-command"]) == 2


def test_real_subprocess_smoke(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "spacerace", "fly", "v2-london", "--json"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["mission"] == "v2-london"
    bad = subprocess.run([sys.executable, "-m", "spacerace", "fly", "nowhere"],
                         capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_montecarlo_cli_json_plot_and_resume(tmp_path):
    args = ["montecarlo", "v2-london", "-n", "200", "--seed", "3", "--study",
            str(tmp_path / "s"), "--out", str(tmp_path / "v2.parquet"), "--plot",
            str(tmp_path / "p"), "--json"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    imp = doc["impact"]
    assert {"mean_lat_deg", "mean_lon_deg", "cep_m", "ellipses"} <= imp.keys()
    assert [e["probability"] for e in imp["ellipses"]] == [0.5, 0.95]
    assert doc["statuses"] == {"impact": 200}
    assert doc["archive"]["mc_range_extent_m"]["value"] == 20e3
    assert (tmp_path / "p" / "v2-london-impacts.png").exists()
    pq = pytest.importorskip("pyarrow.parquet")
    table = pq.read_table(tmp_path / "v2.parquet")
    assert table.num_rows == 200 and "d:mission.azimuth" in table.column_names
    again = runner.invoke(app, args)  # the finished study: its results again, nothing flown
    assert again.exit_code == 0 and json.loads(again.stdout)["impact"] == imp
    resumed = runner.invoke(app, args + ["--resume"])
    assert resumed.exit_code == 0
    assert json.loads(resumed.stdout)["impact"] == imp


def test_validate_scores_and_fails_honestly(tmp_path):
    res = runner.invoke(app, ["validate", "v2-london", "--json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    by_figure = {r["figure"]: r for r in rows}
    assert by_figure["range_m"]["verdict"] == "aimed"  # not scored: it holds by construction
    assert by_figure["range_m"]["role"] == "aimed" and by_figure["range_m"]["by"]
    assert abs(by_figure["range_m"]["error"]) < 1e3  # the residual checks the solver
    assert by_figure["max_altitude_m"]["verdict"] == "calibrated"
    assert by_figure["burnout_speed_m_s"]["verdict"] == "pass"
    assert by_figure["burnout_speed_m_s"]["role"] == "prediction"
    assert by_figure["impact_speed_m_s"]["verdict"] == "shown"  # unconfirmed, not scored
    assert by_figure["impact_speed_m_s"]["unconfirmed"] is True
    assert "mc_range_extent_m" not in by_figure  # left to the Monte Carlo study
    for r in rows:
        assert r["role"] in ("prediction", "aimed", "calibrated", "input", "context")
        if r["role"] != "prediction":
            assert r["verdict"] not in ("pass", "FAIL", "within spread")
    # an aimed figure set wrong is still not a failure: only a prediction fails
    aimed = tmp_path / "v2-aimed.toml"
    aimed.write_text((MISSIONS / "v2-london.toml").read_text().replace(
        'value = "328.9 km"', 'value = "250 km"'))
    assert runner.invoke(app, ["validate", str(aimed)]).exit_code == 0
    bad = tmp_path / "v2-wrong.toml"
    bad.write_text((MISSIONS / "v2-london.toml").read_text().replace(
        'value = "1520 m/s"', 'value = "1200 m/s"'))
    res = runner.invoke(app, ["validate", str(bad)])
    assert res.exit_code == 1
    assert "FAIL" in res.stdout
    last = res.stdout.strip().splitlines()[-1]
    assert last.startswith("2 predictions: 1 within tolerance, 1 FAIL"), last


def test_orbital_plot_has_a_ground_track(tmp_path):
    res = runner.invoke(app, ["fly", "sputnik-1", "--plot", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "sputnik-1-track.png").stat().st_size > 20_000


def test_version():
    from spacerace import __version__

    res = runner.invoke(app, ["--version"])
    assert res.exit_code == 0 and res.stdout.strip() == f"spacerace {__version__}"


def test_own_mission_without_archive_still_reports_what_it_did(tmp_path):
    """A user's mission with no archival figures: range, highest point and flight time are in
    the terminal table and in the report."""
    blocks = re.split(r"(?m)^(?=\[)", (MISSIONS / "v2-london.toml").read_text())
    text = "".join(b for b in blocks if not b.startswith("[archive."))
    assert "[archive" not in text
    path = tmp_path / "own.toml"
    path.write_text(text)
    res = runner.invoke(app, ["fly", "--mission", str(path), "--report", str(tmp_path / "r")],
                        env={"COLUMNS": "120"})
    assert res.exit_code == 0, res.output
    for words in ("range (along the ellipsoid)", "highest point", "flight time"):
        assert words in res.stdout
    md = (tmp_path / "r" / "v2-london.md").read_text()
    assert "| range (along the ellipsoid) | 328.9 km |" in md
    assert "| highest point | 88." in md


def test_decay_takes_files_like_fly(tmp_path):
    res = runner.invoke(app, ["decay", "--mission", str(MISSIONS / "sputnik-1.toml"),
                              "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["decay_date"].startswith("1958-01")
    assert runner.invoke(app, ["decay"]).exit_code == 2


def test_to_pandas_has_units_in_its_names_and_degrees():
    pd = pytest.importorskip("pandas")
    import spacerace as sr

    frame = sr.fly("v2-london").trajectory.to_pandas()
    assert isinstance(frame, pd.DataFrame)
    assert {"t_s", "lat_deg", "lon_deg", "alt_m", "flight_path_angle_deg",
            "phase_name"} <= set(frame.columns)
    assert frame["lat_deg"].iloc[0] == pytest.approx(52.05669)  # degrees, as in the file
