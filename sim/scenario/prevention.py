"""How much scheduled prevention work cuts the rate of the call types it targets, per precinct.

The cut grows with the prevention hours the precinct's inspectors actually work per 1,000
residents (posted staff x availability x weekly hours), up to a ceiling the scenario sets.
"""

from __future__ import annotations

from .posting import PostedStation
from .schema import Scenario


def weekly_prevention_hours(scenario: Scenario, stations: list[PostedStation]) -> dict[str, float]:
    """Prevention hours worked per week in each precinct."""
    if scenario.prevention is None:
        return {}
    hours: dict[str, float] = {}
    field_kinds = set(scenario.dispatch.field_station_kinds)
    for station in stations:
        if station.kind not in field_kinds:
            continue  # inspectors kept at a desk do no prevention work
        worked = station.inspectors * scenario.staffing.availability * scenario.prevention.hours_per_week
        hours[station.precinct] = hours.get(station.precinct, 0.0) + worked
    return hours


def reduction_by_precinct(scenario: Scenario, stations: list[PostedStation]) -> dict[str, float]:
    """Fraction (0 to max_reduction) by which prevention cuts the targeted call rate in each precinct."""
    prevention = scenario.prevention
    if prevention is None:
        return {}
    hours = weekly_prevention_hours(scenario, stations)
    effect = prevention.reduction_per_weekly_hour_per_1000_residents
    return {
        p.name: min(prevention.max_reduction, effect * hours.get(p.name, 0.0) / (p.population / 1000.0))
        for p in scenario.city.precincts
    }
