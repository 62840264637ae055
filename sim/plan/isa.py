"""The iterative staffing algorithm: refine the requirement with the simulation itself.

Feldman, Mandelbaum, Massey and Whitt ("Staffing of time-varying queues to achieve time-stable
performance", Management Science 54, 2008): simulate with staffing s_n(t), estimate the
distribution of the number of calls in the system L_n(t) (officers tied up plus calls waiting),
and set s_{n+1}(t) = min{s : P(L_n(t) >= s) <= alpha}; a call arriving at t waits when
L(t) >= s(t), so at the fixed point the delay probability is alpha in every hour. Every
iteration runs the same replications (common random numbers), so the staffing, not the noise,
is what changes between iterations. Staffing is one-hour staffing-table rows per station,
availability 1, so the officers on duty in each hour are exactly the staffing being tested.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..model.city import CityLayout, build_city
from ..scenario.schema import Scenario, StaffingRow
from ..scenario.staffing_table import with_staffing_table
from .load import CITY_POOL
from .mol import HOURS_PER_WEEK
from .variant import kept_rows, roster_rows
from .tours import Tour

SAMPLE_STEP_MIN = 5.0
SETTLE_MIN = 720.0  # calls created before the warm-up's end are not recorded: skip the first hours observed


@dataclass(frozen=True)
class IsaResult:
    officers: np.ndarray  # (pools, 168) the refined requirement, officers on duty
    iterations: int
    changes: list[int]  # the largest hourly change of each iteration
    delay_probability: np.ndarray  # (pools, 168) P(L >= s) at the last staffing, as simulated


def staffing_from_samples(in_system: np.ndarray, alpha: float) -> int:
    """min{s : P(L >= s) <= alpha} over samples of L."""
    if len(in_system) == 0:
        return 0
    values = np.sort(np.asarray(in_system, dtype=int))
    for s in range(int(values[-1]) + 2):
        if np.mean(values >= s) <= alpha:
            return s
    return int(values[-1]) + 1


def in_system_samples(calls: pd.DataFrame, pools: list[str], paperwork_min: dict[str, float],
                      start_min: float, end_min: float, return_trip: bool = True) -> list[list[np.ndarray]]:
    """Samples of L(t) every few minutes, per pool and hour of the week (t in minutes from a Monday 00:00).

    A field call counts from its creation (waiting) until its officers are free again: the end of
    its time on scene plus its type's mean paperwork and, when officers return, a trip back as
    long as the trip out; a call never reached counts until the end.
    """
    times = np.arange(start_min, end_min, SAMPLE_STEP_MIN)
    hour = (times // 60).astype(int) % HOURS_PER_WEEK
    out: list[list[np.ndarray]] = []
    field = calls[calls["kind"].astype(str) == "field"]
    for pool in pools:
        mine = field if pool == CITY_POOL else field[field["district"].astype(str) == pool]
        begin = mine["created_min"].to_numpy(float)
        back = mine["travel_min"].to_numpy(float) if return_trip else 0.0
        finish = (mine["completed_min"].to_numpy(float) + np.nan_to_num(back)
                  + mine["call_type"].astype(str).map(paperwork_min).to_numpy(float))
        finish = np.where(np.isfinite(finish), finish, np.inf)
        weight = mine["officers"].to_numpy(float)
        events = np.concatenate([begin, finish])
        steps = np.concatenate([weight, -weight])
        order = np.argsort(events, kind="stable")
        level = np.cumsum(steps[order])
        index = np.searchsorted(events[order], times, side="right") - 1
        counts = np.where(index >= 0, level[np.maximum(index, 0)], 0.0).round().astype(int)
        out.append([counts[hour == h] for h in range(HOURS_PER_WEEK)])
    return out


def hourly_rows(officers: np.ndarray, pools: list[str], scenario: Scenario, layout: CityLayout) -> list[StaffingRow]:
    """One-hour rows: each pool's officers of each hour of the week spread over its field stations."""
    tours = [Tour(h % 24, 1, (h // 24,)) for h in range(HOURS_PER_WEEK)]
    return roster_rows(np.asarray(officers, int), tours, pools, scenario, layout)


def refine(scenario: Scenario, start: np.ndarray, pools: list[str], alpha: float,
           simulate_calls: Callable[[Scenario], list[pd.DataFrame]], max_iterations: int = 5,
           tolerance: int = 1) -> IsaResult:
    """Iterate from the staffing `start` until no hour changes by more than `tolerance` officers."""
    layout = build_city(scenario)
    paperwork = {name: call_type.paperwork.mean for name, call_type in scenario.demand.items()}
    return_trip = scenario.dispatch.return_to_station
    kept = kept_rows(scenario, layout)
    fixed = scenario.model_copy(update={"staffing": scenario.staffing.model_copy(update={"availability": 1.0})})
    warm = scenario.run.warmup_days * 1440.0 + SETTLE_MIN
    end = (scenario.run.warmup_days + scenario.run.horizon_days) * 1440.0
    staffing = np.maximum(np.asarray(start, int), 1) * (np.asarray(start) > 0)
    changes: list[int] = []
    delay = np.zeros(staffing.shape)
    for _ in range(max_iterations):
        candidate = with_staffing_table(fixed, kept + hourly_rows(staffing, pools, scenario, layout))
        samples = [[[] for _ in range(HOURS_PER_WEEK)] for _ in pools]
        for calls in simulate_calls(candidate):
            for p, by_hour in enumerate(in_system_samples(calls, pools, paperwork, warm, end, return_trip)):
                for h in range(HOURS_PER_WEEK):
                    samples[p][h].append(by_hour[h])
        joined = [[np.concatenate(s[h]) if s[h] else np.zeros(0, int) for h in range(HOURS_PER_WEEK)] for s in samples]
        delay = np.array([[np.mean(j[h] >= staffing[p, h]) if len(j[h]) else 0.0 for h in range(HOURS_PER_WEEK)]
                          for p, j in enumerate(joined)])
        new = np.array([[staffing_from_samples(j[h], alpha) if len(j[h]) else staffing[p, h]  # unobserved: kept
                         for h in range(HOURS_PER_WEEK)] for p, j in enumerate(joined)])
        new = np.where(np.asarray(start) > 0, np.maximum(new, 1), new)
        change = int(np.abs(new - staffing).max())
        changes.append(change)
        staffing = new
        if change <= tolerance:
            break
    return IsaResult(staffing, len(changes), changes, delay)
