"""Moon and Sun positions in the simulator's inertial frame, from JPL's DE421 read offline.

Frame
-----
``spacerace.frames`` defines ECI by ``r_ecef = R3(ERA) r_eci``: z along the Earth's rotation
axis of date, x where the Earth-fixed x axis points at Earth Rotation Angle zero. With polar
motion neglected that is the IERS *Celestial Intermediate Reference System* (CIRS): pole the
CIP, x axis the Celestial Intermediate Origin (CIO), the origin from which ERA is counted
(IERS Conventions 2010, eq. 5.1). DE421 is given in ICRF (≈ GCRS) axes, so this module applies
``r_eci = C(epoch) r_icrf`` with ``C = R3(-(E + s)) R2(d) R3(E)`` (eq. 5.6 and 5.10), where
``(X, Y)`` are the CIP coordinates taken from the bias-precession-nutation matrix

* IAU 2006 precession with frame bias, Fukushima-Williams angles (eq. 5.40),
* IAU 2000B nutation, all 77 luni-solar terms plus the fixed planetary offsets,
* the CIO locator ``s = -XY/2 + polynomial + 9 periodic terms`` (Table 5.2d; within 35 uas).

This is deliberately *not* the true equator and equinox of date (TETE, what Skyfield's
``true_equator_and_equinox_of_date`` gives): TETE's x axis is the true equinox, and Earth-fixed
axes follow from it with GAST, not ERA. The two x axes differ by the equation of the origins,
``EO = ERA - GAST`` (precession in right ascension accumulated since J2000 plus the equation of
the equinoxes): 0.515 deg in October 1959 and 0.390 deg in July 1969, i.e. 3,500 and 2,600 km
at the Moon. Counting from the CIO needs neither the GMST polynomial nor the equation of the
equinoxes, so neither adds an error.

The matrix is computed once, at the epoch, and held for the flight, as ``spacerace.frames``
holds the Earth's axis: ``moon_sun_eci(epoch, t)`` is in the CIRS *of the epoch* for every
``t``. Over 10 days the CIRS of date turns away from it by 0.6 arcsec on average and 1.0 arcsec
at most (precession plus the fortnightly nutation, measured 1900-2050), i.e. 2 km at the Moon
and 700 km at the Sun; that is an approximation of the simulator's frame, shared by its Earth
model, not an error of these positions within that frame.

Errors, measured every 3.3 days 1900-2050 against ERFA 2.0.1's IAU 2006/2000A ``c2i06a``: the
matrix is within 1.13 mas (rms 0.35 mas), which is 2.3 m at the Moon's distance and 0.85 km at
the Sun's. The unpredictable free-core nutation and celestial pole offsets (< 1 mas) are left
out. Against Skyfield 1.55 (IAU 2006/2000A, NAIF's de421.bsp) with the same dT the positions
agree to 0.9 m (Moon) and 0.36 km (Sun); with this module's dT table, to 38 m and 1.1 km
(``tests/crosscheck/moon_sun_skyfield.csv``).

Time
----
The epoch is a UTC ``datetime`` read as UT1 (UT1 = UTC, as in ``spacerace.models.earth``), so
that the Earth's orientation (ERA) and the ephemeris refer to the same physical instant. Then
``TT = UT1 + dT`` with ``dT`` interpolated in a yearly table (1900-2027, below; measured error
< 0.09 s, rms 0.016 s, so < 90 m at the Moon and < 2.7 km at the Sun, which move at 1 and
30 km/s relative to the Earth). After 2027 the last value is held; real dT then departs by an
unknown amount (about 0.1-1 s per year). ``t`` is seconds of TT since the epoch, and
``TDB - TT`` (< 1.7 ms) is the Fairhead-Bretagnon series as truncated in USNO Circular 179.

Positions are geometric (no light time, no aberration): the instantaneous geocentric vectors
that third-body gravity needs.

DE421
-----
The PyPI package ``de421`` (version 2008.1, ``pip install de421``) ships the DE421 Chebyshev
coefficients as NumPy arrays in jplephem 1.x's layout, one ``jpl-<body>.npy`` per body plus
``constants.npy``, not as a SPICE ``.bsp`` kernel, so jplephem's SPK reader cannot open it; the
arrays are read here with NumPy (memory-mapped, never downloaded), and jplephem is not needed.
They agree with NAIF's ``de421.bsp`` (read by jplephem's SPK reader) to 1 micrometre for the
Moon and within 1 cm for the Sun.

References
----------
IERS Conventions (2010), IERS Technical Note 36, ch. 5: eq. 5.1, 5.6, 5.10, 5.40 and
Table 5.2d. McCarthy, D. D. and Luzum, B. J. (2003), "An abridged model of the
precession-nutation of the celestial pole", Celest. Mech. Dyn. Astron. 85, 37-49 (IAU 2000B).
Simon, J.-L. et al. (1994), A&A 282, 663-683 (Delaunay arguments). Folkner, W. M., Williams,
J. G. and Boggs, D. H. (2009), "The Planetary and Lunar Ephemeris DE 421", IPN Progress
Report 42-178. Kaplan, G. H. (2005), USNO Circular 179, eq. 2.6 (TDB - TT). Stephenson, F. R.,
Morrison, L. V. and Hohenkerk, C. Y. (2016), Proc. R. Soc. A 472, 20160404 (dT before 1973).
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
from numpy.typing import ArrayLike

from spacerace._jit import jit
from spacerace._typing import FloatArray
from spacerace.constants import JD_J2000
from spacerace.errors import OutOfRangeError
from spacerace.models.earth import julian_date_utc

MOON = 0  # ``which`` for the Moon in ``body_position``
SUN = 1  # ``which`` for the Sun in ``body_position``

DAY = 86400.0  # [s]
_AS2R = math.pi / 648000.0  # arcsecond in radians
_FIRST_UTC = _dt.datetime(1900, 1, 1, tzinfo=_dt.UTC)  # range served (DE421 spans 1899-2053)
_LAST_UTC = _dt.datetime(2050, 1, 1, tzinfo=_dt.UTC)

# --- dT = TT - UT1 ------------------------------------------------------------------------------
# dT [s] every 365.25 days from JD(UT1) 2415020.5 (1900-01-01 0h) to 2027-01-01: Stephenson,
# Morrison & Hohenkerk (2016, Table S15, 2020 update) before 1973, IERS finals2000A after
# (values to 2027 include IERS predictions), as tabulated by Skyfield 1.55's built-in
# timescale; printed by ``python tools/gen_ephem_crosscheck.py --delta-t-table``.
_DT_JD0 = 2415020.5
_DT_STEP = 365.25  # [day]
_DELTA_T = np.array([
    -1.975, -0.745, 0.621, 2.062, 3.517, 4.925, 6.243, 7.489, 8.699, 9.905,
    11.144, 12.436, 13.756, 15.063, 16.317, 17.481, 18.520, 19.441, 20.256, 20.977,
    21.618, 22.188, 22.689, 23.123, 23.490, 23.789, 24.024, 24.198, 24.317, 24.389,
    24.418, 24.412, 24.376, 24.318, 24.245, 24.164, 24.085, 24.038, 24.056, 24.174,
    24.426, 24.830, 25.348, 25.926, 26.512, 27.051, 27.506, 27.892, 28.239, 28.576,
    28.933, 29.322, 29.700, 30.002, 30.204, 30.410, 30.761, 31.343, 32.033, 32.653,
    33.073, 33.358, 33.621, 33.963, 34.440, 35.094, 35.949, 36.934, 37.957, 38.950,
    39.933, 40.953, 42.148, 43.373, 44.486, 45.479, 46.459, 47.522, 48.536, 49.589,
    50.541, 51.381, 52.168, 52.958, 53.790, 54.343, 54.872, 55.323, 55.821, 56.300,
    56.856, 57.567, 58.311, 59.123, 59.986, 60.787, 61.631, 62.296, 62.967, 63.468,
    63.829, 64.091, 64.300, 64.474, 64.574, 64.688, 64.845, 65.147, 65.458, 65.777,
    66.070, 66.325, 66.604, 66.907, 67.282, 67.645, 68.104, 68.593, 68.968, 69.221,
    69.362, 69.359, 69.294, 69.204, 69.176, 69.138, 69.110, 69.096,
])

# --- IAU 2000B nutation ------------------------------------------------------------------------
# McCarthy & Luzum (2003), the MHB_2000_SHORT luni-solar series as in SOFA/ERFA ``nut00b``.
# Columns: multipliers of l, l', F, D, Om; longitude sin, t*sin, cos; obliquity cos, t*cos,
# sin [0.1 microarcsec, per Julian century for the t columns].
_NUT00B = np.array([
    [0, 0, 0, 0, 1, -172064161, -174666, 33386, 92052331, 9086, 15377],
    [0, 0, 2, -2, 2, -13170906, -1675, -13696, 5730336, -3015, -4587],
    [0, 0, 2, 0, 2, -2276413, -234, 2796, 978459, -485, 1374],
    [0, 0, 0, 0, 2, 2074554, 207, -698, -897492, 470, -291],
    [0, 1, 0, 0, 0, 1475877, -3633, 11817, 73871, -184, -1924],
    [0, 1, 2, -2, 2, -516821, 1226, -524, 224386, -677, -174],
    [1, 0, 0, 0, 0, 711159, 73, -872, -6750, 0, 358],
    [0, 0, 2, 0, 1, -387298, -367, 380, 200728, 18, 318],
    [1, 0, 2, 0, 2, -301461, -36, 816, 129025, -63, 367],
    [0, -1, 2, -2, 2, 215829, -494, 111, -95929, 299, 132],
    [0, 0, 2, -2, 1, 128227, 137, 181, -68982, -9, 39],
    [-1, 0, 2, 0, 2, 123457, 11, 19, -53311, 32, -4],
    [-1, 0, 0, 2, 0, 156994, 10, -168, -1235, 0, 82],
    [1, 0, 0, 0, 1, 63110, 63, 27, -33228, 0, -9],
    [-1, 0, 0, 0, 1, -57976, -63, -189, 31429, 0, -75],
    [-1, 0, 2, 2, 2, -59641, -11, 149, 25543, -11, 66],
    [1, 0, 2, 0, 1, -51613, -42, 129, 26366, 0, 78],
    [-2, 0, 2, 0, 1, 45893, 50, 31, -24236, -10, 20],
    [0, 0, 0, 2, 0, 63384, 11, -150, -1220, 0, 29],
    [0, 0, 2, 2, 2, -38571, -1, 158, 16452, -11, 68],
    [0, -2, 2, -2, 2, 32481, 0, 0, -13870, 0, 0],
    [-2, 0, 0, 2, 0, -47722, 0, -18, 477, 0, -25],
    [2, 0, 2, 0, 2, -31046, -1, 131, 13238, -11, 59],
    [1, 0, 2, -2, 2, 28593, 0, -1, -12338, 10, -3],
    [-1, 0, 2, 0, 1, 20441, 21, 10, -10758, 0, -3],
    [2, 0, 0, 0, 0, 29243, 0, -74, -609, 0, 13],
    [0, 0, 2, 0, 0, 25887, 0, -66, -550, 0, 11],
    [0, 1, 0, 0, 1, -14053, -25, 79, 8551, -2, -45],
    [-1, 0, 0, 2, 1, 15164, 10, 11, -8001, 0, -1],
    [0, 2, 2, -2, 2, -15794, 72, -16, 6850, -42, -5],
    [0, 0, -2, 2, 0, 21783, 0, 13, -167, 0, 13],
    [1, 0, 0, -2, 1, -12873, -10, -37, 6953, 0, -14],
    [0, -1, 0, 0, 1, -12654, 11, 63, 6415, 0, 26],
    [-1, 0, 2, 2, 1, -10204, 0, 25, 5222, 0, 15],
    [0, 2, 0, 0, 0, 16707, -85, -10, 168, -1, 10],
    [1, 0, 2, 2, 2, -7691, 0, 44, 3268, 0, 19],
    [-2, 0, 2, 0, 0, -11024, 0, -14, 104, 0, 2],
    [0, 1, 2, 0, 2, 7566, -21, -11, -3250, 0, -5],
    [0, 0, 2, 2, 1, -6637, -11, 25, 3353, 0, 14],
    [0, -1, 2, 0, 2, -7141, 21, 8, 3070, 0, 4],
    [0, 0, 0, 2, 1, -6302, -11, 2, 3272, 0, 4],
    [1, 0, 2, -2, 1, 5800, 10, 2, -3045, 0, -1],
    [2, 0, 2, -2, 2, 6443, 0, -7, -2768, 0, -4],
    [-2, 0, 0, 2, 1, -5774, -11, -15, 3041, 0, -5],
    [2, 0, 2, 0, 1, -5350, 0, 21, 2695, 0, 12],
    [0, -1, 2, -2, 1, -4752, -11, -3, 2719, 0, -3],
    [0, 0, 0, -2, 1, -4940, -11, -21, 2720, 0, -9],
    [-1, -1, 0, 2, 0, 7350, 0, -8, -51, 0, 4],
    [2, 0, 0, -2, 1, 4065, 0, 6, -2206, 0, 1],
    [1, 0, 0, 2, 0, 6579, 0, -24, -199, 0, 2],
    [0, 1, 2, -2, 1, 3579, 0, 5, -1900, 0, 1],
    [1, -1, 0, 0, 0, 4725, 0, -6, -41, 0, 3],
    [-2, 0, 2, 0, 2, -3075, 0, -2, 1313, 0, -1],
    [3, 0, 2, 0, 2, -2904, 0, 15, 1233, 0, 7],
    [0, -1, 0, 2, 0, 4348, 0, -10, -81, 0, 2],
    [1, -1, 2, 0, 2, -2878, 0, 8, 1232, 0, 4],
    [0, 0, 0, 1, 0, -4230, 0, 5, -20, 0, -2],
    [-1, -1, 2, 2, 2, -2819, 0, 7, 1207, 0, 3],
    [-1, 0, 2, 0, 0, -4056, 0, 5, 40, 0, -2],
    [0, -1, 2, 2, 2, -2647, 0, 11, 1129, 0, 5],
    [-2, 0, 0, 0, 1, -2294, 0, -10, 1266, 0, -4],
    [1, 1, 2, 0, 2, 2481, 0, -7, -1062, 0, -3],
    [2, 0, 0, 0, 1, 2179, 0, -2, -1129, 0, -2],
    [-1, 1, 0, 1, 0, 3276, 0, 1, -9, 0, 0],
    [1, 1, 0, 0, 0, -3389, 0, 5, 35, 0, -2],
    [1, 0, 2, 0, 0, 3339, 0, -13, -107, 0, 1],
    [-1, 0, 2, -2, 1, -1987, 0, -6, 1073, 0, -2],
    [1, 0, 0, 0, 2, -1981, 0, 0, 854, 0, 0],
    [-1, 0, 0, 1, 0, 4026, 0, -353, -553, 0, -139],
    [0, 0, 2, 1, 2, 1660, 0, -5, -710, 0, -2],
    [-1, 0, 2, 4, 2, -1521, 0, 9, 647, 0, 4],
    [-1, 1, 0, 1, 1, 1314, 0, 0, -700, 0, 0],
    [0, -2, 2, -2, 1, -1283, 0, 0, 672, 0, 0],
    [1, 0, 2, 2, 1, -1331, 0, 8, 663, 0, 4],
    [-2, 0, 2, 2, 2, 1383, 0, -2, -594, 0, -2],
    [-1, 0, 0, 0, 2, 1405, 0, 4, -610, 0, 2],
    [1, 1, 2, -2, 2, 1290, 0, 0, -556, 0, 0],
], dtype=float)
_NUT_UNIT = _AS2R * 1e-7  # 0.1 microarcsecond [rad]
_DPSI_PLANETARY = -0.135e-3 * _AS2R  # fixed offsets in lieu of planetary terms [rad]
_DEPS_PLANETARY = 0.388e-3 * _AS2R


def delta_t(jd_ut1: float) -> float:
    """TT - UT1 from the yearly table (the last value is held after 2027).

    Parameters
    ----------
    jd_ut1 : float
        UT1 Julian date [day].

    Returns
    -------
    float
        TT - UT1 [s].

    References
    ----------
    Stephenson, Morrison & Hohenkerk (2016), Table S15 (2020 update); IERS finals2000A.

    Examples
    --------
    >>> round(delta_t(2451545.0), 1)  # J2000.0
    63.8
    """
    x = (jd_ut1 - _DT_JD0) / _DT_STEP
    return float(np.interp(x, np.arange(_DELTA_T.size, dtype=float), _DELTA_T))


def tdb_minus_tt(jd_tt: ArrayLike) -> np.ndarray:
    """TDB - TT, the periodic part, good to about 10 microseconds.

    Parameters
    ----------
    jd_tt : array_like
        TT Julian date [day].

    Returns
    -------
    ndarray
        TDB - TT [s].

    References
    ----------
    Kaplan, G. H. (2005), USNO Circular 179, eq. 2.6 (after Fairhead & Bretagnon 1990).
    """
    t = (np.asarray(jd_tt, dtype=float) - JD_J2000) / 36525.0
    return (0.001657 * np.sin(628.3076 * t + 6.2401)
            + 0.000022 * np.sin(575.3385 * t + 4.2970)
            + 0.000014 * np.sin(1256.6152 * t + 6.1969)
            + 0.000005 * np.sin(606.9777 * t + 4.0212)
            + 0.000005 * np.sin(52.9691 * t + 0.4444)
            + 0.000002 * np.sin(21.3299 * t + 5.5431)
            + 0.000010 * t * np.sin(628.3076 * t + 4.2490))


def _rot(axis: int, angle: float) -> FloatArray:
    """Frame rotation R1, R2 or R3 (``axis`` 0, 1, 2) by ``angle`` [rad], IERS sign rule."""
    c, s = math.cos(angle), math.sin(angle)
    i, j = [(1, 2), (2, 0), (0, 1)][axis]
    m = np.eye(3)
    m[i, i] = m[j, j] = c
    m[i, j], m[j, i] = s, -s
    return m


def _delaunay(t: float) -> FloatArray:
    """Delaunay arguments l, l', F, D, Om [rad] at ``t`` TT Julian centuries from J2000."""
    poly = np.array([[485868.249036, 1717915923.2178], [1287104.79305, 129596581.0481],
                     [335779.526232, 1739527262.8478], [1072260.70369, 1602961601.2090],
                     [450160.398036, -6962890.5431]])  # Simon et al. (1994), as in IAU 2000B
    return np.fmod(poly[:, 0] + poly[:, 1] * t, 1296000.0) * _AS2R


