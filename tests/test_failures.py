"""Failures said out loud: a target out of reach, an aim that does not converge, a closed-loop
burn that runs dry or steers into the ground. Each ends with one line and exit status 3.

The V-2's longest range is bounded by its propellant: burnt to depletion on the London
programme it comes down about 340 km away (the published maximum is 320-354 km), so New York
(5,860 km from Wassenaar) is out of reach whatever the aim does.
"""

import dataclasses
import math
import re

import numpy as np
import pytest
from typer.testing import CliRunner

from spacerace import catalog, guidance
from spacerace.cli import app
from spacerace.errors import UnreachableError
from spacerace.flight import aim, aim_inclination, fly
from spacerace.kernel.layout import STATUS_GUIDANCE_GROUND, STATUS_IMPACT

MISSIONS = catalog.MISSIONS
runner = CliRunner()


def _v2_to(tmp_path, name, lat, lon, extra=None):
    text = (MISSIONS / "v2-london.toml").read_text().replace(
        'name = "Staveley Road, Chiswick"\nlat = { value = "51.4828 deg", source = "WP-STAVELEY" }'
        '\nlon = { value = "-0.265 deg", source = "WP-STAVELEY" }',
        f'name = "{name}"\nlat = "{lat} deg"\nlon = "{lon} deg"')
    for old, new in (extra or {}).items():
        text = text.replace(old, new)
    path = tmp_path / "v2-elsewhere.toml"
    path.write_text(text)
    return path


def _one_line_no_traceback(res):
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, res.stderr
    assert "Traceback" not in res.output
    return lines[0]


def test_v2_cannot_reach_new_york(tmp_path):
    path = _v2_to(tmp_path, "New York", 40.7128, -74.006)
    res = runner.invoke(app, ["fly", "--mission", str(path), "--json"])
    assert res.exit_code == 3
    line = _one_line_no_traceback(res)
    assert "cannot reach New York" in line
    longest = float(re.search(r"longest range on this flight plan is ([\d,]+) km", line)
                    .group(1).replace(",", ""))
    assert 300 < longest < 400  # what the V-2 can do, not a 1e213 figure
    assert res.stdout == ""  # no figures for a flight that was not flown
    # validate tells a crash from a miss
    res = runner.invoke(app, ["validate", str(path)])
    assert res.exit_code == 3
    assert "cannot reach New York" in res.stderr


def test_aim_that_does_not_converge_says_so():
    vehicle, mission = catalog.load("v2-london")
    with pytest.raises(UnreachableError, match="did not converge in 2 flights.*nearest impact"):
        aim(vehicle, mission, max_iterations=2, tolerance=1e-6)


def test_inclination_aim_that_does_not_converge_says_so():
    """The inclination aim raises as the range aim does, instead of returning its last
    azimuth as if it had met the target."""
    vehicle, mission = catalog.load("sputnik-1")
    with pytest.raises(UnreachableError, match="inclination of 65.1000 deg did not converge "
                                               "in 2 flights"):
        aim_inclination(vehicle, mission, max_iterations=2, tolerance=1e-14)


def test_aim_from_a_wild_first_guess_still_lands(tmp_path):
    """The bracketed secant from a cut-off speed of 1,000 km/s (the reliability review's A76)
    comes back down to the V-2's Brennschluss speed and hits the target."""
    vehicle, mission = catalog.load("v2-london")
    phases = tuple(dataclasses.replace(ph, until_speed=1e6) if np.isfinite(ph.until_speed)
                   else ph for ph in mission.phases)
    solved, result = aim(vehicle, dataclasses.replace(mission, phases=phases))
    assert result.miss_distance < 1.0
    assert 1500.0 < result.cutoff_speed < 1800.0


