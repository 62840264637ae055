"""Run tasks on an executor, skip those already done (resumption), and report failures by task.

A task that fails is recorded with its scenario, replication and error while the others finish;
an interrupted run keeps every part already written, so `--resume` only runs what is missing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, as_completed
from dataclasses import dataclass, field

from .executors import InlineExecutor
from .progress import ExperimentProgress
from .tasks import Receipt, Task, is_done, run_task


@dataclass(frozen=True)
class TaskFailure:
    scenario: str
    replication: int
    error: str

    def __str__(self) -> str:
        return f"{self.scenario} replication {self.replication}: {self.error}"


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
                                                    f"{type(error).__name__}: {error}"))
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
