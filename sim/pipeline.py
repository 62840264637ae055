"""What `policesim run` and `sweep` do, end to end: plan tasks, run them, finalize run folders.

Sits on top with the CLI: it drives the experiment layer, then the results layer. Parts are
staged in a hidden folder beside the output and kept until every run folder is complete, so an
interrupted experiment can be resumed; a finished one leaves only complete run folders.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from .atomic import replace_folder, write_json_atomic
from .experiment import TaskFailure, make_executor, plan_tasks, run_tasks
from .experiment.tasks import part_path
from .report.check_report import CHECK_HTML, write_check_report
from .plan.estimate import estimate
from .report.estimate_chart import ESTIMATE
from .report.run_report import write_run_report
from .results.check import replays_observed_times, write_check_result
from .results.manifest import scenario_hash
from .results.statistics import METRIC_CALL_COLUMNS, across_replications, precise_enough, replication_metrics
from .results.storage import finalize_run, targets_of
from .scenario.schema import Scenario

PLAN = "plan.json"
SWEEP_INDEX = "sweep.json"
PRECISION_CAP = 100


class ResumeMismatch(Exception):
    """The staged parts belong to other scenarios or another seed than the run being resumed."""


@dataclass
class Job:
    scenario: Scenario
    out: Path


@dataclass
class ExperimentResult:
    summaries: dict[str, dict[str, Any]] = field(default_factory=dict)
    failures: list[TaskFailure] = field(default_factory=list)
    calls_simulated: int = 0
    replications: int = 0
    precision_reached: bool | None = None  # None: no --precision asked for
    cap: int | None = None  # the replication cap of a --precision run


def staging_folder(out: Path) -> Path:
    return out.parent / f".{out.name}.parts"


def with_warmup(scenario: Scenario, warmup_days: float | None) -> Scenario:
    """`scenario` with another warm-up (`None` keeps its own): warm-up 0 is for choosing one."""
    if warmup_days is None:
        return scenario
    return scenario.model_copy(update={"run": scenario.run.model_copy(update={"warmup_days": warmup_days})})


def _prepare_parts(parts: Path, jobs: list[Job], plan: dict[str, Any], resume: bool) -> None:
    """Start a clean staging folder, or on resume check that its parts belong to this run."""
    plan = {**plan, "scenarios": {j.scenario.name: scenario_hash(j.scenario) for j in jobs}}
    plan_file = parts / PLAN
    if resume and plan_file.exists():
        staged = json.loads(plan_file.read_text())
        if staged != plan:
            raise ResumeMismatch(
                f"{parts}: the interrupted run had other scenarios, seed or replications; "
                "run without --resume"
            )
        return
    if parts.exists():
        shutil.rmtree(parts)
    parts.mkdir(parents=True)
    write_json_atomic(plan_file, plan)


def _replication_metrics(parts: Path, scenario: Scenario, replication: int) -> pd.DataFrame:
    calls = pq.read_table(part_path(parts, "calls", scenario.name, replication),
                          columns=list(METRIC_CALL_COLUMNS)).to_pandas()
    staff = pq.read_table(part_path(parts, "staff", scenario.name, replication)).to_pandas()
    officers = pq.read_table(part_path(parts, "officers", scenario.name, replication)).to_pandas()
    metrics = replication_metrics(calls, staff, targets_of(scenario), officers)
    return metrics.assign(replication=replication)


def _precise(parts: Path, jobs: list[Job], done: int, precision: float, cache: dict) -> bool:
    """Whether replications 0..done-1 of every job meet `precision`; metrics are cached by part."""
    for job in jobs:
        frames = []
        for replication in range(done):
            key = (job.scenario.name, replication)
            if key not in cache:
                cache[key] = _replication_metrics(parts, job.scenario, replication)
            frames.append(cache[key])
        if not precise_enough(across_replications(pd.concat(frames, ignore_index=True)), precision):
            return False
    return True


def run_experiment(jobs: list[Job], parts: Path, replications: int, seed: int, workers: int | None = None,
                   dask_address: str | None = None, resume: bool = False, precision: float | None = None,
                   show_progress: bool = True, max_replications: int | None = None) -> ExperimentResult:
    """Run every job's replications with common seeds and write each job's complete run folder.

    With `precision`, replications are added in doubling rounds until every headline metric of
    every job is precise enough or `max_replications` (default PRECISION_CAP) is reached.
    """
    cap = max(max_replications or PRECISION_CAP, replications)
    plan = {"seed": seed, "replications": replications, "precision": precision, "cap": cap}
    _prepare_parts(parts, jobs, plan, resume)
    result = ExperimentResult()
    merger = Merger(parts, jobs, seed)
    executor = make_executor(workers, dask_address)
    scenarios = [j.scenario for j in jobs]
    cache: dict = {}
    try:
        done, batch = 0, replications
        while True:
            tasks = plan_tasks(scenarios, batch, seed, parts, first=done)
            on_done = merger.expect(tasks) if precision is None else None  # else: is this round the last?
            outcome = run_tasks(tasks, executor, resume=resume, show_progress=show_progress, on_done=on_done)
            result.failures += outcome.failures
            result.calls_simulated += outcome.calls_simulated
            done += batch
            if result.failures or precision is None:
                break
            result.precision_reached = _precise(parts, jobs, done, precision, cache)
            if result.precision_reached or done >= cap:
                break
            batch = min(done, cap - done)  # double the replications each round
        failed = {f.scenario for f in result.failures}
        merger.merge_rest(executor, [j for j in jobs if j.scenario.name not in failed])
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
    result.replications, result.cap = done, (cap if precision is not None else None)
    result.summaries = merger.publish()
    if not result.failures:
        shutil.rmtree(parts, ignore_errors=True)
    return result


def merge_run(parts: Path, scenario: Scenario, seed: int, folder: Path) -> dict[str, Any]:
    """A complete run folder at `folder`, its report included, so the report moves in with it."""
    summary = finalize_run(parts, scenario, seed, folder)
    write_json_atomic(folder / ESTIMATE, estimate(scenario))
    write_run_report(folder)
    if replays_observed_times(scenario):
        write_check_report(write_check_result(folder), folder / CHECK_HTML, scenario.name)
    return summary


class Merger:
    """Merges each scenario's parts into its run folder (report included), staged inside the parts folder.

    A scenario is merged as soon as its last task is done, in this process while the workers
    run the other scenarios' tasks, so merging adds no serial tail; the run folders are put in
    place together at the end, so an interrupted sweep never mixes new and old scenario folders.
    """

    def __init__(self, parts: Path, jobs: list[Job], seed: int) -> None:
        self.parts, self.seed = parts, seed
        self.jobs = {job.scenario.name: job for job in jobs}
        self.remaining: dict[str, int] = {}
        self.summaries: dict[str, dict[str, Any]] = {}

    def staged(self, name: str) -> Path:
        return self.parts / "merged" / name

    def expect(self, tasks: list) -> Callable[[Any], None]:
        """The callback for `run_tasks`: counts each scenario's tasks down and merges at zero."""
        for task in tasks:
            self.remaining[task.scenario.name] = self.remaining.get(task.scenario.name, 0) + 1
        return self._task_done

    def _task_done(self, task) -> None:
        name = task.scenario.name
        self.remaining[name] -= 1
        if self.remaining[name] == 0:
            self.summaries[name] = merge_run(self.parts, self.jobs[name].scenario, self.seed, self.staged(name))

    def merge_rest(self, executor: Executor, jobs: list[Job]) -> None:
        """Merge the jobs not merged yet on the workers, side by side (after a precision loop)."""
        futures = {job.scenario.name: executor.submit(merge_run, self.parts, job.scenario, self.seed,
                                                      self.staged(job.scenario.name))
                   for job in jobs if job.scenario.name not in self.summaries}
        self.summaries.update({name: future.result() for name, future in futures.items()})

    def publish(self) -> dict[str, dict[str, Any]]:
        """Put every merged run folder in place; returns their summaries."""
        for name in self.summaries:
            self.jobs[name].out.parent.mkdir(parents=True, exist_ok=True)
            replace_folder(self.staged(name), self.jobs[name].out)
        return self.summaries


def write_sweep_index(out: Path, jobs: list[Job], seed: int) -> None:
    """`sweep.json`: which run folders make up a sweep, in the order given, and their common seed."""
    write_json_atomic(out / SWEEP_INDEX, {
        "scenarios": [job.scenario.name for job in jobs],
        "folders": [job.out.name for job in jobs],
        "seed": seed,
    })
