"""Travel time from straight-line distance: square root for short trips, linear beyond.

The Kolesar-Walker form (Larson and Odoni, Urban Operations Research 3.7.2) on the road
distance (straight line times a detour factor), scaled by a city slowdown and an hour-of-day
congestion factor.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ..scenario.schema import Travel


class TravelModel:
    def __init__(self, travel: Travel) -> None:
        self.none = travel.model == "none"
        self.a = travel.sqrt_min_per_sqrt_km
        self.d0 = travel.breakpoint_km
        self.b = travel.intercept_min
        self.c = travel.linear_min_per_km
        self.detour = travel.detour_factor
        self.by_hour = [travel.slowdown * f for f in travel.congestion_by_hour]
        # minutes(straight_km, now_min): travel minutes for one trip that starts at `now_min`.
        self.minutes: Callable[[float, float], float] = self._no_travel if self.none else self._trip_minutes()

    @staticmethod
    def _no_travel(straight_km: float, now_min: float) -> float:
        return 0.0

    def _trip_minutes(self) -> Callable[[float, float], float]:
        """`minutes` as a closure over the parameters: it runs twice per field call."""
        a, d0, b, c, detour, by_hour, sqrt = self.a, self.d0, self.b, self.c, self.detour, self.by_hour, math.sqrt

        def minutes(straight_km: float, now_min: float) -> float:
            d = straight_km * detour
            return (a * sqrt(d) if d <= d0 else b + c * d) * by_hour[int(now_min // 60) % 24]

        return minutes

    def minutes_array(self, straight_km: np.ndarray, hour_of_day: np.ndarray | int) -> np.ndarray:
        """Vectorised `minutes`, for estimates over many trips at once."""
        if self.none:
            return np.zeros_like(np.asarray(straight_km, dtype=float))
        d = np.asarray(straight_km, dtype=float) * self.detour
        base = np.where(d <= self.d0, self.a * np.sqrt(d), self.b + self.c * d)
        return base * np.asarray(self.by_hour)[np.asarray(hour_of_day) % 24]
