"""The optimiser against problems solved by others, and the catalog's capability figures.

- The Goddard rocket of the COPS 3.0 benchmark (E. D. Dolan, J. J. More, T. S. Munson,
  "Benchmarking Optimization Software with COPS 3.0", Argonne ANL/MCS-TM-273, 2004, problem 10,
  as transcribed in the TOMLAB PROPT manual, sec. 43): its published final height 1.01283
  (LINDO's solutions of the same model give 1.0128319, 1.01283563 and 1.01283634 on 100, 200
  and 400 intervals).
- A flat-Earth ascent without drag, solved also by Hermite-Simpson collocation with CasADi and
  IPOPT (a program no one here wrote), and the linear tangent law that optimal control theory
  gives for it (Bryson and Ho, Applied Optimal Control, 1975, sec. 2.7), which the optimiser
  must find when free to shape the pitch programme.
- The catalog's maximum ranges and payloads against the published figures.
"""

from __future__ import annotations

import dataclasses
import json
import math
from contextlib import redirect_stdout
from io import StringIO

import numpy as np
import pytest

from spacerace.catalog import load
from spacerace.cli import main
from spacerace.constants import GM_EARTH
from spacerace.errors import UnreachableError
from spacerace.flight import simulate
from spacerace.optimize import (
    Constraint,
    best_figure,
    best_payload,
    maximize,
    perigee_shortfall,
    score,
)

# --- Goddard (COPS 3.0, problem 10), normalised ------------------------------------------------
H0, M0, G0, TC, HC, VC, MC = 1.0, 1.0, 1.0, 3.5, 500.0, 620.0, 0.6
C_EXH = 0.5 * math.sqrt(G0 * H0)
D_C = 0.5 * VC * M0 / G0
T_MAX = TC * G0 * M0
COPS_HEIGHT = 1.01283


def _goddard_rhs(y: np.ndarray, u: float) -> np.ndarray:
    h, v, m = y
    # the exponent is capped where a wild trial falls far below its start (no effect otherwise)
    drag = D_C * v * v * np.exp(min(-HC * (h - H0) / H0, 50.0))
    return np.array([v, (u - drag) / m - G0 * (H0 / h) ** 2, -u / C_EXH])


def _goddard(x: np.ndarray, sub: int = 6) -> np.ndarray:
    """Final (h, v, m): final time x[0], then the thrust on equal intervals (RK4)."""
    tf, thrust = x[0], x[1:]
    dt = tf / (len(thrust) * sub)
    y = np.array([H0, 0.0, M0])
    with np.errstate(all="ignore"):  # a wild trial may blow up: it is then the worst
        for u in thrust:
            for _ in range(sub):
                k1 = _goddard_rhs(y, u)
                k2 = _goddard_rhs(y + 0.5 * dt * k1, u)
                k3 = _goddard_rhs(y + 0.5 * dt * k2, u)
                k4 = _goddard_rhs(y + dt * k3, u)
                y = y + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
    return y if np.all(np.isfinite(y)) else np.array([0.0, 0.0, 0.0])


def test_goddard_rocket_reaches_the_cops_optimum() -> None:
    n = 12

    def fun(x: np.ndarray) -> tuple[float, np.ndarray]:
        y = _goddard(x)
        return y[0], np.array([y[2] - MC * M0])  # the propellant may all be burnt, no more

    x0 = np.r_[0.2, np.full(n, 1.0)]  # a steady burn: 1 % short of the optimum
    start = _goddard(x0)[0]
    assert start < COPS_HEIGHT * (1 - 0.005)
    sol = maximize(fun, x0, [(0.05, 0.5)] + [(0.0, T_MAX)] * n)
    assert sol.success, sol.message
    assert sol.value == pytest.approx(COPS_HEIGHT, rel=0.005)
    assert sol.value == pytest.approx(COPS_HEIGHT, rel=5e-4)  # in fact much closer
    # bang, singular, coast: full thrust first, none at the end
    assert sol.x[1] == pytest.approx(T_MAX) and sol.x[-1] == pytest.approx(0.0, abs=1e-6)


# --- a flat-Earth ascent: shooting, collocation and the linear tangent law ----------------------
G, F, VE, MASS0, STRUCT = 9.80665, 200e3, 3000.0, 10_000.0, 1000.0
FLOW = F / VE
H_T, V_T = 50e3, 3000.0  # cut-off at 50 km, 3 km/s horizontal, no vertical speed


def _ascent(tb: float, pitch: object, steps: int = 200) -> np.ndarray:
    """Final (x, y, vx, vy, m) of a burn of ``tb`` s steered by ``pitch(t)`` [rad] (RK4)."""
    dt = tb / steps
    s = np.array([0.0, 0.0, 0.0, 0.0, MASS0])

    def rhs(t: float, s: np.ndarray) -> np.ndarray:
        th = pitch(t)  # type: ignore[operator]
        a = F / s[4]
        return np.array([s[2], s[3], a * math.cos(th), a * math.sin(th) - G, -FLOW])

    t = 0.0
    for _ in range(steps):
        k1 = rhs(t, s)
        k2 = rhs(t + dt / 2, s + dt / 2 * k1)
        k3 = rhs(t + dt / 2, s + dt / 2 * k2)
        k4 = rhs(t + dt, s + dt * k3)
        s = s + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        t += dt
    return s


