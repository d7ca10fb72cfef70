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
>>> words(TABLES["mission"]["aim"])
('cutoff_speed', 'cutoff_range', 'azimuth', 'inclination', 'moon')

``ABOUT`` says in a paragraph what each table is for; ``docs/file-format.md`` and the JSON
Schemas beside it are generated from these two tables (``catalog.reference``).
"""

from __future__ import annotations

from dataclasses import dataclass

from spacerace.mission import INSTANT_QUANTITIES, ROLES


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
    choices : tuple of (str, str)
        For ``"choice"`` and ``"list"`` kinds: the words accepted, each with what it means.
    keyed : bool
        For ``"tables"``: a table of tables by key (``[archive.<key>]``), not an array.
    when_aim : tuple of str
        Required when ``mission.aim`` holds any of these words.
    unless_aim : tuple of str
        Required unless ``mission.aim`` holds any of these words (the aim solves it).
    dated : bool
        A time that may also be given as a date-time (counted from the mission's epoch).
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
    choices: tuple[tuple[str, str], ...] = ()
    keyed: bool = False
    when_aim: tuple[str, ...] = ()
    unless_aim: tuple[str, ...] = ()
    dated: bool = False


def words(spec: Spec) -> tuple[str, ...]:
    """The words a ``"choice"`` or ``"list"`` field accepts."""
    return tuple(w for w, _ in spec.choices)


def _text(doc: str, required: bool = False) -> Spec:
    return Spec("text", required=required, doc=doc)


_NOTE = _text("free text: how the figure was obtained, or why it was chosen")
_SOURCE = _text("source key (sources.toml or the file's [sources]), optionally followed by "
                "words such as 'via KEY'")
_SOURCED = {"source": _SOURCE, "note": _NOTE}

_UNCONFIRMED = Spec("flag", doc="true: no second source agrees")
_LAT = Spec("angle", "-90 deg", "90 deg", required=True, doc="geodetic latitude")
_LON = Spec("angle", "-360 deg", "360 deg", required=True, doc="longitude, east positive")
_ANGLE_TURN = ("-360 deg", "360 deg")
_INSTANT = {"altitude_m": "height above the ellipsoid", "radius_m": "distance from the "
            "Earth's centre", "moon_distance_m": "distance from the Moon's centre",
            "moon_altitude_m": "height above the Moon's mean sphere"}
_TARGET_AIMS = ("cutoff_speed", "cutoff_range", "azimuth")

GUIDANCE_CHOICES = (
    ("vertical", "thrust along the launch-site vertical as it stood at liftoff (held by the "
                 "gyros)"),
    ("pitch_program", "thrust in the launch plane (the site's vertical and the launch azimuth, "
                      "fixed in inertial space at liftoff) at the elevation of [pitch_program] "
                      "for the time since liftoff, linear between its points"),
    ("gravity_turn", "thrust along the velocity relative to the air (zero angle of attack)"),
    ("coast", "no steering; engines off unless engine = \"on\""),
    ("hold", "thrust along the inertial velocity at the phase's start, held fixed in inertial "
             "space (a spin-stabilised upper stage)"),
    ("hold_horizontal", "as hold, along the horizontal part of that velocity"),
    ("linear_tangent", "closed-loop insertion: tan(pitch) = A + B t in the orbital plane of the "
                       "phase's start, A and B solved again every guidance cycle so that the "
                       "cut-off (until.orbit) comes at the radius and flight-path angle of the "
                       "phase's target orbit"),
)
AIM_CHOICES = (
    ("cutoff_speed", "the cut-off speed (until.speed of the phases that have one) that puts "
                     "the impact on mission.target: the range, as the V-2's Brennschluss did"),
    ("cutoff_range", "the free-flight range at cut-off (until.range) that puts the impact on "
                     "mission.target: an ICBM's range control"),
    ("azimuth", "the launch azimuth that puts the impact on mission.target (its direction)"),
    ("inclination", "the launch azimuth that gives mission.inclination at the last cut-off "
                    "(before the lunar injection, with moon)"),
    ("moon", "the lunar injection (the last linear_tangent burn's target apogee and yaw) that "
             "passes the Moon as [mission.moon] says; needs third_bodies = true"),
)
_MAX_FLIGHT_TIME = "30 day"  # the longest flight of the period in the catalog lasts 4 days

TABLES: dict[str, dict[str, Spec]] = {
    # -- every figure: a bare value, or this table --------------------------------------------
    "figure": {
        "value": Spec("figure", required=True, doc="the value with its unit, e.g. '245.2 kN'"),
        "source": _SOURCE, "note": _NOTE,
        "unconfirmed": Spec("flag", doc="true: no second source agrees; shown, not scored"),
        "alternatives": Spec("tables", table="alternative",
                             doc="other published values, kept for the record: a list of "
                                 "{ value, source, note } tables"),
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
        "vehicle": Spec("table", required=True, table="vehicle", doc="name and payload"),
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
        "engines": Spec("tables", required=True, table="engine",
                          doc="the stage's engines, one table per group of identical engines"),
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
        **_SOURCED, "unconfirmed": _UNCONFIRMED,
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
        **_SOURCED, "unconfirmed": _UNCONFIRMED,
    },
    # -- mission files ------------------------------------------------------------------------
    "mission file": {
        "mission": Spec("table", required=True, table="mission",
                        doc="when, where from, which way, what is aimed"),
        "phases": Spec("tables", required=True, table="phase", doc="the flight plan, in order"),
        "pitch_program": Spec("table", table="pitch_program",
                              doc="elevation against time, for pitch_program phases"),
        "archive": Spec("tables", table="archive figure", keyed=True,
                        doc="archival figures the flight is scored against, by figure key"),
        "sources": Spec("sources", doc="the file's own bibliography: KEY = \"citation\""),
        "environment": Spec("table", table="environment", doc="wind and air density"),
        "dispersions": Spec("tables", table="dispersion", keyed=True,
                            doc="error sources of a Monte Carlo study, by path of a number, "
                                "e.g. \"mission.azimuth\""),
        "satellite": Spec("table", table="satellite", doc="what the orbital decay needs"),
        "spent_stages": Spec("tables", table="spent stage",
                             doc="stages that reach orbit with the satellite, followed down too"),
    },
    "mission": {
        "id": _text("catalog name, e.g. v2-london", required=True),
        "name": _text("full name", required=True),
        "vehicle": _text("catalog name of the vehicle (v2), or a vehicle file (my-rocket.toml, "
                         "a path from the working folder); --vehicle overrides it",
                         required=True),
        "epoch": Spec("date", required=True, doc="liftoff, a TOML date-time with a zone"),
        "site": Spec("table", required=True, table="place", doc="launch site"),
        "azimuth": Spec("angle", *_ANGLE_TURN, unless_aim=("azimuth", "inclination"),
                        doc="launch azimuth, clockwise from north. When the aim solves it, "
                            "this is only the first guess and may be left out: it defaults "
                            "to the geodesic azimuth from the site to the target, or for an "
                            "inclination aim to the one of sin Az = cos i / cos lat"),
        "target": Spec("table", table="place", when_aim=_TARGET_AIMS,
                       doc="aim point of a ballistic flight"),
        "aim": Spec("list", choices=AIM_CHOICES, doc="what is solved for before the flight"),
        "inclination": Spec("angle", "0 deg", "180 deg", when_aim=("inclination",),
                            doc="orbital inclination the inclination aim solves the azimuth "
                                "for"),
        "third_bodies": Spec("flag", default="false",
                             doc="Moon and Sun in the equations of motion (true to aim at "
                                 "the Moon)"),
        "moon": Spec("table", table="moon", when_aim=("moon",),
                     doc="the lunar fly-by the moon aim solves the injection for"),
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
        "time": Spec("time", "0 s", _MAX_FLIGHT_TIME, above=True, dated=True,
                     doc="time of the closest approach since liftoff, or its date-time"),
        "latitude": Spec("angle", "-90 deg", "90 deg",
                         doc="ecliptic latitude of the periselene seen from the Moon's centre"),
        **_SOURCED,
    },
    "phase": {
        "name": _text("phase name", required=True),
        "guidance": Spec("choice", required=True, choices=GUIDANCE_CHOICES,
                         doc="the steering law of the phase"),
        "stage": Spec("stage", default="0",
                       doc="index or name of the stage whose engines burn in the phase"),
        "engine": Spec("choice", choices=(("on", "the burning stages thrust"),
                                          ("off", "no thrust")),
                       doc="engines on or off (default: off for a coast, else on)"),
        "until": Spec("table", table="until", doc="what ends the phase (first reached)"),
        "burn": Spec("stages", doc="stages burning together (parallel staging; default: "
                                   "[stage])"),
        "drop": Spec("stages", doc="stages separated at the phase's start, with their unburnt "
                                   "propellant; a stage stays attached until a phase drops it"),
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
        "speed": Spec("speed", "0 m/s", "20 km/s", above=True,
                      doc="speed relative to the Earth (a cut-off such as the V-2's "
                          "Brennschluss)"),
        "range": Spec("length", "0 km", "40000 km", above=True,
                      doc="free-flight range the coast would reach on a Kepler conic to the "
                          "equatorial radius (an ICBM's range control)"),
        "orbit": Spec("table", table="orbit", doc="cut-off on reaching this orbit's energy"),
        "impact": Spec("flag", doc="end on reaching the ground (every flight does; written for "
                                   "clarity)"),
        "depletion": Spec("flag", doc="end when the propellant runs out (every burning phase "
                                      "does; written for clarity)"),
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
        **_SOURCED, "unconfirmed": _UNCONFIRMED,
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
        **_SOURCED, "unconfirmed": _UNCONFIRMED,
    },
    "satellite": {
        "mass": Spec("mass", "0 kg", "1000 t", above=True, required=True,
                     doc="mass in orbit"),
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
        "distribution": Spec("choice", required=True, choices=(
            ("normal", "Gaussian offsets: mean (default 0) and sd"),
            ("uniform", "offsets evenly spread from low to high"),
            ("truncnormal", "Gaussian (mean, sd) cut to the offsets from low to high"),
        ), doc="how the offsets of the field are drawn"),
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
        "unconfirmed": Spec("flag", doc="true: no second source agrees; shown, not scored"),
        "derived": Spec("flag", doc="true: computed from other figures (say how in note)"),
        "alternatives": Spec("tables", table="alternative",
                             doc="other published values, kept for the record"),
        "text": _text("a value that is not a number (a date)"),
        "role": Spec("choice", required=True, choices=tuple(ROLES.items()),
                     doc="how the figure relates to the flight; only predictions are scored "
                         "pass/FAIL"),
        "at": Spec("date", doc="with quantity: the simulated figure at this instant"),
        "quantity": Spec("choice", choices=tuple((q, _INSTANT[q]) for q in INSTANT_QUANTITIES),
                         doc="what is taken at the instant `at`"),
        "by": _text("the aim, target or parameter that makes an aimed or calibrated figure "
                    "match (required for those two roles; for input: where it went)"),
    },
}

# What each table is for, in a paragraph of the file-format reference.
ABOUT: dict[str, str] = {
    "figure": "Any number of a file may be written bare (`dry_mass = \"2870 kg\"`) or as this "
              "table, which carries where it comes from: `dry_mass = { value = \"2870 kg\", "
              "source = \"MY-SOURCE\", note = \"...\" }`. Every figure of a catalog file has a "
              "source; a reconstructed or derived one says how in its note.",
    "alternative": "Another published value of the same figure, kept for the record: "
                   "`alternatives = [{ value = \"251.8 kN\", source = \"KEY\" }]`. "
                   "`spacerace validate --spread` flies the mission across the values of the "
                   "alternatives that are the same quantity.",
    "vehicle file": "A vehicle file describes one rocket: `[vehicle]`, then one `[[stages]]` "
                    "table per stage, first (lowest) first, each with its `[[stages.engines]]`.",
    "vehicle": "The vehicle's name and what it carries.",
    "stage": "One stage (or a group of identical strap-on boosters flown as one). The stack's "
             "mass is the sum of the stages still attached, their propellant and the payload.",
    "engine": "One group of identical engines of a stage. Give the thrust in vacuum or at sea "
              "level (with the nozzle exit area the other follows from the ambient pressure), "
              "and the flow as mass_flow, isp_vacuum or isp_sea_level (the first given is used).",
    "drag": "Drag coefficient of the stack against Mach number, linear between the points, on "
            "the area of the stage's diameter.",
    "thrust_curve": "For a solid motor: the fraction of the rated thrust and flow against the "
                    "time since ignition.",
    "profile": "The stage's outline, for the drag of a spent stage tumbling in orbit: its "
               "diameter at stations measured from the top, straight between them. The mean "
               "area it shows to the flow is averaged over all directions (a waisted body "
               "shows less than its convex hull).",
    "mission file": "A mission file describes one flight: `[mission]` (when, where from, which "
                    "way, what is aimed), the flight plan `[[phases]]`, and optionally a "
                    "`[pitch_program]`, the `[archive.<key>]` figures it is scored against, "
                    "the `[environment]`, the `[dispersions.\"<path>\"]` of a Monte Carlo "
                    "study, and for an orbital flight `[satellite]` and `[[spent_stages]]`.",
    "mission": "When and where the flight starts, on which vehicle, which way, and what is "
               "solved before it flies (`aim`).",
    "place": "A point on the Earth (WGS-84): the launch site, or the target of a ballistic "
             "flight.",
    "moon": "For a flight aimed at the Moon (`aim` holds moon): the fly-by to be met. Give "
            "closest_approach and at most one of inclination and time.",
    "phase": "One step of the flight plan, flown in order. A phase ends at the first of its "
             "`until` conditions to come; a burning phase also ends when a burning stage runs "
             "out of propellant (depletion needs no until), and the flight ends on reaching the "
             "ground (a coast with no until lasts to the impact, or in orbit to the "
             "flight's time limit: give it an until.time). Stages are numbered from 0 (the "
             "first) or named by their vehicle-file name.",
    "until": "What ends a phase: the first of these reached. With none, a burning phase runs "
             "to depletion and a coast to the ground.",
    "orbit": "An orbit by its perigee and apogee altitudes (above the equatorial radius).",
    "pitch_program": "The elevation of the thrust above the launch horizon against the time "
                     "since liftoff, flown by `pitch_program` phases; linear between the points.",
    "environment": "The weather of the day; without it, still air of the 1976 standard.",
    "wind": "A horizontal wind against altitude, linear between the points, blowing from one "
            "direction.",
    "satellite": "What the orbital decay (`spacerace decay`) needs of the satellite.",
    "spent stage": "A stage that reaches orbit with the satellite and is followed down by "
                   "`spacerace decay` too.",
    "dispersion": "An error source of a Monte Carlo study (`spacerace montecarlo`), keyed by the "
                  "path of a number of the vehicle or mission: `[dispersions.\"mission."
                  "azimuth\"]`, `[dispersions.\"vehicle.stages[0].propellant_mass\"]`. Its "
                  "numbers are offsets from the flown value: all relative (`\"1 %\"`) or all "
                  "absolute, in the field's unit (`\"0.1 deg\"`, a plain number in SI for a "
                  "field without a unit in the file).",
    "archive figure": "A figure of the real flight, keyed by the simulated figure it is set "
                      "against (`range_m`, `max_altitude_m`, `burnout_speed_m_s`, "
                      "`perigee_altitude_m`, `inclination_deg`...: the keys `spacerace fly "
                      "--json` prints under figures). The key's suffix gives the kind of the "
                      "value: _m a length, _s a time (or a date-time, counted from the epoch), "
                      "_m_s a speed, _m_s2 an acceleration, _deg an angle, _kg a mass, _days a "
                      "time in days, _pa a pressure; other keys hold plain numbers with a "
                      "`unit` shown, or `text`. Give value (with tolerance) or range.",
}

# Relative dispersions (``"1 %"``) are offsets within this fraction of the value.
MAX_RELATIVE_OFFSET = 1.0
