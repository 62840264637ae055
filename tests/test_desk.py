"""The station desk: who serves a citizen, the queue, those who give up, fallbacks and wake-ups."""

from __future__ import annotations

import math

from tests.parts import assemble
from tests.test_model_behaviour import city, station

TYPES = {
    "walk": {"kind": "walk_in", "priority": 3, "yearly_volume": 1, "service": {"dist": "fixed", "value_min": 1},
             "patience": {"dist": "fixed", "value_min": 15}},
    "p3": {"kind": "field", "priority": 3, "yearly_volume": 1, "service": {"dist": "fixed", "value_min": 1}},
}


def walk_in(t: float, at: str = "A", service: float = 20.0, patience: float = math.inf) -> dict:
    return {"type": "walk", "t": t, "station": at, "service": service, "patience": patience}


def test_an_idle_assistant_serves_first_then_an_officer_present_then_the_queue():
    parts = assemble(city([station("A", 0.0, inspectors=1, assistants=1)], call_types=TYPES),
                     [walk_in(0.0), walk_in(1.0), walk_in(2.0)])
    parts.on_duty()
    desk = parts.desk()
    assistant = parts.workforce.desk_only.index(True)
    desk.wait_idle(assistant)
    for i in range(3):
        parts.clock.now = float(i)
        desk.new_call(i, float(i))
    staff = parts.workforce.staff
    assert [staff.role[s] for s in range(2) if staff.busy[s]] == [0, 1]  # both serving
    assert math.isnan(parts.records.dispatched[2]) and desk.has_queue(0)
    assert desk.next_citizen(0, 5.0)[2] == 2
    desk.serve_next(assistant, 0, 20.0)  # as the engine would when the assistant is free again
    assert parts.records.dispatched[2] == 20.0 and not desk.has_queue(0)


def test_a_citizen_who_waited_past_their_patience_is_recorded_as_having_left_then():
    parts = assemble(city([station("A", 0.0, inspectors=1)], call_types=TYPES),
                     [walk_in(0.0), walk_in(1.0, patience=15.0)])
    parts.on_duty()
    desk = parts.desk()
    desk.new_call(0, 0.0)
    desk.new_call(1, 1.0)
    assert desk.next_citizen(0, 20.0) is None
    assert parts.records.abandoned_at[1] == 16.0


def test_a_walk_in_at_a_station_with_nobody_on_duty_goes_to_the_fallback_station():
    scenario = city([station("A", 0.0, inspectors=1), station("B", 1.0, inspectors=1, kind="modular")],
                    call_types=TYPES)
    parts = assemble(scenario, [walk_in(0.0, at="B")])
    a = parts.layout.stations.index(next(s for s in parts.layout.stations if s.name == "A"))
    on_a = [s for s in range(parts.workforce.staff.n) if parts.workforce.staff.home[s] == a]
    parts.on_duty(*on_a)
    parts.desk().new_call(0, 0.0)
    assert parts.records.station[0] == a and parts.records.dispatched[0] == 0.0


def test_citizens_waiting_are_seen_when_an_officer_gets_back_to_the_station():
    scenario = city([station("A", 0.0, inspectors=1)], call_types=TYPES, travel={"model": "sqrt-linear"})
    parts = assemble(scenario, [{"type": "p3", "t": 0.0, "x": 2.0, "service": 10.0}, walk_in(1.0)])
    parts.on_duty()
    workforce, desk = parts.workforce, parts.desk()
    back = []

    def on_idle(s, now):  # as the engine does: no field call waiting, so head home
        if workforce.stand_by(s, now) and desk.has_queue(0):
            back.append(workforce.staff.t1[s])
            desk.wake_when_back(0, now)

    workforce.on_idle = on_idle
    workforce.send(0, 0, 0.0)
    parts.clock.at(1.0, lambda e: desk.new_call(1, 1.0))
    parts.run_until(1000.0)
    assert len(back) == 1 and back[0] > 10.0
    assert parts.records.dispatched[1] == back[0]
