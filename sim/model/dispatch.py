"""Dispatch policies: who answers a field call, and which waiting call a freed officer takes.

Waiting calls sit in heaps ordered by (priority, creation time); a heap entry whose call has
been fully staffed meanwhile is dropped when it reaches the top, which is cheaper than removing
it from every heap it sits in.
"""

from __future__ import annotations

import heapq

import numpy as np

from ..scenario.schema import Dispatch
from .city import CityLayout
from .staff import Staff

Entry = tuple[int, float, int]  # (priority, created_min, call)


class _Tier:
    """A group of staff searched together, as an index array and a list."""

    def __init__(self, members: list[int]) -> None:
        self.array = np.asarray(sorted(members), dtype=np.intp)
        self.list = [int(s) for s in self.array]


def _head(heap: list[Entry], waiting: dict[int, int]) -> Entry | None:
    while heap:
        entry = heap[0]
        if entry[2] in waiting:
            return entry
        heapq.heappop(heap)
    return None


class ClosestAvailable:
    """The nearest free officer anywhere in the city; one city-wide queue."""

    levels = 0

    def __init__(self, layout: CityLayout, staff: Staff, waiting: dict[int, int]) -> None:
        self.staff = staff
        self.waiting = waiting
        self.everyone = _Tier([s for s in range(staff.n) if staff.field_ok[s]])
        self.queue: list[Entry] = []

    def officer_for(self, precinct: int, district: int, level: int, x: float, y: float, now: float,
                    urgent: bool) -> int:
        return self.staff.nearest_free(self.everyone.array, self.everyone.list, x, y, now, urgent)

    def enqueue(self, entry: Entry, precinct: int, district: int, level: int) -> None:
        heapq.heappush(self.queue, entry)

    def remove(self, call: int, precinct: int, district: int) -> None:
        """`call` needs no more officers (its heap entry goes stale)."""

    def best_call_for(self, s: int) -> Entry | None:
        return _head(self.queue, self.waiting)

    def preemption_pool(self, precinct: int, district: int, level: int) -> np.ndarray:
        return self.everyone.array


class PrecinctFirst:
    """Own precinct first; after `backup_wait_min` the district; after `neighbour_wait_min` its neighbours."""

    levels = 2

    def __init__(self, layout: CityLayout, staff: Staff, waiting: dict[int, int]) -> None:
        self.staff = staff
        self.waiting = waiting
        n_precincts = len(layout.precinct_names)
        n_districts = len(layout.district_names)
        field = [s for s in range(staff.n) if staff.field_ok[s]]
        self.by_precinct = [_Tier([s for s in field if staff.precinct[s] == p]) for p in range(n_precincts)]
        self.by_district = [_Tier([s for s in field if staff.district[s] == d]) for d in range(n_districts)]
        self.neighbours = layout.district_neighbours
        self.by_neighbours = [
            _Tier([s for s in field if staff.district[s] in set(layout.district_neighbours[d])])
            for d in range(n_districts)
        ]
        self.precinct_queue: list[list[Entry]] = [[] for _ in range(n_precincts)]
        self.district_queue: list[list[Entry]] = [[] for _ in range(n_districts)]
        self.neighbour_queue: list[list[Entry]] = [[] for _ in range(n_districts)]
        # Calls still waiting in each heap: lets a freed officer skip heaps holding only stale entries.
        self.live_precinct = [0] * n_precincts
        self.live_district = [0] * n_districts
        self.live_neighbour = [0] * n_districts
        self.level_of: dict[int, int] = {}

    def _tier(self, precinct: int, district: int, level: int) -> _Tier:
        if level == 0:
            return self.by_precinct[precinct]
        return self.by_district[district] if level == 1 else self.by_neighbours[district]

    def officer_for(self, precinct: int, district: int, level: int, x: float, y: float, now: float,
                    urgent: bool) -> int:
        if level == 0:  # the common case, without the loop
            tier = self.by_precinct[precinct]
            return self.staff.nearest_free(tier.array, tier.list, x, y, now, urgent)
        for tier_level in range(level + 1):
            tier = self._tier(precinct, district, tier_level)
            s = self.staff.nearest_free(tier.array, tier.list, x, y, now, urgent)
            if s >= 0:
                return s
        return -1

    def officers_at_level(self, precinct: int, district: int, level: int, x: float, y: float, now: float,
                    urgent: bool) -> int:
        """A free officer from the tier that `level` newly opens, or -1."""
        tier = self._tier(precinct, district, level)
        return self.staff.nearest_free(tier.array, tier.list, x, y, now, urgent)

    def enqueue(self, entry: Entry, precinct: int, district: int, level: int) -> None:
        self.level_of[entry[2]] = level
        if level == 0:
            heapq.heappush(self.precinct_queue[precinct], entry)
            self.live_precinct[precinct] += 1
        elif level == 1:
            heapq.heappush(self.district_queue[district], entry)
            self.live_district[district] += 1
        else:
            heapq.heappush(self.neighbour_queue[district], entry)
            self.live_neighbour[district] += 1

    def remove(self, call: int, precinct: int, district: int) -> None:
        """`call` needs no more officers: it no longer counts in the heaps it sits in."""
        level = self.level_of.pop(call)
        self.live_precinct[precinct] -= 1
        if level >= 1:
            self.live_district[district] -= 1
        if level >= 2:
            self.live_neighbour[district] -= 1

    def best_call_for(self, s: int) -> Entry | None:
        district = self.staff.district[s]
        precinct = self.staff.precinct[s]
        waiting = self.waiting
        best = _head(self.precinct_queue[precinct], waiting) if self.live_precinct[precinct] else None
        if self.live_district[district]:
            other = _head(self.district_queue[district], waiting)
            if other is not None and (best is None or other < best):
                best = other
        live = self.live_neighbour
        for neighbour in self.neighbours[district]:
            if live[neighbour]:
                other = _head(self.neighbour_queue[neighbour], waiting)
                if other is not None and (best is None or other < best):
                    best = other
        return best

    def preemption_pool(self, precinct: int, district: int, level: int) -> np.ndarray:
        """Preemption reaches no further than dispatch does: the precinct, or once the call is open
        to backup, the district (not its neighbours)."""
        return self.by_precinct[precinct].array if level == 0 else self.by_district[district].array


def make_policy(dispatch: Dispatch, layout: CityLayout, staff: Staff, waiting: dict[int, int]):
    policies = {"closest-available": ClosestAvailable, "precinct-first": PrecinctFirst}
    return policies[dispatch.policy](layout, staff, waiting)
