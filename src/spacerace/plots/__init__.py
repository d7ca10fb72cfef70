"""Figures of a flight (matplotlib, imported lazily; PNG files).

Each figure has a builder (``*_figure``, returning the matplotlib figure, for tests and
notebooks) and a ``plot_*`` function that writes it as PNG. Event labels are laid out so that
none overlaps another (``spacerace.plots.labels``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from spacerace._files import atomic_path
from spacerace.event_kinds import IMPACT, MOON_CLOSEST_APPROACH, MOON_SOI
from spacerace.plots.labels import EVENT_LABEL, event_lines, label_times, place_point_labels
from spacerace.results import EventRecord, Trajectory

__all__ = ["EVENT_LABEL", "ascent_end", "decay_figure", "far_figure", "is_lunar",
           "label_times", "place_point_labels", "plot_decay", "plot_flight", "plot_ground_track",
           "plot_impacts", "plot_moon", "plot_profile", "plot_time_histories", "profile_figure",
           "time_figure", "track_figure"]

_DPI = 130
FAR = 1.0e8  # a flight reaching farther from the Earth's centre is shown as a lunar flight [m]
ASCENT_SPAN = 1800.0  # the ascent of a flight into orbit ends with its last cut-off before [s]
DAY = 86400.0
# The US Standard Atmosphere 1976 defines the speed of sound only up to 86 km (above it the
# air is no longer mixed and in equilibrium): no Mach number is drawn higher [m]
MACH_CEILING = 86e3


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig: Any, path: str | Path) -> Path:
    """Write a figure as PNG (making the folder, whole or not at all) and close it; the layout
    is the builder's."""
    plt = _pyplot()
    path = Path(path)
    try:
        with atomic_path(path) as tmp:
            fig.savefig(tmp, dpi=_DPI, format="png")
    finally:
        plt.close(fig)
    return path


# --- which flight is which -------------------------------------------------------------------

def is_lunar(traj: Trajectory) -> bool:
    """Whether a flight goes out to the Moon's distances (farther than ``FAR``) or passes the
    Moon (an event ``"enters the Moon's sphere of influence"``)."""
    r = np.sqrt(traj["x_eci"] ** 2 + traj["y_eci"] ** 2 + traj["z_eci"] ** 2)
    return bool(np.max(r) > FAR) or any(e.kind == MOON_SOI and e.direction < 0
                                        for e in traj.events)


def ascent_end(traj: Trajectory) -> float | None:
    """End of the ascent shown on its own for a flight that does not come down (an orbit, a
    lunar flight): 15 % past its last cut-off within ``ASCENT_SPAN`` [s]; None for a flight
    that ends at an impact (its whole flight is its ascent and fall) or has no cut-off."""
    if traj.first(IMPACT) is not None:
        return None
    cutoffs = [e.t for e in traj.cutoffs() if e.t < ASCENT_SPAN]
    if not cutoffs:
        return None
    return min(1.15 * max(cutoffs), float(traj.t[-1]))


def _window(traj: Trajectory, t_end: float | None) -> tuple[dict[str, Any], list[EventRecord]]:
    """The columns and events up to ``t_end`` (all of them if None)."""
    if t_end is None:
        return traj.columns, list(traj.events)
    keep = traj.t <= t_end
    return ({k: v[keep] for k, v in traj.columns.items()},
            [e for e in traj.events if e.t <= t_end])


# --- profile ---------------------------------------------------------------------------------

_NICE = (0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 10.0, 20.0,
         25.0, 50.0, 100.0)


def exaggeration(x_span: float, y_span: float, shape: float = 0.42) -> float:
    """A round vertical exaggeration that draws a box of ``y_span`` by ``x_span`` (same unit)
    about ``shape`` times as high as it is wide (1: true scale)."""
    want = shape * x_span / max(y_span, 1e-9)
    return min(_NICE, key=lambda e: abs(np.log(e / want)))


