"""The workforce: jobs, their wake-ups and tokens, suspension, shifts and overtime, free flags."""

from __future__ import annotations

from sim.model.travel import TravelModel
from tests.parts import assemble
from tests.test_model_behaviour import city, station

P3 = {"type": "p3", "x": 0.0, "service": 30.0, "paperwork": 10.0}


def two_officers(**sections):
    return city([station("A", 0.0, inspectors=2)], **sections)


def test_a_field_job_makes_its_officer_busy_until_service_and_paperwork_are_done():
    parts = assemble(two_officers(), [{"t": 5.0, **P3}])
    parts.on_duty()
    staff = parts.workforce.staff
    parts.clock.now = 5.0
    parts.workforce.send(0, 0, 5.0)
    assert staff.busy[0] and not staff.free_field[0] and not staff.free_any[0]
    assert staff.free_field[1]
    parts.run_until(100.0)
    assert parts.idle == [(0, 45.0)]  # no travel ("none"), 30 on scene, 10 paperwork
    assert not staff.busy[0]
    assert (parts.records.dispatched[0], parts.records.arrived[0], parts.records.completed[0]) == (5.0, 5.0, 35.0)
    busy = parts.log.busy_intervals()
    assert (busy.staff.tolist(), busy.start_min.tolist(), busy.service_end_min.tolist(), busy.end_min.tolist()) == (
        [0], [5.0], [35.0], [45.0])


def test_a_suspended_job_resumes_with_what_was_left_and_its_old_wake_up_is_ignored():
    parts = assemble(two_officers(dispatch={"policy": "closest-available", "preemption": True}),
                     [{"t": 0.0, **P3}, {"t": 10.0, "type": "p1", "service": 5.0}])
    parts.on_duty()
    workforce = parts.workforce
    workforce.send(0, 0, 0.0)
    assert workforce.job_prio[0] == 3
    parts.clock.at(10.0, lambda e: (workforce.suspend(0, 10.0), workforce.send(0, 1, 10.0)))
    parts.run_until(1000.0)
    # 10 of 30 minutes done; the urgent call takes 5; then the remaining 20 + 10 paperwork.
    assert parts.idle == [(0, 45.0)]
    assert parts.records.preempted[0] and parts.records.completed[0] == 35.0
    assert parts.log.busy_intervals().end_min.tolist() == [10.0, 15.0, 45.0]


def test_a_member_still_busy_at_the_end_of_the_shift_works_overtime_and_is_not_free():
    parts = assemble(two_officers(), [{"t": 0.0, **P3}])
    occurrence = parts.on_duty(start_min=0.0, end_min=20.0)
    workforce, staff = parts.workforce, parts.workforce.staff
    workforce.send(0, 0, 0.0)
    workforce.end_shift(occurrence, 20.0)
    assert not staff.on_duty[1] and not staff.free_field[1] and not staff.free_any[1]
    assert workforce.job_prio[0] == 0  # never preempted past the shift
    parts.run_until(100.0)
    assert parts.idle == [(0, 40.0)]
    workforce.go_home(0, 40.0)
    overtime = parts.log.overtime_intervals()
    assert (overtime.staff.tolist(), overtime.start_min.tolist(), overtime.end_min.tolist()) == ([0], [20.0], [40.0])


def test_standing_by_away_from_the_station_sets_off_home_if_the_scenario_says_so():
    for return_home in (True, False):
        scenario = city([station("A", 0.0)], travel={"model": "sqrt-linear"},
                        dispatch={"policy": "closest-available", "return_to_station": return_home})
        parts = assemble(scenario, [{"t": 0.0, **P3, "x": 3.0}])
        parts.on_duty()
        workforce, staff = parts.workforce, parts.workforce.staff
        travel = TravelModel(scenario.travel)
        workforce.send(0, 0, 0.0)
        parts.run_until(500.0)
        (s, free_at), = parts.idle
        assert free_at == travel.minutes(3.0, 0.0) + 40.0
        assert workforce.stand_by(0, free_at) is return_home
        assert staff.free_field[0]
        back = free_at + travel.minutes(3.0, free_at)
        assert staff.at_home(0, back) is return_home
        assert not staff.at_home(0, back - 0.5)


def test_prevention_work_takes_idle_inspectors_out_of_the_field_pool_and_back():
    parts = assemble(two_officers(), [{"t": 0.0, **P3}])
    parts.on_duty()
    workforce, staff = parts.workforce, parts.workforce.staff
    workforce.set_prevention(True, 60.0)
    assert workforce.on_prevention(0) and not staff.free_field[0] and staff.free_any[0]
    workforce.set_prevention(False, 120.0)
    assert parts.idle == [(0, 120.0), (1, 120.0)]  # each looks for work again


def test_the_count_of_idle_members_per_station_follows_every_change_of_duty_and_job():
    """`idle_at`, which lets the desk skip stations with nobody idle, must always equal a count of
    the state itself, through preemption, prevention, desk work and shift changes."""
    from sim.model.city import build_city
    from sim.model.demand import generate_calls
    from sim.model.engine import Engine
    from sim.model.shifts import roster
    from sim.model.streams import Streams
    from tests.test_model_invariants import busy_city

    scenario = busy_city(seed=5)
    layout = build_city(scenario)
    streams = Streams(5, 0)
    calls = generate_calls(layout, streams, 6.0)
    engine = Engine(layout, calls, roster(layout, streams, 6.0), 6 * 1440.0, 1440.0)
    workforce, staff = engine.workforce, engine.staff
    next_work, checked = engine._next_work, []

    def counted_then_next_work(s: int, now: float) -> None:
        expected = [0] * len(layout.stations)
        for m in range(staff.n):
            if staff.on_duty[m] and not staff.busy[m] and not workforce.desk_only[m]:
                expected[staff.home[m]] += 1
        assert workforce.idle_at == expected
        checked.append(now)
        next_work(s, now)

    workforce.on_idle = engine._next_work = counted_then_next_work
    engine.run()
    assert len(checked) > 300
    assert engine.records.preempted.any()
