"""Officers needed on duty per pool and hour of the week: modified offered load plus square-root staffing.

The modified offered load m(t) of each hour is treated as the stationary load of an M/M/s queue
(Jennings, Mandelbaum, Massey and Whitt 1996; Feldman et al. 2008) and the smallest s meeting
the targets by Erlang C is taken: for a delay-probability target this is the square-root rule
s = m + beta sqrt(m) with its integer rounding done exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..scenario.schema import Scenario
from .load import PoolDemand, field_demand
from .mol import HOURS_PER_WEEK, modified_offered_load, pointwise_load
from .targets import HourLoad, Target, servers_needed


@dataclass(frozen=True)
class PoolLoads:
    """Per pool (rows) and hour of the week (columns): modified offered load, its priority-1 part,
    the pointwise load, and per pool the mean busy and priority-1 trip minutes."""

    pools: list[str]
    load: np.ndarray
    p1_load: np.ndarray
    pointwise: np.ndarray
    busy_min: np.ndarray
    p1_travel_min: np.ndarray
    by_priority: dict[int, np.ndarray]  # modified offered load of each priority

    def hour(self, pool: int, hour: int) -> HourLoad:
        return HourLoad(float(self.load[pool, hour]), float(self.p1_load[pool, hour]),
                        float(self.busy_min[pool]), float(self.p1_travel_min[pool]))


@dataclass(frozen=True)
class Requirement:
    pools: list[str]
    officers: np.ndarray  # (pools, 168) officers on duty needed
    loads: PoolLoads
    targets: list[Target]


def pool_loads(demand: PoolDemand) -> PoolLoads:
    n = len(demand.pools)
    load, p1, point = (np.zeros((n, HOURS_PER_WEEK)) for _ in range(3))
    busy, trip = np.zeros(n), np.zeros(n)
    by_priority: dict[int, np.ndarray] = {}
    for i, pool in enumerate(demand.pools):
        classes = demand.of_pool(pool)
        if not classes:
            continue
        rates = np.array([c.rate_per_hour.sum() for c in classes])
        busy[i] = float(np.dot(rates, [c.mean_busy_min for c in classes]) / rates.sum())
        p1_classes = [c for c in classes if c.priority == 1]
        if p1_classes:
            p1_rates = np.array([c.rate_per_hour.sum() for c in p1_classes])
            trip[i] = float(np.dot(p1_rates, [c.travel_min for c in p1_classes]) / p1_rates.sum())
        for c in classes:
            mol = modified_offered_load(c.rate_per_hour, c.busy_min)
            load[i] += mol
            point[i] += pointwise_load(c.rate_per_hour, c.busy_min)
            by_priority.setdefault(c.priority, np.zeros((n, HOURS_PER_WEEK)))[i] += mol
            if c.priority == 1:
                p1[i] += mol / c.mean_busy_min * busy[i]  # priority-1 rate in units of the pool's mean busy time
    return PoolLoads(demand.pools, load, p1, point, busy, trip, by_priority)


def requirement_from_loads(loads: PoolLoads, targets: list[Target], p1_target_min: float) -> Requirement:
    officers = np.zeros(loads.load.shape, dtype=int)
    for i in range(len(loads.pools)):
        for h in range(HOURS_PER_WEEK):
            officers[i, h] = servers_needed(targets, loads.hour(i, h), p1_target_min)
    return Requirement(loads.pools, officers, loads, targets)


def requirement(scenario: Scenario, targets: list[Target]) -> Requirement:
    """The analytic requirement of every pool and hour for `targets`."""
    loads = pool_loads(field_demand(scenario))
    return requirement_from_loads(loads, targets, scenario.targets.for_priority(1))
