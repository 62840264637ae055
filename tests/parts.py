"""Engine parts assembled by hand, without the engine, for their unit tests."""

from __future__ import annotations

from dataclasses import dataclass

from sim.model.city import CityLayout, build_city
from sim.model.clock import Clock
from sim.model.demand import Calls
from sim.model.desk import StationDesk
from sim.model.dispatch import make_policy
from sim.model.records import CallRecords
from sim.model.runlog import RunLog
from sim.model.shifts import Occurrence
from sim.model.workforce import Workforce
from sim.scenario.schema import Scenario
from tests.test_model_behaviour import hand_calls


@dataclass
class Parts:
    layout: CityLayout
    calls: Calls
    clock: Clock
    records: CallRecords
    log: RunLog
    workforce: Workforce
    idle: list  # (member, minute) each time the workforce reports a member idle

    def on_duty(self, *members: int, start_min: float = 0.0, end_min: float = 1e9) -> Occurrence:
        occurrence = Occurrence(shift=0, start_min=start_min, end_min=end_min,
                                members=members or tuple(range(self.workforce.staff.n)))
        self.workforce.start_shift(occurrence, start_min)
        for s in occurrence.members:
            self.workforce.stand_by(s, start_min)
        return occurrence

    def desk(self) -> StationDesk:
        return StationDesk(self.layout, self.calls, self.clock, self.records, self.workforce)

    def policy(self):
        return make_policy(self.layout.scenario.dispatch, self.layout, self.calls, self.workforce, self.clock,
                           self.log)

    def run_until(self, until: float) -> None:
        self.clock.run(until, [])


def assemble(scenario: Scenario, rows: list[dict]) -> Parts:
    layout = build_city(scenario)
    calls = hand_calls(layout, rows)
    clock = Clock()
    records = CallRecords(len(calls))
    log = RunLog(0.0)
    workforce = Workforce(layout, calls, clock, records, log)
    idle: list = []
    workforce.on_idle = lambda s, now: idle.append((s, now))
    return Parts(layout, calls, clock, records, log, workforce, idle)
