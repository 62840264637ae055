"""The results API: open run folders from a notebook and query them with pyarrow, pandas or SQL.

`open_results(path)` takes a run folder, a sweep folder or a folder of run folders and returns
a `Results`: the per-call and staff records as pyarrow datasets read in place, the statistics
as a tidy frame, SQL over all of it with DuckDB, and the breakdowns researchers otherwise
rewrite in each notebook, always with intervals across replications (see docs/results.md).
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from ..scenario.kinds import CALL_KINDS
from .breakdowns import (CALL_METRICS, OFFICER_ACTIVITIES, call_statistics, officer_utilisation_by_replication,
                         outcome_shares_by_replication, utilisation_by_replication)
from .compare import Difference, differences_frame, paired_differences
from .manifest import SCHEMA_VERSION
from .quantiles import as_quantiles, per_replication_quantiles, summarise_replications
from .statistics import ACTIVITIES
from .storage import CALLS, OFFICERS, SCENARIO, STAFF, SUMMARY

if TYPE_CHECKING:
    import duckdb

SWEEP = "sweep.json"  # written by sim.pipeline.write_sweep_index
KINDS = CALL_KINDS
EXPECTED = ("expected a run folder (summary.json, calls.parquet, staff.parquet, scenario.json), "
            "a sweep folder (sweep.json) or a folder of run folders")

Filter = ds.Expression | Mapping[str, Any] | None


class ResultsError(Exception):
    """A results folder that cannot be opened or a question it cannot answer."""


class NotAResultsFolder(ResultsError):
    """The folder holds no run folder, or a run folder lacks one of its files."""


class IncompatibleResults(ResultsError):
    """The run folder was written with another results schema version than this code reads."""


# --- finding and checking run folders ---------------------------------------------------------

def run_folders(path: Path | str) -> list[Path]:
    """The run folders under `path`, in sweep order when sweep.json says, else by folder name."""
    path = Path(path).expanduser()
    if not path.is_dir():
        raise NotAResultsFolder(f"{path}: no such folder; {EXPECTED}")
    if (path / SUMMARY).is_file():
        return [path]
    if (path / SWEEP).is_file():
        return _sweep_folders(path)
    found = sorted(p for p in path.iterdir()
                   if p.is_dir() and not p.name.startswith(".") and (p / SUMMARY).is_file())
    if not found:
        raise NotAResultsFolder(f"{path}: not a results folder (no summary.json, sweep.json or run subfolders); "
                                f"{EXPECTED}")
    return found


def _sweep_folders(path: Path) -> list[Path]:
    index = _read_json(path / SWEEP, path)
    folders = index.get("folders") if isinstance(index, dict) else None
    if not isinstance(folders, list) or not folders:
        raise NotAResultsFolder(f"{path}: sweep.json lists no run folders under 'folders'")
    missing = [name for name in folders if not (path / name / SUMMARY).is_file()]
    if missing:
        raise NotAResultsFolder(f"{path}: sweep.json lists {missing[0]!r}, which holds no summary.json; "
                                "the sweep is incomplete")
    return [path / name for name in folders]


def _read_json(file: Path, folder: Path) -> Any:
    try:
        return json.loads(file.read_text())
    except json.JSONDecodeError as error:
        raise NotAResultsFolder(f"{folder}: {file.name} is not valid JSON ({error.msg}, line {error.lineno})") \
            from None


def check_run_folder(folder: Path) -> dict[str, Any]:
    """summary.json of a run folder, after checking its schema version and that its files are there.

    The version is checked first: a folder from another version may well lack or rename files,
    and the version says why.
    """
    summary = _read_json(folder / SUMMARY, folder)
    manifest = summary.get("manifest") if isinstance(summary, dict) else None
    version = manifest.get("schema_version") if isinstance(manifest, dict) else None
    if version != SCHEMA_VERSION:
        raise IncompatibleResults(
            f"{folder}: results schema version {'missing' if version is None else version}, this policesim reads "
            f"version {SCHEMA_VERSION}; rerun the scenario with this version, or open it with the one that wrote it")
    missing = [name for name in (CALLS, STAFF, SCENARIO) if not (folder / name).is_file()]
    if missing:
        raise NotAResultsFolder(f"{folder}: run folder without {', '.join(missing)}; {EXPECTED}")
    return summary


def open_results(path: Path | str) -> Results:
    """Open a run folder, a sweep folder or a folder of run folders (its depth-1 subfolders)."""
    return Results(run_folders(path), root=path)


# --- small helpers ----------------------------------------------------------------------------

def as_expression(filter: Filter) -> ds.Expression | None:
    """A pyarrow filter from an expression or a {column: value or list of values} mapping."""
    if filter is None or isinstance(filter, ds.Expression):
        return filter
    if not isinstance(filter, Mapping):
        raise TypeError(f"filter must be a pyarrow.dataset expression or a mapping, got {type(filter).__name__}")
    expression = None
    for column, value in filter.items():
        if isinstance(value, (list, tuple, set, frozenset)):
            term = ds.field(column).isin(list(value))
        else:
            term = ds.field(column) == value
        expression = term if expression is None else expression & term
    return expression


def _and(*filters: ds.Expression | None) -> ds.Expression | None:
    terms = [f for f in filters if f is not None]
    out = terms[0] if terms else None
    for term in terms[1:]:
        out = out & term
    return out


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Categorical key columns (from Parquet dictionaries) as plain strings: easier to merge and filter."""
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.CategoricalDtype):
            frame[column] = frame[column].astype(str)
    return frame


