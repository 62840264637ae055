"""`target-aware`: the nearest free officer anywhere in the city, and waiting calls taken in order
of the time left before each misses its priority's response target.

Time left = creation + target - now, so the order is by deadline (creation + target), the same at
every moment: the most urgent first, and calls already late by how late, the latest first. A
priority-3 call about to miss its target goes before a fresh priority-2 call with hours in hand,
which a (priority, creation) order never allows.
"""

from __future__ import annotations

import heapq

from .base import Entry
from .closest_available import ClosestAvailable

Timed = tuple[float, int, float, int]  # (deadline, priority, created_min, call)


class TargetAware(ClosestAvailable):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        targets = self.layout.scenario.targets
        self.target_min = [targets.for_priority(p) for p in range(5)]
        self.by_deadline: list[Timed] = []

    def enqueue(self, entry: Entry, precinct: int, district: int, level: int) -> None:
        priority, created, call = entry
        heapq.heappush(self.by_deadline, (created + self.target_min[priority], priority, created, call))

    def best_call_for(self, s: int) -> Entry | None:
        heap, waiting = self.by_deadline, self.waiting
        while heap:
            _, priority, created, call = heap[0]
            if call in waiting:
                return priority, created, call
            heapq.heappop(heap)
        return None
