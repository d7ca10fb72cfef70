"""Every array layout of the kernel, once: the state, the flight parameters, the tables, the
phase table, the diagnostics, the trajectory table, the batch figures and the statuses.

The kernel sees only floats and arrays; these names say what each index holds. numba reads
module-level integers as constants, so naming an index costs nothing in compiled code.
"""

from __future__ import annotations

# --- state ``y`` (inertial frame of date, see ``spacerace.frames``) -------------------------
X, Y, Z, VX, VY, VZ, M = range(7)  # position [m], velocity [m/s], mass [kg]
N_STATE = 7

# --- flight-wide parameters ``p`` ------------------------------------------------------------
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

# --- tables: rows of ``tab``, each padded by repeating its last entry -------------------------
# pitch programme (time [s], elevation [rad]), wind profile (altitude [m], speed [m/s] from
# ``P_WIND_FROM``), then two rows per solid motor's thrust curve and the ephemeris row
TAB_PITCH_T, TAB_PITCH_EL, TAB_WIND_H, TAB_WIND_V = range(4)
N_TAB = 4

# --- stage table ``stg`` (one row per stage) ---------------------------------------------------
STG_F_VAC = 0  # vacuum thrust of the stage's engines at full throttle [N]
STG_MDOT = 1  # their mass flow [kg/s] (solid motors: at the curve's 100 %)
STG_A_EXIT = 2  # their nozzle exit area [m^2]
STG_PROP = 3  # propellant loaded [kg]
STG_DRY = 4  # dry mass [kg]
STG_CURVE = 5  # row of ``tab`` with the thrust curve's time (fraction in the next), -1: none
N_STG = 6

# --- guidance modes (``PH_MODE``; the names a mission file uses are in ``spacerace.guidance``)
MODE_VERTICAL, MODE_PITCH_PROGRAM, MODE_GRAVITY_TURN, MODE_COAST = range(4)
MODE_HOLD, MODE_HOLD_HORIZONTAL, MODE_LINEAR_TANGENT = range(4, 7)

# --- phase table ``phases`` (one row per phase) ------------------------------------------------
PH_MODE = 0  # guidance mode (MODE_*)
PH_THROTTLE = 1  # fraction of rated flow [-] (0: the engines are off in this phase)
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
# Set by the packing again:
PH_RANGE_END = 25  # cut-off when the predicted free-flight range angle reaches this [rad]
PH_YAW = 26  # steering plane turned about the local vertical, to the left of the flight [rad]
N_PH = 27

# --- diagnostics (outputs of ``kernel.dynamics.forces``) ----------------------------------------
D_ALT, D_LAT, D_LON, D_VREL, D_MACH, D_Q, D_THRUST, D_DRAG, D_ACCEL, D_DHDT, D_DQDT = range(11)
D_MOON_R, D_MOON_RDOT = 11, 12  # distance to the Moon's centre [m] and its rate [m/s]
D_SIN_LAT, D_COS_LAT = 13, 14  # sine and cosine of the geodetic latitude [-] (always set)
N_DIAG = 15

# --- trajectory table (rows of ``kernel.output.table_rows``) ------------------------------------
# the diagnostics ``D_ALT`` .. ``D_ACCEL`` at their own indices, then:
T_X_ECEF, T_Y_ECEF = D_ACCEL + 1, D_ACCEL + 2  # Earth-fixed x and y [m]
T_SPEED_INERTIAL = D_ACCEL + 3  # [m/s]
T_FLIGHT_PATH_ANGLE = D_ACCEL + 4  # of the velocity relative to the Earth [rad]
T_HEADING = D_ACCEL + 5  # of that velocity, clockwise from north, in [0, 2 pi) [rad]
T_DOWNRANGE = D_ACCEL + 6  # from (lat0, lon0) along the ellipsoid (Vincenty; NaN: failed) [m]
N_T = D_ACCEL + 7

# --- batch figures (rows of ``kernel.output.summarize``) ----------------------------------------
R_STATUS, R_T_END, R_IMPACT_T, R_IMPACT_LAT, R_IMPACT_LON, R_IMPACT_SPEED = range(6)
R_APOGEE_ALT, R_CUTOFF_T, R_CUTOFF_SPEED, R_CUTOFF_ALT, R_CUTOFF_INERTIAL = range(6, 11)
R_STATE = 11  # final state, 7 values
R_CUTOFF_STATE = 18  # state at the last engine cut-off, 7 values
N_R = 25

# --- how a flight stopped ----------------------------------------------------------------------
STATUS_IMPACT = 0
STATUS_PHASES_DONE = 1
STATUS_TIME_LIMIT = 2
STATUS_STEP_LIMIT = 3
STATUS_STEP_UNDERFLOW = 4
STATUS_BUFFER_FULL = 5
# Set by the closed-loop guidance around the kernel (``spacerace.guidance``):
STATUS_GUIDANCE_GROUND = 6
STATUS_GUIDANCE_SHORT = 7
STATUS_MESSAGES = {
    STATUS_IMPACT: "impact",
    STATUS_PHASES_DONE: "all phases flown",
    STATUS_TIME_LIMIT: "time limit reached",
    STATUS_STEP_LIMIT: "too many integration steps",
    STATUS_STEP_UNDERFLOW: "step size underflow (the equations became stiff or singular)",
    STATUS_BUFFER_FULL: "output buffer full",
    STATUS_GUIDANCE_GROUND: "the closed-loop guidance steered the vehicle into the ground",
    STATUS_GUIDANCE_SHORT: "the closed-loop burn ran out of propellant before its target orbit",
}
# Statuses of a flight that ended as planned (anything else stopped it early).
STATUS_FLOWN = (STATUS_IMPACT, STATUS_PHASES_DONE)
