"""What-if flights for the web page: the nominal flight changed by a few bounded inputs.

The nominal flight of a mission is ``spacerace.api.fly`` (aimed at the target when the mission
has one, as the range tables aimed the V-2). A what-if starts from that *aimed* mission, so
with no change it is the same flight, then changes what the user asked and flies it without
aiming again: with 10 % less thrust the V-2 then falls short of London, which is the point.

The changes, each bounded by ``FlyRequest`` (the page's inputs, in the units people use):

- ``thrust_factor``: every engine's vacuum thrust *and* propellant flow times the factor, so
  the specific impulse stays and the engine burns faster or slower (a stronger or weaker
  turbopump), rather than an engine that gets more from the same propellant;
- ``propellant_factor``: every stage's propellant load times the factor;
- ``payload_mass_kg``: the payload (warhead, satellite) [kg];
- ``cutoff_speed_m_s``: the speed at which a speed cut-off (Brennschluss) stops the engine,
  for every phase that ends on speed [m/s];
- ``azimuth_deg``: the launch azimuth, clockwise from north [deg];
- ``date``: the liftoff time (ISO 8601, UTC when no offset is given), which turns the Earth.

Units are converted here (degrees to radians), one of the four places house style allows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from spacerace.edit import perturb
from spacerace.flight import options_for
from spacerace.flight import simulate as _simulate
from spacerace.mission import Mission
from spacerace.results import FlightResult
from spacerace.vehicle import Vehicle

MISSION_ID = r"^[a-z0-9][a-z0-9-]{0,63}$"
_DATE_TEXT = re.compile(r"^[0-9T:.+\-Z ]{10,40}$")
DATE_MIN = dt.datetime(1940, 1, 1, tzinfo=dt.UTC)
DATE_MAX = dt.datetime(2000, 12, 31, 23, 59, 59, tzinfo=dt.UTC)

# Names of the what-if inputs, in the order the page shows them.
WHATIF_FIELDS = ("thrust_factor", "propellant_factor", "payload_mass_kg", "cutoff_speed_m_s",
                 "azimuth_deg", "date")


class FlyRequest(BaseModel):
    """A flight asked for by the page: a catalog mission and optional what-if changes.

    Only catalog names are accepted (no file paths); every number is bounded.
    """

    model_config = ConfigDict(extra="forbid", str_max_length=64)

    mission: str = Field(pattern=MISSION_ID, description="Catalog mission id, e.g. v2-london.")
    thrust_factor: float | None = Field(
        None, ge=0.5, le=1.5, description="Factor on every engine's thrust and flow [-].",
        json_schema_extra={"label": "Thrust", "unit": "", "prefix": "\u00d7", "suffix": "",
                           "step": 0.01})
    propellant_factor: float | None = Field(
        None, ge=0.5, le=1.2, description="Factor on every stage's propellant load [-].",
        json_schema_extra={"label": "Propellant load", "unit": "", "prefix": "\u00d7",
                           "suffix": "", "step": 0.01})
    payload_mass_kg: float | None = Field(
        None, ge=0.0, le=100_000.0, description="Payload mass [kg].",
        json_schema_extra={"label": "Payload mass", "unit": "kg", "prefix": "",
                           "suffix": " kg", "step": 10.0})
    cutoff_speed_m_s: float | None = Field(
        None, ge=100.0, le=12_000.0, description="Engine cut-off speed (Brennschluss) [m/s].",
        json_schema_extra={"label": "Cut-off speed", "unit": "m/s", "prefix": "",
                           "suffix": " m/s", "step": 1.0})
    azimuth_deg: float | None = Field(
        None, ge=0.0, le=360.0, description="Launch azimuth, clockwise from north [deg].",
        json_schema_extra={"label": "Launch azimuth", "unit": "deg", "prefix": "",
                           "suffix": "\u00b0", "step": 0.1})
    date: str | None = Field(
        None, description="Liftoff time, ISO 8601 (UTC unless an offset is given), "
                          "between 1940 and 2000.", examples=["1944-09-08T16:38:00Z"],
        json_schema_extra={"label": "Launch date (UTC)", "unit": "UTC"})

    @field_validator("thrust_factor", "propellant_factor", "payload_mass_kg",
                     "cutoff_speed_m_s", "azimuth_deg", mode="before")
    @classmethod
    def _not_a_boolean(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("expected a number, not true or false")
        return value

    @field_validator("date")
    @classmethod
    def _check_date(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parse_date(value)
        return value

    def changes(self) -> dict[str, Any]:
        """The what-if inputs that were given (name -> value)."""
        return {k: getattr(self, k) for k in WHATIF_FIELDS if getattr(self, k) is not None}


def parse_date(text: str) -> dt.datetime:
    """An ISO 8601 date or date-time as an aware UTC datetime within 1940-2000.

    Raises
    ------
    ValueError
        Not ISO 8601, or outside the range (the message says which).
    """
    if not _DATE_TEXT.match(text):
        raise ValueError("date must be ISO 8601, e.g. 1944-09-08T16:38:00Z")
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError("date must be ISO 8601, e.g. 1944-09-08T16:38:00Z") from None
    when = when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)
    if not DATE_MIN <= when <= DATE_MAX:
        raise ValueError("date must be between 1940-01-01 and 2000-12-31")
    return when


def speed_cutoffs(mission: Mission) -> list[float]:
    """Cut-off speeds of the phases that end on speed [m/s] (empty: none does)."""
    return [ph.until_speed for ph in mission.phases if math.isfinite(ph.until_speed)]


def nominal_inputs(result: FlightResult) -> dict[str, Any]:
    """The what-if inputs of a flight as flown: what the page's controls start from."""
    v, m = result.vehicle, result.mission
    cut = speed_cutoffs(m)
    return {
        "thrust_factor": 1.0,
        "propellant_factor": 1.0,
        "payload_mass_kg": v.payload_mass,
        "cutoff_speed_m_s": cut[0] if cut else None,
        "azimuth_deg": math.degrees(m.azimuth) % 360.0,
        "date": m.epoch.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def _engine_paths(vehicle: Vehicle) -> list[str]:
    return [f"vehicle.stages[{i}].engines[{j}]" for i, s in enumerate(vehicle.stages)
            for j in range(len(s.engines))]


def apply(vehicle: Vehicle, mission: Mission, req: FlyRequest) -> tuple[Vehicle, Mission]:
    """The vehicle and mission with the request's changes (the inputs are not modified).

    Raises
    ------
    ValueError
        A change that the mission cannot take (a cut-off speed for a flight with none).
    """
    if req.thrust_factor is not None:
        for path in _engine_paths(vehicle):
            for name in ("thrust_vacuum", "mass_flow"):
                vehicle, mission = perturb(vehicle, mission, f"{path}.{name}",
                                           req.thrust_factor - 1.0, relative=True)
    if req.propellant_factor is not None:
        for i in range(len(vehicle.stages)):
            vehicle, mission = perturb(vehicle, mission, f"vehicle.stages[{i}].propellant_mass",
                                       req.propellant_factor - 1.0, relative=True)
    if req.payload_mass_kg is not None:
        vehicle = dataclasses.replace(vehicle, payload_mass=float(req.payload_mass_kg))
    if req.cutoff_speed_m_s is not None:
        if not speed_cutoffs(mission):
            raise ValueError(f"mission {mission.id} has no engine cut-off by speed, so "
                             "cutoff_speed_m_s does not apply")
        phases = tuple(dataclasses.replace(ph, until_speed=float(req.cutoff_speed_m_s))
                       if math.isfinite(ph.until_speed) else ph for ph in mission.phases)
        mission = dataclasses.replace(mission, phases=phases)
    if req.azimuth_deg is not None:
        mission = dataclasses.replace(mission, azimuth=math.radians(req.azimuth_deg % 360.0))
    if req.date is not None:
        mission = dataclasses.replace(mission, epoch=parse_date(req.date))
    return vehicle, mission


def fly_whatif(nominal: FlightResult, req: FlyRequest) -> FlightResult:
    """Fly the request's what-if from a nominal (aimed) flight; the nominal when no change.

    Raises
    ------
    ValueError, SpaceraceError
        A change the mission cannot take, a vehicle that cannot lift off, a failed flight.
    """
    if not req.changes():
        return nominal
    vehicle, mission = apply(nominal.vehicle, nominal.mission, req)
    # the nominal's time limit and sampling: a flight to the Moon coasts all the way there
    return _simulate(vehicle, mission, options=options_for(mission, None))
