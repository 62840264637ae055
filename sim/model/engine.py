"""The engine: a thin router between the parts of the model, in time order.

The parts each own their state: the clock (SimPy's event queue), the workforce (who is on duty,
busy, where), the field dispatch policy (waiting field calls and their escalation), the station
desk (walk-in and desk queues) and the run log (staff intervals, queue monitor). The engine
turns arrivals, shift changes, prevention windows and idle officers into calls on those parts;
the one decision it makes itself is what an idle officer does next (`_next_work`).
"""

from __future__ import annotations

import gc

from ..scenario.kinds import CALL_KINDS, FIELD
from .city import CityLayout
from .clock import Clock, Wake
from .demand import Calls
from .desk import StationDesk
from .dispatch import make_policy
from .records import CallRecords
from .runlog import RunLog
from .shifts import Occurrence, prevention_windows
from .workforce import Workforce


class Engine:
    def __init__(self, layout: CityLayout, calls: Calls, roster: list[Occurrence],
                 total_min: float, warmup_min: float, inline_arrivals: bool = True) -> None:
        scenario = layout.scenario
        self.layout = layout
        self.calls = calls
        self.roster = roster
        self.total_min = total_min
        self.inline_arrivals = inline_arrivals
        self.clock = Clock()
        self.records = CallRecords(len(calls))
        self.log = RunLog(warmup_min)
        self.workforce = Workforce(layout, calls, self.clock, self.records, self.log)
        self.workforce.on_idle = self._next_work
        self.staff = self.workforce.staff
        self.desk = StationDesk(layout, calls, self.clock, self.records, self.workforce)
        self.workforce.on_desk_idle = self.desk.assistant_free
        self._citizens_at = self.desk.citizens_at  # read only: whether anyone waits at each station
        self.policy = make_policy(scenario.dispatch, layout, calls, self.workforce, self.clock, self.log)
        self.prevention_windows = prevention_windows(scenario, total_min / 1440.0)

    def run(self) -> None:
        clock = self.clock
        for occurrence in self.roster:
            clock.at(max(occurrence.start_min, 0.0), self._on_shift_start, occurrence)
            if occurrence.end_min < self.total_min:
                clock.at(occurrence.end_min, self._on_shift_end, occurrence)
        for start, end in self.prevention_windows:
            clock.at(start, self._on_prevention, True)
            clock.at(end, self._on_prevention, False)
        # The loop allocates millions of short-lived events and tuples but no reference cycles;
        # the cyclic collector would only rescan them (about 10% of the run time).
        collecting = gc.isenabled()
        gc.disable()
        try:
            clock.run(self.total_min, memoryview(self.calls.created_min), self.calls.as_list("kind"),
                      self._arrival_handlers(), self.inline_arrivals)
        finally:
            if collecting:
                gc.enable()
        self.calls.drop_lists()  # the parts hold theirs until the engine goes
        end = self.total_min
        self.policy.close(end)
        self.desk.close(end)
        self.workforce.close(end)

    # --- routing ----------------------------------------------------------------------------

    def _arrival_handlers(self) -> list:
        """Field calls go to the dispatch policy, walk-in and desk calls to the station desk."""
        return [self.policy.on_call if k == FIELD else self.desk.new_call for k in range(len(CALL_KINDS))]

    def _next_work(self, s: int, now: float) -> None:
        """Idle member `s` takes the most urgent work it may do, or becomes free."""
        staff = self.staff
        workforce = self.workforce
        if not staff.on_duty[s]:
            workforce.go_home(s, now)
            return
        on_prevention = workforce.prevention_now and workforce.does_prevention[s]
        policy = self.policy
        field_call = policy.call_for(s, on_prevention) if policy.waiting and staff.field_ok[s] else None
        home = staff.home[s]
        citizens_at = self._citizens_at
        if (citizens_at[home] and not on_prevention and staff.t1[s] <= now  # `Staff.at_home`, inline
                and staff.x1[s] == staff.home_x[s] and staff.y1[s] == staff.home_y[s]):
            desk_call = self.desk.next_citizen(home, now)
            if desk_call is not None and (field_call is None or desk_call < field_call):
                self.desk.serve_next(s, home, now)
                return
        if field_call is not None:
            policy.assign(s, field_call[2], now)
            return
        if workforce.desk_only[s]:
            self.desk.wait_idle(s)
        if workforce.stand_by(s, now) and citizens_at[home]:
            self.desk.wake_when_back(home, now)

    # --- shifts and prevention --------------------------------------------------------------

    def _on_shift_start(self, event: Wake) -> None:
        occurrence: Occurrence = event.value
        now = self.clock.now
        self.workforce.start_shift(occurrence, now)
        staff = self.staff
        for s in occurrence.members:
            if not staff.busy[s]:
                self._next_work(s, now)

    def _on_shift_end(self, event: Wake) -> None:
        self.workforce.end_shift(event.value, self.clock.now)

    def _on_prevention(self, event: Wake) -> None:
        self.workforce.set_prevention(event.value, self.clock.now)
