"""Field load per dispatch pool and hour of the week: the work offered to the officers who can take it.

A district judged alone is called overloaded when its officers are in fact helped by the whole
city (`closest-available`) or by its neighbours (`precinct-first`), and a yearly average hides
the Friday evening that is. So the load here is the expected field work arriving in each hour
of the week (officer-hours per hour, i.e. erlangs) over the field officers rostered in that hour,
for each pool of officers a call can be given to. Travel is estimated from where calls start
(precinct disks and hotspots) to the nearest station with field officers on duty then.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..scenario.schema import Scenario
from ..scenario.volumes import DAYS_PER_YEAR, profile, work_minutes
from .city import ROLE_INSPECTOR, CityLayout, build_city
from .travel import TravelModel

HOURS_PER_WEEK = 168
MINUTES_PER_WEEK = HOURS_PER_WEEK * 60.0
WEEKS_PER_YEAR = DAYS_PER_YEAR / 7.0
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
SAMPLE_POINTS = 48  # points spread evenly over each disk where calls start, for the mean trip
GOLDEN_ANGLE = np.pi * (3.0 - np.sqrt(5.0))


@dataclass(frozen=True)
class PoolLoad:
    """One dispatch pool: the districts whose officers may take its calls, per hour of the week.

    Arrays have 168 entries, hour 0 = Monday 00:00-01:00. `work_erlangs` is the expected
    officer-hours of field work (on scene, paperwork, outbound travel, times officers sent)
    arriving per hour; `officers` the field officers rostered then (times `availability`);
    `prevention` the officer-hours per hour spent on prevention blocks.
    """

    name: str
    districts: tuple[str, ...]
    work_erlangs: np.ndarray
    officers: np.ndarray
    prevention: np.ndarray

    @property
    def load(self) -> np.ndarray:
        """Work over officers on duty per hour; inf where work arrives and nobody is on duty."""
        with np.errstate(divide="ignore", invalid="ignore"):
            load = self.work_erlangs / self.officers
        return np.where(self.officers > 0, load, np.where(self.work_erlangs > 0, np.inf, 0.0))

    @property
    def weekly_load(self) -> float:
        """The week's field work over its officer-hours left after prevention: 1 or more can never be stable."""
        available = float(self.officers.sum() - self.prevention.sum())
        work = float(self.work_erlangs.sum())
        return work / available if available > 0 else (np.inf if work > 0 else 0.0)

    @property
    def peak_hour(self) -> int:
        return int(np.argmax(self.load))

    @property
    def peak_load(self) -> float:
        return float(self.load[self.peak_hour])

    def hours_at_or_above(self, threshold: float) -> list[int]:
        """Hours of the week (0 = Monday 00:00) whose load is at least `threshold`."""
        return [int(h) for h in np.flatnonzero(self.load >= threshold)]

    @property
    def overloaded(self) -> bool:
        """Some hour's work reaches its officers on duty, or the week's reaches its officer-hours."""
        return self.peak_load >= 1.0 or self.weekly_load >= 1.0


def hour_name(hour_of_week: int) -> str:
    """`Fri 18:00` for hour 114."""
    day, hour = divmod(int(hour_of_week), 24)
    return f"{DAY_NAMES[day]} {hour:02d}:00"


def pool_loads(scenario: Scenario, layout: CityLayout | None = None) -> list[PoolLoad]:
    """The field load of every dispatch pool, per hour of the week, for either staffing form.

    Pools follow `dispatch.policy`: under `closest-available` the whole city is one pool; under
    `precinct-first` each district's pool is the district and its neighbours, and carries the
    work arising in all of them (their officers serve it too).
    """
    layout = build_city(scenario) if layout is None else layout
    officers = field_officers_by_station(layout)
    prevention = _prevention_by_station(layout, officers)
    districts = layout.district_names
    if scenario.dispatch.policy == "closest-available":
        groups = [(scenario.city.name or "city", tuple(range(len(districts))))]
    else:
        groups = [(name, tuple(dict.fromkeys([d, *layout.district_neighbours[d]])))
                  for d, name in enumerate(districts)]
    trips = trip_minutes(layout)
    pools = []
    for name, members in groups:
        in_pool = np.isin(layout.station_district, members)
        work = field_work_by_district(layout, officers, in_pool, trips)
        pools.append(PoolLoad(
            name=name,
            districts=tuple(districts[d] for d in members),
            work_erlangs=sum((work[d] for d in members), np.zeros(HOURS_PER_WEEK)),
            officers=officers[in_pool].sum(axis=0),
            prevention=prevention[in_pool].sum(axis=0),
        ))
    return pools


