"""Physical constants, SI, each with its source.

Every number the physics uses that is not a vehicle or mission figure lives here.
"""

# --- WGS-84 ellipsoid and Earth -------------------------------------------------------------
# NIMA TR8350.2, "Department of Defense World Geodetic System 1984", 3rd ed. (2000), Table 3.1.
WGS84_A = 6378137.0  # semi-major axis [m]
WGS84_F = 1.0 / 298.257223563  # flattening [-]
WGS84_B = WGS84_A * (1.0 - WGS84_F)  # semi-minor axis [m] (Table 3.3: 6356752.3142 m)
WGS84_E2 = WGS84_F * (2.0 - WGS84_F)  # first eccentricity squared [-]
# Earth's angular velocity [rad/s], NIMA TR8350.2 Table 3.1 (mean rate, no precession).
OMEGA_EARTH = 7.292115e-5
# Geocentric gravitational constant incl. the atmosphere [m^3/s^2], NIMA TR8350.2 Table 3.1.
GM_EARTH = 3.986004418e14
# Second zonal harmonic, unnormalised J2 = -sqrt(5) * C20bar with C20bar = -0.484166774985e-3
# (EGM96, NIMA TR8350.2 Table 5.1 / Lemoine et al. 1998, NASA/TP-1998-206861).
J2_EARTH = 1.0826298213129219e-3

# Earth Rotation Angle, IERS Conventions (2010), eq. 5.15:
# ERA(Tu) = 2π (0.7790572732640 + 1.00273781191135448 Tu), Tu = JD(UT1) − 2451545.0.
ERA_AT_J2000 = 0.7790572732640  # [turns]
ERA_RATE = 1.00273781191135448  # [turns per UT1 day]
JD_J2000 = 2451545.0  # Julian date of J2000.0 [day]

# --- Standard gravity ---------------------------------------------------------------------
G0 = 9.80665  # standard acceleration of gravity [m/s^2], 3rd CGPM (1901); used by Isp and tf.

# --- U.S. Standard Atmosphere 1976 (NOAA-S/T 76-1562) --------------------------------------
US76_R_STAR = 8.31432  # universal gas constant as defined by USSA-1976 [J/(kmol K)] x 1e-3
US76_M0 = 28.9644  # sea-level mean molecular weight [kg/kmol]
US76_R_AIR = US76_R_STAR * 1000.0 / US76_M0  # specific gas constant of air [J/(kg K)]
US76_G0 = 9.80665  # g0 used for geopotential altitude [m/s^2]
US76_R0 = 6356766.0  # effective Earth radius for geopotential altitude [m]
US76_GAMMA = 1.40  # ratio of specific heats [-]
US76_P0 = 101325.0  # sea-level pressure [Pa]

# --- Third bodies -----------------------------------------------------------------------------
# Gravitational parameters of the JPL DE421 ephemeris (Folkner, Williams & Boggs 2008,
# IPN Progress Report 42-178, Table 2: GM_Moon 4902.800076 km^3/s^2 from GM_EMB and the
# Earth/Moon mass ratio 81.30056; GM_Sun = k^2 AU^3/day^2 = 132712440040.9 km^3/s^2).
GM_MOON = 4.902800076e12  # [m^3/s^2]
GM_SUN = 1.327124400409e20  # [m^3/s^2]
MOON_RADIUS = 1737.4e3  # mean radius of the Moon [m] (IAU WGCCRE 2015, Archinal et al. 2018)
MOON_MEAN_DISTANCE = 384_400e3  # semi-major axis of the Moon's orbit [m] (NASA Moon Fact Sheet)
# Laplace's sphere of influence of the Moon in the Earth's field, a (m_Moon / m_Earth)^(2/5):
# about 66,200 km. Inside it the motion is better described about the Moon than the Earth.
MOON_SOI_RADIUS = MOON_MEAN_DISTANCE * (GM_MOON / GM_EARTH) ** 0.4  # [m]
