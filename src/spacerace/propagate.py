"""Orbital decay: a satellite's orbit propagated day by day under J2 and air drag.

The orbit is followed through its mean elements. J2 turns the node and the perigee at their
secular rates; drag shrinks the semi-major axis and the eccentricity at rates averaged over
one revolution (Gauss's equations for a force along the velocity relative to the turning
air, integrated over the eccentric anomaly with the density of NRLMSISE-00 at each point,
on the day flown, with the historical solar flux and Ap). The rates change little within a
step, so each step needs one call of the atmosphere model on a few dozen points: months of
flight take a fraction of a second.

References
----------
King-Hele, D. (1987), Satellite Orbits in an Atmosphere, ch. 4 (orbit-averaged decay);
Vallado, D. A. (2013), Fundamentals of Astrodynamics and Applications, 4th ed., eqs. 9-24
(Gauss's variational equations) and 9-41 (J2 secular rates).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from spacerace.constants import OMEGA_EARTH, WGS84_A
from spacerace.mission import Satellite, SpentStage
from spacerace.models.aero import tumbling_body_area, tumbling_cylinder_area
from spacerace.models.earth import earth_rotation_angle, geodetic_from_ecef, julian_date_utc
from spacerace.models.thermosphere import density
from spacerace.orbit import Elements, j2_secular_rates
from spacerace.vehicle import Stage

REENTRY_ALTITUDE = 120e3  # perigee altitude at which the satellite is taken to re-enter [m]
N_POINTS = 48  # points per revolution for the averages


@dataclass(frozen=True)
class DecayHistory:
    """Mean orbit against time, and the re-entry.

    Attributes
    ----------
    t : ndarray
        Days since the start [day].
    perigee, apogee : ndarray
        Apsis altitudes above the equatorial radius [m].
    a, e : ndarray
        Semi-major axis [m] and eccentricity [-].
    reentry : datetime or None
        When the perigee fell below ``REENTRY_ALTITUDE`` (None if it did not within the time).
    """

    start: dt.datetime
    t: np.ndarray
    a: np.ndarray
    e: np.ndarray
    perigee: np.ndarray
    apogee: np.ndarray
    reentry: dt.datetime | None

    @property
    def lifetime_days(self) -> float:
        """Days from the start to the re-entry (NaN if none)."""
        if self.reentry is None:
            return math.nan
        return (self.reentry - self.start).total_seconds() / 86400.0


def spent_stage_body(spent: SpentStage, stage: Stage, propellant_left: float) -> Satellite:
    """What drag acts on when a spent stage is in orbit.

    Parameters
    ----------
    spent : SpentStage
        The mission's description; its mass and area, where given, are used as they are.
    stage : Stage
        The vehicle's stage: its dry mass, and its profile (or its length and diameter)
        for the area.
    propellant_left : float
        Propellant the stage had left at the last cut-off [kg].

    Returns
    -------
    Satellite
        Mass: the given one, or dry mass plus the propellant left. Area: the given one, or
        the mean projected area of the stage tumbling at random: of its profile where the
        vehicle file gives one (``tumbling_body_area``), else of a cylinder of its length
        and diameter (``tumbling_cylinder_area``). Cd: the given one, on that area.
    """
    mass = spent.mass if math.isfinite(spent.mass) else stage.dry_mass + propellant_left
    if math.isfinite(spent.area):
        area = spent.area
    elif stage.profile is not None:
        area = tumbling_body_area(np.array(stage.profile[0]), np.array(stage.profile[1]))
    else:
        area = tumbling_cylinder_area(stage.length, stage.diameter)
    return Satellite(mass, area, spent.cd)


def _drag_rates(el: Elements, when: dt.datetime, sat: Satellite) -> tuple[float, float]:
    """Orbit-averaged da/dt [m/s] and de/dt [1/s] from drag at the instant ``when``."""
    a, e, mu = el.a, el.e, el.mu
    ecc = (np.arange(N_POINTS) + 0.5) * (2 * math.pi / N_POINTS)
    cos_e = np.cos(ecc)
    r = a * (1 - e * cos_e)
    nu = 2 * np.arctan2(math.sqrt(1 + e) * np.sin(ecc / 2), math.sqrt(1 - e) * np.cos(ecc / 2))
    u = el.argp + nu  # argument of latitude
    # position and velocity in the inertial frame at each point
    co, so, ci, si = math.cos(el.raan), math.sin(el.raan), math.cos(el.i), math.sin(el.i)
    cu, su = np.cos(u), np.sin(u)
    pos = r[:, None] * np.stack([co * cu - so * su * ci, so * cu + co * su * ci, su * si], axis=1)
    p = a * (1 - e * e)
    h = math.sqrt(mu * p)
    vr, vt = mu / h * e * np.sin(nu), mu / h * (1 + e * np.cos(nu))
    radial = pos / r[:, None]
    along = np.stack([-co * su - so * cu * ci, -so * su + co * cu * ci, cu * si], axis=1)
    vel = vr[:, None] * radial + vt[:, None] * along
    # the air turns with the Earth
    v_air = vel - np.cross([0.0, 0.0, OMEGA_EARTH], pos)
    speed_air = np.linalg.norm(v_air, axis=1)
    speed = np.linalg.norm(vel, axis=1)
    # where each point is over the Earth, for the atmosphere (the rotation within one
    # revolution is neglected: the points are taken at the step's instant)
    theta = earth_rotation_angle(*julian_date_utc(when))
    c, s = math.cos(theta), math.sin(theta)
    lat = np.empty(N_POINTS)
    lon = np.empty(N_POINTS)
    alt = np.empty(N_POINTS)
    for k in range(N_POINTS):
        x, y, z = pos[k]
        lat[k], lon[k], alt[k] = geodetic_from_ecef(c * x + s * y, -s * x + c * y, z)
    rho = np.asarray(density(np.full(N_POINTS, np.datetime64(when.replace(tzinfo=None))),
                             np.degrees(lat), np.degrees(lon), np.clip(alt / 1e3, 0.0, 1000.0)))
    # drag along -v_air; its component along the orbital velocity slows the orbit
    drag = -0.5 * sat.ballistic * rho[:, None] * speed_air[:, None] * v_air
    f_t = np.sum(drag * vel, axis=1) / speed  # tangential component [m/s^2]
    weight = 1 - e * cos_e  # dt = (1 - e cos E) dE / n
    dadt = 2 * a * a * speed * f_t / mu
    dedt = 2 * (e + np.cos(nu)) * f_t / speed
    return float(np.mean(dadt * weight)), float(np.mean(dedt * weight))


def decay(el: Elements, start: dt.datetime, sat: Satellite, max_days: float = 3650.0,
          on_day: Callable[[float], None] | None = None) -> DecayHistory:
    """Propagate mean elements under J2 and drag until the perigee falls below 120 km.

    Parameters
    ----------
    el : Elements
        Elements at ``start`` (osculating elements at insertion serve as mean elements).
    start : datetime
        UTC instant of the elements.
    sat : Satellite
    max_days : float
        Give up after this many days [day].
    on_day : callable, optional
        Called with the days flown after each step (progress).

    Returns
    -------
    DecayHistory
    """
    t = 0.0
    days, aa, ee = [0.0], [el.a], [el.e]
    reentry = None
    while t < max_days * 86400.0:
        when = start + dt.timedelta(seconds=t)
        perigee = el.a * (1 - el.e) - WGS84_A
        if perigee < REENTRY_ALTITUDE:
            reentry = when
            break
        dadt, dedt = _drag_rates(el, when, sat)
        # step: a small fraction of the time the orbit would take to lose 1 % of its size,
        # at most half a day; a midpoint step on (a, e)
        h = min(43200.0, 0.01 * (el.a - WGS84_A) / max(abs(dadt), 1e-12))
        h = max(h, el.period)
        mid = Elements(el.a + 0.5 * h * dadt, max(el.e + 0.5 * h * dedt, 0.0), el.i, el.raan,
                       el.argp, el.nu, el.mu)
        if mid.a * (1 - mid.e) - WGS84_A < 0.5 * REENTRY_ALTITUDE:
            reentry = when + dt.timedelta(seconds=0.5 * h)
            break
        dadt, dedt = _drag_rates(mid, when + dt.timedelta(seconds=0.5 * h), sat)
        draan, dargp, _ = j2_secular_rates(el)
        el = Elements(el.a + h * dadt, max(el.e + h * dedt, 0.0), el.i,
                      (el.raan + h * draan) % (2 * math.pi), (el.argp + h * dargp) % (2 * math.pi),
                      el.nu, el.mu)
        t += h
        days.append(t / 86400.0)
        aa.append(el.a)
        ee.append(el.e)
        if on_day is not None:
            on_day(t / 86400.0)
    a_arr, e_arr = np.array(aa), np.array(ee)
    return DecayHistory(start, np.array(days), a_arr, e_arr, a_arr * (1 - e_arr) - WGS84_A,
                        a_arr * (1 + e_arr) - WGS84_A, reentry)
