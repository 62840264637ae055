"""One task = one replication of one scenario; it writes its own Parquet parts and returns a receipt.

Tasks run in worker processes (or on a Dask cluster), so `run_task` is a module-level function
that imports everything it needs, and only a few numbers travel back to the scheduler.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ..atomic import write_atomic, write_json_atomic
from ..model import simulate
from ..scenario.schema import Scenario
from .parquet import write_options

PART_FILE = "replication={replication:04d}.{suffix}"


@dataclass(frozen=True)
class Task:
    scenario: Scenario
    replication: int
    seed: int
    parts: Path  # the experiment's staging folder for parts

    @property
    def label(self) -> str:
        return f"{self.scenario.name} replication {self.replication}"


@dataclass(frozen=True)
class Receipt:
    scenario: str
    replication: int
    calls_simulated: int
    seconds: float


def part_path(parts: Path, table: str, scenario: str, replication: int) -> Path:
    """Where a task's part of `table` (calls, staff, officers or monitors) lives, hive-partitioned by scenario."""
    suffix = "json" if table == "monitors" else "parquet"
    return parts / table / f"scenario={scenario}" / PART_FILE.format(replication=replication, suffix=suffix)


def is_done(task: Task) -> bool:
    """All parts exist; each was renamed into place complete, so existing means finished."""
    return all(part_path(task.parts, t, task.scenario.name, task.replication).exists()
               for t in ("calls", "staff", "officers", "monitors"))


def plan_tasks(scenarios: list[Scenario], replications: int, seed: int, parts: Path,
               first: int = 0) -> list[Task]:
    """Replications first..first+replications-1 of every scenario, all with the same root seed."""
    return [Task(s, r, seed, parts) for s in scenarios for r in range(first, first + replications)]


def run_task(task: Task) -> Receipt:
    start = time.perf_counter()
    result = simulate(task.scenario, replication=task.replication, seed=task.seed)
    name, rep = task.scenario.name, task.replication
    # One row group, as in the run folder's calls.parquet, so a lone replication's part is that file.
    rows = max(result.calls.num_rows, 1)
    write_atomic(part_path(task.parts, "calls", name, rep), lambda tmp: _write(result.calls, tmp, row_group_size=rows))
    write_atomic(part_path(task.parts, "staff", name, rep), lambda tmp: _write(result.staff, tmp))
    write_atomic(part_path(task.parts, "officers", name, rep), lambda tmp: _write(result.officers, tmp))
    seconds = time.perf_counter() - start
    monitors = {**result.monitors, "replication": rep, "seed": task.seed, "seconds": seconds}
    write_json_atomic(part_path(task.parts, "monitors", name, rep), monitors)
    return Receipt(name, rep, int(result.monitors["calls_simulated"]), seconds)


def _write(table: pa.Table, path: Path, **options) -> None:
    pq.write_table(table, path, **write_options(table.schema), **options)


def read_monitors(parts: Path, scenario: str) -> list[dict]:
    folder = parts / "monitors" / f"scenario={scenario}"
    return [json.loads(p.read_text()) for p in sorted(folder.glob("replication=*.json"))]
