"""Intervals across replications for any per-replication statistic: Student t or a bootstrap.

Calls within one replication are not independent samples: they share its random state (one busy
evening delays hundreds of calls). Replications are independent. So every helper computes its
statistic once per replication and puts the interval on the spread of those values: a t interval
(the same `mean_ci` that summary.json uses) or a bootstrap that resamples replications, never calls.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .intervals import mean_ci

INTERVALS = ("replication", "bootstrap")


def quantile_label(q: float) -> str:
    """`p90` for 0.9, `p99.5` for 0.995: a column-friendly name for a quantile."""
    return f"p{100 * q:g}"


def as_quantiles(q: float | Sequence[float]) -> list[float]:
    """One quantile or several, checked to lie in [0, 1]."""
    qs = [float(q)] if np.isscalar(q) else [float(x) for x in q]
    if not qs or any(not 0.0 <= x <= 1.0 for x in qs):
        raise ValueError(f"quantiles must lie between 0 and 1, got {q!r}")
    return qs


def per_replication_quantiles(frame: pd.DataFrame, column: str, keys: Sequence[str],
                              q: Sequence[float]) -> pd.DataFrame:
    """Linear-interpolation quantiles of `column` per group and replication, tidy: keys, replication, q, value.

    Linear interpolation is numpy's default and DuckDB's `quantile_cont`, so the values match
    summary.json's `response_p90_min` and a hand-written SQL query.
    """
    values = frame[[*keys, "replication", column]].dropna(subset=[column])
    grouped = values.groupby([*keys, "replication"], observed=True, sort=True)[column]
    out = grouped.quantile(list(q)).rename("value").reset_index()
    return out.rename(columns={out.columns[-2]: "q"})


def summarise_replications(tidy: pd.DataFrame, keys: Sequence[str], interval: str = "replication",
                        level: float = 0.95, n_boot: int = 2000, seed: int = 0) -> pd.DataFrame:
    """Mean over replications of `value` per group, with its interval: keys, mean, low, high, n.

    `interval="replication"` is the t interval on the per-replication values; `"bootstrap"` is the
    percentile interval of their mean over `n_boot` resamples of the replications.
    """
    if interval not in INTERVALS:
        raise ValueError(f"interval must be one of {INTERVALS}, got {interval!r}")
    keys = list(keys)
    if not keys:  # one group: everything
        out = summarise_replications(tidy.assign(_all=0), ["_all"], interval, level, n_boot, seed)
        return out.drop(columns="_all")
    if interval == "bootstrap":
        return _bootstrap(tidy, keys, level, n_boot, seed)
    rows = []
    for group, frame in tidy.groupby(keys, observed=True, sort=True, dropna=False):
        ci = mean_ci(frame["value"].to_numpy(dtype=float), level)
        rows.append((*group, ci.mean, ci.low, ci.high, ci.n))
    return pd.DataFrame(rows, columns=[*keys, "mean", "low", "high", "n"])


def resample_counts(n_replications: int, n_boot: int, seed: int) -> np.ndarray:
    """How often each replication is drawn in each of `n_boot` resamples (n_boot x n_replications).

    Drawn once and shared by every group, so scenarios keep their pairing by replication
    (common random numbers) inside each resample, and the same seed gives the same interval.
    """
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n_replications, size=(n_boot, n_replications))
    counts = np.zeros((n_boot, n_replications))
    np.add.at(counts, (np.repeat(np.arange(n_boot), n_replications), draws.ravel()), 1.0)
    return counts


def _bootstrap(tidy: pd.DataFrame, keys: list[str], level: float, n_boot: int, seed: int) -> pd.DataFrame:
    if n_boot < 1:
        raise ValueError(f"n_boot must be at least 1, got {n_boot}")
    wide = tidy.pivot_table(index=keys, columns="replication", values="value", aggfunc="first",
                            observed=True, dropna=False, sort=True)
    values = wide.to_numpy(dtype=float)
    finite = np.isfinite(values)
    counts = resample_counts(values.shape[1], n_boot, seed)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = (np.where(finite, values, 0.0) @ counts.T) / (finite.astype(float) @ counts.T)
    alpha = (1.0 - level) / 2.0
    n = finite.sum(axis=1)
    enough = n >= 2
    low = np.full(len(values), np.nan)
    high = np.full(len(values), np.nan)
    if enough.any():
        low[enough], high[enough] = np.nanquantile(means[enough], [alpha, 1.0 - alpha], axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, np.where(finite, values, 0.0).sum(axis=1) / np.maximum(n, 1), np.nan)
    out = wide.index.to_frame(index=False)
    return out.assign(mean=mean, low=low, high=high, n=n.astype(int))
