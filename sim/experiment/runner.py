"""Run tasks on an executor, skip those already done (resumption), and report failures by task.

A task that fails is recorded with its scenario, replication and error while the others finish,
and its full traceback is kept in a log file in the parts folder, so the evidence outlives the run;
an interrupted run keeps every part already written, so `--resume` only runs what is missing.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from ..atomic import write_atomic
from .executors import InlineExecutor
from .progress import ExperimentProgress
from .tasks import Receipt, Task, is_done, run_task


@dataclass(frozen=True)
class TaskFailure:
    scenario: str
    replication: int
    error: str
    log: Path | None = None  # the task's full traceback

    def __str__(self) -> str:
        where = f" (traceback in {self.log})" if self.log is not None else ""
        return f"{self.scenario} replication {self.replication}: {self.error}{where}"


def failure_log(task: Task, error: BaseException) -> Path | None:
    """Write the traceback of a failed task into the parts folder; returns the log's path, or None
    if even that cannot be written (a full disk must not hide the other tasks' results).

    From a worker process the traceback includes the worker's own (as the exception's cause).
    """
    path = task.parts / "logs" / f"scenario={task.scenario.name}" / f"replication={task.replication:04d}.log"
    text = f"{task.label} (seed {task.seed}) failed:\n" + "".join(traceback.format_exception(error))
    try:
        write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    except OSError:
        return None
    return path


@dataclass
class ExperimentOutcome:
    receipts: list[Receipt] = field(default_factory=list)
    failures: list[TaskFailure] = field(default_factory=list)
    skipped: int = 0

    @property
    def calls_simulated(self) -> int:
        return sum(r.calls_simulated for r in self.receipts)


def run_tasks(tasks: list[Task], executor: Executor, resume: bool = False, show_progress: bool = True,
              on_done: Callable[[Task], None] | None = None) -> ExperimentOutcome:
    """Run `tasks` (on resume, those not done yet); `on_done(task)` follows each task done or skipped."""
    outcome = ExperimentOutcome()
    done = [resume and is_done(t) for t in tasks]
    pending = [t for t, d in zip(tasks, done) if not d]
    outcome.skipped = sum(done)
    on_done = on_done or (lambda task: None)
    for task in (t for t, d in zip(tasks, done) if d):
        on_done(task)
    with ExperimentProgress(len(tasks), outcome.skipped, enabled=show_progress) as progress:
        for task, future in _completed(executor, pending):
            try:
                receipt = future.result()
            except Exception as error:  # noqa: BLE001 - reported per task; the rest go on
                outcome.failures.append(TaskFailure(task.scenario.name, task.replication,
                                                    f"{type(error).__name__}: {error}", failure_log(task, error)))
                continue
            outcome.receipts.append(receipt)
            progress.advance(receipt.calls_simulated)
            on_done(task)
    outcome.failures.sort(key=lambda f: (f.scenario, f.replication))
    return outcome


def _completed(executor: Executor, tasks: list[Task]) -> Iterator[tuple[Task, Future]]:
    """(task, finished future) pairs as tasks finish; in this process one at a time, so progress
    moves while they run instead of all at the end."""
    if isinstance(executor, InlineExecutor):
        for task in tasks:
            yield task, executor.submit(run_task, task)
        return
    futures = {executor.submit(run_task, task): task for task in tasks}
    try:
        for future in as_completed(futures):
            yield futures[future], future
    except BaseException:  # Ctrl-C or an abandoned loop: do not start what has not started
        for future in futures:
            future.cancel()
        raise
