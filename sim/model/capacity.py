"""Offered load against staffed hours per district: can this scenario be stable at all?

A yearly average check, before any simulation: if the work that arrives in a district needs
more officer-hours than its roster supplies, queues grow without bound whatever the dispatch
policy. Passing it is necessary, not sufficient (peaks within a day can still overload).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..scenario.schema import Scenario
from ..scenario.volumes import DAYS_PER_YEAR, profile, work_minutes
from .city import ROLE_INSPECTOR, build_city
from .prevention import weekly_prevention_hours
from .travel import TravelModel

WEEKS_PER_YEAR = DAYS_PER_YEAR / 7.0


@dataclass(frozen=True)
class DistrictLoad:
    """Yearly hours in one district: `inspector_hours` are those of staff who go out to field calls,
    `assistant_hours` those of staff who stay at their station (assistants, desk-only inspectors)."""

    district: str
    field_hours: float
    station_hours: float
    inspector_hours: float
    assistant_hours: float
    prevention_hours: float

    @property
    def field_load(self) -> float:
        """Field work over the inspector hours left after prevention."""
        available = self.inspector_hours - self.prevention_hours
        return self.field_hours / available if available > 0 else float("inf")

    @property
    def total_load(self) -> float:
        available = self.inspector_hours + self.assistant_hours - self.prevention_hours
        work = self.field_hours + self.station_hours
        return work / available if available > 0 else float("inf")

    @property
    def stable(self) -> bool:
        return self.field_load < 1.0 and self.total_load < 1.0


def mean_travel_minutes(scenario: Scenario, radius_km: float, hourly: np.ndarray) -> float:
    """Expected outbound trip from a station at the centre of a disk to a uniform point in it."""
    travel = TravelModel(scenario.travel)
    by_hour = travel.minutes_array(np.full(24, 2.0 * radius_km / 3.0), np.arange(24))
    return float(np.dot(by_hour, hourly))


def offered_load(scenario: Scenario) -> list[DistrictLoad]:
    layout = build_city(scenario)
    field = {d.name: 0.0 for d in scenario.city.districts}
    desk = dict(field)
    for origin, cut in zip(layout.origins, layout.origin_reduction):
        call_type = scenario.demand[origin.call_type]
        volume = origin.yearly_volume * (1.0 - cut)
        minutes = work_minutes(call_type)
        if call_type.kind == "field":
            hourly = profile(scenario, call_type.hourly_profile, 24)
            minutes += mean_travel_minutes(scenario, origin.radius_km, hourly) * call_type.officers
            field[origin.district] += volume * minutes / 60.0
        else:
            desk[origin.district] += volume * minutes / 60.0

    availability = scenario.staffing.availability
    inspectors = {d: 0.0 for d in field}
    assistants = dict(inspectors)
    field_kinds = set(scenario.dispatch.field_station_kinds)
    for member in layout.staff:
        shift = layout.shifts[member.shift]
        hours = availability * shift.hours * shift.days_worked_per_week * WEEKS_PER_YEAR
        district = layout.district_names[layout.station_district[member.station]]
        goes_out = member.role == ROLE_INSPECTOR or scenario.staffing.assistants_take_field
        goes_out = goes_out and layout.stations[member.station].kind in field_kinds
        (inspectors if goes_out else assistants)[district] += hours
    prevention = dict.fromkeys(field, 0.0)
    district_of = {p.name: p.district for p in scenario.city.precincts}
    for precinct, hours in weekly_prevention_hours(scenario, layout.stations, layout.staff, layout.shifts).items():
        prevention[district_of[precinct]] += hours * WEEKS_PER_YEAR
    return [
        DistrictLoad(d, field[d], desk[d], inspectors[d], assistants[d], prevention[d]) for d in field
    ]
