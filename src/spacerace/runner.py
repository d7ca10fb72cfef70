"""Run a packed flight: open-loop phases straight through the kernel, closed-loop ones in
guidance cycles; stop between phases and go on from there.

``run_packed`` is how everything above the kernel flies; it returns a ``KernelRun``.
"""

from __future__ import annotations

import numpy as np

from spacerace.guidance import fly_closed_loop
from spacerace.kernel.events import cutoff_flags
from spacerace.kernel.inputs import Buffers, KernelRun, Packed, Paused, SimOptions
from spacerace.kernel.layout import STATUS_PHASES_DONE
from spacerace.kernel.loop import fly_phases

# Room in the buffers beyond the samples on the output grid: the phases' ends, guidance
# cycles and events [-].
SAMPLES_PER_PHASE, SAMPLES_EXTRA = 4, 16
EVENTS_BASE, EVENTS_PER_PHASE = 64, 8
SPARE = 4096

__all__ = ["KernelRun", "Paused", "cutoff_state", "run_packed"]


def run_packed(pk: Packed, options: SimOptions, start: Paused | None = None,
               stop: int | None = None) -> KernelRun:
    """Fly the phases from ``start`` (default: liftoff) to ``stop`` (default: all).

    ``start``, when given, is advanced in place to where the flight stopped (its ``phase`` to
    ``stop`` when the phases were all flown, else to the phase it stopped in). Open-loop
    phases run straight through the kernel; a closed-loop phase (one with a target orbit) is
    flown in guidance cycles, its steering law solved again before each.
    """
    at = start if start is not None else Paused.at_liftoff(pk)
    stop = len(pk.phases) if stop is None else stop
    n_max = int(options.max_time / options.output_interval)
    n_max += SAMPLES_PER_PHASE * len(pk.phases) + SAMPLES_EXTRA
    ev_max = EVENTS_BASE + EVENTS_PER_PHASE * len(pk.phases)
    buf = Buffers.empty(n_max + SPARE, ev_max + SPARE)
    n = n_ev = 0
    status = STATUS_PHASES_DONE
    closed = [i for i in range(stop) if pk.is_closed_loop(i)]
    while at.phase < stop and status == STATUS_PHASES_DONE:
        last = next((i for i in closed if i >= at.phase), stop)
        if last == at.phase:
            last = at.phase + 1
            k, k_ev, status = fly_closed_loop(pk, options, at, buf.after(n, n_ev))
        else:
            k, k_ev, status = fly_phases(pk, options, at, last, buf.after(n, n_ev))
        n, n_ev = n + k, n_ev + k_ev
        if status == STATUS_PHASES_DONE:
            at.phase = last
        elif n:
            at.phase = int(buf.phase[n - 1])  # the phase the flight stopped in
    return KernelRun.of(buf, n, n_ev, status, at.phases)


def cutoff_state(kr: KernelRun, stop: int | None = None) -> np.ndarray | None:
    """Inertial state at the last engine cut-off of a run (before phase ``stop``), or None."""
    ev = kr.events
    cuts = cutoff_flags(ev.code, ev.phase, kr.phases)
    for j in range(len(ev.t) - 1, -1, -1):
        if (stop is None or ev.phase[j] < stop) and cuts[j]:
            return np.asarray(ev.y[j])
    return None