def _payload(tb: float) -> float:
    return MASS0 - FLOW * tb - STRUCT


def _misses(s: np.ndarray) -> np.ndarray:
    return np.array([(s[1] - H_T) / H_T, s[3] / V_T, (s[2] - V_T) / V_T])


def _shoot_free(nodes: int = 7) -> tuple[float, np.ndarray, np.ndarray]:
    """Payload, node times and pitch angles with a free piecewise-linear programme."""

    def fun(x: np.ndarray) -> tuple[float, np.ndarray]:
        tn = np.linspace(0.0, x[0], nodes)
        s = _ascent(x[0], lambda t: float(np.interp(t, tn, x[1:])))
        return _payload(x[0]) / MASS0, _misses(s)

    x0 = np.r_[100.0, np.linspace(0.8, 0.0, nodes)]
    sol = maximize(fun, x0, [(50.0, 140.0)] + [(-1.5, 1.5)] * nodes, n_eq=3)
    assert sol.success, sol.message
    return sol.value * MASS0, np.linspace(0.0, sol.x[0], nodes), sol.x[1:]


def _collocation(n: int = 100) -> tuple[float, np.ndarray, np.ndarray]:
    """Payload, times and pitch of the same problem by Hermite-Simpson collocation (IPOPT)."""
    ca = pytest.importorskip("casadi")
    opti = ca.Opti()
    x, u, tf = opti.variable(5, n + 1), opti.variable(1, n + 1), opti.variable()

    def f(s: object, th: object) -> object:
        a = F / s[4]  # type: ignore[index]
        return ca.vertcat(s[2], s[3], a * ca.cos(th), a * ca.sin(th) - G, -FLOW)  # type: ignore[index]

    h = tf / n
    for k in range(n):
        fk, fk1 = f(x[:, k], u[k]), f(x[:, k + 1], u[k + 1])
        xm = 0.5 * (x[:, k] + x[:, k + 1]) + h / 8 * (fk - fk1)
        opti.subject_to(x[:, k + 1] == x[:, k] + h / 6 * (fk + 4 * f(xm, 0.5 * (u[k] + u[k + 1]))
                                                            + fk1))
    opti.subject_to(x[:, 0] == ca.vertcat(0, 0, 0, 0, MASS0))
    opti.subject_to(x[1, n] == H_T)
    opti.subject_to(x[3, n] == 0)
    opti.subject_to(x[2, n] == V_T)
    opti.subject_to(opti.bounded(10, tf, 300))
    opti.minimize(tf)
    opti.set_initial(tf, 100)
    opti.set_initial(u, 0.5)
    opti.set_initial(x[4, :], np.linspace(MASS0, MASS0 - FLOW * 100, n + 1))
    opti.solver("ipopt", {"print_time": False}, {"print_level": 0, "sb": "yes"})
    sol = opti.solve()
    t_end = float(sol.value(tf))
    return _payload(t_end), np.linspace(0.0, t_end, n + 1), np.asarray(sol.value(u))


def test_shooting_and_collocation_agree_on_a_flat_earth_ascent() -> None:
    colloc, _, _ = _collocation()
    shot, _, _ = _shoot_free()
    assert shot == pytest.approx(colloc, rel=0.01)
    assert shot == pytest.approx(colloc, rel=1e-3)  # in fact much closer
    assert shot <= colloc * (1 + 1e-5)  # seven nodes cannot beat a continuous control


def test_free_pitch_programme_is_the_linear_tangent_law() -> None:
    """In vacuum over a flat Earth with constant thrust the optimal steering has tan(pitch)
    linear in time; the shooting, free to shape its programme, finds it (and so does the
    collocation, which is no one here's)."""
    _, tn, pitch = _shoot_free()
    a, b = np.polyfit(tn, np.tan(pitch), 1)[::-1]
    law = np.arctan(a + b * tn)
    assert np.max(np.abs(np.degrees(pitch - law))) < 1.5
    # the law is no straight line in the angle: a straight programme would miss by far more
    assert np.max(np.abs(np.degrees(pitch - np.polyval(np.polyfit(tn, pitch, 1), tn)))) > 5.0
    _, tc, uc = _collocation()
    residual = np.tan(uc) - np.polyval(np.polyfit(tc, np.tan(uc), 1), tc)
    assert np.max(np.abs(residual)) < 1e-3


# --- the catalog ---------------------------------------------------------------------------------

def test_v2_maximum_range_is_the_published_one() -> None:
    v, m = load("v2-london")
    opt = best_figure(v, m, "range")
    assert 0.9 * 320e3 <= opt.value <= 1.1 * 354e3
    assert opt.value > opt.flown  # the flown round was aimed short of the maximum
    assert opt.propellant_left_kg == pytest.approx(0.0, abs=1e-6)  # burnt to depletion
    (row,) = score(opt, m)
    assert row.verdict == "pass" and row.figure.source == "BRIT-V2"


