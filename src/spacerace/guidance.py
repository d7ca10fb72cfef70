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
"""

from __future__ import annotations

import numpy as np

from spacerace.dynamics import (
    MODE_COAST,
    MODE_GRAVITY_TURN,
    MODE_PITCH_PROGRAM,
    MODE_VERTICAL,
)
from spacerace.mission import PitchProgram

MODES: dict[str, int] = {
    "vertical": MODE_VERTICAL,
    "pitch_program": MODE_PITCH_PROGRAM,
    "gravity_turn": MODE_GRAVITY_TURN,
    "coast": MODE_COAST,
}


def mode_code(name: str) -> int:
    """Kernel code of a guidance law named in a mission file."""
    return MODES[name]


def pitch_arrays(program: PitchProgram | None) -> tuple[np.ndarray, np.ndarray]:
    """Time [s] and elevation [rad] arrays of a pitch program (vertical if there is none)."""
    if program is None:
        return np.array([0.0, 1.0]), np.array([np.pi / 2, np.pi / 2])
    return np.asarray(program.t, dtype=np.float64), np.asarray(program.elevation, np.float64)
