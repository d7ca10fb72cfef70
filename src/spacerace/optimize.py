"""The best a vehicle could do: the largest payload, the longest range, the highest apogee.

Direct shooting: the unknowns are fields of the catalog's data (the same paths as the
dispersions, e.g. ``mission.pitch_program.elevation[2]``), each evaluation is a whole flight
through the compiled kernel with all its physics, and ``scipy.optimize.minimize`` (SLSQP)
moves them with forward-difference gradients, starting from the programme as flown.

The largest payload is the root of the best margin: at a given payload the ascent is shaped
to leave the most (propellant at the insertion into the mission's orbit, or range beyond the
target), and the payload is raised until that margin is nil (a secant). The aims the mission
has (the launch azimuth for an inclination) are solved again before every round.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from geographiclib.geodesic import Geodesic

from spacerace.constants import GM_EARTH, WGS84_A
from spacerace.edit import check_path, field_value, perturb
from spacerace.errors import CatalogError, SimulationError, UnreachableError
from spacerace.event_kinds import MAX_Q
from spacerace.flight import SimOptions, aim_inclination, fly, simulate
from spacerace.mission import Mission, Phase
from spacerace.results import FlightResult
from spacerace.validation import BEST_PREFIX, Comparison, compare
from spacerace.vehicle import Vehicle

OBJECTIVES = {"range": "range_m", "apogee": "max_altitude_m", "payload": "payload_kg"}
# constraint names on the command line -> the flight figure they bound, and which side
CONSTRAINTS = {"max_q": ("ascent_max_dynamic_pressure_pa", True),
               "max_acceleration": ("ascent_max_acceleration_m_s2", True),
               "min_perigee": ("perigee_altitude_m", False)}
STEP = 1e-3  # forward-difference step, as a fraction of each variable's bounds
MARGIN_TOL_KG = 1.0  # the payload is found when the propellant margin is below this [kg]
MARGIN_TOL_M = 50.0  # or, for a missile, the range margin [m]
PAYLOAD_RTOL = 0.01  # rounds end when re-shaping moves the payload by less than this [-]
PERIGEE_SLACK = 5e3  # an insertion's perigee may fall this far below its target's [m]
_DEG = math.pi / 180.0
MAX_SHAPED_NODES = 4  # a pitch programme with more tilted nodes is kept as flown (see below)
MIN_SHAPED_COAST = 30.0  # a shorter coast between burns is a staging gap, kept as flown [s]


@dataclass(frozen=True)
class Variable:
    """A number of the data the optimiser may move, within bounds (SI)."""

    path: str
    low: float
    high: float


@dataclass(frozen=True)
class Constraint:
    """A bound on a figure of the flight: ``figure <= bound`` (``upper``) or ``>=``."""

    figure: str
    bound: float
    upper: bool = True

    def slack(self, figures: dict[str, float]) -> float:
        """Relative room left (negative: violated); a missing figure counts as violated."""
        value = figures.get(self.figure)
        if value is None or not math.isfinite(value):
            return -1.0
        room = self.bound - value if self.upper else value - self.bound
        return room / max(abs(self.bound), 1.0)


@dataclass(frozen=True)
class Solution:
    """What ``maximize`` found: the point, the objective there and how it went."""

    x: np.ndarray
    value: float
    evaluations: int
    success: bool
    message: str


@dataclass
class _Evaluator:
    """Memoised objective and constraints, and their forward differences, in unit variables."""

    fun: Callable[[np.ndarray], tuple[float, np.ndarray]]
    low: np.ndarray
    high: np.ndarray
    on_eval: Callable[[], None] | None
    step: float
    memo: dict[bytes, tuple[float, np.ndarray]] = field(default_factory=dict)
    grads: dict[bytes, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    def __call__(self, u: np.ndarray) -> tuple[float, np.ndarray]:
        u = np.clip(u, 0.0, 1.0)
        key = u.tobytes()
        if key not in self.memo:
            f, g = self.fun(self.low + u * (self.high - self.low))
            self.memo[key] = (float(f), np.atleast_1d(np.asarray(g, dtype=float)))
            if self.on_eval is not None:
                self.on_eval()
        return self.memo[key]

    def gradient(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        u = np.clip(u, 0.0, 1.0)
        key = u.tobytes()
        if key not in self.grads:
            f0, g0 = self(u)
            df = np.empty(len(u))
            dg = np.empty((len(g0), len(u)))
            for j in range(len(u)):
                h = self.step if u[j] + self.step <= 1.0 else -self.step
                uj = u.copy()
                uj[j] += h
                f1, g1 = self(uj)
                df[j], dg[:, j] = (f1 - f0) / h, (g1 - g0) / h
            self.grads[key] = (df, dg)
        return self.grads[key]


def maximize(fun: Callable[[np.ndarray], tuple[float, np.ndarray]], x0: Sequence[float],
             bounds: Sequence[tuple[float, float]], on_eval: Callable[[], None] | None = None,
             step: float = STEP, max_iterations: int = 100, tol: float = 1e-6,
             n_eq: int = 0) -> Solution:
    """Maximise ``fun(x)[0]`` subject to ``fun(x)[1] >= 0`` inside ``bounds`` (SLSQP).

    Parameters
    ----------
    fun : callable
        ``x -> (objective, constraints)``; the constraints an array (empty: none). It
        should be scaled so that the objective is of order one.
    x0 : sequence of float
        Starting point (inside the bounds).
    bounds : sequence of (low, high)
    on_eval : callable, optional
        Called after every new evaluation (a progress bar).
    step : float
        Forward-difference step as a fraction of each variable's bounds.
    n_eq : int
        The first ``n_eq`` constraints are equalities (``== 0``).

    Returns
    -------
    Solution
        ``success`` is False when SLSQP stopped for another reason than convergence (or a
        line search that can no longer improve, the usual end on a flight's small noise) or
        when the point violates a constraint.
    """
    from scipy.optimize import minimize

    low = np.array([b[0] for b in bounds], dtype=float)
    high = np.array([b[1] for b in bounds], dtype=float)
    ev = _Evaluator(fun, low, high, on_eval, step)
    u0 = np.clip((np.asarray(x0, dtype=float) - low) / (high - low), 0.0, 1.0)
    n_con = len(ev(u0)[1])
    cons = []
    if n_eq:
        cons.append({"type": "eq", "fun": lambda u: ev(u)[1][:n_eq],
                     "jac": lambda u: ev.gradient(u)[1][:n_eq]})
    if n_con > n_eq:
        cons.append({"type": "ineq", "fun": lambda u: ev(u)[1][n_eq:],
                     "jac": lambda u: ev.gradient(u)[1][n_eq:]})
    res = minimize(lambda u: -ev(u)[0], u0, jac=lambda u: -ev.gradient(u)[0],
                   method="SLSQP", bounds=[(0.0, 1.0)] * len(u0), constraints=cons,
                   options={"maxiter": max_iterations, "ftol": tol})
    u = np.clip(res.x, 0.0, 1.0)
    f, g = ev(u)
    feasible = bool(np.all(np.abs(g[:n_eq]) <= 1e-5) and np.all(g[n_eq:] >= -1e-6))
    ok = res.status in (0, 8) and feasible and math.isfinite(f)  # 8: line search stalled
    message = str(res.message) if feasible else "the best point found violates a constraint"
    return Solution(low + u * (high - low), f, len(ev.memo), ok, message)


# --- the catalog's flights ---------------------------------------------------------------------

def value_of(vehicle: Vehicle, mission: Mission, path: str) -> float:
    """The number at ``path``; a ``CatalogError`` unless it names one number of the data."""
    try:
        check_path(vehicle, mission, path)
        value = field_value(vehicle, mission, path)
    except (KeyError, IndexError, AttributeError, TypeError):
        raise CatalogError(mission.origin or mission.id, path, "a field path of the vehicle "
                           "or mission naming a number, e.g. mission.pitch_program."
                           "elevation[2] or vehicle.payload_mass") from None
    if isinstance(value, tuple):
        raise CatalogError(mission.origin or mission.id, path, "one number: name an element "
                           f"of the list, e.g. {path}[{len(value) - 1}]")
    return float(value)


def apply(vehicle: Vehicle, mission: Mission, variables: Sequence[Variable],
          x: Sequence[float] | np.ndarray) -> tuple[Vehicle, Mission]:
    """The vehicle and mission with each variable's field set to its value in ``x``."""
    for var, value in zip(variables, x):
        now = value_of(vehicle, mission, var.path)
        vehicle, mission = perturb(vehicle, mission, var.path, float(value) - now, False)
    return vehicle, mission


def pitch_variables(mission: Mission) -> tuple[Variable, ...]:
    """The shape of the pitch programme: each elevation below the vertical (1-90 deg) and
    the time of each inner node that ends a tilt (between its neighbours' times).

    None for a programme of more than ``MAX_SHAPED_NODES`` tilted nodes: such a table is the
    record's own (the Saturn V's, read off its flight report), the programme its engineers
    designed; shaping each node by finite differences over whole flights would take hours,
    and its closed-loop stages adapt the rest of the ascent to the payload anyway. Name its
    nodes with ``--vary`` to shape it all the same."""
    pp = mission.pitch_program
    if pp is None or sum(e < 90.0 * _DEG - 1e-9 for e in pp.elevation) > MAX_SHAPED_NODES:
        return ()
    out = []
    for i in range(1, len(pp.t)):
        if pp.elevation[i] >= 90.0 * _DEG - 1e-9:
            continue
        out.append(Variable(f"mission.pitch_program.elevation[{i}]", 1.0 * _DEG, 90.0 * _DEG))
        if i < len(pp.t) - 1:
            out.append(Variable(f"mission.pitch_program.t[{i}]",
                                pp.t[i - 1] + 1.0, pp.t[i + 1] - 1.0))
    return tuple(out)


def _burns_to_depletion(mission: Mission) -> Mission:
    """The mission with no range or speed cut-off and no aim: every burn to depletion."""
    phases = tuple(dataclasses.replace(ph, until_speed=math.inf, until_range=math.inf)
                   for ph in mission.phases)
    return dataclasses.replace(mission, phases=phases, aim=())


def _quiet(options: SimOptions | None) -> SimOptions:
    """Trial flights: a closed-loop burn that falls short informs instead of stopping."""
    return dataclasses.replace(options or SimOptions(), strict_guidance=False)


def ascent_figures(res: FlightResult) -> dict[str, float]:
    """The largest dynamic pressure [Pa] and acceleration [m/s^2] up to the last cut-off
    (the flight's own maxima may come on re-entry)."""
    end = res.figures.get("burnout_time_s", math.inf)
    c = res.trajectory.columns
    up = c["t"] <= end + 1e-6
    q = [e.value for e in res.trajectory.of_kind(MAX_Q) if e.t <= end]
    return {"ascent_max_dynamic_pressure_pa": max([float(np.max(c["dynamic_pressure"][up]))]
                                                  + q),
            "ascent_max_acceleration_m_s2": float(np.max(c["acceleration"][up]))}


def _try(vehicle: Vehicle, mission: Mission, options: SimOptions) -> FlightResult | None:
    """The flight with its ascent figures, or None if it cannot be flown."""
    try:
        res = simulate(vehicle, mission, options)
    except (SimulationError, CatalogError):
        return None  # no liftoff, or a kernel failure: the worst value
    res.figures.update(ascent_figures(res))
    return res


@dataclass(frozen=True)
class Optimum:
    """The best found and the flight that shows it.

    Attributes
    ----------
    objective : str
        ``payload``, ``range`` or ``apogee``.
    value, flown : float
        The best value and the value as flown (SI: kg or m).
    variables : tuple of Variable
    x0, x : tuple of float
        The variables as flown and at the best.
    result, flown_result : FlightResult
        The best flight (flown strictly) and the flight as flown.
    evaluations : int
        Flights flown by the optimiser.
    seconds : float
    propellant_left_kg : float
        Left in the burning stages at the end of the best flight's last burn.
    payload_mass : float
        The payload carried on the best flight [kg].
    low_orbit : bool
        The payload was carried to a low orbit asked for instead of the mission's own
        (``--parking``, ``--circular``): it answers ``best_payload_low_orbit_kg``.
    """

    objective: str
    value: float
    flown: float
    variables: tuple[Variable, ...]
    x0: tuple[float, ...]
    x: tuple[float, ...]
    result: FlightResult
    flown_result: FlightResult
    evaluations: int
    seconds: float
    propellant_left_kg: float
    payload_mass: float

    low_orbit: bool = False

    @property
    def figure_key(self) -> str:
        """The capability figures' key it answers: ``best_payload_kg`` (where the mission
        goes), ``best_payload_low_orbit_kg`` (a parking or circular low orbit instead),
        ``best_range_m``, ``best_max_altitude_m``."""
        key = OBJECTIVES[self.objective]
        if self.low_orbit:
            key = key.replace("_kg", "_low_orbit_kg")
        return BEST_PREFIX + key

    @property
    def figures(self) -> dict[str, float]:
        """The answer under its figure key."""
        return {self.figure_key: self.value}


def score(opt: Optimum, mission: Mission) -> list[Comparison]:
    """The answer set beside the mission's capability figures (``best_*`` archive keys)."""
    key = OBJECTIVES[opt.objective]
    wanted = tuple(dataclasses.replace(f, key=key) for f in mission.archive
                   if f.key == opt.figure_key)
    return compare({key: opt.value}, wanted)


def _last_burn(mission: Mission) -> int:
    return max(i for i, ph in enumerate(mission.phases) if ph.burning)


def _fail(mission: Mission, what: str, sol: Solution) -> UnreachableError:
    return UnreachableError(f"{mission.id}: the optimisation of the {what} failed after "
                            f"{sol.evaluations} flights: {sol.message}")


def best_figure(vehicle: Vehicle, mission: Mission, objective: str,
                variables: Sequence[Variable] = (), constraints: Sequence[Constraint] = (),
                options: SimOptions | None = None,
                on_eval: Callable[[], None] | None = None) -> Optimum:
    """The longest range or the highest apogee, every burn to depletion.

    Parameters
    ----------
    objective : str
        ``range`` or ``apogee``.
    variables : sequence of Variable
        What may move (default: the pitch programme's shape, ``pitch_variables``).
    constraints : sequence of Constraint

    Raises
    ------
    UnreachableError
        The optimiser failed, or the flight as flown does not give the figure.
    """
    start = time.perf_counter()
    key = OBJECTIVES[objective]
    variables = tuple(variables) or pitch_variables(mission)
    quiet = _quiet(options)
    flown = fly(vehicle, mission, options)
    m = _burns_to_depletion(flown.mission)
    x0 = [value_of(vehicle, m, v.path) for v in variables]
    first = _try(vehicle, m, quiet)
    if first is None or key not in first.figures:
        raise UnreachableError(f"{mission.id}: burnt to depletion the flight gives no {key}")
    scale = abs(first.figures[key]) or 1.0

    def fun(x: np.ndarray) -> tuple[float, np.ndarray]:
        res = _try(*apply(vehicle, m, variables, x), quiet)
        if res is None or key not in res.figures:
            return -1.0, -np.ones(len(constraints))
        return (res.figures[key] / scale,
                np.array([c.slack(res.figures) for c in constraints]))

    sol = maximize(fun, x0, [(v.low, v.high) for v in variables], on_eval)
    if not sol.success:
        raise _fail(mission, objective, sol)
    bv, bm = apply(vehicle, m, variables, sol.x)
    best = simulate(bv, bm, options)
    return Optimum(objective, best.figures[key], flown.figures.get(key, math.nan), variables,
                   tuple(x0), tuple(float(v) for v in sol.x), best, flown, sol.evaluations,
                   time.perf_counter() - start, _left(best, bm), bv.payload_mass)


def _left(res: FlightResult, mission: Mission) -> float:
    """Propellant left in the stages burning in the last burn [kg]."""
    left = res.trajectory.metadata["propellant_left_kg"]
    return float(sum(left[s] for s in mission.phases[_last_burn(mission)].burning))


# --- the largest payload -----------------------------------------------------------------------

def insertion_phase(mission: Mission, parking: bool = False) -> int | None:
    """The closed-loop burn that puts the payload where the mission goes: the last one that
    ends on its target orbit, or with ``parking`` the first (a parking orbit); None: none."""
    ends = [i for i, ph in enumerate(mission.phases) if ph.guidance == "linear_tangent"
            and ph.burning and math.isfinite(ph.target_apogee) and math.isfinite(ph.until_energy)]
    if not ends:
        return None
    return ends[0] if parking else ends[-1]


def _target_energy(ph: Phase) -> float:
    """Specific orbital energy of a phase's target orbit [J/kg]."""
    a = WGS84_A + 0.5 * (ph.target_perigee + ph.target_apogee)
    return -GM_EARTH / (2.0 * a)


def orbit_margin(res: FlightResult | None, vehicle: Vehicle, mission: Mission) -> float:
    """Propellant left in the burning stages when the last burn reaches its target orbit's
    energy [kg], less what the speed still missing would take (Tsiolkovsky with the stage's
    vacuum exhaust speed): the speed to the target's energy when the burn ran dry first, and
    the horizontal speed that would lift the perigee to the target's (``perigee_shortfall``)
    when the energy was reached on a conic that dips below it (a cut-off high on a lofted
    ascent reaches the energy of a low orbit on a path that falls back into the air)."""
    if res is None or "cutoff_state" not in res.trajectory.metadata:
        return -vehicle.liftoff_mass
    ph = mission.phases[-1]
    y = np.asarray(res.trajectory.metadata["cutoff_state"])
    r, v = float(np.linalg.norm(y[:3])), float(np.linalg.norm(y[3:6]))
    needed = math.sqrt(max(2.0 * (_target_energy(ph) + GM_EARTH / r), 0.0))
    short = max(needed - v, 0.0) + perigee_shortfall(
        y[:3], y[3:6], WGS84_A + ph.target_perigee - PERIGEE_SLACK)
    left = _left(res, mission) if needed - v <= 1e-3 else 0.0
    if short <= 1e-3:
        return left
    stages = [vehicle.stages[s] for s in ph.burning]
    ve = sum(s.thrust_vacuum for s in stages) / sum(s.mass_flow for s in stages)
    return left - float(y[6]) * math.expm1(short / ve)


def perigee_shortfall(position: np.ndarray, velocity: np.ndarray, r_perigee: float) -> float:
    """The horizontal speed to add, at this point and with this radial speed, for the conic
    through it to keep its perigee radius at ``r_perigee`` or above [m/s] (0: it does).

    With radius r, radial speed v_r and horizontal speed v_t, the conic's perigee is
    r_p = h^2 / (mu (1 + e)), h = r v_t; it rises with v_t, and equals r_perigee when
    v_t^2 = (2 mu (1/r - 1/r_perigee) - v_r^2) / (1 - (r / r_perigee)^2) (from energy and
    angular momentum at both points); or, when cheaper (steeply falling, just above
    r_perigee, where that v_t grows without bound), the speed that cancels v_r and makes this
    point the apogee of a conic with that perigee. Below r_perigee no horizontal speed will
    do: the speed to coast up to it is counted instead.
    """
    r = float(np.linalg.norm(position))
    v_r = float(np.dot(position, velocity)) / r
    v_t = math.sqrt(max(float(np.dot(velocity, velocity)) - v_r * v_r, 0.0))
    h = r * v_t
    energy = 0.5 * (v_r * v_r + v_t * v_t) - GM_EARTH / r
    e = math.sqrt(max(1.0 + 2.0 * energy * h * h / GM_EARTH ** 2, 0.0))
    if h * h / (GM_EARTH * (1.0 + e)) >= r_perigee:
        return 0.0
    if r <= r_perigee:
        return math.sqrt(2.0 * GM_EARTH * (1.0 / r - 1.0 / r_perigee)) + abs(v_r)
    need = (2.0 * GM_EARTH * (1.0 / r - 1.0 / r_perigee) - v_r * v_r) / (1.0 - (r / r_perigee) ** 2)
    apogee_here = math.sqrt(2.0 * GM_EARTH * r_perigee / (r * (r + r_perigee)))
    level = math.hypot(v_r, max(apogee_here - v_t, 0.0))
    return min(max(math.sqrt(max(need, 0.0)) - v_t, 0.0), level)


def _range_to_target(mission: Mission) -> float:
    assert mission.target is not None
    g = Geodesic.WGS84.Inverse(math.degrees(mission.site.lat), math.degrees(mission.site.lon),
                               math.degrees(mission.target.lat),
                               math.degrees(mission.target.lon))
    return float(g["s12"])


def destination(mission: Mission, parking: bool = False, circular: float | None = None
                ) -> tuple[str, Mission]:
    """What a payload is carried to, and the flight plan that ends there.

    ``orbit``: the plan up to the closed-loop burn into the mission's orbit (the lunar
    injection of a flight to the Moon; with ``parking`` the first orbit; with ``circular``
    that burn aimed instead at a circular orbit of this altitude [m]); ``range``: a
    missile's plan, every burn to depletion, to be set beside the target's distance;
    ``perigee``: a plan whose last burns are not steered to an orbit (spinning solid upper
    stages that burn out where they burn out), to be set beside the perigee it reached.

    Raises
    ------
    CatalogError
        The mission has neither a closed-loop insertion nor a target to reach.
    """
    i = insertion_phase(mission, parking)
    if i is not None:
        aim = tuple(a for a in mission.aim if a == "inclination")
        phases = mission.phases[:i + 1]
        if circular is not None:
            low = dataclasses.replace(phases[i], target_perigee=circular,
                                      target_apogee=circular, target_flight_path_angle=0.0,
                                      until_energy=-GM_EARTH / (2.0 * (WGS84_A + circular)))
            phases = (*phases[:i], low)
        return "orbit", dataclasses.replace(mission, phases=phases, aim=aim)
    if mission.target is not None:
        return "range", _burns_to_depletion(mission)
    if any(ph.burning for ph in mission.phases):
        # burns that end where they end (spinning solid stages): the orbit as flown
        return "perigee", dataclasses.replace(
            mission, aim=tuple(a for a in mission.aim if a == "inclination"))
    raise CatalogError(mission.origin or mission.id, "phases", "a closed-loop insertion "
                       "(guidance = \"linear_tangent\" with a target orbit), a [mission."
                       "target] or a burn, for the payload to be carried somewhere")


def payload_variables(mission: Mission) -> tuple[Variable, ...]:
    """The ascent's free parameters for a payload: the pitch programme's shape, the
    closed-loop insertion's cut-off flight-path angle (the same orbit, entered elsewhere)
    and the lengths of coasts between burns (not the staging gaps, under
    ``MIN_SHAPED_COAST``). Not the throttles: the catalog's are engine counts (the Saturn's
    0.8, four of five engines after a centre-engine cut-off) or measured flows, none a
    setting the flight could have chosen; ``--vary`` names one if wanted."""
    out = list(pitch_variables(mission))
    last = len(mission.phases) - 1
    for i, ph in enumerate(mission.phases):
        where = f"mission.phases[{i}]"
        if i == last and ph.guidance == "linear_tangent" and math.isfinite(ph.target_apogee):
            out.append(Variable(f"{where}.target_flight_path_angle",
                                ph.target_flight_path_angle - 5.0 * _DEG,
                                ph.target_flight_path_angle + 5.0 * _DEG))
        if (not ph.burning and 0 < i < last and math.isfinite(ph.until_time)
                and math.isfinite(mission.phases[i - 1].until_time)
                and ph.until_time - mission.phases[i - 1].until_time >= MIN_SHAPED_COAST):
            t0 = mission.phases[i - 1].until_time
            out.append(Variable(f"{where}.until_time", t0 + 1.0,
                                t0 + 2.0 * (ph.until_time - t0)))
    return tuple(out)


def best_payload(vehicle: Vehicle, mission: Mission, variables: Sequence[Variable] = (),
                 constraints: Sequence[Constraint] = (), parking: bool = False,
                 options: SimOptions | None = None, on_eval: Callable[[], None] | None = None,
                 max_rounds: int = 6, circular: float | None = None) -> Optimum:
    """The largest payload the vehicle carries where the mission goes, the ascent re-shaped.

    Each round solves the mission's aims, shapes the ascent for the most margin at the
    current payload (``maximize``), then finds by a secant the payload that uses that margin
    up; it ends when a round begins with no margin left to use, when a round moves the
    payload by less than ``PAYLOAD_RTOL`` of it, or when the payload stops at the same cliff
    twice (above it the flight plan, e.g. a closed-loop burn, fails
    however the ascent is shaped: the margin left there is reported as propellant left).

    Raises
    ------
    UnreachableError
        An optimisation failed, or the payload search did not converge.
    """
    start = time.perf_counter()
    kind, m = destination(mission, parking, circular)
    loaded = _loader(vehicle, m, kind == "orbit" and (parking or circular is not None))
    variables = tuple(variables) or payload_variables(m)
    quiet = _quiet(options)
    count = [0]

    def counted() -> None:
        count[0] += 1
        if on_eval is not None:
            on_eval()

    floor = _flown_perigee(vehicle, m, options) if kind == "perigee" else math.nan

    def margin(v: Vehicle, mm: Mission) -> tuple[float, FlightResult | None]:
        res = _try(v, mm, quiet)
        if kind == "orbit":
            return orbit_margin(res, v, mm), res
        if kind == "perigee":
            figs = res.figures if res is not None else {}
            return figs.get("perigee_altitude_m", -floor) - floor, res
        if res is None or "range_m" not in res.figures:
            return -_range_to_target(mm), res
        return res.figures["range_m"] - _range_to_target(mm), res

    # the margin's resolution: a kilogram, or 1e-4 of a heavy payload (the flights' noise)
    tol = max(MARGIN_TOL_KG, 1e-4 * vehicle.payload_mass) if kind == "orbit" else MARGIN_TOL_M
    payload, x = vehicle.payload_mass, [value_of(vehicle, m, v.path) for v in variables]
    x0 = tuple(x)
    flown_v = vehicle
    for _ in range(max_rounds):
        v = loaded(payload)
        if "inclination" in m.aim:
            m = aim_inclination(*apply(v, m, variables, x), options)[0]
        first, _ = margin(*apply(v, m, variables, x))
        scale = max(abs(first), 10.0 * tol)

        def fun(xx: np.ndarray, v: Vehicle = v, mm: Mission = m, scale: float = scale
                ) -> tuple[float, np.ndarray]:
            value, res = margin(*apply(v, mm, variables, xx))
            figs = res.figures if res is not None else {}
            return value / scale, np.array([c.slack(figs) for c in constraints])

        sol = maximize(fun, x, [(vv.low, vv.high) for vv in variables], counted) \
            if variables else Solution(np.array(x), first / scale, 1, True, "nothing to vary")
        if not sol.success:
            raise _fail(mission, "payload's ascent", sol)
        x = [float(a) for a in sol.x]
        best = sol.value * scale
        if 0.0 <= best < tol:
            break
        def at(p: float, mm: Mission = m, xx: list[float] = x) -> float:
            return margin(*apply(loaded(p), mm, variables,
                                 xx))[0]

        found = _payload_root(at, payload, best, kind, tol, counted)
        if abs(found - payload) <= 1e-4 * max(payload, 1.0):
            break  # the same cliff again: above it no ascent of this shape reaches the orbit
        settled = abs(found - payload) <= PAYLOAD_RTOL * found
        payload = found
        if settled:
            break  # re-shaping the ascent moved the payload by less than its resolution
    else:
        raise UnreachableError(f"{mission.id}: the largest payload did not settle in "
                               f"{max_rounds} rounds ({count[0]} flights)")
    bv, bm = apply(loaded(payload), m, variables, x)
    missed, _ = margin(bv, bm)
    if missed < -tol:
        raise UnreachableError(f"{mission.id}: no payload reaches the destination with the "
                               f"ascents tried (the best still misses it by {-missed:,.0f} "
                               f"{'kg of propellant' if kind == 'orbit' else 'm'})")
    result = simulate(bv, bm, options)
    # the flight as flown, to the destination (it may fall short of an orbit it never flew to)
    flown = simulate(*apply(flown_v, m, variables, x0), quiet) if kind == "orbit" \
        else fly(flown_v, mission, options)
    return Optimum("payload", payload_kg(payload, vehicle, m), payload_kg(
        vehicle.payload_mass, vehicle, m), variables, x0, tuple(x), result, flown,
        count[0], time.perf_counter() - start, _left(result, bm), payload,
        kind == "orbit" and (parking or circular is not None))


def _loader(vehicle: Vehicle, mission: Mission, offload: bool) -> Callable[[float], Vehicle]:
    """``payload -> vehicle`` carrying it. With ``offload`` (a low orbit as the destination)
    the inserting stage's propellant load is lightened by what the payload adds, so that the
    liftoff mass stays as flown: the stage need not carry what it would burn after the
    insertion (the S-IVB's translunar propellant), and the vehicle was built and cleared for
    its flown liftoff mass, not more. The load never goes below nil."""
    if not offload:
        return lambda p: dataclasses.replace(vehicle, payload_mass=p)
    k = mission.phases[-1].burning[-1]
    full = vehicle.stages[k].propellant_mass

    def loaded(p: float) -> Vehicle:
        stage = dataclasses.replace(vehicle.stages[k], propellant_mass=max(
            full - (p - vehicle.payload_mass), 0.0))
        stages = (*vehicle.stages[:k], stage, *vehicle.stages[k + 1:])
        return dataclasses.replace(vehicle, payload_mass=p, stages=stages)

    return loaded


def _flown_perigee(vehicle: Vehicle, mission: Mission, options: SimOptions | None) -> float:
    """The perigee altitude the flight as flown reaches [m]: the floor a heavier payload's
    orbit must keep."""
    res = fly(vehicle, mission, options)
    perigee = res.figures.get("perigee_altitude_m", math.nan)
    if not math.isfinite(perigee) or perigee <= 0.0:
        raise UnreachableError(f"{mission.id}: the flight as flown reaches no orbit, so there "
                               "is no orbit to carry a heavier payload to")
    return float(perigee)


def _payload_root(margin: Callable[[float], float], p0: float, m0: float, kind: str,
                  tol: float, on_eval: Callable[[], None], max_flights: int = 30) -> float:
    """The payload at which ``margin`` is nil, or just above, between 0 and ``tol``: a
    secant from ``p0`` (margin ``m0``) on the margin less ``tol / 2``, kept inside the
    bracket found so far (its middle when the secant leaves it)."""
    p1 = p0 + (0.8 * m0 if kind == "orbit" else math.copysign(0.05 * max(p0, 100.0), m0))
    m0 -= 0.5 * tol
    lo, hi = (p0, math.inf) if m0 > 0 else (0.0, p0)  # margin > 0 at lo, < 0 at hi
    m1 = m0
    for _ in range(max_flights):
        p1 = max(p1, 0.0)
        m1 = margin(p1) - 0.5 * tol
        on_eval()
        if abs(m1) < 0.5 * tol:
            return p1
        lo, hi = (max(lo, p1), hi) if m1 > 0 else (lo, min(hi, p1))
        if hi - lo < 1e-4 * max(lo, 1.0):
            return lo  # a cliff (the ascent as shaped fails above it): shape it anew there
        slope = (m1 - m0) / (p1 - p0) if p1 != p0 else math.nan
        p0, m0 = p1, m1
        step = p1 - m1 / slope if math.isfinite(slope) and slope < 0.0 else math.nan
        if lo < step < hi:
            p1 = step
        else:
            p1 = 0.5 * (lo + hi) if math.isfinite(hi) else 2.0 * max(p1, 1.0)
    raise UnreachableError(f"the payload search did not converge in {max_flights} flights "
                           f"(last margin {m1:,.1f}, between {lo:,.0f} and {hi:,.0f} kg)")


def payload_kg(payload_mass: float, vehicle: Vehicle, mission: Mission) -> float:
    """The payload in the sense of the capability figures: what reaches the destination
    above the last stage, that is the vehicle's payload mass less what of it is not the
    satellite (fairing, adapter: flown payload mass less ``[satellite] mass``) when the
    mission says, else less what its plan (``mission``: the plan to the destination)
    jettisons on the way (the Saturn V's escape tower and interstage ring, carried in its
    payload mass)."""
    if mission.satellite is None:
        return payload_mass - sum(ph.jettison for ph in mission.phases[:-1])
    return payload_mass - (vehicle.payload_mass - mission.satellite.mass)
