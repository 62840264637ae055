"""The scenario as validated data: what a planner may write, with types, units and defaults.

These pydantic models forbid unknown keys, so a misspelt key is an error rather than a silently
ignored setting. Cross-references (a station's precinct, a call type's hotspots) are checked in
`checks.py`, once the whole document is known.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, ConfigDict, Field, field_validator, model_validator

from .distributions import ZERO, Distribution
from .kinds import CallKind, Role, StationKind
from .weekdays import parse_hour, parse_weekdays
from .errors import show_value
from .strict import StrictModel

Priority = Annotated[int, Field(ge=1, le=4)]
Weekday = Annotated[int, Field(ge=0, le=6)]
Hour = Annotated[float, Field(ge=0, le=24)]
Longitude = Annotated[float, Field(ge=-180, le=180)]
Latitude = Annotated[float, Field(ge=-90, le=90)]
PositiveFloat = Annotated[float, Field(gt=0)]
NonNegativeFloat = Annotated[float, Field(ge=0)]
NonNegativeInt = Annotated[int, Field(ge=0)]
Headcount = Annotated[int, Field(ge=0, le=100_000)]
Fraction = Annotated[float, Field(ge=0, le=1)]
ALL_WEEKDAYS = [0, 1, 2, 3, 4, 5, 6]
# Upper bounds a run can honour: beyond them a run exhausts memory or numpy's generators.
MAX_POPULATION = 100_000_000
MAX_YEARLY_CALLS = 100_000_000
MAX_RATE_PER_1000 = 100_000.0
MAX_WARMUP_DAYS = 365.0
MAX_HORIZON_DAYS = 3660.0
MIN_HORIZON_DAYS = 0.01  # about 15 minutes: shorter observes nothing


def _printable(name: str) -> str:
    """Names reach file names, tables and reports, where a newline or NUL byte breaks them."""
    if any(not char.isprintable() for char in name):
        raise ValueError(f"expected a name without control characters (newline, tab, NUL), got {show_value(name)}")
    return name


Name = Annotated[str, Field(min_length=1), AfterValidator(_printable)]
Population = Annotated[float, Field(gt=0, le=MAX_POPULATION)]
Weight = Annotated[float, Field(ge=0, le=1e6)]  # relative; bounded so that sums of weights stay finite
PositiveWeight = Annotated[float, Field(gt=0, le=1e6)]
RadiusKm = Annotated[float, Field(gt=0, le=100)]
Factor = Annotated[float, Field(gt=0, le=100)]


class Model(StrictModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _split_names(value: Any) -> Any:
    """CSV cells hold lists as 'A;B;C'; TOML holds them as arrays. Accept both."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    return value


# --- the city -------------------------------------------------------------------------------


class District(Model):
    name: Name
    population: Population
    neighbours: list[str] = []

    _split = field_validator("neighbours", mode="before")(_split_names)


class Precinct(Model):
    name: Name
    district: str
    population: Population
    lon: Longitude
    lat: Latitude
    radius_km: RadiusKm = Field(description="incidents fall uniformly within this radius")


