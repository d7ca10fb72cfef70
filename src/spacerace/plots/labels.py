"""Event labels that never overlap: events at the same point share one label; the others are
placed clear of each other, of the markers and, where possible, of the curves (display
pixels, measured with the figure's renderer once its layout is final)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

EVENT_LABEL = "event-label"  # gid of every event label (tests look for it)
_FONT = 7.0  # event labels [pt]
Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in display pixels


def _cluster_label(names: Sequence[str], width: int = 48) -> str:
    """One label for events at the same place: their names once each, in order, on lines of
    about ``width`` characters."""
    lines = [""]
    for name in dict.fromkeys(names):
        if lines[-1] and len(lines[-1]) + len(name) + 3 > width:
            lines[-1] += " /"
            lines.append(name)
        else:
            lines[-1] = f"{lines[-1]} / {name}" if lines[-1] else name
    return "\n".join(lines)


def _clusters(xy: np.ndarray, tol: float) -> list[list[int]]:
    """Group points (display pixels, in time order) closer than ``tol`` to a group's first."""
    groups: list[list[int]] = []
    for i, p in enumerate(xy):
        for g in groups:
            if float(np.hypot(*(xy[g[0]] - p))) < tol:
                g.append(i)
                break
        else:
            groups.append([i])
    return groups


def _text_size(fig: Any, renderer: Any, text: str, size: float) -> tuple[float, float]:
    """Width and height of a text in display pixels."""
    t = fig.text(0, 0, text, fontsize=size)
    bb = t.get_window_extent(renderer)
    t.remove()
    return float(bb.width), float(bb.height)


def _overlaps(a: Box, b: Box, pad: float = 2.0) -> bool:
    return not (a[2] + pad <= b[0] or b[2] + pad <= a[0] or a[3] + pad <= b[1]
                or b[3] + pad <= a[1])


def _crosses(p: np.ndarray, box: Box, boxes: Sequence[Box]) -> bool:
    """Whether the leader from point ``p`` to the centre of ``box`` runs through a box."""
    c = np.array([(box[0] + box[2]) / 2, (box[1] + box[3]) / 2])
    q = p + np.linspace(0.0, 1.0, max(12, int(np.hypot(*(c - p)) / 2)))[:, None] * (c - p)
    return any(bool(np.any((q[:, 0] >= b[0]) & (q[:, 0] <= b[2]) & (q[:, 1] >= b[1])
                           & (q[:, 1] <= b[3]))) for b in boxes)


# directions of a label from its point: (dx, dy, ha, va)
_DIRECTIONS = ((1, 1, "left", "bottom"), (-1, 1, "right", "bottom"), (1, -1, "left", "top"),
               (-1, -1, "right", "top"), (1.4, 0, "left", "center"), (-1.4, 0, "right", "center"),
               (0, 1.4, "center", "bottom"), (0, -1.4, "center", "top"),
               (0.5, 1.3, "left", "bottom"), (-0.5, 1.3, "right", "bottom"),
               (1.3, 0.5, "left", "bottom"), (-1.3, 0.5, "right", "bottom"))
# distances of a label from its point [pt]
_RINGS = (4.0, 10.0, 18.0, 30.0, 45.0, 65.0, 90.0, 120.0, 160.0)


def _box(px: float, py: float, w: float, h: float, ha: str, va: str) -> Box:
    x0 = px - {"left": 0.0, "center": w / 2, "right": w}[ha]
    y0 = py - {"bottom": 0.0, "center": h / 2, "top": h}[va]
    return (x0, y0, x0 + w, y0 + h)


