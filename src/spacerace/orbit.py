"""Two-body orbits: state vectors <-> classical elements, apsides, Kepler and J2-secular rates.

Everything here is the Keplerian two-body problem around a point mass of gravitational parameter
``mu`` [m^3/s^2], in an inertial frame whose z axis is the reference pole (Earth's axis for
ECI) and whose x axis is the reference direction (the equinox). Angles are radians in
``[0, 2 pi)``.

Conventions for the singular orbits (the thresholds are ``CIRCULAR_ECC`` and
``EQUATORIAL_SIN_I``):

* circular (e < 1e-10): the perigee is undefined, so ``argp = 0`` and ``nu`` holds the argument
  of latitude, measured from the ascending node;
* equatorial (i < 1e-10, or within 1e-10 of pi for a retrograde orbit): the node is undefined,
  so ``raan = 0`` and ``argp`` holds the longitude of perigee, measured from the x axis in the
  direction of motion (for a circular equatorial orbit ``nu`` is then the true longitude);
* hyperbolic orbits have a < 0 and e > 1; parabolic orbits (e == 1 exactly, a infinite) are not
  represented, and near-parabolic ones lose digits as ``|1 - e|`` shrinks.

These are the conventions of Vallado's RV2COE (Algorithm 9) written with ``atan2`` of in-plane
components, so that no quadrant test is needed and a retrograde equatorial orbit comes out
right.

References
----------
Vallado, D. A. (2013), *Fundamentals of Astrodynamics and Applications*, 4th ed., Microcosm
Press: Sec. 2.2 (Kepler's equation), Algorithms 9 and 10 (RV2COE, COE2RV), Eq. 9-41 (J2
secular rates). Curtis, H. D. (2014), *Orbital Mechanics for Engineering Students*, 3rd ed.,
Algorithms 4.2 and 4.5.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from spacerace._typing import FloatArray
from spacerace.constants import GM_EARTH, J2_EARTH, WGS84_A
from spacerace.errors import OutOfRangeError

CIRCULAR_ECC = 1e-10  # below this eccentricity the perigee is undefined [-]
EQUATORIAL_SIN_I = 1e-10  # below this sin(i) the node is undefined [-]

_TWO_PI = 2.0 * math.pi
_MAX_NEWTON = 100  # iterations; the solvers below converge monotonically, in < 10 usually


def _wrap(angle: float) -> float:
    """Angle reduced to [0, 2 pi) [rad]."""
    out = math.fmod(angle, _TWO_PI)
    if out < 0.0:
        out += _TWO_PI
    return 0.0 if out >= _TWO_PI else out  # fmod(-tiny) + 2 pi can round up to 2 pi


@dataclass(frozen=True)
class Elements:
    """Classical (Keplerian) orbital elements of a two-body orbit.

    Attributes
    ----------
    a : float
        Semi-major axis [m]; negative for a hyperbola.
    e : float
        Eccentricity [-]; 0 <= e < 1 for an ellipse, e > 1 for a hyperbola.
    i : float
        Inclination [rad], in [0, pi].
    raan : float
        Right ascension of the ascending node [rad] (0 for an equatorial orbit).
    argp : float
        Argument of perigee [rad] (0 for a circular orbit; the longitude of perigee for an
        equatorial one).
    nu : float
        True anomaly [rad] (the argument of latitude for a circular orbit; the true longitude
        for a circular equatorial one).
    mu : float
        Gravitational parameter of the central body [m^3/s^2]; kept so that ``period`` and the
        propagation use the same value the elements were made with.

    References
    ----------
    Vallado (2013), 4th ed., Ch. 2 (classical orbital elements).

    Examples
    --------
    >>> el = Elements(a=6_778_137.0, e=0.0, i=0.9, raan=0.0, argp=0.0, nu=0.0)
    >>> round(el.period / 60.0, 2)
    92.56
    """

    a: float
    e: float
    i: float
    raan: float
    argp: float
    nu: float
    mu: float = GM_EARTH

    def __post_init__(self) -> None:
        if not (math.isfinite(self.e) and self.e >= 0.0):
            raise OutOfRangeError(f"eccentricity must be finite and >= 0, got {self.e!r}")
        if self.e == 1.0:
            raise OutOfRangeError("parabolic orbits (e == 1) are not represented")
        if not math.isfinite(self.a) or (self.a > 0.0) != (self.e < 1.0) or self.a == 0.0:
            raise OutOfRangeError(
                f"semi-major axis must be > 0 for e < 1 and < 0 for e > 1, got a={self.a!r} m "
                f"with e={self.e!r}"
            )
        if not (math.isfinite(self.mu) and self.mu > 0.0):
            raise OutOfRangeError(f"mu must be > 0, got {self.mu!r} m^3/s^2")

    @property
    def semi_latus_rectum(self) -> float:
        """Semi-latus rectum p = a (1 - e^2) [m]."""
        return self.a * (1.0 - self.e) * (1.0 + self.e)

    @property
    def perigee_radius(self) -> float:
        """Distance of the perigee from the centre of the body, a (1 - e) [m]."""
        return self.a * (1.0 - self.e)

    @property
    def apogee_radius(self) -> float:
        """Distance of the apogee from the centre, a (1 + e) [m]; inf if e >= 1."""
        return self.a * (1.0 + self.e) if self.e < 1.0 else math.inf

    @property
    def mean_motion(self) -> float:
        """Mean motion sqrt(mu / |a|^3) [rad/s] (the hyperbolic one for e > 1)."""
        return math.sqrt(self.mu / abs(self.a) ** 3)

    @property
    def period(self) -> float:
        """Orbital period 2 pi sqrt(a^3 / mu) [s]; inf if e >= 1."""
        return _TWO_PI / self.mean_motion if self.e < 1.0 else math.inf

    def perigee_altitude(self, radius: float = WGS84_A) -> float:
        """Height of the perigee above a sphere of the given radius [m].

        Parameters
        ----------
        radius : float
            Radius of the reference sphere [m]. The default is the WGS-84 equatorial radius.

        Returns
        -------
        float
            ``perigee_radius - radius`` [m].

        Notes
        -----
        Archive figures were quoted above different spheres, 6378 km (equatorial) or 6371 km
        (mean radius), depending on the source. The 7 km between them is larger than the
        precision of most published perigees, so pass the radius the source used.

        References
        ----------
        NIMA TR8350.2 (2000), Table 3.1 (WGS-84 equatorial radius).
        """
        return self.perigee_radius - radius

    def apogee_altitude(self, radius: float = WGS84_A) -> float:
        """Height of the apogee above a sphere of the given radius [m]; inf if e >= 1.

        Parameters
        ----------
        radius : float
            Radius of the reference sphere [m]; see ``perigee_altitude`` for the choice.

        Returns
        -------
        float
            ``apogee_radius - radius`` [m].

        References
        ----------
        NIMA TR8350.2 (2000), Table 3.1 (WGS-84 equatorial radius).
        """
        return self.apogee_radius - radius


def _vector3(x: npt.ArrayLike, name: str) -> FloatArray:
    out = np.asarray(x, dtype=np.float64)
    if out.shape != (3,) or not np.all(np.isfinite(out)):
        raise OutOfRangeError(f"{name} must be 3 finite numbers, got {x!r}")
    return out


def _floats3(x: npt.ArrayLike, name: str) -> tuple[float, float, float]:
    """``_vector3`` as three Python floats (checked the same way)."""
    out = np.asarray(x, dtype=np.float64)
    if out.shape == (3,):
        a, b, c = out.tolist()
        if math.isfinite(a) and math.isfinite(b) and math.isfinite(c):
            return a, b, c
    raise OutOfRangeError(f"{name} must be 3 finite numbers, got {x!r}")


def _angle_in_plane(start: FloatArray, end: FloatArray, normal: FloatArray) -> float:
    """Angle from ``start`` to ``end`` about the unit ``normal``, in [0, 2 pi) [rad]."""
    y = float(np.dot(np.cross(start, end), normal))
    x = float(np.dot(start, end))
    return _wrap(math.atan2(y, x))


def elements_from_state(
    r: npt.ArrayLike, v: npt.ArrayLike, mu: float = GM_EARTH
) -> Elements:
    """Classical orbital elements of an inertial position and velocity.

    Parameters
    ----------
    r : array_like, shape (3,)
        Inertial position [m].
    v : array_like, shape (3,)
        Inertial velocity [m/s].
    mu : float
        Gravitational parameter of the central body [m^3/s^2].

    Returns
    -------
    Elements
        The osculating elements, with the conventions of the module docstring for circular,
        equatorial and hyperbolic orbits.

    Raises
    ------
    OutOfRangeError
        For a rectilinear (zero angular momentum) or exactly parabolic state.

    References
    ----------
    Vallado (2013), 4th ed., Algorithm 9 (RV2COE) and Example 2-5; Curtis (2014), 3rd ed.,
    Algorithm 4.2 and Example 4.3.

    Examples
    --------
    Vallado's Example 2-5 (his mu = 398600.4418 km^3/s^2 equals GM_EARTH):

    >>> el = elements_from_state([6524.834e3, 6862.875e3, 6448.296e3],
    ...                          [4.901327e3, 5.533756e3, -1.976341e3])
    >>> print(f"{el.a / 1e3:.2f} km, e = {el.e:.6f}, i = {math.degrees(el.i):.2f} deg")
    36127.34 km, e = 0.832853, i = 87.87 deg
    """
    r = _vector3(r, "r")
    v = _vector3(v, "v")
    r_norm = float(np.linalg.norm(r))
    if r_norm == 0.0:
        raise OutOfRangeError("r must not be the zero vector")
    h = np.cross(r, v)
    h_norm = float(np.linalg.norm(h))
    if h_norm <= 1e-14 * r_norm * float(np.linalg.norm(v)):
        raise OutOfRangeError("rectilinear state (r parallel to v): no orbital plane")
    w = h / h_norm  # unit normal of the orbit plane, along the angular momentum
    e_vec = np.cross(v, h) / mu - r / r_norm
    e = float(np.linalg.norm(e_vec))
    p = h_norm * h_norm / mu
    if e == 1.0:
        raise OutOfRangeError("parabolic state (e == 1): the semi-major axis is infinite")
    # p / (1 - e^2) keeps its digits at high e better than -mu / (2 energy), where v^2/2 and
    # mu/r nearly cancel.
    a = p / ((1.0 - e) * (1.0 + e))

    h_xy = math.hypot(float(h[0]), float(h[1]))
    i = math.atan2(h_xy, float(h[2]))  # in [0, pi]; no acos rounding near 0 or pi
    if h_xy / h_norm < EQUATORIAL_SIN_I:
        raan = 0.0
        node = np.array([1.0, 0.0, 0.0])
    else:
        raan = _wrap(math.atan2(float(h[0]), float(-h[1])))  # node vector z x h = (-hy, hx, 0)
        node = np.array([-h[1], h[0], 0.0]) / h_xy

    if e < CIRCULAR_ECC:
        argp = 0.0
        nu = _angle_in_plane(node, r, w)
    else:
        argp = _angle_in_plane(node, e_vec, w)
        nu = _angle_in_plane(e_vec, r, w)
    return Elements(a=a, e=e, i=i, raan=raan, argp=argp, nu=nu, mu=mu)


def state_from_elements(
    el: Elements, mu: float | None = None
) -> tuple[FloatArray, FloatArray]:
    """Inertial position and velocity of a set of classical elements.

    Parameters
    ----------
    el : Elements
        The orbit and the point on it.
    mu : float, optional
        Gravitational parameter [m^3/s^2]; defaults to ``el.mu``.

    Returns
    -------
    r, v : ndarray, shape (3,)
        Inertial position [m] and velocity [m/s].

    Raises
    ------
    OutOfRangeError
        If the true anomaly of a hyperbola lies beyond its asymptotes.

    References
    ----------
    Vallado (2013), 4th ed., Algorithm 10 (COE2RV) and Example 2-6; Curtis (2014), 3rd ed.,
    Algorithm 4.5.

    Examples
    --------
    >>> el = Elements(a=7e6, e=0.0, i=0.0, raan=0.0, argp=0.0, nu=0.5 * math.pi)
    >>> r, v = state_from_elements(el)
    >>> print(np.round(r), np.round(v, 3))
    [      0. 7000000.       0.] [-7546.053     0.        0.   ]
    """
    mu = el.mu if mu is None else mu
    e = el.e
    p = el.semi_latus_rectum
    cos_nu, sin_nu = math.cos(el.nu), math.sin(el.nu)
    denom = 1.0 + e * cos_nu
    if denom <= 0.0:
        raise OutOfRangeError(
            f"true anomaly {el.nu!r} rad lies beyond the asymptotes of a hyperbola with e={e!r} "
            f"(|nu| must be < {math.acos(-1.0 / e) if e > 1.0 else math.pi!r} rad)"
        )
    radius = p / denom
    speed_scale = math.sqrt(mu / p)
    # Perifocal components (P towards perigee, Q 90 deg ahead in the direction of motion).
    r_p, r_q = radius * cos_nu, radius * sin_nu
    v_p, v_q = -speed_scale * sin_nu, speed_scale * (e + cos_nu)

    co, so = math.cos(el.raan), math.sin(el.raan)
    ci, si = math.cos(el.i), math.sin(el.i)
    cw, sw = math.cos(el.argp), math.sin(el.argp)
    # Columns of R3(-raan) R1(-i) R3(-argp): the perifocal axes P and Q in inertial axes.
    p_axis = np.array([co * cw - so * sw * ci, so * cw + co * sw * ci, sw * si])
    q_axis = np.array([-co * sw - so * cw * ci, -so * sw + co * cw * ci, cw * si])
    return r_p * p_axis + r_q * q_axis, v_p * p_axis + v_q * q_axis


def specific_energy(r: npt.ArrayLike, v: npt.ArrayLike, mu: float = GM_EARTH) -> float:
    """Specific orbital energy v^2/2 - mu/r (vis-viva) [J/kg = m^2/s^2].

    Parameters
    ----------
    r : array_like, shape (3,)
        Inertial position [m].
    v : array_like, shape (3,)
        Inertial velocity [m/s].
    mu : float
        Gravitational parameter [m^3/s^2].

    Returns
    -------
    float
        Energy per unit mass [m^2/s^2]; negative for a bound orbit.

    References
    ----------
    Vallado (2013), 4th ed., Ch. 1 (specific mechanical energy, vis-viva).

    Examples
    --------
    >>> round(specific_energy([7e6, 0, 0], [0, 7546.05, 0]) / 1e6, 3)
    -28.471
    """
    r = _vector3(r, "r")
    v = _vector3(v, "v")
    return 0.5 * float(np.dot(v, v)) - mu / float(np.linalg.norm(r))


def c3(r: npt.ArrayLike, v: npt.ArrayLike, mu: float = GM_EARTH) -> float:
    """Characteristic energy C3 = v^2 - 2 mu / r, twice the specific energy [m^2/s^2].

    Parameters
    ----------
    r : array_like, shape (3,)
        Inertial position [m].
    v : array_like, shape (3,)
        Inertial velocity [m/s].
    mu : float
        Gravitational parameter [m^3/s^2].

    Returns
    -------
    float
        C3 [m^2/s^2]: the square of the hyperbolic excess speed when positive; slightly
        negative for a translunar injection.

    References
    ----------
    Vallado (2013), 4th ed., Ch. 12 (characteristic energy of departure hyperbolas).

    Examples
    --------
    >>> round(c3([7e6, 0, 0], [0, 11e3, 0]) / 1e6, 2)
    7.11
    """
    return 2.0 * specific_energy(r, v, mu)


def flight_path_angle(r: npt.ArrayLike, v: npt.ArrayLike) -> float:
    """Flight-path angle: elevation of the velocity above the local horizontal [rad].

    Parameters
    ----------
    r : array_like, shape (3,)
        Inertial position [m].
    v : array_like, shape (3,)
        Inertial velocity [m/s] (an Earth-relative velocity gives the relative angle).

    Returns
    -------
    float
        Angle in [-pi/2, pi/2] [rad]; positive while climbing.

    References
    ----------
    Vallado (2013), 4th ed., Ch. 1 (flight-path angle); here atan2(r . v, |r x v|).

    Examples
    --------
    >>> round(math.degrees(flight_path_angle([7e6, 0, 0], [1000.0, 1000.0, 0])), 6)
    45.0
    """
    # in plain floats: the same products and sums as numpy's dot, cross and norm of three
    # numbers, without their call overhead (closed-loop guidance calls this tens of
    # thousands of times a flight)
    rx, ry, rz = _floats3(r, "r")
    vx, vy, vz = _floats3(v, "v")
    hx, hy, hz = ry * vz - rz * vy, rz * vx - rx * vz, rx * vy - ry * vx
    return math.atan2(rx * vx + ry * vy + rz * vz, math.sqrt(hx * hx + hy * hy + hz * hz))


def mean_anomaly(nu: float, e: float) -> float:
    """Mean anomaly of a true anomaly [rad].

    Parameters
    ----------
    nu : float
        True anomaly [rad].
    e : float
        Eccentricity [-], not 1.

    Returns
    -------
    float
        Elliptic mean anomaly E - e sin E in [0, 2 pi) for e < 1; hyperbolic mean anomaly
        e sinh F - F (any real, negative before perigee) for e > 1 [rad].

    References
    ----------
    Vallado (2013), 4th ed., Sec. 2.2 (Kepler's equation), Algorithm 5 (nu -> anomaly).

    Examples
    --------
    >>> round(mean_anomaly(math.pi / 2, 0.1), 6)
    1.37113
    """
    if e < 1.0:
        big_e = 2.0 * math.atan2(math.sqrt(1.0 - e) * math.sin(0.5 * nu),
                                 math.sqrt(1.0 + e) * math.cos(0.5 * nu))
        return _wrap(big_e - e * math.sin(big_e))
    if e > 1.0:
        t = math.sqrt((e - 1.0) / (e + 1.0)) * math.tan(0.5 * nu)
        if abs(t) >= 1.0:
            raise OutOfRangeError(f"true anomaly {nu!r} rad lies beyond the asymptotes (e={e!r})")
        big_f = 2.0 * math.atanh(t)
        return e * math.sinh(big_f) - big_f
    raise OutOfRangeError("parabolic orbits (e == 1) are not represented")


def _eccentric_anomaly(m: float, e: float) -> float:
    """Solve Kepler's equation E - e sin E = M for 0 <= e < 1 [rad], E in (-pi, pi]."""
    m = math.remainder(m, _TWO_PI)  # in [-pi, pi]
    sign = -1.0 if m < 0.0 else 1.0
    m = abs(m)
    # f(E) = E - e sin E - M is convex on [0, pi] and f(min(M + e, pi)) >= 0 (E - M <= e), so
    # Newton from there decreases monotonically to the root (Fourier's condition): no
    # overshoot, no cycle, for every e < 1.
    big_e = min(m + e, math.pi)
    last = math.inf
    for _ in range(_MAX_NEWTON):
        step = (big_e - e * math.sin(big_e) - m) / (1.0 - e * math.cos(big_e))
        # In exact arithmetic the steps are positive and shrink; a step that does not shrink
        # is rounding noise, and the root is then found to working precision.
        if step >= last:
            return sign * big_e
        if step <= 4e-16 * max(1.0, big_e):
            return sign * max(big_e - max(step, 0.0), 0.0)
        big_e -= step
        last = step
    raise ArithmeticError(f"Kepler's equation did not converge for M={m!r}, e={e!r}")


def _hyperbolic_anomaly(m: float, e: float) -> float:
    """Solve e sinh F - F = M for e > 1 [rad]."""
    sign = -1.0 if m < 0.0 else 1.0
    m = abs(m)
    # f(F) = e sinh F - F - M is convex for F >= 0, and sinh F >= F gives
    # f(asinh(M / (e - 1))) >= 0: Newton from there decreases monotonically to the root.
    big_f = math.asinh(m / (e - 1.0))
    last = math.inf
    for _ in range(_MAX_NEWTON):
        step = (e * math.sinh(big_f) - big_f - m) / (e * math.cosh(big_f) - 1.0)
        if step >= last:  # rounding noise, as in _eccentric_anomaly
            return sign * big_f
        if step <= 4e-16 * max(1.0, big_f):
            return sign * max(big_f - max(step, 0.0), 0.0)
        big_f -= step
        last = step
    raise ArithmeticError(f"hyperbolic Kepler equation did not converge for M={m!r}, e={e!r}")


def true_anomaly(m: float, e: float) -> float:
    """True anomaly of a mean anomaly, by Newton's method on Kepler's equation [rad].

    Parameters
    ----------
    m : float
        Mean anomaly [rad] (elliptic for e < 1, hyperbolic for e > 1).
    e : float
        Eccentricity [-], not 1.

    Returns
    -------
    float
        True anomaly in [0, 2 pi) [rad].

    References
    ----------
    Vallado (2013), 4th ed., Algorithm 2 (KepEqtnE) and Algorithm 4 (KepEqtnH), solved here
    from starting points that make Newton's iteration monotone.

    Examples
    --------
    >>> round(true_anomaly(mean_anomaly(2.0, 0.7), 0.7), 12)
    2.0
    """
    if e < 1.0:
        big_e = _eccentric_anomaly(m, e)
        nu = 2.0 * math.atan2(math.sqrt(1.0 + e) * math.sin(0.5 * big_e),
                              math.sqrt(1.0 - e) * math.cos(0.5 * big_e))
    elif e > 1.0:
        big_f = _hyperbolic_anomaly(m, e)
        nu = 2.0 * math.atan(math.sqrt((e + 1.0) / (e - 1.0)) * math.tanh(0.5 * big_f))
    else:
        raise OutOfRangeError("parabolic orbits (e == 1) are not represented")
    return _wrap(nu)


def kepler_propagate(el: Elements, dt: float, mu: float | None = None) -> Elements:
    """Elements of a two-body orbit ``dt`` seconds later (only the true anomaly moves).

    Parameters
    ----------
    el : Elements
        The orbit now.
    dt : float
        Time step [s], may be negative.
    mu : float, optional
        Gravitational parameter [m^3/s^2]; defaults to ``el.mu``.

    Returns
    -------
    Elements
        The same orbit with the true anomaly (or, for a circular orbit, the argument of
        latitude) advanced by Kepler's equation.

    References
    ----------
    Vallado (2013), 4th ed., Algorithm 6 (KEPLERCOE), with the Newton solvers of
    ``true_anomaly``.

    Examples
    --------
    >>> el = Elements(a=7e6, e=0.1, i=0.5, raan=1.0, argp=2.0, nu=3.0)
    >>> round(kepler_propagate(el, el.period).nu, 10)
    3.0
    """
    mu = el.mu if mu is None else mu
    n = math.sqrt(mu / abs(el.a) ** 3)
    dm = n * dt
    if el.e < 1.0:
        # Whole turns off first (remainder is exact), so that the sum below rounds at the
        # scale of pi, not of n dt: a step of one period then gives back M to ~1 ulp.
        dm = math.remainder(dm, _TWO_PI)
    m = mean_anomaly(el.nu, el.e) + dm
    return Elements(a=el.a, e=el.e, i=el.i, raan=el.raan, argp=el.argp,
                    nu=true_anomaly(m, el.e), mu=mu)


def j2_secular_rates(
    el: Elements, mu: float | None = None, j2: float = J2_EARTH, re: float = WGS84_A
) -> tuple[float, float, float]:
    """First-order secular drift of the node, the perigee and the mean anomaly due to J2.

    Parameters
    ----------
    el : Elements
        Mean elements of an elliptic orbit.
    mu : float, optional
        Gravitational parameter [m^3/s^2]; defaults to ``el.mu``.
    j2 : float
        Unnormalised second zonal harmonic [-].
    re : float
        Reference (equatorial) radius that goes with ``j2`` [m].

    Returns
    -------
    draan_dt, dargp_dt, dm_dt : float
        Rates of the right ascension of the node, of the argument of perigee, and of the mean
        anomaly [rad/s]. ``dm_dt`` is the whole rate, n plus the J2 term (Vallado's
        M0-dot is ``dm_dt - n``).

    References
    ----------
    Vallado (2013), 4th ed., Eq. 9-41 (first-order secular J2 rates):
    dRAAN/dt = -3 n J2 re^2 cos i / (2 p^2),
    dargp/dt = 3 n J2 re^2 (4 - 5 sin^2 i) / (4 p^2),
    dM/dt = n + 3 n J2 re^2 sqrt(1 - e^2) (2 - 3 sin^2 i) / (4 p^2).

    Examples
    --------
    A sun-synchronous orbit precesses once per tropical year:

    >>> el = Elements(a=7_078_137.0, e=0.0, i=math.radians(98.19), raan=0, argp=0, nu=0)
    >>> round(math.degrees(j2_secular_rates(el)[0]) * 86400.0, 3)
    0.986
    """
    if el.e >= 1.0:
        raise OutOfRangeError(f"J2 secular rates need an elliptic orbit, got e={el.e!r}")
    mu = el.mu if mu is None else mu
    n = math.sqrt(mu / el.a**3)
    p = el.semi_latus_rectum
    k = n * j2 * (re / p) ** 2  # common factor [rad/s]
    sin2_i = math.sin(el.i) ** 2
    draan = -1.5 * k * math.cos(el.i)
    dargp = 0.75 * k * (4.0 - 5.0 * sin2_i)
    dm = n + 0.75 * k * math.sqrt((1.0 - el.e) * (1.0 + el.e)) * (2.0 - 3.0 * sin2_i)
    return draan, dargp, dm
