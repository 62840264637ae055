"""Dispatch rules a control room uses, each at work on a hand-built city with hand-placed calls:
target-aware order, priority cut-offs (reserve), what an officer does after a job, and calls
nobody can take (referred after `max_wait_min`, cancelled after the caller's `patience`)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pydantic import ValidationError

from sim.model.records import OUTCOMES
from sim.model.travel import TravelModel
from sim.scenario.schema import Dispatch
from tests.test_model_behaviour import KM_PER_DEG, city, run_calls, station


def field(priority: int, **extra) -> dict:
    return {"kind": "field", "priority": priority, "yearly_volume": 1,
            "service": {"dist": "fixed", "value_min": 1}, **extra}


TYPES = {"p1": field(1), "p2": field(2), "p3": field(3)}


def outcomes(engine) -> list[str]:
    table = engine.records.table(engine.layout, engine.calls, 0, 0.0, engine.total_min)
    return table.column("outcome").to_pylist()


# --- target-aware ---------------------------------------------------------------------------

@pytest.mark.parametrize("policy, order", [("closest-available", [0, 10, 20]), ("target-aware", [0, 20, 10])])
def test_target_aware_takes_the_call_closest_to_missing_its_target_first(policy, order):
    # One officer, busy until 50. Waiting: a priority-2 call (target 200: due at 210) and a later
    # priority-3 call (target 100: due at 120). By priority the 2 goes first; by time left the 3.
    scenario = city([station("A", 0.0)], call_types=TYPES, dispatch={"policy": policy},
                    targets={"response_min": {"2": 200, "3": 100}})
    engine = run_calls(scenario, [
        {"t": 0, "type": "p3", "service": 50},
        {"t": 10, "type": "p2", "service": 30},
        {"t": 20, "type": "p3", "service": 30},
    ])
    dispatched = engine.records.dispatched
    taken = [int(engine.calls.created_min[i]) for i in np.argsort(dispatched, kind="stable")]
    assert taken == order
    assert dispatched.max() == 80.0


def test_target_aware_takes_late_calls_by_how_late_and_sends_the_nearest_officer():
    # Both waiting calls are already late when the officer is free at 500; the one due earlier
    # (priority 3, due 20 + 100) is later than the priority 2 (due 10 + 200), so it goes first.
    scenario = city([station("A", 0.0), station("B", 4.0)], call_types=TYPES,
                    dispatch={"policy": "target-aware"}, targets={"response_min": {"2": 200, "3": 100}},
                    travel={"model": "sqrt-linear"})
    engine = run_calls(scenario, [
        {"t": 0, "type": "p3", "x": 0.0, "service": 500},
        {"t": 0, "type": "p3", "x": 4.0, "service": 500},
        {"t": 10, "type": "p2", "x": 4.0},
        {"t": 20, "type": "p3", "x": 4.0},
        {"t": 2000, "type": "p3", "x": 3.5},
    ])
    records = engine.records
    assert records.dispatched[3] < records.dispatched[2]
    assert records.station[4] == 1  # a new call: the nearest free officer


def two_districts(neighbours: bool) -> tuple[list[dict], list[dict]]:
    """Districts D1 and D2, one precinct each (P1 at x = 0 km, P2 at x = 11.132 km)."""
    districts = [{"name": d, "population": 10000, **({"neighbours": [other]} if neighbours else {})}
                 for d, other in (("D1", "D2"), ("D2", "D1"))]
    precincts = [{"name": f"P{k}", "district": f"D{k}", "population": 10000, "lon": 0.1 * (k - 1), "lat": 0.0,
                  "radius_km": 1.0} for k in (1, 2)]
    return districts, precincts


# --- priority cut-offs ------------------------------------------------------------------------

@pytest.mark.parametrize("policy", ["closest-available", "precinct-first", "target-aware"])
def test_reserve_holds_officers_back_for_priority_one(policy):
    # Three officers, one held for priority 1: the third routine call waits although an officer
    # is free; the priority-1 call takes that officer at once. At 100 one officer is free again,
    # still only the reserve; at 101 a second one is, and the routine call goes.
    scenario = city([station("A", 0.0, inspectors=3)], call_types=TYPES,
                    dispatch={"policy": policy, "reserve_for_priority_1": 1})
    engine = run_calls(scenario, [
        {"t": 0, "type": "p3", "service": 100},
        {"t": 1, "type": "p3", "service": 100},
        {"t": 2, "type": "p2", "service": 100},
        {"t": 5, "type": "p1", "service": 100},
    ])
    assert list(engine.records.dispatched) == [0.0, 1.0, 101.0, 5.0]


def test_reserve_is_set_per_district_and_counted_in_the_district_pool():
    # Two districts that are not neighbours, precinct-first: D1 holds one officer back, D2 none.
    districts, precincts = two_districts(neighbours=False)
    scenario = city([station("A", 0.0, inspectors=2), station("B", 11.132, inspectors=2, precinct="P2")],
                    precincts=precincts, districts=districts, call_types=TYPES,
                    dispatch={"policy": "precinct-first", "reserve_for_priority_1": 1,
                              "reserve_by_district": {"D2": 0}})
    engine = run_calls(scenario, [
        {"t": 0, "type": "p3", "service": 100, "precinct": "P1"},
        {"t": 1, "type": "p3", "service": 100, "precinct": "P1"},  # D1 has 1 free = its reserve: waits
        {"t": 0, "type": "p3", "service": 100, "precinct": "P2", "x": 11.132},
        {"t": 1, "type": "p3", "service": 100, "precinct": "P2", "x": 11.132},  # D2 keeps none back
    ])
    assert list(engine.records.dispatched) == [0.0, 100.0, 0.0, 1.0]


def test_an_officer_held_in_reserve_still_takes_a_priority_one_call_waiting_behind_the_head():
    # Target-aware, two officers, one held for priority 1. Both busy; a routine call (due at
    # 1 + 100) waits ahead of a priority-1 call (due at 50 + 60). At 60 one officer is free, the
    # reserve: the routine call is held, and the priority-1 call behind it goes at once.
    scenario = city([station("A", 0.0, inspectors=2)], call_types=TYPES,
                    dispatch={"policy": "target-aware", "reserve_for_priority_1": 1},
                    targets={"response_min": {"1": 60, "3": 100}})
    engine = run_calls(scenario, [
        {"t": 0, "type": "p1", "service": 60},
        {"t": 0.5, "type": "p1", "service": 500},
        {"t": 1, "type": "p3", "service": 10},
        {"t": 50, "type": "p1", "service": 10},
    ])
    assert list(engine.records.dispatched) == [0.0, 0.5, 500.5, 60.0]


def test_an_officer_whose_own_pool_is_at_its_reserve_takes_a_neighbours_call_that_is_not_held():
    # Precinct-first, two neighbouring districts, calls open to neighbours at once. D1 keeps one
    # officer back, D2 none. When A (in D1) is free at 100, D1's routine call is held (A is D1's
    # pool's only free officer); D2's, counted in D2's pool, is not, so A takes it.
    districts, precincts = two_districts(neighbours=True)
    scenario = city([station("A", 0.0), station("B", 11.132, precinct="P2")],
                    precincts=precincts, districts=districts, call_types=TYPES,
                    dispatch={"policy": "precinct-first", "backup_wait_min": 0, "neighbour_wait_min": 0,
                              "reserve_for_priority_1": 1, "reserve_by_district": {"D2": 0}})
    engine = run_calls(scenario, [
        {"t": 0, "type": "p1", "service": 100, "precinct": "P1"},
        {"t": 0, "type": "p1", "service": 500, "precinct": "P2", "x": 11.132},
        {"t": 10, "type": "p3", "service": 10, "precinct": "P1"},
        {"t": 20, "type": "p3", "service": 10, "precinct": "P2", "x": 11.132},
    ])
    assert list(engine.records.dispatched) == [0.0, 0.0, 500.0, 100.0]
    assert list(engine.records.station) == [0, 1, 1, 0]


@pytest.mark.parametrize("policy", ["closest-available", "target-aware"])
def test_under_a_city_pool_a_held_call_does_not_block_a_district_that_keeps_fewer_back(policy):
    # One pool, the city, but D1 keeps one officer back and D2 none. When A is free at 100, D1's
    # routine call (first in the queue) is held, as A is the only officer free; D2's is not.
    districts, precincts = two_districts(neighbours=False)
    scenario = city([station("A", 0.0), station("B", 11.132, precinct="P2")],
                    precincts=precincts, districts=districts, call_types=TYPES,
                    dispatch={"policy": policy, "reserve_for_priority_1": 1, "reserve_by_district": {"D2": 0}})
    engine = run_calls(scenario, [
        {"t": 0, "type": "p1", "service": 100, "precinct": "P1"},
        {"t": 0, "type": "p1", "service": 500, "precinct": "P2", "x": 11.132},
        {"t": 10, "type": "p3", "service": 10, "precinct": "P1"},
        {"t": 20, "type": "p3", "service": 10, "precinct": "P2", "x": 11.132},
    ])
    assert list(engine.records.dispatched) == [0.0, 0.0, 500.0, 100.0]


def test_an_inspector_on_prevention_work_takes_a_priority_one_call_waiting_behind_the_head():
    # Target-aware, one inspector, on prevention work from 55. At 60 they are free: a routine call
    # (due at 1 + 100) heads the queue, a priority-1 call (due at 50 + 60) waits behind it. On
    # prevention they take only priority 1, so they take that one at once, not at the window's end.
    scenario = city([station("A", 0.0)], call_types=TYPES, dispatch={"policy": "target-aware"},
                    targets={"response_min": {"1": 60, "3": 100}})
    rows = [{"t": 0, "type": "p3", "service": 60}, {"t": 1, "type": "p3", "service": 10},
            {"t": 50, "type": "p1", "service": 10}]
    engine = run_calls(scenario, rows, prevention_windows=[(55.0, 1000.0)])
    assert list(engine.records.dispatched) == [0.0, 1000.0, 60.0]


def test_reserve_by_district_must_name_a_district(tmp_path):
    from sim.scenario import ScenarioError, load_scenario
    path = tmp_path / "s.toml"
    path.write_text((__import__("pathlib").Path(__file__).parent / "scenarios" / "mmc.toml").read_text()
                    + '\n[dispatch.reserve_by_district]\nNowhere = 1\n')
    with pytest.raises(ScenarioError, match="reserve_by_district"):
        load_scenario(path)


# --- after a job ------------------------------------------------------------------------------

@pytest.mark.parametrize("rule", ["return", "stay", "respawn"])
def test_after_job_decides_where_the_next_trip_starts(rule):
    # A job 5 km out ends at `end`; one minute later a call comes in at the station.
    scenario = city([station("A", 0.0)], call_types=TYPES, travel={"model": "sqrt-linear"},
                    dispatch={"policy": "closest-available", "after_job": rule})
    travel = TravelModel(scenario.travel)
    out = travel.minutes(5.0, 0.0)
    end = out + 10.0
    engine = run_calls(scenario, [
        {"t": 0, "type": "p3", "x": 5.0, "service": 10},
        {"t": end + 1.0, "type": "p3", "x": 0.0, "service": 10},
    ])
    second = engine.records.arrived[1] - engine.records.dispatched[1]
    if rule == "respawn":
        assert second == 0.0
    elif rule == "stay":
        assert second == pytest.approx(out)
    else:  # on the way back: one minute closer than 5 km
        assert 0.0 < second < out


def test_return_to_station_is_the_old_name_of_after_job():
    assert Dispatch().after_job_rule == "return"
    assert Dispatch(return_to_station=False).after_job_rule == "stay"
    assert Dispatch(after_job="respawn").after_job_rule == "respawn"
    with pytest.raises(ValidationError, match="return_to_station"):
        Dispatch(after_job="return", return_to_station=False)


# --- calls nobody can take ----------------------------------------------------------------------

def test_a_call_waiting_past_max_wait_is_referred_and_one_past_patience_is_cancelled():
    types = {"p3": field(3), "referable": field(3, max_wait_min=30),
             "impatient": field(3, patience={"dist": "fixed", "value_min": 20}, max_wait_min=60)}
    scenario = city([station("A", 0.0)], call_types=types)
    engine = run_calls(scenario, [
        {"t": 0, "type": "p3", "service": 100},
        {"t": 10, "type": "referable"},
        {"t": 10, "type": "impatient", "patience": 20},
        {"t": 50, "type": "referable"},  # free at 100: waits 50 > 30, referred at 80
        {"t": 90, "type": "referable"},  # taken at 100, within its 30 minutes
    ])
    records = engine.records
    assert records.referred_at[1] == 40.0 and records.cancelled_at[2] == 30.0
    assert records.referred_at[3] == 80.0 and records.dispatched[4] == 100.0
    assert outcomes(engine) == ["completed", "referred", "cancelled", "referred", "completed"]
    table = engine.records.table(engine.layout, engine.calls, 0, 0.0, engine.total_min)
    assert table.column("wait_min").to_pylist()[1:4] == [30.0, 20.0, 30.0]
    assert engine.log.field_waiting_area() == pytest.approx(30 + 20 + 30 + 10)


def test_max_wait_zero_is_a_loss_system_and_a_partly_staffed_call_stays():
    types = {"p3": field(3), "loss": field(3, max_wait_min=0), "pair": field(3, max_wait_min=5, officers=2)}
    scenario = city([station("A", 0.0, inspectors=2)], call_types=types)
    engine = run_calls(scenario, [
        {"t": 0, "type": "loss", "service": 100},
        {"t": 0, "type": "pair", "service": 10},  # one officer at once, the second at 100
        {"t": 1, "type": "loss"},  # both busy: referred at once
    ])
    records = engine.records
    assert records.dispatched[0] == 0.0
    assert records.referred_at[2] == 1.0 and math.isnan(records.dispatched[2])
    assert records.officers[1] == 2 and records.arrived[1] == 100.0
    assert outcomes(engine) == ["completed", "completed", "referred"]
    assert list(OUTCOMES[:3]) == ["completed", "abandoned", "open"]


def test_max_wait_is_for_field_calls_only():
    with pytest.raises(ValidationError, match="max_wait_min"):
        city([station("A", 0.0)], call_types={
            "w": {"kind": "walk_in", "priority": 3, "yearly_volume": 1, "max_wait_min": 5,
                  "service": {"dist": "fixed", "value_min": 1}}})


def test_every_call_is_counted_once_with_referred_and_cancelled_among_the_outcomes():
    from sim.model import simulate
    from sim.results.statistics import Targets, replication_metrics
    from tests.cities import field_type, one_station_city, walk_in_type

    scenario = one_station_city(inspectors=2, assistants=1, days=3, warmup_days=0.5, seed=4, call_types={
        "urgent": field_type(0.03, 10.0, priority=1, max_wait_min=0),
        "routine": field_type(0.15, 10.0, max_wait_min=30, patience={"dist": "exponential", "mean_min": 20}),
        "counter": walk_in_type(0.05, 15.0, {"dist": "exponential", "mean_min": 10}),
    })
    result = simulate(scenario)
    calls = result.calls.to_pandas()
    outcome = calls["outcome"].astype(str)
    counts = outcome.value_counts()
    assert {"completed", "abandoned", "referred", "cancelled"} <= set(counts.index)
    assert counts.sum() == len(calls) and set(counts.index) <= set(OUTCOMES)
    left = outcome.isin(["referred", "cancelled"])
    assert calls.loc[left, "dispatched_min"].isna().all() and (calls.loc[left, "kind"] == "field").all()
    assert (calls.loc[outcome == "referred", "wait_min"].round(9).isin([0.0, 30.0])).all()
    assert (calls.loc[outcome == "cancelled", "wait_min"] < 30).all()
    assert calls.loc[outcome == "completed", "dispatched_min"].notna().all()
    summary = replication_metrics(calls, result.staff.to_pandas(),
                                  Targets({p: 60.0 for p in range(1, 5)}, 30.0, 4320.0)).set_index("metric")
    by_outcome = sum(summary.loc[f"calls_{name}", "value"] for name in OUTCOMES)
    assert by_outcome == summary.loc["calls_total", "value"] == len(calls)
    shares = summary[summary.by == "priority"].loc["referred_share"].set_index("group")["value"]
    assert shares["1"] > 0 and shares["2"] == pytest.approx(np.mean(outcome[calls.priority == 2] == "referred"))
