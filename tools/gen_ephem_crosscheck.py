# /// script
# requires-python = ">=3.11"
# dependencies = [
#     "numpy==2.4.6",
#     "skyfield==1.55",
#     "skyfield-data==7.0.0",
#     "jplephem==2.24",
#     "de421==2008.1",
# ]
# ///
"""Generate cross-check data for ``spacerace.ephem`` from Skyfield.

Writes ``tests/crosscheck/moon_sun_skyfield.csv``: geometric geocentric positions of the Moon
and the Sun from Skyfield, in the simulator's inertial frame (see ``spacerace.frames`` and the
module docstring of ``spacerace.ephem``), at historical instants.

* Ephemeris: NAIF's ``de421.bsp`` as shipped in the PyPI package ``skyfield-data`` (read by
  Skyfield through jplephem's SPK reader, offline). The ``de421`` package that spacerace reads
  holds the same coefficients as NumPy arrays, which Skyfield cannot open; the script checks
  that the two agree to 5 cm (in fact about 1 cm) at every instant.
* Time: the epoch's UTC is read as UT1 (``ts.ut1``), as spacerace does, so Skyfield supplies
  its own dT = TT - UT1; an instant ``t_s`` after the epoch is TT(epoch) + ``t_s``.
* Frame: Skyfield's ITRS rotation at the *epoch* (``R3(GAST) N P B``, IAU 2006 precession,
  IAU 2000A nutation, no polar motion), followed by ``R3(-ERA)``. That is the frame in which
  ``R3(ERA)`` gives Earth-fixed axes, i.e. the CIO-based frame of ``spacerace.ephem``; it is
  ``R3(GAST - ERA)`` times the true equator and equinox of date, and the script checks that
  identity against ``framelib.true_equator_and_equinox_of_date``.

Run ``uv run tools/gen_ephem_crosscheck.py`` (or ``python`` with the pinned packages).
``--delta-t-table`` prints instead the dT table that ``spacerace/ephem.py`` carries.
The tests in ``tests/test_ephem.py`` read the CSV and never import Skyfield.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
from importlib import resources
from importlib.metadata import version
from pathlib import Path

import de421
import numpy as np
from jplephem.ephem import Ephemeris
from skyfield import framelib
from skyfield.api import load, load_file
from skyfield.earthlib import earth_rotation_angle

OUT = Path(__file__).resolve().parent.parent / "tests" / "crosscheck" / "moon_sun_skyfield.csv"

# (epoch = liftoff, instant, note). The frame is that of the epoch; the instant's TT is
# TT(epoch) + (instant - epoch), the simulator's "t seconds since liftoff".
ROWS = [
    ("1957-10-04T19:28:34Z", "1957-10-04T19:28:34Z", "Sputnik 1 launch"),
    ("1959-10-04T00:43:40Z", "1959-10-04T00:43:40Z", "Luna 3 launch"),
    ("1959-10-04T00:43:40Z", "1959-10-06T14:16:00Z", "Luna 3 closest approach"),
    ("1959-10-04T00:43:40Z", "1959-10-07T03:30:00Z", "Luna 3 far-side photography"),
    ("1961-04-12T06:07:00Z", "1961-04-12T06:07:00Z", "Vostok 1 launch"),
    ("1969-07-16T13:32:00Z", "1969-07-16T13:32:00Z", "Apollo 11 launch"),
    ("1969-07-16T13:32:00Z", "1969-07-16T16:22:13Z", "Apollo 11 TLI"),
    ("1969-07-16T13:32:00Z", "1969-07-19T17:21:00Z", "Apollo 11 lunar orbit insertion"),
    ("1969-07-16T13:32:00Z", "1969-07-20T20:17:40Z", "Apollo 11 landing"),
    ("1969-07-16T13:32:00Z", "1969-07-24T16:50:35Z", "Apollo 11 splashdown"),
    ("1969-07-19T17:21:00Z", "1969-07-19T17:21:00Z", "Apollo 11 LOI as its own epoch"),
    ("1981-04-12T12:00:03Z", "1981-04-12T12:00:03Z", "STS-1 launch"),
    ("2000-01-01T12:00:00Z", "2000-01-01T12:00:00Z", "J2000.0"),
    ("2024-04-08T18:18:00Z", "2024-04-08T18:18:00Z", "total solar eclipse"),
]

COLUMNS = ["epoch_utc", "utc_iso", "t_s", "delta_t_s", "gast_minus_era_rad",
           "moon_x_m", "moon_y_m", "moon_z_m", "sun_x_m", "sun_y_m", "sun_z_m"]


def _utc(iso: str) -> dt.datetime:
    return dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))


def _r3(angle: float) -> np.ndarray:
    """Frame rotation about z by ``angle`` [rad] (IERS sign rule)."""
    c, s = math.cos(angle), math.sin(angle)
    return np.array([[c, s, 0.0], [-s, c, 0.0], [0.0, 0.0, 1.0]])


def delta_t_table() -> None:
    """Print dT every 365.25 days from JD(UT1) 2415020.5 to 2027 for ``spacerace/ephem.py``."""
    ts = load.timescale(builtin=True)
    jd = 2415020.5 + 365.25 * np.arange(128)
    values = [f"{v:.3f}" for v in ts.ut1_jd(jd).delta_t]
    for i in range(0, len(values), 10):
        print("    " + ", ".join(values[i:i + 10]) + ",")


def main() -> None:
    ts = load.timescale(builtin=True)
    bsp = resources.files("skyfield_data") / "data" / "de421.bsp"
    eph = load_file(str(bsp))
    earth, moon, sun = eph["earth"], eph["moon"], eph["sun"]
    npy = Ephemeris(de421)  # the DE421 arrays spacerace reads, through jplephem 1.x's reader

    out = []
    worst_npy = worst_tete = 0.0
    for epoch_iso, inst_iso, _note in ROWS:
        epoch, inst = _utc(epoch_iso), _utc(inst_iso)
        t_s = (inst - epoch).total_seconds()
        t0 = ts.ut1(epoch.year, epoch.month, epoch.day, epoch.hour, epoch.minute,
                    epoch.second + epoch.microsecond * 1e-6)
        t1 = ts.tt_jd(t0.whole, t0.tt_fraction + t_s / 86400.0)
        r_moon = (moon - earth).at(t1).position.m
        r_sun = (sun - earth).at(t1).position.m

        # the same vectors from the de421 package's arrays (km, TDB)
        m_npy = npy.position("moon", t1.whole, t1.tdb_fraction).ravel()
        emb = npy.position("earthmoon", t1.whole, t1.tdb_fraction).ravel()
        s_npy = npy.position("sun", t1.whole, t1.tdb_fraction).ravel() - (
            emb - npy.earth_share * m_npy)
        worst_npy = max(worst_npy, float(np.abs(m_npy * 1e3 - r_moon).max()),
                        float(np.abs(s_npy * 1e3 - r_sun).max()))

        era = 2.0 * math.pi * earth_rotation_angle(t0.whole, t0.ut1_fraction)
        gast = t0.gast / 24.0 * 2.0 * math.pi
        g_minus_e = math.remainder(gast - era, 2.0 * math.pi)
        eci_from_icrf = _r3(-era) @ framelib.itrs.rotation_at(t0)
        tete = _r3(g_minus_e) @ framelib.true_equator_and_equinox_of_date.rotation_at(t0)
        worst_tete = max(worst_tete, float(np.abs(eci_from_icrf - tete).max()))
        out.append([epoch_iso, inst_iso, t_s, float(t0.delta_t), g_minus_e,
                    *(eci_from_icrf @ r_moon), *(eci_from_icrf @ r_sun)])
    assert worst_npy < 0.05, f"de421 arrays differ from de421.bsp by {worst_npy} m"
    assert worst_tete < 1e-14, f"ITRS and TETE routes differ by {worst_tete} rad"

    today = dt.datetime.now(dt.UTC).date().isoformat()
    header = [
        f"# generated by tools/gen_ephem_crosscheck.py with skyfield {version('skyfield')} "
        f"on {today}; do not edit",
        f"# skyfield-data {version('skyfield-data')} (NAIF de421.bsp), jplephem "
        f"{version('jplephem')}, de421 {version('de421')}, numpy {np.__version__}",
        "# Geometric geocentric Moon and Sun in the CIRS of the epoch (x at the CIO: "
        "r_ecef = R3(ERA) r), epoch UTC read as UT1,",
        "# instant TT = TT(epoch) + t_s. utc_iso is the nominal instant; delta_t_s is Skyfield's "
        "TT - UT1 at the epoch;",
        "# gast_minus_era_rad = GAST - ERA at the epoch (true-equinox frame = R3(-that) this "
        "frame). Positions in m.",
        f"# max |de421 package - de421.bsp| over these rows: {worst_npy:.1e} m",
    ]
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        fh.write("\n".join(header) + "\n")
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in out:
            writer.writerow([row[0], row[1]] + [repr(float(v)) for v in row[2:]])
    print(f"wrote {OUT} ({len(out)} rows); de421 arrays vs bsp {worst_npy:.1e} m, "
          f"ITRS vs TETE route {worst_tete:.1e}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delta-t-table", action="store_true",
                        help="print the dT table of spacerace/ephem.py instead")
    if parser.parse_args().delta_t_table:
        delta_t_table()
    else:
        main()