def place_point_labels(ax: Any, points: np.ndarray, names: Sequence[str],
                       curves: Sequence[np.ndarray] = (), size: float = _FONT,
                       heads: Sequence[bool] | None = None, taken: list[Box] | None = None
                       ) -> list[Any]:
    """Label points of an axes (data coordinates) so that no two labels overlap.

    Points closer than 6 pixels share one label (a point flagged in ``heads``, such as a
    place, heads it in bold on a line of its own). Each label goes to the nearest place
    around its point, ring by ring, that stays inside the axes and clear of the labels
    already placed (leader line included) and of the markers; among the near places it takes
    the one covering the fewest points of ``curves`` (arrays of data points, shape (n, 2)).
    Labels away from their point get a thin leader line. ``taken`` (display boxes of labels
    already placed) grows with the new labels. Call after the figure's layout is final.
    """
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    ax.apply_aspect()
    to_px = ax.transData.transform
    pts = to_px(np.asarray(points, dtype=float).reshape(-1, 2))
    curve_px = (np.concatenate([to_px(c) for c in curves]) if len(curves)
                else np.empty((0, 2)))
    frame = ax.get_window_extent(renderer)
    scale = fig.dpi / 72.0
    labels = taken if taken is not None else []
    markers = [(p[0] - 4, p[1] - 4, p[0] + 4, p[1] + 4) for p in pts]
    texts: list[Any] = []
    for group in _clusters(pts, 6.0):
        first = [names[i] for i in group if heads is not None and heads[i]]
        rest = [names[i] for i in group if heads is None or not heads[i]]
        label = "\n".join(first + ([_cluster_label(rest)] if rest else []))
        weight = "bold" if first else "normal"
        t = ax.text(0, 0, label, fontsize=size, fontweight=weight)
        bb = t.get_window_extent(renderer)
        t.remove()
        w, h = float(bb.width), float(bb.height)
        p = pts[group[0]]
        places = []  # (curve points covered, ring, direction, offset, box, leader crosses)
        for n, ring in enumerate(_RINGS):
            for k, (dx, dy, ha, va) in enumerate(_DIRECTIONS):
                box = _box(p[0] + dx * ring * scale, p[1] + dy * ring * scale, w, h, ha, va)
                if (box[0] < frame.x0 or box[2] > frame.x1 or box[1] < frame.y0
                        or box[3] > frame.y1 or any(_overlaps(box, o) for o in labels + markers)):
                    continue
                inside = ((curve_px[:, 0] >= box[0]) & (curve_px[:, 0] <= box[2])
                          & (curve_px[:, 1] >= box[1]) & (curve_px[:, 1] <= box[3]))
                places.append((int(np.count_nonzero(inside)), n, k, (dx * ring, dy * ring, ha, va),
                               box, n > 0 and _crosses(p, box, labels)))
        # near and clear of the curve (a ring further costs as much as two points of the
        # curve covered); leaders crossing another label only if nothing else is left
        best = min((q for q in places if not q[5]), default=None,
                   key=lambda q: (q[0] + 2 * q[1], q[1], q[2]))
        if best is None:
            best = min(places, default=None, key=lambda q: (q[0], q[1], q[2]))
        if best is None:  # nowhere free inside the axes: above it, clear of the others
            top = max([frame.y1] + [o[3] for o in labels])
            box = _box(p[0], top + 3, w, h, "center", "bottom")
            best = (0, 0, 0, (0.0, (top + 3 - p[1]) / scale, "center", "bottom"), box, False)
        dx, dy, ha, va = best[3]
        leader = ({"arrowprops": {"arrowstyle": "-", "color": "0.55", "lw": 0.5,
                                  "shrinkA": 0, "shrinkB": 3}}
                  if abs(dx) + abs(dy) > 8 else {})
        xy = ax.transData.inverted().transform(p)
        texts.append(ax.annotate(label, tuple(xy), xytext=(dx, dy), textcoords="offset points",
                                 ha=ha, va=va, fontsize=size, fontweight=weight, gid=EVENT_LABEL,
                                 annotation_clip=False, **leader))
        labels.append(best[4])
    return texts


def label_times(ax: Any, times: Sequence[float], names: Sequence[str], max_rows: int = 5
                ) -> float:
    """Name events of a time axis in rows above the axes (so they cover no curve).

    Events closer than a few pixels share one label; each label starts at its event's time
    (or ends there, near the right edge) in the lowest row where it overlaps no other label;
    if more than ``max_rows`` rows would be needed, events are merged over wider spans.
    Returns the height the rows take [pt], for the title's pad. Call after the layout.
    """
    if not len(times):
        return 0.0
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    x_px = ax.transData.transform(np.column_stack([times, np.zeros(len(times))]))[:, 0]
    scale = fig.dpi / 72.0
    tol = 3.0
    while True:
        groups = _clusters(np.column_stack([x_px, np.zeros(len(x_px))]), tol)
        rows: list[list[tuple[float, float]]] = []
        layout = []
        for g in groups:
            label = _cluster_label([names[i] for i in g], width=100)
            w, h = _text_size(fig, renderer, label, _FONT)
            x0 = x_px[g[0]]
            ha, anchor = "left", g[0]
            if x0 + w > frame.x1:
                ha, anchor, x0 = "right", g[-1], x_px[g[-1]] - w
            x0 = max(x0, frame.x0 - 0.0)
            row = next((k for k, r in enumerate(rows)
                        if all(x0 + w + 4 <= a or b + 4 <= x0 for a, b in r)), len(rows))
            if row == len(rows):
                rows.append([])
            rows[row].append((x0, x0 + w))
            layout.append((anchor, label, ha, row, h))
        if len(rows) <= max_rows or tol > frame.width:
            break
        tol *= 2.0
    row_pt = max(item[4] for item in layout) / scale + 2.0
    for anchor, label, ha, row, _ in layout:
        t = ax.annotate(label, (times[anchor], 1.0), xycoords=("data", "axes fraction"),
                        xytext=(0, 3 + row * row_pt), textcoords="offset points", ha=ha,
                        va="bottom", fontsize=_FONT, color="0.3", gid=EVENT_LABEL,
                        annotation_clip=False)
        t.set_in_layout(False)
    return 3 + len(rows) * row_pt


def event_lines(axes: Sequence[Any], times: Sequence[float]) -> None:
    """Dotted lines at the events' times on every panel."""
    for ax in axes:
        for t in times:
            ax.axvline(t, color="0.6", lw=0.7, ls=":")