def shift_coverage(start_hour: float, hours: float, weekdays) -> np.ndarray:
    """Share of each hour of the week a shift covers (1.0 for a whole hour), wrapping past Sunday."""
    coverage = np.zeros(HOURS_PER_WEEK)
    edges = np.arange(HOURS_PER_WEEK + 1) * 60.0
    for day in sorted(set(weekdays)):
        start = day * 1440.0 + start_hour * 60.0
        for a, b in ((start, start + hours * 60.0), (start - MINUTES_PER_WEEK, start + hours * 60.0 - MINUTES_PER_WEEK)):
            overlap = np.clip(np.minimum(edges[1:], b) - np.maximum(edges[:-1], a), 0.0, 60.0)
            coverage += overlap / 60.0
    return coverage


def field_officers_by_station(layout: CityLayout, roles: tuple[int, ...] | None = None) -> np.ndarray:
    """Expected field officers on duty at each station (rows) in each hour of the week (columns).

    Counts members who go out to field calls, times `availability`, and for a roster shift with
    `days_per_week` the share of its days each member works.
    """
    scenario = layout.scenario
    field_kinds = set(scenario.dispatch.field_station_kinds)
    coverage = []
    for shift in layout.shifts:
        days = len(set(shift.weekdays))
        coverage.append(shift_coverage(shift.start_hour, shift.hours, shift.weekdays)
                        * shift.days_worked_per_week / days)
    officers = np.zeros((len(layout.stations), HOURS_PER_WEEK))
    for member in layout.staff:
        goes_out = member.role == ROLE_INSPECTOR or scenario.staffing.assistants_take_field
        if roles is not None and member.role not in roles:
            continue
        if goes_out and layout.stations[member.station].kind in field_kinds:
            officers[member.station] += coverage[member.shift]
    return officers * scenario.staffing.availability


def _prevention_by_station(layout: CityLayout, officers: np.ndarray) -> np.ndarray:
    """Officer-hours per hour of the week spent on prevention: field inspectors on duty in a block."""
    prevention = layout.scenario.prevention
    if prevention is None:
        return np.zeros_like(officers)
    window = np.minimum(shift_coverage(prevention.start_hour, prevention.block_hours, prevention.weekdays), 1.0)
    inspectors = field_officers_by_station(layout, roles=(ROLE_INSPECTOR,))  # assistants do no prevention
    return inspectors * window[None, :]