class Station(Model):
    name: Name
    kind: StationKind
    precinct: str
    lon: Longitude
    lat: Latitude
    inspectors: Headcount = 0
    assistants: Headcount = 0
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
    name: Name
    precinct: str
    lon: Longitude
    lat: Latitude
    radius_km: RadiusKm = 0.3
    weight: PositiveWeight = 1.0


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
    name: Annotated[str, AfterValidator(_printable)] = ""
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
    name: Name
    start_hour: Annotated[float, Field(ge=0, lt=24)]
    hours: Annotated[float, Field(gt=0, le=24)]
    weekdays: list[Weekday] = Field(default=ALL_WEEKDAYS, description="days the shift runs, 0 = Monday")
    days_per_week: Annotated[int, Field(ge=1, le=7)] | None = Field(
        default=None,
        description="days each member works, rotating over the shift's weekdays; empty = all of them",
    )
    share: PositiveWeight = 1.0
    roles: list[Role] = ["inspector", "assistant"]
    station_kinds: list[StationKind] = ["fixed", "modular", "service_centre"]

    @field_validator("weekdays", "roles", "station_kinds")
    @classmethod
    def _not_empty(cls, value: list) -> list:
        if not value:
            raise ValueError("expected a non-empty list")
        return value

    @model_validator(mode="after")
    def _days_fit_the_weekdays(self) -> "Shift":
        days = len(set(self.weekdays))
        if self.days_per_week is not None and self.days_per_week > days:
            raise ValueError(f"days_per_week: expected at most the {days} weekdays the shift runs, "
                             f"got {self.days_per_week}")
        return self

    @property
    def days_worked_per_week(self) -> int:
        """Days a member of this shift works in a week."""
        days = len(set(self.weekdays))
        return min(days, self.days_per_week) if self.days_per_week else days


class StaffingChanges(Model):
    """What a variant changes about the posted staff, applied to the station table."""

    add_inspectors: Headcount = 0
    add_assistants: Headcount = 0
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

Profile = list[Weight] | str


