# /// script
# requires-python = ">=3.11"
# dependencies = [
#     "astropy==6.1.7",
#     "hapsira==0.18.0",
#     "numpy==1.26.4",
# ]
# ///
"""Generate cross-check data for ``spacerace.orbit`` from hapsira (the maintained poliastro fork).

Writes two CSV files into ``tests/crosscheck/``:

* ``orbit_elements.csv`` -- inertial state (r, v) -> classical elements, from hapsira's
  ``Orbit.from_vectors(...)`` and its ``a, ecc, inc, raan, argp, nu`` attributes (``rv2coe``).
* ``orbit_propagation.csv`` -- the same states moved by a time step with hapsira's
  ``Orbit.propagate`` (Farnocchia's method, hapsira's default).

The central body is a hapsira ``Body`` built with k = GM_EARTH = 3.986004418e14 m^3/s^2, the
value in ``spacerace.constants``, so that the two libraries share mu exactly.

Run with ``uv run tools/gen_orbit_crosscheck.py`` (or plain ``python`` with the pinned packages
installed). ``tests/test_orbit.py`` only reads the CSV files; it never imports hapsira.

Before writing, the script checks hapsira against itself: elements -> state -> elements must
close, and Farnocchia's propagation must agree with hapsira's universal-variable (Vallado)
propagator. A broken install then cannot silently write bad reference data.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import warnings
from pathlib import Path

import astropy
import astropy.units as u
import hapsira
import numba  # only to record its version (hapsira runs on it)
import numpy as np
from hapsira.bodies import Body
from hapsira.twobody import Orbit
from hapsira.twobody.propagation import ValladoPropagator

OUT_DIR = Path(__file__).resolve().parent.parent / "tests" / "crosscheck"
ELEMENTS_CSV = OUT_DIR / "orbit_elements.csv"
PROPAGATION_CSV = OUT_DIR / "orbit_propagation.csv"

GM_EARTH = 3.986004418e14  # [m^3/s^2], spacerace.constants.GM_EARTH (NIMA TR8350.2 Table 3.1)
RE = 6378.137  # [km], WGS-84 equatorial radius, only to turn altitudes into radii here
SEED = 19_571_004  # Sputnik 1's launch date, for the random states
EARTH = Body(parent=None, k=GM_EARTH * u.m**3 / u.s**2, name="Earth (GM = 3.986004418e14)")

ELEMENT_COLUMNS = ["x_m", "y_m", "z_m", "vx_m_s", "vy_m_s", "vz_m_s",
                   "a_m", "ecc", "inc_rad", "raan_rad", "argp_rad", "nu_rad"]
PROPAGATION_COLUMNS = ["x0_m", "y0_m", "z0_m", "vx0_m_s", "vy0_m_s", "vz0_m_s", "dt_s",
                       "x_m", "y_m", "z_m", "vx_m_s", "vy_m_s", "vz_m_s"]


def _apsides(rp_km: float, ra_km: float) -> tuple[float, float]:
    """(a [km], e) from perigee and apogee radii [km]."""
    return 0.5 * (rp_km + ra_km), (ra_km - rp_km) / (ra_km + rp_km)


def _named_cases() -> list[tuple[str, tuple[float, ...]]]:
    """(name, (a_km, ecc, inc_deg, raan_deg, argp_deg, nu_deg)) of the hand-picked orbits."""
    gto = _apsides(RE + 185.0, RE + 35786.0)
    sputnik = _apsides(RE + 215.0, RE + 939.0)
    vostok = _apsides(RE + 181.0, RE + 327.0)
    rp_tli = RE + 185.0
    v_inf = 3.0  # [km/s] hyperbolic excess speed of the escape case
    a_esc = -GM_EARTH / 1e9 / v_inf**2
    return [
        ("LEO circular 400 km, i = 51.6 deg", (RE + 400.0, 0.0, 51.6, 30.0, 0.0, 45.0)),
        ("Molniya", (26554.0, 0.72, 63.4, 120.0, 270.0, 200.0)),
        ("GTO 185 x 35786 km, i = 28.5 deg", (gto[0], gto[1], 28.5, 80.0, 178.0, 10.0)),
        ("near-equatorial, i = 0.001 deg", (8000.0, 0.05, 0.001, 40.0, 60.0, 100.0)),
        ("equatorial ellipse (z = vz = 0)", (12000.0, 0.2, 0.0, 0.0, 75.0, 130.0)),
        ("GEO, circular equatorial", (42164.137, 0.0, 0.0, 0.0, 0.0, 250.0)),
        ("retrograde, i = 140 deg", (7500.0, 0.05, 140.0, 200.0, 30.0, 300.0)),
        ("polar, i = 90 deg", (7200.0, 0.01, 90.0, 10.0, 100.0, 180.0)),
        ("sun-synchronous 700 km, i = 98.19 deg", (RE + 700.0, 0.001, 98.19, 250.0, 90.0, 5.0)),
        ("Sputnik-like 215 x 939 km, i = 65.1 deg", (*sputnik, 65.1, 100.0, 58.0, 0.0)),
        ("Vostok-like 181 x 327 km, i = 64.95 deg", (*vostok, 64.95, 300.0, 20.0, 180.0)),
        ("Apollo-TLI-like, e = 0.977", (rp_tli / (1 - 0.977), 0.977, 31.4, 45.0, 10.0, 15.0)),
        ("hyperbolic escape, v_inf = 3 km/s", (a_esc, 1.0 - (RE + 300.0) / a_esc, 28.5,
                                               60.0, 120.0, 40.0)),
        ("hyperbolic inbound, e = 2.5", (8000.0 / (1.0 - 2.5), 2.5, 120.0, 330.0, 250.0, -70.0)),
    ]


def _state_cases() -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(name, r [m], v [m/s]) of the states given directly as vectors in a textbook."""
    return [
        ("Vallado (2013) Example 2-5 state",
         np.array([6524.834, 6862.875, 6448.296]) * 1e3,
         np.array([4.901327, 5.533756, -1.976341]) * 1e3),
        ("Curtis (2014) Example 4.3 state",
         np.array([-6045.0, -3490.0, 2500.0]) * 1e3,
         np.array([-3.457, 6.618, 2.533]) * 1e3),
    ]


