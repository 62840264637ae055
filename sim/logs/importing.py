"""From a force's CAD export to the tidy log: map columns, parse times, and count what is odd.

Real exports are messy (on-view rows, calls still open at the snapshot, placeholder dates,
intervals that run backwards). Nothing is dropped or changed silently: every row removed and
every row flagged is counted by reason in the ImportReport, and flagged rows carry the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import LogError
from .formats import LogFormat
from .tidy import FIRST_DATA_ROW, TIDY_COLUMNS, TIME_COLUMNS

POINT = re.compile(r"^\s*POINT\s*\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)\s*$", re.IGNORECASE)
REQUIRED_FIELDS = ("created", "call_type", "priority")
FLAG_REASONS = {
    "no_place": "no coordinates (location withheld or missing)",
    "censored": "still open at the export's end (no clear time)",
    "no_arrival": "closed without an arrival time",
    "negative_interval": "a later stage time before an earlier one",
    "placeholder_time": "a placeholder time (e.g. 1900-01-01), blanked",
    "before_window": "created before the export's window (a straggler still open)",
}
DROP_REASONS = {
    "other_agency": "another agency's call (not police)",
    "duplicate": "a second row with the same call id",
    "dropped_priority": "a priority the format drops",
}


@dataclass
class ImportReport:
    """Counts of what import read, dropped and flagged, by reason."""

    file: str
    rows_read: int
    rows_written: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    flagged: dict[str, int] = field(default_factory=dict)
    initiated: dict[str, int] = field(default_factory=dict)
    by_priority: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """The report as short lines for a console or a notebook."""
        out = [f"{self.file}: {self.rows_read:,} rows read, {self.rows_written:,} calls written"]
        out += [f"  dropped {n:>6,}  {reason}: {DROP_REASONS[reason]}" for reason, n in self.dropped.items() if n]
        out += [f"  flagged {n:>6,}  {reason}: {FLAG_REASONS[reason]}" for reason, n in self.flagged.items() if n]
        out += [f"  {who}-initiated {n:,}" for who, n in self.initiated.items()]
        out.append("  public-initiated with an arrival, by priority: "
                   + ", ".join(f"{p} {n:,}" for p, n in self.by_priority.items()))
        return out


def read_export(path: str | Path) -> pd.DataFrame:
    """The export as a table of strings, or a one-line LogError for an unreadable or empty file."""
    path = Path(path)
    if not path.is_file():
        raise LogError(path, "no such file")
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8-sig")
    except pd.errors.EmptyDataError:
        raise LogError(path, "empty file: expected a CAD export with a header row") from None
    except UnicodeDecodeError:
        raise LogError(path, "not a text CSV file (could not decode it as UTF-8)") from None
    except pd.errors.ParserError as error:
        raise LogError(path, f"not a readable CSV file ({' '.join(str(error).split())})") from None
    if raw.empty:
        raise LogError(path, "no rows after the header: expected at least one call")
    return raw


def import_log(path: str | Path, fmt: LogFormat) -> tuple[pd.DataFrame, ImportReport]:
    """The tidy table of one export and the counts of what was dropped and flagged."""
    raw = read_export(path)
    _check_columns(raw, fmt, path)
    report = ImportReport(file=str(path), rows_read=len(raw))
    raw = raw.assign(_row=np.arange(len(raw)) + FIRST_DATA_ROW)
    column = lambda name: raw[fmt.columns[name]].str.strip() if name in fmt.columns else None  # noqa: E731

    keep = pd.Series(True, index=raw.index)
    agency = column("agency")
    if agency is not None and fmt.keep_agencies:
        report.dropped["other_agency"] = int((~agency.isin(fmt.keep_agencies)).sum())
        keep &= agency.isin(fmt.keep_agencies)
    priority = column("priority")
    dropped_priority = priority.isin(fmt.drop_priorities)
    report.dropped["dropped_priority"] = int((keep & dropped_priority).sum())
    keep &= ~dropped_priority
    call_id = column("call_id") if "call_id" in fmt.columns else raw["_row"].astype(str)
    duplicate = call_id.where(keep).duplicated() & keep
    report.dropped["duplicate"] = int(duplicate.sum())
    keep &= ~duplicate
    raw, call_id, priority = raw[keep], call_id[keep], priority[keep]
    column = lambda name: raw[fmt.columns[name]].str.strip() if name in fmt.columns else None  # noqa: E731

    tidy = pd.DataFrame(index=raw.index)
    tidy["call_id"] = call_id
    flags = pd.DataFrame(index=raw.index)
    for name in TIME_COLUMNS:
        times, placeholder = _times(column(name), fmt, path, raw["_row"], name)
        tidy[name] = times
        flags[f"placeholder_time:{name}"] = placeholder
    for name in REQUIRED_FIELDS:
        value = tidy[name] if name in TIME_COLUMNS else column(name)
        blank = value.isna() if name in TIME_COLUMNS else value == ""
        if blank.any():
            raise LogError(path, f"empty cell: every call needs its {name}", row=int(raw["_row"][blank].iloc[0]),
                           column=fmt.columns[name])
    tidy["call_type"] = column("call_type")
    tidy["priority"] = priority
    tidy["priority_rank"] = _ranks(priority, fmt, path, raw["_row"])
    tidy["lon"], tidy["lat"] = _place(raw, fmt, column, path)
    district = column("district")
    tidy["district"] = district.where(~district.isin(fmt.blank_districts), "") if district is not None else ""
    initiated = column("initiated")
    officer = initiated.isin(fmt.officer_initiated) if initiated is not None else pd.Series(False, index=raw.index)
    tidy["initiated"] = np.where(officer, "officer", "public")
    on_scene = (tidy["cleared"] - tidy["arrived"]).dt.total_seconds() / 60.0
    tidy["on_scene_min"] = on_scene.where(on_scene >= 0)

    flags["no_place"] = tidy["lon"].isna() | tidy["lat"].isna()
    flags["censored"] = tidy["cleared"].isna() & ~flags.filter(like="placeholder_time:cleared").any(axis=1) \
        if "cleared" in fmt.columns else False
    flags["no_arrival"] = tidy["arrived"].isna() & tidy["cleared"].notna()
    stages = [tidy[name] for name in TIME_COLUMNS]
    backwards = pd.Series(False, index=raw.index)
    for i, early in enumerate(stages):
        for late in stages[i + 1:]:
            backwards |= (late < early).fillna(False)
    flags["negative_interval"] = backwards
    flags["placeholder_time"] = flags.filter(like="placeholder_time:").any(axis=1)
    flags["before_window"] = _before_window(tidy["created"], column("snapshot"), fmt)
    reasons = [r for r in FLAG_REASONS]
    flags = flags[reasons].astype(bool)
    tidy["flags"] = flags.apply(lambda row: ";".join(r for r in reasons if row[r]), axis=1) if len(flags) else ""
    report.flagged = {r: int(flags[r].sum()) for r in reasons}
    report.initiated = {who: int((tidy["initiated"] == who).sum()) for who in ("public", "officer")}
    answered = tidy[(tidy["initiated"] == "public") & tidy["arrived"].notna()]
    report.by_priority = {str(p): int(n) for p, n in answered.groupby("priority", sort=True).size().items()}
    tidy = tidy.sort_values("created", kind="stable")[TIDY_COLUMNS].reset_index(drop=True)
    report.rows_written = len(tidy)
    return tidy, report


def _check_columns(raw: pd.DataFrame, fmt: LogFormat, path: str | Path) -> None:
    """A wrong column map or a file of another format is caught here, before any row is read."""
    for name in REQUIRED_FIELDS:
        if name not in fmt.columns:
            raise LogError(path, f"no column mapped to {name}: give one with --map COLUMN={name}", row=1)
    for name, source in fmt.columns.items():
        if source not in raw.columns:
            shown = ", ".join(list(raw.columns)[:8]) + (", ..." if raw.shape[1] > 8 else "")
            raise LogError(path, f"no such column (mapped to {name}); the file's columns are {shown}",
                           row=1, column=source)


def _times(text: pd.Series | None, fmt: LogFormat, path: str | Path, rows: pd.Series,
           name: str) -> tuple[pd.Series, pd.Series]:
    """Parsed times (NaT where blank or a placeholder) and which cells held a placeholder."""
    if text is None:
        return pd.Series(pd.NaT, index=rows.index, dtype="datetime64[us]"), pd.Series(False, index=rows.index)
    given = text != ""
    times = pd.to_datetime(text.where(given, None), format=fmt.time_format, errors="coerce")
    bad = times.isna() & given
    if bad.any():
        example = "an ISO 8601 time" if fmt.time_format == "ISO8601" else f"a time as {fmt.time_format}"
        raise LogError(path, f"expected {example}, got {text[bad].iloc[0]!r}", row=int(rows[bad].iloc[0]),
                       column=fmt.columns[name])
    if getattr(times.dt, "tz", None) is not None:
        times = times.dt.tz_localize(None)
    placeholder = (times < pd.Timestamp(fmt.placeholder_before)).fillna(False)
    return times.where(~placeholder).astype("datetime64[us]"), placeholder


def _ranks(priority: pd.Series, fmt: LogFormat, path: str | Path, rows: pd.Series) -> pd.Series:
    unknown = ~priority.isin(list(fmt.priority_rank))
    if unknown.any():
        known = ", ".join(fmt.priority_rank)
        raise LogError(path, f"priority {priority[unknown].iloc[0]!r} is not in the format's priority map ({known}):"
                       " give its rank with --rank LABEL=N", row=int(rows[unknown].iloc[0]), column=fmt.columns["priority"])
    return priority.map(fmt.priority_rank).astype(int)


def _place(raw: pd.DataFrame, fmt: LogFormat, column, path: str | Path) -> tuple[pd.Series, pd.Series]:
    """Longitude and latitude from a WKT point column or from two number columns."""
    nan = pd.Series(np.nan, index=raw.index)
    if "point" in fmt.columns:
        text = column("point")
        parts = text.str.extract(POINT)
        bad = parts[0].isna() & (text != "")
        if bad.any():
            raise LogError(path, f"expected a WKT point like 'POINT (-122.41 37.78)', got {text[bad].iloc[0]!r}",
                           row=int(raw["_row"][bad].iloc[0]), column=fmt.columns["point"])
        lon, lat = parts[0].astype(float), parts[1].astype(float)
    elif "lon" in fmt.columns and "lat" in fmt.columns:
        lon, lat = (_numbers(column(n), raw["_row"], path, fmt.columns[n]) for n in ("lon", "lat"))
    else:
        return nan, nan
    for values, low, high, name in ((lon, -180, 180, "lon"), (lat, -90, 90, "lat")):
        bad = (values < low) | (values > high)
        if bad.any():
            source = fmt.columns.get("point", fmt.columns.get(name))
            raise LogError(path, f"expected a {name} from {low} to {high}, got {values[bad].iloc[0]:g}",
                           row=int(raw["_row"][bad].iloc[0]), column=source)
    zero = (lon == 0) & (lat == 0)  # (0, 0) is how many exports write "no place"
    return lon.where(~zero), lat.where(~zero)


def _numbers(text: pd.Series, rows: pd.Series, path: str | Path, source: str) -> pd.Series:
    numbers = pd.to_numeric(text.where(text != "", None), errors="coerce")
    bad = numbers.isna() & (text != "")
    if bad.any():
        raise LogError(path, f"expected a number, got {text[bad].iloc[0]!r}", row=int(rows[bad].iloc[0]), column=source)
    return numbers.astype(float)


def _before_window(created: pd.Series, snapshot: pd.Series | None, fmt: LogFormat) -> pd.Series:
    if snapshot is None or fmt.window_days is None:
        return pd.Series(False, index=created.index)
    taken = pd.to_datetime(snapshot, format=fmt.time_format, errors="coerce").max()
    return (created < taken.floor("D") - pd.Timedelta(days=fmt.window_days)).fillna(False)
