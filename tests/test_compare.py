"""Paired comparisons: the intervals are the textbook ones, and common random numbers make the
paired interval visibly narrower than the unpaired one on the Almaty variants."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from scipy import stats

from sim.cli import main
from sim.results.compare import differences_frame, paired_differences, welch_ci
from sim.results.storage import read_summary, summary_frame

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
HEADLINE = [("response_mean_min", "all", "all"), ("response_p90_min", "all", "all"),
            ("response_mean_min", "priority", "1"), ("utilisation_busy", "role", "inspector")]


def tidy(values: list[float]) -> pd.DataFrame:
    return pd.DataFrame([{"metric": "m", "by": "all", "group": "all", "replications": values}])


def test_paired_and_welch_intervals_match_scipy():
    a = np.array([10.0, 12.0, 9.0, 11.0, 13.0])
    b = a + np.array([1.0, 1.5, 0.5, 1.2, 0.9])
    [d] = paired_differences(tidy(list(a)), tidy(list(b)))
    paired = stats.ttest_rel(b, a).confidence_interval(0.95)
    welch = stats.ttest_ind(b, a, equal_var=False).confidence_interval(0.95)
    assert (d.low, d.high) == pytest.approx((paired.low, paired.high))
    assert welch_ci(a, b) == pytest.approx((welch.low, welch.high))
    assert d.diff == pytest.approx(1.02) and d.significant and d.n == 5
    assert d.high - d.low < (d.unpaired_high - d.unpaired_low) / 5  # pairing removes the shared noise


def test_missing_replications_are_left_out_of_the_pairs():
    [d] = paired_differences(tidy([1.0, None, 3.0, 4.0]), tidy([2.0, 5.0, None, 6.0, 7.0]))
    assert d.n == 2 and d.diff == pytest.approx(1.5)


@pytest.fixture(scope="module")
def assistants_sweep(tmp_path_factory) -> Path:
    """The default and the more-assistants variant, 2 days after 1 of warm-up, 3 replications."""
    out = tmp_path_factory.mktemp("compare") / "sweep"
    code = main(["sweep", str(SCENARIOS / "almaty-2023.toml"), str(SCENARIOS / "almaty-more-assistants.toml"),
                 "--days", "2", "--warmup-days", "1", "--replications", "3", "--workers", "2",
                 "--out", str(out), "--quiet"])
    assert code == 0
    return out


def test_a_sweep_gives_both_scenarios_the_same_calls(assistants_sweep):
    columns = ["replication", "call_id", "created_min", "call_type", "precinct"]
    base = pq.read_table(assistants_sweep / "almaty-2023" / "calls.parquet", columns=columns)
    more = pq.read_table(assistants_sweep / "almaty-more-assistants" / "calls.parquet", columns=columns)
    assert base.num_rows > 1000 and base.equals(more)
    waits = [pq.read_table(assistants_sweep / name / "calls.parquet", columns=["wait_min"]).to_pandas()
             for name in ("almaty-2023", "almaty-more-assistants")]
    assert not waits[0].equals(waits[1])  # ... and the staffing changed what happened to them


def widths(a: Path, b: Path) -> pd.DataFrame:
    frame = differences_frame(paired_differences(summary_frame(read_summary(a)), summary_frame(read_summary(b))))
    return frame.assign(paired=frame.high - frame.low, unpaired=frame.unpaired_high - frame.unpaired_low)


def pick(frame: pd.DataFrame, metric: str, by: str, group: str) -> pd.Series:
    return frame[(frame.metric == metric) & (frame.by == by) & (frame.group == group)].iloc[0]


def test_paired_interval_is_visibly_narrower_with_more_assistants(assistants_sweep):
    # The city-wide measures share most of their noise between the two runs; a small one such as
    # priority-1 response (a few minutes, few calls in 2 days) can go either way with 3
    # replications, whose paired t (df 2) costs more than Welch's (df ~4).
    frame = widths(assistants_sweep / "almaty-2023", assistants_sweep / "almaty-more-assistants")
    ratios = {key: pick(frame, *key).paired / pick(frame, *key).unpaired for key in HEADLINE}
    assert sum(ratio < 0.6 for ratio in ratios.values()) >= len(HEADLINE) - 1, ratios
    assert (frame.paired / frame.unpaired).median() < 0.6


def test_paired_interval_is_narrower_without_modular_stations(small_sweep):
    # Closing stations moves inspectors, so runs share less noise and 3 replications pay a high t
    # for pairing (df 2 against Welch's ~4); pairing still wins overall (median 0.83 when written,
    # 0.61 on 28-day runs of 5 replications).
    frame = widths(small_sweep / "almaty-2023", small_sweep / "almaty-no-modular")
    ratio = (frame.paired / frame.unpaired).replace([np.inf, -np.inf], np.nan).dropna()
    assert ratio.median() < 1.0


def test_compare_prints_paired_and_unpaired_intervals_and_flags_significance(assistants_sweep, capsys):
    a, b = assistants_sweep / "almaty-2023", assistants_sweep / "almaty-more-assistants"
    assert main(["compare", str(a), str(b)]) == 0
    out = capsys.readouterr().out
    assert "paired CI" in out and "unpaired CI" in out and "significant" in out
    frame = widths(a, b)
    assert pick(frame, "utilisation_busy", "role", "assistant").significant  # 100 more assistants: less busy
    assert main(["compare", str(a), str(assistants_sweep)]) == 2
