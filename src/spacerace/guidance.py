"""Guidance laws: the names a mission file uses, the arrays the kernel reads, and the
closed-loop law with its guidance cycles.

Open-loop laws are evaluated inside the compiled kernel (``spacerace.kernel.dynamics``):

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
    closed-loop insertion: the pitch above the local horizontal, in the steering plane fixed
    at the phase's start, follows tan(pitch) = A + B (t - t0) (the optimal law in a flat,
    uniform field); A and B are solved again each guidance cycle (``fly_closed_loop``) so
    that the cut-off, when the target orbit's energy is reached, comes at the target radius
    and flight-path angle, which with the energy fix the orbit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from spacerace.constants import GM_EARTH
from spacerace.kernel.events import EV_CUTOFF_ENERGY, EV_CUTOFF_TIME, EV_DEPLETION, EV_IMPACT
from spacerace.kernel.inputs import NO_SAMPLES, Buffers, KernelRun, Packed, Paused, SimOptions
from spacerace.kernel.layout import (
    MODE_COAST,
    MODE_GRAVITY_TURN,
    MODE_HOLD,
    MODE_HOLD_HORIZONTAL,
    MODE_LINEAR_TANGENT,
    MODE_PITCH_PROGRAM,
    MODE_VERTICAL,
    PH_DROP,
    PH_DROP_MASK,
    PH_E_END,
    PH_GUIDE_A,
    PH_GUIDE_B,
    PH_GUIDE_T0,
    PH_T_END,
    STATUS_GUIDANCE_GROUND,
    STATUS_GUIDANCE_SHORT,
    STATUS_IMPACT,
    STATUS_PHASES_DONE,
)
from spacerace.kernel.loop import begin_phase, fly_phases
from spacerace.mission import CLOSED_LOOP_LAW, Mission, PitchProgram
from spacerace.orbit import flight_path_angle

MODES: dict[str, int] = {
    "vertical": MODE_VERTICAL,
    "pitch_program": MODE_PITCH_PROGRAM,
    "gravity_turn": MODE_GRAVITY_TURN,
    "coast": MODE_COAST,
    "hold": MODE_HOLD,
    "hold_horizontal": MODE_HOLD_HORIZONTAL,
    CLOSED_LOOP_LAW: MODE_LINEAR_TANGENT,
}

# Newton's method on the law's (A, B): finite-difference steps [-, 1/s], the miss that is
# met (relative radius [-], flight-path angle [rad]), iterations per cycle and the largest
# change per iteration [-, 1/s].
LAW_STEPS = np.array([1e-4, 1e-6])
LAW_TOLERANCE = np.array([1e-7, 1e-7])
LAW_ITERATIONS = 4
LAW_MAX_CHANGE = np.array([0.5, 0.01])
# The first law brings the pitch from the flight-path angle at ignition to level in about
# this time [s], a typical upper-stage burn; Newton's method takes it from there.
FIRST_LAW_LEVEL_TIME = 150.0
# Bisections of the true anomaly that meet a flight-path angle [-]: 2^-80 of a half turn.
ANOMALY_BISECTIONS = 80
# Sample and event room of one predicted burn [-].
PREDICT_SAMPLES, PREDICT_EVENTS_BASE, PREDICT_EVENTS_PER_PHASE = 16, 64, 8


def mode_code(name: str) -> int:
    """Kernel code of a guidance law named in a mission file."""
    return MODES[name]


def pitch_arrays(program: PitchProgram | None
                 ) -> tuple[Sequence[float], Sequence[float]]:
    """Time [s] and elevation [rad] of a pitch program, as given (vertical if there is
    none)."""
    if program is None:
        return (0.0, 1.0), (math.pi / 2, math.pi / 2)
    return program.t, program.elevation


def cutoff_radius(rp: float, ra: float, gamma: float) -> float:
    """Radius [m] where an orbit of perigee/apogee radii rp, ra [m] climbs at ``gamma`` [rad].

    The first such point after perigee: tan(gamma) = e sin(nu) / (1 + e cos(nu)).
    """
    e = (ra - rp) / (ra + rp)
    p = 2 * rp * ra / (rp + ra)
    if e < 1e-12 or gamma <= 0.0:
        return rp
    lo, hi = 0.0, math.acos(-e)  # the climb is steepest at nu = acos(-e)
    for _ in range(ANOMALY_BISECTIONS):
        nu = 0.5 * (lo + hi)
        if math.atan2(e * math.sin(nu), 1 + e * math.cos(nu)) < gamma:
            lo = nu
        else:
            hi = nu
    return p / (1 + e * math.cos(0.5 * (lo + hi)))


def _predict(pk: Packed, options: SimOptions, i: int, at: Paused, law: np.ndarray,
             scratch: Buffers) -> tuple[np.ndarray, bool]:
    """State at the end of closed-loop phase ``i`` flown from ``at`` with the law (A, B),
    and whether the target orbit's energy was reached."""
    trial = at.copy()
    t = float(at.clock[0])
    ph = trial.phases[i]
    ph[PH_GUIDE_A], ph[PH_GUIDE_B], ph[PH_GUIDE_T0] = law[0], law[1], t
    ph[PH_T_END] = pk.phases[i, PH_T_END]
    ph[PH_DROP_MASK] = ph[PH_DROP] = 0.0
    _, k_ev, _ = fly_phases(pk, options, trial, i + 1, scratch, NO_SAMPLES)
    return trial.y, bool(k_ev and scratch.ev_code[k_ev - 1] == EV_CUTOFF_ENERGY)


