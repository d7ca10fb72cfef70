"""Aerodynamic drag: table interpolation, the force law, and air that turns with the Earth."""

import numpy as np
import pytest
from conftest import make_mission, make_vehicle

from spacerace.flight import SimOptions, pad_state, simulate
from spacerace.mission import Phase
from spacerace.models.aero import drag_coefficient, drag_force, dynamic_pressure


def test_drag_coefficient_table_interpolation_and_ends():
    mach = np.array([0.0, 0.8, 1.2, 1.8, 5.0])
    cd = np.array([0.15, 0.15, 0.4, 0.25, 0.15])
    assert drag_coefficient(1.0, mach, cd) == pytest.approx(0.275)
    assert drag_coefficient(1.5, mach, cd) == pytest.approx(0.325)
    assert drag_coefficient(7.0, mach, cd) == 0.15
    assert drag_coefficient(0.0, mach, cd) == 0.15


def test_drag_force_is_q_cd_area():
    assert dynamic_pressure(1.225, 100.0) == pytest.approx(6125.0)
    assert drag_force(1.225, 100.0, 0.3, 2.0) == pytest.approx(6125.0 * 0.6)


def test_air_turns_with_the_earth_so_a_resting_rocket_feels_no_drag():
    # engine off on the pad at 45 N: inertial speed ~ 329 m/s, airspeed zero
    v = make_vehicle()
    m = make_mission((Phase("wait", "coast", engine_on=False, until_time=1.0),), lat_deg=45.0)
    opts = SimOptions(max_time=1.0, gravity=False)
    res = simulate(v, m, opts, initial_state=pad_state(v, m, opts))
    assert res.trajectory["speed_inertial"][0] == pytest.approx(
        7.292115e-5 * 6388838.0 * np.cos(np.radians(45.0)), rel=1e-3)
    assert res.trajectory["speed_relative"][0] == pytest.approx(0.0, abs=1e-9)
    assert res.trajectory["drag"][0] == 0.0


def _hull_area(points):
    """Area of the convex hull of 2-D points (Andrew's monotone chain, shoelace)."""
    pts = sorted(map(tuple, points))

    def half(seq):
        out = []
        for p in seq:
            while len(out) >= 2 and ((out[-1][0] - out[-2][0]) * (p[1] - out[-2][1])
                                     - (out[-1][1] - out[-2][1]) * (p[0] - out[-2][0])) <= 0:
                out.pop()
            out.append(p)
        return out[:-1]

    hull = half(pts) + half(reversed(pts))
    x, y = np.array(hull).T
    return 0.5 * abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1)))


@pytest.mark.parametrize(("length", "diameter"), [(28.0, 2.95), (2.0, 2.0), (0.5, 3.0)])
def test_tumbling_cylinder_area_is_the_mean_shadow(length, diameter):
    # Cauchy: the mean projected area of a convex body is a quarter of its surface. The
    # shadows are measured here directly: a 256-sided prism projected along 2,000 directions
    # spread evenly over the sphere (a Fibonacci lattice), each shadow's convex hull measured.
    from spacerace.models.aero import tumbling_cylinder_area

    r = diameter / 2
    phi = np.linspace(0.0, 2 * np.pi, 256, endpoint=False)
    ring = np.stack([r * np.cos(phi), r * np.sin(phi)], axis=1)
    body = np.vstack([np.column_stack([ring, np.full(256, z)]) for z in (0.0, length)])
    n = 2000
    k = np.arange(n) + 0.5
    z = 1 - 2 * k / n
    az = np.pi * (1 + 5**0.5) * k
    dirs = np.column_stack([np.sqrt(1 - z * z) * np.cos(az), np.sqrt(1 - z * z) * np.sin(az), z])
    shadows = []
    for d in dirs:
        u = np.cross(d, [1.0, 0.0, 0.0] if abs(d[0]) < 0.9 else [0.0, 1.0, 0.0])
        u /= np.linalg.norm(u)
        w = np.cross(d, u)
        shadows.append(_hull_area(np.column_stack([body @ u, body @ w])))
    surface = 2 * np.pi * r * r + 2 * np.pi * r * length
    assert tumbling_cylinder_area(length, diameter) == pytest.approx(surface / 4, rel=1e-12)
    assert tumbling_cylinder_area(length, diameter) == pytest.approx(np.mean(shadows),
                                                                     rel=2e-3)


def test_tumbling_cylinder_limits():
    from spacerace.models.aero import tumbling_cylinder_area

    # a flat disc: half its area (a disc seen at random shows |cos| of it, mean 1/2)
    assert tumbling_cylinder_area(0.0, 2.0) == pytest.approx(np.pi / 2)
    # a thin rod: pi L d / 4 (the rod's broadside L d times the mean of sin, pi/4)
    assert tumbling_cylinder_area(10.0, 1e-6) == pytest.approx(np.pi * 10.0 * 1e-6 / 4,
                                                               rel=1e-6)