def test_closed_loop_burn_that_runs_dry_stops_the_flight(tmp_path):
    """An 8K71PS steep to strap-on separation (88 deg instead of 25 deg) has used its
    strap-ons on height instead of speed: the core cannot reach the 215 x 939 km orbit."""
    text = (MISSIONS / "sputnik-1.toml").read_text().replace(
        'elevation = { values = [90.0, 90.0, 25.0], unit = "deg" }',
        'elevation = { values = [90.0, 90.0, 88.0], unit = "deg" }')
    path = tmp_path / "steep.toml"
    path.write_text(text)
    res = runner.invoke(app, ["fly", "--mission", str(path)])
    assert res.exit_code == 3
    line = _one_line_no_traceback(res)
    assert "propellant ran out" in line and "215 x 939 km orbit" in line


def test_closed_loop_guidance_into_the_ground_is_named(monkeypatch):
    """Where the kernel reports an impact inside a closed-loop phase, the flight stops with the
    guidance named (the status is turned into a message, not a normal impact)."""
    vehicle, mission = catalog.load("sputnik-1")
    real_run = guidance.fly_phases
    calls = {"n": 0}

    def crash_in_the_loop(pk, options, at, stop, buf, dt_out=None):
        first = at.phase
        k, k_ev, status = real_run(pk, options, at, stop, buf, dt_out)
        if stop == first + 1 and first == 2 and dt_out is None:  # a guidance cycle of phase 2
            calls["n"] += 1
            return k, k_ev, STATUS_IMPACT
        return k, k_ev, status

    monkeypatch.setattr(guidance, "fly_phases", crash_in_the_loop)
    with pytest.raises(UnreachableError, match="steered the vehicle into the ground"):
        fly(vehicle, dataclasses.replace(mission, aim=()))
    assert calls["n"] >= 1
    assert STATUS_GUIDANCE_GROUND != STATUS_IMPACT


def test_inclination_below_the_sites_latitude_is_refused_unflown():
    """From Baikonur (45.9 deg N) no azimuth reaches 30 deg: the aim says so at once (exit 3
    through the CLI) instead of flying its trials round the compass. The bound is the site's
    latitude, from the spherical-triangle relation cos i = cos(lat) sin(az) at its largest,
    due east."""
    vehicle, mission = catalog.load("sputnik-1")
    low = dataclasses.replace(mission, target_inclination=math.radians(30.0))
    with pytest.raises(UnreachableError, match=r"no launch azimuth from latitude 45\.\d+ deg "
                                               r"reaches an inclination of 30\.0000 deg"):
        aim_inclination(vehicle, low)


def test_inclination_trials_stay_on_the_first_azimuths_half_circle():
    """The secant's trials are kept on the half-circle the first azimuth is on (north-going or
    south-going), where the inclination is monotonic in the azimuth."""
    from spacerace.targeting.inclination import branch_keep

    keep = branch_keep(math.radians(35.0))
    x = np.array([math.radians(35.0)])
    for wild in (-400.0, -95.0, 120.0, 400.0):
        (az,) = keep(x, np.array([math.radians(wild)]), np.zeros(1))
        assert -90.0 < math.degrees(az) < 90.0
    south = branch_keep(math.radians(200.0))
    (az,) = south(x, np.array([math.radians(10.0)]), np.zeros(1))
    assert 90.0 < math.degrees(az) < 270.0
    (az,) = keep(x, np.array([math.radians(60.0)]), np.zeros(1))
    assert math.degrees(az) == pytest.approx(60.0)  # inside: untouched


def test_solver_stops_where_its_bound_holds_it():
    """A root beyond the bound the ``keep`` rule holds the trials to: the solver stops once
    the rule returns the point it stands on, instead of flying it again until its trials run
    out (x^2 = -1 from x = 1, kept at x >= 0.5: Newton steps push below 0.5)."""
    from spacerace.targeting.solver import solve

    flown = []

    def residual(x):
        flown.append(float(x[0]))
        return np.array([x[0] ** 2 + 1.0])

    sol = solve(residual, np.array([1.0]), max_trials=20, jacobian=np.array([2.0]),
                keep=lambda x, proposed, f: np.maximum(proposed, 0.5))
    assert not sol.converged
    assert flown == [1.0, 0.5]  # the start, the bound; nothing flown twice
