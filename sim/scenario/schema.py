"""The scenario as validated data: what a planner may write, with types, units and defaults.

These pydantic models forbid unknown keys, so a misspelt key is an error rather than a silently
ignored setting. Cross-references (a station's precinct, a call type's hotspots) are checked in
`checks.py`, once the whole document is known.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .distributions import ZERO, Distribution
from .weekdays import parse_hour, parse_weekdays

Role = Literal["inspector", "assistant"]
StationKind = Literal["fixed", "modular", "service_centre"]
CallKind = Literal["field", "walk_in", "desk"]
Priority = Annotated[int, Field(ge=1, le=4)]
Weekday = Annotated[int, Field(ge=0, le=6)]
Hour = Annotated[float, Field(ge=0, le=24)]
Longitude = Annotated[float, Field(ge=-180, le=180)]
Latitude = Annotated[float, Field(ge=-90, le=90)]
PositiveFloat = Annotated[float, Field(gt=0)]
NonNegativeFloat = Annotated[float, Field(ge=0)]
NonNegativeInt = Annotated[int, Field(ge=0)]
Fraction = Annotated[float, Field(ge=0, le=1)]
ALL_WEEKDAYS = [0, 1, 2, 3, 4, 5, 6]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _split_names(value: Any) -> Any:
    """CSV cells hold lists as 'A;B;C'; TOML holds them as arrays. Accept both."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    return value


# --- the city -------------------------------------------------------------------------------


class District(Model):
    name: str = Field(min_length=1)
    population: PositiveFloat
    neighbours: list[str] = []

    _split = field_validator("neighbours", mode="before")(_split_names)


class Precinct(Model):
    name: str = Field(min_length=1)
    district: str
    population: PositiveFloat
    lon: Longitude
    lat: Latitude
    radius_km: PositiveFloat = Field(description="incidents fall uniformly within this radius")


class Station(Model):
    name: str = Field(min_length=1)
    kind: StationKind
    precinct: str
    lon: Longitude
    lat: Latitude
    inspectors: NonNegativeInt = 0
    assistants: NonNegativeInt = 0
    opens_hour: Hour = 9.0
    closes_hour: Hour = 18.0
    open_weekdays: list[Weekday] = [0, 1, 2, 3, 4, 5]

    _split = field_validator("open_weekdays", mode="before")(_split_names)

    @model_validator(mode="after")
    def _hours_in_order(self) -> "Station":
        if self.closes_hour <= self.opens_hour:
            raise ValueError(
                f"closes_hour: expected a time after opens_hour {self.opens_hour:g}, "
                f"got {self.closes_hour:g}"
            )
        return self


class Hotspot(Model):
    name: str = Field(min_length=1)
    precinct: str
    lon: Longitude
    lat: Latitude
    radius_km: PositiveFloat = 0.3
    weight: PositiveFloat = 1.0


class BoundaryFeature(Model):
    type: Literal["Feature"]
    properties: dict[str, Any]
    geometry: dict[str, Any]
    id: str | int | None = None
    bbox: list[float] | None = None

    @field_validator("properties")
    @classmethod
    def _names_a_district(cls, value: dict) -> dict:
        if not isinstance(value.get("district"), str):
            raise ValueError('expected a "district" property naming the district')
        return value

    @field_validator("geometry")
    @classmethod
    def _is_an_area(cls, value: dict) -> dict:
        if value.get("type") not in ("Polygon", "MultiPolygon"):
            raise ValueError(f"expected a Polygon or MultiPolygon, got {value.get('type')!r}")
        return value


class Boundaries(Model):
    """District boundaries in lon/lat (GeoJSON), one feature per district."""

    type: Literal["FeatureCollection"]
    features: list[BoundaryFeature] = Field(min_length=1)
    model_config = ConfigDict(extra="allow", frozen=True)


class City(Model):
    name: str = ""
    boundaries: Boundaries | None = None
    districts: list[District] = Field(min_length=1)
    precincts: list[Precinct] = Field(min_length=1)
    stations: list[Station] = Field(min_length=1)
    add_stations: list[Station] = Field(
        default=[], description="stations a variant adds to the table without repeating it"
    )
    hotspots: list[Hotspot] = []

    @property
    def all_stations(self) -> list[Station]:
        return [*self.stations, *self.add_stations]


# --- staffing -------------------------------------------------------------------------------


