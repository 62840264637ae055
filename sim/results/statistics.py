"""Metrics of one replication, and their means with 95% intervals across replications.

Every metric is a tidy row (metric, by, group, value): `by` names the grouping (priority,
district, station_kind, role, role/district, station, shift or all) and `group` its value, so one table serves
the summary, comparisons, reports and notebooks alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..model.records import OUTCOMES
from .intervals import mean_ci

ACTIVITIES = ("field", "desk", "prevention", "idle")
OFFICER_BUSY = ("travel_min", "on_scene_min", "paperwork_min", "desk_min")  # officers.parquet's busy minutes

# Headline metrics: `--precision` stops adding replications once all of these are precise enough.
MAIN_METRICS = (
    ("response_mean_min", "all", "all"),
    ("response_p90_min", "priority", "1"),
    ("within_target_share", "all", "all"),
    ("walk_in_wait_mean_min", "all", "all"),
    ("utilisation_busy", "role", "inspector"),
)


@dataclass(frozen=True)
class Targets:
    """Response targets per priority and for walk-ins, and the run's horizon, in minutes."""

    response_min: dict[int, float]
    walk_in_wait_min: float
    horizon_min: float


def _rows(metric: str, by: str, values: pd.Series | dict) -> list[tuple[str, str, str, float]]:
    return [(metric, by, str(group), float(value)) for group, value in dict(values).items()]


def _quantile(q: float):
    def f(x: pd.Series) -> float:
        return float(np.quantile(x, q)) if len(x) else np.nan
    return f


# The columns of calls.parquet that `replication_metrics` reads: a year of calls read whole into
# pandas takes several hundred MB; these few take a fraction of it.
METRIC_CALL_COLUMNS = ("kind", "outcome", "response_min", "priority", "district", "created_min",
                       "dispatched_min", "wait_min", "station_kind")


def replication_metrics(calls: pd.DataFrame, staff: pd.DataFrame, targets: Targets,
                        officers: pd.DataFrame | None = None) -> pd.DataFrame:
    """All metrics of one replication's calls, staff time and (if given) officer time, as tidy rows."""
    # Labels are compared and grouped as they are read (categories, observed groups only): turning
    # a year of labels into strings takes longer than every metric together. Each subset carries
    # only the columns its metrics read, since selecting a year's rows costs per column carried.
    kind = calls["kind"]
    outcome = calls["outcome"]
    is_field = kind == "field"
    field = calls.loc[is_field, ["priority", "district", "response_min", "created_min"]]
    rows = _response_rows(field)
    rows += _within_target_rows(field, targets)
    rows += _left_rows(field, outcome[is_field])
    rows += _walk_in_rows(calls.loc[kind == "walk_in", ["outcome", "dispatched_min", "wait_min", "station_kind"]],
                          targets)
    desk_waits = calls.loc[(kind == "desk") & calls["dispatched_min"].notna(), "wait_min"]
    rows += _rows("desk_wait_mean_min", "all", {"all": desk_waits.mean() if len(desk_waits) else np.nan})

    for name in OUTCOMES:
        rows.append(("calls_" + name, "all", "all", float((outcome == name).sum())))
    rows.append(("calls_total", "all", "all", float(len(calls))))

    rows += _utilisation_rows(staff)
    if officers is not None:
        rows += officer_utilisation_rows(officers)
    return pd.DataFrame(rows, columns=["metric", "by", "group", "value"])


def _whole(frame: pd.DataFrame) -> np.ndarray:
    """A group key that puts every row in one group (0), relabelled "all" by `_as_all`."""
    return np.zeros(len(frame), dtype=np.int8)


def _as_all(values: pd.Series) -> pd.Series:
    return values.rename(index={0: "all"})


