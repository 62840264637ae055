"""`closest-available`: the nearest free officer anywhere in the city; one city-wide queue."""

from __future__ import annotations

import heapq
from collections.abc import Iterator

import numpy as np

from ...scenario.kinds import URGENT_PRIORITY
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

    def queued(self) -> Iterator[tuple[tuple, Entry]]:
        """Every queued entry with the key it is taken in (stale ones included)."""
        return ((entry, entry) for entry in self.queue)

    def best_unheld_call_for(self, s: int) -> Entry | None:
        """The pool is the whole city, but K may differ by district (`reserve_by_district`): a call
        of a district that keeps fewer officers back than are free may go while the first is held."""
        if not self.reserve_varies:
            return super().best_unheld_call_for(s)
        free = self.free_with(s, 0)  # the city's pool: the same count for every district
        reserve, district, waiting = self.reserve, self.district, self.waiting
        best_key, best = None, None
        for key, entry in self.queued():
            call = entry[2]
            if call in waiting and (best_key is None or key < best_key) \
                    and (entry[0] <= URGENT_PRIORITY or free > reserve[district[call]]):
                best_key, best = key, entry
        return best

    def preemption_pool(self, precinct: int, district: int, level: int) -> np.ndarray:
        return self.everyone.array
