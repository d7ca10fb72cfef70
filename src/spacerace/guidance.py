"""Guidance laws: the names a mission file uses and the parameter arrays the kernel reads.

Open-loop laws are evaluated inside the compiled kernel (``spacerace.dynamics``):

``vertical``
    thrust along the launch-site vertical as it stood at liftoff (held by the gyros).
``pitch_program``
    thrust in the launch plane (launch vertical and azimuth, fixed in inertial space at
    liftoff) at a tabulated elevation above the launch horizon, linear between the points:
    the clock-driven programme of the V-2's gyro platform.
``gravity_turn``
    thrust along the velocity relative to the air (zero angle of attack).
``coast``
    engines off.
``hold``, ``hold_horizontal``
    thrust along the inertial velocity at the phase's start (or its horizontal part), held
    fixed in inertial space: a spin-stabilised upper stage.
``linear_tangent``
    closed-loop insertion: the pitch above the local horizontal, in the orbital plane of the
    phase's start, follows tan(pitch) = A + B (t - t0) (the optimal law in a flat, uniform
    field); A and B are solved again each guidance cycle so that the cut-off, when the target
    orbit's energy is reached, has the target angular momentum and flight-path angle.
"""

from __future__ import annotations

import numpy as np

from spacerace.dynamics import (
    MODE_COAST,
    MODE_GRAVITY_TURN,
    MODE_HOLD,
    MODE_HOLD_HORIZONTAL,
    MODE_LINEAR_TANGENT,
    MODE_PITCH_PROGRAM,
    MODE_VERTICAL,
)
from spacerace.mission import PitchProgram

MODES: dict[str, int] = {
    "vertical": MODE_VERTICAL,
    "pitch_program": MODE_PITCH_PROGRAM,
    "gravity_turn": MODE_GRAVITY_TURN,
    "coast": MODE_COAST,
    "hold": MODE_HOLD,
    "hold_horizontal": MODE_HOLD_HORIZONTAL,
    "linear_tangent": MODE_LINEAR_TANGENT,
}


def mode_code(name: str) -> int:
    """Kernel code of a guidance law named in a mission file."""
    return MODES[name]


def pitch_arrays(program: PitchProgram | None) -> tuple[np.ndarray, np.ndarray]:
    """Time [s] and elevation [rad] arrays of a pitch program (vertical if there is none)."""
    if program is None:
        return np.array([0.0, 1.0]), np.array([np.pi / 2, np.pi / 2])
    return np.asarray(program.t, dtype=np.float64), np.asarray(program.elevation, np.float64)
