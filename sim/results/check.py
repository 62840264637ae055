"""Observed against simulated, per priority: is the model close enough to what really happened?

Three times per call, the same way on both sides: response (arrived - created), dispatch delay
(dispatched - created) and time on scene. A run that replays the log is compared call by call
(the run's `log_call_id`); any other run, such as a scenario fitted to the log, is compared by
priority rank over all its field calls against the log's public, unflagged calls.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from ..atomic import write_json_atomic
from ..logs import read_tidy_log
from ..scenario.schema import Scenario

MEASURES = {
    "response_min": "response (arrived - created)",
    "dispatch_delay_min": "dispatch delay (dispatched - created)",
    "on_scene_min": "time on scene",
}
CHECK_JSON = "check.json"
TIME_DIGITS = 4  # minutes: far below the log's one second, far above the float noise of clock differences


class CheckError(Exception):
    """A run folder or log that cannot be checked; printable as one line."""


@dataclass
class CheckResult:
    """The comparison table and the samples behind it (for ECDF charts)."""

    mode: str  # "call by call" (a replay) or "by priority rank"
    source: str
    table: pd.DataFrame
    observed: pd.DataFrame = field(repr=False)
    simulated: pd.DataFrame = field(repr=False)

    def to_json(self) -> dict[str, Any]:
        rows = self.table.astype(object).where(self.table.notna(), None).to_dict(orient="records")
        return {"mode": self.mode, "log": self.source, "measures": MEASURES, "rows": rows}


def observed_from_log(frame: pd.DataFrame) -> pd.DataFrame:
    """A tidy log's calls as the three times per call, with their priority label and rank."""
    created = frame["created"]
    return pd.DataFrame({
        "log_call_id": frame["call_id"].astype(str),
        "label": frame["priority"].astype(str),
        "rank": frame["priority_rank"].astype(int),
        "response_min": (frame["arrived"] - created).dt.total_seconds() / 60.0,
        "dispatch_delay_min": (frame["dispatched"] - created).dt.total_seconds() / 60.0,
        "on_scene_min": frame["on_scene_min"].astype(float),
        "public": frame["initiated"] == "public",
        "clean": frame["flags"] == "",
    })


def observed_from_scenario(scenario: dict[str, Any]) -> pd.DataFrame | None:
    """The observed times a replaying scenario carries (its scenario.json), or None."""
    calls = (scenario.get("demand_log") or {}).get("calls")
    if not calls:
        return None
    return pd.DataFrame({
        "log_call_id": calls["log_call_id"],
        "label": calls["priority_label"],
        "rank": 0,
        **{name: pd.array(calls[name], dtype="Float64").astype(float)
           for name in ("response_min", "dispatch_delay_min", "on_scene_min")},
        "public": True,
        "clean": True,
    })


def simulated_calls(run: Path) -> pd.DataFrame:
    """A run folder's field calls as the same three times per call."""
    path = run / "calls.parquet"
    if not path.is_file():
        raise CheckError(f"{run}: not a run folder (no calls.parquet); expected the output of policesim run")
    columns = ["replication", "priority", "kind", "created_min", "dispatched_min", "arrived_min", "completed_min"]
    names = pq.read_schema(path).names
    calls = pq.read_table(path, columns=columns + (["log_call_id"] if "log_call_id" in names else [])).to_pandas()
    calls = calls[calls["kind"].astype(str) == "field"]
    return pd.DataFrame({
        "log_call_id": calls["log_call_id"] if "log_call_id" in calls else None,
        "replication": calls["replication"],
        "priority": calls["priority"].astype(int),
        "response_min": calls["arrived_min"] - calls["created_min"],
        "dispatch_delay_min": calls["dispatched_min"] - calls["created_min"],
        "on_scene_min": calls["completed_min"] - calls["arrived_min"],
    })


def check_run(run: Path, log: Path | None = None) -> CheckResult:
    """Compare the run folder `run` with `log` (default: the log its scenario replayed)."""
    scenario = _scenario_of(run)
    targets = {int(k): float(v) for k, v in scenario["targets"]["response_min"].items()}
    if log is not None:
        observed, source = observed_from_log(read_tidy_log(log)), str(log)
    else:
        observed, source = observed_from_scenario(scenario), "the scenario's demand_log"
        if observed is None:
            raise CheckError(f"{run}: the run does not replay a log; name the log to check it against")
    simulated = simulated_calls(run)
    replayed = simulated["log_call_id"].notna()
    if replayed.any():
        return _call_by_call(observed, simulated[replayed], targets, source)
    return _by_rank(observed, simulated, targets, source)