class Shift(Model):
    name: str = Field(min_length=1)
    start_hour: Annotated[float, Field(ge=0, lt=24)]
    hours: Annotated[float, Field(gt=0, le=24)]
    weekdays: list[Weekday] = Field(default=ALL_WEEKDAYS, description="days the shift runs, 0 = Monday")
    days_per_week: Annotated[int, Field(ge=1, le=7)] | None = Field(
        default=None,
        description="days each member works, rotating over the shift's weekdays; empty = all of them",
    )
    share: PositiveFloat = 1.0
    roles: list[Role] = ["inspector", "assistant"]
    station_kinds: list[StationKind] = ["fixed", "modular", "service_centre"]

    @field_validator("weekdays", "roles", "station_kinds")
    @classmethod
    def _not_empty(cls, value: list) -> list:
        if not value:
            raise ValueError("expected a non-empty list")
        return value

    @property
    def days_worked_per_week(self) -> int:
        """Days a member of this shift works in a week."""
        days = len(set(self.weekdays))
        return min(days, self.days_per_week) if self.days_per_week else days


class StaffingChanges(Model):
    """What a variant changes about the posted staff, applied to the station table."""

    add_inspectors: NonNegativeInt = 0
    add_assistants: NonNegativeInt = 0
    allocate_by: Literal["population", "demand", "equal"] = "population"
    redeploy_inspectors: Literal["population", "demand"] | None = None
    close_station_kinds: list[Literal["modular", "service_centre"]] = []


class StaffingRow(Model):
    """One crew of a station-by-shift staffing table: distinct officers on duty every listed weekday."""

    station: str = Field(min_length=1)
    shift: str = Field(min_length=1)
    weekdays: list[Weekday] = Field(min_length=1, description="days the crew starts work, 0 = Monday")
    start_hour: Annotated[float, Field(ge=0, lt=24)]
    hours: Annotated[float, Field(gt=0, le=24)]
    inspectors: NonNegativeInt
    assistants: NonNegativeInt = 0

    _days = field_validator("weekdays", mode="before")(parse_weekdays)
    _clock = field_validator("start_hour", mode="before")(parse_hour)


class Staffing(Model):
    availability: Annotated[float, Field(gt=0, le=1)] = 1.0
    roster: list[Shift] = Field(
        default=[Shift(name="always", start_hour=0, hours=24)], min_length=1
    )
    table: list[StaffingRow] | None = Field(
        default=None, min_length=1,
        description="station-by-shift staffing; when given it alone says who is on duty where and when",
    )
    assistants_take_field: bool = False
    changes: StaffingChanges = StaffingChanges()

    @model_validator(mode="after")
    def _every_role_has_a_shift(self) -> "Staffing":
        for role in ("inspector", "assistant"):
            if not any(role in shift.roles for shift in self.roster):
                raise ValueError(f"roster: expected at least one shift for role {role!r}")
        return self


# --- demand ---------------------------------------------------------------------------------

Profile = list[NonNegativeFloat] | str


class CallType(Model):
    kind: CallKind
    priority: Priority
    yearly_volume: PositiveFloat | None = None
    rate_per_1000_residents: PositiveFloat | None = Field(
        default=None, description="calls per year per 1,000 residents"
    )
    spread: Literal["population", "hotspots"] = "population"
    hotspot_share: Fraction = Field(
        default=1.0, description="spread = hotspots: share at the hotspots, the rest by population"
    )
    hotspots: list[str] = Field(default=[], description="hotspot names; empty = all hotspots")
    station_kinds: list[StationKind] = Field(
        default=["fixed"],
        description="walk-in and desk: where the call goes, in order of preference",
    )
    hourly_profile: Profile = "flat"
    weekday_profile: Profile = "flat"
    service: Distribution
    paperwork: Distribution = ZERO
    officers: Annotated[int, Field(ge=1, le=4)] = 1
    patience: Distribution | None = Field(
        default=None, description="walk-in only: how long a citizen waits before leaving"
    )

    _split = field_validator("hotspots", mode="before")(_split_names)

    @model_validator(mode="after")
    def _coherent(self) -> "CallType":
        if (self.yearly_volume is None) == (self.rate_per_1000_residents is None):
            raise ValueError(
                "expected exactly one of yearly_volume or rate_per_1000_residents"
            )
        if self.service.mean <= 0:
            raise ValueError("service: expected a distribution with a positive mean")
        if self.patience is not None and self.kind != "walk_in":
            raise ValueError(f"patience: only walk_in calls give up, this one is {self.kind}")
        if self.officers > 1 and self.kind != "field":
            raise ValueError(f"officers: only field calls take more than one, this one is {self.kind}")
        if not self.station_kinds:
            raise ValueError("station_kinds: expected a non-empty list")
        return self


# --- travel, dispatch, targets --------------------------------------------------------------


