"""A reference M_t/G/s_t queue, independent of the model, for checking time-varying staffing.

Servers are added or removed at hour boundaries; a call in service is never interrupted, a
removed server leaves when its call ends. First come, first served.
"""

from __future__ import annotations

import heapq

import numpy as np


def delay_by_hour(rate_per_hour: np.ndarray, servers: np.ndarray, mean_service_h: float, periods: int,
                  seed: int, warmup_periods: int = 1) -> np.ndarray:
    """Share of arrivals in each hour of the period that wait, exponential service, rates per hour."""
    period = len(rate_per_hour)
    rng = np.random.default_rng(seed)
    hours = period * (periods + warmup_periods)
    counts = rng.poisson(np.tile(rate_per_hour, periods + warmup_periods))
    arrivals = np.repeat(np.arange(hours), counts) + rng.random(counts.sum())
    arrivals.sort()
    service = rng.exponential(mean_service_h, len(arrivals))
    waited = np.zeros(period)
    seen = np.zeros(period)
    ends: list[float] = []  # departure times of calls in service
    queue: list[int] = []
    head = 0
    boundary = 1.0
    for k, t in enumerate(arrivals):
        while True:  # events before this arrival: departures and hour boundaries start waiting calls
            next_end = ends[0] if ends else np.inf
            now = min(next_end, boundary)
            if now > t:
                break
            if next_end <= boundary:
                heapq.heappop(ends)
            else:
                boundary += 1.0
            while head < len(queue) and len(ends) < servers[int(now + 1e-12) % period]:
                heapq.heappush(ends, now + service[queue[head]])
                head += 1
        hour = int(t)
        if head == len(queue) and len(ends) < servers[hour % period]:
            heapq.heappush(ends, t + service[k])
            wait = False
        else:
            queue.append(k)
            wait = True
        if hour >= warmup_periods * period:
            seen[hour % period] += 1
            waited[hour % period] += wait
    return waited / np.maximum(seen, 1)