def _check_columns(names: Sequence[str], dataset: ds.Dataset, table: str) -> list[str]:
    names = [names] if isinstance(names, str) else list(names)
    unknown = [n for n in names if n not in dataset.schema.names]
    if unknown:
        raise ValueError(f"unknown {table} column(s) {unknown}; {table} has {dataset.schema.names}")
    return names


def _keys(by: Sequence[str], dataset: ds.Dataset, table: str) -> list[str]:
    keys = _check_columns(by, dataset, table)
    if "replication" in keys:
        raise ValueError("`by` cannot hold replication: results are per replication already "
                         "(pass per_replication=True)")
    return keys


def _tidy_summary(scenario: str, summary: dict[str, Any]) -> pd.DataFrame:
    """One row per metric and replication; replication is missing (<NA>) where summary.json's list
    is shorter than the run's replications, since its positions then cannot be told apart."""
    numbers = summary["manifest"].get("replication_numbers") or list(range(summary["manifest"]["replications"]))
    rows = []
    for m in summary["metrics"]:
        values = m["replications"]
        labels = numbers if len(values) == len(numbers) else [None] * len(values)
        rows += [(scenario, m["metric"], m["by"], str(m["group"]), r, np.nan if v is None else float(v))
                 for r, v in zip(labels, values)]
    frame = pd.DataFrame(rows, columns=["scenario", "metric", "by", "group", "replication", "value"])
    return frame.astype({"replication": "Int64", "value": float})


def _summary_ci(scenario: str, summary: dict[str, Any]) -> pd.DataFrame:
    rows = [(scenario, m["metric"], m["by"], str(m["group"]), m["mean"], m["low"], m["high"], m["n"])
            for m in summary["metrics"]]
    frame = pd.DataFrame(rows, columns=["scenario", "metric", "by", "group", "mean", "low", "high", "n"])
    return frame.astype({"mean": float, "low": float, "high": float, "n": int})


def _view_sql(view: str, files: Sequence[Path], schema: pa.Schema) -> str:
    """A view over Parquet files read in place, with NaN (how unknown times are stored) as SQL NULL,
    so `is null`, `count(x)`, `avg(x)` and `quantile_cont(x, q)` treat them as missing, as pandas does."""
    paths = "[" + ", ".join("'" + str(f).replace("'", "''") + "'" for f in files) + "]"
    nulls = [f"nullif(\"{f.name}\", 'NaN'::double) as \"{f.name}\"" for f in schema if pa.types.is_floating(f.type)]
    replace = f" replace ({', '.join(nulls)})" if nulls else ""
    return f"create view {view} as select *{replace} from read_parquet({paths})"