class Travel(Model):
    """Response travel time: square root of distance for short trips, linear beyond.

    Defaults are the Kolesar-Walker (RAND) fit in minutes and km; `slowdown` scales it for a
    city whose officers are slower than US emergency vehicles.
    """

    model: Literal["sqrt-linear", "none"] = "sqrt-linear"
    sqrt_min_per_sqrt_km: PositiveFloat = 1.66
    breakpoint_km: PositiveFloat = 0.61
    intercept_min: NonNegativeFloat = 0.65
    linear_min_per_km: PositiveFloat = 1.056
    detour_factor: Annotated[float, Field(ge=1)] = 1.3
    slowdown: PositiveFloat = 1.0
    congestion_by_hour: list[PositiveFloat] = Field(default=[1.0] * 24, min_length=24, max_length=24)


class Dispatch(Model):
    policy: Literal["closest-available", "precinct-first"] = "precinct-first"
    backup_wait_min: NonNegativeFloat = Field(
        default=30.0, description="precinct-first: wait before the district's inspectors may help"
    )
    neighbour_wait_min: NonNegativeFloat = Field(
        default=60.0, description="precinct-first: wait before neighbouring districts may help"
    )
    urgent_backup_wait_min: NonNegativeFloat = Field(
        default=0.0,
        description="precinct-first: wait before the district and its neighbours may take a priority-1 call",
    )
    preemption: bool = False
    return_to_station: bool = True
    field_station_kinds: list[StationKind] = Field(
        default=["fixed", "modular", "service_centre"],
        description="inspectors posted at these kinds of station go out to field calls; others stay at the desk",
    )

    @model_validator(mode="after")
    def _waits_in_order(self) -> "Dispatch":
        if self.neighbour_wait_min < self.backup_wait_min:
            raise ValueError(
                f"neighbour_wait_min: expected at least backup_wait_min ({self.backup_wait_min:g}),"
                f" got {self.neighbour_wait_min:g}"
            )
        return self


DEFAULT_RESPONSE_TARGETS_MIN = {"1": 30.0, "2": 120.0, "3": 1440.0, "4": 4320.0}


class Targets(Model):
    response_min: dict[Literal["1", "2", "3", "4"], PositiveFloat] = Field(
        default=DEFAULT_RESPONSE_TARGETS_MIN,
        description="per priority; priorities left out keep their default",
    )
    walk_in_wait_min: PositiveFloat = 30.0

    @field_validator("response_min", mode="before")
    @classmethod
    def _keep_defaults(cls, value: Any) -> Any:
        return {**DEFAULT_RESPONSE_TARGETS_MIN, **value} if isinstance(value, dict) else value

    def for_priority(self, priority: int) -> float:
        return self.response_min.get(str(priority), float("inf"))


# --- prevention, run ------------------------------------------------------------------------


class Prevention(Model):
    """Scheduled prevention work and how much it cuts the rate of the call types it targets."""

    hours_per_week: Annotated[float, Field(gt=0, le=40)]
    weekdays: list[Weekday] = [1, 3]
    start_hour: Annotated[float, Field(ge=0, lt=24)] = 10.0
    call_types: list[str] = Field(min_length=1)
    reduction_per_weekly_hour_per_1000_residents: PositiveFloat
    max_reduction: Annotated[float, Field(gt=0, lt=1)] = 0.5

    @model_validator(mode="after")
    def _blocks_fit_in_a_day(self) -> "Prevention":
        if not self.weekdays:
            raise ValueError("weekdays: expected a non-empty list")
        block = self.hours_per_week / len(self.weekdays)
        if self.start_hour + block > 24:
            raise ValueError(
                f"hours_per_week: a {block:g} h block from {self.start_hour:g}h runs past midnight"
            )
        return self

    @property
    def block_hours(self) -> float:
        return self.hours_per_week / len(self.weekdays)


class RunSettings(Model):
    horizon_days: PositiveFloat = Field(default=28.0, description="observed days after warm-up")
    warmup_days: NonNegativeFloat = 7.0
    replications: Annotated[int, Field(ge=1, le=10_000)] = 5
    seed: Annotated[int, Field(ge=0)] = 20230701


class Scenario(Model):
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    description: str = ""
    profiles: dict[str, list[NonNegativeFloat]] = {}
    city: City
    staffing: Staffing = Staffing()
    demand: dict[str, CallType] = Field(min_length=1)
    travel: Travel = Travel()
    dispatch: Dispatch = Dispatch()
    targets: Targets = Targets()
    prevention: Prevention | None = None
    demand_scale: PositiveFloat = Field(default=1.0, description="multiplies every call volume")
    run: RunSettings = RunSettings()
