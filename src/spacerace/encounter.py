"""A pass of the Moon: where the craft is seen from the Moon, and the orbit the pass leaves.

Pure functions of a flown trajectory (the figures ``flight`` reports for a flight to the
Moon); the aim that brings the Moon in reach is ``spacerace.targeting.moon``.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from spacerace.ephem import icrf_from_eci, moon_sun_eci
from spacerace.orbit import elements_from_state

# Obliquity of the ecliptic at J2000.0, IAU 2006: 84,381.406 arcsec (Capitaine et al. 2003).
OBLIQUITY_J2000 = math.radians(84381.406 / 3600.0)


def ecliptic_north(epoch: dt.datetime) -> np.ndarray:
    """Unit vector of the ecliptic's north pole in the inertial frame of ``epoch``.

    The pole of J2000.0 in ICRF axes, (0, -sin eps, cos eps), turned into the flight's
    frame; the ecliptic moves by under 50 arcsec a century, which this leaves out.
    """
    return icrf_from_eci(epoch).T @ np.array([0.0, -math.sin(OBLIQUITY_J2000),
                                              math.cos(OBLIQUITY_J2000)])


def periselene_latitude(epoch: dt.datetime, t: float, r: np.ndarray) -> float:
    """Ecliptic latitude [rad] of a craft at ``r`` [m, ECI] seen from the Moon's centre at
    ``t`` [s] after ``epoch``.

    The Moon's equator lies 1.54 deg from the ecliptic (Cassini's laws), so this is its
    selenographic latitude within that angle, without the Moon's orientation model: near
    -90 deg a pass over the south pole.
    """
    moon = moon_sun_eci(epoch, np.array([t]))[0][0]
    d = np.asarray(r[:3], dtype=float) - moon
    return math.asin(float(np.dot(d, ecliptic_north(epoch))) / float(np.linalg.norm(d)))


def _apsides(t: np.ndarray, r: np.ndarray) -> list[tuple[int, float, float]]:
    """Turning points of the distance ``r`` [m] sampled at times ``t`` [s]: (+1 apogee or
    -1 perigee, time [s], distance [m]), each refined by the parabola through the sample
    nearest to it and its two neighbours."""
    keep = np.diff(t, prepend=-np.inf) > 0.0  # a phase's end and the next's start coincide
    t, r = t[keep], r[keep]
    out = []
    for i in range(1, len(r) - 1):
        d1, d2 = r[i] - r[i - 1], r[i + 1] - r[i]
        if d1 * d2 > 0.0 or d1 == d2:
            continue
        h1, h2 = t[i] - t[i - 1], t[i + 1] - t[i]
        # r(s) = a s^2 + b s + c through (-h1, r[i-1]), (0, r[i]), (h2, r[i+1])
        a = (d2 / h2 - d1 / h1) / (h1 + h2)
        b = d1 / h1 + a * h1
        s = -b / (2.0 * a)
        out.append((1 if a < 0.0 else -1, float(t[i] + s), float(r[i] + b * s / 2.0)))
    return out


def encounter_figures(t: np.ndarray, y: np.ndarray, t_pass: float) -> dict[str, float]:
    """The Earth orbit a Moon pass leaves: its first apogee and the perigee after it.

    Parameters
    ----------
    t : ndarray, shape (n,)
        Sample times of the flight [s].
    y : ndarray, shape (n, 6 or more)
        Inertial states there [m, m/s].
    t_pass : float
        Time of the closest approach to the Moon [s].

    Returns
    -------
    dict
        ``post_encounter_apogee_radius_m`` and ``_time_s``, ``post_encounter_perigee_
        radius_m`` and ``_time_s`` (distances from the Earth's centre, found in the samples
        after the pass), and the osculating ``post_encounter_inclination_deg`` and
        ``post_encounter_period_s`` at the sample nearest that apogee; only the figures the
        flight reaches.

    Notes
    -----
    The Sun turns a lunar-distance orbit's plane by degrees in a revolution (Luna 3's
    osculating inclination drifts from 76.5 to 79.5 deg between 7 and 18 October), so the
    elements are those of one named instant: the first apogee, the first apsis of the new
    orbit, when such elements were announced.
    """
    after = t > t_pass
    tt, yy = t[after], y[after]
    turns = _apsides(tt, np.linalg.norm(yy[:, :3], axis=1))
    out: dict[str, float] = {}
    apogee = next((a for a in turns if a[0] > 0), None)
    if apogee is None:
        return out
    out.update(post_encounter_apogee_radius_m=apogee[2], post_encounter_apogee_time_s=apogee[1])
    near = yy[int(np.argmin(np.abs(tt - apogee[1])))]
    el = elements_from_state(near[:3], near[3:6])
    if el.e < 1.0:
        out.update(post_encounter_inclination_deg=math.degrees(el.i),
                   post_encounter_period_s=el.period)
    perigee = next((a for a in turns if a[0] < 0 and a[1] > apogee[1]), None)
    if perigee is not None:
        out.update(post_encounter_perigee_radius_m=perigee[2],
                   post_encounter_perigee_time_s=perigee[1])
    return out
