"""Invariants every run must keep: conservation, time order, reproducibility, common random numbers."""

from __future__ import annotations

import numpy as np
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.model import simulate
from sim.model.city import build_city
from sim.model.demand import generate_calls
from sim.model.streams import Streams
from sim.scenario.schema import Scenario


def busy_city(seed: int = 7, inspectors: int = 2, days: float = 6, **changes) -> Scenario:
    """Two districts, four precincts, a modular station, shifts, absences, walk-ins, desk work,
    preemption and prevention: every mechanism at once, loaded enough to queue."""
    precincts = [
        {"name": f"P{i}", "district": "North" if i < 2 else "South", "population": 25000,
         "lon": 0.02 * i, "lat": 0.01 * (i % 2), "radius_km": 1.2}
        for i in range(4)
    ]
    stations = [
        {"name": f"S{i}", "kind": "fixed", "precinct": f"P{i}", "lon": 0.02 * i, "lat": 0.01 * (i % 2),
         "inspectors": inspectors, "assistants": 1}
        for i in range(4)
    ] + [{"name": "M0", "kind": "modular", "precinct": "P1", "lon": 0.021, "lat": 0.012, "inspectors": 1}]
    data = {
        "name": "busy",
        "city": {
            "districts": [{"name": "North", "population": 50000, "neighbours": ["South"]},
                          {"name": "South", "population": 50000, "neighbours": ["North"]}],
            "precincts": precincts, "stations": stations,
            "hotspots": [{"name": "H0", "precinct": "P1", "lon": 0.021, "lat": 0.012}],
        },
        "staffing": {"availability": 0.8, "roster": [
            {"name": "day", "start_hour": 8, "hours": 10, "share": 0.6},
            {"name": "night", "start_hour": 18, "hours": 14, "share": 0.4, "roles": ["inspector"]},
        ]},
        "demand": {
            "domestic": {"kind": "field", "priority": 1, "yearly_volume": 4 * 10 * 365,
                         "service": {"dist": "lognormal", "mean_min": 40, "sd_min": 20},
                         "paperwork": {"dist": "fixed", "value_min": 15}},
            "fight": {"kind": "field", "priority": 2, "officers": 2, "yearly_volume": 4 * 3 * 365,
                      "service": {"dist": "gamma", "mean_min": 30, "sd_min": 15}},
            "complaint": {"kind": "field", "priority": 3, "yearly_volume": 4 * 25 * 365,
                          "service": {"dist": "exponential", "mean_min": 25}},
            "review": {"kind": "desk", "priority": 4, "yearly_volume": 4 * 10 * 365,
                       "service": {"dist": "fixed", "value_min": 20}},
            "inquiry": {"kind": "walk_in", "priority": 3, "spread": "hotspots", "station_kinds": ["modular", "fixed"],
                        "yearly_volume": 20 * 365, "service": {"dist": "empirical", "values_min": [5, 10, 30]},
                        "patience": {"dist": "exponential", "mean_min": 20}},
            "reception": {"kind": "walk_in", "priority": 3, "yearly_volume": 4 * 15 * 365,
                          "service": {"dist": "exponential", "mean_min": 15},
                          "patience": {"dist": "exponential", "mean_min": 30}},
        },
        "travel": {"slowdown": 2.0},
        "dispatch": {"policy": "precinct-first", "backup_wait_min": 20, "neighbour_wait_min": 45, "preemption": True},
        "prevention": {"hours_per_week": 4, "call_types": ["domestic"],
                       "reduction_per_weekly_hour_per_1000_residents": 0.1},
        "run": {"horizon_days": days, "warmup_days": 1, "seed": seed},
    }
    data.update(changes)
    return Scenario.model_validate(data)


def outcomes(table) -> np.ndarray:
    return table.column("outcome").to_numpy(zero_copy_only=False).astype(str)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31), inspectors=st.integers(1, 3))
def test_every_call_is_completed_abandoned_or_open_and_counted_once(seed, inspectors):
    scenario = busy_city(seed=seed, inspectors=inspectors)
    result = simulate(scenario, replication=0)
    calls = result.calls
    layout = build_city(scenario)
    drawn = generate_calls(layout, Streams(seed, 0), 7.0)
    warmup = 1440.0
    assert calls.num_rows == int((drawn.created_min >= warmup).sum())
    ids = calls.column("call_id").to_numpy()
    assert len(np.unique(ids)) == len(ids)

    outcome = outcomes(calls)
    assert set(outcome) <= {"completed", "abandoned", "open"}
    df = calls.to_pandas()
    horizon = 7 * 1440.0
    done = df[outcome == "completed"]
    assert (done.completed_min <= horizon).all()
    assert (done.created_min <= done.dispatched_min).all()
    assert (done.dispatched_min <= done.arrived_min + 1e-9).all()
    assert (done.arrived_min <= done.completed_min + 1e-9).all()
    assert np.allclose(done.response_min, done.wait_min + done.travel_min)
    gone = df[outcome == "abandoned"]
    assert (gone.kind == "walk_in").all() and gone.dispatched_min.isna().all()
    assert ((gone.created_min + gone.wait_min) <= horizon).all()
    still = df[outcome == "open"]
    assert still.completed_min.isna().all()
    assert (df.officers[outcome == "completed"] >= 1).all()


