"""Calls nobody can take, against queueing theory: `max_wait_min = 0` makes a loss system.

One station: M/M/c/c, whose share of calls lost (referred) is Erlang B. Three stations apart with
closest-available dispatch: Larson's hypercube loss model, solved exactly as a 2^3-state Markov
chain (`theory.hypercube_loss`), gives each unit's workload and the share referred. The city is
built to meet the hypercube's assumptions: travel off, each precinct a tiny disk so every call of
it has the same order of nearest stations, officers back at their station the moment a job ends
(`after_job = "respawn"`), exponential on-scene time, no paperwork, one 24-hour shift.
As in test_queueing_validation.py, theory must lie inside the 95% interval over replications
(fixed seeds; a correct model misses one time in twenty, so rerun with other seeds before judging).
"""

from __future__ import annotations

import numpy as np

from sim.model import simulate
from sim.model.city import build_city
from sim.model.demand import generate_calls
from sim.model.engine import Engine
from sim.model.shifts import roster
from sim.model.streams import Streams
from sim.model.theory import erlang_b, hypercube_loss
from sim.results.intervals import mean_ci

from .cities import MINUTES_PER_YEAR, field_type, one_station_city
from .test_model_behaviour import city, station

SERVICE_MIN = 10.0


def referred_share(calls) -> float:
    outcome = np.asarray(calls.column("outcome").to_pylist())
    return float(np.mean(outcome == "referred"))


def test_one_station_loss_system_matches_erlang_b():
    servers, offered = 3, 2.0
    scenario = one_station_city(
        inspectors=servers, days=10, warmup_days=1, seed=3,
        call_types={"incident": field_type(per_min=offered / SERVICE_MIN, mean_service_min=SERVICE_MIN,
                                           max_wait_min=0)},
    )
    shares = mean_ci([referred_share(simulate(scenario, replication=r).calls) for r in range(10)])
    assert shares.contains(erlang_b(servers, offered)), shares
    assert shares.half_width < 0.1 * shares.mean


# Stations at x = 0, 3 and 7 km; precincts at 0, 4 and 6.5 km: nearest-first orders A B C, B C A, C B A.
STATIONS_KM = (0.0, 3.0, 7.0)
PRECINCTS_KM = (0.0, 4.0, 6.5)
PREFERENCES = [[0, 1, 2], [1, 2, 0], [2, 1, 0]]
RATES_PER_MIN = (0.15, 0.08, 0.02)


def three_unit_city():
    precincts = [{"name": f"P{k + 1}", "district": "D1", "population": 1000 * rate / 0.01,
                  "lon": x / 111.32, "lat": 0.0, "radius_km": 0.05}
                 for k, (x, rate) in enumerate(zip(PRECINCTS_KM, RATES_PER_MIN))]
    stations = [station(name, x, precinct=f"P{k + 1}") for k, (name, x) in enumerate(zip("ABC", STATIONS_KM))]
    volume = sum(RATES_PER_MIN) * MINUTES_PER_YEAR
    return city(stations, precincts=precincts, call_types={"incident": {
        "kind": "field", "priority": 2, "yearly_volume": volume, "max_wait_min": 0,
        "service": {"dist": "exponential", "mean_min": SERVICE_MIN}}},
        dispatch={"policy": "closest-available", "after_job": "respawn"},
        run={"horizon_days": 12, "warmup_days": 1, "seed": 7})


def unit_workloads_and_referred(scenario, replication: int) -> tuple[np.ndarray, float]:
    """Each station's officer's busy fraction after the warm-up (from the logged jobs), and the share referred."""
    streams = Streams(scenario.run.seed, replication)
    layout = build_city(scenario)
    days = scenario.run.warmup_days + scenario.run.horizon_days
    warmup, total = scenario.run.warmup_days * 1440.0, days * 1440.0
    calls = generate_calls(layout, streams, days)
    engine = Engine(layout, calls, roster(layout, streams, days), total, warmup)
    engine.run()
    jobs = engine.log.busy_intervals()
    busy = np.clip(jobs.end_min, warmup, total) - np.clip(jobs.start_min, warmup, total)
    station_of = np.array([member.station for member in layout.staff])[jobs.staff]
    workloads = np.bincount(station_of, weights=busy, minlength=3) / (total - warmup)
    table = engine.records.table(layout, calls, replication, warmup, total)
    return workloads, referred_share(table)


def test_three_unit_city_matches_the_hypercube_loss_model():
    scenario = three_unit_city()
    runs = [unit_workloads_and_referred(scenario, r) for r in range(10)]
    expected_workloads, expected_lost = hypercube_loss(PREFERENCES, list(RATES_PER_MIN), 1 / SERVICE_MIN)
    for unit in range(3):
        interval = mean_ci([workloads[unit] for workloads, _ in runs])
        assert interval.contains(expected_workloads[unit]), (unit, interval, expected_workloads[unit])
    referred = mean_ci([share for _, share in runs])
    assert referred.contains(expected_lost), (referred, expected_lost)
    # Narrow enough to tell the units apart: unit C's workload is well below the others'.
    assert mean_ci([w[2] for w, _ in runs]).high < mean_ci([w[1] for w, _ in runs]).low