def _scale_note(e: float) -> str:
    if e == 1.0:
        return "true scale: a km up is as long as a km along"
    if e > 1.0:
        return f"vertical scale exaggerated {e:g}×"
    return f"vertical scale compressed {1 / e:g}×"


def _fit_height(fig: Any, ax: Any, box: float) -> None:
    """Lay out a one-axes figure, then make it as tall as its axes' fixed shape needs."""
    fig.tight_layout()
    w, h = fig.get_size_inches()
    pos = ax.get_position()
    fig.set_size_inches(w, h + pos.width * w * box - pos.height * h)
    fig.tight_layout()


def profile_figure(traj: Trajectory, title: str, site: str | None = None,
                   target: str | None = None, t_end: float | None = None) -> Any:
    """Altitude against ground range along the ellipsoid (up to ``t_end`` if given), with the
    events, the launch site and the target named; a uniform vertical exaggeration, said."""
    plt = _pyplot()
    c, events = _window(traj, t_end)
    x, y = c["downrange"] / 1e3, c["alt"] / 1e3
    x_lim = (float(np.min(x)), float(np.max(x)))
    pad = 0.03 * max(x_lim[1] - x_lim[0], 1.0)
    x_lim = (x_lim[0] - pad, x_lim[1] + pad)
    y_lim = (0.0, 1.15 * max(float(np.max(y)), 1.0))
    e = exaggeration(x_lim[1] - x_lim[0], y_lim[1])
    box = e * y_lim[1] / (x_lim[1] - x_lim[0])
    fig = plt.figure(figsize=(9.0, 7.9 * box + 1.5))
    ax = fig.add_subplot()
    ax.plot(x, y, color="tab:red", lw=1.8)
    ax.set_xlim(*x_lim)
    ax.set_ylim(*y_lim)
    ax.set_aspect(e)
    ax.set_xlabel(f"ground range along the WGS-84 ellipsoid [km]\n({_scale_note(e)})")
    ax.set_ylabel("altitude [km]")
    ax.set_title(title if t_end is None else f"{title}: the ascent")
    ax.grid(alpha=0.3)
    points = [(float(np.interp(ev.t, c["t"], x)), ev.altitude / 1e3) for ev in events]
    names = [ev.name for ev in events]
    ax.plot([p[0] for p in points], [p[1] for p in points], "o", ms=4, color="k")
    heads = [False] * len(points)
    for name, i, marker in ((site, 0, "^"), (target, -1, "X")):
        if name:
            points.insert(0, (float(x[i]), float(y[i])))
            names.insert(0, f"launch site: {name}" if marker == "^" else f"target: {name}")
            heads.insert(0, True)
            ax.plot(*points[0], marker, ms=8, color="tab:blue", clip_on=False, zorder=5)
    _fit_height(fig, ax, box)
    if points:
        place_point_labels(ax, np.array(points), names, [np.column_stack([x, y])], heads=heads)
    return fig


def plot_profile(traj: Trajectory, title: str, path: str | Path, site: str | None = None,
                 target: str | None = None, t_end: float | None = None) -> Path:
    """Write :func:`profile_figure` as PNG."""
    return _save(profile_figure(traj, title, site, target, t_end), path)


# --- time histories --------------------------------------------------------------------------

def _name_events(fig: Any, axes: Sequence[Any], times: Sequence[float], names: Sequence[str],
                 title: str) -> None:
    """Dotted lines at the events on every panel, their names above the top one, the title
    above the names."""
    event_lines(axes, times)
    fig.tight_layout()
    pad = label_times(axes[0], times, names)
    axes[0].set_title(title, pad=pad + 4)
    fig.tight_layout()


