"""Benchmark: one V-2 flight in spacerace, RocketPy, heyoka and scipy, the same case in each.

Prints each figure with its ratio to a reference measured in the same run (a table
``figure | value | reference | ratio | note``) and saves them as JSON (default
``benchmarks/results/peers.json``). Run: ``python benchmarks/bench_peers.py [--out FILE]``.
The peers are optional (``pip install -e ".[bench]"``: rocketpy 1.13.0, heyoka 7.13.2, scipy);
a peer whose package is missing is skipped with a message.

The case
--------
The catalog V-2 (``load("v2-london")``): 12,540 kg at liftoff of which 8,670 kg propellant,
245.2 kN at sea level (vacuum thrust less 101,325 Pa on the 0.429 m^2 nozzle exit), 130.2 kg/s,
drag on the 1.651 m body cross-section with the Cd(Mach) table of ``v2.toml``. It leaves a
guide rail of ``RAIL_LENGTH_M`` (330 m, about 8 s) set at ``ELEVATION_DEG`` (85 deg) on azimuth
261 deg from the mission's site (Wassenaar, 5 m), then flies a gravity turn (thrust along the
velocity relative to the air) until the propellant is gone (66.6 s), then coasts to impact.
No aiming, no target, calm air.

Why a long rail: a gravity turn started slowly is ill-conditioned. After a 4 s rail the
apogee moves by 2 % per 0.1 deg of flight-path angle at the rail's end, so any small
difference in how a code holds the vehicle at launch would swamp the comparison; after 8 s
(85 m/s) it moves by 0.55 % per 0.1 deg.

spacerace
---------
Phases ``pitch_program`` (the rail) / ``gravity_turn`` / ``coast``, built with
``dataclasses.replace`` on the loaded mission. A pitch programme at a fixed elevation is not a
rail: the weight's component across the thrust axis (g cos 85 deg = 0.86 m/s^2) bends the
velocity 4.6 deg below the axis by the rail's end, which alone lowers the apogee from 158 km
to 109 km. The programme is therefore tilted up by the angle whose thrust
component carries the weight across the rail, sin(d) = m g cos(85 deg) / F (2.3-2.5 deg,
tabulated from a one-dimensional run along the rail), so that the velocity stays on the rail;
the rail phase ends at the time that run reaches the rail's length.

``SimOptions(j2=False, earth_rotation=False)``: RocketPy 1.13's point-mass flight has no J2
(its gravity is a function of height only) and no Coriolis term (only its 6-DOF equations have
one) and the air is at rest over its flat Earth, so both are off. Gravity stays spacerace's
point mass, GM / r^2 towards the Earth's centre, and the U.S. Standard Atmosphere 1976; the
Earth stays the WGS-84 ellipsoid (a round Earth: RocketPy's is flat, see below). rtol 1e-9.

RocketPy (1.13.0)
-----------------
``PointMassRocket`` + ``PointMassMotor``, ``Flight(simulation_mode="3 DOF")`` (LSODA, rtol
1e-6 as shipped). Thrust is along the body axis and the body axis is turned towards the
relative wind at ``weathercock_coeff`` x sin(misalignment) rad/s; with 1000 1/s the lag behind
the velocity is below 0.001 deg, so this is the gravity turn (apogee 156.34 km at 100 1/s,
156.27 km at 1000 and 3000 1/s). What had to be changed from the defaults to make the case the
same, found by comparing apogees (with every default, RocketPy's apogee is 115.9 km against
spacerace's 157.7 km):

* Back-pressure (the largest): ``PointMassMotor`` has no nozzle, so the thrust stays at its
  sea-level value all the way up (115.9 km). Its ``reference_pressure`` (101,325 Pa) and
  ``nozzle_area`` (0.429 m^2) are set after construction; RocketPy then adds (p_ref - p) A_exit
  to the sea-level thrust curve. With this alone: 160.2 km, range 312 km.
* Atmosphere: the built-in standard atmosphere stops at 80 km and extrapolates its pressure
  spline beyond: pressure and density turn negative above about 82 km (-0.05 kg/m^3 at 150 km),
  i.e. a drag that pushes. It is replaced by a ``custom_atmosphere`` of pressure and
  temperature tabulated from spacerace's US-1976 model (250 m steps to 100 km, 1 km to 400 km).
* Gravity: ``Environment`` discretises gravity from 0 to ``max_expected_height`` when it is
  built, but the standard atmosphere it starts with resets that height to 80 km first, so the
  ``max_expected_height`` argument is lost and gravity is held at its 80 km value above 80 km.
  Gravity is set again after the atmosphere, as GM / (r_site + h)^2 (spacerace's point mass at
  the site's geocentric distance; the default Somigliana formula contains the centrifugal term
  of a rotating Earth). With the atmosphere, the gravity and the back-pressure: 156.27 km.
* Cd(Mach) is given as a linear ``Function``: as a plain list of (M, Cd) pairs it is splined,
  and the apogee becomes 167.8 km (+7 %).

What remains different: RocketPy's Earth is flat (gravity along -z everywhere, range measured
on the plane) and spacerace's is round. Over the ~240 km of this flight the local vertical turns
by 2 deg and the ground falls away beneath the trajectory, so spacerace's apogee comes out
about 0.9 % higher and its range about 3 % shorter; the heyoka/scipy equations flown on a flat
Earth (``flat_earth_check``) land within 0.04 % of RocketPy's apogee and 0.02 % of its range,
so that is all of the gap. The impact is at 5 m in RocketPy (the ground at the site's height)
and at 0 m in spacerace.

RocketPy's standard flight (6-DOF) flies the same V-2 as well, as most of its users would:
a ``Rocket`` with a ``GenericMotor`` (the same sea-level thrust, back-pressure, propellant
and burn time), the same environment and Cd(M) table, and an airframe that it needs for its
moments: the V-2's 14.0 m length (BRIT-V2) and 3.566 m fin span (NASM-V2), with assumed fin
chords, centre of mass, nose and inertias that make it fly nose first (static margin 0.6-2.0
calibres), so
that it weathercocks into the same gravity turn. Its apogee is within 1.3 % of spacerace's;
being a rigid-body simulation it does more work per flight, so the like-for-like ratio is the
3-DOF one, and both are printed.

heyoka (7.13.2) and scipy
-------------------------
The same equations written once (``_equations``) and given to heyoka's Taylor integrator (tol
1e-9) and to ``scipy.integrate.solve_ivp`` (RK45, rtol 1e-8): a point mass in Earth-fixed axes
of the non-rotating Earth, gravity -GM r / |r|^3, thrust F = F_vac - p A_exit, mass flow
130.2 kg/s. On the rail the thrust is tilted as in spacerace's programme (computed from the
state, so the velocity stays on the rail) and the airspeed is the speed along the rail; after
it, thrust along the velocity. Phases end on the rail-exit time and on terminal events for
depletion and impact (height 0); the apogee is the root of dh/dt. Taylor's method needs smooth
functions, so the tables are replaced by smooth fits (worst errors printed by the script):

* height above the ellipsoid: h = r - a b r / sqrt(b^2 (x^2 + y^2) + a^2 z^2), the distance to
  the ellipsoid along the radius (within a metre of the geodetic height here);
* the air as functions of zeta = Z tanh(h / Z), Z = 120 km (~h low down, bounded above so the
  exponentials below cannot overflow at any height), each c0 + c1 zeta + sum c_i s_i(zeta - k_i)
  with the rounded corner s_i(x) = w_i log(1 + exp(x / w_i)), fitted by least squares to
  spacerace's US-1976 model from 0 to 130 km: the temperature behind the speed of sound (corners
  0.2 km wide at the standard's layer boundaries, 1 km above 86 km; a = sqrt(1.4 R T), within
  0.2 % below 86 km, 0.6 % to 100 km) and ln(density) (the same corners plus 1 km ones every
  few km, weighted to the air below 60 km; within 0.3 % there, 0.7 % to 86 km, 5 % to 100 km
  where the air no longer matters); pressure = rho R T;
* Cd(M): the table's piecewise-linear curve with each corner rounded over 0.02 Mach (exact
  coefficients, no fit; 0.012 below the table at the M 1.2 peak of 0.4).

The same equations on RocketPy's flat Earth (gravity along -z, impact at the site's height) are
flown once more with scipy (DOP853, rtol 1e-10, not timed) to show what part of the gap
between spacerace and RocketPy is the Earth's curvature.

Times
-----
Wall clock, ``time.perf_counter``: spacerace ``simulate`` (the full result: trajectory table
with the geodesic downrange of every sample, events, figures) and the bare compiled kernel
``spacerace.runner.run_packed(pack(...), options)``, median of many after compilation;
RocketPy, the
``Flight`` construction (the integration; rocket and environment built once), median of a few;
heyoka, the three ``propagate_until`` calls of a flight after a state reset, median of many
after the JIT compilation; scipy, the three ``solve_ivp`` calls, median of a few.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.metadata
import json
import math
import os
import platform
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from common import median_time

from spacerace.catalog import load
from spacerace.constants import GM_EARTH, US76_GAMMA, US76_P0, US76_R_AIR, WGS84_A, WGS84_B
from spacerace.flight import simulate
from spacerace.kernel.inputs import SimOptions
from spacerace.mission import Phase, PitchProgram
from spacerace.models.atmosphere import us76
from spacerace.models.earth import ecef_from_geodetic, geodetic_from_ecef
from spacerace.packing import pack as _pack
from spacerace.runner import run_packed as _run

ELEVATION_DEG = 85.0  # rail elevation above the launch horizon [deg]
AZIMUTH_DEG = 261.0  # launch azimuth, clockwise from north [deg]
RAIL_LENGTH_M = 330.0  # guide rail [m]
WEATHERCOCK = 1000.0  # RocketPy's alignment rate of the body axis with the wind [1/s]
OPTIONS = SimOptions(j2=False, earth_rotation=False)  # see the module docstring
HEYOKA_TOL = 1e-9
SCIPY_RTOL = 1e-8
AGREE = 0.02  # apogees must agree to 2 %
BENCH_EXTRA = 'pip install -e ".[bench]"'


# --- the case ------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Case:
    """The V-2 figures every peer flies, in SI, read from the catalog."""

    m0: float  # liftoff mass [kg]
    m_empty: float  # mass at depletion [kg]
    f_vac: float  # vacuum thrust [N]
    mdot: float  # mass flow [kg/s]
    a_exit: float  # nozzle exit area [m^2]
    diameter: float  # body diameter [m]
    area: float  # drag reference area [m^2]
    cd_mach: tuple[float, ...]
    cd: tuple[float, ...]
    lat: float  # site geodetic latitude [rad]
    lon: float  # site longitude [rad]
    alt: float  # site height [m]
    r_site: float  # site's distance from the Earth's centre [m]
    elevation: float  # rail elevation [rad]
    azimuth: float  # [rad]
    rail_length: float  # [m]
    burn_time: float  # [s]

    def gravity(self, h: float) -> float:
        """Point-mass gravity at height ``h`` above the site's datum [m/s^2]."""
        return GM_EARTH / (self.r_site - self.alt + h) ** 2


