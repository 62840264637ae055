"""The model's rules, one at a time, on hand-built cities with hand-placed calls.

Each test scripts a few calls whose outcome can be worked out on paper (who goes, when they
arrive, when the call ends) and compares the engine's records with that.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.model.city import KINDS, build_city
from sim.model.demand import Calls
from sim.model.engine import Engine
from sim.model.shifts import roster
from sim.model.streams import Streams
from sim.model.travel import TravelModel
from sim.scenario.schema import Scenario

KM_PER_DEG = 111.32


def city(stations, precincts=None, districts=None, call_types=None, **sections) -> Scenario:
    """A city on the equator where lon = x / 111.32 km, so x_km is easy to reason about."""
    districts = districts or [{"name": "D1", "population": 10000}]
    precincts = precincts or [{"name": "P1", "district": "D1", "population": 10000,
                               "lon": 0.0, "lat": 0.0, "radius_km": 1.0}]
    data = {
        "name": "hand-built",
        "city": {"districts": districts, "precincts": precincts, "stations": stations},
        "travel": {"model": "none"},
        "dispatch": {"policy": "closest-available"},
        "demand": call_types or {
            "p1": {"kind": "field", "priority": 1, "yearly_volume": 1, "service": {"dist": "fixed", "value_min": 1}},
            "p3": {"kind": "field", "priority": 3, "yearly_volume": 1, "service": {"dist": "fixed", "value_min": 1}},
        },
        "run": {"horizon_days": 3, "warmup_days": 0},
        **sections,
    }
    return Scenario.model_validate(data)


def station(name, x_km, inspectors=1, assistants=0, precinct="P1", **extra):
    return {"name": name, "kind": "fixed", "precinct": precinct, "lon": x_km / KM_PER_DEG, "lat": 0.0,
            "inspectors": inspectors, "assistants": assistants, "opens_hour": 0, "closes_hour": 24,
            "open_weekdays": [0, 1, 2, 3, 4, 5, 6], **extra}


def run_calls(scenario: Scenario, rows: list[dict], prevention_windows: list | None = None):
    """Run the engine on exactly these calls (and prevention windows, if given); returns the engine."""
    layout = build_city(scenario)
    calls = hand_calls(layout, rows)
    total_days = scenario.run.horizon_days + scenario.run.warmup_days
    engine = Engine(layout, calls, roster(layout, Streams(1, 0), total_days), total_days * 1440, 0.0)
    if prevention_windows is not None:
        engine.prevention_windows = prevention_windows
    engine.run()
    return engine


def hand_calls(layout, rows: list[dict]) -> Calls:
    """Calls placed by hand: each row gives type, t (minutes), x (km), service, paperwork, ..."""
    scenario = layout.scenario
    names = layout.type_names
    n = len(rows)
    precinct_index = {p: i for i, p in enumerate(layout.precinct_names)}
    station_index = {s.name: i for i, s in enumerate(layout.stations)}

    def column(key, default, dtype=float):
        return np.array([row.get(key, default) for row in rows], dtype=dtype)

    types = [scenario.demand[row["type"]] for row in rows]
    precinct = np.array([precinct_index[row.get("precinct", "P1")] for row in rows], dtype=np.int32)
    x = column("x", 0.0) - layout.projection.to_km(0.0, 0.0)[0]
    return Calls(
        created_min=column("t", 0.0),
        origin=np.zeros(n, dtype=np.int32),
        call_type=np.array([names.index(row["type"]) for row in rows], dtype=np.int16),
        priority=np.array([t.priority for t in types], dtype=np.int8),
        kind=np.array([KINDS.index(t.kind) for t in types], dtype=np.int8),
        officers=np.array([t.officers for t in types], dtype=np.int8),
        precinct=precinct,
        district=layout.precinct_district[precinct].astype(np.int32),
        station=np.array([station_index.get(row.get("station"), -1) for row in rows], dtype=np.int32),
        x_km=x,
        y_km=np.zeros(n) - layout.projection.to_km(0.0, 0.0)[1],
        service_min=column("service", 10.0),
        paperwork_min=column("paperwork", 0.0),
        patience_min=column("patience", math.inf),
        max_wait_min=np.array([math.inf if t.max_wait_min is None else t.max_wait_min for t in types]),
    )


def station_names(engine) -> list[str]:
    return [engine.layout.stations[s].name if s >= 0 else "" for s in engine.records.station]


def test_closest_available_sends_the_nearest_free_officer():
    scenario = city([station("A", 0.0), station("B", 3.0), station("C", 6.0)],
                    travel={"model": "sqrt-linear"})
    engine = run_calls(scenario, [
        {"t": 10, "type": "p3", "x": 2.8, "service": 100},  # B is nearest
        {"t": 11, "type": "p3", "x": 3.2, "service": 100},  # B busy: C (2.8 km) beats A (3.2 km)
        {"t": 12, "type": "p3", "x": 1.0, "service": 100},  # only A is left
    ])
    assert station_names(engine) == ["B", "C", "A"]
    travel = TravelModel(scenario.travel)
    assert engine.records.arrived[0] == pytest.approx(10 + travel.minutes(0.2, 10))


def test_precinct_first_borrows_from_the_district_after_the_backup_wait():
    precincts = [{"name": n, "district": "D1", "population": 5000, "lon": 0.0, "lat": 0.0, "radius_km": 1.0}
                 for n in ("P1", "P2")]
    scenario = city([station("S1", 0.0, precinct="P1"), station("S2", 1.0, precinct="P2")],
                    precincts=precincts,
                    dispatch={"policy": "precinct-first", "backup_wait_min": 30, "neighbour_wait_min": 60})
    engine = run_calls(scenario, [
        {"t": 0, "type": "p3", "precinct": "P1", "service": 100},
        {"t": 10, "type": "p3", "precinct": "P1", "service": 5},
        {"t": 20, "type": "p3", "precinct": "P2", "service": 5},
    ])
    dispatched = engine.records.dispatched
    assert dispatched[0] == 0 and station_names(engine)[0] == "S1"
    assert dispatched[2] == 20 and station_names(engine)[2] == "S2"  # own precinct's officer, at once
    assert dispatched[1] == pytest.approx(40) and station_names(engine)[1] == "S2"  # borrowed at 10 + 30


def test_calls_wait_by_priority_then_arrival():
    scenario = city([station("A", 0.0)])
    engine = run_calls(scenario, [
        {"t": 0, "type": "p3", "service": 50},
        {"t": 1, "type": "p3", "service": 10},
        {"t": 2, "type": "p1", "service": 10},
    ])
    assert list(engine.records.dispatched) == [0, 60, 50]


def test_two_officer_call_starts_when_both_have_arrived():
    types = {"fight": {"kind": "field", "priority": 2, "officers": 2, "yearly_volume": 1,
                       "service": {"dist": "fixed", "value_min": 1}}}
    scenario = city([station("A", 0.0), station("B", 4.0)], call_types=types, travel={"model": "sqrt-linear"})
    engine = run_calls(scenario, [{"t": 5, "type": "fight", "x": 0.5, "service": 20, "paperwork": 7}])
    travel = TravelModel(scenario.travel)
    last = 5 + travel.minutes(3.5, 5)
    assert engine.records.officers[0] == 2
    assert engine.records.arrived[0] == pytest.approx(last)
    assert engine.records.completed[0] == pytest.approx(last + 20)
    assert engine.records.dispatched[0] == 5


def test_preemption_takes_an_officer_from_lower_priority_work_which_resumes():
    scenario = city([station("A", 0.0)], dispatch={"policy": "closest-available", "preemption": True})
    engine = run_calls(scenario, [
        {"t": 0, "type": "p3", "service": 100},
        {"t": 20, "type": "p1", "service": 30},
    ])
    records = engine.records
    assert records.dispatched[1] == 20 and records.completed[1] == 50
    assert records.preempted[0] and not records.preempted[1]
    assert records.arrived[0] == 0
    assert records.completed[0] == pytest.approx(50 + 80)  # the 80 minutes left, after the P1 call


def test_without_preemption_priority_one_waits():
    scenario = city([station("A", 0.0)])
    engine = run_calls(scenario, [{"t": 0, "type": "p3", "service": 100}, {"t": 20, "type": "p1", "service": 30}])
    assert engine.records.dispatched[1] == 100 and not engine.records.preempted.any()


def test_shift_change_keeps_the_call_and_off_duty_calls_wait_for_the_next_shift():
    roster_ = [{"name": "day", "start_hour": 9, "hours": 8}]
    scenario = city([station("A", 0.0)], staffing={"roster": roster_})
    engine = run_calls(scenario, [
        {"t": 16 * 60 + 50, "type": "p3", "service": 30},  # runs past 17:00
        {"t": 20 * 60, "type": "p3", "service": 10},  # nobody on duty until 09:00 next day
    ])
    records = engine.records
    assert records.completed[0] == pytest.approx(17 * 60 + 20)
    assert records.dispatched[1] == pytest.approx(24 * 60 + 9 * 60)


def test_walk_ins_go_to_assistants_first_then_inspectors_and_give_up():
    types = {"inquiry": {"kind": "walk_in", "priority": 3, "yearly_volume": 1,
                         "service": {"dist": "fixed", "value_min": 1}}}
    scenario = city([station("A", 0.0, inspectors=1, assistants=1)], call_types=types)
    engine = run_calls(scenario, [
        {"t": 0, "type": "inquiry", "station": "A", "service": 60},
        {"t": 1, "type": "inquiry", "station": "A", "service": 60},
        {"t": 2, "type": "inquiry", "station": "A", "service": 5, "patience": 10},
        {"t": 3, "type": "inquiry", "station": "A", "service": 5, "patience": 100},
    ])
    records = engine.records
    assert list(records.dispatched[:2]) == [0, 1]
    assert records.abandoned_at[2] == 12 and np.isnan(records.dispatched[2])
    assert records.dispatched[3] == 60  # the assistant frees first
    first_to_finish = engine.log.busy_intervals().staff[0]
    assert engine.staff.role[first_to_finish] == 1  # the first walk-in went to the assistant


def test_inspector_at_the_station_serves_walk_ins_only_when_back():
    types = {
        "inquiry": {"kind": "walk_in", "priority": 3, "yearly_volume": 1, "service": {"dist": "fixed", "value_min": 1}},
        "p3": {"kind": "field", "priority": 3, "yearly_volume": 1, "service": {"dist": "fixed", "value_min": 1}},
    }
    scenario = city([station("A", 0.0, inspectors=1)], call_types=types, travel={"model": "sqrt-linear"})
    travel = TravelModel(scenario.travel)
    engine = run_calls(scenario, [
        {"t": 0, "type": "p3", "x": 2.0, "service": 10},
        {"t": 5, "type": "inquiry", "station": "A", "service": 5},
    ])
    out = travel.minutes(2.0, 0)
    back = 10 + out + travel.minutes(2.0, 10 + out)
    assert engine.records.dispatched[1] == pytest.approx(back)


def test_assistants_allowed_in_the_field_go_out_and_serve_walk_ins_when_back():
    types = {
        "inquiry": {"kind": "walk_in", "priority": 3, "yearly_volume": 1, "service": {"dist": "fixed", "value_min": 1}},
        "p3": {"kind": "field", "priority": 3, "yearly_volume": 1, "service": {"dist": "fixed", "value_min": 1}},
    }
    scenario = city([station("A", 0.0, inspectors=0, assistants=1)], call_types=types,
                    travel={"model": "sqrt-linear"}, staffing={"assistants_take_field": True})
    travel = TravelModel(scenario.travel)
    engine = run_calls(scenario, [
        {"t": 0, "type": "p3", "x": 2.0, "service": 10},
        {"t": 5, "type": "inquiry", "station": "A", "service": 5},
    ])
    out = travel.minutes(2.0, 0)
    assert engine.records.arrived[0] == pytest.approx(out)
    assert engine.records.dispatched[1] == pytest.approx(10 + out + travel.minutes(2.0, 10 + out))


def test_inspectors_of_desk_only_stations_stay_off_the_road():
    scenario = city([station("A", 0.0), {**station("M", 0.5), "kind": "modular"}],
                    dispatch={"policy": "closest-available", "field_station_kinds": ["fixed"]})
    engine = run_calls(scenario, [
        {"t": 0, "type": "p3", "x": 0.5, "service": 30},  # nearest is M's inspector, who stays put
        {"t": 1, "type": "p3", "x": 0.5, "service": 30},
    ])
    assert station_names(engine) == ["A", "A"]
    assert engine.records.dispatched[1] == 30


def test_walk_ins_at_a_station_with_nobody_on_duty_go_to_the_precinct_station():
    types = {"inquiry": {"kind": "walk_in", "priority": 3, "yearly_volume": 1, "station_kinds": ["modular", "fixed"],
                         "service": {"dist": "fixed", "value_min": 1}}}
    roster_ = [{"name": "always", "start_hour": 0, "hours": 24, "station_kinds": ["fixed"]},
               {"name": "post", "start_hour": 9, "hours": 8, "station_kinds": ["modular"]}]
    scenario = city([station("A", 0.0, inspectors=0, assistants=1), {**station("M", 0.5), "kind": "modular"}],
                    call_types=types, staffing={"roster": roster_})
    engine = run_calls(scenario, [
        {"t": 60, "type": "inquiry", "station": "M", "service": 5},  # 01:00: the post is unstaffed
        {"t": 600, "type": "inquiry", "station": "M", "service": 5},  # 10:00: its inspector is in
    ])
    assert station_names(engine) == ["A", "M"]
    assert list(engine.records.dispatched) == [60, 600]


def test_priority_one_takes_district_backup_at_once_others_after_the_wait():
    precincts = [{"name": n, "district": "D1", "population": 5000, "lon": 0.0, "lat": 0.0, "radius_km": 1.0}
                 for n in ("P1", "P2")]
    scenario = city([station("S1", 0.0, precinct="P1"), station("S2", 1.0, precinct="P2", inspectors=2)],
                    precincts=precincts,
                    dispatch={"policy": "precinct-first", "backup_wait_min": 30, "neighbour_wait_min": 60})
    engine = run_calls(scenario, [
        {"t": 0, "type": "p3", "precinct": "P1", "service": 100},
        {"t": 10, "type": "p1", "precinct": "P1", "service": 5},   # urgent: the district at once
        {"t": 11, "type": "p3", "precinct": "P1", "service": 5},   # waits the 30 minutes
    ])
    assert engine.records.dispatched[1] == 10 and station_names(engine)[1] == "S2"
    assert engine.records.dispatched[2] == pytest.approx(41) and station_names(engine)[2] == "S2"
