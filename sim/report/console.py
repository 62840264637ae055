"""Short answers for the terminal: the tables `policesim run` and `compare` print."""

from __future__ import annotations

import math

import pandas as pd
from rich.table import Table

from .tables import any_left  # noqa: F401  (the CLI asks it before printing `left_table`)
from . import labels


def _ci(row: pd.Series, scale: float = 1.0, digits: int = 1, unit: str = "") -> str:
    mean = row["mean"]
    if mean is None or not math.isfinite(mean):
        return "-"
    text = f"{mean * scale:.{digits}f}{unit}"
    low, high = row["low"], row["high"]
    if low is not None and high is not None and math.isfinite(low) and math.isfinite(high):
        text += f" ±{(high - low) / 2 * scale:.{digits}f}"
    return text


def _pick(summary: pd.DataFrame, metric: str, by: str, group: str) -> pd.Series | None:
    rows = summary[(summary.metric == metric) & (summary.by == by) & (summary.group == group)]
    return None if rows.empty else rows.iloc[0]


def _cell(summary, metric, by, group, **fmt) -> str:
    row = _pick(summary, metric, by, group)
    return "-" if row is None else _ci(row, **fmt)


def response_table(summary: pd.DataFrame, title: str) -> Table:
    """Response minutes and share on time by priority and by district (mean ±95% half-width)."""
    table = Table(title=title, title_justify="left")
    for column in ("field calls", "mean min", "median min", "90th pct min", "within target"):
        table.add_column(column, justify="left" if column == "field calls" else "right")
    groups = [("all", "all", "all")]
    groups += [("priority", g, f"priority {g}") for g in sorted(summary[summary.by == "priority"].group.unique())]
    groups += [("district", g, g) for g in sorted(summary[summary.by == "district"].group.unique())]
    for by, group, label in groups:
        table.add_row(label, _cell(summary, "response_mean_min", by, group),
                      _cell(summary, "response_median_min", by, group),
                      _cell(summary, "response_p90_min", by, group),
                      _cell(summary, "within_target_share", by, group, scale=100, digits=0, unit="%"))
    return table


def station_table(summary: pd.DataFrame) -> Table:
    table = Table(title="Walk-ins by station type", title_justify="left")
    for column in ("station type", "mean wait min", "90th pct wait min", "gave up"):
        table.add_column(column, justify="left" if column == "station type" else "right")
    for group in sorted(summary[(summary.by == "station_kind")].group.unique()):
        table.add_row(group.replace("_", " "), _cell(summary, "walk_in_wait_mean_min", "station_kind", group),
                      _cell(summary, "walk_in_wait_p90_min", "station_kind", group),
                      _cell(summary, "abandonment_share", "station_kind", group, scale=100, digits=0, unit="%"))
    return table


def left_table(summary: pd.DataFrame) -> Table:
    """Field calls nobody took, by priority: referred (waited max_wait_min) and cancelled by the caller."""
    table = Table(title="Field calls nobody took", title_justify="left")
    for column in ("field calls", "referred", "cancelled"):
        table.add_column(column, justify="left" if column == "field calls" else "right")
    groups = [("all", "all", "all")]
    groups += [("priority", g, f"priority {g}") for g in sorted(summary[summary.by == "priority"].group.unique())]
    for by, group, label in groups:
        table.add_row(label, *(_cell(summary, f"{name}_share", by, group, scale=100, digits=1, unit="%")
                               for name in ("referred", "cancelled")))
    return table


def utilisation_table(summary: pd.DataFrame) -> Table:
    table = Table(title="Share of on-duty time", title_justify="left")
    for column in ("staff", "field", "desk", "prevention", "idle"):
        table.add_column(column, justify="left" if column == "staff" else "right")
    groups = sorted(summary[summary.by == "role"].group.unique())
    groups += sorted(summary[summary.by == "role/district"].group.unique())
    for group in groups:
        by = "role" if "/" not in group else "role/district"
        table.add_row(group.replace("/", ", "), *(
            _cell(summary, f"utilisation_{a}", by, group, scale=100, digits=0, unit="%")
            for a in ("field", "desk", "prevention", "idle")))
    return table


STATIONS_SHOWN = 10


def station_shift_table(summary: pd.DataFrame) -> Table | None:
    """Busy share of on-duty time by shift, and for the busiest stations (all of them when few).

    A city of a hundred stations would bury the answer; the full list is in summary.json and
    report.html. None for a run folder written before officer-level results.
    """
    rows = summary[(summary.metric == "utilisation_busy") & summary.by.isin(["shift", "station"])]
    if rows.empty:
        return None
    stations = rows[rows.by == "station"].sort_values("mean", ascending=False)
    title = "Busy share of on-duty time by shift and station"
    if len(stations) > STATIONS_SHOWN:
        title += f" ({STATIONS_SHOWN} busiest of {len(stations)} stations)"
        stations = stations.head(STATIONS_SHOWN)
    table = Table(title=title, title_justify="left")
    table.add_column("shift or station", justify="left")
    table.add_column("busy", justify="right")
    for _, row in rows[rows.by == "shift"].sort_values("group").iterrows():
        table.add_row(f"shift {row['group']}", _ci(row, scale=100, digits=0, unit="%"))
    for _, row in stations.iterrows():
        table.add_row(str(row["group"]), _ci(row, scale=100, digits=0, unit="%"))
    return table


def comparison_table(frame: pd.DataFrame, a: str, b: str, metrics: list[tuple[str, str]]) -> Table:
    """Paired differences in the report's own words ('90th-percentile response time, priority 1'),
    so a terminal never has to cut a metric's code name; the change carries the unit (pp:
    percentage points), its intervals are in the same unit."""
    table = Table(title=f"{b} minus {a} (paired by replication, 95% CI)", title_justify="left")
    for column in ("measure", a, b, "change", "paired CI", "unpaired CI", ""):
        table.add_column(column, justify="left" if column == "measure" else "right", overflow="fold",
                         min_width=20 if column == "measure" else None)
    for metric, by in metrics:
        rows = frame[(frame.metric == metric) & (frame.by == by)]
        for row in rows.itertuples(index=False):
            table.add_row(labels.row_label(metric, by, row.group), labels.fmt(metric, row.a),
                          labels.fmt(metric, row.b), _change(metric, row.diff), _interval(metric, row.low, row.high),
                          _interval(metric, row.unpaired_low, row.unpaired_high),
                          "significant" if row.significant else "")
    return table


def _change(metric: str, value: float) -> str:
    return labels.fmt_change(metric, value).replace(" percentage points", " pp")


def _interval(metric: str, low: float, high: float) -> str:
    """'-4.1 to +0.3', in the unit of the change beside it."""
    if not (labels.finite(low) and labels.finite(high)):
        return "-"
    shown = labels.scale(metric)
    return f"{low * shown:+.1f} to {high * shown:+.1f}"