def nutation(t: float) -> tuple[float, float]:
    """Nutation in longitude and obliquity, IAU 2000B.

    Parameters
    ----------
    t : float
        TT Julian centuries since J2000.0 [-].

    Returns
    -------
    tuple of float
        Nutation in longitude and in obliquity [rad]; within 1 mas of IAU 2000A 1995-2050.

    References
    ----------
    McCarthy, D. D. and Luzum, B. J. (2003), Celest. Mech. Dyn. Astron. 85, 37-49.
    """
    arg = _NUT00B[:, :5] @ _delaunay(t)
    c = _NUT00B
    dpsi = np.sum((c[:, 5] + c[:, 6] * t) * np.sin(arg) + c[:, 7] * np.cos(arg))
    deps = np.sum((c[:, 8] + c[:, 9] * t) * np.cos(arg) + c[:, 10] * np.sin(arg))
    return (float(dpsi) * _NUT_UNIT + _DPSI_PLANETARY, float(deps) * _NUT_UNIT + _DEPS_PLANETARY)


def _fukushima_williams(t: float) -> tuple[float, float, float, float]:
    """IAU 2006 bias-precession angles gamma, phi, psi, eps_A [rad] (IERS 2010 eq. 5.40)."""
    def poly(c: tuple[float, ...]) -> float:
        return sum(ck * t**k for k, ck in enumerate(c)) * _AS2R

    gam = poly((-0.052928, 10.556378, 0.4932044, -0.00031238, -0.000002788, 0.0000000260))
    phi = poly((84381.412819, -46.811016, 0.0511268, 0.00053289, -0.000000440, -0.0000000176))
    psi = poly((-0.041775, 5038.481484, 1.5584175, -0.00018522, -0.000026452, -0.0000000148))
    eps = poly((84381.406, -46.836769, -0.0001831, 0.00200340, -0.000000576, -0.0000000434))
    return gam, phi, psi, eps