def field_work_by_district(layout: CityLayout, officers: np.ndarray, in_pool: np.ndarray,
                           trips: np.ndarray | None = None) -> dict[int, np.ndarray]:
    """Expected officer-hours of field work arriving per hour of the week, by district of origin.

    The outbound trip of each call is the mean over points spread evenly in the disk where it
    starts, from the nearest station of `in_pool` with field officers on duty in that hour (its
    own district's first, as `precinct-first` sends them); a district with nobody on duty in the
    pool is served from the nearest staffed station of the city. `trips` is `trip_minutes(layout)`,
    passed in when it is reused over several pools.
    """
    scenario = layout.scenario
    travel = TravelModel(scenario.travel)
    district_index = {name: i for i, name in enumerate(layout.district_names)}
    on_duty = officers > 1e-9
    base_minutes = trip_minutes(layout) if trips is None else trips
    congestion = np.asarray(travel.by_hour)[np.arange(HOURS_PER_WEEK) % 24]
    own_first = scenario.dispatch.policy == "precinct-first"
    field = [i for i, o in enumerate(layout.origins) if scenario.demand[o.call_type].kind == "field"]
    origin_district = np.array([district_index[layout.origins[i].district] for i in field], dtype=int)
    trip = np.full((len(field), HOURS_PER_WEEK), np.nan)
    preferences = [(layout.station_district == d) & in_pool for d in range(len(district_index))] if own_first else []
    for d, own in enumerate(preferences):
        here = origin_district == d
        trip[here] = _fill(trip[here], base_minutes[field][here], on_duty & own[:, None])
    for candidates in (in_pool, np.ones_like(in_pool)):
        trip = _fill(trip, base_minutes[field], on_duty & candidates[:, None])
    trip = np.nan_to_num(trip, nan=0.0) * congestion[None, :]

    shares: dict[str, np.ndarray] = {}
    work: dict[int, np.ndarray] = {}
    for row, i in enumerate(field):
        origin = layout.origins[i]
        call_type = scenario.demand[origin.call_type]
        if origin.call_type not in shares:
            hourly = profile(scenario, call_type.hourly_profile, 24)
            weekday = profile(scenario, call_type.weekday_profile, 7)
            shares[origin.call_type] = np.outer(weekday, hourly).ravel()
        calls_per_hour = (origin.yearly_volume * (1.0 - layout.origin_reduction[i]) / WEEKS_PER_YEAR
                          * shares[origin.call_type])
        minutes = work_minutes(call_type) + trip[row] * call_type.officers
        district = int(origin_district[row])
        work[district] = work.get(district, np.zeros(HOURS_PER_WEEK)) + calls_per_hour * minutes / 60.0
    return work


def _fill(trip: np.ndarray, minutes: np.ndarray, open_: np.ndarray) -> np.ndarray:
    """Trips not yet known (NaN) set from the nearest of the stations open in each hour (`open_`, stations x hours).

    Hours share a few patterns of open stations (shifts change a few times a day), so the nearest
    is found once per pattern.
    """
    if trip.size == 0:
        return trip
    by_hour = np.ascontiguousarray(open_.T)
    index: dict[bytes, int] = {}
    which = [index.setdefault(row.tobytes(), len(index)) for row in by_hour]
    patterns = by_hour[[which.index(k) for k in range(len(index))]]
    nearest = np.where(patterns[None, :, :], minutes[:, None, :], np.inf).min(axis=2)  # origins x patterns
    best = nearest[:, which]
    return np.where(np.isnan(trip) & np.isfinite(best), best, trip)


def trip_minutes(layout: CityLayout) -> np.ndarray:
    """Mean travel minutes (no congestion), origins by stations, to points spread over each origin's disk."""
    travel = TravelModel(layout.scenario.travel)
    if travel.none or len(layout.stations) == 0:
        return np.zeros((len(layout.origins), len(layout.stations)))
    k = np.arange(SAMPLE_POINTS)
    radius = np.sqrt((k + 0.5) / SAMPLE_POINTS)
    unit = np.column_stack([radius * np.cos(k * GOLDEN_ANGLE), radius * np.sin(k * GOLDEN_ANGLE)])
    places: dict[tuple[float, float, float], np.ndarray] = {}
    out = np.zeros((len(layout.origins), len(layout.stations)))
    for i, origin in enumerate(layout.origins):
        key = (origin.lon, origin.lat, origin.radius_km)
        if key not in places:
            x, y = layout.projection.to_km(origin.lon, origin.lat)
            points = np.array([x, y]) + unit * origin.radius_km  # (points, 2)
            distance = np.hypot(points[:, None, 0] - layout.station_xy[None, :, 0],
                                points[:, None, 1] - layout.station_xy[None, :, 1])
            places[key] = travel.minutes_array(distance, 0).mean(axis=0) / travel.by_hour[0]
        out[i] = places[key]
    return out
