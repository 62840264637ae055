"""A scenario's `[demand_log]`: the tidy log's rows chosen, mapped to call types and timed.

Done when loading, so the scenario carries the replayed calls as plain columns and the model
never reads a file; every row left out is counted by reason, never dropped silently.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from ..logs import LogError, read_tidy_log
from .errors import ScenarioError, show_value
from .schema import DemandLog, LoggedCalls, Scenario

MINUTES_PER_WEEK = 7 * 1440


def with_logged_calls(scenario: Scenario, named_by: Path) -> Scenario:
    """`scenario` with its demand log read from `file` (relative to `named_by`, the scenario that names it)."""
    log = scenario.demand_log
    if log is None or not log.file:
        return scenario
    source = named_by.parent / log.file
    if not source.is_file():
        raise ScenarioError(named_by, "demand_log.file", f"expected an existing tidy log, got {show_value(log.file)}")
    try:
        frame = read_tidy_log(source)
    except LogError as error:
        where = ", ".join(part for part in (f"row {error.row}" if error.row else "",
                                            f"column {error.column}" if error.column else "") if part)
        raise ScenarioError(source, f"demand_log.file ({where})" if where else "demand_log.file", error.message) from None
    calls, start = logged_calls(frame, log)
    if not calls.log_call_id:
        counts = ", ".join(f"{reason} {n}" for reason, n in calls.skipped.items())
        raise ScenarioError(named_by, "demand_log", f"expected calls to replay, every row was left out ({counts})")
    log = log.model_copy(update={"calls": calls, "start": start})
    return scenario.model_copy(update={"demand_log": log})


def logged_calls(frame: pd.DataFrame, log: DemandLog) -> tuple[LoggedCalls, str]:
    """The rows of a tidy log that `log` replays, as columns, and the start time used."""
    skipped: dict[str, int] = {}

    def leave_out(mask: pd.Series, reason: str) -> pd.DataFrame:
        if mask.any():
            skipped[reason] = skipped.get(reason, 0) + int(mask.sum())
        return frame[~mask]

    for initiated in ("public", "officer"):
        if initiated not in log.initiated:
            frame = leave_out(frame["initiated"] == initiated, f"{initiated}-initiated")
    if log.skip_flagged:
        frame = leave_out(frame["flags"] != "", "flagged")
    key = frame["priority"] if log.match == "priority" else frame["call_type"]
    frame = leave_out(~key.isin(log.call_types), f"{log.match} not in demand_log.call_types")
    if log.start is not None:
        start = pd.Timestamp(datetime.fromisoformat(log.start))
    elif len(frame):
        start = frame["created"].min().normalize()
    else:
        start = pd.Timestamp("2000-01-03")
    frame = leave_out(frame["created"] < start, "before demand_log.start")
    frame = frame.sort_values("created", kind="stable")
    key = frame["priority"] if log.match == "priority" else frame["call_type"]

    def minutes(later: str) -> list[float | None]:
        return _optional((frame[later] - frame["created"]).dt.total_seconds().to_numpy() / 60.0)

    on_scene = frame["on_scene_min"].to_numpy(dtype=float)
    calls = LoggedCalls(
        log_call_id=frame["call_id"].tolist(),
        offset_min=((frame["created"] - start).dt.total_seconds() / 60.0).tolist(),
        call_type=[log.call_types[k] for k in key],
        priority_label=frame["priority"].tolist(),
        lon=_optional(frame["lon"].to_numpy(dtype=float)),
        lat=_optional(frame["lat"].to_numpy(dtype=float)),
        district=frame["district"].tolist(),
        on_scene_min=_optional(np.where(on_scene >= 0, on_scene, np.nan)),
        dispatch_delay_min=minutes("dispatched"),
        response_min=minutes("arrived"),
        skipped=skipped,
    )
    return calls, start.strftime("%Y-%m-%dT%H:%M:%S")


def _optional(values: np.ndarray) -> list[float | None]:
    """NaN (unknown) as None, which the scenario's JSON can hold."""
    return [None if np.isnan(v) else float(v) for v in values]


def start_hour_of_week(log: DemandLog) -> float:
    """Hours from Monday 00:00 to the log's start, in the log's own calendar."""
    moment = datetime.fromisoformat(log.start) if log.start else datetime(2000, 1, 3)
    return moment.weekday() * 24 + moment.hour + moment.minute / 60 + moment.second / 3600


def log_placement_min(log: DemandLog, warmup_min: float) -> float:
    """Simulation minute at which the log's start is placed.

    The model's week starts on a Monday at 00:00; the log starts at the first moment at or after
    the end of the warm-up that has the same weekday and time of day as its `start`, so shifts,
    station hours and the hour-of-week profiles of the other call types line up with its calendar.
    """
    shift = (start_hour_of_week(log) * 60 - warmup_min) % MINUTES_PER_WEEK
    return warmup_min + shift


def calls_after_the_run(scenario: Scenario) -> int:
    """Replayed calls that would arrive after the run ends (a horizon shortened on the command line)."""
    log = scenario.demand_log
    if log is None or log.calls is None:
        return 0
    run = scenario.run
    total_min = (run.warmup_days + run.horizon_days) * 1440.0
    start = log_placement_min(log, run.warmup_days * 1440.0)
    return sum(start + offset >= total_min for offset in log.calls.offset_min)