def eci_from_icrf(jd_tt: float) -> FloatArray:
    """Rotation from ICRF (GCRS) axes to the simulator's inertial frame (CIRS) of a date.

    Parameters
    ----------
    jd_tt : float
        TT Julian date of the frame [day].

    Returns
    -------
    ndarray, shape (3, 3)
        ``r_eci = eci_from_icrf(jd_tt) @ r_icrf``; then ``R3(ERA) @ r_eci`` is Earth-fixed.

    References
    ----------
    IERS Conventions (2010), eq. 5.6, 5.10 and 5.40, Table 5.2d.

    Examples
    --------
    >>> m = eci_from_icrf(2451545.0)
    >>> bool(np.allclose(m @ m.T, np.eye(3), atol=1e-15))
    True
    """
    t = (jd_tt - JD_J2000) / 36525.0
    gam, phi, psi, eps = _fukushima_williams(t)
    dpsi, deps = nutation(t)
    npb = _rot(0, -(eps + deps)) @ _rot(2, -(psi + dpsi)) @ _rot(0, phi) @ _rot(2, gam)
    x, y = npb[2, 0], npb[2, 1]  # the CIP in GCRS
    _, _, f, d, om = _delaunay(t)
    s_plus = (94.0 + 3808.65 * t - 122.68 * t**2 - 72574.11 * t**3 + 27.98 * t**4
              + 15.62 * t**5 - 2640.73 * math.sin(om) - 63.53 * math.sin(2 * om)
              - 11.75 * math.sin(2 * f - 2 * d + 3 * om) - 11.21 * math.sin(2 * f - 2 * d + om)
              + 3.57 * t * math.cos(2 * om) + 1.73 * t * math.sin(om)
              + t**2 * (743.52 * math.sin(om) + 56.91 * math.sin(2 * f - 2 * d + 2 * om))
              - 23.42 * t**3 * math.cos(om)) * 1e-6 * _AS2R  # s + XY/2, Table 5.2d [rad]
    s = s_plus - 0.5 * x * y
    e = math.atan2(y, x) if x or y else 0.0
    dd = math.atan(math.sqrt((x * x + y * y) / (1.0 - x * x - y * y)))
    return _rot(2, -(e + s)) @ _rot(1, dd) @ _rot(2, e)