def _miss(y: np.ndarray, r_target: float, gamma_target: float) -> np.ndarray:
    """Miss of a predicted cut-off: relative radius [-] and flight-path angle [rad]."""
    rn = float(np.linalg.norm(y[:3]))
    return np.array([(rn - r_target) / r_target,
                     flight_path_angle(y[:3], y[3:6]) - gamma_target])


def solve_law(pk: Packed, options: SimOptions, i: int, at: Paused, law: np.ndarray,
              scratch: Buffers) -> np.ndarray:
    """Newton iterations on the linear-tangent coefficients (A, B) for the cut-off wanted.

    The cut-off comes when the target orbit's energy is reached (or the propellant runs
    out); the law is solved so that it comes at the target radius and flight-path angle.
    """
    r_target, gamma_target = pk.targets[i, 0], pk.targets[i, 1]
    for _ in range(LAW_ITERATIONS):
        end, _ = _predict(pk, options, i, at, law, scratch)
        f0 = _miss(end, r_target, gamma_target)
        if np.all(np.abs(f0) < LAW_TOLERANCE):
            break
        jac = np.empty((2, 2))
        for j in range(2):
            trial = law.copy()
            trial[j] += LAW_STEPS[j]
            end_j, _ = _predict(pk, options, i, at, trial, scratch)
            jac[:, j] = (_miss(end_j, r_target, gamma_target) - f0) / LAW_STEPS[j]
        try:
            delta = np.linalg.solve(jac, -f0)
        except np.linalg.LinAlgError:
            break
        law = law + np.clip(delta, -LAW_MAX_CHANGE, LAW_MAX_CHANGE)
    return law