def time_figure(traj: Trajectory, title: str, t_end: float | None = None) -> Any:
    """Speed, acceleration, Mach number and dynamic pressure against time (up to ``t_end``)."""
    plt = _pyplot()
    c, events = _window(traj, t_end)
    fig, axes = plt.subplots(4, 1, figsize=(9.6, 9.4), sharex=True)
    t = c["t"]
    # coarse samples (a long flight's ascent): show them, joined by straight lines
    sparse = len(t) > 1 and float(np.max(np.diff(t))) > 0.02 * float(t[-1] - t[0])
    style = {"lw": 1.5, "marker": "." if sparse else None, "ms": 3}
    axes[0].plot(t, c["speed_relative"], label="relative to the turning Earth", **style)
    axes[0].plot(t, c["speed_inertial"], ls="--", label="inertial (Earth-centred)",
                 **{**style, "lw": 1.0})
    axes[0].legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    axes[1].plot(t, c["acceleration"] / 9.80665, **style)
    axes[2].plot(t, np.where(c["alt"] <= MACH_CEILING, c["mach"], np.nan), **style)
    axes[3].plot(t, c["dynamic_pressure"] / 1e3, **style)
    for ax, label in zip(axes, ("speed [m/s]", "thrust + drag acceleration [g]",
                                f"Mach number\n(below {MACH_CEILING / 1e3:.0f} km)",
                                "dynamic pressure [kPa]")):
        ax.set_ylabel(label, fontsize=9)
        ax.grid(alpha=0.3)
    axes[-1].set_xlabel("time since liftoff [s]" + ("\n(dots: the trajectory's samples, "
                                                     "joined by straight lines)" if sparse else ""))
    named = [ev for ev in events if ev.name != "liftoff"]
    _name_events(fig, axes, [ev.t for ev in named], [ev.name for ev in named],
                 title if t_end is None else f"{title}: the ascent")
    return fig


def plot_time_histories(traj: Trajectory, title: str, path: str | Path,
                        t_end: float | None = None) -> Path:
    """Write :func:`time_figure` as PNG."""
    return _save(time_figure(traj, title, t_end), path)


def far_figure(traj: Trajectory, title: str, epoch: dt.datetime | None = None,
               t_ascent: float | None = None) -> Any:
    """A flight out to the Moon against time in hours or days: distance from the Earth's
    centre, speed in the inertial frame and (with the liftoff ``epoch``) distance from the
    Moon's centre. Events of the ascent (before ``t_ascent``) share one label."""
    plt = _pyplot()
    t = traj.t
    unit, unit_name = (3600.0, "h") if t[-1] <= 4 * DAY else (DAY, "days")
    r = np.stack([traj["x_eci"], traj["y_eci"], traj["z_eci"]], axis=1)
    moon = None
    if epoch is not None:
        from spacerace.ephem import moon_sun_eci

        moon = np.asarray(moon_sun_eci(epoch, t)[0])
    n = 3 if moon is not None else 2
    fig, axes = plt.subplots(n, 1, figsize=(9.6, 2.6 * n + 1.4), sharex=True)
    x = t / unit
    axes[0].plot(x, np.linalg.norm(r, axis=1) / 1e6, lw=1.5, color="tab:red", label="craft")
    if moon is not None:
        axes[0].plot(x, np.linalg.norm(moon, axis=1) / 1e6, lw=1.0, color="0.5", ls="--",
                     label="the Moon")
        axes[0].legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    axes[0].set_ylabel("distance from the\nEarth's centre [1000 km]", fontsize=9)
    axes[0].set_ylim(bottom=0)
    axes[1].plot(x, traj["speed_inertial"] / 1e3, lw=1.5, color="tab:blue")
    axes[1].set_ylabel("speed, Earth-centred\ninertial frame [km/s]", fontsize=9)
    axes[1].set_ylim(bottom=0)
    if moon is not None:
        axes[2].plot(x, np.linalg.norm(r - moon, axis=1) / 1e6, lw=1.5, color="tab:purple")
        axes[2].set_yscale("log")
        axes[2].set_ylabel("distance from the\nMoon's centre [1000 km]", fontsize=9)
    for ax in axes:
        ax.grid(alpha=0.3, which="both")
    axes[-1].set_xlabel(f"time since liftoff [{unit_name}]")
    later = [ev for ev in traj.events if t_ascent is None or ev.t > t_ascent]
    times = [ev.t / unit for ev in later]
    names = [ev.name for ev in later]
    if t_ascent is not None:
        times.insert(0, 0.0)
        names.insert(0, "ascent (see its own plot)")
    _name_events(fig, axes, times, names, title)
    return fig