def _random_cases(rng: np.random.Generator) -> list[tuple[str, tuple[float, ...]]]:
    """Random elliptic (4) and hyperbolic (2) orbits with perigees above 100 km."""
    out = []
    for k in range(4):
        rp = RE + rng.uniform(150.0, 2000.0)
        ecc = rng.uniform(0.0, 0.9)
        out.append((f"random ellipse {k}", (rp / (1 - ecc), ecc, math.degrees(math.acos(
            rng.uniform(-1.0, 1.0))), *rng.uniform(0.0, 360.0, 3))))
    for k in range(2):
        rp = RE + rng.uniform(150.0, 2000.0)
        ecc = rng.uniform(1.05, 3.0)
        nu_max = math.degrees(math.acos(-1.0 / ecc))
        out.append((f"random hyperbola {k}", (rp / (1 - ecc), ecc, math.degrees(math.acos(
            rng.uniform(-1.0, 1.0))), *rng.uniform(0.0, 360.0, 2),
            rng.uniform(-0.9, 0.9) * nu_max)))
    return out


def _orbit_from_elements(a_km, ecc, inc, raan, argp, nu) -> Orbit:
    nu = (nu + 180.0) % 360.0 - 180.0  # hapsira wants -180 <= nu < 180 (and warns otherwise)
    return Orbit.from_classical(
        EARTH, a_km * u.km, ecc * u.one, inc * u.deg, raan * u.deg, argp * u.deg, nu * u.deg
    )


def _state(orbit: Orbit) -> tuple[np.ndarray, np.ndarray]:
    return orbit.r.to_value(u.m), orbit.v.to_value(u.m / u.s)


def _elements(r: np.ndarray, v: np.ndarray) -> list[float]:
    """hapsira's classical elements of a state, SI: a [m], e, inc, raan, argp, nu [rad]."""
    orbit = Orbit.from_vectors(EARTH, r * u.m, v * u.m / u.s)
    return [
        orbit.a.to_value(u.m),
        orbit.ecc.to_value(u.one),
        orbit.inc.to_value(u.rad),
        orbit.raan.to_value(u.rad),
        orbit.argp.to_value(u.rad),
        orbit.nu.to_value(u.rad),
    ]


def _angle_diff(x: float, y: float) -> float:
    return abs((x - y + math.pi) % (2.0 * math.pi) - math.pi)


def _check_elements(name: str, given: tuple[float, ...], got: list[float]) -> None:
    """hapsira's rv2coe must give back the elements its coe2rv was fed (up to conventions)."""
    a_km, ecc, inc, raan, argp, nu = given
    assert abs(got[0] / 1e3 - a_km) <= 1e-9 * abs(a_km), (name, got[0], a_km)
    assert abs(got[1] - ecc) <= 1e-9, (name, got[1], ecc)
    assert _angle_diff(got[2], math.radians(inc)) <= 1e-9, (name, got[2], inc)
    # For circular or equatorial orbits the angles are reported in a combined form; only the
    # sum (the longitude of the satellite) is comparable there.
    lon_given = math.radians(raan + argp + nu)
    assert _angle_diff(got[3] + got[4] + got[5], lon_given) <= 1e-8, (name, got[3:], given)


