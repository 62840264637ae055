"""`closest-available` on its own: the nearest free officer, one city-wide queue, preemption reach."""

from __future__ import annotations

import typing

from sim.model.dispatch import POLICIES
from sim.scenario.schema import Dispatch
from tests.parts import assemble
from tests.test_model_behaviour import city, station


def test_every_policy_a_scenario_may_name_is_registered_and_meets_the_protocol():
    assert set(POLICIES) == set(typing.get_args(Dispatch.model_fields["policy"].annotation))
    for policy in POLICIES.values():
        assert all(callable(getattr(policy, name)) for name in ("on_call", "call_for", "assign", "close"))


def test_a_new_call_goes_to_the_nearest_free_officer_and_otherwise_waits():
    parts = assemble(city([station("A", 0.0), station("B", 3.0)]), [
        {"t": 0, "type": "p3", "x": 2.5, "service": 100},
        {"t": 1, "type": "p3", "x": 2.5, "service": 100},
        {"t": 2, "type": "p3", "x": 2.5, "service": 100},
        {"t": 3, "type": "p1", "x": 0.0, "service": 100},
    ])
    parts.on_duty()
    policy = parts.policy()
    home = parts.workforce.staff.home
    for i in range(4):
        policy.on_call(i, float(i))
    b = parts.layout.stations.index(next(s for s in parts.layout.stations if s.name == "B"))
    assert parts.records.station[0] == b and parts.records.station[1] == 1 - b
    assert policy.waiting == {2: 1, 3: 1}
    assert parts.log.field_waiting_area() == 1.0  # call 2 waited alone for one minute before call 3
    # A freed officer takes the most urgent waiting call, wherever it is.
    officer_b = next(s for s in range(2) if home[s] == b)
    assert policy.call_for(officer_b, on_prevention=False)[2] == 3
    assert policy.call_for(officer_b, on_prevention=True)[2] == 3  # priority 1 interrupts prevention
    policy.assign(officer_b, 3, 100.0)
    assert policy.waiting == {2: 1}
    assert policy.call_for(officer_b, on_prevention=True) is None  # priority 3 does not
    assert parts.records.dispatched[3] == 100.0


def test_an_urgent_call_preempts_the_nearest_officer_on_a_lower_priority_job():
    parts = assemble(city([station("A", 0.0), station("B", 3.0)], dispatch={"policy": "closest-available",
                                                                             "preemption": True}), [
        {"t": 0, "type": "p3", "x": 0.0, "service": 100},
        {"t": 1, "type": "p3", "x": 3.0, "service": 100},
        {"t": 2, "type": "p1", "x": 2.0, "service": 10},
    ])
    parts.on_duty()
    policy = parts.policy()
    for i in range(3):
        policy.on_call(i, float(i))
    assert parts.records.preempted.tolist() == [False, True, False]  # B, 1 km away, not A, 2 km away
    assert parts.records.dispatched[2] == 2.0 and not policy.waiting
