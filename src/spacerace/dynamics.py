"""Equations of motion of a point-mass rocket over the rotating WGS-84 Earth (compiled).

State vector ``y`` (inertial frame of date, see ``spacerace.frames``), SI units::

    X, Y, Z     position [m]
    VX, VY, VZ  velocity [m/s]
    M           mass [kg]

Parameters are plain arrays so that the kernel never sees a Python object:

``p`` (flight-wide, indices ``P_*``)
    Earth rotation angle at liftoff, gravity and atmosphere switches, launch-frame basis.
``ph`` (one row per phase, indices ``PH_*``)
    guidance mode, throttle, propulsion of the burning engines, the mass at depletion,
    reference area and drag-table row, and the cut-off conditions that end the phase.
``cd_mach``, ``cd_val`` (one row per drag table)
    Mach numbers and drag coefficients.
``tab`` (rows ``TAB_*``, each a table padded by repeating its last entry)
    pitch programme (time [s], elevation [rad]) and wind profile (altitude [m], wind speed
    [m/s] blowing from the azimuth ``P_WIND_FROM``).

The attitude laws (vertical rise, tabulated pitch program, gravity turn) are evaluated here
from those arrays, so that a whole flight stays compiled.
"""

from __future__ import annotations

import math

import numpy as np

from spacerace._jit import jit, jit_borrow
from spacerace.constants import MOON_SOI_RADIUS, WGS84_A
from spacerace.ephem import body_xyz
from spacerace.models.aero import drag_coefficient_row, dynamic_pressure
from spacerace.models.atmosphere import ALT_MAX, atmosphere, density_gradient
from spacerace.models.earth import geodetic_from_ecef, geodetic_height
from spacerace.models.gravity import gravity_accel
from spacerace.models.propulsion import thrust
from spacerace.models.tables import interp_rows

# --- state ---------------------------------------------------------------------------------
X, Y, Z, VX, VY, VZ, M = range(7)
N_STATE = 7

# --- flight-wide parameters ----------------------------------------------------------------
P_THETA0 = 0  # Earth rotation angle at liftoff [rad]
P_OMEGA = 1  # Earth rotation rate [rad/s]
P_J2 = 2  # J2 used by gravity [-] (0 = point mass)
P_ATMOS = 3  # 1 = atmosphere on, 0 = vacuum
P_AZ = 4  # launch azimuth [rad]
P_UP = 5  # launch-site up unit vector, inertial, at liftoff (3 values)
P_EAST = 8  # launch-site east unit vector, inertial, at liftoff (3 values)
P_NORTH = 11  # launch-site north unit vector, inertial, at liftoff (3 values)
P_MU = 14  # gravitational parameter [m^3/s^2] (0 = no gravity, for checks)
P_RHO_SCALE = 15  # factor on the air density [-] (1 = standard atmosphere)
P_WIND_FROM = 16  # azimuth the wind blows from [rad], clockwise from north
P_EPH_ROW = 17  # row of ``tab`` holding the Moon and Sun ephemeris (-1: no third bodies)
P_EPH_NSEG = 18  # its number of segments [-]
P_EPH_NCOEF = 19  # its Chebyshev coefficients per segment [-]
P_EPH_SEG = 20  # its segment length [s]
P_MU_MOON = 21  # gravitational parameter of the Moon [m^3/s^2]
P_MU_SUN = 22  # gravitational parameter of the Sun [m^3/s^2]
N_P = 23

# --- tables (rows of ``tab``) ----------------------------------------------------------------
TAB_PITCH_T, TAB_PITCH_EL, TAB_WIND_H, TAB_WIND_V = range(4)
N_TAB = 4

# --- stage table (one row per stage, ``stg``) ------------------------------------------------
STG_F_VAC = 0  # vacuum thrust of the stage's engines at full throttle [N]
STG_MDOT = 1  # their mass flow [kg/s] (solid motors: at the curve's 100 %)
STG_A_EXIT = 2  # their nozzle exit area [m^2]
STG_PROP = 3  # propellant loaded [kg]
STG_DRY = 4  # dry mass [kg]
STG_CURVE = 5  # row of ``tab`` with the thrust curve's time (fraction in the next), -1: none
N_STG = 6

