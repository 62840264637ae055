"""Prevention work the roster really schedules, and the cut in targeted calls it buys.

Prevention blocks run at fixed hours (for example Tuesday and Thursday 10:00-12:00), so only
the inspectors on duty then do them: the cut in a precinct's targeted calls follows those
hours, not the nominal hours per inspector, and so does the offered-load check.
"""

from __future__ import annotations

from ..scenario.posting import PostedStation
from ..scenario.schema import Scenario, Shift
from ..scenario.staffing_table import duty_shifts
from .city import ROLE_INSPECTOR, StaffMember

MINUTES_PER_WEEK = 7 * 1440.0


def _week_spans(start_min: float, length_min: float) -> list[tuple[float, float]]:
    """A span of the week as one or two pieces inside [0, one week), wrapping past Sunday."""
    end = start_min + length_min
    if end <= MINUTES_PER_WEEK:
        return [(start_min, end)]
    return [(start_min, MINUTES_PER_WEEK), (0.0, end - MINUTES_PER_WEEK)]


def _overlap(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> float:
    return sum(max(0.0, min(a1, b1) - max(a0, b0)) for a0, a1 in a for b0, b1 in b)


def weekly_prevention_hours(scenario: Scenario, stations: list[PostedStation],
                            staff: list[StaffMember], shifts: list[Shift] | None = None) -> dict[str, float]:
    """Expected prevention hours worked per week in each precinct (absences included).

    `shifts` are those `staff` are posted to (`CityLayout.shifts`); by default the scenario's.
    """
    prevention = scenario.prevention
    if prevention is None:
        return {}
    shifts = duty_shifts(scenario) if shifts is None else shifts
    windows = [span for day in prevention.weekdays
               for span in _week_spans(day * 1440.0 + prevention.start_hour * 60.0, prevention.block_hours * 60.0)]
    field_kinds = set(scenario.dispatch.field_station_kinds)
    hours: dict[str, float] = {}
    for member in staff:
        station = stations[member.station]
        if member.role != ROLE_INSPECTOR or station.kind not in field_kinds:
            continue  # inspectors kept at a desk do no prevention work
        shift = shifts[member.shift]
        weekdays = sorted(set(shift.weekdays))
        on_shift = [span for day in weekdays
                    for span in _week_spans(day * 1440.0 + shift.start_hour * 60.0, shift.hours * 60.0)]
        share_of_days = shift.days_worked_per_week / len(weekdays)
        minutes = _overlap(on_shift, windows) * share_of_days * scenario.staffing.availability
        hours[station.precinct] = hours.get(station.precinct, 0.0) + minutes / 60.0
    return hours


def reduction_by_precinct(scenario: Scenario, stations: list[PostedStation],
                          staff: list[StaffMember], shifts: list[Shift] | None = None) -> dict[str, float]:
    """Fraction (0 to max_reduction) by which prevention cuts the targeted call rate in each precinct."""
    prevention = scenario.prevention
    if prevention is None:
        return {}
    hours = weekly_prevention_hours(scenario, stations, staff, shifts)
    effect = prevention.reduction_per_weekly_hour_per_1000_residents
    return {
        p.name: min(prevention.max_reduction, effect * hours.get(p.name, 0.0) / (p.population / 1000.0))
        for p in scenario.city.precincts
    }