def make_case(vehicle: Any, mission: Any) -> Case:
    (stage,) = vehicle.stages
    r_site = float(np.linalg.norm(ecef_from_geodetic(mission.site.lat, mission.site.lon,
                                                     mission.site.alt)))
    return Case(
        m0=vehicle.liftoff_mass, m_empty=vehicle.liftoff_mass - stage.propellant_mass,
        f_vac=stage.thrust_vacuum, mdot=stage.mass_flow, a_exit=stage.exit_area,
        diameter=stage.diameter, area=stage.reference_area,
        cd_mach=tuple(stage.drag.mach), cd=tuple(stage.drag.cd),
        lat=mission.site.lat, lon=mission.site.lon, alt=mission.site.alt, r_site=r_site,
        elevation=math.radians(ELEVATION_DEG), azimuth=math.radians(AZIMUTH_DEG),
        rail_length=RAIL_LENGTH_M, burn_time=stage.propellant_mass / stage.mass_flow)


def rail_run(case: Case, dt: float = 1e-3) -> tuple[float, np.ndarray, np.ndarray]:
    """Motion along the rail: exit time [s], and the thrust tilt against time [s, rad].

    The thrust is tilted up by d, sin d = m g cos(el) / F, so that its component across the
    rail carries the weight's; along the rail (F cos d - D) / m - g sin(el). RK4 in time.
    """
    se, ce = math.sin(case.elevation), math.cos(case.elevation)

    def deriv(t: float, s: float, u: float) -> tuple[float, float]:
        h = case.alt + s * se
        _, p, rho, a = us76(h)
        f = case.f_vac - p * case.a_exit
        m = case.m0 - case.mdot * t
        g = case.gravity(h)
        tilt = math.asin(m * g * ce / f)
        drag = 0.5 * rho * u * u * case.area * float(np.interp(u / a, case.cd_mach, case.cd))
        return tilt, (f * math.cos(tilt) - drag) / m - g * se

    t, s, u = 0.0, 0.0, 0.0
    ts, tilts = [], []
    while True:
        tilt, a1 = deriv(t, s, u)
        ts.append(t)
        tilts.append(tilt)
        _, a2 = deriv(t + dt / 2, s + u * dt / 2, u + a1 * dt / 2)
        _, a3 = deriv(t + dt / 2, s + (u + a1 * dt / 2) * dt / 2, u + a2 * dt / 2)
        _, a4 = deriv(t + dt, s + (u + a2 * dt / 2) * dt, u + a3 * dt)
        s1 = s + dt * (u + dt * (a1 + a2 + a3) / 6)
        u1 = u + dt * (a1 + 2 * a2 + 2 * a3 + a4) / 6
        if s1 >= case.rail_length:
            # cubic Hermite through (s, u) and (s1, u1), solved for s = L by Newton
            frac = (case.rail_length - s) / (s1 - s)
            for _ in range(20):
                x = frac
                h00, h10 = 2 * x**3 - 3 * x**2 + 1, x**3 - 2 * x**2 + x
                h01, h11 = -2 * x**3 + 3 * x**2, x**3 - x**2
                val = h00 * s + h10 * dt * u + h01 * s1 + h11 * dt * u1 - case.rail_length
                der = ((6 * x**2 - 6 * x) * s + (3 * x**2 - 4 * x + 1) * dt * u
                       + (-6 * x**2 + 6 * x) * s1 + (3 * x**2 - 2 * x) * dt * u1)
                frac -= val / der
            t_exit = t + frac * dt
            break
        t, s, u = t + dt, s1, u1
    ts_a, tilts_a = np.array(ts), np.array(tilts)
    grid = np.linspace(0.0, t_exit, 17)
    return t_exit, grid, np.interp(grid, ts_a, tilts_a)