def _scenario_of(run: Path) -> dict[str, Any]:
    path = run / "scenario.json"
    if not path.is_file():
        raise CheckError(f"{run}: not a run folder (no scenario.json); expected the output of policesim run")
    return json.loads(path.read_text(encoding="utf-8"))


def _call_by_call(observed: pd.DataFrame, simulated: pd.DataFrame, targets: dict[int, float],
                  source: str) -> CheckResult:
    """The replayed calls on both sides, grouped by the log's own priority label."""
    observed = observed[observed["log_call_id"].isin(simulated["log_call_id"])].set_index("log_call_id")
    simulated = simulated.assign(group=observed["label"].reindex(simulated["log_call_id"]).to_numpy())
    priority = simulated.groupby("group")["priority"].agg(lambda p: int(p.mode().iloc[0]))
    observed = observed.assign(group=observed["label"])
    for frame in (observed, simulated):
        frame["target_min"] = frame["group"].map(priority).map(targets)
    if observed.empty:
        raise CheckError(f"{source}: none of the run's replayed calls is in this log")
    return _compare("call by call", source, observed.reset_index(), simulated)


def _by_rank(observed: pd.DataFrame, simulated: pd.DataFrame, targets: dict[int, float], source: str) -> CheckResult:
    """All field calls of each priority against the log's public, unflagged calls of that rank."""
    observed = observed[observed["public"] & observed["clean"]]
    labels = observed.groupby("rank")["label"].agg(lambda s: "/".join(sorted(set(s))))
    observed = observed.assign(group=observed["rank"].map(lambda r: f"{r} ({labels[r]})"))
    simulated = simulated.assign(group=simulated["priority"].map(
        lambda p: f"{p} ({labels[p]})" if p in labels.index else f"{p} (-)"))
    observed["target_min"] = observed["rank"].map(targets)
    simulated["target_min"] = simulated["priority"].map(targets)
    return _compare("by priority rank", source, observed, simulated)


def _compare(mode: str, source: str, observed: pd.DataFrame, simulated: pd.DataFrame) -> CheckResult:
    from scipy import stats  # imported here: a second and 60 MB that every other command would pay

    rows = []
    for group in sorted(set(observed["group"]) | set(simulated["group"])):
        seen, model = observed[observed["group"] == group], simulated[simulated["group"] == group]
        target = _first(seen["target_min"]) if len(seen) else _first(model["target_min"])
        for measure in MEASURES:
            a, b = _known(seen[measure]), _known(model[measure])
            rows.append({
                "priority": group, "measure": measure, "target_min": target if measure == "response_min" else None,
                "observed_n": len(a), "simulated_n": len(b),
                "observed_median": _quantile(a, 0.5), "simulated_median": _quantile(b, 0.5),
                "observed_p90": _quantile(a, 0.9), "simulated_p90": _quantile(b, 0.9),
                "observed_within_target": _within(a, target) if measure == "response_min" else None,
                "simulated_within_target": _within(b, target) if measure == "response_min" else None,
                "ks_distance": float(stats.ks_2samp(a, b).statistic) if len(a) and len(b) else None,
            })
    columns = ["group", "target_min", *MEASURES]
    return CheckResult(mode, source, pd.DataFrame(rows), observed[columns], simulated[columns])


def _known(values: pd.Series) -> np.ndarray:
    values = np.round(values.to_numpy(dtype=float), TIME_DIGITS)
    return values[np.isfinite(values)]


def _first(values: pd.Series) -> float | None:
    known = values.dropna()
    return float(known.iloc[0]) if len(known) else None


def _quantile(values: np.ndarray, q: float) -> float | None:
    return float(np.quantile(values, q)) if len(values) else None


def _within(values: np.ndarray, target: float | None) -> float | None:
    """Share of the calls with a known response that were reached within the target."""
    if not len(values) or target is None or not math.isfinite(target):
        return None
    return float(np.mean(values <= target))


def write_check(result: CheckResult, run: Path) -> Path:
    """check.json in the run folder: the table, how it was matched and against which log."""
    path = run / CHECK_JSON
    write_json_atomic(path, result.to_json())
    return path


def replays_observed_times(scenario: Scenario) -> bool:
    """Whether `scenario` replays a log with any observed dispatch or arrival time to check against."""
    calls = scenario.demand_log.calls if scenario.demand_log is not None else None
    return calls is not None and any(v is not None for v in (*calls.response_min, *calls.dispatch_delay_min))


def write_check_result(run: Path) -> CheckResult:
    """Check a replay's run folder against the log its scenario carries; writes check.json."""
    result = check_run(run)
    write_check(result, run)
    return result