@dataclass(frozen=True)
class De421:
    """DE421 Chebyshev coefficients as shipped by the ``de421`` package [km, TDB day].

    Attributes
    ----------
    moon, earthmoon, sun : ndarray, shape (n_sets, 3, n_coef)
        Geocentric Moon; Earth-Moon barycentre and Sun from the solar-system barycentre.
    jd_start, jd_end : float
        TDB Julian dates covered [day].
    earth_share : float
        1 / (1 + EMRAT): the Earth's offset from the barycentre per Moon vector [-].
    """

    moon: np.ndarray
    earthmoon: np.ndarray
    sun: np.ndarray
    jd_start: float
    jd_end: float
    earth_share: float


@lru_cache(maxsize=1)
def load_de421() -> De421:
    """Open the DE421 coefficients of the ``de421`` package once (memory-mapped; no download).

    Returns
    -------
    De421
        The coefficient arrays.

    Raises
    ------
    ImportError
        If the package is not installed; the message says ``pip install de421``.

    References
    ----------
    Folkner, Williams & Boggs (2009), IPN Progress Report 42-178.
    """
    try:
        folder = resources.files("de421")
    except ModuleNotFoundError as exc:
        raise ImportError(
            "the JPL DE421 ephemeris is not installed; install it with `pip install de421` "
            "(27 MB; spacerace never downloads it at run time)") from exc
    const = np.load(str(folder / "constants.npy"), allow_pickle=False)
    values = {name.decode("ascii"): float(v) for name, v in zip(const["name"], const["value"])}

    def body(name: str) -> np.ndarray:
        return np.load(str(folder / f"jpl-{name}.npy"), mmap_mode="r", allow_pickle=False)

    return De421(body("moon"), body("earthmoon"), body("sun"), values["jalpha"],
                 values["jomega"], 1.0 / (1.0 + values["EMRAT"]))


