"""Set simulated figures beside the archival ones: error, tolerance, verdict."""

from __future__ import annotations

import math
from dataclasses import dataclass

from spacerace.mission import ArchiveFigure

PASS, FAIL, NOT_SCORED, NOT_SIMULATED = "pass", "FAIL", "shown", "missing"


@dataclass(frozen=True)
class Comparison:
    """One row of a comparison table (values in the figure's SI unit, angles in degrees).

    ``error`` is simulated - archival (for a published range: the distance outside it, 0
    inside). ``verdict`` is ``pass``/``FAIL`` where a tolerance or range is given, ``shown``
    for figures without one, ``missing`` when the simulation has no such figure.
    """

    figure: ArchiveFigure
    simulated: float | None
    error: float | None
    verdict: str


MONTE_CARLO_PREFIX = "mc_"  # archival accuracy figures, set beside a Monte Carlo study instead


def compare(figures: dict[str, float], archive: tuple[ArchiveFigure, ...]) -> list[Comparison]:
    """Compare each archival figure with the simulated figure of the same key.

    Figures whose key starts with ``mc_`` describe the scatter of many flights; they are left
    to ``spacerace montecarlo``.
    """
    rows = []
    for fig in archive:
        if fig.key.startswith(MONTE_CARLO_PREFIX):
            continue
        sim = figures.get(fig.key)
        if sim is None or (isinstance(sim, float) and math.isnan(sim)):
            rows.append(Comparison(fig, None, None,
                                   NOT_SIMULATED if _scored(fig) else NOT_SCORED))
            continue
        if fig.low is not None and fig.high is not None:
            err = 0.0 if fig.low <= sim <= fig.high else (
                sim - fig.high if sim > fig.high else sim - fig.low)
            rows.append(Comparison(fig, sim, err, PASS if err == 0.0 else FAIL))
        elif fig.value is not None:
            err = sim - fig.value
            verdict = NOT_SCORED if fig.tolerance is None else (
                PASS if abs(err) <= fig.tolerance else FAIL)
            rows.append(Comparison(fig, sim, err, verdict))
        else:
            rows.append(Comparison(fig, sim, None, NOT_SCORED))
    return rows


def _scored(fig: ArchiveFigure) -> bool:
    return fig.tolerance is not None or (fig.low is not None and fig.high is not None)