# --- phase table -----------------------------------------------------------------------------
MODE_VERTICAL, MODE_PITCH_PROGRAM, MODE_GRAVITY_TURN, MODE_COAST = range(4)
MODE_HOLD, MODE_HOLD_HORIZONTAL, MODE_LINEAR_TANGENT = range(4, 7)
PH_MODE = 0  # guidance mode (MODE_*)
PH_THROTTLE = 1  # fraction of rated flow [-]
PH_BURN = 2  # bit mask of the stages whose engines burn [-]
PH_DROP_MASK = 3  # bit mask of the stages separated when the phase begins [-]
PH_DROP = 4  # other mass dropped when the phase begins (fairing, tower, interstage) [kg]
PH_AREF = 5  # aerodynamic reference area [m^2]
PH_CD_ROW = 6  # row of the drag tables [-]
PH_T_END = 7  # cut-off time since liftoff [s] (inf: none)
PH_V_END = 8  # cut-off speed relative to the Earth [m/s] (inf: none)
PH_E_END = 9  # cut-off specific orbital energy [J/kg] (inf: none)
PH_GUIDE_A = 10  # linear tangent law: tan(pitch) = A + B (t - PH_GUIDE_T0) [-]
PH_GUIDE_B = 11  # [1/s]
PH_GUIDE_T0 = 12  # [s]
# Filled by the kernel when the phase begins (zero in the packed table):
PH_F_VAC = 13  # vacuum thrust of the burning engines [N]
PH_MDOT = 14  # their mass flow [kg/s]
PH_A_EXIT = 15  # their exit area [m^2]
PH_M_EMPTY = 16  # vehicle mass when the first of them runs dry [kg]
PH_T_START = 17  # time the phase began [s]
PH_CURVE = 18  # ``tab`` row of the thrust curve of a lone solid motor, -1: none
PH_HOLD = 19  # held thrust direction, inertial (3 values) [-]
PH_PLANE = 22  # normal of the steering plane, inertial (3 values) [-]
PH_RANGE_END = 25  # cut-off when the predicted free-flight range angle reaches this [rad]
PH_YAW = 26  # steering plane turned about the local vertical, to the left of the flight [rad]
N_PH = 27

# --- events --------------------------------------------------------------------------------
EV_MACH1, EV_MAXQ, EV_APOGEE, EV_CUTOFF_SPEED, EV_CUTOFF_TIME, EV_DEPLETION, EV_IMPACT = range(7)
EV_CUTOFF_ENERGY = 7
EV_MOON_CA = 8  # closest approach to the Moon (range rate from - to +)
EV_CUTOFF_RANGE = 9  # predicted free-flight range reached (a missile's range control)
EV_MOON_SOI = 10  # distance to the Moon crosses the radius of its sphere of influence
N_EVENTS = 11
# Sign change that counts (+1 rising, -1 falling, 0 both) and what a root ends
# (0 nothing, 1 the phase, 2 the flight).
EVENT_DIRECTION = np.array([0, -1, -1, 1, 1, -1, -1, 1, 1, 1, 0], dtype=np.int64)
EVENT_ENDS = np.array([0, 0, 0, 1, 1, 1, 2, 1, 0, 1, 0], dtype=np.int64)

# --- diagnostics (outputs of ``diagnostics``) ----------------------------------------------
D_ALT, D_LAT, D_LON, D_VREL, D_MACH, D_Q, D_THRUST, D_DRAG, D_ACCEL, D_DHDT, D_DQDT = range(11)
D_MOON_R, D_MOON_RDOT = 11, 12  # distance to the Moon's centre [m] and its rate [m/s]
N_DIAG = 13