# --- the Results object -----------------------------------------------------------------------

class Results:
    """One or more run folders opened together; the files are read in place, never copied."""

    def __init__(self, folders: Sequence[Path | str], root: Path | str | None = None) -> None:
        self.root = Path(root if root is not None else folders[0]).expanduser()
        self.folders: dict[str, Path] = {}
        self.manifests: dict[str, dict[str, Any]] = {}
        self.scenarios: dict[str, dict[str, Any]] = {}
        self._summaries: dict[str, dict[str, Any]] = {}
        for folder in map(Path, folders):
            summary = check_run_folder(folder)
            name = summary["manifest"]["scenario"]
            if name in self.folders:
                raise ResultsError(f"{self.root}: {self.folders[name]} and {folder} both hold scenario {name!r}; "
                                   "open them separately")
            self.folders[name] = folder
            self.manifests[name] = summary["manifest"]
            self.scenarios[name] = _read_json(folder / SCENARIO, folder)
            self._summaries[name] = summary
        self.scenario_names: list[str] = list(self.folders)
        self._connection = None

    def __repr__(self) -> str:
        reps = sorted({m["replications"] for m in self.manifests.values()})
        return (f"Results({self.root}: {len(self.scenario_names)} scenario(s) {', '.join(self.scenario_names)}; "
                f"replications {'/'.join(map(str, reps))})")

    # --- records ---------------------------------------------------------------------------

    @cached_property
    def calls(self) -> ds.Dataset:
        """Every call of every scenario and replication, as a dataset over the calls.parquet files."""
        return ds.dataset([str(f / CALLS) for f in self.folders.values()], format="parquet")

    @cached_property
    def staff(self) -> ds.Dataset:
        """Staff minutes by scenario, replication, district, role and hour of day, read in place."""
        return ds.dataset([str(f / STAFF) for f in self.folders.values()], format="parquet")

    @cached_property
    def officers(self) -> ds.Dataset:
        """One row per officer and shift occurrence (time on duty, busy by kind, calls taken), read in place.

        Folders written before officer-level results have no officers.parquet: that is an error here.
        """
        missing = [str(f) for f in self.folders.values() if not (f / OFFICERS).is_file()]
        if missing:
            raise NotAResultsFolder(f"{missing[0]}: no {OFFICERS} (written by an older policesim); "
                                    "rerun the scenario for officer-level results")
        return ds.dataset([str(f / OFFICERS) for f in self.folders.values()], format="parquet")

    def calls_frame(self, columns: Sequence[str] | None = None, filter: Filter = None) -> pd.DataFrame:
        """Calls as a pandas frame: only the columns and rows asked for are read (string columns as categoricals)."""
        return self._frame(self.calls, "calls", columns, filter)

    def staff_frame(self, columns: Sequence[str] | None = None, filter: Filter = None) -> pd.DataFrame:
        """Staff minutes as a pandas frame, like `calls_frame`."""
        return self._frame(self.staff, "staff", columns, filter)

    def officers_frame(self, columns: Sequence[str] | None = None, filter: Filter = None) -> pd.DataFrame:
        """Officer time per shift occurrence as a pandas frame, like `calls_frame`."""
        return self._frame(self.officers, "officers", columns, filter)

    def _frame(self, dataset: ds.Dataset, table: str, columns: Sequence[str] | None, filter: Filter) -> pd.DataFrame:
        columns = None if columns is None else _check_columns(columns, dataset, table)
        return dataset.to_table(columns=columns, filter=as_expression(filter)).to_pandas()

    # --- statistics from summary.json ------------------------------------------------------

    @cached_property
    def _summary(self) -> pd.DataFrame:
        return pd.concat([_tidy_summary(s, self._summaries[s]) for s in self.scenario_names], ignore_index=True)

    @property
    def summary(self) -> pd.DataFrame:
        """Every metric of summary.json, tidy: scenario, metric, by, group, replication, value."""
        return self._summary.copy()

    @property
    def summary_ci(self) -> pd.DataFrame:
        """Mean and 95% interval across replications of each metric: scenario, metric, by, group, mean, low, high, n."""
        return pd.concat([_summary_ci(s, self._summaries[s]) for s in self.scenario_names], ignore_index=True)

    @property
    def monitors(self) -> pd.DataFrame:
        """summary.json's run monitors (one row per scenario and replication)."""
        return pd.DataFrame([{"scenario": s, **m} for s in self.scenario_names
                             for m in self._summaries[s].get("monitors", [])])

    # --- SQL -------------------------------------------------------------------------------

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """This object's DuckDB connection, with views calls, staff, officers (where every folder has
        officers.parquet), summary and summary_ci."""
        if self._connection is None:
            import duckdb  # only when SQL is used

            con = duckdb.connect()
            views = [("calls", CALLS, lambda: self.calls), ("staff", STAFF, lambda: self.staff)]
            if all((f / OFFICERS).is_file() for f in self.folders.values()):
                views.append(("officers", OFFICERS, lambda: self.officers))
            for view, name, dataset in views:
                con.execute(_view_sql(view, [f / name for f in self.folders.values()], dataset().schema))
            con.register("summary", self._summary)
            con.register("summary_ci", self.summary_ci)
            self._connection = con
        return self._connection

    def sql(self, query: str, params: Sequence[Any] | Mapping[str, Any] | None = None) -> pd.DataFrame:
        """Run a DuckDB query over the views calls, staff, officers, summary and summary_ci; a pandas frame back."""
        con = self.connection
        return (con.execute(query, params) if params is not None else con.execute(query)).df()

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- helpers ---------------------------------------------------------------------------

    def _calls_for(self, metric: str, keys: list[str], kind: str | None, filter: Filter) -> pd.DataFrame:
        """The columns a breakdown needs, of calls of `kind` that have a value of `metric`."""
        if kind is not None and kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS} or None, got {kind!r}")
        where = _and(pc.is_finite(pc.field(metric)), None if kind is None else ds.field("kind") == kind,
                     as_expression(filter))
        columns = list(dict.fromkeys([*keys, "replication", metric]))
        return self.calls.to_table(columns=columns, filter=where).to_pandas()

    def response_quantiles(self, q: float | Sequence[float] = (0.5, 0.9),
                           by: Sequence[str] = ("scenario", "priority"), interval: str = "replication",
                           level: float = 0.95, n_boot: int = 2000, seed: int = 0, filter: Filter = None,
                           per_replication: bool = False) -> pd.DataFrame:
        """Quantiles of the response time to field calls, with intervals across replications.

        The quantile is computed per replication (linear interpolation, as summary.json and
        DuckDB's quantile_cont do); `mean` is their mean over replications. Returns by..., q,
        mean, low, high, n, or with per_replication=True by..., replication, q, value.
        """
        keys = _keys(by, self.calls, "calls")
        frame = self._calls_for("response_min", keys, "field", filter)
        tidy = per_replication_quantiles(frame, "response_min", keys, as_quantiles(q))
        if per_replication:
            return _plain(tidy)
        return _plain(summarise_replications(tidy, [*keys, "q"], interval, level, n_boot, seed))

    def breakdown(self, metric: str = "response_min", by: Sequence[str] = ("scenario",),
                  q: float | Sequence[float] | None = (0.5, 0.9), kind: str | None = "field",
                  interval: str = "replication", level: float = 0.95, n_boot: int = 2000, seed: int = 0,
                  filter: Filter = None, per_replication: bool = False) -> pd.DataFrame:
        """Mean and quantiles of a per-call `metric` by any calls columns, with intervals across replications.

        Returns by..., statistic (mean, p50, p90...), mean, low, high, n; with per_replication=True
        by..., replication, statistic, value. `kind=None` takes calls of every kind.
        """
        if metric not in CALL_METRICS:
            raise ValueError(f"metric must be one of {CALL_METRICS}, got {metric!r}")
        keys = _keys(by, self.calls, "calls")
        frame = self._calls_for(metric, keys, kind, filter)
        no_quantiles = q is None or (not np.isscalar(q) and len(q) == 0)
        tidy = call_statistics(frame, metric, keys, [] if no_quantiles else as_quantiles(q))
        if per_replication:
            return _plain(tidy)
        return _plain(summarise_replications(tidy, [*keys, "statistic"], interval, level, n_boot, seed))

    def by_hour(self, metric: str = "response_min", by: Sequence[str] = ("scenario",),
                q: float | Sequence[float] = (0.5, 0.9), kind: str | None = "field",
                interval: str = "replication", level: float = 0.95, n_boot: int = 2000, seed: int = 0,
                filter: Filter = None, per_replication: bool = False) -> pd.DataFrame:
        """`breakdown` by `by` and hour of day (of the call's creation); add "priority" to `by` to split it."""
        return self.breakdown(metric, [*by, "hour_of_day"], q, kind, interval, level, n_boot, seed, filter,
                              per_replication)

    def by_district(self, metric: str = "response_min", by: Sequence[str] = ("scenario",),
                    q: float | Sequence[float] = (0.5, 0.9), kind: str | None = "field",
                    interval: str = "replication", level: float = 0.95, n_boot: int = 2000, seed: int = 0,
                    filter: Filter = None, per_replication: bool = False) -> pd.DataFrame:
        """`breakdown` by `by` and district (of the call's location)."""
        return self.breakdown(metric, [*by, "district"], q, kind, interval, level, n_boot, seed, filter,
                              per_replication)

    def outcomes(self, by: Sequence[str] = ("scenario", "priority"), kind: str | None = "field",
                 interval: str = "replication", level: float = 0.95, n_boot: int = 2000, seed: int = 0,
                 filter: Filter = None, per_replication: bool = False) -> pd.DataFrame:
        """Share of calls completed, abandoned, referred, cancelled or still open, by any calls columns.

        Returns by..., outcome, mean, low, high, n; with per_replication=True by..., replication,
        outcome, value. `kind=None` takes calls of every kind.
        """
        if kind is not None and kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS} or None, got {kind!r}")
        keys = _keys(by, self.calls, "calls")
        where = _and(None if kind is None else ds.field("kind") == kind, as_expression(filter))
        columns = list(dict.fromkeys([*keys, "replication", "outcome"]))
        frame = _plain(self.calls.to_table(columns=columns, filter=where).to_pandas())
        tidy = outcome_shares_by_replication(frame, keys)
        if per_replication:
            return _plain(tidy)
        return _plain(summarise_replications(tidy, [*keys, "outcome"], interval, level, n_boot, seed))

    def utilisation(self, by: Sequence[str] = ("scenario", "district", "role"), hour: bool = False,
                    interval: str = "replication", level: float = 0.95, n_boot: int = 2000, seed: int = 0,
                    filter: Filter = None, per_replication: bool = False) -> pd.DataFrame:
        """Share of on-duty time in field, desk, prevention, idle and busy (field + desk) work, from staff.

        Returns by..., [hour_of_day,] activity, mean, low, high, n; with per_replication=True
        by..., [hour_of_day,] replication, activity, value.
        """
        keys = _keys([*by, "hour_of_day"] if hour else by, self.staff, "staff")
        columns = list(dict.fromkeys([*keys, "replication", "on_duty_min", *(f"{a}_min" for a in ACTIVITIES)]))
        staff = self.staff.to_table(columns=columns, filter=as_expression(filter)).to_pandas()
        tidy = utilisation_by_replication(staff, keys)
        if per_replication:
            return _plain(tidy)
        return _plain(summarise_replications(tidy, [*keys, "activity"], interval, level, n_boot, seed))

    def officer_utilisation(self, by: Sequence[str] = ("scenario", "station"), interval: str = "replication",
                            level: float = 0.95, n_boot: int = 2000, seed: int = 0, filter: Filter = None,
                            per_replication: bool = False) -> pd.DataFrame:
        """Share of officers' on-duty time by activity (travel, on_scene, paperwork, desk, prevention, idle,
        overtime, busy) by any officers columns (station, shift, role, officer, weekday...), from officers.parquet.

        Returns by..., activity, mean, low, high, n; with per_replication=True by..., replication, activity, value.
        """
        keys = _keys(by, self.officers, "officers")
        columns = list(dict.fromkeys([*keys, "replication", "on_duty_min", *(f"{a}_min" for a in OFFICER_ACTIVITIES)]))
        officers = self.officers.to_table(columns=columns, filter=as_expression(filter)).to_pandas()
        tidy = officer_utilisation_by_replication(officers, keys)
        if per_replication:
            return _plain(tidy)
        return _plain(summarise_replications(tidy, [*keys, "activity"], interval, level, n_boot, seed))

    # --- paired comparison -----------------------------------------------------------------

    def _pair(self, a: str | None, b: str | None) -> tuple[str, str]:
        names = self.scenario_names
        if (a is None or b is None) and len(names) < 2:
            raise ValueError(f"{self.root} holds one scenario ({names[0]}): nothing to compare it with")
        a = names[0] if a is None else a
        b = names[1] if b is None else b
        for name in (a, b):
            if name not in self.manifests:
                raise ValueError(f"no scenario {name!r} in {self.root}; scenarios: {names}")
        seeds = self.manifests[a]["seed"], self.manifests[b]["seed"]
        if seeds[0] != seeds[1]:
            warnings.warn(f"{a} used seed {seeds[0]}, {b} used seed {seeds[1]}: replications are not paired "
                          "by common random numbers", stacklevel=3)
        return a, b

    def _replication_lists(self, scenario: str, replications: list[int]) -> pd.DataFrame:
        """summary.json's shape (metric, by, group, replications) over the given replications, in order,
        so compare.paired_differences pairs replication r with replication r."""
        tidy = self._summary[(self._summary.scenario == scenario) & self._summary.replication.notna()]
        wide = tidy.pivot_table(index=["metric", "by", "group"], columns="replication", values="value",
                                aggfunc="first", dropna=False).reindex(columns=replications)
        return pd.DataFrame({"replications": list(wide.to_numpy(dtype=float))}, index=wide.index).reset_index()

    def _paired_frames(self, a: str, b: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        common = sorted(set(self.manifests[a]["replication_numbers"]) & set(self.manifests[b]["replication_numbers"]))
        return self._replication_lists(a, common), self._replication_lists(b, common)

    def paired_difference(self, metric: str, by: str = "all", group: str | int = "all",
                          a: str | None = None, b: str | None = None) -> Difference:
        """b - a of one summary metric, paired by replication (common random numbers); a and b default
        to the first two scenarios. The difference, its interval and the unpaired one come from
        sim.results.compare.paired_differences, as `policesim compare` reports them."""
        a, b = self._pair(a, b)
        key = (metric, by, str(group))
        frames = [f[(f.metric == key[0]) & (f.by == key[1]) & (f.group == key[2])] for f in self._paired_frames(a, b)]
        found = paired_differences(*frames)
        if not found:
            raise ValueError(f"metric {metric!r} by {by!r} group {str(group)!r} has no paired values in both "
                             f"{a} and {b}; see Results.summary_ci for the metrics there are")
        return found[0]

    def differences(self, a: str | None = None, b: str | None = None) -> pd.DataFrame:
        """Every metric's paired difference b - a, as a frame (the table `policesim compare` prints)."""
        a, b = self._pair(a, b)
        return differences_frame(paired_differences(*self._paired_frames(a, b)))
