"""The ``spacerace`` command: parse, call the public API, render. No physics here.

Exit status: 0 success, 1 a predicted figure outside its tolerance, 2 a user error (bad file,
unknown mission, impossible vehicle) reported on one line without a traceback, 3 a flight that
cannot be computed or a target that cannot be reached (one line saying what and the best got).
"""

from __future__ import annotations

import contextlib
import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from spacerace import catalog
from spacerace._files import atomic_path, check_output, make_folder, write_text
from spacerace._version import __version__
from spacerace.errors import OutputError, SimulationError, SpaceraceError
from spacerace.report import (
    archival_text,
    format_value,
    headline,
    markdown,
    to_dict,
)
from spacerace.results import FlightResult
from spacerace.units import unit_of_key
from spacerace.validation import FAIL, Comparison, compare, is_miss, summary_line

# The simulator (numba, the compiled kernel) is imported by the commands that fly, so that
# listing, help and errors start without it.
if TYPE_CHECKING:
    from spacerace.api import BodyDecay
    from spacerace.mission import ArchiveFigure, Mission

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Fly the rockets of the space race and check them against the archives.")
out = Console()
err = Console(stderr=True)


def _show_version(value: bool) -> None:
    if value:
        print(f"spacerace {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(version: Annotated[bool, typer.Option(
        "--version", metavar="", callback=_show_version, is_eager=True,
        help="Print the version and exit.")] = False) -> None:
    """Fly the rockets of the space race and check them against the archives."""


EXIT_MISS, EXIT_USER, EXIT_UNREACHABLE = 1, 2, 3


def _flag(name: str, help: str) -> Any:  # noqa: A002 - typer's own word
    """An on/off option, shown in --help as a flag (no value after it)."""
    return typer.Option(name, metavar="", help=help)


def fly_named(mission: str | Path, vehicle: str | Path | None = None,
              quick_start: bool = False) -> FlightResult:
    """``spacerace.api.fly``: the files are read first, so that a mistake in them is reported
    before the simulator is imported. With ``quick_start``, a short flight before the kernel
    is compiled is flown interpreted while it compiles (``spacerace.firstflight``)."""
    v, m = catalog.load(mission, vehicle)
    from spacerace import firstflight

    interpreted = quick_start and firstflight.choose(m)
    if interpreted and err.is_terminal:
        err.print("[dim]the flight kernel compiles in the background (once after installing "
                  "or updating); this flight runs without it[/dim]")
    from spacerace._jit import IS_COMPILED
    from spacerace.api import fly_pair

    with contextlib.nullcontext() if interpreted else _compiling():
        result = fly_pair(v, m)
    if IS_COMPILED:
        firstflight.mark_compiled()  # what a flight needs is compiled now
        firstflight.want_prebuilt()
    return result


def _compiling() -> Any:
    """A spinner on a terminal while the flight kernel is compiled (once after installing or
    updating: a minute or so); nothing once numba's disk cache holds it."""
    if not err.is_terminal:  # no spinner to show: no need to load the kernel to decide
        return contextlib.nullcontext()
    from spacerace._jit import is_cached
    from spacerace.kernel.loop import run

    if is_cached(run):
        return contextlib.nullcontext()
    return err.status("compiling the flight kernel: once after installing or updating "
                      "spacerace, about a minute; later runs start in a second or two")


