"""What `policesim run` and `sweep` do, end to end: plan tasks, run them, finalize run folders.

Sits on top with the CLI: it drives the experiment layer, then the results layer. Parts are
staged in a hidden folder beside the output and kept until every run folder is complete, so an
interrupted experiment can be resumed; a finished one leaves only complete run folders.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .atomic import write_json_atomic
from .experiment import ExperimentOutcome, TaskFailure, make_executor, plan_tasks, run_tasks
from .results.manifest import scenario_hash
from .results.statistics import precise_enough
from .results.storage import finalize_run, summary_frame
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


def staging_folder(out: Path) -> Path:
    return out.parent / f".{out.name}.parts"


def _prepare_parts(parts: Path, jobs: list[Job], seed: int, resume: bool) -> None:
    plan = {"seed": seed, "scenarios": {j.scenario.name: scenario_hash(j.scenario) for j in jobs}}
    plan_file = parts / PLAN
    if resume and plan_file.exists():
        staged = json.loads(plan_file.read_text())
        if staged != plan:
            raise ResumeMismatch(
                f"{parts}: the interrupted run had other scenarios or another seed; run without --resume"
            )
        return
    if parts.exists():
        shutil.rmtree(parts)
    parts.mkdir(parents=True)
    plan_file.write_text(json.dumps(plan, indent=2))


def run_experiment(jobs: list[Job], parts: Path, replications: int, seed: int, workers: int | None = None,
                   dask_address: str | None = None, resume: bool = False, precision: float | None = None,
                   show_progress: bool = True) -> ExperimentResult:
    """Run every job's replications with common seeds and write each job's complete run folder."""
    _prepare_parts(parts, jobs, seed, resume)
    result = ExperimentResult()
    executor = make_executor(workers, dask_address)
    scenarios = [j.scenario for j in jobs]
    try:
        done = 0
        batch = replications
        while True:
            tasks = plan_tasks(scenarios, batch, seed, parts, first=done)
            outcome: ExperimentOutcome = run_tasks(tasks, executor, resume=resume, show_progress=show_progress)
            result.failures += outcome.failures
            result.calls_simulated += outcome.calls_simulated
            done += batch
            if result.failures or precision is None or done >= PRECISION_CAP:
                break
            summaries = {j.scenario.name: finalize_run(parts, j.scenario, seed, j.out) for j in jobs}
            if all(precise_enough(summary_frame(s), precision) for s in summaries.values()):
                result.summaries = summaries
                break
            batch = min(done, PRECISION_CAP - done)  # double the replications each round
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
    result.replications = done
    failed = {f.scenario for f in result.failures}
    for job in jobs:
        if job.scenario.name not in failed and job.scenario.name not in result.summaries:
            result.summaries[job.scenario.name] = finalize_run(parts, job.scenario, seed, job.out)
    if not result.failures:
        shutil.rmtree(parts, ignore_errors=True)
    return result


def write_sweep_index(out: Path, jobs: list[Job], seed: int) -> None:
    """`sweep.json`: which run folders make up a sweep, in the order given, and their common seed."""
    write_json_atomic(out / SWEEP_INDEX, {
        "scenarios": [job.scenario.name for job in jobs],
        "folders": [job.out.name for job in jobs],
        "seed": seed,
    })
