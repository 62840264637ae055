"""A quick analytic estimate of a whole scenario: per pool and hour, the load and the waits queueing formulas predict.

Each hour is taken as a stationary M/M/s queue with the modified offered load of that hour and
the expected officers on duty: Erlang C for the chance a call waits, Cobham's formula for the
mean wait of each priority. Set beside the simulation, it shows where simple formulas and the
model part ways (dispatch by precinct, travel, preemption, shift ends).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..model.city import build_city
from ..model.theory import cobham_mean_waits, erlang_c
from ..scenario.schema import Scenario
from .load import field_demand
from .mol import HOURS_PER_WEEK
from .on_duty import field_officers_on_duty
from .requirement import PoolLoads, pool_loads
from .targets import p1_wait_tail


def estimate(scenario: Scenario) -> dict[str, Any]:
    """The estimate as plain data (what estimate.json holds): arrays are [pool][hour of week]."""
    layout = build_city(scenario)
    demand = field_demand(scenario, layout=layout)
    loads = pool_loads(demand)
    on_duty = field_officers_on_duty(scenario, layout)
    priorities = sorted(loads.by_priority)
    shape = loads.load.shape
    delay = np.ones(shape)
    waits = {p: np.full(shape, np.inf) for p in priorities}
    p1_within = np.zeros(shape)
    p1_target = scenario.targets.for_priority(1)
    for i in range(len(loads.pools)):
        mu = 1.0 / loads.busy_min[i] if loads.busy_min[i] > 0 else 0.0
        for h in range(HOURS_PER_WEEK):
            servers = int(math.floor(on_duty[i, h]))  # a fraction of an officer cannot take a call
            a = loads.load[i, h]
            if a <= 0:
                delay[i, h], p1_within[i, h] = 0.0, 1.0
                for p in priorities:
                    waits[p][i, h] = 0.0
                continue
            if servers <= a:
                continue
            delay[i, h] = erlang_c(servers, a)
            rates = [loads.by_priority[p][i, h] * mu for p in priorities]
            for p, wait in zip(priorities, cobham_mean_waits(servers, rates, mu)):
                waits[p][i, h] = wait
            if 1 in loads.by_priority:
                hour = loads.hour(i, h)
                p1_within[i, h] = 1.0 - p1_wait_tail(servers, hour, p1_target - hour.p1_travel_min)
    return {
        "scenario": scenario.name,
        "method": "modified offered load per hour as a stationary M/M/s: Erlang C, Cobham priorities",
        "pools": loads.pools,
        "load": _rounded(loads.load),
        "pointwise_load": _rounded(loads.pointwise),
        "on_duty": _rounded(on_duty),
        "delay_probability": _rounded(delay, 4),
        "mean_wait_min": {str(p): _rounded(waits[p]) for p in priorities},
        "p1_within_target": _rounded(p1_within, 4),
        "arrivals_per_hour": {str(p): _rounded(_arrivals(demand, loads, p)) for p in priorities},
        "p1_trip_min": [round(float(x), 2) for x in loads.p1_travel_min],
        "busy_min": [round(float(x), 2) for x in loads.busy_min],
    }


def _arrivals(demand, loads: PoolLoads, priority: int) -> np.ndarray:
    out = np.zeros(loads.load.shape)
    for i, pool in enumerate(loads.pools):
        for c in demand.of_pool(pool):
            if c.priority == priority:
                out[i] += c.rate_per_hour
    return out


def _rounded(values: np.ndarray, digits: int = 3) -> list[list[float | None]]:
    """Nested lists for JSON; an unstable hour (infinite wait) is null."""
    return [[round(float(v), digits) if np.isfinite(v) else None for v in row] for row in np.asarray(values)]


def summary_by_priority(data: dict[str, Any]) -> dict[str, dict[str, float]]:
    """City-wide mean wait per priority weighted by arrivals, and the share of arrivals in unstable hours."""
    out = {}
    for priority, waits in data["mean_wait_min"].items():
        w = np.array([[np.nan if v is None else v for v in row] for row in waits], dtype=float)
        n = np.asarray(data["arrivals_per_hour"][priority], dtype=float)
        stable = np.isfinite(w)
        out[priority] = {
            "mean_wait_min": float((w[stable] * n[stable]).sum() / n[stable].sum()) if n[stable].sum() else float("nan"),
            "unstable_share": float(n[~stable].sum() / n.sum()) if n.sum() else 0.0,
        }
    return out