def _response_rows(field: pd.DataFrame) -> list[tuple[str, str, str, float]]:
    rows = []
    answered = field[field["response_min"].notna()]
    for by, key in (("all", None), ("priority", "priority"), ("district", "district")):
        groups = answered.groupby(key if key else _whole(answered), observed=True)["response_min"]
        label = (lambda s: s) if key else _as_all
        rows += _rows("response_mean_min", by, label(groups.mean()))
        rows += _rows("response_median_min", by, label(groups.median()))
        rows += _rows("response_p90_min", by, label(groups.agg(_quantile(0.9))))
    return rows


def _within_target_rows(field: pd.DataFrame, targets: Targets) -> list[tuple[str, str, str, float]]:
    """Share of field calls judged (reached, or still waiting past their target) that were on time."""
    rows = []
    target = field["priority"].map(targets.response_min).astype(float)
    on_time = field["response_min"] <= target
    age = targets.horizon_min - field["created_min"]
    late = (field["response_min"] > target) | (field["response_min"].isna() & (age > target))
    judged = pd.DataFrame({"on_time": on_time, "judged": on_time | late,
                           "priority": field["priority"], "district": field["district"]})
    for by, key in (("all", None), ("priority", "priority"), ("district", "district")):
        grouped = judged.groupby(key if key else _whole(judged), observed=True)
        share = grouped["on_time"].sum() / grouped["judged"].sum().replace(0, np.nan)
        rows += _rows("within_target_share", by, share if key else _as_all(share))
    return rows


def _left_rows(field: pd.DataFrame, field_outcome: pd.Series) -> list[tuple[str, str, str, float]]:
    """Shares of field calls referred elsewhere and cancelled, overall and by priority."""
    rows = []
    for name in ("referred", "cancelled"):
        left = pd.DataFrame({"left": field_outcome == name, "priority": field["priority"]})
        rows += _rows(f"{name}_share", "all", {"all": left["left"].mean() if len(left) else np.nan})
        rows += _rows(f"{name}_share", "priority", left.groupby("priority")["left"].mean())
    return rows


def _walk_in_rows(walk_in: pd.DataFrame, targets: Targets) -> list[tuple[str, str, str, float]]:
    """Waits of the walk-ins served and the share who gave up, overall and by station kind."""
    rows = []
    served = walk_in[walk_in["dispatched_min"].notna()]
    decided = walk_in[(walk_in["outcome"] == "abandoned") | walk_in["dispatched_min"].notna()]
    for by, key in (("all", None), ("station_kind", "station_kind")):
        def grouped(values: pd.Series, frame: pd.DataFrame, key: str | None = key):
            return values.groupby(frame[key] if key else _whole(frame), observed=True)

        label = (lambda s: s) if key else _as_all
        waits = grouped(served["wait_min"], served)
        rows += _rows("walk_in_wait_mean_min", by, label(waits.mean()))
        rows += _rows("walk_in_wait_p90_min", by, label(waits.agg(_quantile(0.9))))
        rows += _rows("walk_in_within_target_share", by,
                      label(grouped(served["wait_min"] <= targets.walk_in_wait_min, served).mean()))
        rows += _rows("abandonment_share", by, label(grouped(decided["outcome"] == "abandoned", decided).mean()))
    return rows


def _utilisation_rows(staff: pd.DataFrame) -> list[tuple[str, str, str, float]]:
    rows = []
    minutes = [f"{a}_min" for a in ACTIVITIES]
    for by, keys in (("role", ["role"]), ("role/district", ["role", "district"])):
        sums = staff.groupby(keys)[[*minutes, "on_duty_min"]].sum()
        on_duty = sums["on_duty_min"].replace(0, np.nan)
        labels = ["/".join(map(str, k)) if isinstance(k, tuple) else str(k) for k in sums.index]
        for activity in ACTIVITIES:
            rows += _rows(f"utilisation_{activity}", by, dict(zip(labels, sums[f"{activity}_min"] / on_duty)))
        rows += _rows("utilisation_busy", by,
                      dict(zip(labels, (sums["field_min"] + sums["desk_min"]) / on_duty)))
    return rows


