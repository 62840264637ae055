"""What every field dispatch policy is, and the part they share: taking free officers, preempting,
and keeping the calls that wait.

A policy owns the field calls waiting for officers (`waiting`), the queues they wait in, any
timers that widen their search (escalation), and the monitor of how many wait. The engine asks
it two things: handle a new call (`on_call`), and give an idle officer the call it should take
(`call_for`, then `assign`). Officers move only through the workforce (`Workforce.send`).

Waiting calls sit in heaps ordered by (priority, creation time); a heap entry whose call has
been fully staffed meanwhile is dropped when it reaches the top, which is cheaper than removing
it from every heap it sits in.

Two rules apply to every policy here. Priority cut-offs (`reserve_for_priority_1`): a call of
priority 2 or lower takes an officer only while more than K officers of its pool are free
(Sacks, Larson and Schaack 1993). Calls nobody can take (`max_wait_min`, field `patience`): a
call still waiting for its first officer at its deadline leaves, referred or cancelled
(`CallDeadlines`). Both cost nothing where a scenario does not use them.
"""

from __future__ import annotations

import heapq
from typing import Protocol

import numpy as np

from ...scenario.kinds import URGENT_PRIORITY
from ...scenario.schema import Dispatch
from ..city import CityLayout
from ..clock import Clock
from ..deadlines import CallDeadlines
from ..demand import Calls
from ..runlog import RunLog
from ..staff import SMALL_GROUP
from ..workforce import Workforce

Entry = tuple[int, float, int]  # (priority, created_min, call)


class DispatchPolicy(Protocol):
    """The interface the engine routes field calls through; see `FieldDispatch` for the shared part."""

    waiting: dict[int, int]  # call -> officers it still needs

    def on_call(self, i: int, now: float) -> None:
        """Field call `i` arrives: send free officers (or preempt), else keep it waiting."""

    def call_for(self, s: int, on_prevention: bool) -> Entry | None:
        """The waiting call idle officer `s` should take next, or None."""

    def assign(self, s: int, i: int, now: float) -> None:
        """Officer `s` takes waiting call `i` (the entry `call_for` returned)."""

    def close(self, end: float) -> None:
        """At the horizon: close the waiting monitor."""


class Tier:
    """A group of staff searched together, as an index array and a list."""

    def __init__(self, members: list[int]) -> None:
        self.array = np.asarray(sorted(members), dtype=np.intp)
        self.list = [int(s) for s in self.array]


def head(heap: list[Entry], waiting: dict[int, int]) -> Entry | None:
    """The first entry of `heap` whose call still waits, dropping stale ones."""
    while heap:
        entry = heap[0]
        if entry[2] in waiting:
            return entry
        heapq.heappop(heap)
    return None