def test_r2_maximum_range_is_the_published_one() -> None:
    v, m = load("r2")
    opt = best_figure(v, m, "range")
    assert opt.value == pytest.approx(600e3, rel=0.1)


def test_a_constraint_bounds_the_best_range() -> None:
    """With the ascent's acceleration capped below what the V-2 reaches anyway, no pitch
    programme helps: the optimiser says so instead of returning a point that breaks it."""
    v, m = load("v2-london")
    with pytest.raises(UnreachableError, match="optimisation of the range failed"):
        best_figure(v, m, "range", constraints=[Constraint("ascent_max_acceleration_m_s2",
                                                           20.0)])


def test_v2_largest_warhead_to_london() -> None:
    """The largest warhead that still reaches Staveley Road: a flight with it, steered as
    found, falls within the aim's kilometre; one 2 % heavier falls short."""
    v, m = load("v2-london")
    opt = best_payload(v, m)
    assert opt.value > v.payload_mass  # London was inside the V-2's maximum range
    res = opt.result
    aimed = next(f.value for f in m.archive if f.key == "range_m")
    assert res.figures["range_m"] == pytest.approx(aimed, abs=1e3)
    heavier = simulate(dataclasses.replace(v, payload_mass=1.02 * opt.value), res.mission)
    assert heavier.figures["range_m"] < res.figures["range_m"] - 1e3


@pytest.mark.slow
def test_sputnik_payload_command() -> None:
    """`spacerace payload sputnik-1 --json`, with the answer scored against the published
    500 kg (WP-SPUTNIKROCKET). Its time is benchmarks/, not a test."""
    buf = StringIO()
    with redirect_stdout(buf):
        assert main(["payload", "sputnik-1", "--json"]) == 0
    doc = json.loads(buf.getvalue())
    assert doc["payload_kg"] > doc["flown_payload_kg"] == pytest.approx(83.6)
    (fig,) = doc["figures"]
    assert fig["archival"] == 500.0 and fig["role"] == "prediction"
    if abs(doc["payload_kg"] / 500.0 - 1.0) > 0.3:
        pytest.xfail(f"8K71PS payload {doc['payload_kg']:.0f} kg to Sputnik 1's orbit, outside "
                     "500 kg +/- 30 %: the 500 kg is Sputnik 2's mass, flown higher, and the "
                     "916 kg of fairing and adapter subtracted is a difference of rounded gross "
                     "masses (sputnik-1.toml, best_payload_kg)")


def test_juno_largest_satellite_is_the_published_one() -> None:
    """Juno I's spinning solid stages are not steered to an orbit: the largest satellite is the
    one that still reaches the perigee flown, the apex (set by the pitch programme) re-shaped;
    the published 11 kg (WP-JUNO1), within the sources' spread (Explorer 1's ~8 kg without
    the motor case to the 13.97 kg in orbit with it)."""
    v, m = load("explorer-1")
    opt = best_payload(v, m)
    (row,) = score(opt, m)
    assert row.verdict == "pass" and row.figure.source == "WP-JUNO1"
    assert opt.value > opt.flown == pytest.approx(8.0)
    flown_perigee = opt.flown_result.figures["perigee_altitude_m"]
    assert opt.result.figures["perigee_altitude_m"] >= flown_perigee - 100.0
    heavier = simulate(dataclasses.replace(v, payload_mass=1.05 * opt.value), opt.result.mission)
    assert heavier.figures.get("perigee_altitude_m", -1.0) < flown_perigee


def test_perigee_shortfall_is_the_vis_viva_speed() -> None:
    """At the apogee of the wanted conic the horizontal speed it needs is, by vis-viva,
    sqrt(2 mu r_p / (r (r + r_p))); a conic already above the perigee needs none; a point
    falling steeply just above it is charged at most its radial speed and that speed."""
    r, r_p = 6_378e3 + 600e3, 6_378e3 + 200e3
    v_apo = math.sqrt(2.0 * GM_EARTH * r_p / (r * (r + r_p)))
    pos = np.array([r, 0.0, 0.0])
    assert perigee_shortfall(pos, np.array([0.0, v_apo - 300.0, 0.0]), r_p) == pytest.approx(
        300.0, rel=1e-9)
    assert perigee_shortfall(pos, np.array([0.0, v_apo + 1.0, 0.0]), r_p) == 0.0
    falling = perigee_shortfall(pos, np.array([-2000.0, v_apo, 0.0]), r_p)
    assert 0.0 < falling <= 2000.0


def test_cli_optimize_refuses_a_bad_field_and_fails_loudly(capsys: pytest.CaptureFixture
                                                           ) -> None:
    assert main(["optimize", "v2-london", "--vary", "mission.nonsense"]) == 2
    assert "mission.nonsense" in capsys.readouterr().err
    assert main(["optimize", "v2-london", "--maximize", "speed"]) == 2
    assert main(["optimize", "v2-london", "--constraint", "max_acceleration=2 g0"]) == 3
    assert "optimisation" in capsys.readouterr().err
