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
    # Python floats: the same numbers, several times faster in the loop below than numpy's
    pts = sorted(map(tuple, np.asarray(points).tolist()))

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


def _quarter_surface(stations, diameters):
    # Cauchy: a quarter of the surface of a convex body of revolution (frusta and flat ends)
    x, r = np.asarray(stations, float), np.asarray(diameters, float) / 2
    sides = np.pi * (r[1:] + r[:-1]) * np.hypot(np.diff(x), np.diff(r))
    return (np.pi * (r[0] ** 2 + r[-1] ** 2) + sides.sum()) / 4


@pytest.mark.parametrize("stations, diameters", [
    ([0.0, 28.0], [2.95, 2.95]),                 # a cylinder
    ([0.0, 4.0], [0.0, 3.0]),                    # a cone on its base
    ([0.0, 3.0], [2.0, 3.0]),                    # a frustum
    ([0.0, 2.0, 7.0, 9.0], [1.0, 2.5, 2.5, 0.5]),  # convex: cone, cylinder, cone
])
def test_tumbling_body_area_of_a_convex_body_is_a_quarter_of_its_surface(stations, diameters):
    from spacerace.models.aero import tumbling_body_area

    assert tumbling_body_area(np.array(stations), np.array(diameters)) == pytest.approx(
        _quarter_surface(stations, diameters), rel=5e-4)


def test_tumbling_body_area_of_a_cylinder_is_the_closed_form():
    from spacerace.models.aero import tumbling_body_area, tumbling_cylinder_area

    assert tumbling_body_area(np.array([0.0, 28.0]), np.array([2.95, 2.95])) == pytest.approx(
        tumbling_cylinder_area(28.0, 2.95), rel=5e-4)


WAIST = (np.array([0.0, 1.0, 2.0, 3.0, 4.0]), np.array([2.0, 2.0, 0.6, 2.0, 2.0]))


def test_shadow_of_a_waisted_body_seen_broadside_and_end_on():
    # broadside: the silhouette, the integral of the diameter along the axis;
    # end-on: the widest disc
    from spacerace.models.aero import projected_area

    x, d = WAIST
    silhouette = float(np.sum(0.5 * (d[1:] + d[:-1]) * np.diff(x)))
    assert projected_area(x, d, np.pi / 2) == pytest.approx(silhouette, rel=1e-4)
    assert projected_area(x, d, 0.0) == pytest.approx(np.pi, rel=1e-3)


def test_shadow_of_a_waisted_body_at_an_angle_is_measured_directly():
    # a grid of rays along the direction of view: a ray is in the shadow if some point of it
    # is inside the body (within the radius of the profile at its station)
    from spacerace.models.aero import projected_area

    x, d = WAIST
    theta = np.radians(60.0)
    axis = np.array([0.0, 0.0, 1.0])
    view = np.array([np.sin(theta), 0.0, np.cos(theta)])
    e_u = axis - view * (axis @ view)
    e_u /= np.linalg.norm(e_u)
    e_v = np.cross(view, e_u)
    u = np.linspace(-2.0, 4.5, 261)
    v = np.linspace(-1.05, 1.05, 85)
    uu, vv = np.meshgrid(u, v, indexing="ij")
    start = uu[..., None] * e_u + vv[..., None] * e_v
    t = np.linspace(-6.0, 6.0, 601)
    pts = start[:, :, None, :] + t[None, None, :, None] * view
    z = pts[..., 2]
    rho = np.hypot(pts[..., 0], pts[..., 1])
    inside = (z >= x[0]) & (z <= x[-1]) & (rho <= np.interp(z, x, d) / 2)
    measured = inside.any(axis=2).sum() * (u[1] - u[0]) * (v[1] - v[0])
    assert projected_area(x, d, theta) == pytest.approx(measured, rel=2e-2)


def test_tumbling_body_area_of_a_waisted_body_is_below_its_hull():
    # the waist hides part of the body in some views: less than a quarter of the convex
    # hull's surface, more than that of the widest convex body inside it (the cylinder of
    # its smallest diameter)
    from spacerace.models.aero import tumbling_body_area, tumbling_cylinder_area

    x, d = WAIST
    hull = _quarter_surface([0.0, 1.0, 3.0, 4.0], [2.0, 2.0, 2.0, 2.0])
    area = tumbling_body_area(x, d)
    assert tumbling_cylinder_area(4.0, 0.6) < area < hull - 0.05


def test_tumbling_cylinder_limits():
    from spacerace.models.aero import tumbling_cylinder_area

    # a flat disc: half its area (a disc seen at random shows |cos| of it, mean 1/2)
    assert tumbling_cylinder_area(0.0, 2.0) == pytest.approx(np.pi / 2)
    # a thin rod: pi L d / 4 (the rod's broadside L d times the mean of sin, pi/4)
    assert tumbling_cylinder_area(10.0, 1e-6) == pytest.approx(np.pi * 10.0 * 1e-6 / 4,
                                                               rel=1e-6)
