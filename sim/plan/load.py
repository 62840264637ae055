"""Field work offered to each dispatch pool by hour of the week, and how long each call ties an officer up.

A pool is the officers who can take a call: the whole city under closest-available dispatch, the
district (its own inspectors first, neighbours as backup) under precinct-first. An officer is
tied up for the whole of a call: travel out, on scene, paperwork and, when officers return to
their station, the trip back; the planner needs that whole time, not the scene time alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..model.city import CityLayout, build_city
from ..model.demand import weekly_shape
from ..model.travel import TravelModel
from ..scenario.schema import Scenario
from ..scenario.volumes import DAYS_PER_YEAR, profile

BUSY_SAMPLES = 4000
SAMPLE_SEED = 11_2023
CITY_POOL = "city"


@dataclass(frozen=True)
class ClassDemand:
    """One call type in one pool: arrivals per hour of the week and draws of the officer-minutes per call."""

    pool: str
    call_type: str
    priority: int
    rate_per_hour: np.ndarray  # (168,) calls per hour, officers counted separately for multi-officer calls
    busy_min: np.ndarray  # draws of the time one officer is tied up per call
    travel_min: float  # mean trip out, part of the response

    @property
    def mean_busy_min(self) -> float:
        return float(self.busy_min.mean())

    def load_by_hour(self) -> np.ndarray:
        """Stationary (pointwise) offered load: rate times mean busy time, in officers."""
        return self.rate_per_hour * self.mean_busy_min / 60.0


@dataclass(frozen=True)
class PoolDemand:
    pools: list[str]
    classes: list[ClassDemand]

    def of_pool(self, pool: str) -> list[ClassDemand]:
        return [c for c in self.classes if c.pool == pool]


def pool_names(scenario: Scenario) -> list[str]:
    if scenario.dispatch.policy == "closest-available":
        return [CITY_POOL]
    return [d.name for d in scenario.city.districts]


def field_demand(scenario: Scenario, samples: int = BUSY_SAMPLES, layout: CityLayout | None = None) -> PoolDemand:
    """Every field call type's demand in every pool, with fixed-seed draws of busy time."""
    layout = layout or build_city(scenario)
    travel = TravelModel(scenario.travel)
    rng = np.random.default_rng(SAMPLE_SEED)
    pools = pool_names(scenario)
    by_pool = scenario.dispatch.policy != "closest-available"
    field_kinds = set(scenario.dispatch.field_station_kinds)
    field_stations = [i for i, s in enumerate(layout.stations) if s.kind in field_kinds]
    rates: dict[tuple[str, str], np.ndarray] = {}
    trips: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for index, origin in enumerate(layout.origins):
        call_type = scenario.demand[origin.call_type]
        if call_type.kind != "field":
            continue
        pool = origin.district if by_pool else CITY_POOL
        share, _, _ = weekly_shape(layout, index)
        per_week = origin.yearly_volume * (1.0 - layout.origin_reduction[index]) * 7.0 / DAYS_PER_YEAR
        key = (pool, origin.call_type)
        rates[key] = rates.get(key, 0.0) + per_week * share * call_type.officers
        hourly = profile(scenario, call_type.hourly_profile, 24)
        minutes = _mean_trip_min(layout, travel, field_stations, origin, hourly, rng)
        trips.setdefault(key, []).append((per_week, minutes))
    classes = []
    for (pool, name), rate in rates.items():
        call_type = scenario.demand[name]
        weights = np.array([w for w, _ in trips[(pool, name)]])
        trip = float(np.dot(weights, [m for _, m in trips[(pool, name)]]) / weights.sum())
        back = trip if scenario.dispatch.return_to_station else 0.0
        busy = call_type.service.sample(rng, samples) + call_type.paperwork.sample(rng, samples) + trip + back
        classes.append(ClassDemand(pool, name, call_type.priority, rate, busy, trip))
    classes.sort(key=lambda c: (pools.index(c.pool), c.priority, c.call_type))
    return PoolDemand(pools, classes)


def _mean_trip_min(layout, travel: TravelModel, stations: list[int], origin, hourly: np.ndarray,
                   rng: np.random.Generator, points: int = 64) -> float:
    """Mean trip from the nearest field station of the origin's district to a uniform point of the origin's disk."""
    if not stations:
        return 0.0
    district = layout.district_names.index(origin.district)
    own = [i for i in stations if layout.station_district[i] == district] or stations
    cx, cy = layout.projection.to_km(origin.lon, origin.lat)
    radius = origin.radius_km * np.sqrt(rng.random(points))
    angle = 2 * np.pi * rng.random(points)
    x, y = cx + radius * np.cos(angle), cy + radius * np.sin(angle)
    xy = layout.station_xy[own]
    distance = np.hypot(x[:, None] - xy[None, :, 0], y[:, None] - xy[None, :, 1]).min(axis=1)
    trips = travel.minutes_array(distance[None, :], np.arange(24)[:, None])  # every hour at once
    by_hour = np.broadcast_to(trips, (24, len(distance))).mean(axis=1)  # no travel: one row of zeros
    return float(np.dot(by_hour, hourly))


def field_hours_per_week(demand: PoolDemand) -> dict[str, float]:
    return {p: sum(float(c.load_by_hour().sum()) for c in demand.of_pool(p)) for p in demand.pools}