# --- the figures of a flight -----------------------------------------------------------------

def plot_flight(traj: Trajectory, title: str, folder: str | Path, stem: str,
                epoch: Any = None, site: str | None = None, target: str | None = None
                ) -> list[Path]:
    """The figures of a flight, named ``<stem>-<kind>.png``.

    ``profile`` (altitude against ground range, naming the launch ``site`` and the
    ``target``; for a flight that does not come down, of its ascent only) and ``time``; for a
    flight into orbit or farther, ``track`` (if it goes over 1,000 km); for a lunar flight
    (see :func:`is_lunar`), ``time`` shows distances and speed over hours or days, ``ascent``
    the first minutes, and ``moon`` (with the liftoff ``epoch``) the pass of the Moon.
    """
    folder = Path(folder)
    t_asc = ascent_end(traj)
    paths = [plot_profile(traj, title, folder / f"{stem}-profile.png", site, target, t_asc)]
    if is_lunar(traj):
        paths.append(_save(far_figure(traj, title, epoch, t_asc), folder / f"{stem}-time.png"))
        paths.append(plot_time_histories(traj, title, folder / f"{stem}-ascent.png",
                                         t_asc if t_asc is not None else 1200.0))
    else:
        paths.append(plot_time_histories(traj, title, folder / f"{stem}-time.png"))
    if float(np.max(traj["downrange"])) > 1000e3:
        paths.append(plot_ground_track(traj, title, folder / f"{stem}-track.png"))
    if epoch is not None and traj.first(MOON_CLOSEST_APPROACH) is not None:
        paths.append(plot_moon(traj, epoch, title, folder / f"{stem}-moon.png"))
    return paths


# --- Monte Carlo, decay ----------------------------------------------------------------------

def plot_impacts(east: np.ndarray, north: np.ndarray, ellipses: list[dict[str, float]],
                 title: str, path: str | Path) -> Path:
    """Impact points around the aim point (km east and north) with the probability ellipses."""
    plt = _pyplot()
    from matplotlib.patches import Ellipse as EllipsePatch

    fig, ax = plt.subplots(figsize=(8.6, 7))
    ax.scatter(east / 1e3, north / 1e3, s=2, alpha=0.35, color="tab:blue", lw=0,
               label=f"impacts ({len(east)})")
    ax.plot(0, 0, "r+", ms=14, mew=2, label="aim point")
    mx, my = float(np.mean(east)) / 1e3, float(np.mean(north)) / 1e3
    ax.plot(mx, my, "kx", ms=9, mew=2, label="mean point of impact")
    for e, color in zip(ellipses, ("tab:orange", "tab:red", "tab:purple")):
        ax.add_patch(EllipsePatch((mx, my), 2 * e["semi_major_m"] / 1e3,
                                  2 * e["semi_minor_m"] / 1e3,
                                  angle=90.0 - e["azimuth_deg"], fill=False, color=color, lw=1.5,
                                  label=f"{e['probability']:.0%} ellipse"))
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xlabel("east of the aim point [km]")
    ax.set_ylabel("north of the aim point [km]")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    legend = ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    legend.legend_handles[0].set_sizes([12.0])  # the impacts' dots, visible
    fig.tight_layout()
    return _save(fig, path)


