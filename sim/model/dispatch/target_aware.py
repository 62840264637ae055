"""`target-aware`: the nearest free officer anywhere in the city, and waiting calls taken in order
of the time left before each misses its priority's response target.

Time left = creation + target - now, so the order is by deadline (creation + target), the same at
every moment: the most urgent first, and calls already late by how late, the latest first. A
priority-3 call about to miss its target goes before a fresh priority-2 call with hours in hand,
which a (priority, creation) order never allows.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator

from ...scenario.kinds import URGENT_PRIORITY
from .base import Entry
from .closest_available import ClosestAvailable

Timed = tuple[float, int, float, int]  # (deadline, priority, created_min, call)


class TargetAware(ClosestAvailable):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        targets = self.layout.scenario.targets
        self.target_min = [targets.for_priority(p) for p in range(5)]
        self.by_deadline: list[Timed] = []
        # Priority-1 calls a second time, by deadline: for an officer who may take no other (on
        # prevention work, or held in reserve), as one may wait behind calls of lower priority.
        self.urgent_by_deadline: list[Timed] = []

    def enqueue(self, entry: Entry, precinct: int, district: int, level: int) -> None:
        priority, created, call = entry
        timed = (created + self.target_min[priority], priority, created, call)
        heapq.heappush(self.by_deadline, timed)
        if priority <= URGENT_PRIORITY:
            urgent = self.urgent_by_deadline
            heapq.heappush(urgent, timed)
            if len(urgent) > 2 * len(self.waiting) + 64:  # read only on prevention or reserve: drop the stale
                urgent[:] = [entry for entry in urgent if entry[3] in self.waiting]
                heapq.heapify(urgent)

    def best_call_for(self, s: int) -> Entry | None:
        return self._head(self.by_deadline)

    def queued(self) -> Iterator[tuple[Timed, Entry]]:
        return ((timed, timed[1:]) for timed in self.by_deadline)

    def best_urgent_call_for(self, s: int) -> Entry | None:
        return self._head(self.urgent_by_deadline)

    def _head(self, heap: list[Timed]) -> Entry | None:
        waiting = self.waiting
        while heap:
            _, priority, created, call = heap[0]
            if call in waiting:
                return priority, created, call
            heapq.heappop(heap)
        return None
