"""Commented vehicle and mission files for ``spacerace new``: they fly as written.

The figures are placeholders of the size of a V-2 (each marked with the example source key
``MY-SOURCE``), for a user to replace with their own rocket's; every field is explained in a
comment, and ``docs/file-format.md`` says the rest.
"""

from __future__ import annotations

import json

_VEHICLE = """\
# @NAME@: a vehicle for spacerace (fly it: spacerace fly --vehicle @NAME@.toml --mission ...).
# Every table and field: docs/file-format.md. Replace the figures with your rocket's; each
# figure is a value with its unit ("8.67 t", "25 tf", "56,000 lbf"), bare or as
# { value = ..., source = ..., note = ... } saying where it comes from.

# Your own source keys: KEY = "citation". A figure's `source` names one of these, or a key of
# spacerace's bibliography (DERIVED: computed from others; RECONSTRUCTED: reasoned, say how).
[sources]
MY-SOURCE = "Author, Title (Publisher, year), page: replace with where your figures come from"

[vehicle]
# The name of the vehicle.
id = @ID@
name = "My rocket"                         # full name, shown in tables
summary = "A single-stage liquid-propellant rocket."   # one paragraph (optional)
payload_mass = { value = "1 t", source = "MY-SOURCE", note = "warhead or payload above the last stage" }

# One [[stages]] table per stage, first (lowest) first; phases of a mission name them by
# index (0 first) or by `name`.
[[stages]]
name = "first stage"
dry_mass = { value = "3 t", source = "MY-SOURCE", note = "empty mass: structure, engine, tanks" }
propellant_mass = { value = "8.7 t", source = "MY-SOURCE", note = "usable propellant" }
diameter = { value = "1.65 m", source = "MY-SOURCE", note = "sets the reference area of the drag" }
length = { value = "14 m", source = "MY-SOURCE" }   # optional: a spent stage's area in orbit
# Drag coefficient of the stack against Mach number (plain numbers, linear between points).
drag = { mach = [0.0, 0.8, 1.2, 2.0, 5.0], cd = [0.15, 0.15, 0.40, 0.25, 0.15], source = "MY-SOURCE" }

  # One [[stages.engines]] table per group of identical engines. Thrust: thrust_vacuum or
  # thrust_sea_level (with nozzle_exit_area the other follows); flow: mass_flow, isp_vacuum
  # or isp_sea_level.
  [[stages.engines]]
  name = "main engine"
  count = 1                                # identical engines; the figures are for one
  thrust_sea_level = { value = "25 tf", source = "MY-SOURCE", note = "rated thrust at sea level", alternatives = [{ value = "56,000 lbf", source = "MY-SOURCE", note = "another published figure, kept for the record" }] }
  isp_sea_level = { value = "200 s", source = "MY-SOURCE" }
  nozzle_exit_area = { value = "0.43 m^2", source = "MY-SOURCE", note = "exit area of one nozzle: the thrust grows as the air thins" }
"""

_MISSION = """\
# @NAME@: a mission for spacerace (fly it: spacerace fly --mission @NAME@.toml, or with
# --vehicle FILE to fly another vehicle). Every table and field: docs/file-format.md.
# A ballistic flight aimed at a target: spacerace solves the cut-off speed and the launch
# azimuth that put the impact on it, as the V-2's range tables did.

[sources]
MY-SOURCE = "Author, Title (Publisher, year), page: replace with where your figures come from"

[mission]
id = @ID@
name = "My first flight"
# Its vehicle: a catalog name (v2, r1...) or a vehicle file.
vehicle = @VEHICLE@
epoch = 1946-05-10T19:15:00Z               # liftoff: a TOML date-time with a zone
aim = ["cutoff_speed", "azimuth"]          # solved before the flight (see the reference)
# azimuth = "10 deg"                       # launch azimuth from north; not needed here: the
#                                          # aim solves it, starting from the target's bearing

[mission.site]                             # where it starts (WGS-84)
name = "my launch site"
lat = { value = "32.38 deg", source = "MY-SOURCE" }
lon = { value = "-106.48 deg", source = "MY-SOURCE" }
alt = { value = "1.2 km", source = "MY-SOURCE" }

[mission.target]                           # where it is aimed
name = "my target"
lat = { value = "33.6 deg", source = "MY-SOURCE" }
lon = { value = "-106.4 deg", source = "MY-SOURCE" }

# Elevation of the thrust above the launch horizon against the time since liftoff, flown by
# `pitch_program` phases (one unit for each list).
[pitch_program]
time = { values = [0.0, 4.0, 50.0, 200.0], unit = "s" }
elevation = { values = [90.0, 90.0, 45.0, 45.0], unit = "deg" }
source = "MY-SOURCE"

# The flight plan, in order. A phase ends at the first `until` reached; a burning phase also
# ends when its propellant runs out, and the flight when it reaches the ground. Guidance:
# vertical, pitch_program, gravity_turn, coast, hold, hold_horizontal, linear_tangent.
[[phases]]
name = "vertical rise"
guidance = "vertical"
stage = 0                                  # the stage whose engines burn (index or name)
until = { time = "4 s" }

[[phases]]
name = "pitch programme"
guidance = "pitch_program"
until = { speed = { value = "1200 m/s", source = "MY-SOURCE", note = "cut-off speed: a first guess, solved by the aim" } }

[[phases]]
name = "ballistic flight"
guidance = "coast"                         # engines off, to the ground

# What the real flight did, scored against the simulation. `role`: prediction (scored
# pass/FAIL), aimed (an aim makes it match; `by` says which), calibrated, input or context.
[archive.range_m]
role = "aimed"
by = "the aim on the cut-off speed and the azimuth (mission.aim)"
value = "135.5 km"
tolerance = "2 km"
source = "MY-SOURCE"
note = "distance from the site to the target"

# [archive.max_altitude_m]                 # an apogee someone measured: a prediction
# role = "prediction"
# value = "60 km"
# tolerance = "5 km"
# source = "MY-SOURCE"

# An error source for `spacerace montecarlo`, by the path of a number of the vehicle or
# mission; offsets relative ("1 %") or in the field's unit.
[dispersions."mission.azimuth"]
distribution = "normal"
sd = "0.1 deg"
source = "MY-SOURCE"
note = "laying of the rocket on its table"
"""


def _quoted(text: str) -> str:
    return json.dumps(text)  # a TOML basic string: JSON's escapes are TOML's


def vehicle(name: str) -> str:
    """The commented vehicle file of ``spacerace new vehicle NAME``."""
    return _VEHICLE.replace("@NAME@", name).replace("@ID@", _quoted(name))


def mission(name: str, vehicle_name: str = "v2") -> str:
    """The commented mission file of ``spacerace new mission NAME``, flown by
    ``vehicle_name`` (a catalog name or a vehicle file)."""
    return (_MISSION.replace("@NAME@", name).replace("@ID@", _quoted(name))
            .replace("@VEHICLE@", _quoted(vehicle_name)))