def spacerace_mission(mission: Any, case: Case, t_exit: float, grid: np.ndarray,
                      tilt: np.ndarray) -> Any:
    """The mission flown by this benchmark: rail, gravity turn, coast; no target, calm air."""
    phases = (Phase("rail", "pitch_program", until_time=t_exit),
              Phase("gravity turn", "gravity_turn"),
              Phase("ballistic flight", "coast", engine_on=False))
    changes: dict[str, Any] = dict(
        phases=phases, azimuth=case.azimuth, target=None, aim=(),
        pitch_program=PitchProgram(tuple(float(t) for t in grid),
                                   tuple(float(case.elevation + d) for d in tilt)))
    # calm air and a standard atmosphere, whatever the catalog's mission file says
    for f in dataclasses.fields(mission):
        if f.name == "environment" and f.default_factory is not dataclasses.MISSING:
            changes["environment"] = f.default_factory()
    return dataclasses.replace(mission, **changes)


def version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


# --- spacerace -----------------------------------------------------------------------------

def bench_spacerace(vehicle: Any, mission: Any, repeat: int) -> dict[str, Any]:
    res = simulate(vehicle, mission, OPTIONS)  # compiles (or loads from the cache)
    _run(_pack(vehicle, mission, OPTIONS), OPTIONS)
    f = res.figures
    ev = {e.name: e for e in res.trajectory.events}
    t_sim = median_time(lambda: simulate(vehicle, mission, OPTIONS), repeat)
    t_kernel = median_time(lambda: _run(_pack(vehicle, mission, OPTIONS), OPTIONS), 2 * repeat)
    rail_end = [e for e in res.trajectory.events if e.name.startswith("start of gravity")]
    return {
        "time_s": t_sim, "kernel_time_s": t_kernel, "repeat": repeat,
        "apogee_m": f["max_altitude_m"], "range_m": f["range_m"],
        "flight_time_s": f["flight_time_s"], "apogee_time_s": ev["apogee"].t,
        "burnout_time_s": f.get("burnout_time_s"), "burnout_speed_m_s": f.get("burnout_speed_m_s"),
        "rail_exit_speed_m_s": rail_end[0].speed if rail_end else None,
        "status": res.status,
    }


# --- RocketPy ------------------------------------------------------------------------------

def _rocketpy_environment(case: Case) -> tuple[Any, Any]:
    """RocketPy's environment for the case (spacerace's US-1976 air tabulated, its
    point-mass gravity) and the Cd(M) table as a linear ``Function``."""
    from rocketpy import Environment, Function

    # the US-1976 atmosphere of spacerace, tabulated (RocketPy's own ISA stops at 80 km)
    hs = np.concatenate([np.arange(0.0, 100e3, 250.0), np.arange(100e3, 400e3 + 1.0, 1000.0)])
    tab = np.array([us76(h) for h in hs])

    def gravity(h: float) -> float:
        return case.gravity(h)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        env = Environment(latitude=math.degrees(case.lat), longitude=math.degrees(case.lon),
                          elevation=case.alt, max_expected_height=hs[-1])
        env.set_atmospheric_model(type="custom_atmosphere",
                                  pressure=np.column_stack([hs, tab[:, 1]]),
                                  temperature=np.column_stack([hs, tab[:, 0]]),
                                  wind_u=0.0, wind_v=0.0)
        # after the atmosphere, so that it is tabulated up to max_expected_height (400 km)
        env.gravity = env.set_gravity_model(gravity)
        cd = Function(list(zip(case.cd_mach, case.cd)), interpolation="linear",
                      extrapolation="constant")
    return env, cd


def bench_rocketpy(case: Case, repeat: int) -> dict[str, Any]:
    from rocketpy import Flight, PointMassMotor, PointMassRocket

    env, cd = _rocketpy_environment(case)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f_sl = case.f_vac - US76_P0 * case.a_exit
        motor = PointMassMotor(thrust_source=f_sl, dry_mass=0.0,
                               propellant_initial_mass=case.m0 - case.m_empty,
                               burn_time=case.burn_time)
        motor.reference_pressure = US76_P0  # thrust_source is the sea-level thrust
        motor.nozzle_area = case.a_exit  # so that thrust grows by (p0 - p) A_exit
        rocket = PointMassRocket(radius=case.diameter / 2.0, mass=case.m_empty,
                                 center_of_mass_without_motor=0.0, power_off_drag=cd,
                                 power_on_drag=cd, weathercock_coeff=WEATHERCOCK)
        rocket.add_motor(motor, position=0.0)

        def fly() -> Any:
            return Flight(rocket=rocket, environment=env, rail_length=case.rail_length,
                          inclination=ELEVATION_DEG, heading=AZIMUTH_DEG,
                          simulation_mode="3 DOF", max_time=2000.0)

        flight = fly()
        t = median_time(fly, repeat)
    return {
        "time_s": t, "repeat": repeat,
        "apogee_m": float(flight.apogee), "range_m": float(math.hypot(flight.x_impact,
                                                                    flight.y_impact)),
        "flight_time_s": float(flight.t_final), "apogee_time_s": float(flight.apogee_time),
        "rail_exit_time_s": float(flight.out_of_rail_time),
        "rail_exit_speed_m_s": float(flight.out_of_rail_velocity),
        "steps": len(flight.solution),
        "checks": {
            "liftoff_mass_kg": float(rocket.total_mass(0.0)),
            "thrust_sea_level_n": float(motor.thrust(1.0) + motor.pressure_thrust(US76_P0)),
            "thrust_vacuum_n": float(motor.thrust(1.0) + motor.pressure_thrust(0.0)),
            "mass_flow_kg_s": float(-motor.total_mass_flow_rate(1.0)),
            "reference_area_m2": float(rocket.area),
            "density_100km": float(env.density(100e3)),
            "gravity_150km": float(env.gravity(150e3)),
        },
    }