def test_same_seed_gives_identical_records_and_another_seed_does_not():
    scenario = busy_city()
    first = simulate(scenario, replication=2)
    again = simulate(scenario, replication=2)
    assert first.calls.to_pandas().equals(again.calls.to_pandas())  # NaN in the same place counts as equal
    assert first.staff.to_pandas().equals(again.staff.to_pandas())
    other = simulate(scenario, replication=3)
    assert not first.calls.to_pandas().equals(other.calls.to_pandas())


def test_scenarios_that_differ_only_in_staffing_see_the_same_calls():
    # Without prevention: its cut grows with the staff, which rightly changes the domestic calls.
    base = simulate(busy_city(inspectors=2, prevention=None), replication=0).calls
    more = simulate(busy_city(inspectors=3, prevention=None), replication=0).calls
    for column in ("call_id", "created_min", "call_type", "precinct", "lon", "lat"):
        assert base.column(column).equals(more.column(column)), column
    assert not base.column("response_min").equals(more.column("response_min"))


def test_staff_time_adds_up():
    result = simulate(busy_city(), replication=0)
    staff = result.staff.to_pandas()
    parts = staff[["field_min", "desk_min", "prevention_min", "idle_min"]].sum(axis=1)
    assert np.allclose(parts, staff.on_duty_min)  # on-duty time includes overtime, so nothing is left over
    assert (staff.overtime_min >= 0).all() and staff.overtime_min.sum() > 0
    assert (staff.overtime_min <= staff.on_duty_min + 1e-9).all()
    assert staff.prevention_min[staff.role == "assistant"].sum() == 0
    assert staff.prevention_min.sum() > 0
    on_duty_hours = staff.on_duty_min.sum() / 60
    rostered_hours = on_duty_hours - staff.overtime_min.sum() / 60
    expected = (4 * 2 + 1) * 0.8 * (6 * (0.6 * 10 + 0.4 * 14)) + 4 * 0.8 * 6 * 10  # inspectors + assistants
    assert rostered_hours == pytest.approx(expected, rel=0.15)


def test_prevention_cuts_only_the_targeted_calls():
    with_prevention = simulate(busy_city(), replication=0).calls
    scenario = busy_city()
    without = simulate(scenario.model_copy(update={"prevention": None}), replication=0).calls

    def count(table, call_type):
        return int(pc.sum(pc.equal(table.column("call_type").cast("string"), call_type)).as_py() or 0)

    assert count(with_prevention, "domestic") < count(without, "domestic")
    assert count(with_prevention, "complaint") == count(without, "complaint")


def test_demand_follows_the_hourly_profile():
    profile = [1.0] * 12 + [3.0] * 12
    scenario = busy_city(days=60, profiles={"skewed": profile})
    data = scenario.model_dump(mode="json")
    data["demand"]["complaint"]["hourly_profile"] = "skewed"
    scenario = Scenario.model_validate(data)
    calls = generate_calls(build_city(scenario), Streams(1, 0), 61.0)
    complaint = calls.call_type == build_city(scenario).type_names.index("complaint")
    hours = (calls.created_min[complaint] // 60) % 24
    afternoon = np.mean(hours >= 12)
    n = complaint.sum()
    assert abs(afternoon - 0.75) < 4 * np.sqrt(0.75 * 0.25 / n)
    expected_count = 4 * 25 * 61  # yearly volume / 365 a day, for 61 days
    assert abs(n - expected_count) < 4 * np.sqrt(expected_count)


def test_walk_ins_arrive_only_while_their_station_is_open():
    scenario = busy_city(days=14)
    layout = build_city(scenario)
    calls = generate_calls(layout, Streams(3, 0), 15.0)
    walk_in = calls.kind == 1
    hour = (calls.created_min[walk_in] / 60) % 24
    weekday = (calls.created_min[walk_in] // 1440) % 7
    assert ((hour >= 9) & (hour < 18)).all()
    assert (weekday < 6).all()
    assert walk_in.sum() > 0


def test_handling_arrivals_inline_changes_nothing():
    """Arrivals due before the head of the event queue are handled without a queue round trip;
    the records must be exactly those of one SimPy event per arrival."""
    from sim.model.engine import Engine
    from sim.model.shifts import roster

    scenario = busy_city(seed=11)
    layout = build_city(scenario)
    streams = Streams(11, 0)
    calls = generate_calls(layout, streams, 7.0)
    shifts = roster(layout, streams, 7.0)
    runs = []
    for inline in (True, False):
        engine = Engine(layout, calls, shifts, 7 * 1440.0, 1440.0, inline_arrivals=inline)
        engine.run()
        runs.append(engine)
    for name in ("dispatched", "arrived", "completed", "abandoned_at", "station", "officers", "preempted"):
        np.testing.assert_array_equal(getattr(runs[0].records, name), getattr(runs[1].records, name))  # warm-up too
    for part in ("staff", "start_min", "service_end_min", "end_min"):
        np.testing.assert_array_equal(getattr(runs[0].log.busy_intervals(), part),
                                      getattr(runs[1].log.busy_intervals(), part))
