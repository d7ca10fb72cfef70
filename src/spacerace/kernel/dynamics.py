"""Equations of motion of a point-mass rocket over the rotating WGS-84 Earth (compiled).

The state and every parameter are plain arrays (layouts in ``spacerace.kernel.layout``):
``p`` the flight-wide parameters, ``ph`` this phase's row of the phase table, ``cd_mach`` and
``cd_val`` the drag tables, ``tab`` the pitch programme, wind profile, thrust curves and
ephemeris. The forces are assembled here from the models of ``spacerace.models`` (gravity
with J2 and third bodies, the atmosphere, drag, thrust at ambient pressure, wind); the
attitude laws (vertical rise, tabulated pitch programme, gravity turn, held directions and
the linear tangent law with the coefficients ``spacerace.guidance`` solves) are evaluated
here, so that a whole flight stays compiled.
"""

from __future__ import annotations

import math

import numpy as np

from spacerace._jit import jit, jit_borrow, jit_inline
from spacerace.ephem import body_xyz
from spacerace.kernel.layout import (
    D_ACCEL,
    D_ALT,
    D_COS_LAT,
    D_DHDT,
    D_DQDT,
    D_DRAG,
    D_LAT,
    D_LON,
    D_MACH,
    D_MOON_R,
    D_MOON_RDOT,
    D_Q,
    D_SIN_LAT,
    D_THRUST,
    D_VREL,
    MODE_GRAVITY_TURN,
    MODE_HOLD,
    MODE_HOLD_HORIZONTAL,
    MODE_LINEAR_TANGENT,
    MODE_PITCH_PROGRAM,
    P_ATMOS,
    P_AZ,
    P_EAST,
    P_EPH_NCOEF,
    P_EPH_NSEG,
    P_EPH_ROW,
    P_EPH_SEG,
    P_J2,
    P_MU,
    P_MU_MOON,
    P_MU_SUN,
    P_NORTH,
    P_OMEGA,
    P_RHO_SCALE,
    P_UP,
    P_WIND_FROM,
    PH_A_EXIT,
    PH_AREF,
    PH_CD_ROW,
    PH_CURVE,
    PH_F_VAC,
    PH_GUIDE_A,
    PH_GUIDE_B,
    PH_GUIDE_T0,
    PH_HOLD,
    PH_MDOT,
    PH_MODE,
    PH_PLANE,
    PH_T_START,
    PH_THROTTLE,
    TAB_PITCH_EL,
    TAB_PITCH_T,
    TAB_WIND_H,
    TAB_WIND_V,
    VX,
    VY,
    VZ,
    M,
    X,
    Y,
    Z,
)
from spacerace.models.aero import drag_coefficient_row, dynamic_pressure
from spacerace.models.atmosphere import ALT_MAX, atmosphere, density_gradient
from spacerace.models.earth import geodetic_height_latitude
from spacerace.models.gravity import gravity_accel, third_body_accel
from spacerace.models.propulsion import thrust
from spacerace.models.tables import interp_rows
from spacerace.models.wind import wind_direction

