"""Officers on duty for field calls per pool and hour of the week, expected over absence and rotation."""

from __future__ import annotations

import numpy as np

from ..model.city import ROLE_INSPECTOR, CityLayout, build_city
from ..scenario.schema import Scenario
from .load import CITY_POOL, pool_names
from .mol import HOURS_PER_WEEK


def week_mask(weekdays: list[int], start_hour: float, hours: float) -> np.ndarray:
    """Share of each hour of the week covered by a shift run on `weekdays` (a shift may cross midnight)."""
    covered = np.zeros(HOURS_PER_WEEK * 60)
    for day in set(weekdays):
        start = int(round((day * 24 + start_hour) * 60))
        minutes = (start + np.arange(int(round(hours * 60)))) % (HOURS_PER_WEEK * 60)
        covered[minutes] = 1.0
    return covered.reshape(HOURS_PER_WEEK, 60).mean(axis=1)


def field_officers_on_duty(scenario: Scenario, layout: CityLayout | None = None) -> np.ndarray:
    """(pools, 168): expected field officers on duty; members of a rotating shift count days_per_week/weekdays."""
    layout = layout or build_city(scenario)
    pools = pool_names(scenario)
    field_kinds = set(scenario.dispatch.field_station_kinds)
    availability = scenario.staffing.availability
    masks: dict[int, np.ndarray] = {}
    on_duty = np.zeros((len(pools), HOURS_PER_WEEK))
    for member in layout.staff:
        station = layout.stations[member.station]
        goes_out = member.role == ROLE_INSPECTOR or scenario.staffing.assistants_take_field
        if not goes_out or station.kind not in field_kinds:
            continue
        if member.shift not in masks:
            shift = scenario.staffing.roster[member.shift]
            masks[member.shift] = week_mask(shift.weekdays, shift.start_hour, shift.hours) * (
                shift.days_worked_per_week / len(set(shift.weekdays)))
        pool = CITY_POOL if pools == [CITY_POOL] else station.district
        on_duty[pools.index(pool)] += masks[member.shift] * availability
    return on_duty
