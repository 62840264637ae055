"""Intervals, the precision rule, sizing a run and the warm-up table, on known numbers and a real run."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.results.intervals import mean_ci
from sim.results.statistics import MAIN_METRICS, across_replications, precise_enough, replications_needed
from sim.results.warmup import daily_values, running_means, warmup_table
from sim.results.warmup import main as warmup_main


def test_mean_ci_is_the_student_t_interval_and_drops_missing_values():
    values = [10.0, 12.0, np.nan, 11.0, 13.0]
    interval = mean_ci(values)
    clean = np.array([10.0, 12.0, 11.0, 13.0])
    low, high = stats.t.interval(0.95, 3, loc=clean.mean(), scale=stats.sem(clean))
    assert interval.n == 4 and interval.mean == pytest.approx(11.5)
    assert (interval.low, interval.high) == pytest.approx((low, high))
    one = mean_ci([5.0])
    assert one.mean == 5.0 and np.isnan(one.low) and one.as_dict()["low"] is None


def summary_of(values_by_metric: dict[tuple[str, str, str], list[float]]) -> pd.DataFrame:
    rows = [{"metric": m, "by": b, "group": g, "replication": r, "value": v}
            for (m, b, g), values in values_by_metric.items() for r, v in enumerate(values)]
    return across_replications(pd.DataFrame(rows))


def test_precision_rule_needs_every_headline_metric_within_its_share_of_the_mean():
    tight = {key: [100.0, 100.5, 99.5, 100.2] for key in MAIN_METRICS}
    assert precise_enough(summary_of(tight), 0.05)
    loose = {**tight, MAIN_METRICS[0]: [80.0, 120.0, 95.0, 105.0]}
    assert not precise_enough(summary_of(loose), 0.05)


def test_precision_rule_with_one_replication_asks_for_more_instead_of_failing():
    # One replication has no interval: as_dict and summary.json write None, which once crashed float().
    one = summary_of({key: [100.0] for key in MAIN_METRICS})
    assert not precise_enough(one, 0.05)
    assert not precise_enough(pd.DataFrame(json.loads(json.dumps(one.to_dict("records")))), 0.05)


def test_a_headline_metric_never_observed_does_not_block_precision():
    values = {key: [100.0, 100.5, 99.5, 100.2] for key in MAIN_METRICS}
    values[MAIN_METRICS[3]] = [np.nan] * 4
    assert precise_enough(summary_of(values), 0.05)


def test_replications_needed_meets_the_target_with_the_pilot_spread():
    rng = np.random.default_rng(1)
    pilot = {key: list(100 + 10 * rng.standard_normal(10)) for key in MAIN_METRICS}
    table = replications_needed(summary_of(pilot), 0.02)
    for row in table.itertuples():
        n = int(row.needed)
        half = stats.t.ppf(0.975, [n - 1, n - 2]) * row.sd / np.sqrt([n, n - 1])
        assert half[0] <= 0.02 * row.mean < half[1]


def hand_calls() -> pd.DataFrame:
    """Field calls over two days: who is still waiting at each midnight is known by construction."""
    day = 1440.0
    rows = [  # created, dispatched, wait, response, outcome, priority
        (100.0, 110.0, 10.0, 20.0, "completed", 1),          # served on day 1
        (day - 50, day + 30, 80.0, 90.0, "completed", 1),    # waiting at midnight 1
        (day - 40, np.nan, 60.0, np.nan, "abandoned", 3),    # gave up at day + 20: waiting at midnight 1
        (day + 10, np.nan, np.nan, np.nan, "open", 3),       # never dispatched: waiting at midnight 2
        (day + 20, day + 25, 5.0, 9.0, "completed", 1),      # served on day 2
    ]
    frame = pd.DataFrame(rows, columns=["created_min", "dispatched_min", "wait_min", "response_min",
                                        "outcome", "priority"])
    walk_in = frame.iloc[[0]].assign(kind="walk_in", dispatched_min=np.nan)  # not a field call: ignored
    return pd.concat([frame.assign(kind="field"), walk_in], ignore_index=True).assign(replication=0)


def test_waiting_at_midnight_and_daily_priority_one_response_on_hand_built_calls():
    calls = hand_calls()
    assert daily_values(calls, 2, "field_waiting_at_midnight")[0].tolist() == [2.0, 1.0]
    assert daily_values(calls, 2, "p1_response_min")[0].tolist() == [pytest.approx(55.0), 9.0]
    two = pd.concat([calls, calls.assign(replication=1, response_min=calls.response_min * 2)])
    table = running_means(two, 2)
    assert table["p1_response_min"].tolist() == pytest.approx([82.5, 13.5])
    assert table["p1_response_min running"].tolist() == pytest.approx([82.5, 48.0])


def test_warmup_table_of_a_run_folder_skips_its_own_warmup(small_sweep, capsys):
    table, manifest = warmup_table(small_sweep / "almaty-2023", replications=2)
    assert manifest["warmup_days"] == 1.0 and list(table.index) == [2, 3]
    assert (table["field_waiting_at_midnight"] >= 0).all() and table["p1_response_min"].gt(0).all()
    assert warmup_main([str(small_sweep / "almaty-2023")]) == 0
    out = capsys.readouterr().out
    assert "| day | p1_response_min |" in out and "first 3 replications" in out
    assert warmup_main([str(small_sweep / "almaty-2023"), "--needed", "0.05"]) == 0
    assert "| response_mean_min | all all |" in capsys.readouterr().out
    assert warmup_main([str(small_sweep)]) == 2