# RocketPy's standard 6-DOF flight needs an airframe: V-2 length 14.0 m (BRIT-V2) and fin span
# 3.566 m tip to tip (NASM-V2); the fin chords, the nose, the empty rocket's centre of mass
# (9 m from the tail: warhead and guidance forward) and the moments of inertia (uniform rod and
# cylinder) are assumed. They only make the rocket fly nose first (static margin 0.6 to 2.0
# calibres), as the point mass's gravity turn assumes; the drag is the same Cd(M) table on
# the same body cross-section.
V2_LENGTH_M, V2_FIN_SPAN_M = 14.0, 3.566
V2_FIN_ROOT_M, V2_FIN_TIP_M, V2_NOSE_M, V2_DRY_CG_M = 3.0, 1.5, 2.0, 9.0


def bench_rocketpy_6dof(case: Case, repeat: int) -> dict[str, Any]:
    """The same V-2 in RocketPy's standard six-degree-of-freedom flight (what most of its
    users run): rigid body, aerodynamic moments from the fins and nose, LSODA rtol 1e-6."""
    from rocketpy import Flight, GenericMotor, Rocket

    env, cd = _rocketpy_environment(case)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        motor = GenericMotor(
            thrust_source=case.f_vac - US76_P0 * case.a_exit, burn_time=case.burn_time,
            # propellant tanks (assumed): 90 % of the body radius, 60 % of its length,
            # centred 40 % up from the tail; they only move the centre of mass as they empty
            chamber_radius=case.diameter / 2.0 * 0.9, chamber_height=0.6 * V2_LENGTH_M,
            chamber_position=0.4 * V2_LENGTH_M,
            propellant_initial_mass=case.m0 - case.m_empty,
            nozzle_radius=math.sqrt(case.a_exit / math.pi), dry_mass=0.0,
            center_of_dry_mass_position=0.0, reference_pressure=US76_P0)
        lx = case.m_empty * V2_LENGTH_M ** 2 / 12.0
        rocket = Rocket(radius=case.diameter / 2.0, mass=case.m_empty,
                        inertia=(lx, lx, case.m_empty * (case.diameter / 2.0) ** 2 / 2.0),
                        power_off_drag=cd, power_on_drag=cd,
                        center_of_mass_without_motor=V2_DRY_CG_M,
                        coordinate_system_orientation="tail_to_nose")
        rocket.add_motor(motor, position=0.0)
        rocket.add_nose(length=V2_NOSE_M, kind="vonKarman", position=V2_LENGTH_M)
        rocket.add_trapezoidal_fins(n=4, root_chord=V2_FIN_ROOT_M, tip_chord=V2_FIN_TIP_M,
                                    span=(V2_FIN_SPAN_M - case.diameter) / 2.0,
                                    position=V2_FIN_ROOT_M)

        def fly() -> Any:
            return Flight(rocket=rocket, environment=env, rail_length=case.rail_length,
                          inclination=ELEVATION_DEG, heading=AZIMUTH_DEG, max_time=2000.0,
                          terminate_on_apogee=False)

        flight = fly()
        t = median_time(fly, repeat)
    return {
        "time_s": t, "repeat": repeat,
        "apogee_m": float(flight.apogee),
        "range_m": float(math.hypot(flight.x_impact, flight.y_impact)),
        "flight_time_s": float(flight.t_final), "apogee_time_s": float(flight.apogee_time),
        "rail_exit_speed_m_s": float(flight.out_of_rail_velocity),
        "steps": len(flight.solution),
        "static_margin_calibers": [float(rocket.static_margin(0.0)),
                                   float(rocket.static_margin(case.burn_time))],
    }


# --- the equations for heyoka and scipy ----------------------------------------------------

class _FloatOps:
    """Elementary functions on floats (scipy); ``heyoka`` supplies its own for expressions."""

    sqrt = staticmethod(math.sqrt)
    exp = staticmethod(math.exp)
    tanh = staticmethod(math.tanh)

    @staticmethod
    def softplus(x: float, w: float) -> float:
        u = x / w
        return w * (u + math.log1p(math.exp(-u))) if u > 30.0 else w * math.log1p(math.exp(u))


class _HeyokaOps:
    def __init__(self, hy: Any) -> None:
        self.sqrt, self.exp, self.log1p, self.tanh = hy.sqrt, hy.exp, hy.log1p, hy.tanh

    def softplus(self, x: Any, w: float) -> Any:
        return w * self.log1p(self.exp(x / w))


def _softplus_np(x: np.ndarray, w: float) -> np.ndarray:
    return w * np.logaddexp(0.0, x / w)


# Layer boundaries of the 1976 standard below 86 km (geopotential 11, 20, 32, 47, 51, 71,
# 84.852 km) in geometric km, where its temperature gradient changes.
_LAYERS_KM = (11.02, 20.06, 32.16, 47.35, 51.41, 71.80, 86.0)
# The air fits take zeta = Z tanh(h / Z), Z = 120 km, instead of the height: zeta ~ h low down,
# and never above Z, so exp(x / w) in the corners stays far from overflowing at any height
# (a 0.2 km corner at 11 km would overflow above 150 km) and the fitted air tends to the
# value at the top of the fit instead of running off.
_ZSAT_KM = 120.0


def _zeta(h_km: Any, tanh: Callable[[Any], Any]) -> Any:
    return _ZSAT_KM * tanh(h_km / _ZSAT_KM)


@dataclasses.dataclass(frozen=True)
class Fits:
    """Smooth fits of the atmosphere (heights in km) and of Cd(M).

    Each fit is c0 + c1 x + sum c_i s_w(x - k_i), s_w(x) = w log(1 + exp(x / w)), with the
    knots and corner widths ``(k_i, w_i)``.
    """

    t_knots: tuple[tuple[float, float], ...]  # temperature [K] against zeta [km]
    t_coef: tuple[float, ...]
    rho_knots: tuple[tuple[float, float], ...]  # ln(density [kg/m^3]) against zeta [km]
    rho_coef: tuple[float, ...]
    cd_knots: tuple[tuple[float, float], ...]  # Cd against Mach
    cd_coef: tuple[float, ...]
    errors: dict[str, float]


