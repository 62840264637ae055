"""`closest-available`: the nearest free officer anywhere in the city; one city-wide queue."""

from __future__ import annotations

import heapq

import numpy as np

from .base import Entry, FieldDispatch, Tier, head


class ClosestAvailable(FieldDispatch):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        staff = self.staff
        self.everyone = Tier([s for s in range(staff.n) if staff.field_ok[s]])
        self.queue: list[Entry] = []

    def officer_for(self, precinct: int, district: int, level: int, x: float, y: float, now: float,
                    urgent: bool) -> int:
        return self.staff.nearest_free(self.everyone.array, self.everyone.list, x, y, now, urgent)

    def enqueue(self, entry: Entry, precinct: int, district: int, level: int) -> None:
        heapq.heappush(self.queue, entry)

    def best_call_for(self, s: int) -> Entry | None:
        return head(self.queue, self.waiting)

    def preemption_pool(self, precinct: int, district: int, level: int) -> np.ndarray:
        return self.everyone.array
