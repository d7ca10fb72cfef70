# /// script
# requires-python = ">=3.11"
# dependencies = ["ussa1976==0.3.4", "numpy"]
# ///
"""Tabulate the U.S. Standard Atmosphere 1976 from 86 km to 1000 km, every 1 km.

Writes ``src/spacerace/models/ussa76_upper.csv`` (geometric altitude [km], kinetic temperature
[K], pressure [Pa], density [kg/m^3]); ``spacerace.models.atmosphere`` interpolates T linearly and
ln p, ln rho linearly in it above 86 km.

Why this library
----------------
Above 86 km the 1976 standard has no closed form: the number densities of N2, O, O2, Ar, He and
H come from integrating the diffusion equations of Part 1 (eqs. 33-39, Appendix B). The package
``ussa1976`` (Y. Nollet) integrates them. ``pyatmos`` was considered and rejected: its
``coesa76`` is not the model above 86 km (pressure and density are 4th-order polynomial fits of
ln p and ln rho, taken from braeunig.us; the thermosphere temperature uses a 6371.0008 km Earth
radius instead of the standard's 6356.766 km), and ``import pyatmos`` downloads IERS files
unless ``ENABLE_IERS_LOAD=false`` is set.

One correction to ussa1976 0.3.4
--------------------------------
In 0.3.4 the atomic-oxygen flux term below 115 km uses the molar mass of N2 where the standard
uses the mean molecular weight M(Z) (M0 below 100 km, as the library itself does for N2 and O2).
Uncorrected, n(O) is 7 % high from 100 km up and p, rho are up to 7 % high (400-600 km) against
the published tables; with the correction n(O) agrees with Table VIII to 0.3 % and p, rho with
Table I to better than 1 %. The fix is applied below and is tied to version 0.3.4.

The script checks its output against the published values in
``tests/reference/ussa1976_table.csv`` (T within 0.5 %, p and rho within 1 %) and writes nothing
if a row fails. It needs no network: the library ships no data files and fetches nothing.

Run:  uv run tools/gen_ussa76_upper.py   (or any Python with ussa1976==0.3.4 installed)
"""

from __future__ import annotations

import csv
import datetime
import sys
from pathlib import Path

import numpy as np
import ussa1976
import ussa1976.core as core

LIB_VERSION = "0.3.4"
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "spacerace" / "models" / "ussa76_upper.csv"
REFERENCE = ROOT / "tests" / "reference" / "ussa1976_table.csv"


def _oxygen_flux_term(z_grid, g, t, dt_dz, d, k):
    """Atomic-oxygen term of eq. 36 with the mean molecular weight M(Z) (not M(N2))."""
    below, above = z_grid < 115e3, z_grid >= 115e3
    m = core.compute_mean_molar_mass_high_altitude(z=z_grid)
    f_below = core.f_below_115_km(
        g=g[below], t=t[below], dt_dz=dt_dz[below], m=m[below],
        mi=core.M["O"], alpha=core.ALPHA["O"], d=d, k=k,
    )
    f_above = core.f_above_115_km(
        g=g[above], t=t[above], dt_dz=dt_dz[above], mi=core.M["O"], alpha=core.ALPHA["O"],
    )
    return np.concatenate((f_below, f_above))


def compute(z_m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Kinetic temperature [K], pressure [Pa], density [kg/m^3] at geometric altitudes [m]."""
    if ussa1976.__version__ != LIB_VERSION:
        sys.exit(f"ussa1976 {ussa1976.__version__} found; the oxygen fix is for {LIB_VERSION}")
    core.thermal_diffusion_term_atomic_oxygen = _oxygen_flux_term
    ds = core.init_data_set(z=z_m)
    # The upper-atmosphere branch for every point, 86 km included: at 86 km it gives the kinetic
    # temperature 186.8673 K of the standard (the low branch would give T_M = 186.946 K).
    core.compute_high_altitude(data_set=ds, mask=None, inplace=True)
    return ds["t"].values, ds["p"].values, ds["rho"].values


def check(z_km: np.ndarray, t: np.ndarray, p: np.ndarray, rho: np.ndarray) -> list[str]:
    """Compare with the published Table I values above 86 km; return the failures."""
    if not REFERENCE.exists():
        return [f"{REFERENCE} not found"]
    bad = []
    with REFERENCE.open(newline="") as f:
        for row in csv.DictReader(f):
            z = float(row["alt_km"])
            if z < 86.0:
                continue
            i = int(np.argmin(np.abs(z_km - z)))
            if abs(z_km[i] - z) > 1e-9:
                bad.append(f"{z} km is not on the 1 km grid")
                continue
            for name, val, tol in (("T_K", t[i], 5e-3), ("p_Pa", p[i], 1e-2),
                                   ("rho_kg_m3", rho[i], 1e-2)):
                ref = float(row[name])
                if abs(val / ref - 1.0) > tol:
                    bad.append(f"{z:g} km {name}: {val:.5g} vs published {ref:.5g}")
    return bad


def main() -> None:
    z_km = np.arange(86, 1001, dtype=float)
    t, p, rho = compute(z_km * 1e3)
    failures = check(z_km, t, p, rho)
    if failures:
        sys.exit("not written, disagrees with the published table:\n  " + "\n  ".join(failures))
    today = datetime.date.today().isoformat()
    with OUT.open("w", newline="") as f:
        f.write("# U.S. Standard Atmosphere 1976 (NOAA-S/T 76-1562, NASA-TM-X-74335), 86-1000 km\n")
        f.write("# geometric altitude; kinetic temperature; species diffusion model of Part 1\n")
        f.write("# generated by tools/gen_ussa76_upper.py with the Python package "
                f"ussa1976 {LIB_VERSION}\n")
        f.write("# (atomic-oxygen flux term corrected to use M(Z), see the script) on "
                f"{today}\n")
        f.write("# checked against tests/reference/ussa1976_table.csv: T within 0.5 %, "
                "p and rho within 1 %\n")
        f.write("alt_km,T_K,p_Pa,rho_kg_m3\n")
        for z, tk, pa, dens in zip(z_km, t, p, rho, strict=True):
            f.write(f"{z:.0f},{tk:.4f},{pa:.6e},{dens:.6e}\n")
    print(f"wrote {OUT.relative_to(ROOT)}: {z_km.size} rows, {z_km[0]:.0f}-{z_km[-1]:.0f} km")


if __name__ == "__main__":
    main()