def _basis(x: np.ndarray, knots: tuple[tuple[float, float], ...]) -> np.ndarray:
    cols = [np.ones_like(x), x] + [_softplus_np(x - k, w) for k, w in knots]
    return np.stack(cols, axis=1)


def _lstsq(x: np.ndarray, y: np.ndarray, knots: tuple[tuple[float, float], ...],
           weight: np.ndarray) -> tuple[float, ...]:
    b = _basis(x, knots)
    coef, *_ = np.linalg.lstsq(b * weight[:, None], y * weight, rcond=None)
    return tuple(float(c) for c in coef)


def make_fits(case: Case) -> Fits:
    """Least-squares fits of spacerace's US-1976 model (0-130 km) and the exact Cd curve."""
    h = np.arange(0.0, 130.0 + 1e-9, 0.02)  # km
    zeta = _zeta(h, np.tanh)
    _, _, rho, a = us76(h * 1e3)
    r_gamma = US76_GAMMA * US76_R_AIR

    def corners(heights: tuple[float, ...], width: float) -> tuple[tuple[float, float], ...]:
        """Knots at these heights [km] with corners ``width`` km wide, in zeta."""
        return tuple((float(_zeta(k, math.tanh)), width * (1.0 - math.tanh(k / _ZSAT_KM) ** 2))
                     for k in heights)

    # the temperature behind spacerace's speed of sound (molecular-scale below 86 km): straight
    # between the layer boundaries, so one sharp corner at each (0.2 km), softer ones above
    t_knots = corners(_LAYERS_KM, 0.2) + corners((91.0, 100.0, 110.0, 120.0), 1.0)
    t_coef = _lstsq(zeta, a * a / r_gamma, t_knots, np.ones_like(h))
    # ln density bends where the temperature does and curves in between: corners at the layer
    # boundaries and every few km, weighted to the dense air below 60 km
    inner = (2.0, 4.0, 6.0, 8.0, 14.0, 17.0, 24.0, 28.0, 36.0, 40.0, 43.0, 56.0, 61.0, 66.0,
             76.0, 81.0, 91.0, 96.0, 101.0)
    rho_knots = tuple(sorted(corners(_LAYERS_KM, 0.2) + corners(inner, 1.0)))
    rho_coef = _lstsq(zeta, np.log(rho), rho_knots, np.where(h < 60.0, 1.0, 0.1))
    # Cd: the table's piecewise-linear curve (held past its ends) with each corner rounded
    # over 0.02 Mach: exact coefficients, no fit
    m_k, c_k = np.asarray(case.cd_mach), np.asarray(case.cd)
    slopes = np.concatenate([np.diff(c_k) / np.diff(m_k), [0.0]])
    change = np.diff(slopes)
    cd_knots = tuple((float(k), 0.02) for k, d in zip(m_k[1:], change) if d != 0.0)
    cd_coef = (float(c_k[0] - slopes[0] * m_k[0]), float(slopes[0])) + tuple(
        float(d) for d in change if d != 0.0)
    fits = Fits(t_knots, t_coef, rho_knots, rho_coef, cd_knots, cd_coef, {})
    # how far the fits are from what they replace, below 100 km for the air
    below = h <= 100.0
    a_fit = np.sqrt(r_gamma * _basis(zeta, t_knots) @ np.asarray(t_coef))
    rho_fit = np.exp(_basis(zeta, rho_knots) @ np.asarray(rho_coef))
    mach = np.linspace(0.0, 7.0, 7001)
    cd_fit = _basis(mach, cd_knots) @ np.asarray(cd_coef)
    errors = {
        "speed_of_sound_rel": float(np.max(np.abs(a_fit / a - 1.0)[below])),
        "density_rel": float(np.max(np.abs(rho_fit / rho - 1.0)[below])),
        "density_rel_below_60km": float(np.max(np.abs(rho_fit / rho - 1.0)[h <= 60.0])),
        "cd_abs": float(np.max(np.abs(cd_fit - np.interp(mach, m_k, c_k)))),
    }
    return dataclasses.replace(fits, errors=errors)


def _eval_fit(x: Any, knots: tuple[tuple[float, float], ...], coef: tuple[float, ...],
              ops: Any) -> Any:
    out = coef[0] + coef[1] * x if coef[1] != 0.0 else coef[0]
    for (k, w), c in zip(knots, coef[2:]):
        out = out + c * ops.softplus(x - k, w)
    return out


def _height(x: Any, y: Any, z: Any, ops: Any) -> Any:
    """Height above the WGS-84 ellipsoid measured along the radius [m]."""
    r = ops.sqrt(x * x + y * y + z * z)
    return r - WGS84_A * WGS84_B * r / ops.sqrt(WGS84_B**2 * (x * x + y * y) + WGS84_A**2 * z * z)


def _height_rate(x: Any, y: Any, z: Any, vx: Any, vy: Any, vz: Any, ops: Any) -> Any:
    r = ops.sqrt(x * x + y * y + z * z)
    rdot = (x * vx + y * vy + z * vz) / r
    q = WGS84_B**2 * (x * x + y * y) + WGS84_A**2 * z * z
    qdot = 2.0 * (WGS84_B**2 * (x * vx + y * vy) + WGS84_A**2 * z * vz)
    sq = ops.sqrt(q)
    return rdot - WGS84_A * WGS84_B * (rdot / sq - 0.5 * r * qdot / (q * sq))


def _equations(state: list[Any], rail: bool, engine: Any, case: Case, fits: Fits,
               rail_dir: np.ndarray, ops: Any, flat: bool = False) -> list[Any]:
    """Time derivatives of (x, y, z, vx, vy, vz, m) in Earth-fixed axes of a still Earth.

    ``engine`` is 1 while burning, 0 coasting (a heyoka parameter or a float). ``flat``: the
    flat Earth of RocketPy instead (east, north, up axes; z is the height; gravity GM / (r_site
    + z - alt)^2 along -z), for the check of what the Earth's curvature does.
    """
    x, y, z, vx, vy, vz, m = state
    if flat:
        height = z
    else:
        r2 = x * x + y * y + z * z
        r = ops.sqrt(r2)
        height = _height(x, y, z, ops)
    zeta = _zeta(height / 1000.0, ops.tanh)
    temp = _eval_fit(zeta, fits.t_knots, fits.t_coef, ops)
    a = ops.sqrt(US76_GAMMA * US76_R_AIR * temp)
    rho = ops.exp(_eval_fit(zeta, fits.rho_knots, fits.rho_coef, ops))
    p = rho * US76_R_AIR * temp
    ux, uy, uz = (float(c) for c in rail_dir)
    if rail:
        speed = ux * vx + uy * vy + uz * vz  # on the rail the velocity is along it
        dirx, diry, dirz = ux, uy, uz
    else:
        speed = ops.sqrt(vx * vx + vy * vy + vz * vz)
        dirx, diry, dirz = vx / speed, vy / speed, vz / speed
    cd = _eval_fit(speed / a, fits.cd_knots, fits.cd_coef, ops)
    drag_acc = 0.5 * rho * speed * speed * cd * case.area / m
    thrust = engine * (case.f_vac - p * case.a_exit)
    if flat:
        gx, gy, gz = 0.0, 0.0, -case.gravity(z)
    else:
        g = -GM_EARTH / (r2 * r)
        gx, gy, gz = g * x, g * y, g * z
    if rail:
        # thrust tilted so that its component across the rail carries the weight's
        g_along = gx * ux + gy * uy + gz * uz
        px, py, pz = gx - g_along * ux, gy - g_along * uy, gz - g_along * uz
        k = m / thrust
        cos_tilt = ops.sqrt(1.0 - k * k * (px * px + py * py + pz * pz))
        tx, ty, tz = cos_tilt * ux - k * px, cos_tilt * uy - k * py, cos_tilt * uz - k * pz
    else:
        tx, ty, tz = dirx, diry, dirz
    f_m = thrust / m
    return [vx, vy, vz,
            gx + f_m * tx - drag_acc * dirx,
            gy + f_m * ty - drag_acc * diry,
            gz + f_m * tz - drag_acc * dirz,
            -engine * case.mdot]