def decay_figure(days: np.ndarray, perigee: np.ndarray, apogee: np.ndarray, title: str,
                 archival_day: float | None = None, start: dt.datetime | None = None) -> Any:
    """Perigee and apogee altitude against days in orbit, with the archival re-entry; with
    the insertion time ``start``, dates along the bottom and days in orbit along the top."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(9, 4.8))
    if start is None:
        x, at = np.asarray(days, dtype=float), archival_day
    else:
        import matplotlib.dates as mdates

        t0 = float(mdates.date2num(start))
        x = t0 + np.asarray(days, dtype=float)
        at = None if archival_day is None else t0 + archival_day
        ax.xaxis_date()
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b\n%Y"))
        top = ax.secondary_xaxis("top", functions=(lambda d: d - t0, lambda d: d + t0))
        top.set_xlabel("days since insertion")
    ax.plot(x, apogee / 1e3, label="apogee", color="tab:blue")
    ax.plot(x, perigee / 1e3, label="perigee", color="tab:red")
    if at is not None:
        ax.axvline(at, color="k", ls="--", lw=1, label="archival re-entry")
    ax.set_xlabel("days since insertion" if start is None else "date (UTC)")
    ax.set_ylabel("altitude above 6,378 km [km]")
    ax.set_title(title)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    fig.tight_layout()
    return fig


def plot_decay(days: np.ndarray, perigee: np.ndarray, apogee: np.ndarray, title: str,
               path: str | Path, archival_day: float | None = None,
               start: dt.datetime | None = None) -> Path:
    """Write :func:`decay_figure` as PNG."""
    return _save(decay_figure(days, perigee, apogee, title, archival_day, start), path)


# --- maps ------------------------------------------------------------------------------------

def track_figure(traj: Trajectory, title: str) -> Any:
    """Ground track on a world map (land from the ``global-land-mask`` package, if present)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(11, 5.6))
    try:
        from global_land_mask import globe

        lat = np.linspace(-90, 90, 361)
        lon = np.linspace(-180, 180, 721)
        land = globe.is_land(*np.meshgrid(lat, lon, indexing="ij"))
        ax.imshow(land, origin="lower", extent=(-180, 180, -90, 90), cmap="Greys",
                  vmin=-1.5, vmax=2.5, interpolation="nearest")
    except ImportError:  # no land mask: a plain grid still shows where the flight went
        pass
    lat_deg = np.degrees(traj["lat"])
    lon_deg = (np.degrees(traj["lon"]) + 180.0) % 360.0 - 180.0
    # break the line where it crosses the antimeridian
    jumps = np.flatnonzero(np.abs(np.diff(lon_deg)) > 180.0) + 1
    for k, (a, b) in enumerate(zip(np.r_[0, jumps], np.r_[jumps, len(lon_deg)])):
        ax.plot(lon_deg[a:b], lat_deg[a:b], color="tab:red", lw=1.4,
                label="ground track" if k == 0 else None)
    marked = [e for e in traj.events if e.major]
    at = np.array([((np.degrees(e.lon) + 180.0) % 360.0 - 180.0, np.degrees(e.lat))
                   for e in marked]).reshape(-1, 2)
    ax.plot(at[:, 0], at[:, 1], "o", ms=5, color="k")
    ax.set_xlim(-180, 180)
    ax.set_ylim(-90, 90)
    ax.set_xticks(range(-180, 181, 30))
    ax.set_yticks(range(-90, 91, 30))
    ax.set_xlabel("longitude [deg]")
    ax.set_ylabel("geodetic latitude [deg]")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    fig.tight_layout()
    if len(at):
        place_point_labels(ax, at, [e.name for e in marked],
                           [np.column_stack([lon_deg, lat_deg])], size=8)
    return fig


def plot_ground_track(traj: Trajectory, title: str, path: str | Path) -> Path:
    """Write :func:`track_figure` as PNG."""
    return _save(track_figure(traj, title), path)


