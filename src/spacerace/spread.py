"""Fly a mission across the spread of its sources and give each prediction a 5-95 % band.

Where the documents disagree on a vehicle figure (``catalog.spreads``), each flight draws every
such field uniformly between its lowest and highest source (a Latin hypercube, so that a few
dozen flights cover every field's range), through the same field edits as a Monte Carlo
study, and flies the mission as ``fly`` does: aims are solved again for each flight where the
real flight was aimed. The band says what the sources allow; a prediction whose nominal
figure misses the archive but whose band (widened by the tolerance) reaches it is ``within
spread``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from spacerace.catalog.spreads import SourceSpread
from spacerace.edit import perturb
from spacerace.errors import SpaceraceError
from spacerace.flight import fly
from spacerace.mission import Mission
from spacerace.results import FlightResult
from spacerace.validation import FAIL, WITHIN_SPREAD, Comparison, error_of
from spacerace.vehicle import Vehicle

BAND = (5.0, 95.0)  # percentiles of the band [%]


@dataclass(frozen=True)
class SpreadResult:
    """Figures of the flights across the sources' spread.

    Attributes
    ----------
    spreads : tuple of SourceSpread
        The fields drawn.
    figures : dict of str to ndarray
        Each figure over the flights that flew (NaN where a flight lacks it).
    flown, failed : int
        Flights that flew, and that could not be flown (their messages in ``errors``).
    """

    spreads: tuple[SourceSpread, ...]
    figures: dict[str, np.ndarray]
    flown: int
    failed: int
    errors: tuple[str, ...] = ()

    def band(self, key: str) -> tuple[float, float] | None:
        """The 5-95 % band of a figure, or None where too few flights have it."""
        values = self.figures.get(key)
        if values is None:
            return None
        finite = values[np.isfinite(values)]
        if finite.size < 3:
            return None
        lo, hi = np.percentile(finite, BAND)
        return float(lo), float(hi)


def latin_hypercube(n: int, k: int, seed: int) -> np.ndarray:
    """``n`` points in the unit cube of ``k`` dimensions, one in each of n slices of each axis."""
    rng = np.random.default_rng(seed)
    u = (np.arange(n)[:, None] + rng.random((n, k))) / n
    for j in range(k):
        u[:, j] = rng.permutation(u[:, j])
    return u


def fly_spread(vehicle: Vehicle, mission: Mission, spreads: Sequence[SourceSpread],
               runs: int = 48, seed: int = 1,
               extra: Callable[[FlightResult], dict[str, float]] | None = None,
               on_flight: Callable[[int], None] | None = None) -> SpreadResult:
    """Fly ``runs`` flights with the fields of ``spreads`` drawn across the sources' range.

    Each flight is aimed as the mission is (``flight.fly``); ``extra`` adds figures computed
    from a flight (orbital lifetimes). A flight that cannot be flown (it cannot lift off, or
    its aim cannot reach the target) is counted, not hidden.
    """
    spreads = tuple(spreads)
    rows: list[dict[str, float]] = []
    errors: list[str] = []
    if spreads:
        cube = latin_hypercube(runs, len(spreads), seed)
        for i, u in enumerate(cube):
            v, m = vehicle, mission
            for s, x in zip(spreads, u):
                v, m = perturb(v, m, s.path, s.low + float(x) * (s.high - s.low), False)
            m = replace(m, dispersions=())
            try:
                res = fly(v, m)
                rows.append({**res.figures, **(extra(res) if extra else {})})
            except SpaceraceError as exc:
                errors.append(str(exc))
            if on_flight is not None:
                on_flight(i + 1)
    keys = sorted({k for r in rows for k in r})
    figures = {k: np.array([r.get(k, np.nan) for r in rows], dtype=float) for k in keys}
    return SpreadResult(spreads, figures, len(rows), len(errors), tuple(errors))


def verdict_with_band(c: Comparison, band: tuple[float, float] | None) -> str:
    """A prediction's verdict once the sources' spread is known.

    ``pass`` stays ``pass``; a ``FAIL`` becomes ``within spread`` where the band, widened by
    the figure's tolerance, reaches the archival figure (or its range).
    """
    if c.verdict != FAIL or band is None:
        return c.verdict
    tol = c.figure.tolerance or 0.0
    lo_err, hi_err = error_of(c.figure, band[0]), error_of(c.figure, band[1])
    if lo_err is None or hi_err is None:
        return c.verdict
    # the band reaches the archive if its ends lie on either side of it, or one end meets it
    if lo_err - tol <= 0.0 <= hi_err + tol:
        return WITHIN_SPREAD
    return c.verdict


def with_spread(rows: Sequence[Comparison], result: SpreadResult
                ) -> list[tuple[Comparison, tuple[float, float] | None]]:
    """Each comparison with its band, predictions re-judged against it."""
    out = []
    for c in rows:
        band = result.band(c.figure.key) if c.role == "prediction" else None
        out.append((replace(c, verdict=verdict_with_band(c, band)), band))
    return out
