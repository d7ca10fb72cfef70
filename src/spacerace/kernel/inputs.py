"""What the kernel is given and what it gives back: the packed flight, the numerical options,
a flight paused between phases, the output buffers and a run's named result."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from spacerace.kernel.layout import N_STATE, STG_PROP

# Absolute tolerances of the state [m, m/s, kg] (with SimOptions.rtol).
ATOL = np.array([1e-3, 1e-3, 1e-3, 1e-6, 1e-6, 1e-6, 1e-3])
# Output sampling interval that samples nothing between the phases' ends: events only [s].
NO_SAMPLES = math.inf


@dataclass(frozen=True)
class SimOptions:
    """Numerical and model options of a flight.

    Attributes
    ----------
    rtol : float
        Relative tolerance of the integrator [-].
    max_step : float
        Largest integration step [s].
    output_interval : float
        Sampling interval of the trajectory table [s] (``NO_SAMPLES``: events only).
    max_time : float
        Time limit [s].
    j2 : bool
        Include the J2 term of gravity.
    atmosphere : bool
        Include the atmosphere (drag and back-pressure).
    earth_rotation : bool
        Rotate the Earth (False: a non-rotating Earth, for checks against textbooks).
    gravity : bool
        Include gravity (False only for checks such as Tsiolkovsky's equation).
    strict_guidance : bool
        Stop the flight when a closed-loop burn runs out of propellant before its orbit
        cut-off or steers into the ground (the statuses ``STATUS_GUIDANCE_*``). Trial flights
        of an aim turn it off: a trial that falls short is information for the solver.
    """

    rtol: float = 1e-9
    max_step: float = 20.0
    output_interval: float = 1.0
    max_time: float = 20_000.0
    j2: bool = True
    atmosphere: bool = True
    earth_rotation: bool = True
    gravity: bool = True
    strict_guidance: bool = True


@dataclass(frozen=True)
class Packed:
    """A flight as the kernel sees it (layouts in ``spacerace.kernel.layout``).

    ``targets`` holds, per phase, the closed-loop target: cut-off radius [m], flight-path
    angle [rad] and guidance cycle [s] (NaN for an open-loop phase).
    """

    y0: np.ndarray
    p: np.ndarray
    phases: np.ndarray
    stg: np.ndarray
    targets: np.ndarray
    cd_mach: np.ndarray
    cd_val: np.ndarray
    tab: np.ndarray

    def with_phases(self, phases: np.ndarray) -> Packed:
        """The same flight with another phase table (``dataclasses.replace`` in a quarter of
        the time: a flight's result is built with it)."""
        return Packed(**{**vars(self), "phases": phases})

    def is_closed_loop(self, i: int) -> bool:
        """Whether phase ``i`` is flown by the closed-loop law (it has a target orbit)."""
        return math.isfinite(self.targets[i, 0])


@dataclass
class Paused:
    """A flight stopped where phase ``phase`` begins: everything needed to go on from there.

    ``y`` state [m, m/s, kg], ``clock`` time since liftoff [s] (shape (1,)), ``phases`` the
    working phase table, ``prop_left`` the propellant each stage has left [kg]. The kernel
    advances ``y``, ``clock``, ``phases`` and ``prop_left`` in place.
    """

    phase: int
    y: np.ndarray
    clock: np.ndarray
    phases: np.ndarray
    prop_left: np.ndarray

    def copy(self) -> Paused:
        return Paused(self.phase, self.y.copy(), self.clock.copy(), self.phases.copy(),
                      self.prop_left.copy())

    @classmethod
    def at_liftoff(cls, pk: Packed) -> Paused:
        """The flight on the pad (or at its initial state), before its first phase."""
        return cls(0, pk.y0.copy(), np.zeros(1), pk.phases.copy(), pk.stg[:, STG_PROP].copy())


class Buffers(NamedTuple):
    """Where the kernel writes: samples (time, state, phase) and located events (time, code,
    sign of the crossing, phase, state), in the order ``kernel.loop.run`` takes them."""

    t: np.ndarray
    y: np.ndarray
    phase: np.ndarray
    ev_t: np.ndarray
    ev_code: np.ndarray
    ev_dir: np.ndarray
    ev_phase: np.ndarray
    ev_y: np.ndarray

    @classmethod
    def empty(cls, n_samples: int, n_events: int) -> Buffers:
        return cls(np.empty(n_samples), np.empty((n_samples, N_STATE)),
                   np.empty(n_samples, dtype=np.int64), np.empty(n_events),
                   np.empty(n_events, dtype=np.int64), np.empty(n_events, dtype=np.int64),
                   np.empty(n_events, dtype=np.int64), np.empty((n_events, N_STATE)))

    def after(self, n: int, n_ev: int) -> Buffers:
        """The free part: views past the first ``n`` samples and ``n_ev`` events."""
        if n == 0 and n_ev == 0:
            return self
        return Buffers(self.t[n:], self.y[n:], self.phase[n:], self.ev_t[n_ev:],
                       self.ev_code[n_ev:], self.ev_dir[n_ev:], self.ev_phase[n_ev:],
                       self.ev_y[n_ev:])


class Events(NamedTuple):
    """Located events: time [s], code (``EV_*``), sign of the crossing, phase and state."""

    t: np.ndarray
    code: np.ndarray
    direction: np.ndarray
    phase: np.ndarray
    y: np.ndarray


class KernelRun(NamedTuple):
    """What flying phases gives back: the samples, the events, how it stopped (``STATUS_*``)
    and the working phase table (the engines lit, the planes fixed: diagnostics need it)."""

    t: np.ndarray
    y: np.ndarray
    phase: np.ndarray
    events: Events
    status: int
    phases: np.ndarray

    @classmethod
    def of(cls, buf: Buffers, n: int, n_ev: int, status: int, phases: np.ndarray
           ) -> KernelRun:
        return cls(buf.t[:n], buf.y[:n], buf.phase[:n],
                   Events(buf.ev_t[:n_ev], buf.ev_code[:n_ev], buf.ev_dir[:n_ev],
                          buf.ev_phase[:n_ev], buf.ev_y[:n_ev]), int(status), phases)