@jit
def _air(alt: float, atmos_on: float) -> tuple[float, float, float]:
    """Pressure, density and speed of sound, or vacuum values."""
    if atmos_on == 0.0 or alt > ALT_MAX:
        return 0.0, 0.0, 1.0
    _, p, rho, a = atmosphere(alt)
    return p, rho, a


@jit_borrow
def _thrust_direction(t: float, y: np.ndarray, p: np.ndarray, ph: np.ndarray,
                      vax: float, vay: float, vaz: float, va: float,
                      tab: np.ndarray) -> tuple[float, float, float]:
    """Unit thrust direction in the inertial frame for the phase's guidance mode."""
    mode = ph[PH_MODE]
    if mode == MODE_GRAVITY_TURN and va > 1.0:
        return vax / va, vay / va, vaz / va
    if mode == MODE_HOLD or mode == MODE_HOLD_HORIZONTAL:
        return ph[PH_HOLD], ph[PH_HOLD + 1], ph[PH_HOLD + 2]
    if mode == MODE_LINEAR_TANGENT:
        # pitch above the local horizontal in the steering plane: tan = A + B (t - t0)
        r = math.sqrt(y[X] * y[X] + y[Y] * y[Y] + y[Z] * y[Z])
        ux, uy, uz = y[X] / r, y[Y] / r, y[Z] / r
        nx, ny, nz = ph[PH_PLANE], ph[PH_PLANE + 1], ph[PH_PLANE + 2]
        hx, hy, hz = ny * uz - nz * uy, nz * ux - nx * uz, nx * uy - ny * ux  # downrange
        th = math.atan(ph[PH_GUIDE_A] + ph[PH_GUIDE_B] * (t - ph[PH_GUIDE_T0]))
        ct, st = math.cos(th), math.sin(th)
        return ct * hx + st * ux, ct * hy + st * uy, ct * hz + st * uz
    if mode == MODE_PITCH_PROGRAM:
        el = interp_rows(t, tab, TAB_PITCH_T, tab, TAB_PITCH_EL)
        ce, se = math.cos(el), math.sin(el)
        ca, sa = math.cos(p[P_AZ]), math.sin(p[P_AZ])
        dx = ce * (ca * p[P_NORTH] + sa * p[P_EAST]) + se * p[P_UP]
        dy = ce * (ca * p[P_NORTH + 1] + sa * p[P_EAST + 1]) + se * p[P_UP + 1]
        dz = ce * (ca * p[P_NORTH + 2] + sa * p[P_EAST + 2]) + se * p[P_UP + 2]
        return dx, dy, dz
    return p[P_UP], p[P_UP + 1], p[P_UP + 2]


@jit_borrow
def curve_fraction(t: float, ph: np.ndarray, tab: np.ndarray) -> float:
    """Thrust-curve fraction of a lone solid motor (1 for liquid engines, 0 after burn-out)."""
    row = int(ph[PH_CURVE])
    if row < 0:
        return 1.0
    tc = t - ph[PH_T_START]
    if tc < tab[row, 0] or tc > tab[row, tab.shape[1] - 1]:
        return 0.0
    return interp_rows(tc, tab, row, tab, row + 1)