def launch_state(case: Case, flat: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Site position, Earth-fixed [m], and the rail's unit vector (``flat``: in east, north,
    up axes with the origin on the datum below the site)."""
    if flat:
        r0 = np.array([0.0, 0.0, case.alt])
        east, north, up = np.eye(3)
    else:
        r0 = np.asarray(ecef_from_geodetic(case.lat, case.lon, case.alt), dtype=float)
        sl, cl = math.sin(case.lat), math.cos(case.lat)
        so, co = math.sin(case.lon), math.cos(case.lon)
        east = np.array([-so, co, 0.0])
        north = np.array([-sl * co, -sl * so, cl])
        up = np.array([cl * co, cl * so, sl])
    ce, se = math.cos(case.elevation), math.sin(case.elevation)
    u = ce * (math.cos(case.azimuth) * north + math.sin(case.azimuth) * east) + se * up
    return r0, u


def ground_range(case: Case, pos: np.ndarray) -> float:
    """Distance along the WGS-84 ellipsoid from the site to below ``pos`` [m]."""
    from geographiclib.geodesic import Geodesic

    lat, lon, _ = geodetic_from_ecef(float(pos[0]), float(pos[1]), float(pos[2]))
    g = Geodesic.WGS84.Inverse(math.degrees(case.lat), math.degrees(case.lon),
                               math.degrees(lat), math.degrees(lon))
    return float(g["s12"])


# --- heyoka --------------------------------------------------------------------------------

def bench_heyoka(case: Case, fits: Fits, t_exit: float, repeat: int) -> dict[str, Any]:
    import heyoka as hy

    ops = _HeyokaOps(hy)
    r0, u = launch_state(case)
    names = ("x", "y", "z", "vx", "vy", "vz", "m")
    svars = list(hy.make_vars(*names))
    engine = hy.par[0]
    x, y, z, vx, vy, vz, m = svars
    rail_rhs = [hy.expression(e) for e in _equations(svars, True, 1.0, case, fits, u, ops)]
    free_rhs = [hy.expression(e) for e in _equations(svars, False, engine, case, fits, u, ops)]
    apogee: dict[str, float] = {}

    def on_apogee(ta: Any, t: float, d_sign: int) -> None:
        ta.update_d_output(t)
        st = ta.d_output
        apogee["t"] = t
        apogee["h"] = float(_height(st[0], st[1], st[2], _FloatOps))

    t0 = time.perf_counter()
    y0 = np.concatenate([r0, np.zeros(3), [case.m0]])
    ta_rail = hy.taylor_adaptive(list(zip(svars, rail_rhs)), y0.tolist(), tol=HEYOKA_TOL)
    ta_free = hy.taylor_adaptive(
        list(zip(svars, free_rhs)), y0.tolist(), tol=HEYOKA_TOL, pars=[1.0],
        t_events=[
            # depletion while burning (1 when coasting, so never a root then)
            hy.t_event(m - case.m_empty + (1.0 - engine), direction=hy.event_direction.negative),
            hy.t_event(_height(x, y, z, ops), direction=hy.event_direction.negative),
        ],
        nt_events=[hy.nt_event(_height_rate(x, y, z, vx, vy, vz, ops), on_apogee,
                               direction=hy.event_direction.negative)])
    compile_s = time.perf_counter() - t0

    def fly() -> dict[str, Any]:
        ta_rail.time = 0.0
        ta_rail.state[:] = y0
        oc0 = ta_rail.propagate_until(t_exit)
        ta_free.time = t_exit
        ta_free.state[:] = ta_rail.state
        ta_free.pars[0] = 1.0
        oc1 = ta_free.propagate_until(1e4)
        t_burn = ta_free.time
        ta_free.pars[0] = 0.0
        oc2 = ta_free.propagate_until(1e4)
        return {"oc": (int(oc1[0]), int(oc2[0])), "t_burn": t_burn, "t_end": ta_free.time,
                "steps": int(oc0[3] + oc1[3] + oc2[3]),
                "state": ta_free.state.copy(), "rail": ta_rail.state.copy()}

    out = fly()
    if out["oc"] != (-1, -2):
        raise RuntimeError(f"heyoka flight ended on {out['oc']}, expected depletion then impact")
    t = median_time(fly, repeat)
    rail_speed = float(np.linalg.norm(out["rail"][3:6]))
    return {
        "time_s": t, "repeat": repeat, "compile_s": compile_s,
        "apogee_m": apogee["h"], "apogee_time_s": apogee["t"],
        "range_m": ground_range(case, out["state"][:3]), "flight_time_s": out["t_end"],
        "burnout_time_s": out["t_burn"], "rail_exit_speed_m_s": rail_speed,
        "taylor_order": ta_free.order, "tol": HEYOKA_TOL, "steps": out["steps"],
    }


# --- scipy ---------------------------------------------------------------------------------

def bench_scipy(case: Case, fits: Fits, t_exit: float, repeat: int) -> dict[str, Any]:
    from scipy.integrate import solve_ivp

    r0, u = launch_state(case)
    y0 = np.concatenate([r0, np.zeros(3), [case.m0]])
    atol = np.array([1e-3, 1e-3, 1e-3, 1e-6, 1e-6, 1e-6, 1e-3])
    counts = {"nfev": 0}

    def rail(t: float, s: np.ndarray) -> list[float]:
        return _equations(list(s), True, 1.0, case, fits, u, _FloatOps)

    def burn(t: float, s: np.ndarray) -> list[float]:
        return _equations(list(s), False, 1.0, case, fits, u, _FloatOps)

    def coast(t: float, s: np.ndarray) -> list[float]:
        return _equations(list(s), False, 0.0, case, fits, u, _FloatOps)

    def depleted(t: float, s: np.ndarray) -> float:
        return s[6] - case.m_empty

    def impact(t: float, s: np.ndarray) -> float:
        return _height(s[0], s[1], s[2], _FloatOps)

    def apogee(t: float, s: np.ndarray) -> float:
        return _height_rate(*s[:6], _FloatOps)

    depleted.terminal, depleted.direction = True, -1  # type: ignore[attr-defined]
    impact.terminal, impact.direction = True, -1  # type: ignore[attr-defined]
    apogee.direction = -1  # type: ignore[attr-defined]
    kw = dict(method="RK45", rtol=SCIPY_RTOL, atol=atol)

    def fly() -> dict[str, Any]:
        s1 = solve_ivp(rail, (0.0, t_exit), y0, **kw)
        s2 = solve_ivp(burn, (t_exit, 1e4), s1.y[:, -1], events=[depleted], **kw)
        s3 = solve_ivp(coast, (s2.t[-1], 1e4), s2.y[:, -1], events=[impact, apogee], **kw)
        counts["nfev"] = s1.nfev + s2.nfev + s3.nfev
        return {"burn": s2.t[-1], "end": s3.t[-1], "state": s3.y[:, -1],
                "apogee": s3.y_events[1][0], "apogee_t": s3.t_events[1][0],
                "status": (s2.status, s3.status), "rail": s1.y[:, -1]}

    out = fly()
    if out["status"] != (1, 1):
        raise RuntimeError(f"scipy flight ended with status {out['status']}")
    t = median_time(fly, repeat)
    return {
        "time_s": t, "repeat": repeat, "rtol": SCIPY_RTOL, "nfev": counts["nfev"],
        "apogee_m": float(_height(*out["apogee"][:3], _FloatOps)),
        "apogee_time_s": float(out["apogee_t"]),
        "range_m": ground_range(case, out["state"][:3]), "flight_time_s": float(out["end"]),
        "burnout_time_s": float(out["burn"]),
        "rail_exit_speed_m_s": float(np.linalg.norm(out["rail"][3:6])),
    }


def flat_earth_check(case: Case, fits: Fits, t_exit: float) -> dict[str, Any]:
    """The heyoka/scipy equations on RocketPy's flat Earth (scipy DOP853, rtol 1e-10), impact
    at the site's height as in RocketPy: what is left between spacerace and RocketPy once the
    Earth is flat in both. Not timed."""
    from scipy.integrate import solve_ivp

    r0, u = launch_state(case, flat=True)
    y0 = np.concatenate([r0, np.zeros(3), [case.m0]])
    kw: dict[str, Any] = dict(method="DOP853", rtol=1e-10, atol=1e-6)

    def rhs(rail: bool, engine: float) -> Callable[[float, np.ndarray], list[float]]:
        return lambda t, s: _equations(list(s), rail, engine, case, fits, u, _FloatOps, True)

    def depleted(t: float, s: np.ndarray) -> float:
        return s[6] - case.m_empty

    def impact(t: float, s: np.ndarray) -> float:
        return s[2] - case.alt

    def apogee(t: float, s: np.ndarray) -> float:
        return s[5]

    depleted.terminal, depleted.direction = True, -1  # type: ignore[attr-defined]
    impact.terminal, impact.direction = True, -1  # type: ignore[attr-defined]
    apogee.direction = -1  # type: ignore[attr-defined]
    s1 = solve_ivp(rhs(True, 1.0), (0.0, t_exit), y0, **kw)
    s2 = solve_ivp(rhs(False, 1.0), (t_exit, 1e4), s1.y[:, -1], events=[depleted], **kw)
    s3 = solve_ivp(rhs(False, 0.0), (s2.t[-1], 1e4), s2.y[:, -1], events=[impact, apogee], **kw)
    return {"apogee_m": float(s3.y_events[1][0][2]),
            "range_m": float(math.hypot(s3.y[0, -1], s3.y[1, -1])),
            "flight_time_s": float(s3.t[-1]),
            "rail_exit_speed_m_s": float(np.linalg.norm(s1.y[3:6, -1]))}


# --- report --------------------------------------------------------------------------------

def _fmt(x: float | None, unit: str) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if unit == "s":
        return f"{x * 1e3:.4g} ms" if x < 1.0 else f"{x:.4g} s"
    if unit == "m":
        return f"{x / 1e3:.3f} km"
    return f"{x:.4g}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path,
                    default=Path(__file__).parent / "results" / "peers.json")
    ap.add_argument("--repeat", type=int, default=300, help="spacerace and heyoka flights")
    ap.add_argument("--repeat-slow", type=int, default=9, help="RocketPy and scipy flights")
    args = ap.parse_args()

    vehicle, catalog_mission = load("v2-london")
    case = make_case(vehicle, catalog_mission)
    t_exit, grid, tilt = rail_run(case)
    mission = spacerace_mission(catalog_mission, case, t_exit, grid, tilt)
    print(f"case: V-2, {case.m0:.0f} kg, rail {case.rail_length:.0f} m at {ELEVATION_DEG} deg "
          f"(exit at {t_exit:.3f} s), azimuth {AZIMUTH_DEG} deg, gravity turn, burn "
          f"{case.burn_time:.2f} s, coast to impact")

    runs: dict[str, Any] = {}
    skipped: dict[str, str] = {}
    runs["spacerace"] = bench_spacerace(vehicle, mission, args.repeat)

    def peer(key: str, label: str, bench: Callable[[], dict[str, Any]],
             package: str | None = None) -> None:
        """Run one peer's benchmark, or say why it is skipped."""
        if version(package or key) is None:
            skipped[key] = f"{label} is not installed ({BENCH_EXTRA}): skipped"
        else:
            try:
                runs[key] = bench()
            except ImportError as exc:
                skipped[key] = f"{label} cannot be imported ({exc}): skipped"
        if key in skipped:
            print(skipped[key])

    fits = make_fits(case)
    peer("rocketpy", "RocketPy", lambda: bench_rocketpy(case, args.repeat_slow))
    peer("rocketpy_6dof", "RocketPy", lambda: bench_rocketpy_6dof(case, args.repeat_slow),
         package="rocketpy")
    peer("heyoka", "heyoka", lambda: bench_heyoka(case, fits, t_exit, args.repeat))
    peer("scipy", "scipy", lambda: bench_scipy(case, fits, t_exit, args.repeat_slow))
    flat = flat_earth_check(case, fits, t_exit) if "scipy" in runs else None

    sr = runs["spacerace"]
    figures: dict[str, dict[str, Any]] = {}

    def add(name: str, value: float, ref: float, ref_name: str, unit: str, note: str) -> None:
        figures[name] = {"value": value, "reference": ref, "reference_name": ref_name,
                         "ratio": value / ref, "unit": unit, "note": note}

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    rp, hy_, sp = runs.get("rocketpy"), runs.get("heyoka"), runs.get("scipy")
    if rp:
        ratio = rp["time_s"] / sr["time_s"]
        add("rocketpy_flight_s", rp["time_s"], sr["time_s"], "spacerace simulate", "s",
            f"RocketPy / spacerace, target >= 1000: {verdict(ratio >= 1000)}")
        add("rocketpy_flight_vs_kernel_s", rp["time_s"], sr["kernel_time_s"],
            "spacerace kernel", "s", "RocketPy / spacerace's bare kernel")
    rp6 = runs.get("rocketpy_6dof")
    if rp6:
        ratio = rp6["time_s"] / sr["time_s"]
        ok = abs(sr["apogee_m"] / rp6["apogee_m"] - 1.0) <= AGREE
        add("rocketpy_6dof_flight_s", rp6["time_s"], sr["time_s"], "spacerace simulate", "s",
            f"RocketPy's standard 6-DOF flight / spacerace ({ratio:.0f}x; a rigid body does "
            "more work than a point mass: the 3-DOF row carries the verdict)")
        add("apogee_spacerace_vs_6dof_m", sr["apogee_m"], rp6["apogee_m"],
            "RocketPy 6-DOF apogee", "m",
            f"{'agree' if ok else 'DISAGREE'} within {AGREE:.0%} (round vs flat Earth)")
    if hy_:
        ratio = sr["time_s"] / hy_["time_s"]
        add("spacerace_flight_s", sr["time_s"], hy_["time_s"], "heyoka flight", "s",
            f"spacerace / heyoka, target <= 1: {verdict(ratio <= 1)}")
        add("spacerace_kernel_s", sr["kernel_time_s"], hy_["time_s"], "heyoka flight", "s",
            "spacerace's bare kernel / heyoka")
    if sp:
        add("scipy_rk45_flight_s", sp["time_s"], sr["time_s"], "spacerace simulate", "s",
            f"scipy RK45 rtol {SCIPY_RTOL:g} / spacerace")
    if rp:
        ok = abs(sr["apogee_m"] / rp["apogee_m"] - 1.0) <= AGREE
        add("apogee_spacerace_m", sr["apogee_m"], rp["apogee_m"], "RocketPy apogee", "m",
            f"{'agree' if ok else 'DISAGREE'} within {AGREE:.0%} (round vs flat Earth)")
        add("range_spacerace_m", sr["range_m"], rp["range_m"], "RocketPy range", "m",
            "RocketPy's range is on a flat Earth")
        add("flight_time_spacerace_s", sr["flight_time_s"], rp["flight_time_s"],
            "RocketPy flight time", "s", "to impact (RocketPy: to 5 m)")
    for key, run, label in (("heyoka", hy_, "same equations, smooth fits"),
                            ("scipy", sp, "heyoka's equations, RK45")):
        if run:
            add(f"apogee_{key}_m", run["apogee_m"], sr["apogee_m"], "spacerace apogee", "m", label)
            add(f"range_{key}_m", run["range_m"], sr["range_m"], "spacerace range", "m", label)
    if rp and flat:
        add("apogee_flat_check_m", flat["apogee_m"], rp["apogee_m"], "RocketPy apogee", "m",
            "heyoka's equations on a flat Earth: the rest of the gap is curvature")
        add("range_flat_check_m", flat["range_m"], rp["range_m"], "RocketPy range", "m",
            "the same, range on the plane")

    print()
    print(f"{'figure':28s} | {'value':>12s} | {'reference':>12s} | {'ratio':>9s} | note")
    print("-" * 110)
    if not figures:
        print("(no peer ran: nothing to compare)")
    for name, f in figures.items():
        print(f"{name:28s} | {_fmt(f['value'], f['unit']):>12s} | "
              f"{_fmt(f['reference'], f['unit']):>12s} | {f['ratio']:9.4g} | "
              f"{f['note']} [ref: {f['reference_name']}]")

    print()
    print(f"{'peer':13s} | {'time/flight':>12s} | {'apogee':>12s} | {'range':>12s} | "
          f"{'flight time':>11s} | {'rail exit':>10s} | repeats")
    print("-" * 90)
    for key, run in runs.items():
        print(f"{key:13s} | {_fmt(run['time_s'], 's'):>12s} | {_fmt(run['apogee_m'], 'm'):>12s} | "
              f"{_fmt(run['range_m'], 'm'):>12s} | {run['flight_time_s']:9.2f} s | "
              f"{run.get('rail_exit_speed_m_s') or math.nan:6.2f} m/s | {run['repeat']}")
    if "kernel_time_s" in sr:
        print(f"{'  kernel':13s} | {_fmt(sr['kernel_time_s'], 's'):>12s} | spacerace's compiled "
              "flight loop alone (_run(_pack(...)))")
    err = fits.errors
    if hy_ or sp:
        print(f"fits for heyoka/scipy (max error, 0-100 km): speed of sound "
              f"{err['speed_of_sound_rel']:.2%}, density {err['density_rel']:.2%} "
              f"({err['density_rel_below_60km']:.2%} below 60 km), Cd {err['cd_abs']:.4f}")
    if rp and abs(sr["apogee_m"] / rp["apogee_m"] - 1.0) > AGREE:
        print(f"WARNING: the apogees of spacerace and RocketPy differ by more than {AGREE:.0%}")

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "benchmark": "V-2, 330 m rail at 85 deg, gravity turn to depletion, coast to impact",
        "case": {**dataclasses.asdict(case), "rail_exit_time_s": t_exit,
                 "rail_tilt_rad": {"t": grid.tolist(), "tilt": tilt.tolist()},
                 "spacerace_options": dataclasses.asdict(OPTIONS),
                 "rocketpy_weathercock_coeff": WEATHERCOCK, "heyoka_tol": HEYOKA_TOL,
                 "scipy_rtol": SCIPY_RTOL},
        "fits": dataclasses.asdict(fits),
        "runs": runs, "flat_earth_check": flat, "skipped": skipped, "figures": figures,
        "versions": {"python": platform.python_version(),
                     **{d: version(d) for d in ("spacerace", "numpy", "numba", "rocketpy",
                                                "heyoka", "scipy")}},
        "machine": {"cpu_count": os.cpu_count(), "platform": platform.platform(),
                    "processor": platform.processor(), "executable": sys.executable},
    }, indent=2, default=float))
    print(f"saved {args.out}")


if __name__ == "__main__":
    main()
