"""Paired comparison of run folders: B - A per metric, paired by replication (common random numbers).

Replication r of every scenario was driven by the same seed streams, so the difference within a
replication cancels most of the noise both runs share; the paired interval is then much narrower
than the unpaired (Welch) one, which is reported beside it to show what pairing buys.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .intervals import mean_ci


@dataclass(frozen=True)
class Difference:
    metric: str
    by: str
    group: str
    a: float
    b: float
    diff: float
    low: float
    high: float
    unpaired_low: float
    unpaired_high: float
    n: int

    @property
    def significant(self) -> bool:
        return bool(np.isfinite(self.low) and (self.low > 0 or self.high < 0))


def welch_ci(a: np.ndarray, b: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """Interval for mean(b) - mean(a) treating the two runs as independent samples."""
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    if len(a) < 2 or len(b) < 2:
        return np.nan, np.nan
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = np.sqrt(va + vb)
    if se == 0:
        return float(b.mean() - a.mean()), float(b.mean() - a.mean())
    dof = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    from scipy import stats  # imported here: a second and 60 MB that most commands never need

    half = stats.t.ppf(0.5 + level / 2, dof) * se
    diff = b.mean() - a.mean()
    return float(diff - half), float(diff + half)


def paired_differences(a: pd.DataFrame, b: pd.DataFrame) -> list[Difference]:
    """Every metric present in both summaries (tidy frames with a `replications` list column)."""
    key = ["metric", "by", "group"]
    merged = a[[*key, "replications"]].merge(b[[*key, "replications"]], on=key, suffixes=("_a", "_b"))
    out = []
    for row in merged.itertuples(index=False):
        va = np.array([np.nan if v is None else v for v in row.replications_a], dtype=float)
        vb = np.array([np.nan if v is None else v for v in row.replications_b], dtype=float)
        n = min(len(va), len(vb))
        va, vb = va[:n], vb[:n]
        pair = np.isfinite(va) & np.isfinite(vb)
        if not pair.any():
            continue
        paired = mean_ci(vb[pair] - va[pair])
        low, high = welch_ci(va, vb)
        out.append(Difference(row.metric, row.by, row.group, float(np.nanmean(va)), float(np.nanmean(vb)),
                              paired.mean, paired.low, paired.high, low, high, int(pair.sum())))
    return out


def differences_frame(differences: list[Difference]) -> pd.DataFrame:
    return pd.DataFrame([{**d.__dict__, "significant": d.significant} for d in differences])
