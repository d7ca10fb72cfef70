"""The events of a flight, each once: its code, its name, the crossing that counts, what its
root ends, and whether it ends a burn.

The compiled loop reads the table as arrays (``EVENT_DIRECTION``, ``EVENT_ENDS``,
``ENDS_BURN``); people read it as rows (``EVENTS``). The event functions, whose roots are the
events, are ``event_values``; ``is_engine_cutoff`` is the one rule that says whether a root
is an engine cut-off, and ``event_name`` the one that names it.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from spacerace import event_kinds as K
from spacerace._jit import jit, jit_borrow
from spacerace.constants import MOON_SOI_RADIUS, WGS84_A
from spacerace.kernel.layout import (
    D_ALT,
    D_DHDT,
    D_DQDT,
    D_MACH,
    D_MOON_R,
    D_MOON_RDOT,
    D_VREL,
    P_MU,
    PH_CURVE,
    PH_E_END,
    PH_M_EMPTY,
    PH_RANGE_END,
    PH_T_END,
    PH_THROTTLE,
    PH_V_END,
    VX,
    VY,
    VZ,
    M,
    X,
    Y,
    Z,
)

# What a root ends.
NOTHING, PHASE, FLIGHT = 0, 1, 2

EV_MACH1, EV_MAXQ, EV_APOGEE, EV_CUTOFF_SPEED, EV_CUTOFF_TIME, EV_DEPLETION, EV_IMPACT = range(7)
EV_CUTOFF_ENERGY = 7
EV_MOON_CA = 8  # closest approach to the Moon (range rate from - to +)
EV_CUTOFF_RANGE = 9  # predicted free-flight range reached (a missile's range control)
EV_MOON_SOI = 10  # distance to the Moon crosses the radius of its sphere of influence

LIFTOFF = K.LIFTOFF  # not a root: the first record of every flight (its kind and name)
CUTOFF = "cut-off"


class Event(NamedTuple):
    """One row of the event table.

    ``kind`` is the event's stable identifier for files and pages (its ``name`` is for
    people and may change); ``major`` whether views label it (engine cut-offs are labelled
    too, whatever their event). ``direction`` is the sign change that counts (+1 rising,
    -1 falling, 0 both); ``ends`` what a root ends (``NOTHING``, ``PHASE``, ``FLIGHT``);
    ``ends_burn`` whether a root that ends a burning phase, with no burn after it, is an
    engine cut-off (``is_engine_cutoff``).
    ``name`` is what people read; ``other_name`` replaces it on a falling crossing or, for
    max-Q, with the engines off; ``reason`` says why a phase ended.
    """

    code: int
    kind: str
    name: str
    direction: int
    ends: int
    ends_burn: bool
    major: bool = False
    reason: str = ""
    other_name: str = ""


EVENTS = (
    # code             kind          name       direction ends   ends_burn major
    Event(EV_MACH1, K.MACH_1, "Mach 1", 0, NOTHING, False, other_name="Mach 1 (descent)"),
    Event(EV_MAXQ, K.MAX_Q, "max-Q", -1, NOTHING, False, other_name="max-Q (re-entry)"),
    Event(EV_APOGEE, K.APOGEE, "apogee", -1, NOTHING, False, True),
    Event(EV_CUTOFF_SPEED, K.CUTOFF_SPEED, CUTOFF, +1, PHASE, True, reason="speed reached"),
    Event(EV_CUTOFF_TIME, K.CUTOFF_TIME, CUTOFF, +1, PHASE, True, reason="time reached"),
    Event(EV_DEPLETION, K.DEPLETION, CUTOFF, -1, PHASE, True, reason="propellant depleted"),
    Event(EV_IMPACT, K.IMPACT, "impact", -1, FLIGHT, False, True),
    Event(EV_CUTOFF_ENERGY, K.CUTOFF_ORBIT, CUTOFF, +1, PHASE, True,
          reason="target orbit reached"),
    Event(EV_MOON_CA, K.MOON_CLOSEST_APPROACH, "closest approach to the Moon", +1, NOTHING,
          False, True),
    Event(EV_CUTOFF_RANGE, K.CUTOFF_RANGE, CUTOFF, +1, PHASE, True,
          reason="free-flight range reached"),
    Event(EV_MOON_SOI, K.MOON_SOI, "leaves the Moon's sphere of influence", 0,
          NOTHING, False, other_name="enters the Moon's sphere of influence"),
)
N_EVENTS = len(EVENTS)
assert all(e.code == i for i, e in enumerate(EVENTS))
EVENT_DIRECTION = np.array([e.direction for e in EVENTS], dtype=np.int64)
EVENT_ENDS = np.array([e.ends for e in EVENTS], dtype=np.int64)
ENDS_BURN = np.array([e.ends_burn for e in EVENTS], dtype=np.bool_)
MOON_SOI_IN = EVENTS[EV_MOON_SOI].other_name
MOON_SOI_OUT = EVENTS[EV_MOON_SOI].name


@jit
def is_engine_cutoff(code: int, phases: np.ndarray, iph: int) -> bool:
    """The one rule: an event that ends a burn, in a burning phase, with no burn after it.

    ``phases`` is the phase table and ``iph`` the phase the event happened in.
    """
    last = iph + 1 >= phases.shape[0]
    return bool(ENDS_BURN[code] and phases[iph, PH_THROTTLE] > 0.0
                and (last or phases[iph + 1, PH_THROTTLE] == 0.0))


@jit
def cutoff_flags(codes: np.ndarray, iphs: np.ndarray, phases: np.ndarray) -> np.ndarray:
    """``is_engine_cutoff`` of each located event (codes and phases as arrays), in one call."""
    out = np.empty(codes.size, dtype=np.bool_)
    for i in range(codes.size):
        out[i] = is_engine_cutoff(codes[i], phases, iphs[i])
    return out


def event_name(code: int, direction: int, engine_on: bool, cut: bool,
               next_phase_name: str) -> tuple[str, str]:
    """Name and detail of a located event.

    Parameters
    ----------
    code : int
        Event code (``EV_*``).
    direction : int
        Sign of the crossing (+1 rising, -1 falling).
    engine_on : bool
        Whether the phase the event happened in burns (its throttle above 0).
    cut : bool
        Whether the event is an engine cut-off (``is_engine_cutoff``).
    next_phase_name : str
        Name of the phase that follows ("" after the last).
    """
    ev = EVENTS[code]
    if ev.ends != PHASE:
        other = direction < 0 if code != EV_MAXQ else not engine_on
        return (ev.other_name if ev.other_name and other else ev.name), ""
    if cut:
        return CUTOFF, ev.reason
    if not next_phase_name:
        return "end of flight", ev.reason
    return f"start of {next_phase_name}", ev.reason


@jit_borrow
def free_flight_range(y: np.ndarray, mu: float, radius: float) -> float:
    """Angle [rad] the vehicle would travel, coasting on a Kepler conic, to ``radius`` [m].

    The range function of ballistic-missile guidance: the central angle from the present
    position to where the descending branch of the conic meets a sphere of ``radius``;
    -1 while the conic does not reach that sphere on the way down (too slow to lift off it,
    or an escape). Earth rotation and drag are left to the aiming.

    References
    ----------
    Bate, R. R., Mueller, D. D. & White, J. E., Fundamentals of Astrodynamics (1971),
    sec. 6.2 (the free-flight range equation).
    """
    rx, ry, rz, vx, vy, vz = y[X], y[Y], y[Z], y[VX], y[VY], y[VZ]
    r = math.sqrt(rx * rx + ry * ry + rz * rz)
    hx, hy, hz = ry * vz - rz * vy, rz * vx - rx * vz, rx * vy - ry * vx
    h2 = hx * hx + hy * hy + hz * hz
    if h2 <= 0.0 or mu <= 0.0:
        return -1.0
    p = h2 / mu
    v2 = vx * vx + vy * vy + vz * vz
    e = math.sqrt(max(0.0, 1.0 + (v2 - 2.0 * mu / r) * h2 / (mu * mu)))
    if e < 1e-9 or e >= 1.0:
        return -1.0
    c0 = min(1.0, max(-1.0, (p / r - 1.0) / e))
    c1 = (p / radius - 1.0) / e
    if c1 > 1.0 or c1 < -1.0:
        return -1.0
    rdot = (rx * vx + ry * vy + rz * vz) / r
    nu0 = math.acos(c0) if rdot >= 0.0 else 2.0 * math.pi - math.acos(c0)
    nu1 = 2.0 * math.pi - math.acos(c1)  # the descending crossing
    return nu1 - nu0 if nu1 > nu0 else -1.0


@jit_borrow
def event_values(t: float, y: np.ndarray, p: np.ndarray, ph: np.ndarray, diag: np.ndarray,
                 out: np.ndarray) -> None:
    """Event functions at a state whose diagnostics are in ``diag``; roots are the events."""
    out[EV_MACH1] = diag[D_MACH] - 1.0
    out[EV_MAXQ] = diag[D_DQDT]
    out[EV_APOGEE] = diag[D_DHDT]
    out[EV_CUTOFF_SPEED] = diag[D_VREL] - ph[PH_V_END]
    out[EV_CUTOFF_TIME] = t - ph[PH_T_END]
    out[EV_DEPLETION] = y[M] - ph[PH_M_EMPTY] if ph[PH_THROTTLE] > 0.0 else 1.0
    if ph[PH_CURVE] >= 0.0 and ph[PH_THROTTLE] > 0.0:
        out[EV_DEPLETION] = 1.0  # a solid motor's end is its curve's: the time event ends it
    out[EV_IMPACT] = diag[D_ALT]
    r = math.sqrt(y[X] * y[X] + y[Y] * y[Y] + y[Z] * y[Z])
    v2 = y[VX] * y[VX] + y[VY] * y[VY] + y[VZ] * y[VZ]
    out[EV_CUTOFF_ENERGY] = 0.5 * v2 - p[P_MU] / r - ph[PH_E_END]
    out[EV_MOON_CA] = diag[D_MOON_RDOT]
    out[EV_MOON_SOI] = diag[D_MOON_R] - MOON_SOI_RADIUS
    out[EV_CUTOFF_RANGE] = -1.0
    if math.isfinite(ph[PH_RANGE_END]) and ph[PH_THROTTLE] > 0.0:  # only in a phase that asks
        out[EV_CUTOFF_RANGE] = free_flight_range(y, p[P_MU], WGS84_A) - ph[PH_RANGE_END]
