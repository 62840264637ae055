"""The SimPy event loop: arrivals, dispatch, travel, service, paperwork, returns, shifts.

Each event is a bare SimPy event with one callback rather than a process per call or officer: a
call's whole future (travel, service, paperwork) is known when an officer takes it, so one
event marks the moment the officer is free again. An event made stale by preemption carries an
old job token and is ignored.
"""

from __future__ import annotations

import gc
import math
from array import array
from collections import deque
from heapq import heappush

import numpy as np
import simpy
from simpy.events import NORMAL, Event

from .city import ROLE_ASSISTANT, ROLE_INSPECTOR, CityLayout
from .demand import Calls
from .dispatch import make_policy
from .records import CallRecords
from .shifts import Occurrence, prevention_windows
from .staff import Staff
from .stations import StationQueues
from .travel import TravelModel

FIELD = 0


class Wake(Event):
    """An event already triggered, scheduled by `Engine._at`: the cheapest SimPy event there is."""

    def __init__(self, callback, value) -> None:
        self.callbacks = [callback]
        self._value = value
        self._ok = True


class Monitor:
    """Time integral of the number of field calls waiting for an officer, after the warm-up."""

    def __init__(self, warmup_min: float) -> None:
        self.warmup = warmup_min
        self.last = warmup_min
        self.area = 0.0

    def change(self, now: float, count: int) -> None:
        if now > self.last:
            self.area += count * (now - self.last)
            self.last = now


