"""A model run's per-call records written as a tidy log: the known truth for round-trip tests.

The model's clock starts on a Monday at 00:00; the log's dates start on `start` (a Monday too),
so hours of the week line up.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from .tidy import TIDY_COLUMNS


def records_to_tidy(calls: pa.Table, start: str = "2024-01-01", labels: dict[int, str] | None = None) -> pd.DataFrame:
    """Field calls of one replication as a tidy log, priority labels `labels[rank]` (default the rank)."""
    origin = pd.Timestamp(start)
    if origin.day_of_week != 0:
        raise ValueError(f"start {start}: expected a Monday, as the model's clock starts on one")
    frame = calls.to_pandas()
    frame = frame[frame["kind"] == "field"].sort_values("created_min", kind="stable")
    at = lambda column: origin + pd.to_timedelta(frame[column].astype(float), unit="min")  # noqa: E731
    rank = frame["priority"].astype(int)
    tidy = pd.DataFrame({
        "call_id": frame["call_id"].astype(str),
        "created": at("created_min").dt.floor("s"),
        "dispatched": at("dispatched_min").dt.floor("s"),
        "arrived": at("arrived_min").dt.floor("s"),
        "cleared": at("completed_min").dt.floor("s"),
        "call_type": frame["call_type"].astype(str),
        "priority": rank.map(labels).fillna(rank.astype(str)) if labels else rank.astype(str),
        "priority_rank": rank,
        "lon": frame["lon"].astype(float), "lat": frame["lat"].astype(float),
        "district": frame["district"].astype(str),
        "initiated": "public",
        "on_scene_min": (frame["completed_min"] - frame["arrived_min"]).astype(float),
        "flags": np.where(frame["completed_min"].isna(), "censored", ""),
    })
    return tidy[TIDY_COLUMNS].reset_index(drop=True)
