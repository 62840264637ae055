"""`precinct-first` on its own: tiers, the escalation timers it owns, urgent calls opened at once."""

from __future__ import annotations

from tests.parts import assemble
from tests.test_model_behaviour import city, station

PRECINCTS = [{"name": n, "district": "D1", "population": 5000, "lon": 0.0, "lat": 0.0, "radius_km": 1.0}
             for n in ("P1", "P2")]


def two_precincts(**dispatch):
    return city([station("S1", 0.0, precinct="P1"), station("S2", 1.0, precinct="P2")], precincts=PRECINCTS,
                dispatch={"policy": "precinct-first", "backup_wait_min": 30, "neighbour_wait_min": 60, **dispatch})


def test_a_waiting_call_opens_to_the_district_when_its_backup_timer_fires():
    parts = assemble(two_precincts(), [
        {"t": 0, "type": "p3", "precinct": "P1", "service": 100},
        {"t": 10, "type": "p3", "precinct": "P1", "service": 5},
    ])
    parts.on_duty()
    policy = parts.policy()
    policy.on_call(0, 0.0)
    parts.clock.now = 10.0
    policy.on_call(1, 10.0)
    assert policy.waiting == {1: 1}
    officer_s2 = next(s for s in range(2) if parts.workforce.staff.precinct[s] == 1)
    assert policy.call_for(officer_s2, on_prevention=False) is None  # not P2's call yet
    parts.run_until(39.0)
    assert policy.waiting == {1: 1}
    parts.run_until(41.0)
    assert not policy.waiting and parts.records.dispatched[1] == 40.0  # borrowed at 10 + 30


def test_an_urgent_call_is_open_to_the_district_and_neighbours_at_once():
    parts = assemble(two_precincts(), [
        {"t": 0, "type": "p3", "precinct": "P1", "service": 100},
        {"t": 10, "type": "p1", "precinct": "P1", "service": 5},
    ])
    parts.on_duty()
    policy = parts.policy()
    assert policy.start_level == {False: 0, True: 2}
    policy.on_call(0, 0.0)
    policy.on_call(1, 10.0)
    assert parts.records.dispatched[1] == 10.0 and not policy.waiting


def test_a_call_staffed_before_its_timer_fires_is_not_escalated():
    parts = assemble(two_precincts(), [
        {"t": 0, "type": "p3", "precinct": "P1", "service": 15},
        {"t": 5, "type": "p3", "precinct": "P1", "service": 5},
    ])
    parts.on_duty()
    policy = parts.policy()
    workforce = parts.workforce
    officer_s1 = next(s for s in range(2) if workforce.staff.precinct[s] == 0)

    def on_idle(s, now):  # as the engine does, without a desk
        entry = policy.call_for(s, on_prevention=False)
        if entry is not None:
            policy.assign(s, entry[2], now)

    workforce.on_idle = on_idle
    policy.on_call(0, 0.0)
    parts.clock.now = 5.0
    policy.on_call(1, 5.0)
    parts.run_until(200.0)
    assert parts.records.dispatched[1] == 15.0 and parts.records.station[1] == workforce.staff.home[officer_s1]
    assert policy.escalation_due[(False, 1)] == float("inf")
