"""Which calls make demand, how many a year, and their 168-hour profile, from a tidy log.

A log is a window of time, not a whole number of weeks, so each hour of the week is weighted by
how long the window actually covered it (its exposure) before counts become rates. A short log
cannot say how Tuesday differs from Saturday: below `FULL_WEEKS_FOR_WEEKLY` whole weeks the hours
of the day are pooled over the days seen, smoothed, and repeated for every day (stated in the file).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

HOURS_PER_WEEK = 168
HOURS_PER_YEAR = 365.0 * 24
FULL_WEEKS_FOR_WEEKLY = 4.0
SMOOTHING_KERNEL = np.array([1.0, 2.0, 1.0]) / 4.0  # circular, over neighbouring hours of the day


@dataclass
class TypeDemand:
    """One fitted call type's volume and weekly shape, with the observed counts behind them."""

    name: str
    priority: str
    priority_rank: int
    calls: int
    yearly_volume: float
    weekly_profile: np.ndarray  # 168 rates (calls per hour), Monday 00-01 first
    observed_counts: np.ndarray  # calls per hour of the week in the log
    pooled: bool


@dataclass
class DemandFit:
    start: pd.Timestamp
    end: pd.Timestamp
    exposure_hours: np.ndarray  # hours of the log falling in each hour of the week
    types: list[TypeDemand]

    @property
    def span_days(self) -> float:
        return float(self.exposure_hours.sum() / 24.0)

    @property
    def pooled(self) -> bool:
        return any(t.pooled for t in self.types)


def demand_calls(log: pd.DataFrame) -> pd.DataFrame:
    """Calls from the public inside the export's window: what the model's arrivals stand for."""
    outside = log["flags"].str.contains("before_window", regex=False)
    return log[(log["initiated"] == "public") & ~outside]


def hour_of_week(times: pd.Series) -> np.ndarray:
    return (times.dt.day_of_week * 24 + times.dt.hour).to_numpy()


def exposure(start: pd.Timestamp, end: pd.Timestamp) -> np.ndarray:
    """Hours of [start, end) falling in each of the 168 hours of the week."""
    hours = pd.date_range(start.floor("h"), end, freq="h")
    one = pd.Timedelta(hours=1)
    covered = np.array([(min(h + one, end) - max(h, start)) / one for h in hours])
    return np.bincount(hours.day_of_week * 24 + hours.hour, weights=covered, minlength=HOURS_PER_WEEK)


def type_names(calls: pd.DataFrame, by: str = "priority", min_calls: int = 30) -> pd.Series:
    """The scenario call type of each call: its priority, or its call type in the log, with call
    types of fewer than `min_calls` calls pooled per priority (`other-a`, ...): too few to fit."""
    if by == "priority":
        return calls["priority"].astype(str).map(lambda key: type_name(key, by))
    counts = calls["call_type"].value_counts()
    rare = calls["call_type"].map(counts) < min_calls
    keys = calls["call_type"].where(~rare, "other " + calls["priority"].astype(str))
    return keys.astype(str).map(lambda key: type_name(key, by))


def fit_demand(log: pd.DataFrame, by: str = "priority", min_calls: int = 30) -> DemandFit:
    """Yearly volume and 168-hour profile of each call type (by priority, or by the log's call type)."""
    calls = demand_calls(log)
    if calls.empty:
        raise ValueError("no public-initiated calls inside the export's window to fit demand to")
    start, end = calls["created"].min(), calls["created"].max()
    exposed = exposure(start, end)
    if exposed.sum() < 24:
        raise ValueError(f"the log spans {exposed.sum():.1f} hours: at least a day is needed to fit a daily profile")
    pooled = exposed.sum() / HOURS_PER_WEEK < FULL_WEEKS_FOR_WEEKLY
    types = []
    for key, group in calls.groupby(type_names(calls, by, min_calls), sort=True):
        rank = int(group["priority_rank"].mode().min())
        counts = np.bincount(hour_of_week(group["created"]), minlength=HOURS_PER_WEEK).astype(float)
        profile = _pooled_profile(counts, exposed) if pooled else counts / np.maximum(exposed, 1e-9)
        types.append(TypeDemand(
            name=str(key), priority=str(group["priority"].mode().iloc[0]), priority_rank=rank,
            calls=len(group), yearly_volume=len(group) / exposed.sum() * HOURS_PER_YEAR,
            weekly_profile=profile, observed_counts=counts, pooled=pooled,
        ))
    return DemandFit(start=start, end=end, exposure_hours=exposed, types=types)


def _pooled_profile(counts: np.ndarray, exposed: np.ndarray) -> np.ndarray:
    """Rates by hour of the day over every day seen, smoothed, the same for all seven days."""
    by_hour = counts.reshape(7, 24).sum(axis=0)
    hours_seen = exposed.reshape(7, 24).sum(axis=0)
    rate = by_hour / np.maximum(hours_seen, 1e-9)
    padded = np.concatenate([rate[-1:], rate, rate[:1]])
    smooth = np.convolve(padded, SMOOTHING_KERNEL, mode="valid")
    if smooth.sum() <= 0:
        smooth = np.ones(24)
    return np.tile(smooth, 7)


def type_name(key: str, by: str) -> str:
    name = "".join(ch.lower() if ch.isalnum() else "-" for ch in key).strip("-")
    name = "-".join(part for part in name.split("-") if part)
    return f"priority-{name}" if by == "priority" else (name or "unnamed")
