"""The stable identifiers of a flight's events (``EventRecord.kind``), for the kernel's event
table, files, plots and pages alike: what a view tests, where a name is only for people."""

LIFTOFF = "liftoff"
MACH_1 = "mach_1"
MAX_Q = "max_q"
APOGEE = "apogee"
CUTOFF_SPEED = "cutoff_speed"
CUTOFF_TIME = "cutoff_time"
DEPLETION = "depletion"
IMPACT = "impact"
CUTOFF_ORBIT = "cutoff_orbit"
MOON_CLOSEST_APPROACH = "moon_closest_approach"
CUTOFF_RANGE = "cutoff_range"
MOON_SOI = "moon_sphere_of_influence"  # direction -1 entering, +1 leaving