@jit_borrow
def forces(t: float, y: np.ndarray, p: np.ndarray, ph: np.ndarray,
           cd_mach: np.ndarray, cd_val: np.ndarray,
           tab: np.ndarray,
           acc: np.ndarray, diag: np.ndarray, rates: bool) -> float:
    """Acceleration and diagnostics at one state; returns the mass rate [kg/s].

    Parameters
    ----------
    t : float
        Time since liftoff [s].
    y : ndarray, shape (7,)
        State (see module docstring).
    p, ph : ndarray
        Flight parameters and this phase's row of the phase table.
    cd_mach, cd_val : ndarray, shape (n_tables, n)
        Drag tables: Mach numbers [-] and drag coefficients [-].
    tab : ndarray, shape (N_TAB, n)
        Pitch programme and wind profile (rows ``TAB_*``).
    acc : ndarray, shape (3,)
        Output: inertial acceleration [m/s^2].
    diag : ndarray, shape (N_DIAG,)
        Output: altitude [m], latitude and longitude [rad] (NaN without ``rates`` unless a
        wind needs them), speed relative to the Earth [m/s], Mach [-], dynamic pressure
        [Pa], thrust [N], drag [N], non-gravitational acceleration [m/s^2], altitude rate
        [m/s], dynamic-pressure rate [Pa/s] and the Moon's distance and range rate (the
        last four only if ``rates``).
    rates : bool
        Whether to compute all the diagnostics: the event functions and the tables need
        them, the equations of motion do not.
    """
    w = p[P_OMEGA]
    x, yy, z = y[X], y[Y], y[Z]
    alt = geodetic_height(x, yy, z)  # the Earth's turn about its axis does not change it
    # velocity relative to the rotating Earth: v - w x r
    vrx = y[VX] + w * yy
    vry = y[VY] - w * x
    vrz = y[VZ]
    vr = math.sqrt(vrx * vrx + vry * vry + vrz * vrz)
    # relative to the air, which turns with the Earth and blows with the wind
    vax, vay, vaz = vrx, vry, vrz
    wind = interp_rows(alt, tab, TAB_WIND_H, tab, TAB_WIND_V)
    lat, lon = math.nan, math.nan
    c, s = 1.0, 0.0  # cosine and sine of the Earth's turn, where they are needed
    if rates or wind != 0.0:
        theta = p[P_THETA0] + w * t
        c, s = math.cos(theta), math.sin(theta)
        lat, lon, _ = geodetic_from_ecef(c * x + s * yy, -s * x + c * yy, z)
    wux, wuy, wuz = 0.0, 0.0, 0.0  # unit vector the wind blows along, inertial axes
    if wind != 0.0:
        # the wind blows towards P_WIND_FROM + pi: east and north parts, then inertial axes
        to = p[P_WIND_FROM] + math.pi
        we, wn = math.sin(to), math.cos(to)
        sl, cl, so, co = math.sin(lat), math.cos(lat), math.sin(lon), math.cos(lon)
        fx = -so * we - sl * co * wn
        fy = co * we - sl * so * wn
        wux, wuy, wuz = c * fx - s * fy, s * fx + c * fy, cl * wn
        vax -= wind * wux
        vay -= wind * wuy
        vaz -= wind * wuz
    va = math.sqrt(vax * vax + vay * vay + vaz * vaz)
    pa, rho, a = _air(alt, p[P_ATMOS])
    rho *= p[P_RHO_SCALE]
    mach = va / a
    row = int(ph[PH_CD_ROW])
    cd = drag_coefficient_row(mach, cd_mach, cd_val, row)
    q = dynamic_pressure(rho, va)
    drag = q * cd * ph[PH_AREF]
    m = y[M]
    # the engines burn for the whole phase (their depletion event ends it), so that a step
    # straddling the depletion sees smooth equations and the event is found on it
    burning = ph[PH_THROTTLE] > 0.0
    frac = curve_fraction(t, ph, tab) if burning else 0.0
    f = thrust(ph[PH_F_VAC] * frac, ph[PH_A_EXIT], pa, ph[PH_THROTTLE]) if burning else 0.0
    mdot = ph[PH_MDOT] * ph[PH_THROTTLE] * frac
    gx, gy, gz = gravity_accel(x, yy, z, p[P_MU], p[P_J2])
    moon_r, moon_rdot = np.inf, 1.0
    if p[P_EPH_ROW] >= 0.0:
        eph = tab[int(p[P_EPH_ROW])]
        nseg, ncoef, seg = int(p[P_EPH_NSEG]), int(p[P_EPH_NCOEF]), p[P_EPH_SEG]
        for which in range(2):
            bx, by, bz = body_xyz(eph, nseg, ncoef, seg, t, which)
            dx, dy, dz = bx - x, by - yy, bz - z
            d2 = dx * dx + dy * dy + dz * dz
            d = math.sqrt(d2)
            b2 = bx * bx + by * by + bz * bz
            mu = p[P_MU_MOON] if which == 0 else p[P_MU_SUN]
            kd, kb = mu / (d2 * d), mu / (b2 * math.sqrt(b2))
            # the body pulls the vehicle, and the Earth (whose frame this is)
            gx += kd * dx - kb * bx
            gy += kd * dy - kb * by
            gz += kd * dz - kb * bz
            if which == 0 and rates:
                ax1, ay1, az1 = body_xyz(eph, nseg, ncoef, seg, t + 1.0, 0)
                ax0, ay0, az0 = body_xyz(eph, nseg, ncoef, seg, t - 1.0, 0)
                vmx, vmy, vmz = 0.5 * (ax1 - ax0), 0.5 * (ay1 - ay0), 0.5 * (az1 - az0)
                moon_r = d
                moon_rdot = -(dx * (y[VX] - vmx) + dy * (y[VY] - vmy) + dz * (y[VZ] - vmz)) / d
    ax, ay, az = 0.0, 0.0, 0.0
    if f > 0.0:
        dx, dy, dz = _thrust_direction(t, y, p, ph, vax, vay, vaz, va, tab)
        ax, ay, az = f * dx / m, f * dy / m, f * dz / m
    if va > 0.0:
        k = drag / (m * va)
        ax -= k * vax
        ay -= k * vay
        az -= k * vaz
    acc[0], acc[1], acc[2] = gx + ax, gy + ay, gz + az
    diag[D_ALT], diag[D_LAT], diag[D_LON] = alt, lat, lon
    diag[D_VREL], diag[D_MACH], diag[D_Q] = vr, mach, q
    diag[D_THRUST], diag[D_DRAG] = f, drag
    diag[D_ACCEL] = math.sqrt(ax * ax + ay * ay + az * az)
    if not rates:
        return -mdot
    # altitude rate along the ellipsoid normal; dq/dt from the density gradient and airspeed rate
    cl = math.cos(lat)
    ux = cl * math.cos(lon)
    uy = cl * math.sin(lon)
    uz = math.sin(lat)
    ue_x, ue_y = c * ux - s * uy, s * ux + c * uy  # up, rotated to inertial axes
    dhdt = vrx * ue_x + vry * ue_y + vrz * uz
    dq = 0.0
    if rho > 0.0 and va > 0.0:
        drho_dh = density_gradient(alt, rho)  # rho already scaled
        # d(v_air)/dt = a - w x v - u dW/dh dh/dt (the turning of u along the path neglected)
        dwind = (interp_rows(alt + 10.0, tab, TAB_WIND_H, tab, TAB_WIND_V) - wind) / 10.0
        dw = dwind * dhdt
        arx = acc[0] + w * y[VY] - dw * wux
        ary = acc[1] - w * y[VX] - dw * wuy
        arz = acc[2] - dw * wuz
        dva = (vax * arx + vay * ary + vaz * arz) / va
        dq = 0.5 * va * va * drho_dh * dhdt + rho * va * dva
    diag[D_DHDT], diag[D_DQDT] = dhdt, dq
    diag[D_MOON_R], diag[D_MOON_RDOT] = moon_r, moon_rdot
    return -mdot


