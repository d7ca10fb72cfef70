"""The ``spacerace`` command: parse, call the public API, render. No physics here.

Exit status: 0 success, 1 a validated figure outside its tolerance, 2 a user error (bad file,
unknown mission, impossible vehicle) reported on one line without a traceback.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from spacerace import catalog
from spacerace.api import fly as fly_named
from spacerace.errors import SpaceraceError
from spacerace.export.tables import write_csv, write_parquet
from spacerace.flight import FlightResult
from spacerace.report import archival_text, format_value, markdown, to_dict
from spacerace.validation import FAIL, compare

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Fly the rockets of the space race and check them against the archives.")
out = Console()
err = Console(stderr=True)


def _fail(exc: Exception) -> typer.Exit:
    err.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(2)


@app.command("catalog")
def catalog_cmd(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False
                ) -> None:
    """List the vehicles and missions of the catalog."""
    try:
        vehicles = {n: catalog.load_vehicle(n) for n in catalog.list_vehicles()}
        missions = {n: catalog.load_mission(n) for n in catalog.list_missions()}
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
    if result.aim is not None:
        out.print(f"aimed at {m.target.name if m.target else '-'}: cut-off "
                  f"{result.aim.cutoff_speed:,.1f} m/s, azimuth "
                  f"{math.degrees(result.aim.azimuth) % 360:.2f} deg, miss "
                  f"{result.aim.miss_distance:.1f} m")
    t = Table(title="Simulated and archival figures")
    for col in ("figure", "simulated", "archival", "error", "tolerance", "verdict", "source"):
        t.add_column(col)
    for c in compare(result.figures, m.archive):
        tol = format_value(c.figure.tolerance, c.figure.unit) if c.figure.tolerance else "-"
        style = "red" if c.verdict == FAIL else None
        t.add_row(c.figure.key, format_value(c.simulated, c.figure.unit), archival_text(c),
                  format_value(c.error, c.figure.unit), tol, c.verdict, c.figure.source,
                  style=style)
    out.print(t)
    t = Table(title="Events")
    for col in ("event", "t [s]", "altitude [km]", "speed [m/s]"):
        t.add_column(col)
    for e in result.trajectory.events:
        t.add_row(e.name, f"{e.t:.2f}", f"{e.altitude / 1e3:.2f}", f"{e.speed:.1f}")
    out.print(t)
    other = {k: v for k, v in result.figures.items() if k not in {a.key for a in m.archive}}
    out.print("other figures: " + ", ".join(f"{k} = {v:,.4g}" for k, v in other.items()))


@app.command("fly")
def fly_cmd(
    mission: Annotated[str | None, typer.Argument(help="Catalog mission, e.g. v2-london.")] = None,
    vehicle_file: Annotated[Path | None, typer.Option("--vehicle", help="Vehicle TOML file.")
                            ] = None,
    mission_file: Annotated[Path | None, typer.Option("--mission", help="Mission TOML file.")
                            ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    csv: Annotated[Path | None, typer.Option("--csv", help="Write the trajectory as CSV.")
                   ] = None,
    parquet: Annotated[Path | None, typer.Option("--parquet", help="Write it as Parquet.")
                       ] = None,
    plot: Annotated[Path | None, typer.Option("--plot", help="Write PNG plots to this folder.")
                    ] = None,
    report: Annotated[Path | None, typer.Option(
        "--report", help="Write a full report (Markdown, JSON, CSV, plots) to this folder.")
    ] = None,
) -> None:
    """Fly a mission (aimed at its target if it has one) and compare it with the archive."""
    if (mission is None) == (mission_file is None):
        raise _fail(ValueError("give a catalog mission or --mission FILE (one of them)"))
    try:
        result = fly_named(mission_file or mission or "", vehicle_file)
    except SpaceraceError as exc:
        raise _fail(exc) from None
    stem = result.mission.id
    title = f"{result.mission.name}"
    if report is not None:
        report.mkdir(parents=True, exist_ok=True)
        (report / f"{stem}.md").write_text(markdown(result))
        (report / f"{stem}.json").write_text(json.dumps(to_dict(result), indent=2))
        write_csv(result.trajectory, report / f"{stem}.csv")
        plot = plot or report
    if csv is not None:
        write_csv(result.trajectory, csv)
    if parquet is not None:
        try:
            write_parquet(result.trajectory, parquet)
        except ImportError:
            raise _fail(RuntimeError("--parquet needs pyarrow: pip install 'spacerace[parquet]'")
                        ) from None
    written = []
    if plot is not None:
        from spacerace.plots import plot_flight

        written = plot_flight(result.trajectory, title, plot, stem)
    if as_json:
        print(json.dumps(to_dict(result), indent=2))
        return
    _print_result(result)
    for p in written:
        out.print(f"wrote {p}")
    if report is not None:
        out.print(f"wrote the report to {report}/")


@app.command("validate")
def validate_cmd(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False
                 ) -> None:
    """Fly every mission of the catalog and score each figure against the archive."""
    rows = []
    for name in catalog.list_missions():
        try:
            res = fly_named(name)
        except SpaceraceError as exc:
            raise _fail(exc) from None
        for c in compare(res.figures, res.mission.archive):
            rows.append((name, c))
    failed = any(c.verdict == FAIL for _, c in rows)
    if as_json:
        print(json.dumps([{"mission": n, "figure": c.figure.key, "simulated": c.simulated,
                           "archival": c.figure.value,
                           "range": [c.figure.low, c.figure.high]
                           if c.figure.low is not None else None,
                           "error": c.error, "tolerance": c.figure.tolerance,
                           "verdict": c.verdict, "source": c.figure.source,
                           "unconfirmed": c.figure.unconfirmed} for n, c in rows], indent=2))
    else:
        t = Table(title="Validation against the archive")
        for col in ("mission", "figure", "simulated", "archival", "error", "tolerance",
                    "verdict", "source"):
            t.add_column(col)
        for n, c in rows:
            tol = format_value(c.figure.tolerance, c.figure.unit) if c.figure.tolerance else "-"
            t.add_row(n, c.figure.key, format_value(c.simulated, c.figure.unit),
                      archival_text(c), format_value(c.error, c.figure.unit), tol, c.verdict,
                      c.figure.source, style="red" if c.verdict == FAIL else None)
        out.print(t)
    if failed:
        raise typer.Exit(1)


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
    """Console-script entry point."""
    sys.exit(main(sys.argv[1:]))
