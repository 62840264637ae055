"""Breakdowns a researcher would otherwise rewrite in every notebook, one value per replication.

Each function takes plain frames read from the run folders and returns tidy rows
(keys..., replication, statistic or activity, value); `quantiles.summarise_replications`
then turns them into means with intervals across replications.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..model.records import OUTCOMES
from .quantiles import quantile_label
from .statistics import ACTIVITIES, OFFICER_BUSY

# Columns of calls.parquet that are durations or counts per call, so a mean or quantile means something.
CALL_METRICS = ("response_min", "wait_min", "travel_min", "officers")
UTILISATION = (*ACTIVITIES, "busy")


def call_statistics(frame: pd.DataFrame, metric: str, keys: Sequence[str], q: Sequence[float]) -> pd.DataFrame:
    """Mean and quantiles of `metric` per group and replication: keys, replication, statistic, value.

    Calls without a value (not answered by the horizon) are left out, as in summary.json.
    """
    values = frame[[*keys, "replication"]].assign(value=frame[metric].astype(float)).dropna(subset=["value"])
    grouped = values.groupby([*keys, "replication"], observed=True, sort=True)["value"]
    parts = {"mean": grouped.mean(), **{quantile_label(x): grouped.quantile(x) for x in q}}
    return _long(pd.DataFrame(parts), keys, "statistic")


def utilisation_by_replication(staff: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Share of on-duty time in each activity per group and replication: keys, replication, activity, value.

    The shares are ratios of summed minutes within a replication (not means of hourly ratios),
    the definition summary.json's `utilisation_*` metrics use; `busy` is field plus desk.
    """
    minutes = [f"{a}_min" for a in ACTIVITIES]
    sums = staff.groupby([*keys, "replication"], observed=True, sort=True)[[*minutes, "on_duty_min"]].sum()
    on_duty = sums["on_duty_min"].replace(0.0, np.nan)
    shares = pd.DataFrame({a: sums[f"{a}_min"] / on_duty for a in ACTIVITIES})
    shares["busy"] = (sums["field_min"] + sums["desk_min"]) / on_duty
    return _long(shares, keys, "activity")


def outcome_shares_by_replication(frame: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Share of calls with each outcome per group and replication: keys, replication, outcome, value.

    Every outcome gets a row, zero where none occurred, so a mean over replications counts the
    replications without any as zeros rather than leaving them out.
    """
    outcome = frame["outcome"].astype(str)
    counts = pd.crosstab([frame[k] for k in [*keys, "replication"]], outcome)
    shares = counts.div(counts.sum(axis=1), axis=0).reindex(columns=list(OUTCOMES), fill_value=0.0)
    shares.columns.name = None
    return _long(shares, keys, "outcome")


OFFICER_ACTIVITIES = tuple(c.removesuffix("_min") for c in (*OFFICER_BUSY, "prevention_min", "idle_min",
                                                            "overtime_min"))


def officer_utilisation_by_replication(officers: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Share of officers' on-duty time in each activity per group and replication, from officers.parquet:
    keys, replication, activity, value; `busy` is travel + on scene + paperwork + desk, as in summary.json."""
    minutes = [f"{a}_min" for a in OFFICER_ACTIVITIES]
    sums = officers.groupby([*keys, "replication"], observed=True, sort=True)[[*minutes, "on_duty_min"]].sum()
    on_duty = sums["on_duty_min"].replace(0.0, np.nan)
    shares = pd.DataFrame({a: sums[f"{a}_min"] / on_duty for a in OFFICER_ACTIVITIES})
    shares["busy"] = sums[list(OFFICER_BUSY)].sum(axis=1) / on_duty
    return _long(shares, keys, "activity")


def _long(wide: pd.DataFrame, keys: Sequence[str], name: str) -> pd.DataFrame:
    """One row per column of `wide` (indexed by keys and replication): melt, which every pandas 2+ keeps stable."""
    return wide.reset_index().melt(id_vars=[*keys, "replication"], var_name=name, value_name="value")
