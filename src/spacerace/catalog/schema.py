"""The file format in one place: every field of a vehicle or mission file.

``TABLES`` maps the name of each kind of table to its fields; each field's ``Spec`` says what
it holds (a quantity of a kind of ``quantities.DIMENSIONS``, a plain number, a whole number, a
sub-table, text...), the physical bounds a value must lie within, whether it is required and
its default. The loader reads every number through this table, so a bound changed here is the
bound enforced, and a reference of the file format can be generated from it.

Bounds are written as they would be in a file (``"0 kg"``, ``"1.5"``), so that messages and
a generated reference show them in the file's own terms. They are wide: they refuse what no
rocket of the period could be (a negative drag coefficient, a thrust of 10^300 N, a phase
limit of 30,000 years), not what one of them was not.

>>> spec = TABLES["engine"]["thrust_vacuum"]
>>> spec.kind, spec.low, spec.high, spec.above, spec.required
('force', '0 kN', '100000 kN', True, False)
>>> sorted(k for k, s in TABLES["stage"].items() if s.required)
['diameter', 'drag', 'dry_mass', 'engines', 'name', 'propellant_mass']
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Spec:
    """One field of a table of a vehicle or mission file.

    Attributes
    ----------
    kind : str
        A quantity kind of ``quantities.DIMENSIONS`` (``"mass"``, ``"force"``...), or
        ``"number"`` (dimensionless), ``"count"`` (a whole number), ``"figure"`` (a value
        whose kind the context gives: a dispersion's offsets, an archival figure's value),
        ``"stage"`` (a stage index or name), ``"stages"`` (a list of them), ``"text"``,
        ``"flag"`` (true/false), ``"date"`` (a TOML date-time with a zone), ``"choice"`` (one
        of the words in ``doc``), ``"list"`` (a list of the words in ``doc``), ``"sources"``
        (source key -> citation), ``"table"`` (a table of kind ``table``) or ``"tables"``
        (several such tables: an array, or a table of them by key).
    low, high : str, optional
        The lowest and highest values accepted, as written in a file; None: unbounded. For a
        list of numbers (``many``) they bound every element.
    above : bool
        The value must be strictly above ``low`` (zero excluded, for instance).
    required : bool
        The field must be present.
    default : str, optional
        The value taken when the field is absent, as written in a file.
    table : str
        For ``"table"``/``"tables"`` kinds: the key of ``TABLES`` describing it.
    many : bool
        A list of values of the kind (plain numbers, or ``{ values = [...], unit = "..." }``).
    increasing : bool
        For a list: values strictly increasing (the abscissa of a table).
    doc : str
        One line for the file-format reference.
    """

    kind: str
    low: str | None = None
    high: str | None = None
    above: bool = False
    required: bool = False
    default: str | None = None
    table: str = ""
    many: bool = False
    increasing: bool = False
    doc: str = ""


def _text(doc: str, required: bool = False) -> Spec:
    return Spec("text", required=required, doc=doc)


_NOTE = _text("free text: how the figure was obtained, or why it was chosen")
_SOURCE = _text("source key (sources.toml or the file's [sources]), optionally followed by "
                "words such as 'via KEY'")
_SOURCED = {"source": _SOURCE, "note": _NOTE}

_LAT = Spec("angle", "-90 deg", "90 deg", required=True, doc="geodetic latitude")
_LON = Spec("angle", "-360 deg", "360 deg", required=True, doc="longitude, east positive")
_ANGLE_TURN = ("-360 deg", "360 deg")
_INCLINATION = Spec("angle", "0 deg", "180 deg", doc="orbital inclination")
_MAX_FLIGHT_TIME = "30 day"  # the longest flight of the period in the catalog lasts 4 days

TABLES: dict[str, dict[str, Spec]] = {
    # -- every figure: a bare value, or this table --------------------------------------------
    "figure": {
        "value": Spec("figure", required=True, doc="the value with its unit, e.g. '245.2 kN'"),
        "source": _SOURCE, "note": _NOTE,
        "unconfirmed": Spec("flag", doc="true: no second source agrees; shown, not scored"),
        "alternatives": Spec("tables", table="alternative",
                             doc="other published values, kept for the record"),
    },
    "alternative": {
        "value": Spec("figure", required=True, doc="the other value, as published"),
        "source": _SOURCE, "note": _NOTE,
        "unconfirmed": Spec("flag", doc="true: this one is unconfirmed too"),
        "spread": Spec("flag", default="true", doc="false: not a spread of the field's "
                                                   "value (another configuration or quantity)"),
    },
    # -- vehicle files ------------------------------------------------------------------------
    "vehicle file": {
        "vehicle": Spec("table", required=True, table="vehicle"),
        "stages": Spec("tables", required=True, table="stage",
                       doc="the stages, first (lowest) first"),
        "sources": Spec("sources", doc="the file's own bibliography: KEY = \"citation\""),
    },
    "vehicle": {
        "id": _text("catalog name, e.g. v2", required=True),
        "name": _text("full name", required=True),
        "summary": _text("one paragraph for the page"),
        "family": _text("family of rockets"), "country": _text("country"), "note": _NOTE,
        "payload_mass": Spec("mass", "0 kg", "1000 t", default="0 kg",
                             doc="mass carried above the last stage"),
    },
    "stage": {
        "name": _text("stage name, e.g. S-IC (phases may name it)", required=True),
        "dry_mass": Spec("mass", "0 kg", "10000 t", above=True, required=True,
                         doc="mass without propellant"),
        "propellant_mass": Spec("mass", "0 kg", "10000 t", required=True,
                                doc="usable propellant load"),
        "diameter": Spec("length", "0 m", "100 m", above=True, required=True,
                         doc="diameter of the reference area for drag"),
        "drag": Spec("table", required=True, table="drag",
                     doc="drag coefficient of the stack this stage tops, against Mach"),
        "engines": Spec("tables", required=True, table="engine"),
        "thrust_curve": Spec("table", table="thrust_curve",
                             doc="fraction of the rated thrust and flow against burn time"),
        "count": Spec("count", "1", "100", default="1",
                      doc="how many such boosters (informative; the engines carry the sum)"),
        "length": Spec("length", "0 m", "200 m", above=True,
                       doc="length, for the tumbling area of a spent stage in orbit"),
        "profile": Spec("table", table="profile",
                        doc="outline: diameter against station from the top, for the tumbling "
                            "area of a spent stage in orbit (overrides length x diameter)"),
        "note": _NOTE,
    },
    "engine": {
        "name": _text("engine name"),
        "count": Spec("count", "1", "100", default="1", doc="identical engines of the stage"),
        "thrust_vacuum": Spec("force", "0 kN", "100000 kN", above=True,
                              doc="thrust of one engine in vacuum"),
        "thrust_sea_level": Spec("force", "0 kN", "100000 kN", above=True,
                                 doc="thrust of one engine at sea level (with nozzle_exit_area)"),
        "isp_vacuum": Spec("isp", "50 s", "1000 s", doc="specific impulse in vacuum"),
        "isp_sea_level": Spec("isp", "50 s", "1000 s", doc="specific impulse at sea level"),
        "mass_flow": Spec("mass_flow", "0 kg/s", "100000 kg/s", above=True,
                          doc="propellant flow of one engine"),
        "nozzle_exit_area": Spec("area", "0 m^2", "100 m^2", default="0 m^2",
                                 doc="exit area of one nozzle (ambient-pressure loss)"),
        "note": _NOTE,
    },
    "drag": {
        "mach": Spec("number", "0", "50", required=True, many=True, increasing=True,
                     doc="Mach numbers, increasing"),
        "cd": Spec("number", "0", "10", required=True, many=True,
                   doc="drag coefficient at each Mach number"),
        **_SOURCED, "unconfirmed": Spec("flag"),
    },
    "profile": {
        "station": Spec("length", "0 m", "200 m", required=True, many=True, increasing=True,
                        doc="distance from the top of the stage"),
        "diameter": Spec("length", "0 m", "100 m", required=True, many=True,
                         doc="diameter at that station"),
        **_SOURCED, "unconfirmed": Spec("flag"),
    },
    "thrust_curve": {
        "time": Spec("time", "0 s", "1000 s", required=True, many=True, increasing=True,
                     doc="time since ignition"),
        "fraction": Spec("number", "0", "1.5", required=True, many=True,
                         doc="fraction of the rated thrust and flow"),
        **_SOURCED, "unconfirmed": Spec("flag"),
    },
    # -- mission files ------------------------------------------------------------------------
    "mission file": {
        "mission": Spec("table", required=True, table="mission"),
        "phases": Spec("tables", required=True, table="phase", doc="the flight plan, in order"),
        "pitch_program": Spec("table", table="pitch_program"),
        "archive": Spec("tables", table="archive figure",
                        doc="archival figures the flight is scored against, by figure key"),
        "sources": Spec("sources", doc="the file's own bibliography: KEY = \"citation\""),
        "environment": Spec("table", table="environment"),
        "dispersions": Spec("tables", table="dispersion",
                            doc="error sources of a Monte Carlo study, by path of a number, "
                                "e.g. \"mission.azimuth\""),
        "satellite": Spec("table", table="satellite", doc="what the orbital decay needs"),
        "spent_stages": Spec("tables", table="spent stage",
                             doc="stages that reach orbit with the satellite, followed down too"),
    },
    "mission": {
        "id": _text("catalog name, e.g. v2-london", required=True),
        "name": _text("full name", required=True),
        "vehicle": _text("catalog name of the vehicle", required=True),
        "epoch": Spec("date", required=True, doc="liftoff, a TOML date-time with a zone"),
        "site": Spec("table", required=True, table="place", doc="launch site"),
        "azimuth": Spec("angle", *_ANGLE_TURN, required=True,
                        doc="launch azimuth, clockwise from north"),
        "target": Spec("table", table="place", doc="aim point of a ballistic flight"),
        "aim": Spec("list", doc="what is solved for: cutoff_speed, cutoff_range, azimuth, "
                                "inclination, moon"),
        "inclination": _INCLINATION,
        "third_bodies": Spec("flag", default="false", doc="Moon and Sun in the equations"),
        "moon": Spec("table", table="moon"),
        "summary": _text("one paragraph for the page"), "note": _NOTE,
    },
    "place": {
        "name": _text("place name"), "lat": _LAT, "lon": _LON,
        "alt": Spec("length", "-1 km", "50 km", default="0 m",
                    doc="height above the ellipsoid"),
        **_SOURCED,
    },
    "moon": {
        "closest_approach": Spec("length", "0 km", "1000000 km", above=True, required=True,
                                 doc="closest distance from the Moon's centre"),
        "inclination": Spec("angle", "0 deg", "180 deg",
                            doc="inclination of the lunar fly-by to the Moon's equator"),
        "time": Spec("time", "0 s", _MAX_FLIGHT_TIME, above=True,
                     doc="time of the closest approach since liftoff, or its date-time"),
        "latitude": Spec("angle", "-90 deg", "90 deg",
                         doc="ecliptic latitude of the periselene seen from the Moon's centre"),
        **_SOURCED,
    },
    "phase": {
        "name": _text("phase name", required=True),
        "guidance": Spec("choice", required=True,
                         doc="vertical, pitch_program, gravity_turn, coast, hold, "
                             "hold_horizontal, linear_tangent"),
        "stage": Spec("stage", default="0", doc="index or name of the stage that flies it"),
        "engine": Spec("choice", doc="on or off (default: off for a coast, else on)"),
        "until": Spec("table", table="until", doc="what ends the phase (first reached)"),
        "burn": Spec("stages", doc="stages burning together (parallel staging)"),
        "drop": Spec("stages", doc="stages dropped at the phase's start"),
        "jettison": Spec("mass", "0 kg", "1000 t", default="0 kg",
                         doc="mass dropped at the phase's start (fairing, tower)"),
        "target": Spec("table", table="orbit", doc="target orbit of a closed-loop burn"),
        "throttle": Spec("number", "0", "1.5", above=True, default="1",
                         doc="fraction of the rated flow"),
        "report": _text("name of the event reported at the phase's end"),
        **_SOURCED,
    },
    "until": {
        "time": Spec("time", "0 s", _MAX_FLIGHT_TIME, above=True,
                     doc="time since liftoff"),
        "speed": Spec("speed", "0 m/s", "20 km/s", above=True, doc="speed (cut-off)"),
        "range": Spec("length", "0 km", "40000 km", above=True,
                      doc="free-flight range the coast would reach (range control)"),
        "orbit": Spec("table", table="orbit", doc="cut-off on reaching this orbit's energy"),
        "impact": Spec("flag", doc="end on reaching the ground"),
        "depletion": Spec("flag", doc="end when the propellant runs out"),
    },
    "orbit": {
        "perigee": Spec("length", "-6000 km", "10000000 km", required=True,
                        doc="perigee altitude"),
        "apogee": Spec("length", "-6000 km", "10000000 km", required=True,
                       doc="apogee altitude"),
        "flight_path_angle": Spec("angle", "-90 deg", "90 deg", default="0 deg",
                                  doc="flight-path angle at cut-off"),
        "cycle": Spec("time", "0 s", "100 s", above=True, default="1 s",
                      doc="guidance cycle"),
        **_SOURCED,
    },
    "pitch_program": {
        "time": Spec("time", "0 s", _MAX_FLIGHT_TIME, required=True, many=True,
                     increasing=True, doc="time since liftoff"),
        "elevation": Spec("angle", "-90 deg", "90 deg", required=True, many=True,
                          doc="elevation of the thrust above the local horizontal"),
        **_SOURCED, "unconfirmed": Spec("flag"),
    },
    "environment": {
        "wind": Spec("table", table="wind", doc="wind profile against altitude"),
        "density_scale": Spec("number", "0", "10", default="1",
                              doc="factor on the air density"),
        **_SOURCED,
    },
    "wind": {
        "altitude": Spec("length", "0 m", "1000 km", required=True, many=True,
                         increasing=True, doc="altitude"),
        "speed": Spec("speed", "0 m/s", "200 m/s", required=True, many=True,
                      doc="wind speed"),
        "from": Spec("angle", *_ANGLE_TURN, required=True,
                     doc="direction the wind blows from, clockwise from north"),
        **_SOURCED, "unconfirmed": Spec("flag"),
    },
    "satellite": {
        "mass": Spec("mass", "0 kg", "1000 t", above=True, required=True),
        "area": Spec("area", "0 m^2", "10000 m^2", above=True, required=True,
                     doc="mean cross-section"),
        "cd": Spec("number", "0", "10", above=True, required=True, doc="drag coefficient"),
        **_SOURCED,
    },
    "spent stage": {
        "stage": Spec("stage", required=True, doc="index or name of the stage"),
        "name": _text("name shown (default: the stage's)"),
        "figure": _text("key of the archival figure its lifetime fills"),
        "mass": Spec("mass", "0 kg", "10000 t", above=True,
                     doc="mass in orbit (default: as flown, dry mass and propellant left)"),
        "area": Spec("area", "0 m^2", "10000 m^2", above=True,
                     doc="mean cross-section (default: a randomly tumbling cylinder of the "
                         "stage's length and diameter)"),
        "cd": Spec("number", "0", "10", above=True, required=True, doc="drag coefficient"),
        **_SOURCED,
    },
    "dispersion": {
        "distribution": Spec("choice", required=True, doc="normal, uniform or truncnormal"),
        "mean": Spec("figure", doc="offset of the mean: a quantity of the field's kind or "
                                 "'1 %'"),
        "sd": Spec("figure", doc="standard deviation (normal, truncnormal), zero or more"),
        "low": Spec("figure", doc="lowest offset (uniform, truncnormal)"),
        "high": Spec("figure", doc="highest offset (uniform, truncnormal), at least low"),
        "source": Spec("text", required=True, doc=_SOURCE.doc), "note": _NOTE,
    },
    "archive figure": {
        "value": Spec("figure", doc="the archival value; the key's suffix (_m, _s, _m_s, "
                                  "_deg, _kg, _days) says its kind"),
        "range": Spec("list", doc="[low, high] instead of a value"),
        "tolerance": Spec("figure", doc="how far the simulation may be and pass"),
        "unit": _text("unit shown, for a key without a suffix"),
        "source": Spec("text", required=True, doc=_SOURCE.doc), "note": _NOTE,
        "unconfirmed": Spec("flag"), "derived": Spec("flag"),
        "alternatives": Spec("tables", table="alternative"),
        "text": _text("a value that is not a number (a date)"),
        "role": Spec("choice", required=True,
                     doc="prediction, aimed, calibrated, input or context: how the figure "
                         "relates to the flight"),
        "at": Spec("date", doc="with quantity: the simulated figure at this instant"),
        "quantity": Spec("choice", doc="what is taken at the instant `at`: altitude_m, "
                                       "radius_m, moon_distance_m or moon_altitude_m"),
        "by": _text("the aim, target or parameter that makes an aimed or calibrated figure "
                    "match"),
    },
}

# Relative dispersions (``"1 %"``) are offsets within this fraction of the value.
MAX_RELATIVE_OFFSET = 1.0