def _chebyshev(sets: np.ndarray, eph: De421, whole: float, frac: FloatArray) -> FloatArray:
    """Evaluate one DE421 series at TDB dates ``whole + frac`` [day]; shape (n, 3) [km]."""
    span = (eph.jd_end - eph.jd_start) / sets.shape[0]  # days per set
    rel = (whole - eph.jd_start) + frac
    idx = np.clip(np.floor(rel / span).astype(np.intp), 0, sets.shape[0] - 1)
    x = (2.0 * (rel - idx * span) / span - 1.0)[:, None]
    c = np.asarray(sets[idx])  # (n, 3, n_coef)
    b1 = np.zeros(c.shape[:2])
    b2 = np.zeros_like(b1)
    for j in range(c.shape[2] - 1, 0, -1):  # Clenshaw's recurrence
        b1, b2 = 2.0 * x * b1 - b2 + c[:, :, j], b1
    return x * b1 - b2 + c[:, :, 0]


def moon_sun_icrf(jd_tdb_whole: float, jd_tdb_frac: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Geometric geocentric Moon and Sun in ICRF axes from DE421.

    Parameters
    ----------
    jd_tdb_whole : float
        Whole part of the TDB Julian date [day].
    jd_tdb_frac : array_like, shape (n,)
        Fractional parts [day].

    Returns
    -------
    tuple of ndarray, each shape (n, 3)
        Moon and Sun positions relative to the Earth's centre [m]. Dates are not checked:
        outside the file the end series extrapolate (``moon_sun_eci`` checks).

    References
    ----------
    Folkner, Williams & Boggs (2009), IPN Progress Report 42-178.
    """
    eph = load_de421()
    frac = np.atleast_1d(np.asarray(jd_tdb_frac, dtype=float))
    moon = _chebyshev(eph.moon, eph, jd_tdb_whole, frac)
    earth = _chebyshev(eph.earthmoon, eph, jd_tdb_whole, frac) - eph.earth_share * moon
    sun = _chebyshev(eph.sun, eph, jd_tdb_whole, frac) - earth
    return moon * 1e3, sun * 1e3


def epoch_tt(epoch_utc: _dt.datetime, tt_minus_ut1: float | None = None
             ) -> tuple[float, float, float]:
    """Two-part TT Julian date of an epoch read as UT1, and the TT - UT1 used.

    Parameters
    ----------
    epoch_utc : datetime.datetime
        Timezone-aware instant, taken as UT1.
    tt_minus_ut1 : float, optional
        dT = TT - UT1 to use [s]; by default ``delta_t`` of the epoch.

    Returns
    -------
    tuple of float
        TT Julian date as whole day and fraction (the fraction may leave [0, 1)) [day], and
        TT - UT1 [s].

    Examples
    --------
    >>> import datetime as dt
    >>> epoch_tt(dt.datetime(2000, 1, 1, 12, tzinfo=dt.UTC), 64.0)
    (2451545.0, 0.0007407407407407407, 64.0)
    """
    whole, frac = julian_date_utc(epoch_utc)
    dt_s = delta_t(whole + frac) if tt_minus_ut1 is None else float(tt_minus_ut1)
    return whole, frac + dt_s / DAY, dt_s


def coverage() -> tuple[_dt.datetime, _dt.datetime]:
    """First and last instant (UTC) at which the Moon and Sun are served."""
    return _FIRST_UTC, _LAST_UTC


def _check_range(epoch_utc: _dt.datetime, t: FloatArray) -> None:
    """Raise ``OutOfRangeError`` unless epoch + t stays within 1900-2050 (and t is finite)."""
    if epoch_utc.tzinfo is None:
        raise ValueError("epoch_utc must be timezone-aware (UTC)")
    if not np.all(np.isfinite(t)):
        raise OutOfRangeError("times since the epoch must be finite")
    lo = (_FIRST_UTC - epoch_utc).total_seconds()
    hi = (_LAST_UTC - epoch_utc).total_seconds()
    if t.size and (t.min() < lo or t.max() > hi):
        raise OutOfRangeError(
            f"Moon/Sun ephemeris covers {_FIRST_UTC:%Y-%m-%d} to {_LAST_UTC:%Y-%m-%d}; "
            f"asked for epoch {epoch_utc.isoformat()} + [{t.min():g}, {t.max():g}] s")


def moon_sun_eci(epoch_utc: _dt.datetime, t_seconds: ArrayLike,
                 tt_minus_ut1: float | None = None) -> tuple[FloatArray, FloatArray]:
    """Geocentric Moon and Sun in the simulator's inertial frame of the epoch.

    Parameters
    ----------
    epoch_utc : datetime.datetime
        Timezone-aware epoch (liftoff), read as UT1; 1900-01-01 to 2050-01-01.
    t_seconds : array_like, shape (n,)
        Times since the epoch [s] (TT seconds).
    tt_minus_ut1 : float, optional
        dT = TT - UT1 at the epoch [s]; by default from the built-in table.

    Returns
    -------
    tuple of ndarray, each shape (n, 3)
        Geometric positions of the Moon and of the Sun relative to the Earth's centre, in the
        CIRS of the epoch (``spacerace.frames`` ECI) [m].

    Raises
    ------
    OutOfRangeError
        Outside 1900-01-01 to 2050-01-01.
    ImportError
        If the ``de421`` package is not installed.

    References
    ----------
    Folkner, Williams & Boggs (2009); IERS Conventions (2010), ch. 5.

    Examples
    --------
    >>> import pytest; _ = pytest.importorskip("de421")
    >>> import datetime as dt
    >>> moon, sun = moon_sun_eci(dt.datetime(1969, 7, 16, 13, 32, tzinfo=dt.UTC), [0.0])
    >>> round(float(np.linalg.norm(moon[0])) / 1e3)  # Apollo 11 liftoff [km]
    403914
    """
    t = np.atleast_1d(np.asarray(t_seconds, dtype=float))
    _check_range(epoch_utc, t)
    whole, frac0, _ = epoch_tt(epoch_utc, tt_minus_ut1)
    tt = frac0 + t / DAY
    moon, sun = moon_sun_icrf(whole, tt + tdb_minus_tt(whole + tt) / DAY)
    m = eci_from_icrf(whole + frac0)
    return moon @ m.T, sun @ m.T


def icrf_from_eci(epoch_utc: _dt.datetime) -> FloatArray:
    """Rotation from the simulator's inertial frame of ``epoch_utc`` to ICRF axes.

    ``r_icrf = icrf_from_eci(epoch) @ r_eci`` (the transpose of ``eci_from_icrf`` at the
    epoch's TT): what viewers that draw in ICRF (Cesium's ``INERTIAL``) expect.
    """
    whole, frac0, _ = epoch_tt(epoch_utc)
    return eci_from_icrf(whole + frac0).T


# --- fast interpolant for the compiled kernel ----------------------------------------------------
STEP = DAY  # default segment length [s]
DEGREE = 6  # default Chebyshev degree
_SLOP = 1e-6  # extrapolation allowed past either end, as a fraction of a segment


@dataclass(frozen=True)
class EphemTable:
    """Chebyshev coefficients of the Moon and Sun over a flight, for ``body_position``.

    Attributes
    ----------
    coeffs : ndarray, shape (2, n_seg, degree + 1, 3)
        Coefficients per body (``MOON``, ``SUN``), segment, order and axis [m].
    seg_len : float
        Length of each segment; segment k covers [k seg_len, (k + 1) seg_len] [s].
    t_end : float
        End of the covered span, ``n_seg * seg_len`` >= the requested span [s].
    epoch : datetime.datetime
        The epoch (t = 0), UTC read as UT1.
    tt_minus_ut1 : float
        dT used [s].
    """

    coeffs: np.ndarray
    seg_len: float
    t_end: float
    epoch: _dt.datetime
    tt_minus_ut1: float


def prepare(epoch_utc: _dt.datetime, t_span_s: float, step_s: float = STEP,
            degree: int = DEGREE, tt_minus_ut1: float | None = None) -> EphemTable:
    """Fit per-segment Chebyshev series to ``moon_sun_eci`` over [0, t_span] for the kernel.

    Each segment is interpolated at its degree + 1 Chebyshev-Gauss nodes (near-minimax). With
    the defaults (1-day segments, degree 6) the error against ``moon_sun_eci`` over 10 days was
    at most 6 mm for the Moon and 2 cm for the Sun (four epochs 1912-2016, 22,000 instants
    each), and ``body_position`` cost 15 ns per call (numba 0.68, random t). Shorter series are
    cheaper but not needed: 0.25-day segments of degree 3 give 2.5 m and 9 ns.

    Parameters
    ----------
    epoch_utc : datetime.datetime
        Timezone-aware epoch (t = 0), read as UT1.
    t_span_s : float
        Time span to cover [s] (e.g. the longest flight time).
    step_s : float, optional
        Segment length [s].
    degree : int, optional
        Degree of each Chebyshev series [-].
    tt_minus_ut1 : float, optional
        dT at the epoch [s]; by default from the built-in table.

    Returns
    -------
    EphemTable
        The coefficients; pass ``table.coeffs, table.seg_len`` to ``body_position``.

    Examples
    --------
    >>> import pytest; _ = pytest.importorskip("de421")
    >>> import datetime as dt
    >>> table = prepare(dt.datetime(1959, 10, 4, 0, 43, 40, tzinfo=dt.UTC), 10 * 86400.0)
    >>> table.coeffs.shape, table.t_end / 86400.0
    ((2, 10, 7, 3), 10.0)
    """
    if not (t_span_s > 0.0 and step_s > 0.0 and degree >= 1):
        raise OutOfRangeError("prepare needs t_span_s > 0, step_s > 0 and degree >= 1")
    n_seg = max(1, math.ceil(t_span_s / step_s - 1e-9))
    n = degree + 1
    theta = np.pi * (np.arange(n) + 0.5) / n
    nodes = np.cos(theta)  # Chebyshev-Gauss nodes on [-1, 1]
    t = (np.arange(n_seg)[:, None] + 0.5 * (nodes[None, :] + 1.0)) * step_s
    whole, frac0, dt_s = epoch_tt(epoch_utc, tt_minus_ut1)
    moon, sun = moon_sun_eci(epoch_utc, t.ravel(), dt_s)
    # c_j = (2 / n) sum_k f(x_k) T_j(x_k), halved for j = 0
    basis = np.cos(np.outer(np.arange(n), theta)) * (2.0 / n)
    basis[0] *= 0.5
    values = np.stack([moon, sun]).reshape(2, n_seg, n, 3)
    coeffs = np.ascontiguousarray(np.einsum("jk,bskx->bsjx", basis, values))
    return EphemTable(coeffs, float(step_s), n_seg * float(step_s), epoch_utc, dt_s)


@jit
def body_position(coeffs: np.ndarray, seg_len: float, t: float, which: int,
                  out: np.ndarray) -> None:
    """Position of the Moon or Sun at ``t`` from an ``EphemTable``, without allocating.

    Parameters
    ----------
    coeffs : ndarray, shape (2, n_seg, n_coef, 3)
        ``EphemTable.coeffs`` [m].
    seg_len : float
        ``EphemTable.seg_len`` [s].
    t : float
        Time since the epoch [s]; NaN results outside [0, n_seg seg_len] (beyond a 1e-6
        segment slop).
    which : int
        ``MOON`` (0) or ``SUN`` (1); nothing else (not checked, for speed).
    out : ndarray, shape (3,)
        Receives the geocentric position in the ECI frame of the epoch [m].
    """
    n_seg = coeffs.shape[1]
    n_coef = coeffs.shape[2]
    u = t / seg_len
    if not (u >= -_SLOP and u <= n_seg + _SLOP):
        out[0] = out[1] = out[2] = np.nan
        return
    k = min(max(int(math.floor(u)), 0), n_seg - 1)
    x = 2.0 * (u - k) - 1.0
    x2 = 2.0 * x
    c = coeffs[which, k]
    bx1 = by1 = bz1 = 0.0
    bx2 = by2 = bz2 = 0.0
    for j in range(n_coef - 1, 0, -1):  # Clenshaw's recurrence, three axes at once
        tx = x2 * bx1 - bx2 + c[j, 0]
        ty = x2 * by1 - by2 + c[j, 1]
        tz = x2 * bz1 - bz2 + c[j, 2]
        bx2, by2, bz2 = bx1, by1, bz1
        bx1, by1, bz1 = tx, ty, tz
    out[0] = x * bx1 - bx2 + c[0, 0]
    out[1] = x * by1 - by2 + c[0, 1]
    out[2] = x * bz1 - bz2 + c[0, 2]


@jit
def body_xyz(flat: np.ndarray, n_seg: int, n_coef: int, seg_len: float, t: float,
             which: int) -> tuple[float, float, float]:
    """``body_position`` on the flattened coefficients, returning the position [m].

    ``flat`` is ``EphemTable.coeffs.ravel()`` (C order); the kernel carries it as a row of
    its tables. Times outside the table are clamped to its ends (the kernel never asks
    for them: the table spans the flight's time limit).
    """
    u = t / seg_len
    k = min(max(int(math.floor(u)), 0), n_seg - 1)
    x = 2.0 * (u - k) - 1.0
    x = min(max(x, -1.0), 1.0)
    x2 = 2.0 * x
    base = (which * n_seg + k) * n_coef * 3
    bx1 = by1 = bz1 = 0.0
    bx2 = by2 = bz2 = 0.0
    for j in range(n_coef - 1, 0, -1):
        o = base + 3 * j
        tx = x2 * bx1 - bx2 + flat[o]
        ty = x2 * by1 - by2 + flat[o + 1]
        tz = x2 * bz1 - bz2 + flat[o + 2]
        bx2, by2, bz2 = bx1, by1, bz1
        bx1, by1, bz1 = tx, ty, tz
    return (x * bx1 - bx2 + flat[base], x * by1 - by2 + flat[base + 1],
            x * bz1 - bz2 + flat[base + 2])