def _fail(exc: Exception) -> typer.Exit:
    """One line on stderr; exit 3 for a flight that cannot be flown as asked, else 2."""
    unreachable = isinstance(exc, SimulationError)
    label = "cannot fly" if unreachable else "error"
    err.print(f"{label}: {exc}", markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(EXIT_UNREACHABLE if unreachable else EXIT_USER)


@app.command("catalog")
def catalog_cmd(as_json: Annotated[bool, _flag("--json", "Print JSON.")] = False
                ) -> None:
    """List the vehicles and missions of the catalog."""
    try:
        pairs = [catalog.load(n) for n in catalog.list_missions()]
        missions = {m.id: m for _, m in pairs}
        # a mission's vehicle comes from the parsed-catalog cache; only a vehicle that no
        # mission flies is read from its file (which needs the units library)
        flown = {m.vehicle: v for v, m in pairs}
        vehicles = {n: flown.get(n) or catalog.load_vehicle(n) for n in catalog.list_vehicles()}
    except SpaceraceError as exc:
        raise _fail(exc) from None
    if as_json:
        print(json.dumps({
            "vehicles": [{"id": v.id, "name": v.name, "stages": len(v.stages),
                          "liftoff_mass_kg": v.liftoff_mass} for v in vehicles.values()],
            "missions": [{"id": m.id, "name": m.name, "vehicle": m.vehicle,
                          "date": m.epoch.date().isoformat()} for m in missions.values()],
        }, indent=2))
        return
    t = Table(title="Vehicles")
    for col in ("id", "name", "stages", "liftoff mass"):
        t.add_column(col)
    for v in vehicles.values():
        t.add_row(v.id, v.name, str(len(v.stages)), f"{v.liftoff_mass:,.0f} kg")
    out.print(t)
    t = Table(title="Missions")
    for col in ("id", "date", "vehicle", "name"):
        t.add_column(col)
    for m in missions.values():
        t.add_row(m.id, m.epoch.date().isoformat(), m.vehicle, m.name)
    out.print(t)


def _print_result(result: FlightResult) -> None:
    m = result.mission
    out.print(f"[bold]{m.name}[/bold]  ({result.vehicle.name})")
    if result.aim is not None and m.target is not None:
        speed = result.aim.cutoff_speed
        cut = f"cut-off {speed:,.1f} m/s, " if math.isfinite(speed) else ""
        out.print(f"aimed at {m.target.name}: {cut}azimuth "
                  f"{math.degrees(result.aim.azimuth) % 360:.2f} deg, miss "
                  f"{result.aim.miss_distance:.1f} m")
    elif result.aim is not None and math.isfinite(m.target_inclination):
        out.print(f"aimed at an inclination of {math.degrees(m.target_inclination):.3f} deg: "
                  f"launch azimuth {math.degrees(result.aim.azimuth) % 360:.3f} deg")
    if result.aim is not None and m.moon is not None:
        out.print(f"injection aimed at the Moon ({m.moon.closest_approach / 1e3:,.1f} km "
                  f"from its centre): target apogee {result.aim.injection_apogee / 1e3:,.0f} "
                  f"km, yaw {math.degrees(result.aim.injection_yaw):+.3f} deg, "
                  f"{result.aim.injection_flights} trial flights")
    t = Table(title="What the flight did")
    t.add_column("figure")
    t.add_column("simulated", justify="right")
    for _, words, text in headline(result.figures):
        t.add_row(words, text)
    out.print(t)
    rows = compare(result.figures, m.archive)
    if rows:
        out.print(_comparison_table("Simulated and archival figures (only predictions are "
                                    "scored)", [(c, None) for c in rows]))
        out.print(summary_line(rows), highlight=False, soft_wrap=True)
    t = Table(title="Events")
    for col in ("event", "t [s]", "altitude [km]", "speed [m/s]"):
        t.add_column(col)
    for e in result.trajectory.events:
        t.add_row(e.name, f"{e.t:.2f}", f"{e.altitude / 1e3:.2f}", f"{e.speed:.1f}")
    out.print(t)
    shown = {a.key for a in m.archive} | {k for k, _, _ in headline(result.figures)}
    other = {k: v for k, v in result.figures.items() if k not in shown}
    out.print("other figures: " + ", ".join(
        f"{k} = {format_value(v, unit_of_key(k)) if unit_of_key(k) else f'{v:,.6g}'}"
        for k, v in other.items()), highlight=False)


def _check_outputs(files: list[Path | None], folders: list[Path | None]) -> None:
    """Refuse output names that cannot be written, before any flight is flown."""
    for f in files:
        if f is not None:
            check_output(f)
    for d in folders:
        if d is not None and d.exists() and not d.is_dir():
            raise OutputError(str(d), "is a file; expected a folder")


def _write_flight(result: FlightResult, csv: Path | None, parquet: Path | None,
                  plot: Path | None, report: Path | None, czml: Path | None,
                  kml: Path | None) -> list[Path]:
    """Write the outputs asked for (each whole or not at all); returns the plots written."""
    from spacerace.export.tables import write_csv, write_parquet

    stem = result.mission.id
    if report is not None:
        make_folder(report)
        write_text(report / f"{stem}.md", markdown(result))
        write_text(report / f"{stem}.json", json.dumps(to_dict(result), indent=2))
        write_csv(result.trajectory, report / f"{stem}.csv")
        plot = plot or report
    if csv is not None:
        write_csv(result.trajectory, csv)
    if parquet is not None:
        try:
            write_parquet(result.trajectory, parquet)
        except ImportError:
            raise OutputError(str(parquet), "--parquet needs pyarrow: pip install "
                              "'spacerace[parquet]'") from None
    if czml is not None:
        from spacerace.export import czml as czml_export

        czml_export.write(result, czml)
    if kml is not None:
        from spacerace.export import kml as kml_export

        kml_export.write(result, kml)
    if plot is None:
        return []
    from spacerace.plots import plot_flight
    from spacerace.web.flightview import with_fine_ascent

    m = result.mission
    fine = with_fine_ascent(result)  # a flight to the Moon: its ascent sampled every second
    return plot_flight(fine.trajectory, m.name, plot, stem, m.epoch, m.site.name,
                       m.target.name if m.target is not None else None)


@app.command("fly")
def fly_cmd(
    mission: Annotated[str | None, typer.Argument(help="Catalog mission, e.g. v2-london.")] = None,
    vehicle_file: Annotated[Path | None, typer.Option("--vehicle", help="Vehicle TOML file.")
                            ] = None,
    mission_file: Annotated[Path | None, typer.Option("--mission", help="Mission TOML file.")
                            ] = None,
    as_json: Annotated[bool, _flag("--json", "Print one JSON object.")] = False,
    csv: Annotated[Path | None, typer.Option("--csv", help="Write the trajectory as CSV.")
                   ] = None,
    parquet: Annotated[Path | None, typer.Option("--parquet", help="Write it as Parquet.")
                       ] = None,
    plot: Annotated[Path | None, typer.Option("--plot", help="Write PNG plots to this folder.")
                    ] = None,
    report: Annotated[Path | None, typer.Option(
        "--report", help="Write a full report (Markdown, JSON, CSV, plots) to this folder.")
    ] = None,
    czml: Annotated[Path | None, typer.Option("--czml", help="Write CZML for Cesium.")] = None,
    kml: Annotated[Path | None, typer.Option("--kml", help="Write KML for Google Earth.")
                   ] = None,
) -> None:
    """Fly a mission (aimed at its target if it has one) and compare it with the archive."""
    if (mission is None) == (mission_file is None):
        raise _fail(ValueError("give a catalog mission or --mission FILE (one of them)"))
    try:
        _check_outputs(files=[csv, parquet, czml, kml], folders=[plot, report])
        result = fly_named(mission_file or mission or "", vehicle_file, quick_start=True)
        written = _write_flight(result, csv, parquet, plot, report, czml, kml)
    except SpaceraceError as exc:
        raise _fail(exc) from None
    if as_json:
        print(json.dumps(to_dict(result), indent=2))
        return
    _print_result(result)
    for p in written:
        out.print(f"wrote {p}")
    if report is not None:
        out.print(f"wrote the report to {report}/")


WIDE = 120  # columns from which a comparison table gets one column per item


def _comparison_table(title: str, rows: list[tuple[Comparison, str | None]]) -> Table:
    """Figures beside the archive: one column per item on a wide terminal; on a narrow one
    (80 columns) four columns, with the source under the figure's name, the tolerance under
    the archival figure and the error under the verdict."""
    wide = out.width >= WIDE
    banded = any(band is not None for _, band in rows)
    t = Table(title=title, title_justify="left")
    cols = ["figure", "simulated", "archival", "error", "tolerance", "verdict", "source"] \
        if wide else ["figure [source]", "simulated", "archival [± tolerance]",
                      "verdict [error]"]
    if banded:
        cols.insert(3 if wide else 3, "5-95 % of the sources' spread")
    for col in cols:
        t.add_column(col, overflow="fold")
    for c, band in rows:
        f = c.figure
        tol = format_value(f.tolerance, f.unit) if f.tolerance else "-"
        sim, err_ = format_value(c.simulated, f.unit), format_value(c.error, f.unit)
        if wide:
            cells = [f.key, sim, archival_text(c), err_, tol, c.verdict, f.source]
        else:
            cells = [f"{f.key}\n[dim]{escape(f.source)}[/dim]", sim,
                     archival_text(c) + (f"\n± {tol}" if f.tolerance else ""),
                     c.verdict + (f"\n{err_}" if c.error is not None else "")]
        if banded:
            cells.insert(3, band or "")
        t.add_row(*cells, style="red" if c.verdict == FAIL else None)
    return t


def _comparison_json(mission: str, c: Comparison) -> dict[str, Any]:
    return {"mission": mission, "figure": c.figure.key, "simulated": c.simulated,
            "archival": c.figure.value,
            "range": [c.figure.low, c.figure.high] if c.figure.low is not None else None,
            "error": c.error, "tolerance": c.figure.tolerance, "verdict": c.verdict,
            "source": c.figure.source, "unconfirmed": c.figure.unconfirmed,
            "role": c.figure.role, "by": c.figure.by or None}


def _band_text(c: Comparison, band: tuple[float, float] | None, spread: Any) -> str:
    if c.role != "prediction":
        return ""
    if spread is None or not spread.spreads:
        return "no spread recorded"
    if band is None:
        return "not in the spread's flights"
    return f"{format_value(band[0], c.figure.unit)} - {format_value(band[1], c.figure.unit)}"


def _spread_rows(name: str, rows: list[Comparison], runs: int, show: bool
                 ) -> tuple[list[tuple[Comparison, tuple[float, float] | None]], Any]:
    """Fly the mission across its sources' spread; the rows with their bands."""
    from rich.progress import BarColumn, Progress, TextColumn

    from spacerace.api import lifetime_figures
    from spacerace.spread import fly_spread, with_spread

    vehicle, mission = catalog.load(name)
    spreads = catalog.source_spreads(vehicle)
    with Progress(TextColumn("{task.description}"), BarColumn(),
                  TextColumn("{task.completed}/{task.total} flights"), console=err,
                  disable=not show or not spreads) as bar:
        task = bar.add_task(f"{name}: the sources' spread", total=runs)
        result = fly_spread(vehicle, mission, spreads, runs, extra=lifetime_figures,
                            on_flight=lambda i: bar.update(task, completed=i))
    return with_spread(rows, result), result


@app.command("validate")
def validate_cmd(
    missions: Annotated[list[str] | None, typer.Argument(
        help="Catalog missions or mission files (default: the whole catalog).")] = None,
    as_json: Annotated[bool, _flag("--json", "Print JSON.")] = False,
    spread: Annotated[bool, _flag(
        "--spread", "Also fly each mission across the range of its sources' figures "
        "and give each prediction its 5-95 % band.")] = False,
    spread_runs: Annotated[int, typer.Option(
        "--spread-runs", min=8, max=10_000, help="Flights across the spread per mission.")
    ] = 48,
) -> None:
    """Fly every mission and score each prediction against the archive.

    Aimed, calibrated and input figures are shown with their roles, not scored. Exit 1 when
    a prediction misses, 3 when a flight cannot be flown (the message says why).
    """
    from spacerace.api import lifetime_figures

    rows: list[tuple[str, Comparison, tuple[float, float] | None, Any]] = []
    crashed: list[tuple[str, str]] = []
    for name in missions or catalog.list_missions():
        try:
            res = fly_named(name)
            res.figures.update(lifetime_figures(res))
            compared = compare(res.figures, res.mission.archive)
            if spread:
                banded, result = _spread_rows(name, compared, spread_runs, not as_json)
                rows += [(name, c, band, result) for c, band in banded]
            else:
                rows += [(name, c, None, None) for c in compared]
        except SimulationError as exc:
            crashed.append((name, str(exc)))
            continue
        except (SpaceraceError, ModuleNotFoundError) as exc:
            raise _fail(exc) from None
    line = summary_line([c for _, c, _, _ in rows]) + (
        f"; {len(crashed)} mission(s) could not be flown" if crashed else "")
    if as_json:
        doc = []
        for n, c, band, result in rows:
            row = _comparison_json(n, c)
            if spread:
                row["spread"] = None if band is None else {
                    "p05": band[0], "p95": band[1], "flights": result.flown,
                    "failed": result.failed}
                row["spread_note"] = _band_text(c, band, result)
            doc.append(row)
        doc += [{"mission": n, "figure": None, "verdict": "crashed", "role": None,
                 "message": msg} for n, msg in crashed]
        print(json.dumps(doc, indent=2))
    else:
        for mission_name in dict.fromkeys(n for n, *_ in rows):
            mine = [(c, _band_text(c, band, result) if spread else None)
                    for n, c, band, result in rows if n == mission_name]
            out.print(_comparison_table(f"{mission_name}: simulated and archival figures",
                                        mine))
        for n, msg in crashed:
            err.print(f"cannot fly {n}: {msg}", markup=False, highlight=False, soft_wrap=True)
        out.print(line, highlight=False, soft_wrap=True)
    if crashed:
        raise typer.Exit(EXIT_UNREACHABLE)
    if any(is_miss(c) for _, c, _, _ in rows):
        raise typer.Exit(EXIT_MISS)


def _mc_table(summary: dict) -> None:
    t = Table(title=f"Monte Carlo: {summary['mission']}, {summary['runs']} runs, seed "
                    f"{summary['seed']}")
    t.add_column("figure")
    t.add_column("value")
    for status, count in summary["statuses"].items():
        t.add_row(f"runs: {status}", str(count))
    imp = summary.get("impact")
    if imp:
        t.add_row("mean point of impact", f"{imp['mean_lat_deg']:.4f} N, "
                  f"{imp['mean_lon_deg']:.4f} E")
        t.add_row("  offset from the aim", f"{imp['mean_downrange_m'] / 1e3:+.2f} km down-range,"
                  f" {imp['mean_crossrange_m'] / 1e3:+.2f} km cross-range")
        t.add_row("1-sigma down-range / cross-range",
                  f"{imp['sd_downrange_m'] / 1e3:.2f} km / {imp['sd_crossrange_m'] / 1e3:.2f} km")
        t.add_row("CEP about the mean point", f"{imp['cep_m'] / 1e3:.2f} km")
        t.add_row("CEP about the aim point", f"{imp['cep_about_aim_m'] / 1e3:.2f} km")
        for e in imp["ellipses"]:
            t.add_row(f"{e['probability']:.0%} ellipse", f"{e['semi_major_m'] / 1e3:.2f} x "
                      f"{e['semi_minor_m'] / 1e3:.2f} km (semi-axes), major axis "
                      f"{e['azimuth_deg']:.0f} deg")
        t.add_row("95 % extent, range x cross-range",
                  f"{imp['range_extent_95_m'] / 1e3:.1f} km x "
                  f"{imp['crossrange_extent_95_m'] / 1e3:.1f} km")
    for key, a in summary["archive"].items():
        if a["range"] is not None:
            text = f"{a['range'][0] / 1e3:.1f}-{a['range'][1] / 1e3:.1f} km"
        else:
            text = f"{a['value'] / 1e3:.1f} km"
        t.add_row(f"archive: {key}", f"{text} ({a['source']}) {a['note']}")
    for name, f in summary["figures"].items():
        t.add_row(name, f"mean {f['mean']:,.1f}, sd {f['sd']:,.2f}, 5-95 % "
                  f"{f['p05']:,.1f} - {f['p95']:,.1f}")
    out.print(t)


def _write_rows(cols: dict, summary: dict, path: Path) -> None:
    """A study's rows as one Parquet file, its summary in the metadata (whole or not at all)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(cols).replace_schema_metadata(
        {b"spacerace": json.dumps({k: v for k, v in summary.items()
                                   if k != "figures"}).encode()})
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)


def _plot_impacts(m: Mission, cols: dict, summary: dict, folder: Path) -> Path:
    """The impact map of a study with a target."""
    import numpy as np

    from spacerace.montecarlo import finite_rows
    from spacerace.plots import plot_impacts
    from spacerace.scatter import local_plane

    ok = finite_rows(cols)
    assert m.target is not None  # "impact" statistics exist only with a target
    xy = local_plane(np.radians(cols["impact_lat_deg"][ok]),
                     np.radians(cols["impact_lon_deg"][ok]), m.target.lat, m.target.lon)
    return plot_impacts(xy[:, 0], xy[:, 1], summary["impact"]["ellipses"],
                        f"{m.name}: {len(xy)} impacts", folder / f"{m.id}-impacts.png")


@app.command("montecarlo")
def montecarlo_cmd(
    mission: Annotated[str, typer.Argument(help="Catalog mission or mission file.")],
    n: Annotated[int, typer.Option("-n", "--runs", min=1, max=10_000_000,
                                   help="Number of flights.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", min=0, max=2**63 - 1,
                                      help="Root seed of the study.")] = 1,
    out_file: Annotated[Path | None, typer.Option("--out", help="Write all rows to Parquet.")
                        ] = None,
    study: Annotated[Path | None, typer.Option(
        "--study", help="Study folder (batches land there as they finish; default: "
        "<mission>-mc-seed<seed>-n<n>.study beside --out, or here).")] = None,
    resume: Annotated[bool, _flag("--resume", "Continue an interrupted study.")
                      ] = False,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Dask scheduler address (tcp://host:port) or 'local'.")] = None,
    workers: Annotated[int, typer.Option("--workers", min=0,
                                         help="Local threads or Dask workers (0: all cores).")
                       ] = 0,
    batch_size: Annotated[int, typer.Option("--batch-size", min=0,
                                            help="Runs per batch (0: automatic).")] = 0,
    plot: Annotated[Path | None, typer.Option("--plot", help="Write the impact map here.")
                    ] = None,
    as_json: Annotated[bool, _flag("--json", "Print the summary as JSON.")] = False,
) -> None:
    """Fly a mission many times with the error sources of its file and show the scatter."""
    import time

    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    started = time.perf_counter()
    folder: Path | None = None
    try:
        from spacerace import montecarlo as mc  # in the try: Ctrl-C may come while importing

        _check_outputs(files=[out_file], folders=[plot, study])
        vehicle, mission_obj = catalog.load(mission)
        if not mission_obj.dispersions:
            raise ValueError(f"{mission_obj.origin}: dispersions: none given; a Monte Carlo "
                             "study needs a [dispersions] table")
        with _compiling():
            aimed = mc.nominal(vehicle, mission_obj)
        spec = mc.StudySpec(vehicle, aimed, seed, n, batch_size or mc.default_batch_size(n))
        folder = study or (out_file.parent if out_file else Path()) / (
            f"{mission_obj.id}-mc-seed{seed}-n{n}.study")
        with Progress(TextColumn("{task.description}"), BarColumn(),
                      TextColumn("{task.completed}/{task.total} flights"),
                      TimeRemainingColumn(), console=err, disable=as_json) as bar:
            task = bar.add_task(f"{mission_obj.id}", total=n)
            mc.run_study(spec, folder, resume=resume, scheduler=scheduler, workers=workers,
                         on_batch=lambda done, total: bar.update(task, completed=done))
    except KeyboardInterrupt:
        err.print("interrupted before the study began" if folder is None else
                  f"interrupted: finished batches are kept in {folder}; continue with --resume")
        raise typer.Exit(130) from None
    except (SpaceraceError, ValueError, OSError) as exc:
        raise _fail(exc) from None
    try:
        cols = mc.read_study(folder)
        summary = mc.study_summary(spec, cols)
        summary["study"] = str(folder)
        summary["elapsed_s"] = time.perf_counter() - started
        if out_file is not None:
            _write_rows(cols, summary, out_file)
            summary["out"] = str(out_file)
        if plot is not None and "impact" in summary:
            summary["plot"] = str(_plot_impacts(spec.mission, cols, summary, plot))
    except SpaceraceError as exc:
        raise _fail(exc) from None
    if as_json:
        print(json.dumps(summary, indent=2))
        return
    _mc_table(summary)
    out.print(f"{summary['runs']} flights in {summary['elapsed_s']:.2f} s; study in {folder}")


@app.command("serve")
def serve_cmd(
    host: Annotated[str, typer.Option("--host", help="Address to bind (loopback by default).")
                    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port.")] = 8000,
) -> None:
    """Serve the web page: the flights on a globe, with the archive beside them."""
    try:
        from spacerace.web import serve
    except ImportError as exc:
        raise _fail(RuntimeError(f"the web page needs its extra: pip install 'spacerace[web]' "
                                 f"({exc})")) from None
    try:
        serve(host=host, port=port)
    except OSError as exc:
        raise _fail(exc) from None


@app.command("decay")
def decay_cmd(
    mission: Annotated[str | None, typer.Argument(
        help="Orbital catalog mission, e.g. sputnik-1.")] = None,
    vehicle_file: Annotated[Path | None, typer.Option("--vehicle", help="Vehicle TOML file.")
                            ] = None,
    mission_file: Annotated[Path | None, typer.Option("--mission", help="Mission TOML file.")
                            ] = None,
    max_days: Annotated[float, typer.Option("--max-days", min=1, max=36500,
                                            help="Give up after this many days.")] = 3650.0,
    plot: Annotated[Path | None, typer.Option("--plot", help="Write the plot to this folder.")
                    ] = None,
    as_json: Annotated[bool, _flag("--json", "Print one JSON object.")] = False,
) -> None:
    """Fly an orbital mission and follow its satellite down to re-entry (J2 + NRLMSISE-00)."""
    import datetime as dt

    from rich.progress import BarColumn, Progress, TextColumn

    from spacerace.api import decay_all

    if (mission is None) == (mission_file is None):
        raise _fail(ValueError("give a catalog mission or --mission FILE (one of them)"))
    name = str(mission_file or mission)
    try:
        _check_outputs(files=[], folders=[plot])
        with Progress(TextColumn("{task.description}"), BarColumn(),
                      TextColumn("day {task.completed:.0f}"), console=err, transient=True,
                      disable=as_json) as bar:
            task = bar.add_task(f"{name}: orbit decaying", total=max_days)
            res, hist, bodies = decay_all(name, vehicle_file, max_days=max_days,
                                          on_day=lambda d: bar.update(task, completed=d))
    except (SpaceraceError, ModuleNotFoundError) as exc:
        raise _fail(exc) from None
    m = res.mission
    arch = next((f for f in m.archive if f.key == "decay_date"), None)
    doc: dict = {"mission": m.id, "insertion_epoch": hist.start.isoformat(),
                 "decay_date": hist.reentry.date().isoformat() if hist.reentry else None,
                 "decay_time": hist.reentry.isoformat() if hist.reentry else None,
                 "lifetime_days": None if hist.reentry is None else hist.lifetime_days,
                 "satellite": {"mass_kg": m.satellite.mass, "area_m2": m.satellite.area,
                               "cd": m.satellite.cd} if m.satellite else None,
                 "initial_perigee_m": float(hist.perigee[0]),
                 "initial_apogee_m": float(hist.apogee[0])}
    archival_day = None
    if arch is not None and arch.text:
        when = dt.datetime.fromisoformat(arch.text).replace(tzinfo=dt.UTC)
        doc["archive"] = {"decay_date": arch.text, "source": arch.source, "note": arch.note}
        archival_day = (when - hist.start).total_seconds() / 86400.0
        if hist.reentry is not None:
            doc["error_days"] = (hist.reentry.date() - when.date()).days
    doc["bodies"] = [_body_doc(b, m.archive) for b in bodies]
    if plot is not None:
        from spacerace.plots import plot_decay

        try:
            doc["plot"] = str(plot_decay(hist.t, hist.perigee, hist.apogee,
                                         f"{m.name}: orbital decay", plot / f"{m.id}-decay.png",
                                         archival_day, hist.start))
        except SpaceraceError as exc:
            raise _fail(exc) from None
    if as_json:
        print(json.dumps(doc, indent=2))
        return
    t = Table(title=f"Orbital decay: {m.name}")
    for col in ("figure", "simulated", "archival", "error", "source"):
        t.add_column(col)
    t.add_row("re-entry date", doc["decay_date"] or "not within the time",
              doc.get("archive", {}).get("decay_date", "-"),
              f"{doc['error_days']:+d} days" if "error_days" in doc else "-",
              doc.get("archive", {}).get("source", "-"))
    t.add_row("lifetime", f"{hist.lifetime_days:.1f} days" if hist.reentry else "-", "-", "-",
              "-")
    for b in doc["bodies"]:
        a = b.get("archive", {})
        t.add_row(f"{b['name']}: lifetime ({b['mass_kg']:,.0f} kg, {b['area_m2']:.1f} m^2, "
                  f"Cd {b['cd']:g})",
                  f"{b['lifetime_days']:.1f} days" if b["decay_date"] else "not within the time",
                  f"{a['lifetime_days']:.1f} days" if a else "-",
                  f"{b['error_days']:+.1f} days" if "error_days" in b else "-",
                  a.get("source", "-"), style="red" if b.get("verdict") == FAIL else None)
    out.print(t)
    if "plot" in doc:
        out.print(f"wrote {doc['plot']}")


def _body_doc(b: BodyDecay, archive: tuple[ArchiveFigure, ...]) -> dict:
    """A spent stage's decay for ``decay --json``, with its archival lifetime if any."""
    h = b.history
    doc: dict = {"name": b.name, "mass_kg": b.body.mass, "area_m2": b.body.area,
                 "cd": b.body.cd, "figure": b.figure or None,
                 "decay_date": h.reentry.date().isoformat() if h.reentry else None,
                 "decay_time": h.reentry.isoformat() if h.reentry else None,
                 "lifetime_days": None if h.reentry is None else h.lifetime_days}
    rows = compare({b.figure: h.lifetime_days}, archive) if b.figure else []
    row = next((c for c in rows if c.figure.key == b.figure), None)
    if row is not None:
        doc["archive"] = {"lifetime_days": row.figure.value, "tolerance_days":
                          row.figure.tolerance, "source": row.figure.source}
        if row.error is not None:
            doc["error_days"] = row.error
        doc["verdict"] = row.verdict
    return doc


new_app = typer.Typer(no_args_is_help=True, help="Write a commented vehicle or mission file "
                      "that flies as written (the format: docs/file-format.md).")
app.add_typer(new_app, name="new")


def _write_new(name: str, out_path: Path | None, text: str) -> None:
    """Write a template to ``out_path`` or NAME.toml here; never over an existing file."""
    path = out_path or Path(name if name.endswith(".toml") else f"{name}.toml")
    try:
        if path.exists():
            raise OutputError(str(path), "exists already; choose another name or --out")
        check_output(path)
        write_text(path, text)
    except SpaceraceError as exc:
        raise _fail(exc) from None
    out.print(f"wrote {path}", highlight=False)


def _stem(name: str) -> str:
    return Path(name).name.removesuffix(".toml")


@new_app.command("vehicle")
def new_vehicle_cmd(
    name: Annotated[str, typer.Argument(help="Name of the vehicle (and of its file).")],
    out_path: Annotated[Path | None, typer.Option("--out", help="File to write (default: "
                                                  "NAME.toml here).")] = None,
) -> None:
    """Write NAME.toml: a commented single-stage vehicle to make your own."""
    from spacerace.catalog import templates

    _write_new(name, out_path, templates.vehicle(_stem(name)))


@new_app.command("mission")
def new_mission_cmd(
    name: Annotated[str, typer.Argument(help="Name of the mission (and of its file).")],
    vehicle: Annotated[str, typer.Option("--vehicle", help="Its vehicle: a catalog name or a "
                                         "vehicle file (NAME.toml of `new vehicle NAME`).")
                       ] = "v2",
    out_path: Annotated[Path | None, typer.Option("--out", help="File to write (default: "
                                                  "NAME.toml here).")] = None,
) -> None:
    """Write NAME.toml: a commented ballistic mission aimed at a target, to make your own."""
    from spacerace.catalog import templates

    if not catalog.is_path(vehicle) and vehicle not in catalog.list_vehicles():
        vehicle = f"{vehicle}.toml"  # the file `spacerace new vehicle NAME` wrote
    _write_new(name, out_path, templates.mission(_stem(name), vehicle))


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (usage errors: 2)."""
    try:
        app(args=argv, prog_name="spacerace")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


def run() -> None:
    """Console-script entry point (kept for scripts that named it; see ``_entry.run``)."""
    sys.exit(main(sys.argv[1:]))


# --- the best a vehicle could do ---------------------------------------------------------------

def _si(text: str, where: str) -> float:
    """A number with an optional unit (``50 kPa``, ``40 deg``) in SI; ValueError naming it."""
    from spacerace.catalog.quantities import registry

    try:
        q: Any = registry().Quantity(text.strip())
        return float(q.to_base_units().magnitude if hasattr(q, "to_base_units") else q)
    except Exception:  # pint raises many kinds; one line for the user
        raise ValueError(f"{where}: expected a number with an optional unit, got {text!r}"
                         ) from None


def _constraints(texts: list[str]) -> list[Any]:
    """``FIGURE<=VALUE`` / ``FIGURE>=VALUE`` (a flight figure, SI), or ``max_q=VALUE``,
    ``max_acceleration=VALUE``, ``min_perigee=VALUE`` (units allowed)."""
    from spacerace.optimize import CONSTRAINTS, Constraint

    out = []
    for text in texts:
        if "<=" in text or ">=" in text:
            op = "<=" if "<=" in text else ">="
            name, _, value = text.partition(op)
            name = CONSTRAINTS.get(name.strip(), (name.strip(), True))[0]
            out.append(Constraint(name, _si(value, f"--constraint {text}"), op == "<="))
            continue
        name, _, value = text.partition("=")
        if name.strip() not in CONSTRAINTS or not value:
            raise ValueError(f"--constraint {text}: expected FIGURE<=VALUE, FIGURE>=VALUE or "
                             f"one of {', '.join(f'{k}=VALUE' for k in CONSTRAINTS)}")
        figure, upper = CONSTRAINTS[name.strip()]
        out.append(Constraint(figure, _si(value, f"--constraint {text}"), upper))
    return out


def _variables(texts: list[str], vehicle: Any, mission: Any, defaults: tuple) -> tuple:
    """``PATH`` or ``PATH=LOW:HIGH`` (units allowed); default bounds: the default variable's,
    else 20 % either side of the value."""
    from spacerace.optimize import Variable, value_of

    known = {v.path: v for v in defaults}
    out = []
    for text in texts:
        path, _, bounds = text.partition("=")
        path = path.strip()
        value = value_of(vehicle, mission, path)
        if bounds:
            low, sep, high = bounds.partition(":")
            if not sep:
                raise ValueError(f"--vary {text}: expected PATH=LOW:HIGH")
            out.append(Variable(path, _si(low, f"--vary {text}"), _si(high, f"--vary {text}")))
        elif path in known:
            out.append(known[path])
        else:
            span = 0.2 * abs(value) or 1.0
            out.append(Variable(path, value - span, value + span))
    return tuple(out)


def _progress() -> Any:
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    return Progress(SpinnerColumn(), TextColumn("{task.description}"),
                    TextColumn("{task.completed} flights"), TimeElapsedColumn(), console=err,
                    transient=True)


def _optimum_doc(opt: Any, mission: Any, cpu: float) -> dict[str, Any]:
    """An optimum as JSON-ready SI figures, with its programme and capability figures."""
    from spacerace.optimize import score

    key = {"payload": "payload_kg", "range": "range_m", "apogee": "max_altitude_m"}[
        opt.objective]
    doc: dict[str, Any] = {
        "mission": mission.id, "objective": opt.objective, key: opt.value,
        f"flown_{key}": opt.flown, "margin": opt.value - opt.flown,
        "payload_mass_kg": opt.payload_mass, "propellant_left_kg": opt.propellant_left_kg,
        "programme": [{"path": v.path, "low": v.low, "high": v.high, "flown": a, "best": b}
                      for v, a, b in zip(opt.variables, opt.x0, opt.x)],
        "flights": opt.evaluations, "seconds": opt.seconds, "cpu_seconds": cpu,
        "figures": [_comparison_json(mission.id, c) for c in score(opt, mission)],
    }
    return doc


def _print_optimum(doc: dict[str, Any], title: str) -> None:
    key = next(k for k in ("payload_kg", "range_m", "max_altitude_m") if k in doc)
    t = Table(title=title)
    for col in ("figure", "best", "as flown"):
        t.add_column(col)
    unit = key.rsplit("_", 1)[1]
    t.add_row(key, format_value(doc[key], unit), format_value(doc[f"flown_{key}"], unit))
    t.add_row("propellant left [kg]", f"{doc['propellant_left_kg']:,.1f}", "-")
    for v in doc["programme"]:
        angle = "elevation" in v["path"] or "angle" in v["path"]
        f = (lambda x: f"{math.degrees(x):.2f} deg") if angle else (lambda x: f"{x:,.4g}")
        t.add_row(v["path"], f(v["best"]), f(v["flown"]))
    out.print(t)
    unit = key.rsplit("_", 1)[1]
    for c in doc["figures"]:
        arch = format_value(c["archival"], unit) if c["archival"] is not None else " to ".join(
            format_value(x, unit) for x in c["range"])
        out.print(f"published: {arch} ({c['source']}): {c['verdict']}")
    out.print(f"{doc['flights']} flights in {doc['seconds']:.1f} s")


def _run_optimum(call: Any, mission: Any, plot: Path | None, as_json: bool) -> None:
    import time

    cpu = time.process_time()
    with _progress() as bar:
        task = bar.add_task(f"{mission.id}: shaping the ascent", total=None)
        try:
            opt = call(lambda: bar.advance(task))
        except (SpaceraceError, ValueError) as exc:
            raise _fail(exc) from None
    doc = _optimum_doc(opt, mission, time.process_time() - cpu)
    if plot is not None:
        from spacerace.plots import plot_ascents

        doc["plot"] = str(plot_ascents(opt.flown_result.trajectory, opt.result.trajectory,
                                       f"{mission.name}: the best {opt.objective}",
                                       plot / f"{mission.id}-{opt.objective}.png"))
    if as_json:
        print(json.dumps(doc, indent=2))
        return
    _print_optimum(doc, f"{mission.name}: the best {opt.objective}")
    if "plot" in doc:
        out.print(f"wrote {doc['plot']}")


@app.command("payload")
def payload_cmd(
    mission: Annotated[str, typer.Argument(help="Catalog mission or mission file.")],
    parking: Annotated[bool, typer.Option(
        "--parking", help="To the first orbit of the plan (a parking orbit).")] = False,
    circular: Annotated[str | None, typer.Option(
        "--circular", help="To a circular orbit of this altitude instead, e.g. 200km.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    plot: Annotated[Path | None, typer.Option(
        "--plot", help="Draw the flown and the optimal ascents into this folder.")] = None,
) -> None:
    """The largest payload the mission's vehicle carries where the mission goes."""
    from spacerace.optimize import best_payload

    try:
        v, m = catalog.load(mission)
        alt = None if circular is None else _si(circular, "--circular")
    except (SpaceraceError, ValueError) as exc:
        raise _fail(exc) from None
    _run_optimum(lambda tick: best_payload(v, m, parking=parking, on_eval=tick,
                                           circular=alt), m, plot, as_json)


@app.command("optimize")
def optimize_cmd(
    mission: Annotated[str, typer.Argument(help="Catalog mission or mission file.")],
    maximize: Annotated[str, typer.Option(
        "--maximize", help="range, apogee or payload.")] = "range",
    vary: Annotated[list[str] | None, typer.Option(
        "--vary", help="A field path, optionally =LOW:HIGH (default: the pitch programme).")
    ] = None,
    constraint: Annotated[list[str] | None, typer.Option(
        "--constraint", help="FIGURE<=VALUE, FIGURE>=VALUE, max_q=50kPa, "
        "max_acceleration=60m/s^2, min_perigee=150km.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    plot: Annotated[Path | None, typer.Option(
        "--plot", help="Draw the flown and the optimal ascents into this folder.")] = None,
) -> None:
    """The best range, apogee or payload over fields of the catalog's data, within bounds."""
    from spacerace.optimize import (
        OBJECTIVES,
        best_figure,
        best_payload,
        destination,
        payload_variables,
        pitch_variables,
    )

    if maximize not in OBJECTIVES:
        raise _fail(ValueError(f"--maximize: expected one of {', '.join(OBJECTIVES)}, "
                               f"got {maximize!r}"))
    try:
        v, m = catalog.load(mission)
        defaults = payload_variables(destination(m)[1]) if maximize == "payload" \
            else pitch_variables(m)
        variables = _variables(vary or [], v, m, defaults)
        cons = _constraints(constraint or [])
    except (SpaceraceError, ValueError) as exc:
        raise _fail(exc) from None
    if maximize == "payload":
        _run_optimum(lambda tick: best_payload(v, m, variables, cons, on_eval=tick), m, plot,
                     as_json)
    else:
        _run_optimum(lambda tick: best_figure(v, m, maximize, variables, cons, on_eval=tick),
                     m, plot, as_json)


# --- footage ---------------------------------------------------------------------------------

@app.command("film")
def film_cmd(
    mission: Annotated[str, typer.Argument(help="Catalog mission.")],
    out_path: Annotated[Path | None, typer.Option("--out", help="The MP4 to write.")] = None,
    size: Annotated[str | None, typer.Option(
        "--size", help="WIDTHxHEIGHT in pixels (film 1280x720, still 3840x2160).")] = None,
    fps: Annotated[int, typer.Option("--fps", help="Frames per second.")] = 25,
    seconds: Annotated[float, typer.Option("--seconds", help="Length of the film; it spans "
                                           "the whole flight at one speed-up.")] = 10.0,
    clean: Annotated[bool, _flag("--clean", "No opening card, captions or telemetry.")] = False,
    camera: Annotated[str, typer.Option(
        "--camera", help="overview, follow, side, site, orbit (orbital chapters) or moon "
                         "(lunar chapters).")] = "overview",
    still_path: Annotated[Path | None, typer.Option(
        "--still", help="Write one PNG of the view instead of a film.")] = None,
    at: Annotated[float, typer.Option("--at", help="The still's time after liftoff [s].")
                  ] = 0.0,
) -> None:
    """Film the page's view of a flight into an MP4 (headless Chromium and ffmpeg), or --still."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from spacerace.film import film, still

    if (out_path is None) == (still_path is None):
        raise _fail(ValueError("film: give --out FILE.mp4 for a film or --still FILE.png for "
                               "a still (one of them)"))
    if still_path is not None:
        try:
            shot = still(mission, still_path, size=size or "3840x2160", at=at, camera=camera,
                         clean=clean)
        except (SpaceraceError, OSError) as exc:
            raise _fail(exc) from None
        except Exception as exc:  # the browser or the page failed: one line, not a traceback
            raise _fail(RuntimeError(f"the still could not be taken: {exc}".splitlines()[0])
                        ) from None
        out.print(f"{shot['out']}: {shot['width']}x{shot['height']} at T+{shot['t_s']:.1f} s",
                  markup=False, highlight=False)
        return
    assert out_path is not None
    with Progress("filming", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task("film", total=None)
        try:
            info = film(mission, out_path, size=size or "1280x720", fps=fps, seconds=seconds,
                        clean=clean, camera=camera,
                        progress=lambda done, total: bar.update(task, completed=done,
                                                                total=total))
        except (SpaceraceError, OSError) as exc:
            raise _fail(exc) from None
        except Exception as exc:  # the browser or the page failed: one line, not a traceback
            raise _fail(RuntimeError(f"the film could not be shot: {exc}".splitlines()[0])
                        ) from None
    per = f", {info['s_per_frame']:.2f} s per frame" if info["s_per_frame"] else ""
    out.print(f"{info['out']}: {info['frames']} frames, {info['seconds']:.1f} s; the "
              f"{info['flight_s']:.0f} s flight at x{info['speedup']:.1f}{per}",
              markup=False, highlight=False)
