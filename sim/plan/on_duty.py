"""Officers on duty for field calls per pool and hour of the week, expected over absence and rotation."""

from __future__ import annotations

import numpy as np

from ..model.city import CityLayout, build_city
from ..model.pool_load import field_officers_by_station, shift_coverage
from ..scenario.schema import Scenario
from .load import CITY_POOL, pool_names


def week_mask(weekdays: list[int], start_hour: float, hours: float) -> np.ndarray:
    """Share of each hour of the week covered by a shift run on `weekdays` (a shift may cross midnight)."""
    return np.minimum(shift_coverage(start_hour, hours, weekdays), 1.0)


def field_officers_on_duty(scenario: Scenario, layout: CityLayout | None = None) -> np.ndarray:
    """(pools, 168): expected field officers on duty in each of the planner's pools (districts, or the city)."""
    layout = layout or build_city(scenario)
    by_station = field_officers_by_station(layout)
    pools = pool_names(scenario)
    if pools == [CITY_POOL]:
        return by_station.sum(axis=0, keepdims=True)
    district = np.array([layout.district_names[d] for d in layout.station_district])
    return np.array([by_station[district == pool].sum(axis=0) for pool in pools])
