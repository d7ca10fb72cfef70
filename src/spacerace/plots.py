"""Figures of a flight (matplotlib, imported lazily; PNG files)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from spacerace.results import Trajectory


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(plt: Any, fig: Any, path: str | Path) -> Path:
    """Write a figure as PNG (making the folder) and close it."""
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=130)
    plt.close(fig)
    return path


def _mark_events(ax: Any, traj: Trajectory, x_of: Callable[[Any], float]) -> None:
    for e in traj.events:
        if e.name in ("liftoff",):
            continue
        ax.axvline(x_of(e), color="0.6", lw=0.7, ls=":")
        ax.annotate(e.name, (x_of(e), 1.0), xycoords=("data", "axes fraction"),
                    rotation=90, va="top", ha="right", fontsize=7, color="0.35")


def plot_profile(traj: Trajectory, title: str, path: str | Path) -> Path:
    """Altitude against ground range along the ellipsoid, with the events marked."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(9, 4.2))
    c = traj.columns
    ax.plot(c["downrange"] / 1e3, c["alt"] / 1e3, color="tab:red", lw=1.8)
    for e in traj.events:
        i = int(np.argmin(np.abs(c["t"] - e.t)))
        ax.plot(c["downrange"][i] / 1e3, e.altitude / 1e3, "o", ms=4, color="k")
        ax.annotate(e.name, (c["downrange"][i] / 1e3, e.altitude / 1e3), fontsize=7,
                    xytext=(4, 4), textcoords="offset points")
    ax.set_xlabel("ground range along the WGS-84 ellipsoid [km]")
    ax.set_ylabel("altitude [km]")
    ax.set_title(title)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    return _save(plt, fig, path)


def plot_time_histories(traj: Trajectory, title: str, path: str | Path) -> Path:
    """Speed, acceleration, Mach number and dynamic pressure against time."""
    plt = _pyplot()
    c = traj.columns
    fig, axes = plt.subplots(4, 1, figsize=(9, 9), sharex=True)
    panels = [
        (c["speed_relative"], c["speed_inertial"], "speed [m/s]", ("relative to Earth",
                                                                   "inertial")),
        (c["acceleration"] / 9.80665, None, "thrust + drag acceleration [g]", None),
        (c["mach"], None, "Mach number", None),
        (c["dynamic_pressure"] / 1e3, None, "dynamic pressure [kPa]", None),
    ]
    for ax, (y1, y2, label, legend) in zip(axes, panels):
        ax.plot(c["t"], y1, lw=1.5)
        if y2 is not None:
            ax.plot(c["t"], y2, lw=1.0, ls="--")
            ax.legend(legend, fontsize=8, loc="upper right")
        ax.set_ylabel(label, fontsize=9)
        ax.grid(alpha=0.3)
        _mark_events(ax, traj, lambda e: e.t)
    axes[-1].set_xlabel("time since liftoff [s]")
    axes[0].set_title(title)
    return _save(plt, fig, path)


def plot_flight(traj: Trajectory, title: str, folder: str | Path, stem: str,
                epoch: Any = None) -> list[Path]:
    """The figures of a flight: ``<stem>-profile.png``, ``<stem>-time.png`` and, for flights
    that go far (orbits, intercontinental shots), ``<stem>-track.png``; for flights that pass
    the Moon (``epoch`` given), ``<stem>-moon.png``."""
    folder = Path(folder)
    paths = [plot_profile(traj, title, folder / f"{stem}-profile.png"),
             plot_time_histories(traj, title, folder / f"{stem}-time.png")]
    if float(np.max(traj["downrange"])) > 1000e3:
        paths.append(plot_ground_track(traj, title, folder / f"{stem}-track.png"))
    if epoch is not None and any(e.name == "closest approach to the Moon" for e in traj.events):
        paths.append(plot_moon(traj, epoch, title, folder / f"{stem}-moon.png"))
    return paths


def plot_impacts(east: np.ndarray, north: np.ndarray, ellipses: list[dict[str, float]],
                 title: str, path: str | Path) -> Path:
    """Impact points around the aim point (km east and north) with the probability ellipses."""
    plt = _pyplot()
    from matplotlib.patches import Ellipse as EllipsePatch

    fig, ax = plt.subplots(figsize=(7, 7))
    ax.scatter(east / 1e3, north / 1e3, s=2, alpha=0.35, color="tab:blue", lw=0)
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
    ax.legend(loc="upper right", fontsize=8)
    return _save(plt, fig, path)


def plot_decay(days: np.ndarray, perigee: np.ndarray, apogee: np.ndarray, title: str,
               path: str | Path, archival_day: float | None = None) -> Path:
    """Perigee and apogee altitude against days in orbit, with the archival re-entry."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(9, 4.5))
    ax.plot(days, apogee / 1e3, label="apogee", color="tab:blue")
    ax.plot(days, perigee / 1e3, label="perigee", color="tab:red")
    if archival_day is not None:
        ax.axvline(archival_day, color="k", ls="--", lw=1, label="archival re-entry")
    ax.set_xlabel("days since insertion")
    ax.set_ylabel("altitude above 6,378 km [km]")
    ax.set_title(title)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend()
    return _save(plt, fig, path)


def plot_ground_track(traj: Trajectory, title: str, path: str | Path) -> Path:
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
    for e in traj.events:
        if e.name in ("liftoff", "cut-off", "impact", "apogee"):
            x = (np.degrees(e.lon) + 180.0) % 360.0 - 180.0
            ax.plot(x, np.degrees(e.lat), "o", ms=5, color="k")
            ax.annotate(e.name, (x, np.degrees(e.lat)), xytext=(4, 4),
                        textcoords="offset points", fontsize=8)
    ax.set_xlim(-180, 180)
    ax.set_ylim(-90, 90)
    ax.set_xticks(range(-180, 181, 30))
    ax.set_yticks(range(-90, 91, 30))
    ax.set_xlabel("longitude [deg]")
    ax.set_ylabel("geodetic latitude [deg]")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left", fontsize=8)
    return _save(plt, fig, path)


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
    return _save(plt, fig, path)


def plot_ascents(flown: Trajectory, best: Trajectory, title: str, path: str | Path,
                 labels: tuple[str, str] = ("as flown", "optimal")) -> Path:
    """Two ascents side by side: altitude against ground range, and pitch against time."""
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
    return _save(plt, fig, path)
