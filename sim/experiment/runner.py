"""Run tasks on an executor, skip those already done (resumption), and report failures by task.

A task that fails is recorded with its scenario, replication and error while the others finish;
an interrupted run keeps every part already written, so `--resume` only runs what is missing.
"""

from __future__ import annotations

from concurrent.futures import Executor, as_completed
from dataclasses import dataclass, field

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


def run_tasks(tasks: list[Task], executor: Executor, resume: bool = False,
              show_progress: bool = True) -> ExperimentOutcome:
    outcome = ExperimentOutcome()
    pending = [t for t in tasks if not (resume and is_done(t))]
    outcome.skipped = len(tasks) - len(pending)
    with ExperimentProgress(len(tasks), outcome.skipped, enabled=show_progress) as progress:
        futures = {executor.submit(run_task, task): task for task in pending}
        try:
            for future in as_completed(futures):
                task = futures[future]
                try:
                    receipt = future.result()
                except Exception as error:  # noqa: BLE001 - reported per task; the rest go on
                    outcome.failures.append(TaskFailure(task.scenario.name, task.replication,
                                                        f"{type(error).__name__}: {error}"))
                    continue
                outcome.receipts.append(receipt)
                progress.advance(receipt.calls_simulated)
        except KeyboardInterrupt:
            for future in futures:
                future.cancel()
            raise
    outcome.failures.sort(key=lambda f: (f.scenario, f.replication))
    return outcome
