"""The events a flight reports, and how a located root is named.

The event functions themselves are compiled in ``spacerace.dynamics`` (``event_values``);
their codes, the direction of the crossing that counts and what each root ends are there too.
This module gives them their names for people.
"""

from __future__ import annotations

from spacerace.dynamics import (
    EV_APOGEE,
    EV_CUTOFF_ENERGY,
    EV_CUTOFF_RANGE,
    EV_CUTOFF_SPEED,
    EV_CUTOFF_TIME,
    EV_DEPLETION,
    EV_IMPACT,
    EV_MACH1,
    EV_MAXQ,
    EV_MOON_CA,
    EV_MOON_SOI,
)

LIFTOFF = "liftoff"
CUTOFF = "cut-off"
IMPACT = "impact"
APOGEE = "apogee"
MAX_Q = "max-Q"
MOON_CA = "closest approach to the Moon"
MOON_SOI_IN = "enters the Moon's sphere of influence"
MOON_SOI_OUT = "leaves the Moon's sphere of influence"

_REASONS = {
    EV_CUTOFF_SPEED: "speed reached",
    EV_CUTOFF_TIME: "time reached",
    EV_DEPLETION: "propellant depleted",
    EV_CUTOFF_ENERGY: "target orbit reached",
    EV_CUTOFF_RANGE: "free-flight range reached",
}


def event_name(code: int, direction: int, engine_on: bool, next_engine_on: bool,
               next_phase_name: str) -> tuple[str, str]:
    """Name and detail of a located event.

    Parameters
    ----------
    code : int
        Event code (``spacerace.dynamics.EV_*``).
    direction : int
        Sign of the crossing (+1 rising, -1 falling).
    engine_on : bool
        Whether the engines burned in the phase where it happened.
    next_engine_on : bool
        Whether they burn in the phase that follows (for phase-ending events).
    next_phase_name : str
        Name of the phase that follows.
    """
    if code == EV_MACH1:
        return ("Mach 1", "") if direction > 0 else ("Mach 1 (descent)", "")
    if code == EV_MAXQ:
        return (MAX_Q, "") if engine_on else ("max-Q (re-entry)", "")
    if code == EV_APOGEE:
        return APOGEE, ""
    if code == EV_IMPACT:
        return IMPACT, ""
    if code == EV_MOON_CA:
        return MOON_CA, ""
    if code == EV_MOON_SOI:
        return (MOON_SOI_IN, "") if direction < 0 else (MOON_SOI_OUT, "")
    reason = _REASONS[code]
    if engine_on and not next_engine_on:
        return CUTOFF, reason
    if not next_phase_name:
        return "end of flight", reason
    return f"start of {next_phase_name}", reason
