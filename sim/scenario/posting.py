"""Which stations are open and who is posted at each, once a variant's staffing changes apply.

Planners express "100 more assistants" or "close the modular stations" as a few keys; this turns
them into the station table the model runs, so the model only ever sees final numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .schema import Scenario, Station
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
    return min(candidates, key=lambda s: math.hypot(s.lon - station.lon, s.lat - station.lat))


def posted_stations(scenario: Scenario) -> list[PostedStation]:
    """The open stations with their final staff, in table order."""
    changes = scenario.staffing.changes
    district_of = {p.name: p.district for p in scenario.city.precincts}
    stations = scenario.city.all_stations
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
        field_hours, desk_hours = _demand_hours_by_precinct(scenario)
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

    return [
        PostedStation(
            name=s.name, kind=s.kind, precinct=s.precinct, district=district_of.get(s.precinct, ""),
            lon=s.lon, lat=s.lat, inspectors=inspectors[s.name], assistants=assistants[s.name],
            opens_hour=s.opens_hour, closes_hour=s.closes_hour,
            open_weekdays=tuple(sorted(set(s.open_weekdays))),
        )
        for s in open_stations
    ]


def _demand_hours_by_precinct(scenario: Scenario) -> tuple[dict[str, float], dict[str, float]]:
    """Yearly field hours and walk-in/desk hours starting in each precinct."""
    field: dict[str, float] = {}
    desk: dict[str, float] = {}
    for origin in all_origins(scenario):
        call_type = scenario.demand[origin.call_type]
        hours = origin.yearly_volume * work_minutes(call_type) / 60.0
        target = field if call_type.kind == "field" else desk
        target[origin.precinct] = target.get(origin.precinct, 0.0) + hours
    return field, desk