@jit_borrow
def rhs(t: float, y: np.ndarray, p: np.ndarray, ph: np.ndarray,
        cd_mach: np.ndarray, cd_val: np.ndarray, tab: np.ndarray,
        dy: np.ndarray, acc: np.ndarray, diag: np.ndarray, rates: bool = False) -> None:
    """Time derivative of the state, written into ``dy`` (scratch ``acc``, ``diag``).

    With ``rates`` the diagnostics needed by the event functions are left in ``diag``.
    """
    dm = forces(t, y, p, ph, cd_mach, cd_val, tab, acc, diag, rates)
    dy[X], dy[Y], dy[Z] = y[VX], y[VY], y[VZ]
    dy[VX], dy[VY], dy[VZ] = acc[0], acc[1], acc[2]
    dy[M] = dm


@jit_borrow
def free_flight_range(y: np.ndarray, mu: float, radius: float) -> float:
    """Angle [rad] the vehicle would travel, coasting on a Kepler conic, to ``radius`` [m].

    The range function of ballistic-missile guidance: the central angle from the present
    position to where the descending branch of the conic meets a sphere of ``radius``;
    -1 while the conic does not reach that sphere on the way down (too slow to lift off it,
    or an escape). Earth rotation and drag are left to the aiming.

    References
    ----------
    Bate, R. R., Mueller, D. D. & White, J. E., Fundamentals of Astrodynamics (1971),
    sec. 6.2 (the free-flight range equation).
    """
    rx, ry, rz, vx, vy, vz = y[X], y[Y], y[Z], y[VX], y[VY], y[VZ]
    r = math.sqrt(rx * rx + ry * ry + rz * rz)
    hx, hy, hz = ry * vz - rz * vy, rz * vx - rx * vz, rx * vy - ry * vx
    h2 = hx * hx + hy * hy + hz * hz
    if h2 <= 0.0 or mu <= 0.0:
        return -1.0
    p = h2 / mu
    v2 = vx * vx + vy * vy + vz * vz
    e = math.sqrt(max(0.0, 1.0 + (v2 - 2.0 * mu / r) * h2 / (mu * mu)))
    if e < 1e-9 or e >= 1.0:
        return -1.0
    c0 = min(1.0, max(-1.0, (p / r - 1.0) / e))
    c1 = (p / radius - 1.0) / e
    if c1 > 1.0 or c1 < -1.0:
        return -1.0
    rdot = (rx * vx + ry * vy + rz * vz) / r
    nu0 = math.acos(c0) if rdot >= 0.0 else 2.0 * math.pi - math.acos(c0)
    nu1 = 2.0 * math.pi - math.acos(c1)  # the descending crossing
    return nu1 - nu0 if nu1 > nu0 else -1.0


