"""Pilot runs: the running mean by day that shows the warm-up, and the replications a precision needs.

A run starts with empty queues and nobody busy, so its first days look better than the steady
state. Run the scenario with `--warmup-days 0`, then print the day-by-day average over the
first replications and its running mean; the warm-up is the day after which the daily values
stop drifting (see docs/statistics.md):

    policesim run --warmup-days 0 --days 28 --out results/almaty-warmup
    python -m sim.results.warmup results/almaty-warmup [--replications 5]

`--needed 0.05` instead prints, from any run folder (a pilot with the chosen warm-up), how many
replications each headline metric needs for a 95% half-width within 5% of its mean.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.dataset as ds

from .statistics import replications_needed

MINUTES_PER_DAY = 1440.0
COLUMNS = ["replication", "kind", "priority", "created_min", "dispatched_min", "wait_min", "response_min",
           "outcome"]


def _p1_response(calls: pd.DataFrame, days: int) -> np.ndarray:
    """Mean response (min) of the priority-1 field calls created on each day; why: the headline target."""
    p1 = calls[(calls["kind"] == "field") & (calls["priority"] == 1) & calls["response_min"].notna()]
    day = (p1["created_min"] // MINUTES_PER_DAY).astype(int)
    return p1.groupby(day)["response_min"].mean().reindex(range(days)).to_numpy()


def _waiting_at_midnight(calls: pd.DataFrame, days: int) -> np.ndarray:
    """Field calls created but neither dispatched nor abandoned at the end of each day: the backlog."""
    field = calls[calls["kind"] == "field"]
    created = field["created_min"].to_numpy()
    left_queue = field["outcome"].isin(("abandoned", "referred", "cancelled")).to_numpy()
    abandoned = np.where(left_queue, created + field["wait_min"].to_numpy(), np.inf)
    left = np.fmin(field["dispatched_min"].to_numpy(), abandoned)  # NaN (still waiting) -> abandoned/inf
    midnights = (np.arange(days) + 1) * MINUTES_PER_DAY
    return np.array([np.sum((created <= t) & ~(left <= t)) for t in midnights], dtype=float)


METRICS: dict[str, Callable[[pd.DataFrame, int], np.ndarray]] = {
    "p1_response_min": _p1_response,
    "field_waiting_at_midnight": _waiting_at_midnight,
}


def read_calls(folder: Path, replications: int) -> tuple[pd.DataFrame, dict]:
    """The first `replications` replications of a run folder's calls, and its manifest."""
    manifest = json.loads((folder / "summary.json").read_text())["manifest"]
    table = ds.dataset(folder / "calls.parquet").to_table(
        columns=COLUMNS, filter=ds.field("replication") < replications)
    calls = table.to_pandas()
    for column in ("kind", "outcome"):
        calls[column] = calls[column].astype(str)
    return calls, manifest


def daily_values(calls: pd.DataFrame, days: int, metric: str) -> pd.DataFrame:
    """One row per day and one column per replication: `metric` on that day of that replication."""
    by_replication = {int(r): METRICS[metric](frame, days) for r, frame in calls.groupby("replication")}
    return pd.DataFrame(by_replication, index=pd.RangeIndex(1, days + 1, name="day"))


def running_means(calls: pd.DataFrame, days: int, first_day: int = 1) -> pd.DataFrame:
    """For every metric: the day's mean over replications and the running mean from `first_day` on."""
    out = pd.DataFrame(index=pd.RangeIndex(first_day, days + 1, name="day"))
    for metric in METRICS:
        daily = daily_values(calls, days, metric).mean(axis=1).loc[first_day:]
        out[metric] = daily
        out[f"{metric} running"] = daily.expanding().mean()
    return out


def warmup_table(folder: Path, replications: int = 5) -> tuple[pd.DataFrame, dict]:
    """The table for a run folder; days inside a run's own warm-up are left out (no calls kept)."""
    calls, manifest = read_calls(folder, replications)
    days = int(np.ceil(manifest["warmup_days"] + manifest["horizon_days"]))
    return running_means(calls, days, first_day=int(np.ceil(manifest["warmup_days"])) + 1), manifest


def markdown(table: pd.DataFrame) -> str:
    """A Markdown table, so the output pastes into docs as it is."""
    header = ["day", *table.columns]
    lines = ["| " + " | ".join(header) + " |", "|" + "---:|" * len(header)]
    for day, row in table.iterrows():
        lines.append("| " + " | ".join([str(day), *(f"{v:.1f}" for v in row)]) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.results.warmup", description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a run folder (made with --warmup-days 0 to see the warm-up)")
    parser.add_argument("--replications", type=int, default=5, help="first replications to average (default 5)")
    parser.add_argument("--needed", type=float, metavar="P",
                        help="print the replications needed for half-width / mean <= P instead")
    args = parser.parse_args(argv)
    if not (args.folder / "summary.json").is_file():
        print(f"error: {args.folder}: not a run folder (no summary.json)", file=sys.stderr)
        return 2
    if args.needed is not None:
        summary = json.loads((args.folder / "summary.json").read_text())
        print(needed_table(summary, args.needed))
        return 0
    table, manifest = warmup_table(args.folder, args.replications)
    used = min(args.replications, manifest["replications"])
    print(f"{manifest['scenario']}, seed {manifest['seed']}, first {used} replications, "
          f"warm-up {manifest['warmup_days']:g} days (0 shows the start-up)")
    print(markdown(table))
    return 0


def needed_table(summary: dict, precision: float) -> str:
    """Markdown: each headline metric's mean, spread and the replications `precision` needs."""
    table = replications_needed(pd.DataFrame(summary["metrics"]), precision)
    lines = ["| metric | group | mean | sd | pilot n | needed |", "|---|---|---:|---:|---:|---:|"]
    for row in table.itertuples(index=False):
        lines.append(f"| {row.metric} | {row.by} {row.group} | {row.mean:.4g} | {row.sd:.3g} | {row.n} | "
                     f"{row.needed:.0f} |")
    return "\n".join(lines)

if __name__ == "__main__":
    sys.exit(main())