def fly_closed_loop(pk: Packed, options: SimOptions, at: Paused, buf: Buffers
                    ) -> tuple[int, int, int]:
    """Fly closed-loop phase ``at.phase`` cycle by cycle, writing samples and events into
    ``buf``; returns their numbers and the status.

    Before each guidance cycle the law is solved again from the state reached, then flown
    for one cycle (or to the cut-off when it comes first). With ``options.strict_guidance``
    a burn that runs dry before its target orbit, or steers into the ground, gets the status
    ``STATUS_GUIDANCE_SHORT`` or ``STATUS_GUIDANCE_GROUND``.
    """
    i = at.phase
    phases = at.phases
    scratch = Buffers.empty(PREDICT_SAMPLES,
                            PREDICT_EVENTS_BASE + PREDICT_EVENTS_PER_PHASE * len(phases))
    cycle = pk.targets[i, 2]
    t_end_orig = pk.phases[i, PH_T_END]
    pitch = flight_path_angle(at.y[:3], at.y[3:6])
    law = np.array([math.tan(pitch), -math.tan(pitch) / FIRST_LAW_LEVEL_TIME])
    n = n_ev = 0
    status = STATUS_PHASES_DONE
    last = -1
    first = True
    while True:
        t = float(at.clock[0])
        if first:
            # begin the phase once, so that stages separate and the plane is fixed
            begin_phase(t, at.y, pk.p, phases[i], pk.stg, at.prop_left, pk.tab)
            phases[i, PH_DROP_MASK] = phases[i, PH_DROP] = 0.0
        law = solve_law(pk, options, i, at, law, scratch)
        _, reached = _predict(pk, options, i, at, law, scratch)
        phases[i, PH_GUIDE_A], phases[i, PH_GUIDE_B], phases[i, PH_GUIDE_T0] = law[0], law[1], t
        # fly one cycle (or to the end when the cut-off is near)
        phases[i, PH_T_END] = min(t_end_orig, t + cycle)
        out = buf.after(n, n_ev)
        k, k_ev, status = fly_phases(pk, options, at, i + 1, out)
        # a cycle's end is not an event of the flight: drop it unless it is the real end
        last = int(out.ev_code[k_ev - 1]) if k_ev else -1
        ended = last in (EV_CUTOFF_ENERGY, EV_DEPLETION, EV_IMPACT) or (
            last == EV_CUTOFF_TIME and at.clock[0] >= t_end_orig)
        if last == EV_CUTOFF_TIME and not ended:
            k_ev -= 1
        if not first and k:  # the cycle's first sample repeats the previous cycle's last
            out.t[:k - 1] = out.t[1:k].copy()
            out.y[:k - 1] = out.y[1:k].copy()
            out.phase[:k - 1] = out.phase[1:k].copy()
            k -= 1
        n, n_ev = n + k, n_ev + k_ev
        first = False
        if ended or status != STATUS_PHASES_DONE or not reached and at.clock[0] >= t_end_orig:
            break
    phases[i, PH_T_END] = t_end_orig
    if not options.strict_guidance:
        return n, n_ev, status
    if status == STATUS_IMPACT:
        status = STATUS_GUIDANCE_GROUND
    elif last == EV_DEPLETION and math.isfinite(pk.phases[i, PH_E_END]):
        status = STATUS_GUIDANCE_SHORT  # an orbit cut-off that never came
    return n, n_ev, status


def gave_up(kr: KernelRun) -> bool:
    """Whether a flight's closed-loop guidance gave up (into the ground, or out of propellant)."""
    return kr.status in (STATUS_GUIDANCE_GROUND, STATUS_GUIDANCE_SHORT)


def failure_line(mission: Mission, kr: KernelRun) -> str:
    """One line: which closed-loop phase failed, when, and how far from its target."""
    t, y, status = kr.t, kr.y, kr.status
    i = int(kr.phase[-1]) if len(kr.phase) else 0
    ph = mission.phases[i]
    where = f"{mission.id}: phase {i} ({ph.name})"
    target = f"{ph.target_perigee / 1e3:,.0f} x {ph.target_apogee / 1e3:,.0f} km"
    if status == STATUS_GUIDANCE_GROUND:
        return (f"{where}: the closed-loop guidance steered the vehicle into the ground at "
                f"T+{t[-1]:.0f} s while aiming at the {target} orbit; the flight plan "
                "before it (pitch programme, staging) leaves it too low or too slow")
    r, v = y[-1, :3], y[-1, 3:6]
    needed = math.sqrt(max(2.0 * (ph.until_energy + GM_EARTH / float(np.linalg.norm(r))), 0.0))
    short = needed - float(np.linalg.norm(v))
    return (f"{where}: the propellant ran out at T+{t[-1]:.0f} s before the {target} orbit "
            f"was reached (about {short:,.0f} m/s short in speed at that height)")
