"""The tidy call log: one row per call, typed columns, the table import writes and replay reads.

Every consumer of a dispatch log (fit, replay, check) reads this one table, so the oddities of
each force's export are dealt with once, in `importing.py`, and never again downstream.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .errors import LogError

TIME_COLUMNS = ["created", "dispatched", "arrived", "cleared"]
TEXT_COLUMNS = ["call_id", "call_type", "priority", "district", "initiated", "flags"]
FLOAT_COLUMNS = ["lon", "lat", "on_scene_min"]
TIDY_COLUMNS = [
    "call_id", "created", "dispatched", "arrived", "cleared", "call_type", "priority",
    "priority_rank", "lon", "lat", "district", "initiated", "on_scene_min", "flags",
]
REQUIRED = ["call_id", "created", "call_type", "priority_rank", "initiated"]
INITIATED = ("public", "officer")
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S"
FIRST_DATA_ROW = 2  # the header is row 1, as in a spreadsheet


def read_tidy_log(path: str | Path) -> pd.DataFrame:
    """Read a tidy log (CSV or Parquet) into typed columns, or raise a one-line LogError.

    Times come back as naive local datetimes (NaT where empty), text as str ("" where empty),
    priority_rank as int, lon/lat/on_scene_min as float (NaN where empty).
    """
    path = Path(path)
    if not path.is_file():
        raise LogError(path, "no such file")
    if path.suffix == ".parquet":
        raw = pd.read_parquet(path).astype(object).where(lambda f: f.notna(), "")
        raw = raw.map(lambda v: v.strftime(TIME_FORMAT) if isinstance(v, pd.Timestamp) else str(v))
    else:
        try:
            raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)
        except pd.errors.EmptyDataError:
            raise LogError(path, "empty file: expected a header row with the tidy log's columns") from None
        except (UnicodeDecodeError, pd.errors.ParserError) as error:
            raise LogError(path, f"not a readable CSV file ({' '.join(str(error).split())})") from None
    return tidy_frame(raw, path)


def tidy_frame(raw: pd.DataFrame, path: str | Path) -> pd.DataFrame:
    """Type and check a table of strings holding the tidy columns."""
    missing = [c for c in TIDY_COLUMNS if c not in raw.columns]
    if missing:
        raise LogError(path, f"expected the tidy log's columns {', '.join(TIDY_COLUMNS)}; missing {', '.join(missing)}"
                       " (is this a raw export? convert it with policesim import)", row=1, column=missing[0])
    if raw.empty:
        raise LogError(path, "no calls: expected at least one row after the header")
    raw = raw[TIDY_COLUMNS].astype(str).apply(lambda col: col.str.strip())
    for column in REQUIRED:
        _no_blanks(raw, column, path)
    frame = pd.DataFrame(index=raw.index)
    for column in TIDY_COLUMNS:
        text = raw[column]
        if column in TIME_COLUMNS:
            frame[column] = _times(text, column, path)
        elif column in FLOAT_COLUMNS:
            frame[column] = _numbers(text, column, path)
        elif column == "priority_rank":
            frame[column] = _ranks(text, path)
        else:
            frame[column] = text
    _check_values(frame, raw, path)
    return frame.reset_index(drop=True)


def write_tidy_log(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write the tidy table as CSV (times in ISO 8601 local time) or Parquet, atomically."""
    path = Path(path)
    out = frame[TIDY_COLUMNS].copy()
    if path.suffix != ".parquet":
        for column in TIME_COLUMNS:
            out[column] = out[column].dt.strftime(TIME_FORMAT).fillna("")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    if path.suffix == ".parquet":
        out.to_parquet(partial, index=False)
    else:
        out.to_csv(partial, index=False, float_format="%.6f")
    partial.replace(path)
    return path


def _row(raw: pd.DataFrame, mask: pd.Series) -> int:
    return int(np.flatnonzero(mask.to_numpy())[0]) + FIRST_DATA_ROW


def _no_blanks(raw: pd.DataFrame, column: str, path: str | Path) -> None:
    blank = raw[column] == ""
    if blank.any():
        raise LogError(path, "empty cell: every call needs one", row=_row(raw, blank), column=column)


def _times(text: pd.Series, column: str, path: str | Path) -> pd.Series:
    times = pd.to_datetime(text.where(text != "", None), format="ISO8601", errors="coerce")
    bad = times.isna() & (text != "")
    if bad.any():
        value = text[bad].iloc[0]
        raise LogError(path, f"expected an ISO 8601 time like 2026-01-15T07:18:10, got {value!r}",
                       row=_row(text.to_frame(), bad), column=column)
    if getattr(times.dt, "tz", None) is not None:
        raise LogError(path, "expected local times without a zone", row=FIRST_DATA_ROW, column=column)
    return times


def _numbers(text: pd.Series, column: str, path: str | Path) -> pd.Series:
    numbers = pd.to_numeric(text.where(text != "", None), errors="coerce")
    bad = numbers.isna() & (text != "")
    if bad.any():
        raise LogError(path, f"expected a number or an empty cell, got {text[bad].iloc[0]!r}",
                       row=_row(text.to_frame(), bad), column=column)
    return numbers.astype(float)


def _ranks(text: pd.Series, path: str | Path) -> pd.Series:
    ranks = pd.to_numeric(text, errors="coerce")
    bad = ~ranks.isin([1, 2, 3, 4])
    if bad.any():
        raise LogError(path, f"expected a priority rank 1 to 4 (1 most urgent), got {text[bad].iloc[0]!r}",
                       row=_row(text.to_frame(), bad), column="priority_rank")
    return ranks.astype(int)


def _check_values(frame: pd.DataFrame, raw: pd.DataFrame, path: str | Path) -> None:
    bad = ~frame["initiated"].isin(INITIATED)
    if bad.any():
        raise LogError(path, f"expected public or officer, got {frame['initiated'][bad].iloc[0]!r}",
                       row=_row(raw, bad), column="initiated")
    for column, low, high in (("lon", -180, 180), ("lat", -90, 90)):
        bad = (frame[column] < low) | (frame[column] > high)
        if bad.any():
            raise LogError(path, f"expected {low} to {high}, got {frame[column][bad].iloc[0]:g}",
                           row=_row(raw, bad), column=column)
    duplicated = frame["call_id"].duplicated()
    if duplicated.any():
        raise LogError(path, f"call_id {frame['call_id'][duplicated].iloc[0]!r} appears twice: expected one row per call",
                       row=_row(raw, duplicated), column="call_id")
