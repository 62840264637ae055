"""The numbers on a report's first screen, each with its 95% interval, read from a summary frame."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import labels
from .palette import metric_colour

# (metric, by, group, title, explanation); {target} is filled from the scenario's targets.
HEADLINE = (
    ("response_median_min", "priority", "1", "Priority-1 response, median",
     "half of the most urgent calls are reached within this time (target {target:g} min)"),
    ("response_p90_min", "priority", "1", "Priority-1 response, 90th percentile",
     "9 in 10 of the most urgent calls are reached within this time"),
    ("within_target_share", "all", "all", "Field calls within target",
     "share of field calls reached within their priority's target time"),
    ("walk_in_wait_mean_min", "all", "all", "Walk-in wait, mean",
     "average wait of people who come to a station (target {walk_in:g} min)"),
    ("utilisation_busy", "role", "inspector", "Inspector utilisation",
     "share of inspectors' on-duty time spent on calls and desk work"),
)


@dataclass(frozen=True)
class Headline:
    metric: str
    by: str
    group: str
    title: str
    note: str
    mean: float
    low: float
    high: float
    colour: str

    @property
    def value_text(self) -> str:
        return labels.fmt(self.metric, self.mean)

    @property
    def ci_text(self) -> str:
        return labels.fmt_ci(self.metric, self.low, self.high)


def pick(summary: pd.DataFrame, metric: str, by: str, group: str) -> pd.Series | None:
    """The summary row of one metric and group, or None."""
    rows = summary[(summary.metric == metric) & (summary.by == by) & (summary.group == group)]
    return None if rows.empty else rows.iloc[0]


def _number(row: pd.Series | None, column: str) -> float:
    value = None if row is None else row[column]
    return float(value) if labels.finite(value) else float("nan")


def headline_numbers(summary: pd.DataFrame, scenario: dict) -> list[Headline]:
    targets = scenario.get("targets") or {}
    target = float((targets.get("response_min") or {}).get("1", float("nan")))
    walk_in = float(targets.get("walk_in_wait_min", float("nan")))
    out = []
    for metric, by, group, title, note in HEADLINE:
        row = pick(summary, metric, by, group)
        out.append(Headline(metric, by, group, title, note.format(target=target, walk_in=walk_in),
                            _number(row, "mean"), _number(row, "low"), _number(row, "high"),
                            metric_colour(metric)))
    return out