def plot_moon(traj: Trajectory, epoch: Any, title: str, path: str | Path) -> Path:
    """A flight to the Moon: the path in the Earth-centred frame and in the frame turning
    with the Moon (Earth at the origin, Moon on the x axis), and the distance to the Moon."""
    from spacerace.ephem import moon_sun_eci

    plt = _pyplot()
    t = traj["t"]
    r = np.stack([traj["x_eci"], traj["y_eci"], traj["z_eci"]], axis=1)
    moon = np.asarray(moon_sun_eci(epoch, t)[0])
    # the Moon's orbital plane: x towards the Moon, z along its angular momentum
    vm = (np.asarray(moon_sun_eci(epoch, t + 1.0)[0])
          - np.asarray(moon_sun_eci(epoch, np.maximum(t - 1.0, 0.0))[0]))
    h = np.cross(moon, vm)
    ex = moon / np.linalg.norm(moon, axis=1)[:, None]
    ez = h / np.linalg.norm(h, axis=1)[:, None]
    ey = np.cross(ez, ex)
    rot = np.stack([np.sum(r * ex, axis=1), np.sum(r * ey, axis=1)], axis=1)
    n0 = ez[0]
    e1 = ex[0]
    e2 = np.cross(n0, e1)
    fixed = np.stack([r @ e1, r @ e2], axis=1)
    moon_fixed = np.stack([moon @ e1, moon @ e2], axis=1)
    fig, axes = plt.subplots(1, 3, figsize=(15, 5))
    ax = axes[0]
    ax.plot(fixed[:, 0] / 1e6, fixed[:, 1] / 1e6, color="tab:red", lw=1.2, label="craft")
    ax.plot(moon_fixed[:, 0] / 1e6, moon_fixed[:, 1] / 1e6, color="0.5", lw=1.0, label="Moon")
    ax.plot(0, 0, "o", color="tab:blue", ms=6, label="Earth")
    ax.set_title("Earth-centred, in the Moon's plane")
    ax = axes[1]
    ax.plot(rot[:, 0] / 1e6, rot[:, 1] / 1e6, color="tab:red", lw=1.2)
    ax.plot(0, 0, "o", color="tab:blue", ms=6)
    ax.plot(float(np.mean(np.linalg.norm(moon, axis=1))) / 1e6, 0, "o", color="0.5", ms=5)
    ax.set_title("turning with the Moon (Moon on the x axis)")
    for ax in axes[:2]:
        ax.set_aspect("equal", adjustable="datalim")
        ax.set_xlabel("thousand km")
        ax.set_ylabel("thousand km")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    ax = axes[2]
    ax.plot(t / 86400.0, np.linalg.norm(r - moon, axis=1) / 1e3, color="tab:red")
    ax.set_yscale("log")
    ax.set_xlabel("days since liftoff")
    ax.set_ylabel("distance to the Moon's centre [km]")
    ax.grid(alpha=0.3, which="both")
    fig.suptitle(title)
    fig.tight_layout()
    return _save(fig, path)


def plot_ascents(flown: Trajectory, best: Trajectory, title: str, path: str | Path,
                 labels: tuple[str, str] = ("as flown", "optimal")) -> Path:
    """Two ascents side by side: altitude against ground range, and flight-path angle
    against time."""
    plt = _pyplot()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    for traj, label, style in ((flown, labels[0], "--"), (best, labels[1], "-")):
        c = traj.columns
        ax1.plot(c["downrange"] / 1e3, c["alt"] / 1e3, ls=style, lw=1.6, label=label)
        ax2.plot(c["t"], np.degrees(c["flight_path_angle"]), ls=style, lw=1.6, label=label)
    ax1.set_xlabel("ground range [km]")
    ax1.set_ylabel("altitude [km]")
    ax1.set_ylim(bottom=0)
    ax2.set_xlabel("time since liftoff [s]")
    ax2.set_ylabel("flight-path angle [deg]")
    for ax in (ax1, ax2):
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return _save(fig, path)
