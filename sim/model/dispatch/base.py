"""What every field dispatch policy is, and the part they share: taking free officers, preempting,
and keeping the calls that wait.

A policy owns the field calls waiting for officers (`waiting`), the queues they wait in, any
timers that widen their search (escalation), and the monitor of how many wait. The engine asks
it two things: handle a new call (`on_call`), and give an idle officer the call it should take
(`call_for`, then `assign`). Officers move only through the workforce (`Workforce.send`).

Waiting calls sit in heaps ordered by (priority, creation time); a heap entry whose call has
been fully staffed meanwhile is dropped when it reaches the top, which is cheaper than removing
it from every heap it sits in.
"""

from __future__ import annotations

import heapq
from typing import Protocol

import numpy as np

from ...scenario.kinds import URGENT_PRIORITY
from ...scenario.schema import Dispatch
from ..city import CityLayout
from ..clock import Clock
from ..demand import Calls
from ..runlog import RunLog
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
        self.priority = memoryview(calls.priority)
        self.officers = memoryview(calls.officers)
        self.precinct = memoryview(calls.precinct)
        self.district = memoryview(calls.district)
        self.x = memoryview(calls.x_km)
        self.y = memoryview(calls.y_km)

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

    def preemption_pool(self, precinct: int, district: int, level: int) -> np.ndarray:
        raise NotImplementedError

    def after_enqueue(self, i: int, level: int, urgent: bool) -> None:
        """Call `i` started waiting at tier `level`."""

    # --- the shared flow --------------------------------------------------------------------

    def on_call(self, i: int, now: float) -> None:
        need = self.officers[i]
        precinct, district = self.precinct[i], self.district[i]
        x, y = self.x[i], self.y[i]
        priority = self.priority[i]
        urgent = priority == URGENT_PRIORITY
        level = self.start_level[urgent]
        send = self.workforce.send
        assigned = 0
        while assigned < need:
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
        self.monitor.change(now, len(self.waiting))
        self.waiting[i] = need - assigned
        entry = (priority, self.created[i], i)
        for tier in range(level + 1):
            self.enqueue(entry, precinct, district, tier)
        self.after_enqueue(i, level, urgent)

    def call_for(self, s: int, on_prevention: bool) -> Entry | None:
        if not self.waiting:
            return None
        entry = self.best_call_for(s)
        if entry is not None and on_prevention and entry[0] > URGENT_PRIORITY:
            return None
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

    def close(self, end: float) -> None:
        self.monitor.change(end, len(self.waiting))
