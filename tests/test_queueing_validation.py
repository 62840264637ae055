"""The model against queueing theory in the limiting cases where theory is exact.

Each test runs independent replications with fixed seeds and asserts that the theoretical value
lies inside the 95% confidence interval (Student t over replication means) of the simulated one.
A correct model misses a 95% interval one time in twenty, so when a change to the model makes one
of these fail, rerun it with a few other seeds before concluding either way (and say so).
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.model import simulate
from sim.model.theory import cobham_mean_waits, erlang_b, erlang_c, mmc_mean_wait, mmc_wait_quantile
from sim.results.intervals import mean_ci

from .cities import field_type, one_station_city, walk_in_type

SERVICE_MIN = 10.0
SERVERS = 4


def replicate(scenario, replications: int):
    return [simulate(scenario, replication=r) for r in range(replications)]


@pytest.mark.parametrize("utilisation, days, replications", [(0.5, 30, 10), (0.9, 60, 12)])
def test_mmc_matches_erlang_c(utilisation, days, replications):
    arrival = utilisation * SERVERS / SERVICE_MIN
    scenario = one_station_city(
        inspectors=SERVERS, days=days, warmup_days=2, seed=11,
        call_types={"incident": field_type(per_min=arrival, mean_service_min=SERVICE_MIN)},
    )
    runs = replicate(scenario, replications)
    waits = [r.calls.column("wait_min").to_numpy() for r in runs]
    mean_wait = mean_ci([np.nanmean(w) for w in waits])
    p_wait = mean_ci([np.mean(w[np.isfinite(w)] > 1e-9) for w in waits])
    p90 = mean_ci([np.nanpercentile(w, 90) for w in waits])

    mu = 1 / SERVICE_MIN
    assert mean_wait.contains(mmc_mean_wait(SERVERS, arrival, mu)), mean_wait
    assert p_wait.contains(erlang_c(SERVERS, arrival / mu)), p_wait
    assert p90.contains(mmc_wait_quantile(SERVERS, arrival, mu, 0.9)), p90
    assert mean_wait.half_width < 0.2 * mean_wait.mean  # narrow enough to catch a real error


def test_priority_classes_match_cobham():
    total = 0.8 * SERVERS / SERVICE_MIN
    shares = [0.2, 0.3, 0.5]
    scenario = one_station_city(
        inspectors=SERVERS, days=40, warmup_days=2, seed=5,
        call_types={
            f"class{k + 1}": field_type(per_min=total * share, mean_service_min=SERVICE_MIN, priority=k + 1)
            for k, share in enumerate(shares)
        },
    )
    runs = replicate(scenario, 10)
    expected = cobham_mean_waits(SERVERS, [total * s for s in shares], 1 / SERVICE_MIN)
    for k in range(3):
        per_run = []
        for run in runs:
            priority = run.calls.column("priority").to_numpy()
            per_run.append(np.nanmean(run.calls.column("wait_min").to_numpy()[priority == k + 1]))
        interval = mean_ci(per_run)
        assert interval.contains(expected[k]), (k + 1, interval, expected[k])
    assert expected[0] < expected[1] < expected[2]


def test_walk_ins_without_patience_match_erlang_b():
    servers, arrival = 3, 0.2  # offered load a = 2
    scenario = one_station_city(
        inspectors=0, assistants=servers, days=20, warmup_days=1, seed=4,
        call_types={"inquiry": walk_in_type(arrival, SERVICE_MIN, {"dist": "fixed", "value_min": 0.0})},
    )
    runs = replicate(scenario, 8)
    lost = mean_ci([
        np.mean(r.calls.column("outcome").to_numpy(zero_copy_only=False) == "abandoned") for r in runs
    ])
    assert lost.contains(erlang_b(servers, arrival * SERVICE_MIN)), lost


def test_littles_law_for_the_field_queue():
    arrival = 0.85 * SERVERS / SERVICE_MIN
    scenario = one_station_city(
        inspectors=SERVERS, days=30, warmup_days=2, seed=21,
        call_types={"incident": field_type(per_min=arrival, mean_service_min=SERVICE_MIN)},
    )
    runs = replicate(scenario, 8)
    # L from the time integral of the queue length; lambda * W from the call records.
    gap = []
    for run in runs:
        waits = run.calls.column("wait_min").to_numpy()
        observed = run.monitors["observed_min"]
        lam = len(waits) / observed
        gap.append(run.monitors["field_waiting_mean"] - lam * np.nanmean(waits))
    interval = mean_ci(gap)
    assert interval.contains(0.0), interval
    assert abs(interval.mean) < 0.05 * np.mean([r.monitors["field_waiting_mean"] for r in runs])


def test_utilisation_matches_offered_load():
    arrival = 0.6 * SERVERS / SERVICE_MIN
    scenario = one_station_city(
        inspectors=SERVERS, days=30, warmup_days=2, seed=8,
        call_types={"incident": field_type(per_min=arrival, mean_service_min=SERVICE_MIN)},
    )
    busy = []
    for run in replicate(scenario, 6):
        staff = run.staff.to_pandas()
        busy.append(staff.field_min.sum() / staff.on_duty_min.sum())
    assert mean_ci(busy).contains(0.6), mean_ci(busy)
