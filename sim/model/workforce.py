"""The workforce: who is on duty, who is busy with which job, and the jobs' timing.

The only code that changes whether a member of staff is free (`Staff.busy`, `free_field`,
`free_any`, `on_duty`) or where they are going. A job is known in full when it is taken (travel,
service, paperwork), so one job end (`Clock.at_light`) marks the moment its member is free again,
and the job's row of the run log is written when it is taken (`job[s]`) and logged as it is.
That row is also the job's token: a wake-up carrying a row that is no longer its member's job
(the job was suspended by preemption) is ignored.
When a member becomes idle, `on_idle(s, now)` (the engine) finds them their next work
(`on_desk_idle` for an on-duty desk-only assistant).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ..scenario.kinds import ROLE_ASSISTANT, ROLE_INSPECTOR
from .city import CityLayout
from .clock import Clock
from .demand import Calls
from .records import CallRecords
from .runlog import RunLog
from .shifts import Occurrence
from .staff import Staff
from .travel import TravelModel


class Workforce:
    def __init__(self, layout: CityLayout, calls: Calls, clock: Clock, records: CallRecords, log: RunLog) -> None:
        scenario = layout.scenario
        self.staff = staff = Staff(layout, scenario.staffing.assistants_take_field)
        self.travel = TravelModel(scenario.travel)
        self.clock = clock
        self.records = records
        self.log = log
        self.preemption = scenario.dispatch.preemption
        after_job = scenario.dispatch.after_job_rule
        self.return_home = after_job == "return"
        self.on_idle: Callable[[int, float], None] = lambda s, now: None
        self.on_desk_idle: Callable[[int, float], None] = lambda s, now: None  # an on-duty desk-only assistant

        n = staff.n
        # Per member, the job in hand as its run-log row (`RunLog.job_row`: member, start, end of
        # field work, free again, own arrival on scene, call), or None.
        self.job: list[bytes | None] = [None] * n
        self.job_prio = np.zeros(n, dtype=np.int8)  # >0: preemptible field job of that priority
        self._job_prio_v = memoryview(self.job_prio)
        self.suspended: dict[int, tuple[int, float, float, bool]] = {}
        self._teams: dict[int, list[tuple[int, float]]] = {}
        self.desk_only = [staff.role[s] == ROLE_ASSISTANT and not staff.field_ok[s] for s in range(n)]
        self.does_prevention = [staff.role[s] == ROLE_INSPECTOR and staff.field_ok[s] for s in range(n)]
        self._prevention_team = [s for s in range(n) if self.does_prevention[s]]
        self.prevention_now = False
        self.on_duty_at = [0] * len(layout.stations)  # staff on duty per station, for walk-in overflow
        # Per station, its on-duty idle members other than desk-only assistants: when none, the desk
        # need not look for an officer at the station or on the way back.
        self.idle_at = [0] * len(layout.stations)
        self._overtime_from = [-1.0] * n  # when a member still at work after their shift went off roster

        self._x = memoryview(calls.x_km)
        self._y = memoryview(calls.y_km)
        self._officers = calls.as_list("officers")
        self._priority = calls.as_list("priority")
        self._service = memoryview(calls.service_min)
        self._paperwork = memoryview(calls.paperwork_min)
        # Bound once: scheduled once per job. With after_job = "respawn" a freed member is back at the
        # station at once; chosen here so that the other rules pay nothing for it.
        self._free = self._on_free_at_station if after_job == "respawn" else self._on_free
        self._at_job_end = clock.at_light
        self._minutes = self.travel.minutes
        self._job_row, self._job_fields, self._add_job = log.job_row, log.job_fields, log.add_job

    # --- taking work ------------------------------------------------------------------------

    def send(self, s: int, i: int, now: float) -> None:
        """Send officer `s` to field call `i` from wherever `s` is now."""
        staff = self.staff
        # Busy and free for no call; where `s` is and the trip (`Staff.position`, `Staff.move_from`)
        # inline: this runs once per field call.
        staff.busy[s] = True
        if staff.on_duty[s]:
            self.idle_at[staff.home[s]] -= 1
        staff.free_field_v[s] = False
        staff.free_any_v[s] = False
        x, y = self._x[i], self._y[i]
        t1, x1, y1 = staff.t1, staff.x1, staff.y1
        if t1[s] <= now:
            px, py = x1[s], y1[s]
        else:
            left = (t1[s] - now) / staff.dur[s]
            tx, ty = x1[s], y1[s]
            px, py = tx - (tx - staff.x0[s]) * left, ty - (ty - staff.y0[s]) * left
        arrive = now + self._minutes(math.hypot(px - x, py - y), now)
        staff.x0[s] = px
        staff.y0[s] = py
        x1[s] = x
        y1[s] = y
        t1[s] = arrive
        staff.dur[s] = arrive - now if arrive - now > 1e-9 else 1e-9
        records = self.records
        need = self._officers[i]
        if need == 1:  # the only officer the call gets (a preempted job resumes without a new send)
            end = arrive + self._service[i]
            free_at = end + self._paperwork[i]
            records.dispatched_v[i] = now
            records.station_v[i] = staff.home[s]
            records.officer_v[i] = s
            records.officers_v[i] = 1
            records.arrived_v[i] = arrive
            records.completed_v[i] = end
            self.job[s] = job = self._job_row(s, now, end, free_at, arrive, i)  # a new token: older job ends are stale
            if self.preemption:
                self._job_prio_v[s] = self._priority[i]
            self._at_job_end(free_at, self._free, s, job)
            return
        if records.officers_v[i] == 0:
            records.dispatched_v[i] = now
            records.station_v[i] = staff.home[s]
            records.officer_v[i] = s
        records.officers_v[i] += 1
        self.job[s] = self._job_row(s, now, math.inf, math.inf, arrive, i)  # on scene, waiting for the team
        team = self._teams.setdefault(i, [])
        team.append((s, arrive))
        if len(team) == need:
            attend = max(a for _, a in team)
            for member, _ in team:
                self._start_work(member, i, attend)
            del self._teams[i]

    def _start_work(self, s: int, i: int, attend: float) -> None:
        """Team member `s` starts on call `i` once the whole team is there, at `attend`."""
        end = attend + self._service[i]
        free_at = end + self._paperwork[i]
        self.records.arrived_v[i] = attend
        self.records.completed_v[i] = end
        _, start, _, _, arrive, _ = self._job_fields(self.job[s])
        self.job[s] = job = self._job_row(s, start, end, free_at, arrive, i)
        self.clock.at_light(free_at, self._free, s, job)

    def serve(self, s: int, i: int, now: float) -> None:
        """Officer or assistant `s` serves walk-in or desk call `i` at their station."""
        staff = self.staff
        staff.busy[s] = True  # busy and free for no call, as in `send`
        if staff.on_duty[s] and not self.desk_only[s]:
            self.idle_at[staff.home[s]] -= 1
        staff.free_field_v[s] = False
        staff.free_any_v[s] = False
        end = now + self._service[i]
        free_at = end + self._paperwork[i]
        self.job[s] = job = self._job_row(s, now, now, free_at, now, i)  # desk work throughout: no field part
        records = self.records
        records.dispatched_v[i] = now
        records.arrived_v[i] = now
        records.completed_v[i] = end
        records.officers_v[i] = 1
        records.officer_v[i] = s
        self._at_job_end(free_at, self._free, s, job)

    # --- becoming free ----------------------------------------------------------------------

    def _on_free(self, s: int, job: bytes) -> None:
        if job is not self.job[s]:
            return
        now = self.clock.now  # the job's end: its row holds it already
        self._add_job(job)
        self.job[s] = None
        staff = self.staff
        if self.desk_only[s]:
            staff.busy[s] = False
            (self.on_desk_idle if staff.on_duty[s] else self.on_idle)(s, now)
            return
        self._job_prio_v[s] = 0
        if s in self.suspended:
            self._resume(s, now)
            return
        staff.busy[s] = False
        if staff.on_duty[s]:
            self.idle_at[staff.home[s]] += 1
        self.on_idle(s, now)

    def _on_free_at_station(self, s: int, job: bytes) -> None:
        if job is self.job[s] and s not in self.suspended:
            self.staff.place(s, self.staff.home_x[s], self.staff.home_y[s])
        self._on_free(s, job)

    def on_prevention(self, s: int) -> bool:
        """Whether idle member `s` is out on prevention work now (and so takes only priority-1 calls)."""
        return self.prevention_now and self.does_prevention[s]

    def stand_by(self, s: int, now: float) -> bool:
        """Idle, on-duty `s` found no work: free for field calls (and heading home if the scenario
        says so). Returns whether `s` set off for the station."""
        staff = self.staff
        if not staff.field_ok[s]:
            return False
        staff.free_any_v[s] = True
        staff.free_field_v[s] = not (self.prevention_now and self.does_prevention[s])
        if not self.return_home:
            return False
        t1, x1, y1 = staff.t1, staff.x1, staff.y1  # `Staff.at_home` and `Staff.move` inline: once per job
        hx, hy = staff.home_x[s], staff.home_y[s]
        resting = t1[s] <= now
        if not (resting and x1[s] == hx and y1[s] == hy):
            if resting:
                x, y = x1[s], y1[s]
            else:
                x, y = staff.position(s, now)
            arrive = now + self._minutes(math.hypot(x - hx, y - hy), now)
            staff.x0[s] = x
            staff.y0[s] = y
            x1[s] = hx
            y1[s] = hy
            t1[s] = arrive
            staff.dur[s] = arrive - now if arrive - now > 1e-9 else 1e-9
            return True
        return False

    # --- preemption -------------------------------------------------------------------------

    def preemptable(self, pool: np.ndarray, x: float, y: float, now: float) -> int:
        """The member of `pool` nearest (x, y) on a preemptible lower-priority job (never one past
        their shift), or -1."""
        return self.staff.nearest(pool[self.job_prio[pool] > 1], x, y, now)

    def suspend(self, s: int, now: float) -> None:
        """Take `s` off its lower-priority job, keeping what is left of it to resume later."""
        _, start, end_service, free_at, arrive, call = self._job_fields(self.job[s])
        i = int(call)
        self.job[s] = None
        records = self.records
        reached = self.staff.t1[s] <= now
        self.log.job(s, start, end_service, now, arrive, i)
        if not reached:
            left_service, left_paperwork = self._service[i], self._paperwork[i]
            records.arrived_v[i] = math.nan
            records.completed_v[i] = math.nan
        elif now < end_service:
            left_service, left_paperwork = end_service - now, self._paperwork[i]
            records.completed_v[i] = math.nan
        else:
            left_service, left_paperwork = 0.0, free_at - now
        records.preempted_v[i] = True
        self.suspended[s] = (i, left_service, left_paperwork, reached)
        self._job_prio_v[s] = 0
        self.staff.busy[s] = False
        if self.staff.on_duty[s]:
            self.idle_at[self.staff.home[s]] += 1

    def _resume(self, s: int, now: float) -> None:
        i, left_service, left_paperwork, reached = self.suspended.pop(s)
        staff = self.staff
        if left_service > 0:
            x, y = self._x[i], self._y[i]
            px, py = staff.position(s, now)
            arrive = now + self.travel.minutes(math.hypot(px - x, py - y), now)
            staff.move(s, now, x, y, arrive)
            if not reached:
                self.records.arrived_v[i] = arrive
            end = arrive + left_service
            self.records.completed_v[i] = end
        else:
            arrive = end = now
        free_at = end + left_paperwork
        self.job[s] = job = self._job_row(s, now, end, free_at, arrive, i)
        self._job_prio_v[s] = self._priority[i]
        self.clock.at_light(free_at, self._free, s, job)

    # --- shifts, overtime and prevention ----------------------------------------------------

    def start_shift(self, occurrence: Occurrence, now: float) -> None:
        """Put the members of `occurrence` on duty; the idle ones start at their station."""
        staff = self.staff
        for s in occurrence.members:
            staff.on_duty[s] = True
            self.on_duty_at[staff.home[s]] += 1
            if not staff.busy[s] and not self.desk_only[s]:
                self.idle_at[staff.home[s]] += 1
            self._end_overtime(s, now)
            if not staff.busy[s]:
                staff.place(s, staff.home_x[s], staff.home_y[s])

    def end_shift(self, occurrence: Occurrence, now: float) -> None:
        """Take the members of `occurrence` off duty; a busy one finishes the job in hand (overtime)."""
        staff = self.staff
        for s in occurrence.members:
            staff.on_duty[s] = False
            self.on_duty_at[staff.home[s]] -= 1
            if not staff.busy[s] and not self.desk_only[s]:
                self.idle_at[staff.home[s]] -= 1
            staff.free_field_v[s] = False
            staff.free_any_v[s] = False
            if staff.busy[s]:
                self._overtime_from[s] = now
                self._job_prio_v[s] = 0  # and not to be sent on another

    def go_home(self, s: int, now: float) -> None:
        """Idle `s` is off duty: close any overtime; they are back at the station for their next shift."""
        self._end_overtime(s, now)
        self.staff.place(s, self.staff.home_x[s], self.staff.home_y[s])

    def _end_overtime(self, s: int, now: float) -> None:
        start = self._overtime_from[s]
        if start >= 0:
            self.log.overtime(s, start, now)
            self._overtime_from[s] = -1.0

    def set_prevention(self, starting: bool, now: float) -> None:
        """Prevention work starts (idle inspectors leave the field pool) or ends (they look for work)."""
        self.prevention_now = starting
        staff = self.staff
        for s in self._prevention_team:
            if not staff.on_duty[s] or staff.busy[s]:
                continue
            if starting:
                staff.free_field_v[s] = False
            else:
                self.on_idle(s, now)

    def close(self, end: float) -> None:
        """At the horizon: log the jobs in hand and the overtime being worked."""
        for s in range(self.staff.n):
            job = self.job[s]
            if job is not None and (self.staff.busy[s] or s in self.suspended):
                _, start, end_service, _, arrive, call = self._job_fields(job)
                self.log.job(s, start, end_service, end, arrive, int(call))
            self._end_overtime(s, end)