class CallType(Model):
    kind: CallKind
    priority: Priority
    yearly_volume: Annotated[float, Field(gt=0, le=MAX_YEARLY_CALLS)] | None = None
    rate_per_1000_residents: Annotated[float, Field(gt=0, le=MAX_RATE_PER_1000)] | None = Field(
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
    weekly_profile: Profile | None = Field(
        default=None,
        description="168 weights, Monday 00-01 first, instead of hourly_profile x weekday_profile",
    )
    service: Distribution
    paperwork: Distribution = ZERO
    officers: Annotated[int, Field(ge=1, le=4)] = 1
    patience: Distribution | None = Field(
        default=None,
        description="walk-in: how long a citizen waits before leaving; field: before the caller cancels",
    )
    max_wait_min: NonNegativeFloat | None = Field(
        default=None, description="field only: a call waiting this long for an officer is referred elsewhere"
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
        if self.patience is not None and self.kind == "desk":
            raise ValueError("patience: only walk_in and field calls give up, this one is desk")
        if self.max_wait_min is not None and self.kind != "field":
            raise ValueError(f"max_wait_min: only field calls are referred, this one is {self.kind}")
        if self.officers > 1 and self.kind != "field":
            raise ValueError(f"officers: only field calls take more than one, this one is {self.kind}")
        if not self.station_kinds:
            raise ValueError("station_kinds: expected a non-empty list")
        separable = {"hourly_profile", "weekday_profile"} & self.model_fields_set
        if self.weekly_profile is not None and separable:
            raise ValueError(
                f"weekly_profile: expected it instead of {' and '.join(sorted(separable))}, got both"
            )
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
    slowdown: Factor = 1.0
    congestion_by_hour: list[Factor] = Field(default=[1.0] * 24, min_length=24, max_length=24)


AfterJob = Literal["return", "stay", "respawn"]


class Dispatch(Model):
    policy: Literal["closest-available", "precinct-first", "target-aware"] = "precinct-first"
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
    after_job: AfterJob | None = Field(
        default=None,
        description="a freed officer with no work: drives back to the station, stays put, or is at the station at once",
    )
    return_to_station: bool = Field(default=True, description="deprecated: after_job = return (true) or stay (false)")
    reserve_for_priority_1: NonNegativeInt = Field(
        default=0, description="a call of priority 2 or lower waits while this many or fewer officers of its pool are free"
    )
    reserve_by_district: dict[str, NonNegativeInt] = Field(
        default={}, description="reserve_for_priority_1 for calls of the named districts"
    )
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
        if self.after_job is not None and "return_to_station" in self.model_fields_set \
                and self.return_to_station != (self.after_job == "return"):
            raise ValueError(
                f"return_to_station: expected it left out beside after_job = {self.after_job!r} (it is the old name)"
            )
        return self

    @property
    def after_job_rule(self) -> str:
        """What a freed officer with no work does; `return_to_station` is the older way to say it."""
        if self.after_job is not None:
            return self.after_job
        return "return" if self.return_to_station else "stay"

    def reserve_for(self, district: str) -> int:
        """Officers held back for priority-1 calls in the pool of a call from `district`."""
        return self.reserve_by_district.get(district, self.reserve_for_priority_1)


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


# --- replay of a dispatch log ---------------------------------------------------------------


class LoggedCalls(Model):
    """The replayed calls as columns, one entry per call, filled in from `file` when loading.

    Kept in the scenario (and so in a run folder's scenario.json and its hash) so that the model
    reads no files and a run can be checked against the log without it.
    """

    log_call_id: list[str]
    offset_min: list[NonNegativeFloat] = Field(description="minutes after demand_log.start")
    call_type: list[str]
    priority_label: list[str]
    lon: list[Longitude | None]
    lat: list[Latitude | None]
    district: list[str]
    on_scene_min: list[NonNegativeFloat | None]
    dispatch_delay_min: list[float | None] = Field(description="observed: dispatched - created")
    response_min: list[float | None] = Field(description="observed: arrived - created")
    skipped: dict[str, NonNegativeInt] = Field(default={}, description="log rows left out, by reason")

    @model_validator(mode="after")
    def _columns_line_up(self) -> "LoggedCalls":
        lengths = {name: len(getattr(self, name)) for name in type(self).model_fields if name != "skipped"}
        if len(set(lengths.values())) > 1:
            raise ValueError(f"expected columns of one length, got {lengths}")
        return self


class DemandLog(Model):
    """Calls replayed from a tidy dispatch log instead of drawn at random, for the types mapped."""

    file: str = Field(default="", description="tidy log (CSV or Parquet), relative to the scenario")
    start: str | None = Field(
        default=None, description="log time (ISO 8601) placed at the start of the observed period"
    )
    match: Literal["priority", "call_type"] = "priority"
    call_types: dict[str, str] = Field(min_length=1, description="log priority or call type -> scenario call type")
    on_scene: Literal["recorded", "model"] = "recorded"
    initiated: list[Literal["public", "officer"]] = Field(default=["public"], min_length=1)
    skip_flagged: bool = True
    calls: LoggedCalls | None = None

    @field_validator("start")
    @classmethod
    def _is_a_time(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                raise ValueError(f"expected a local time like 2026-01-15T00:00, got {value!r}") from None
            if moment.tzinfo is not None:
                raise ValueError(f"expected a local time without a zone, got {value!r}")
        return value

    @model_validator(mode="after")
    def _has_calls(self) -> "DemandLog":
        if not self.file and self.calls is None:
            raise ValueError("file: expected the tidy log to replay")
        return self


class RunSettings(Model):
    horizon_days: Annotated[float, Field(ge=MIN_HORIZON_DAYS, le=MAX_HORIZON_DAYS)] = Field(
        default=28.0, description="observed days after warm-up")
    warmup_days: Annotated[float, Field(ge=0, le=MAX_WARMUP_DAYS)] = 7.0
    replications: Annotated[int, Field(ge=1, le=10_000)] = 5
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] = 20230701


class Scenario(Model):
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    description: str = ""
    profiles: dict[Name, list[Weight]] = {}
    city: City
    staffing: Staffing = Staffing()
    demand: dict[Name, CallType] = Field(min_length=1)
    travel: Travel = Travel()
    dispatch: Dispatch = Dispatch()
    targets: Targets = Targets()
    prevention: Prevention | None = None
    demand_log: DemandLog | None = None
    demand_scale: Annotated[float, Field(gt=0, le=1000)] = Field(default=1.0, description="multiplies every call volume")
    run: RunSettings = RunSettings()
