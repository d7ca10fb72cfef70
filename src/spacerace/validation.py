"""Set simulated figures beside the archival ones: error, tolerance, role and verdict.

Only a ``prediction`` is scored (``pass`` or ``FAIL``). An ``aimed`` figure is shown with its
residual, which checks the solver; a ``calibrated`` one with its error, which says how well the
chosen parameter did; an ``input`` or ``context`` figure is shown only.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from spacerace.mission import ArchiveFigure

PASS, FAIL, NOT_SCORED, NOT_SIMULATED = "pass", "FAIL", "shown", "missing"
WITHIN_SPREAD = "within spread"
AIMED, CALIBRATED, INPUT = "aimed", "calibrated", "input"
SCORED_VERDICTS = (PASS, FAIL, WITHIN_SPREAD)

# The role in plain words, for tables read by people.
ROLE_WORDS = {
    "prediction": "prediction",
    "aimed": "aimed (matches by construction)",
    "calibrated": "calibrated (a parameter was chosen with it)",
    "input": "input (went into the flight)",
    "context": "context (not simulated)",
}


@dataclass(frozen=True)
class Comparison:
    """One row of a comparison table (values in the figure's SI unit, angles in degrees).

    ``error`` is simulated - archival (for a published range: the distance outside it, 0
    inside). ``verdict`` is ``pass``/``FAIL`` for a prediction with a tolerance or a range,
    ``aimed``, ``calibrated`` or ``input`` for figures of those roles, ``shown`` for
    figures that cannot be scored, ``missing`` when a prediction has no simulated figure.
    """

    figure: ArchiveFigure
    simulated: float | None
    error: float | None
    verdict: str

    @property
    def role(self) -> str:
        """The figure's role (see ``spacerace.mission.ROLES``)."""
        return self.figure.role

    @property
    def relative_error(self) -> float | None:
        """|error| as a fraction of the archival value (of the nearer end of a range)."""
        f = self.figure
        ref = f.value if f.value is not None else (
            f.high if self.simulated is not None and f.high is not None
            and self.simulated > f.high else f.low)
        if self.error is None or not ref:
            return None
        return abs(self.error) / abs(ref)


MONTE_CARLO_PREFIX = "mc_"  # archival accuracy figures, set beside a Monte Carlo study instead
BEST_PREFIX = "best_"  # capability figures (the best a vehicle could do), set beside an optimum


def error_of(fig: ArchiveFigure, sim: float) -> float | None:
    """Simulated minus archival; for a range, the distance outside it (0 inside)."""
    if fig.low is not None and fig.high is not None:
        return 0.0 if fig.low <= sim <= fig.high else (
            sim - fig.high if sim > fig.high else sim - fig.low)
    if fig.value is not None:
        return sim - fig.value
    return None


def within(fig: ArchiveFigure, sim: float) -> bool | None:
    """Whether ``sim`` meets the figure (inside its range or tolerance); None: no criterion."""
    err = error_of(fig, sim)
    if err is None:
        return None
    if fig.low is not None and fig.high is not None:
        return err == 0.0
    if fig.tolerance is None:
        return None
    return abs(err) <= fig.tolerance


def scored(fig: ArchiveFigure) -> bool:
    """A prediction with a tolerance or a range: one that gets ``pass`` or ``FAIL``."""
    return fig.role == "prediction" and (
        (fig.tolerance is not None and fig.value is not None)
        or (fig.low is not None and fig.high is not None))


def compare(figures: dict[str, float], archive: tuple[ArchiveFigure, ...]) -> list[Comparison]:
    """Compare each archival figure with the simulated figure of the same key.

    Figures whose key starts with ``mc_`` describe the scatter of many flights; they are left
    to ``spacerace montecarlo``; those with ``best_``, the best the vehicle could do, to
    ``spacerace payload`` and ``optimize``.
    """
    rows = []
    for fig in archive:
        if fig.key.startswith((MONTE_CARLO_PREFIX, BEST_PREFIX)):
            continue
        sim = figures.get(fig.key)
        if sim is None or (isinstance(sim, float) and math.isnan(sim)):
            verdict = NOT_SIMULATED if scored(fig) else _unscored(fig)
            rows.append(Comparison(fig, None, None, verdict))
            continue
        err = error_of(fig, sim)
        if fig.role != "prediction":
            rows.append(Comparison(fig, sim, err, _unscored(fig)))
            continue
        ok = within(fig, sim)
        rows.append(Comparison(fig, sim, err, NOT_SCORED if ok is None else
                               PASS if ok else FAIL))
    return rows


def is_miss(c: Comparison) -> bool:
    """A prediction that fails its tolerance or that the flight did not produce."""
    return c.verdict in (FAIL, NOT_SIMULATED)


def _unscored(fig: ArchiveFigure) -> str:
    return {"aimed": AIMED, "calibrated": CALIBRATED, "input": INPUT}.get(fig.role, NOT_SCORED)


def summary_line(rows: Sequence[Comparison]) -> str:
    """One line for the end of a table: how the predictions fared, and how many of each role.

    For example ``17 predictions: 15 within tolerance, 1 within the sources' spread, 1 FAIL
    (median |error| 2.1 %); 21 aimed, 4 calibrated, 3 inputs, 19 shown``.
    """
    preds = [c for c in rows if c.verdict in (*SCORED_VERDICTS, NOT_SIMULATED)]
    n_pass = sum(c.verdict == PASS for c in preds)
    n_spread = sum(c.verdict == WITHIN_SPREAD for c in preds)
    n_fail = sum(c.verdict == FAIL for c in preds)
    rel = [r for c in preds if (r := c.relative_error) is not None and c.figure.value is not None]
    parts = [f"{n_pass} within tolerance"]
    if n_spread:
        parts.append(f"{n_spread} within the sources' spread")
    parts.append(f"{n_fail} FAIL")
    if n_missing := sum(c.verdict == NOT_SIMULATED for c in preds):
        parts.append(f"{n_missing} not simulated")
    median = f" (median |error| {100 * statistics.median(rel):.1f} %)" \
        if rel else ""
    counts = [f"{sum(c.verdict == AIMED for c in rows)} aimed",
              f"{sum(c.verdict == CALIBRATED for c in rows)} calibrated",
              f"{sum(c.verdict == INPUT for c in rows)} inputs",
              f"{sum(c.verdict == NOT_SCORED for c in rows)} shown"]
    return (f"{len(preds)} predictions: {', '.join(parts)}{median}; " + ", ".join(counts))
