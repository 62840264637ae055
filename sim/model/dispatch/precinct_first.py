"""`precinct-first`: the call's own precinct first; after `backup_wait_min` the district; after
`neighbour_wait_min` the neighbouring districts. A priority-1 call opens to the district and its
neighbours at once after `urgent_backup_wait_min` (usually zero).

Tiers are levels 0 (precinct), 1 (district), 2 (neighbours). A waiting call sits in the queue
of every tier open to it; the policy owns the timers that open the next tier (escalation).
"""

from __future__ import annotations

import heapq
import math
from collections import deque

import numpy as np

from ...scenario.kinds import URGENT_PRIORITY
from .base import Entry, FieldDispatch, Tier, head

PRECINCT, DISTRICT, NEIGHBOURS = 0, 1, 2


class PrecinctFirst(FieldDispatch):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        layout, config, staff = self.layout, self.config, self.staff
        n_precincts = len(layout.precinct_names)
        n_districts = len(layout.district_names)
        field = [s for s in range(staff.n) if staff.field_ok[s]]
        self.by_precinct = [Tier([s for s in field if staff.precinct[s] == p]) for p in range(n_precincts)]
        self.by_district = [Tier([s for s in field if staff.district[s] == d]) for d in range(n_districts)]
        self.neighbours = layout.district_neighbours
        self.by_neighbours = [
            Tier([s for s in field if staff.district[s] in set(layout.district_neighbours[d])])
            for d in range(n_districts)
        ]
        self.precinct_queue: list[list[Entry]] = [[] for _ in range(n_precincts)]
        self.district_queue: list[list[Entry]] = [[] for _ in range(n_districts)]
        self.neighbour_queue: list[list[Entry]] = [[] for _ in range(n_districts)]
        # Calls still waiting in each heap: lets a freed officer skip heaps holding only stale entries.
        self.live_precinct = [0] * n_precincts
        self.live_district = [0] * n_districts
        self.live_neighbour = [0] * n_districts
        # ... and per district, in the neighbour heaps its officers look at (those of its neighbours).
        self.live_near = [0] * n_districts
        self.looked_at_by = [[d for d in range(n_districts) if district in self.neighbours[d]]
                             for district in range(n_districts)]
        self.staff_precinct, self.staff_district = staff.precinct, staff.district
        self.level_of: dict[int, int] = {}

        # Waits before a call opens to the district and its neighbours, by (urgent, level).
        self.waits = {(False, DISTRICT): config.backup_wait_min, (False, NEIGHBOURS): config.neighbour_wait_min,
                      (True, NEIGHBOURS): config.urgent_backup_wait_min}
        self.start_level = {
            False: PRECINCT if config.backup_wait_min > 0 else (DISTRICT if config.neighbour_wait_min > 0
                                                                else NEIGHBOURS),
            True: PRECINCT if config.urgent_backup_wait_min > 0 else NEIGHBOURS,
        }
        self.escalations = {key: deque() for key in self.waits}  # (due, call), in due order
        self.escalation_due = dict.fromkeys(self.waits, math.inf)  # when each queue's next event is set

    # --- where to look and where to wait ----------------------------------------------------

    def _tier(self, precinct: int, district: int, level: int) -> Tier:
        if level == PRECINCT:
            return self.by_precinct[precinct]
        return self.by_district[district] if level == DISTRICT else self.by_neighbours[district]

    def officer_for(self, precinct: int, district: int, level: int, x: float, y: float, now: float,
                    urgent: bool) -> int:
        if level == PRECINCT:  # the common case, without the loop
            tier = self.by_precinct[precinct]
            return self.staff.nearest_free(tier.array, tier.list, x, y, now, urgent)
        for tier_level in range(level + 1):
            tier = self._tier(precinct, district, tier_level)
            s = self.staff.nearest_free(tier.array, tier.list, x, y, now, urgent)
            if s >= 0:
                return s
        return -1

    def officer_at_level(self, precinct: int, district: int, level: int, x: float, y: float, now: float,
                         urgent: bool) -> int:
        """A free officer from the tier that `level` (the district or its neighbours) newly opens, or -1."""
        tier = self.by_district[district] if level == DISTRICT else self.by_neighbours[district]
        return self.staff.nearest_free(tier.array, tier.list, x, y, now, urgent)

    def enqueue(self, entry: Entry, precinct: int, district: int, level: int) -> None:
        self.level_of[entry[2]] = level
        if level == PRECINCT:
            heapq.heappush(self.precinct_queue[precinct], entry)
            self.live_precinct[precinct] += 1
        elif level == DISTRICT:
            heapq.heappush(self.district_queue[district], entry)
            self.live_district[district] += 1
        else:
            heapq.heappush(self.neighbour_queue[district], entry)
            self.live_neighbour[district] += 1
            for d in self.looked_at_by[district]:
                self.live_near[d] += 1

    def remove(self, call: int, precinct: int, district: int) -> None:
        """`call` needs no more officers: it no longer counts in the heaps it sits in."""
        level = self.level_of.pop(call)
        self.live_precinct[precinct] -= 1
        if level >= DISTRICT:
            self.live_district[district] -= 1
        if level >= NEIGHBOURS:
            self.live_neighbour[district] -= 1
            for d in self.looked_at_by[district]:
                self.live_near[d] -= 1

    def best_call_for(self, s: int) -> Entry | None:
        district = self.staff_district[s]
        precinct = self.staff_precinct[s]
        waiting = self.waiting
        best = head(self.precinct_queue[precinct], waiting) if self.live_precinct[precinct] else None
        if self.live_district[district]:
            other = head(self.district_queue[district], waiting)
            if other is not None and (best is None or other < best):
                best = other
        if not self.live_near[district]:
            return best
        live = self.live_neighbour
        for neighbour in self.neighbours[district]:
            if live[neighbour]:
                other = head(self.neighbour_queue[neighbour], waiting)
                if other is not None and (best is None or other < best):
                    best = other
        return best

    def best_unheld_call_for(self, s: int) -> Entry | None:
        """Each heap holds the calls of one district, so one pool: the best head not held back.

        A call of a neighbouring district is counted in that district's pool, which may have
        officers to spare while the officer's own is down to its reserve."""
        district = self.staff_district[s]
        waiting = self.waiting
        heaps = [self.precinct_queue[self.staff_precinct[s]], self.district_queue[district]]
        heaps += [self.neighbour_queue[neighbour] for neighbour in self.neighbours[district]]
        best = None
        for heap in heaps:
            entry = head(heap, waiting)
            if entry is None or (best is not None and best < entry):
                continue
            if entry[0] <= URGENT_PRIORITY or not self.held_from(s, self.district[entry[2]]):
                best = entry
        return best

    def pool_districts(self, district: int) -> set[int] | None:
        return {district, *self.layout.district_neighbours[district]}

    def preemption_pool(self, precinct: int, district: int, level: int) -> np.ndarray:
        """Preemption reaches no further than dispatch does: the precinct, or once the call is open
        to backup, the district (not its neighbours)."""
        return self.by_precinct[precinct].array if level == PRECINCT else self.by_district[district].array

    # --- escalation -------------------------------------------------------------------------

    def after_enqueue(self, i: int, level: int, urgent: bool) -> None:
        if level < NEIGHBOURS:  # `_escalate_later`, inline: once per waiting call
            key = (urgent, NEIGHBOURS if urgent else level + 1)
            due = self.created[i] + self.waits[key]
            self.escalations[key].append((due, i))
            if self.escalation_due[key] == math.inf:
                self.escalation_due[key] = due
                self.clock.at_light(due, self._on_escalations, urgent, key[1])

    def _escalate_later(self, i: int, level: int, urgent: bool) -> None:
        """Open waiting call `i` up to tier `level` once it has waited that tier's time.

        Calls of one urgency wait the same time for a tier and queue in arrival order, so the
        pending calls of each (urgency, tier) form a queue already sorted by due time: one event
        at its head serves them all, and calls dispatched meanwhile need no event of their own.
        """
        key = (urgent, level)
        due = self.created[i] + self.waits[key]
        self.escalations[key].append((due, i))
        if self.escalation_due[key] == math.inf:
            self.escalation_due[key] = due
            self.clock.at_light(due, self._on_escalations, urgent, level)

    def _on_escalations(self, urgent: bool, level: int) -> None:
        key = (urgent, level)
        now = self.clock.now
        pending, waiting = self.escalations[key], self.waiting
        while pending and pending[0][0] <= now:
            i = pending.popleft()[1]
            if i in waiting:
                self._escalate(i, key[1], now)
        while pending and pending[0][1] not in waiting:
            pending.popleft()
        self.escalation_due[key] = pending[0][0] if pending else math.inf
        if pending:
            self.clock.at_light(pending[0][0], self._on_escalations, urgent, level)

    def _escalate(self, i: int, level: int, now: float) -> None:
        """Open call `i` to every tier up to `level`: take a free officer there, else wait in them."""
        precinct, district = self.precinct[i], self.district[i]
        x, y = self.x[i], self.y[i]
        urgent = self.priority[i] == URGENT_PRIORITY
        hold = self.reserving and not urgent
        for tier in range(self.level_of[i] + 1, level + 1):
            while i in self.waiting:
                if hold and self.held(district):
                    break
                s = self.officer_at_level(precinct, district, tier, x, y, now, urgent)
                if s < 0:
                    break
                self.assign(s, i, now)
            if i not in self.waiting:
                return
            self.enqueue((self.priority[i], self.created[i], i), precinct, district, tier)
        if level < NEIGHBOURS:
            self._escalate_later(i, NEIGHBOURS, urgent)