def _time_steps(orbit: Orbit) -> list[float]:
    """Time steps [s]: part of a period, forwards and backwards, for ellipses; hours for
    hyperbolas."""
    if orbit.ecc.value < 1.0:
        period = orbit.period.to_value(u.s)
        return [0.37 * period, -1.3 * period, 2.6 * period]
    return [3600.0, -1800.0, 86400.0]


def _propagate(r: np.ndarray, v: np.ndarray, dt_s: float) -> tuple[list[float], float]:
    """State after dt_s by Farnocchia, and its distance from the Vallado propagator's [m]."""
    orbit = Orbit.from_vectors(EARTH, r * u.m, v * u.m / u.s)
    far = orbit.propagate(dt_s * u.s)
    val = orbit.propagate(dt_s * u.s, method=ValladoPropagator(numiter=400))
    r1, v1 = _state(far)
    rv, _ = _state(val)
    return [*r1, *v1], float(np.linalg.norm(r1 - rv))


def header_lines(extra: list[str]) -> list[str]:
    today = dt.datetime.now(dt.UTC).date().isoformat()
    return [
        f"# generated by tools/gen_orbit_crosscheck.py with hapsira {hapsira.__version__} "
        f"/ astropy {astropy.__version__} on {today}; do not edit",
        f"# numpy {np.__version__}, numba {numba.__version__}; "
        f"mu = {GM_EARTH!r} m^3/s^2 (hapsira Body k set to spacerace GM_EARTH)",
    ] + [f"# {line}" for line in extra]


def write_csv(path: Path, comments: list[str], columns: list[str], rows: list[list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        for line in comments:
            fh.write(line + "\n")
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([repr(float(x)) for x in row])


def main() -> None:
    rng = np.random.default_rng(SEED)
    states: list[tuple[str, np.ndarray, np.ndarray]] = []
    for name, given in _named_cases() + _random_cases(rng):
        r, v = _state(_orbit_from_elements(*given))
        _check_elements(name, given, _elements(r, v))
        states.append((name, r, v))
    states += _state_cases()

    element_rows, propagation_rows, names = [], [], []
    worst_propagation = 0.0
    for k, (name, r, v) in enumerate(states, start=1):
        element_rows.append([*r, *v, *_elements(r, v)])
        names.append(f"row {k}: {name}")
        orbit = Orbit.from_vectors(EARTH, r * u.m, v * u.m / u.s)
        for dt_s in _time_steps(orbit):
            final, gap = _propagate(r, v, dt_s)
            scale = float(np.linalg.norm(final[:3]))
            assert gap <= 1e-7 * scale, (name, dt_s, gap)
            worst_propagation = max(worst_propagation, gap / scale)
            propagation_rows.append([*r, *v, dt_s, *final])

    write_csv(
        ELEMENTS_CSV,
        header_lines(
            [
                "Inertial state -> classical elements: hapsira Orbit.from_vectors(body, r, v),",
                "then .a .ecc .inc .raan .argp .nu (hapsira.core.elements.rv2coe, tol 1e-8).",
                "x_m..vz_m_s: inertial position [m] and velocity [m/s]; a_m: semi-major axis [m]",
                "(< 0 for hyperbolas); ecc; inc, raan, argp, nu [rad]. hapsira's conventions:",
                "circular (e < 1e-8): argp = 0, nu = argument of latitude; equatorial",
                "(i < 1e-8): raan = 0, argp = longitude of perigee; nu in (-pi, pi].",
                "Floats are written with repr() (shortest string that round-trips).",
                f"Random orbits: numpy default_rng({SEED}).",
                *names,
            ]
        ),
        ELEMENT_COLUMNS,
        element_rows,
    )
    print(f"wrote {ELEMENTS_CSV} ({len(element_rows)} rows)")
    write_csv(
        PROPAGATION_CSV,
        header_lines(
            [
                "Two-body propagation: hapsira Orbit.from_vectors(body, r0, v0).propagate(dt)",
                "(Farnocchia's method). x0_m..vz0_m_s: initial state [m, m/s]; dt_s [s];",
                "x_m..vz_m_s: state after dt_s. Same states as orbit_elements.csv, three steps",
                "each. Checked against hapsira's ValladoPropagator: worst position gap",
                f"{worst_propagation:.1e} of |r|.",
            ]
        ),
        PROPAGATION_COLUMNS,
        propagation_rows,
    )
    print(f"wrote {PROPAGATION_CSV} ({len(propagation_rows)} rows); "
          f"Farnocchia vs Vallado worst {worst_propagation:.1e} of |r|")


if __name__ == "__main__":
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an astropy or hapsira warning would mean a bad case
        main()