def officer_utilisation_rows(officers: pd.DataFrame) -> list[tuple[str, str, str, float]]:
    """Busy share of on-duty time (travel, on scene, paperwork, desk) by station and by shift name,
    everyone posted there; a shift name shared by several stations' rows is one group."""
    rows = []
    busy = officers[list(OFFICER_BUSY)].sum(axis=1)
    frame = pd.DataFrame({"busy": busy, "on_duty": officers["on_duty_min"],
                          "station": officers["station"], "shift": officers["shift"]})
    for by in ("station", "shift"):
        sums = frame.groupby(by, observed=True)[["busy", "on_duty"]].sum()
        rows += _rows("utilisation_busy", by, sums["busy"] / sums["on_duty"].replace(0, np.nan))
    return rows


def across_replications(per_replication: pd.DataFrame) -> pd.DataFrame:
    """Mean and 95% interval of each metric over replications (tidy input with a `replication` column)."""
    out = []
    replications = sorted(per_replication["replication"].unique())
    # One row per metric and one column per replication, NaN where the group did not occur, so
    # that position k is replication k in every summary and comparisons pair the right runs.
    # Pivoted once: a frame per metric costs a city-year's merge a quarter of a second.
    table = per_replication.pivot(index=["metric", "by", "group"], columns="replication", values="value")
    table = table.reindex(columns=replications).sort_index()
    for (metric, by, group), values in zip(table.index, table.to_numpy(dtype=float)):
        interval = mean_ci(values)
        out.append({"metric": metric, "by": by, "group": group, **interval.as_dict(),
                    "replications": [None if not np.isfinite(v) else float(v) for v in values]})
    return pd.DataFrame(out)


def precise_enough(summary: pd.DataFrame, precision: float) -> bool:
    """Whether every headline metric's half-width is within `precision` of its mean."""
    for metric, by, group in MAIN_METRICS:
        row = summary[(summary.metric == metric) & (summary.by == by) & (summary.group == group)]
        if row.empty:
            continue
        mean, low, high = (_number(row[c].iloc[0]) for c in ("mean", "low", "high"))
        if not np.isfinite(mean):
            continue  # never observed (say, no walk-ins): nothing to be precise about
        if not np.isfinite(low) or (high - low) / 2 > precision * abs(mean):
            return False
    return True


def _number(value) -> float:
    """A summary cell as a float: JSON and `Interval.as_dict` write a missing value as None."""
    return np.nan if value is None else float(value)


def replications_needed(summary: pd.DataFrame, precision: float, level: float = 0.95) -> pd.DataFrame:
    """For each headline metric, the replications whose t half-width would be `precision` of the mean.

    Uses the spread of the replications at hand (a pilot run): the smallest n with
    t(n-1) * sd / sqrt(n) <= precision * |mean|. Why: to size a run before paying for it.
    """
    rows = []
    for metric, by, group in MAIN_METRICS:
        row = summary[(summary.metric == metric) & (summary.by == by) & (summary.group == group)]
        if row.empty:
            continue
        values = np.array([_number(v) for v in row["replications"].iloc[0]])
        values = values[np.isfinite(values)]
        mean, sd = (float(values.mean()), float(values.std(ddof=1))) if len(values) > 1 else (np.nan, np.nan)
        rows.append({"metric": metric, "by": by, "group": group, "mean": mean, "sd": sd, "n": len(values),
                     "needed": _needed(mean, sd, precision, level)})
    return pd.DataFrame(rows)


def _needed(mean: float, sd: float, precision: float, level: float, cap: int = 100_000) -> float:
    if not (np.isfinite(mean) and np.isfinite(sd)) or mean == 0:
        return np.nan
    from scipy import stats  # imported here: a second and 60 MB that a one-replication run never needs

    target = precision * abs(mean)
    n = max(2, int(np.ceil((stats.norm.ppf(0.5 + level / 2) * sd / target) ** 2)))  # normal start
    while n < cap and stats.t.ppf(0.5 + level / 2, n - 1) * sd / np.sqrt(n) > target:
        n += 1
    return float(n)

