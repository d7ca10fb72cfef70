"""The Runge-Kutta building blocks on problems with known solutions.

Dormand & Prince (1980): the 5th-order weights integrate polynomials up to degree 5 exactly
and the continuous extension is of order 4 (Hairer, Norsett & Wanner, Solving ODEs I,
section II.6): halving the step divides its error by about 2^5.
"""

import math

import numpy as np
import pytest

from spacerace.kernel.integrate import (
    A,
    C,
    crossed,
    dense_eval,
    dense_prepare,
    error_norm,
    illinois_next,
    stage_state,
)


def _step(f, t, y, h):
    k = np.zeros((7, y.size))
    ys = np.empty_like(y)
    k[0] = f(t, y)
    for s in range(1, 7):
        stage_state(y, h, k, s, ys)
        k[s] = f(t + C[s] * h, ys)
    return ys.copy(), k


def test_tableau_is_consistent():
    for s in range(1, 7):
        assert A[s, :s].sum() == pytest.approx(C[s], abs=1e-15)
    assert A[6].sum() == pytest.approx(1.0, abs=1e-15)


def test_step_exact_for_quintic_and_error_estimate():
    def quintic(t, y):
        return np.array([5 * t**4 + 3 * t**2])

    y1, k = _step(quintic, 0.0, np.array([0.0]), 1.0)
    assert y1[0] == pytest.approx(2.0, abs=1e-14)
    # the embedded 4th-order solution is not exact for a degree-4 integrand: the estimate
    # sees it; for a quadratic integrand both solutions are exact and the estimate vanishes
    assert error_norm(np.array([0.0]), y1, 1.0, k, 1e-6, np.array([1e-6])) > 1.0

    def quadratic(t, y):
        return np.array([3 * t**2])

    y1, k = _step(quadratic, 0.0, np.array([0.0]), 1.0)
    assert error_norm(np.array([0.0]), y1, 1.0, k, 1e-6, np.array([1e-6])) < 1e-6


def test_dense_output_is_fourth_order():
    def f(t, y):
        return np.array([y[1], -y[0]])

    errors = []
    for h in (0.4, 0.2):
        y0 = np.array([1.0, 0.0])
        y1, k = _step(f, 0.0, y0, h)
        rc = np.empty((5, 2))
        dense_prepare(y0, y1, h, k, rc)
        out = np.empty(2)
        worst = 0.0
        for theta in np.linspace(0, 1, 11):
            dense_eval(rc, theta, out)
            worst = max(worst, abs(out[0] - math.cos(theta * h)))
        errors.append(worst)
        dense_eval(rc, 1.0, out)
        np.testing.assert_allclose(out, y1, atol=1e-15)
    assert errors[0] < 1e-5
    assert errors[0] / errors[1] > 2**4.5  # local error O(h^5)


def test_root_finding_helpers():
    assert illinois_next(0.0, -1.0, 2.0, 1.0) == pytest.approx(1.0)
    assert 0.0 < illinois_next(0.0, -1.0, 2.0, 1e-300) < 2.0
    assert crossed(-1.0, 1.0, 1) and crossed(1.0, -1.0, -1) and crossed(1.0, -1.0, 0)
    assert not crossed(-1.0, 1.0, -1) and not crossed(1.0, 2.0, 0)


@pytest.mark.parametrize("fraction", [1.0, 0.3])
def test_a_time_event_is_located_at_its_time(fraction):
    """The cut-off time's event function, t - t_end, is linear: its root is t_end, also when
    a step ends exactly on it (the event function is then 0 at the step's end, which once
    sent the root finder 32 rounds the wrong way, to the step's start)."""
    from spacerace.catalog import load
    from spacerace.kernel.events import EV_CUTOFF_TIME, N_EVENTS
    from spacerace.kernel.inputs import SimOptions
    from spacerace.kernel.layout import N_DIAG, PH_T_END
    from spacerace.kernel.step import locate
    from spacerace.packing import pack

    pk = pack(*load("v2-london"), SimOptions())
    t0, h = 7.5, 0.5
    ph = pk.phases[0].copy()
    ph[PH_T_END] = t0 + fraction * h
    rc = np.zeros((5, pk.y0.size))
    rc[0] = pk.y0  # a state held still: this event does not read it
    n = pk.y0.size
    root = locate(EV_CUTOFF_TIME, t0, h, t0 - ph[PH_T_END], t0 + h - ph[PH_T_END], np.inf, rc,
                  pk.p, ph, pk.cd_mach, pk.cd_val, pk.tab, np.empty(n), np.empty(3),
                  np.empty(N_DIAG), np.empty(N_EVENTS))
    assert root == pytest.approx(t0 + fraction * h, abs=1e-9)


@pytest.mark.parametrize("fraction", [0.1, 0.37, 0.6, 0.9, 0.99])
def test_a_linear_event_is_located_in_three_evaluations(fraction, monkeypatch):
    """A propellant depletion (mass falling linearly, so a linear event function): the
    first secant lands on the root within rounding, and the next ones round onto that end
    of the bracket; moving them half the tolerance in closes the bracket at once, where
    falling back to the middle bisected for 24-30 evaluations (the V-2's burn-out)."""
    from spacerace.catalog import load
    from spacerace.kernel import step
    from spacerace.kernel.events import EV_DEPLETION, N_EVENTS
    from spacerace.kernel.inputs import SimOptions
    from spacerace.kernel.layout import N_DIAG, PH_CURVE, PH_M_EMPTY, PH_THROTTLE, M
    from spacerace.packing import pack

    pk = pack(*load("v2-london"), SimOptions())
    # the V-2's last step before burn-out: 4,200 kg at its start, 331 kg burnt in it
    t0, h, m0, burnt = 64.1374, 2.5415, 4200.0, 330.9
    ph = pk.phases[0].copy()
    ph[PH_THROTTLE], ph[PH_CURVE] = 1.0, -1.0  # liquid engines, burning
    rc = np.zeros((5, pk.y0.size))
    rc[0] = pk.y0
    rc[0, M], rc[1, M] = m0, -burnt  # the dense output's mass: m0 - burnt * theta
    ph[PH_M_EMPTY] = m0 - fraction * burnt
    calls = []
    real = step.event_at

    def counted(*args):
        calls.append(args[2])
        return real(*args)

    monkeypatch.setattr(step, "event_at", counted)
    n = pk.y0.size
    g0, g1 = m0 - ph[PH_M_EMPTY], m0 - burnt - ph[PH_M_EMPTY]
    locate = getattr(step.locate, "py_func", step.locate)
    root = locate(EV_DEPLETION, t0, h, g0, g1, np.inf, rc, pk.p, ph, pk.cd_mach, pk.cd_val,
                  pk.tab, np.empty(n), np.empty(3), np.empty(N_DIAG), np.empty(N_EVENTS))
    assert root == pytest.approx(t0 + fraction * h, abs=step.event_tolerance(t0, h))
    assert len(calls) <= 3