# Half-interval of the central difference that gives the Moon's velocity from its ephemeris
# [s]: the Moon moves about 1 km/s, so its position changes by 1 km, far above the
# Chebyshev series' rounding, while the velocity's change over 1 s (3e-6 m/s) is negligible.
MOON_VELOCITY_DT = 1.0
# Height step of the wind profile's gradient, for dq/dt [m]: well below the profile's spacing.
WIND_GRADIENT_DH = 10.0
# Airspeed below which the gravity turn has no direction to follow [m/s].
GRAVITY_TURN_MIN_SPEED = 1.0


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
    if mode == MODE_GRAVITY_TURN and va > GRAVITY_TURN_MIN_SPEED:
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
        Output: altitude [m], latitude and longitude [rad] (NaN: the event functions do
        not need them; ``kernel.output.with_angles`` fills them in from the next two),
        speed relative to the Earth [m/s], Mach [-], dynamic pressure
        [Pa], thrust [N], drag [N], non-gravitational acceleration [m/s^2], altitude rate
        [m/s], dynamic-pressure rate [Pa/s] and the Moon's distance and range rate (the
        last four only if ``rates``), then the sine and cosine of the geodetic latitude.
    rates : bool
        Whether to compute all the diagnostics: the event functions and the tables need
        them, the equations of motion do not.
    """
    w = p[P_OMEGA]
    x, yy, z = y[X], y[Y], y[Z]
    # the Earth's turn about its axis changes neither the height nor the latitude
    alt, sin_lat, cos_lat = geodetic_height_latitude(x, yy, z)
    # velocity relative to the rotating Earth: v - w x r
    vrx = y[VX] + w * yy
    vry = y[VY] - w * x
    vrz = y[VZ]
    vr = math.sqrt(vrx * vrx + vry * vry + vrz * vrz)
    # relative to the air, which turns with the Earth and blows with the wind
    vax, vay, vaz = vrx, vry, vrz
    wind = interp_rows(alt, tab, TAB_WIND_H, tab, TAB_WIND_V)
    wux, wuy, wuz = 0.0, 0.0, 0.0  # unit vector the wind blows along, inertial axes
    if wind != 0.0:
        wux, wuy, wuz = wind_direction(p[P_WIND_FROM], x, yy, sin_lat, cos_lat)
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
            mu = p[P_MU_MOON] if which == 0 else p[P_MU_SUN]
            tx, ty, tz = third_body_accel(x, yy, z, bx, by, bz, mu)
            gx, gy, gz = gx + tx, gy + ty, gz + tz
            if which == 0 and rates:
                dx, dy, dz = bx - x, by - yy, bz - z
                d = math.sqrt(dx * dx + dy * dy + dz * dz)
                # the Moon's velocity by a central difference over +-MOON_VELOCITY_DT
                ax1, ay1, az1 = body_xyz(eph, nseg, ncoef, seg, t + MOON_VELOCITY_DT, 0)
                ax0, ay0, az0 = body_xyz(eph, nseg, ncoef, seg, t - MOON_VELOCITY_DT, 0)
                k = 0.5 / MOON_VELOCITY_DT
                vmx, vmy, vmz = k * (ax1 - ax0), k * (ay1 - ay0), k * (az1 - az0)
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
    diag[D_ALT], diag[D_LAT], diag[D_LON] = alt, math.nan, math.nan  # see output.with_angles
    diag[D_SIN_LAT], diag[D_COS_LAT] = sin_lat, cos_lat
    diag[D_VREL], diag[D_MACH], diag[D_Q] = vr, mach, q
    diag[D_THRUST], diag[D_DRAG] = f, drag
    diag[D_ACCEL] = math.sqrt(ax * ax + ay * ay + az * az)
    if not rates:
        return -mdot
    # altitude rate along the ellipsoid normal; dq/dt from the density gradient and airspeed rate
    rxy = math.sqrt(x * x + yy * yy)  # the up direction, in inertial axes
    dhdt = vrz * sin_lat
    if rxy > 0.0:
        dhdt += (vrx * x + vry * yy) * cos_lat / rxy
    dq = 0.0
    if rho > 0.0 and va > 0.0:
        drho_dh = density_gradient(alt, rho)  # rho already scaled
        # d(v_air)/dt = a - w x v - u dW/dh dh/dt (the turning of u along the path neglected)
        dwind = (interp_rows(alt + WIND_GRADIENT_DH, tab, TAB_WIND_H, tab, TAB_WIND_V)
                 - wind) / WIND_GRADIENT_DH
        dw = dwind * dhdt
        arx = acc[0] + w * y[VY] - dw * wux
        ary = acc[1] - w * y[VX] - dw * wuy
        arz = acc[2] - dw * wuz
        dva = (vax * arx + vay * ary + vaz * arz) / va
        dq = 0.5 * va * va * drho_dh * dhdt + rho * va * dva
    diag[D_DHDT], diag[D_DQDT] = dhdt, dq
    diag[D_MOON_R], diag[D_MOON_RDOT] = moon_r, moon_rdot
    return -mdot


# ``forces`` compiled into its callers: the stages call it a thousand times a flight, the
# trajectory table once a row
forces_inline = jit_inline(forces)


@jit_borrow
def rhs(t: float, y: np.ndarray, p: np.ndarray, ph: np.ndarray,
        cd_mach: np.ndarray, cd_val: np.ndarray, tab: np.ndarray,
        dy: np.ndarray, acc: np.ndarray, diag: np.ndarray, rates: bool) -> None:
    """Time derivative of the state, written into ``dy`` (scratch ``acc``, ``diag``).

    With ``rates`` the diagnostics needed by the event functions are left in ``diag``.
    """
    dm = forces_inline(t, y, p, ph, cd_mach, cd_val, tab, acc, diag, rates)
    dy[X], dy[Y], dy[Z] = y[VX], y[VY], y[VZ]
    dy[VX], dy[VY], dy[VZ] = acc[0], acc[1], acc[2]
    dy[M] = dm
