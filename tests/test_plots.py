"""Plots: event labels never overlap, a lunar flight is shown over hours and days, the
places are named, the stated vertical exaggeration is the drawn one."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from matplotlib.text import Text  # noqa: E402

import spacerace as sr  # noqa: E402
from spacerace import plots  # noqa: E402


@pytest.fixture(scope="module")
def v2() -> sr.FlightResult:
    return sr.fly("v2-london")


@pytest.fixture(scope="module")
def apollo() -> sr.FlightResult:
    return sr.fly("apollo-11")


def _labels(fig):
    """Display boxes of the event labels of a figure (their text, without leader lines),
    after drawing it."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = [t for t in fig.findobj(lambda a: a.get_gid() == plots.EVENT_LABEL)]
    return texts, [Text.get_window_extent(t, renderer) for t in texts]


def _assert_apart(fig) -> int:
    """No two event labels of a figure overlap, and all lie inside the figure."""
    texts, boxes = _labels(fig)
    for (ta, a), (tb, b) in itertools.combinations(zip(texts, boxes), 2):
        assert not a.overlaps(b), f"{ta.get_text()!r} overlaps {tb.get_text()!r}"
    width, height = fig.canvas.get_width_height()
    for t, b in zip(texts, boxes):
        assert b.x0 >= 0 and b.y0 >= 0 and b.x1 <= width and b.y1 <= height, t.get_text()
    plots._pyplot().close(fig)
    return len(texts)


def _legends_outside(fig) -> None:
    """Every legend lies clear of every axes (so it covers no curve and no label)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None:
            continue
        box = legend.get_window_extent(renderer)
        for other in fig.axes:
            assert not box.overlaps(other.get_window_extent(renderer))


def test_v2_labels_do_not_overlap_and_name_the_places(v2):
    m = v2.mission
    fig = plots.profile_figure(v2.trajectory, m.name, m.site.name, m.target.name)
    words = " ".join(t.get_text() for t in _labels(fig)[0])
    assert m.site.name in words and m.target.name in words
    # every event is named (the ones at the launch point share its label)
    for e in v2.trajectory.events:
        assert e.name in words
    assert _assert_apart(fig) >= 5
    fig = plots.time_figure(v2.trajectory, m.name)
    _legends_outside(fig)
    assert _assert_apart(fig) >= 5


def test_apollo_labels_do_not_overlap(apollo):
    traj, title = apollo.trajectory, apollo.mission.name
    t_end = plots.ascent_end(traj)
    assert t_end is not None and 600.0 < t_end < 1200.0  # the S-IVB's first cut-off, 699 s
    for fig in (plots.profile_figure(traj, title, apollo.mission.site.name, None, t_end),
                plots.time_figure(traj, title, t_end),
                plots.far_figure(traj, title, apollo.mission.epoch, t_end),
                plots.track_figure(traj, title)):
        assert _assert_apart(fig) >= 3


def test_lunar_time_plot_shows_distances_and_inertial_speed(apollo):
    traj = apollo.trajectory
    assert plots.is_lunar(traj)
    fig = plots.far_figure(traj, apollo.mission.name, apollo.mission.epoch,
                           plots.ascent_end(traj))
    ylabels = " ".join(ax.get_ylabel() for ax in fig.axes)
    assert "Earth's centre" in ylabels and "inertial" in ylabels and "Moon's centre" in ylabels
    assert "Mach" not in ylabels and "pressure" not in ylabels
    assert fig.axes[-1].get_xlabel() == "time since liftoff [h]"  # a 3.6-day flight in hours
    # the Moon panel reaches down to the pass: above the Moon's surface (mean radius
    # 1,737.4 km, IAU) and within the 5,000 km of it that the mission file takes as a pass
    moon = fig.axes[2].get_lines()[0].get_ydata()
    assert 1.7374 < float(np.min(moon)) < 1.7374 + 5.0  # thousand km, as sampled
    plots._pyplot().close(fig)


def test_short_flights_are_not_lunar(v2):
    assert not plots.is_lunar(v2.trajectory)
    assert plots.ascent_end(v2.trajectory) is None  # it comes down: its profile is all of it


def test_crowded_points_get_separate_labels():
    plt = plots._pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    rng = np.random.default_rng(3)
    pts = np.vstack([rng.uniform(40, 45, size=(12, 2)), rng.uniform(0, 100, size=(8, 2))])
    names = [f"event number {i}" for i in range(len(pts))]
    fig.tight_layout()
    plots.place_point_labels(ax, pts, names)
    assert _assert_apart(fig) >= 10


def test_close_events_in_time_get_separate_labels():
    plt = plots._pyplot()
    fig, ax = plt.subplots(figsize=(8, 3))
    ax.set_xlim(0, 300)
    times = [0.5, 1.0, 4.0, 25.0, 26.0, 42.0, 66.0, 178.0, 290.0, 295.0, 299.0, 300.0]
    plots._name_events(fig, [ax], times, [f"a long event name {i}" for i in range(len(times))],
                       "a title above the names")
    assert _assert_apart(fig) >= 5


@pytest.mark.parametrize("x_span, y_span", [(340.0, 100.0), (2700.0, 220.0),
                                            (90.0, 600.0), (8700.0, 1300.0)])
def test_the_stated_exaggeration_is_the_drawn_one(x_span, y_span):
    e = plots.exaggeration(x_span, y_span)
    assert 0.25 < e * y_span / x_span < 0.65
    plt = plots._pyplot()
    fig = plt.figure(figsize=(9, 4))
    ax = fig.add_subplot()
    ax.set_xlim(0, x_span)
    ax.set_ylim(0, y_span)
    ax.set_aspect(e)
    plots._fit_height(fig, ax, e * y_span / x_span)
    fig.canvas.draw()
    box = ax.get_window_extent()
    drawn = (box.height / y_span) / (box.width / x_span)  # pixels per km, up over along
    assert drawn == pytest.approx(e, rel=0.01)
    plt.close(fig)


def test_decay_plot_shows_dates():
    start = dt.datetime(1957, 10, 4, 19, 33, tzinfo=dt.UTC)
    days = np.linspace(0.0, 92.0, 50)
    fig = plots.decay_figure(days, 200e3 - days * 1e3, 900e3 - days * 7e3, "test", 88.0,
                             start)
    fig.canvas.draw()
    ticks = " ".join(t.get_text() for t in fig.axes[0].get_xticklabels())
    assert "1957" in ticks and "1958" in ticks
    plots._pyplot().close(fig)
