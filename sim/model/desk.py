"""The station desk: walk-in and desk calls, served by an idle assistant or an officer present.

Owns the stations' queues (`StationQueues`), the idle assistants waiting at each desk, and the
wake-ups set for an officer on the way back to a station where citizens wait. Serving itself is
the workforce's (`Workforce.serve`).
"""

from __future__ import annotations

import math
from heapq import heappop, heappush

from .city import CityLayout
from .clock import Clock
from .demand import Calls
from .records import CallRecords
from .stations import StationQueues
from .workforce import Workforce


class StationDesk:
    def __init__(self, layout: CityLayout, calls: Calls, clock: Clock, records: CallRecords,
                 workforce: Workforce) -> None:
        self.clock = clock
        self.records = records
        self.workforce = workforce
        staff = workforce.staff
        n_stations = len(layout.stations)
        self.queues = StationQueues(n_stations, memoryview(calls.patience_min), self._abandon)
        self.citizens_at = self.queues.queues  # per station, the waiting citizens (truthy if any); read only
        # next_citizen(station, now): the citizen to serve next at `station` (those who gave up are
        # dropped), or None; the queues' own lookup, bound here, as it runs once per job end.
        self.next_citizen = self.queues.head
        self._station = calls.as_list("station")
        self._priority = calls.as_list("priority")
        self._created = memoryview(calls.created_min)
        self.fallback = layout.station_fallback
        # Assistants who never leave the station wait in a per-station idle list; everyone else
        # (inspectors, and assistants allowed into the field) is looked for among station_officers.
        self.station_officers: list[list[int]] = [[] for _ in range(n_stations)]
        self.idle_assistants: list[list[int]] = [[] for _ in range(n_stations)]
        self._listed = [False] * staff.n  # already in its station's idle_assistants list
        for s in range(staff.n):
            if not workforce.desk_only[s]:
                self.station_officers[staff.home[s]].append(s)
        self._wakeup = [math.inf] * n_stations

    def new_call(self, i: int, now: float) -> None:
        """A walk-in or desk call: an idle assistant, else an inspector present, else the queue.

        At a station with nobody on duty (its one inspector's day off), the citizen goes on to the
        station's fallback, the precinct's fixed station.
        """
        station = self._station[i]
        if self.workforce.on_duty_at[station] == 0 and self.fallback[station] >= 0:
            station = self.fallback[station]
        self.records.station_v[i] = station
        s = self._idle_assistant(station) if self.idle_assistants[station] else -1
        idle_officers = self.workforce.idle_at[station]
        if s < 0 and idle_officers:
            s = self._officer_present(station, now)
        if s >= 0:
            self.workforce.serve(s, i, now)
            return
        heappush(self.citizens_at[station], (self._priority[i], self._created[i], i))
        if idle_officers:
            self.wake_when_back(station, now)

    def has_queue(self, station: int) -> bool:
        return bool(self.citizens_at[station])

    def serve_next(self, s: int, station: int, now: float) -> None:
        """`s` serves the citizen `next_citizen` returned."""
        self.workforce.serve(s, heappop(self.citizens_at[station])[2], now)

    def wait_idle(self, s: int) -> None:
        """Desk-only assistant `s` waits at the desk for the next citizen."""
        if not self._listed[s]:
            self.idle_assistants[self.workforce.staff.home[s]].append(s)
            self._listed[s] = True

    def assistant_free(self, s: int, now: float) -> None:
        """On-duty desk assistant `s` finished a job: the next citizen, or wait for one."""
        home = self.workforce.staff.home[s]
        if self.citizens_at[home] and self.next_citizen(home, now) is not None:
            self.serve_next(s, home, now)
            return
        self.wait_idle(s)

    def _idle_assistant(self, station: int) -> int:
        idle = self.idle_assistants[station]
        staff = self.workforce.staff
        while idle:
            s = idle.pop()
            self._listed[s] = False
            if staff.on_duty[s] and not staff.busy[s]:
                return s
        return -1

    def _officer_present(self, station: int, now: float) -> int:
        """An idle officer of `station` who is at the station (not out, not on prevention work)."""
        workforce = self.workforce
        if not workforce.idle_at[station]:
            return -1
        staff = workforce.staff
        on_duty, busy, t1, x1, y1 = staff.on_duty, staff.busy, staff.t1, staff.x1, staff.y1
        prevention = workforce.does_prevention if workforce.prevention_now else None
        for s in self.station_officers[station]:
            if on_duty[s] and not busy[s] and t1[s] <= now and x1[s] == staff.home_x[s] and y1[s] == staff.home_y[s]:
                if prevention is None or not prevention[s]:
                    return s
        return -1

    def wake_when_back(self, station: int, now: float) -> None:
        """If an idle officer of `station` is on the way back, look at the queue when they arrive."""
        if not self.workforce.idle_at[station]:
            return
        staff = self.workforce.staff
        soonest = math.inf
        for s in self.station_officers[station]:
            if staff.on_duty[s] and not staff.busy[s]:
                t1 = staff.t1[s]
                if now < t1 < soonest and staff.x1[s] == staff.home_x[s] and staff.y1[s] == staff.home_y[s]:
                    soonest = t1
        if soonest < self._wakeup[station]:
            self._wakeup[station] = soonest
            self.clock.at_light(soonest, self._on_wakeup, station)

    def _on_wakeup(self, station: int, _: int) -> None:
        now = self.clock.now
        if self._wakeup[station] <= now + 1e-9:
            self._wakeup[station] = math.inf
        waiting = self.citizens_at[station]
        while waiting:
            s = self._officer_present(station, now)
            entry = self.queues.head(station, now) if s >= 0 else None
            if entry is None:
                break
            heappop(waiting)
            self.workforce.serve(s, entry[2], now)
        if waiting:
            self.wake_when_back(station, now)

    def _abandon(self, i: int, at: float) -> None:
        self.records.abandoned_v[i] = at

    def close(self, end: float) -> None:
        self.queues.close(end)
