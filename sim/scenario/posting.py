"""Which stations are open and who is posted at each, once a variant's staffing changes apply.

Planners express "100 more assistants" or "close the modular stations" as a few keys; this turns
them into the station table the model runs, so the model only ever sees final numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .geography import ground_distance
from .schema import Scenario, Station
from .routing import station_for
from .staffing_table import table_staff_by_station
from .volumes import all_origins, work_minutes


@dataclass(frozen=True)
class PostedStation:
    name: str
    kind: str
    precinct: str
    district: str
    lon: float
    lat: float
    inspectors: int
    assistants: int
    opens_hour: float
    closes_hour: float
    open_weekdays: tuple[int, ...]


def largest_remainder(total: int, weights: np.ndarray, minimum: int = 0) -> np.ndarray:
    """Integers proportional to `weights` that sum to `total`, each at least `minimum`."""
    weights = np.asarray(weights, dtype=float)
    count = len(weights)
    if count == 0:
        return np.zeros(0, dtype=int)
    base = np.full(count, minimum, dtype=int)
    rest = total - minimum * count
    if rest <= 0:
        return np.minimum(base, total // max(count, 1)) if total < minimum * count else base
    shares = weights / weights.sum() * rest if weights.sum() > 0 else np.full(count, rest / count)
    whole = np.floor(shares).astype(int)
    order = np.argsort(-(shares - whole), kind="stable")
    whole[order[: rest - whole.sum()]] += 1
    return base + whole


def _nearest(station: Station, candidates: list[Station]) -> Station:
    return min(candidates, key=lambda s: ground_distance(s.lon, s.lat, station.lon, station.lat))


def posted_stations(scenario: Scenario) -> list[PostedStation]:
    """The open stations with their final staff, in table order.

    With a staffing table, every station is open and has the staff its rows give it: the
    station columns and `staffing.changes` do not apply.
    """
    changes = scenario.staffing.changes
    district_of = {p.name: p.district for p in scenario.city.precincts}
    stations = scenario.city.all_stations
    if scenario.staffing.table is not None:
        staff = table_staff_by_station(scenario.staffing.table)
        return [_posted(s, district_of, *staff.get(s.name, (0, 0))) for s in stations]
    open_stations = [s for s in stations if s.kind not in changes.close_station_kinds]
    inspectors = {s.name: s.inspectors for s in open_stations}
    assistants = {s.name: s.assistants for s in open_stations}

    for closed in (s for s in stations if s.kind in changes.close_station_kinds):
        same_district = [
            s for s in open_stations
            if s.kind == "fixed" and district_of.get(s.precinct) == district_of.get(closed.precinct)
        ]
        own = [s for s in same_district if s.precinct == closed.precinct]
        if own or same_district:
            target = own[0] if own else _nearest(closed, same_district)
            inspectors[target.name] += closed.inspectors
            assistants[target.name] += closed.assistants

    fixed = [s for s in open_stations if s.kind == "fixed"]
    if fixed:
        field_hours = _field_hours_by_precinct(scenario)
        desk_hours = _station_hours_by_precinct(scenario, [
            _posted(s, district_of, inspectors[s.name], assistants[s.name]) for s in open_stations])
        precinct_population = {p.name: p.population for p in scenario.city.precincts}

        def weights(by: str, hours: dict[str, float]) -> np.ndarray:
            if by == "equal":
                return np.ones(len(fixed))
            source = hours if by == "demand" else precinct_population
            counts: dict[str, int] = {}
            for s in fixed:
                counts[s.precinct] = counts.get(s.precinct, 0) + 1
            return np.array([source.get(s.precinct, 0.0) / counts[s.precinct] for s in fixed])

        if changes.redeploy_inspectors:
            total = sum(inspectors[s.name] for s in fixed)
            shares = largest_remainder(total, weights(changes.redeploy_inspectors, field_hours), 1)
            for s, count in zip(fixed, shares):
                inspectors[s.name] = int(count)
        for s, extra in zip(fixed, largest_remainder(changes.add_inspectors, weights(changes.allocate_by, field_hours))):
            inspectors[s.name] += int(extra)
        for s, extra in zip(fixed, largest_remainder(changes.add_assistants, weights(changes.allocate_by, desk_hours))):
            assistants[s.name] += int(extra)

    return [_posted(s, district_of, inspectors[s.name], assistants[s.name]) for s in open_stations]


def _posted(station: Station, district_of: dict[str, str], inspectors: int, assistants: int) -> PostedStation:
    return PostedStation(
        name=station.name, kind=station.kind, precinct=station.precinct,
        district=district_of.get(station.precinct, ""), lon=station.lon, lat=station.lat,
        inspectors=inspectors, assistants=assistants, opens_hour=station.opens_hour,
        closes_hour=station.closes_hour, open_weekdays=tuple(sorted(set(station.open_weekdays))),
    )


def _field_hours_by_precinct(scenario: Scenario) -> dict[str, float]:
    """Yearly officer-hours of field work starting in each precinct."""
    hours: dict[str, float] = {}
    for origin in all_origins(scenario):
        call_type = scenario.demand[origin.call_type]
        if call_type.kind == "field":
            hours[origin.precinct] = hours.get(origin.precinct, 0.0) + origin.yearly_volume * work_minutes(call_type) / 60
    return hours


def _station_hours_by_precinct(scenario: Scenario, stations: list[PostedStation]) -> dict[str, float]:
    """Yearly walk-in and desk hours of the fixed stations, by the precinct of the station that takes them.

    Counted where the work is routed, not where it starts: a modular station's inquiries are its
    own, not its precinct's fixed station's.
    """
    hours: dict[str, float] = {}
    for origin in all_origins(scenario):
        call_type = scenario.demand[origin.call_type]
        if call_type.kind == "field":
            continue
        station = station_for(scenario, origin, stations)
        if station is not None and station.kind == "fixed":
            hours[station.precinct] = hours.get(station.precinct, 0.0) + origin.yearly_volume * work_minutes(call_type) / 60
    return hours