class FieldDispatch:
    """The flow every policy shares; a policy says where to look (`officer_for`), where a call
    waits (`enqueue`, `remove`), which waiting call an officer takes (`best_call_for`) and whom
    an urgent call may preempt (`preemption_pool`). `start_level` and `after_enqueue` let a
    policy widen a call's search over time (see `PrecinctFirst`)."""

    def __init__(self, config: Dispatch, layout: CityLayout, calls: Calls, workforce: Workforce,
                 clock: Clock, log: RunLog) -> None:
        self.config = config
        self.layout = layout
        self.workforce = workforce
        self.staff = workforce.staff
        self.clock = clock
        self.monitor = log.field_waiting
        self.preemption = config.preemption
        self.waiting: dict[int, int] = {}
        self.start_level = {False: 0, True: 0}  # by urgency: the first search tier
        self.created = memoryview(calls.created_min)
        self.priority = calls.as_list("priority")
        self.officers = calls.as_list("officers")
        self.precinct = calls.as_list("precinct")
        self.district = calls.as_list("district")
        self.x = memoryview(calls.x_km)
        self.y = memoryview(calls.y_km)
        self._init_reserve(config, layout)
        self.deadlines = CallDeadlines.for_calls(calls, clock, workforce.records, self._leave)

    def _init_reserve(self, config: Dispatch, layout: CityLayout) -> None:
        """Per district: officers held back for priority 1 (K) and the pool they are counted in."""
        self.reserve = [config.reserve_for(name) for name in layout.district_names]
        self.reserving = any(self.reserve)
        self.reserve_varies = len(set(self.reserve)) > 1
        if not self.reserving:
            return
        staff = self.staff
        field = [s for s in range(staff.n) if staff.field_ok[s]]
        self.pool_of: list[Tier] = []
        self.in_pool: list[list[bool]] = []
        for d in range(len(layout.district_names)):
            districts = self.pool_districts(d)
            members = [s for s in field if districts is None or staff.district[s] in districts]
            self.pool_of.append(Tier(members))
            chosen = set(members)
            self.in_pool.append([s in chosen for s in range(staff.n)])

    # --- what a policy provides -------------------------------------------------------------

    def officer_for(self, precinct: int, district: int, level: int, x: float, y: float, now: float,
                    urgent: bool) -> int:
        raise NotImplementedError

    def enqueue(self, entry: Entry, precinct: int, district: int, level: int) -> None:
        raise NotImplementedError

    def remove(self, call: int, precinct: int, district: int) -> None:
        """`call` needs no more officers (its heap entries may go stale)."""

    def best_call_for(self, s: int) -> Entry | None:
        raise NotImplementedError

    def best_urgent_call_for(self, s: int) -> Entry | None:
        """The priority-1 call officer `s` should take, when it may take no other (on prevention
        work, or held in reserve). Where calls wait in order of priority first, as here, a best
        call of lower priority means no priority-1 call waits for `s`."""
        return None

    def best_unheld_call_for(self, s: int) -> Entry | None:
        """The best call the reserve does not hold back from `s`, when its best call is held.
        Here every call `s` may take is counted in one pool with one K, so only a priority-1 call
        may go; a policy whose calls have pools or K of their own looks further."""
        return self.best_urgent_call_for(s)

    def preemption_pool(self, precinct: int, district: int, level: int) -> np.ndarray:
        raise NotImplementedError

    def after_enqueue(self, i: int, level: int, urgent: bool) -> None:
        """Call `i` started waiting at tier `level`."""

    def pool_districts(self, district: int) -> set[int] | None:
        """The districts whose officers can take a call of `district` (None: the whole city); the
        pool in which officers held in reserve for priority 1 are counted."""
        return None

    # --- priority cut-offs ------------------------------------------------------------------

    def free_in_pool(self, district: int) -> int:
        tier = self.pool_of[district]
        if len(tier.list) <= SMALL_GROUP:
            free = self.staff.free_field_v
            return sum(1 for s in tier.list if free[s])
        return int(np.count_nonzero(self.staff.free_field[tier.array]))

    def held(self, district: int) -> bool:
        """Whether a call of priority 2 or lower from `district` must wait: K or fewer of its pool free."""
        return self.free_in_pool(district) <= self.reserve[district]

    def free_with(self, s: int, district: int) -> int:
        """Officers of `district`'s pool free, idle officer `s` (not yet counted free) included."""
        free = self.free_in_pool(district)
        if self.in_pool[district][s] and not self.staff.free_field_v[s]:
            free += 1
        return free

    def held_from(self, s: int, district: int) -> bool:
        """`held`, for idle officer `s` who is not yet counted free."""
        return self.free_with(s, district) <= self.reserve[district]

    # --- the shared flow --------------------------------------------------------------------

    def on_call(self, i: int, now: float) -> None:
        need = self.officers[i]
        precinct, district = self.precinct[i], self.district[i]
        x, y = self.x[i], self.y[i]
        priority = self.priority[i]
        urgent = priority == URGENT_PRIORITY
        level = self.start_level[urgent]
        send = self.workforce.send
        hold = self.reserving and not urgent
        assigned = 0
        while assigned < need:
            if hold and self.held(district):
                break
            s = self.officer_for(precinct, district, level, x, y, now, urgent)
            if s < 0:
                break
            send(s, i, now)
            assigned += 1
        if assigned == need:
            return
        if urgent and self.preemption and need == 1:
            pool = self.preemption_pool(precinct, district, level)
            s = self.workforce.preemptable(pool, x, y, now)
            if s >= 0:
                self.workforce.suspend(s, now)
                send(s, i, now)
                return
        if assigned == 0 and self.deadlines is not None and self.deadlines.leaves_at_once(i, now):
            return
        self.monitor.change(now, len(self.waiting))
        self.waiting[i] = need - assigned
        entry = (priority, self.created[i], i)
        for tier in range(level + 1):
            self.enqueue(entry, precinct, district, tier)
        self.after_enqueue(i, level, urgent)
        if assigned == 0 and self.deadlines is not None:
            self.deadlines.watch(i)

    def call_for(self, s: int, on_prevention: bool) -> Entry | None:
        if not self.waiting:
            return None
        entry = self.best_call_for(s)
        if entry is None or entry[0] <= URGENT_PRIORITY:
            return entry
        if on_prevention:
            return self.best_urgent_call_for(s)
        if self.reserving and self.held_from(s, self.district[entry[2]]):
            return self.best_unheld_call_for(s)
        return entry

    def assign(self, s: int, i: int, now: float) -> None:
        left = self.waiting[i] - 1
        if left:
            self.waiting[i] = left
        else:
            self.monitor.change(now, len(self.waiting))
            del self.waiting[i]
            self.remove(i, self.precinct[i], self.district[i])
        self.workforce.send(s, i, now)

    def _leave(self, i: int, now: float) -> bool:
        """Waiting call `i` reached its deadline: it leaves if no officer has been sent yet."""
        if self.waiting.get(i) != self.officers[i]:
            return False
        self.monitor.change(now, len(self.waiting))
        del self.waiting[i]
        self.remove(i, self.precinct[i], self.district[i])
        return True

    def close(self, end: float) -> None:
        self.monitor.change(end, len(self.waiting))