class Engine:
    def __init__(self, layout: CityLayout, calls: Calls, roster: list[Occurrence],
                 total_min: float, warmup_min: float, inline_arrivals: bool = True) -> None:
        scenario = layout.scenario
        self.layout = layout
        self.calls = calls
        self.total_min = total_min
        self.env = simpy.Environment()
        self._queue = self.env._queue
        self._eid = self.env._eid
        self.staff = Staff(layout, scenario.staffing.assistants_take_field)
        self.travel = TravelModel(scenario.travel)
        self.waiting: dict[int, int] = {}
        self.policy = make_policy(scenario.dispatch, layout, self.staff, self.waiting)
        dispatch = scenario.dispatch
        self.preemption = dispatch.preemption
        self.return_home = dispatch.return_to_station
        # Waits before a call opens to the district (level 1) and its neighbours (level 2), by
        # urgency: a priority-1 call opens to both at once after its own (usually zero) wait.
        self.waits = {(False, 1): dispatch.backup_wait_min, (False, 2): dispatch.neighbour_wait_min,
                      (True, 2): dispatch.urgent_backup_wait_min}
        if self.policy.levels == 0:
            self.start_level = {False: 0, True: 0}
        else:
            self.start_level = {
                False: 0 if dispatch.backup_wait_min > 0 else (1 if dispatch.neighbour_wait_min > 0 else 2),
                True: 0 if dispatch.urgent_backup_wait_min > 0 else 2,
            }
        self.records = CallRecords(len(calls))
        self.monitor = Monitor(warmup_min)
        self.roster = roster
        self.prevention_now = False
        self.prevention_windows = prevention_windows(scenario, total_min / 1440.0)

        n = self.staff.n
        self.token = [0] * n
        self.job_call = [-1] * n
        self.job_start = [0.0] * n
        self.job_end_service = [0.0] * n
        self.job_free = [0.0] * n
        self.job_prio = np.zeros(n, dtype=np.int8)  # >0: preemptible field job of that priority
        self.job_prio_v = memoryview(self.job_prio)
        self.suspended: dict[int, tuple[int, float, float, bool]] = {}
        self.teams: dict[int, list[tuple[int, float]]] = {}
        # Assistants who never leave the station wait in a per-station idle list; everyone else
        # (inspectors, and assistants allowed into the field) is looked for among station_officers.
        self.station_officers: list[list[int]] = [[] for _ in layout.stations]
        self.idle_assistants: list[list[int]] = [[] for _ in layout.stations]
        self.listed = [False] * n  # already in its station's idle_assistants list
        self.desk_only = [self.staff.role[s] == ROLE_ASSISTANT and not self.staff.field_ok[s] for s in range(n)]
        for s in range(n):
            if not self.desk_only[s]:
                self.station_officers[self.staff.home[s]].append(s)
        self.station_wakeup = [math.inf] * len(layout.stations)

        self.does_prevention = [self.staff.role[s] == ROLE_INSPECTOR and self.staff.field_ok[s] for s in range(n)]
        self.on_duty_at = [0] * len(layout.stations)  # staff on duty per station, for walk-in overflow
        self.fallback = layout.station_fallback
        self.overtime_from = [-1.0] * n  # when a member still at work after their shift went off roster
        self.overtime_staff = array("i")
        self.overtime_start = array("d")
        self.overtime_end = array("d")
        self.busy_staff = array("i")
        self.busy_start = array("d")
        self.busy_service_end = array("d")
        self.busy_end = array("d")

        self.created = memoryview(calls.created_min)
        self.kind = memoryview(calls.kind)
        self.priority = memoryview(calls.priority)
        self.officers = memoryview(calls.officers)
        self.precinct = memoryview(calls.precinct)
        self.district = memoryview(calls.district)
        self.station = memoryview(calls.station)
        self.x = memoryview(calls.x_km)
        self.y = memoryview(calls.y_km)
        self.service = memoryview(calls.service_min)
        self.paperwork = memoryview(calls.paperwork_min)
        self.stations = StationQueues(len(layout.stations), memoryview(calls.patience_min), self._abandon)
        self.station_queues = self.stations.queues
        self.escalations = {key: deque() for key in self.waits}  # (due, call), in due order
        self.escalation_due = dict.fromkeys(self.waits, math.inf)  # when each queue's next event is set
        self.next_call = 0
        self.n_calls = len(calls)
        self.inline_arrivals = inline_arrivals
        self._arrival = self._on_arrival  # bound once: the loop schedules these millions of times
        self._free = self._on_free

    # --- scheduling -------------------------------------------------------------------------

    def _at(self, time: float, callback, value=None) -> None:
        """Schedule `callback(event)` at absolute `time` (what `Environment.schedule` does, minus a call)."""
        if time < self.env._now:
            time = self.env._now
        heappush(self._queue, (time, NORMAL, next(self._eid), Wake(callback, value)))

    def run(self) -> None:
        for occurrence in self.roster:
            self._at(max(occurrence.start_min, 0.0), self._on_shift_start, occurrence)
            if occurrence.end_min < self.total_min:
                self._at(occurrence.end_min, self._on_shift_end, occurrence)
        for start, end in self.prevention_windows:
            self._at(start, self._on_prevention, True)
            self._at(end, self._on_prevention, False)
        if len(self.calls):
            self._at(self.created[0], self._on_arrival)
        # The loop allocates millions of short-lived events and tuples but no reference cycles;
        # the cyclic collector would only rescan them (about 10% of the run time).
        collecting = gc.isenabled()
        gc.disable()
        try:
            self.env.run(until=self.total_min)
        finally:
            if collecting:
                gc.enable()
        self._close()

    # --- arrivals ---------------------------------------------------------------------------

    def _on_arrival(self, event) -> None:
        """Handle the calls arriving before anything else is due, then schedule the next arrival.

        Each arrival takes its place in SimPy's event order, (time, priority, event id), exactly
        as if it had been scheduled as an event of its own when the previous call arrived; when
        it is due before the head of the event queue it is handled at once instead of going
        through the queue. The order of everything, and so every result, is the same either way
        (tested), for a third fewer events.
        """
        env, queue, created, kind = self.env, self._queue, self.created, self.kind
        i = self.next_call
        while True:
            order = next(self._eid)  # the id the next arrival's event would have had
            if kind[i] == FIELD:
                self._new_field_call(i, env._now)
            else:
                self._new_station_call(i, env._now)
            i += 1
            self.next_call = i
            if i >= self.n_calls:
                return
            due = (created[i], NORMAL, order)
            if self.inline_arrivals and queue and due < queue[0][:3]:
                env._now = created[i]
                continue
            heappush(queue, (*due, Wake(self._arrival, None)))
            return

    def _new_field_call(self, i: int, now: float) -> None:
        need = self.officers[i]
        precinct, district = self.precinct[i], self.district[i]
        x, y = self.x[i], self.y[i]
        priority = self.priority[i]
        urgent = priority == 1
        level = self.start_level[urgent]
        assigned = 0
        while assigned < need:
            s = self.policy.officer_for(precinct, district, level, x, y, now, urgent)
            if s < 0:
                break
            self._dispatch(s, i, now)
            assigned += 1
        if assigned == need:
            return
        if priority == 1 and self.preemption and need == 1:
            s = self._preemptable(precinct, district, level, x, y, now)
            if s >= 0:
                self._suspend(s, now)
                self._dispatch(s, i, now)
                return
        self.monitor.change(now, len(self.waiting))
        self.waiting[i] = need - assigned
        entry = (priority, self.created[i], i)
        for tier in range(level + 1):
            self.policy.enqueue(entry, precinct, district, tier)
        if self.policy.levels and level < 2:
            self._escalate_later(i, 2 if urgent else level + 1, urgent)

    # --- backup from the district and its neighbours (precinct-first) ------------------------

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
            self._at(due, self._on_escalations, key)

    def _on_escalations(self, event) -> None:
        key = event._value
        now = self.env._now
        pending, waiting = self.escalations[key], self.waiting
        while pending and pending[0][0] <= now:
            i = pending.popleft()[1]
            if i in waiting:
                self._escalate(i, key[1], now)
        while pending and pending[0][1] not in waiting:
            pending.popleft()
        self.escalation_due[key] = pending[0][0] if pending else math.inf
        if pending:
            self._at(pending[0][0], self._on_escalations, key)

    def _escalate(self, i: int, level: int, now: float) -> None:
        """Open call `i` to every tier up to `level`: take a free officer there, else wait in them."""
        precinct, district = self.precinct[i], self.district[i]
        x, y = self.x[i], self.y[i]
        urgent = self.priority[i] == 1
        for tier in range(self.policy.level_of[i] + 1, level + 1):
            while i in self.waiting:
                s = self.policy.officers_at_level(precinct, district, tier, x, y, now, urgent)
                if s < 0:
                    break
                self._take_from_queue(s, i, now)
            if i not in self.waiting:
                return
            self.policy.enqueue((self.priority[i], self.created[i], i), precinct, district, tier)
        if level < 2:
            self._escalate_later(i, 2, urgent)

    def _new_station_call(self, i: int, now: float) -> None:
        """A walk-in or desk call: an idle assistant, else an inspector present, else the queue.

        At a station with nobody on duty (its one inspector's day off), the citizen goes on to the
        station's fallback, the precinct's fixed station.
        """
        station = self.station[i]
        if self.on_duty_at[station] == 0 and self.fallback[station] >= 0:
            station = self.fallback[station]
        self.records.station_v[i] = station
        s = self._idle_assistant(station) if self.idle_assistants[station] else -1
        if s < 0:
            s = self._officer_present(station, now)
        if s >= 0:
            self._serve(s, i, now)
            return
        self.stations.push(station, (self.priority[i], self.created[i], i))
        self._wake_when_back(station, now)

    def _idle_assistant(self, station: int) -> int:
        idle = self.idle_assistants[station]
        staff = self.staff
        while idle:
            s = idle.pop()
            self.listed[s] = False
            if staff.on_duty[s] and not staff.busy[s]:
                return s
        return -1

    def _officer_present(self, station: int, now: float) -> int:
        """An idle officer of `station` who is at the station (not out, not on prevention work)."""
        staff = self.staff
        for s in self.station_officers[station]:
            if staff.on_duty[s] and not staff.busy[s] and staff.at_home(s, now):
                if not (self.prevention_now and self.does_prevention[s]):
                    return s
        return -1

    def _wake_when_back(self, station: int, now: float) -> None:
        """If an idle inspector of `station` is on the way back, look at the queue when they arrive."""
        staff = self.staff
        soonest = math.inf
        for s in self.station_officers[station]:
            if staff.on_duty[s] and not staff.busy[s]:
                t1 = staff.t1v[s]
                if now < t1 < soonest and staff.x1v[s] == staff.home_x[s] and staff.y1v[s] == staff.home_y[s]:
                    soonest = t1
        if soonest < self.station_wakeup[station]:
            self.station_wakeup[station] = soonest
            self._at(soonest, self._on_station_wakeup, station)

    def _on_station_wakeup(self, event) -> None:
        station = event._value
        now = self.env._now
        if self.station_wakeup[station] <= now + 1e-9:
            self.station_wakeup[station] = math.inf
        while self.stations.waiting(station):
            s = self._officer_present(station, now)
            entry = self.stations.head(station, now) if s >= 0 else None
            if entry is None:
                break
            self.stations.pop(station)
            self._serve(s, entry[2], now)
        if self.stations.waiting(station):
            self._wake_when_back(station, now)

    # --- officers taking work ---------------------------------------------------------------

    def _claim(self, s: int) -> int:
        """Mark `s` busy and return the token of the new job (older free events become stale)."""
        staff = self.staff
        staff.busy[s] = True
        staff.free_field_v[s] = False
        staff.free_any_v[s] = False
        token = self.token[s] + 1
        self.token[s] = token
        return token

    def _dispatch(self, s: int, i: int, now: float) -> None:
        """Send officer `s` to field call `i` from wherever `s` is now."""
        staff = self.staff
        token = self._claim(s)
        x, y = self.x[i], self.y[i]
        px, py = (staff.x1v[s], staff.y1v[s]) if staff.t1v[s] <= now else staff.position(s, now)
        arrive = now + self.travel.minutes(math.hypot(px - x, py - y), now)
        staff.move_from(s, now, px, py, x, y, arrive)
        self.job_call[s] = i
        self.job_start[s] = now
        records = self.records
        if records.officers_v[i] == 0:
            records.dispatched_v[i] = now
            records.station_v[i] = staff.home[s]
        records.officers_v[i] += 1
        if self.officers[i] == 1:
            end = arrive + self.service[i]
            free_at = end + self.paperwork[i]
            records.arrived_v[i] = arrive
            records.completed_v[i] = end
            self.job_end_service[s] = end
            self.job_free[s] = free_at
            if self.preemption:
                self.job_prio_v[s] = self.priority[i]
            heappush(self._queue, (free_at, NORMAL, next(self._eid), Wake(self._free, (s, token))))
            return
        need = self.officers[i]
        self.job_end_service[s] = math.inf  # on scene, waiting for the rest of the team
        team = self.teams.setdefault(i, [])
        team.append((s, arrive))
        if len(team) == need:
            attend = max(a for _, a in team)
            for member, _ in team:
                self._start_work(member, i, attend, now)
            del self.teams[i]

    def _start_work(self, s: int, i: int, attend: float, now: float) -> None:
        """Team member `s` starts on call `i` once the whole team is there, at `attend`."""
        end = attend + self.service[i]
        free_at = end + self.paperwork[i]
        self.records.arrived_v[i] = attend
        self.records.completed_v[i] = end
        self.job_end_service[s] = end
        self.job_free[s] = free_at
        self._at(free_at, self._free, (s, self.token[s]))

    def _serve(self, s: int, i: int, now: float) -> None:
        """Officer or assistant `s` serves walk-in or desk call `i` at their station."""
        token = self._claim(s)
        end = now + self.service[i]
        free_at = end + self.paperwork[i]
        self.job_call[s] = i
        self.job_start[s] = now
        self.job_end_service[s] = now  # desk work throughout: no field part
        self.job_free[s] = free_at
        records = self.records
        records.dispatched_v[i] = now
        records.arrived_v[i] = now
        records.completed_v[i] = end
        records.officers_v[i] = 1
        heappush(self._queue, (free_at, NORMAL, next(self._eid), Wake(self._free, (s, token))))

    def _take_from_queue(self, s: int, i: int, now: float) -> None:
        left = self.waiting[i] - 1
        if left:
            self.waiting[i] = left
        else:
            self.monitor.change(now, len(self.waiting))
            del self.waiting[i]
            self.policy.remove(i, self.precinct[i], self.district[i])
        self._dispatch(s, i, now)

    # --- officers becoming free -------------------------------------------------------------

    def _record_busy(self, s: int, start: float, end_service: float, end: float) -> None:
        """One job of `s`: field work from `start` to `end_service`, desk work from there to `end`."""
        self.busy_staff.append(s)
        self.busy_start.append(start)
        self.busy_service_end.append(end_service)
        self.busy_end.append(end)

    def _on_free(self, event) -> None:
        s, token = event._value
        if token != self.token[s]:
            return
        now = self.env._now
        self.busy_staff.append(s)
        self.busy_start.append(self.job_start[s])
        self.busy_service_end.append(self.job_end_service[s])
        self.busy_end.append(now)
        self.job_call[s] = -1
        if self.desk_only[s]:  # an assistant at the desk: the next citizen, or wait for one
            staff = self.staff
            staff.busy[s] = False
            if not staff.on_duty[s]:
                self._next_work(s, now)  # off duty: just close the overtime
                return
            home = staff.home[s]
            if self.station_queues[home]:
                entry = self.stations.head(home, now)
                if entry is not None:
                    self.stations.pop(home)
                    self._serve(s, entry[2], now)
                    return
            if not self.listed[s]:
                self.idle_assistants[home].append(s)
                self.listed[s] = True
            return
        self.job_prio_v[s] = 0
        if s in self.suspended:
            self._resume(s, now)
            return
        self.staff.busy[s] = False
        self._next_work(s, now)

    def _next_work(self, s: int, now: float) -> None:
        """Idle member `s` takes the most urgent work it may do, or becomes free."""
        staff = self.staff
        if not staff.on_duty[s]:
            self._end_overtime(s, now)
            staff.place(s, staff.home_x[s], staff.home_y[s])
            return
        home = staff.home[s]
        on_prevention = self.prevention_now and self.does_prevention[s]
        field_call = None
        if self.waiting and staff.field_ok[s]:
            field_call = self.policy.best_call_for(s)
            if field_call is not None and on_prevention and field_call[0] > 1:
                field_call = None
        resting = staff.t1v[s] <= now
        at_home = resting and staff.x1v[s] == staff.home_x[s] and staff.y1v[s] == staff.home_y[s]
        desk_call = None
        if at_home and self.station_queues[home] and not on_prevention:
            desk_call = self.stations.head(home, now)
        if field_call is not None and (desk_call is None or field_call <= desk_call):
            self._take_from_queue(s, field_call[2], now)
            return
        if desk_call is not None:
            self.stations.pop(home)
            self._serve(s, desk_call[2], now)
            return
        if self.desk_only[s] and not self.listed[s]:
            self.idle_assistants[home].append(s)
            self.listed[s] = True
        if not staff.field_ok[s]:
            return
        staff.free_any_v[s] = True
        staff.free_field_v[s] = not on_prevention
        if self.return_home and not at_home:
            x, y = (staff.x1v[s], staff.y1v[s]) if resting else staff.position(s, now)
            hx, hy = staff.home_x[s], staff.home_y[s]
            staff.move_from(s, now, x, y, hx, hy, now + self.travel.minutes(math.hypot(x - hx, y - hy), now))
            if self.station_queues[home]:
                self._wake_when_back(home, now)

    # --- preemption -------------------------------------------------------------------------

    def _preemptable(self, precinct: int, district: int, level: int, x: float, y: float, now: float) -> int:
        """The nearest officer on a preemptible lower-priority job within the call's reach (never one
        past their shift)."""
        pool = self.policy.preemption_pool(precinct, district, level)
        return self.staff.nearest(pool[self.job_prio[pool] > 1], x, y, now)

    def _suspend(self, s: int, now: float) -> None:
        """Take `s` off its lower-priority job, keeping what is left of it to resume later."""
        i = self.job_call[s]
        records = self.records
        reached = self.staff.t1v[s] <= now
        end_service, free_at = self.job_end_service[s], self.job_free[s]
        self._record_busy(s, self.job_start[s], end_service, now)
        if not reached:
            left_service, left_paperwork = self.service[i], self.paperwork[i]
            records.arrived_v[i] = math.nan
            records.completed_v[i] = math.nan
        elif now < end_service:
            left_service, left_paperwork = end_service - now, self.paperwork[i]
            records.completed_v[i] = math.nan
        else:
            left_service, left_paperwork = 0.0, free_at - now
        records.preempted_v[i] = True
        self.suspended[s] = (i, left_service, left_paperwork, reached)
        self.job_prio_v[s] = 0
        self.staff.busy[s] = False

    def _resume(self, s: int, now: float) -> None:
        i, left_service, left_paperwork, reached = self.suspended.pop(s)
        staff = self.staff
        self.token[s] += 1
        self.job_call[s] = i
        self.job_start[s] = now
        if left_service > 0:
            x, y = self.x[i], self.y[i]
            px, py = staff.position(s, now)
            arrive = now + self.travel.minutes(math.hypot(px - x, py - y), now)
            staff.move(s, now, x, y, arrive)
            if not reached:
                self.records.arrived_v[i] = arrive
            end = arrive + left_service
            self.records.completed_v[i] = end
        else:
            end = now
        self.job_end_service[s] = end
        self.job_free[s] = end + left_paperwork
        self.job_prio_v[s] = self.priority[i]
        self._at(end + left_paperwork, self._on_free, (s, self.token[s]))

    # --- shifts and prevention --------------------------------------------------------------

    def _on_shift_start(self, event) -> None:
        occurrence: Occurrence = event._value
        now = self.env._now
        staff = self.staff
        for s in occurrence.members:
            staff.on_duty[s] = True
            self.on_duty_at[staff.home[s]] += 1
            self._end_overtime(s, now)
            if not staff.busy[s]:
                staff.place(s, staff.home_x[s], staff.home_y[s])
        for s in occurrence.members:
            if not staff.busy[s]:
                self._next_work(s, now)

    def _on_shift_end(self, event) -> None:
        occurrence: Occurrence = event._value
        staff = self.staff
        for s in occurrence.members:
            staff.on_duty[s] = False
            self.on_duty_at[staff.home[s]] -= 1
            staff.free_field_v[s] = False
            staff.free_any_v[s] = False
            if staff.busy[s]:
                self.overtime_from[s] = self.env._now  # finishing the job in hand
                self.job_prio_v[s] = 0  # and not to be sent on another

    def _end_overtime(self, s: int, now: float) -> None:
        start = self.overtime_from[s]
        if start >= 0:
            self.overtime_staff.append(s)
            self.overtime_start.append(start)
            self.overtime_end.append(now)
            self.overtime_from[s] = -1.0

    def _on_prevention(self, event) -> None:
        starting = event._value
        self.prevention_now = starting
        now = self.env._now
        staff = self.staff
        for s in range(staff.n):
            if not self.does_prevention[s] or not staff.on_duty[s] or staff.busy[s]:
                continue
            if starting:
                staff.free_field_v[s] = False
            else:
                self._next_work(s, now)

    # --- the end of the run -----------------------------------------------------------------

    def _abandon(self, i: int, at: float) -> None:
        self.records.abandoned_v[i] = at

    def _close(self) -> None:
        end = self.total_min
        self.monitor.change(end, len(self.waiting))
        self.stations.close(end)
        for s in range(self.staff.n):
            if self.staff.busy[s] or s in self.suspended:
                if self.job_call[s] >= 0:
                    self._record_busy(s, self.job_start[s], self.job_end_service[s], end)
            self._end_overtime(s, end)
