"""Confidence intervals across replications: Student t on independent replication means."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Interval:
    mean: float
    low: float
    high: float
    n: int

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2.0

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high

    def as_dict(self) -> dict[str, float | int | None]:
        def clean(x: float) -> float | None:
            return None if not np.isfinite(x) else float(x)
        return {"mean": clean(self.mean), "low": clean(self.low), "high": clean(self.high), "n": self.n}


def mean_ci(values, level: float = 0.95) -> Interval:
    """Mean of `values` (one per replication; NaNs dropped) with a two-sided t interval."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = len(x)
    if n == 0:
        return Interval(np.nan, np.nan, np.nan, 0)
    mean = float(x.mean())
    if n == 1:
        return Interval(mean, np.nan, np.nan, 1)
    from scipy import stats  # imported here: a second and 60 MB that a one-replication run never needs

    half = float(stats.t.ppf(0.5 + level / 2, n - 1) * x.std(ddof=1) / np.sqrt(n))
    return Interval(mean, mean - half, mean + half, n)