@jit_borrow
def event_values(t: float, y: np.ndarray, p: np.ndarray, ph: np.ndarray, diag: np.ndarray,
                 out: np.ndarray) -> None:
    """Event functions at a state whose diagnostics are in ``diag``; roots are the events."""
    out[EV_MACH1] = diag[D_MACH] - 1.0
    out[EV_MAXQ] = diag[D_DQDT]
    out[EV_APOGEE] = diag[D_DHDT]
    out[EV_CUTOFF_SPEED] = diag[D_VREL] - ph[PH_V_END]
    out[EV_CUTOFF_TIME] = t - ph[PH_T_END]
    out[EV_DEPLETION] = y[M] - ph[PH_M_EMPTY] if ph[PH_THROTTLE] > 0.0 else 1.0
    if ph[PH_CURVE] >= 0.0 and ph[PH_THROTTLE] > 0.0:
        out[EV_DEPLETION] = 1.0  # a solid motor's end is its curve's: the time event ends it
    out[EV_IMPACT] = diag[D_ALT]
    r = math.sqrt(y[X] * y[X] + y[Y] * y[Y] + y[Z] * y[Z])
    v2 = y[VX] * y[VX] + y[VY] * y[VY] + y[VZ] * y[VZ]
    out[EV_CUTOFF_ENERGY] = 0.5 * v2 - p[P_MU] / r - ph[PH_E_END]
    out[EV_MOON_CA] = diag[D_MOON_RDOT]
    out[EV_MOON_SOI] = diag[D_MOON_R] - MOON_SOI_RADIUS
    out[EV_CUTOFF_RANGE] = -1.0
    if ph[PH_RANGE_END] < 100.0 and ph[PH_THROTTLE] > 0.0:  # only in a phase that asks
        out[EV_CUTOFF_RANGE] = free_flight_range(y, p[P_MU], WGS84_A) - ph[PH_RANGE_END]
