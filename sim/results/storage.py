"""A run folder on disk: merge a scenario's parts into its files and swap the folder in atomically.

Layout of a run folder: `calls.parquet` (one row per call, a row group per replication),
`staff.parquet` (staff minutes by district, role and hour), `officers.parquet` (one row per
officer and shift occurrence), `summary.json` (metrics per
replication and across them, plus the manifest) and `scenario.json` (the resolved scenario).
"""

from __future__ import annotations

import json
import os
import shutil
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from ..atomic import replace_folder, write_json_atomic
from ..experiment.parquet import write_options
from ..experiment.tasks import read_monitors
from ..scenario.schema import Scenario
from .manifest import manifest
from .statistics import METRIC_CALL_COLUMNS, Targets, across_replications, replication_metrics

CALLS = "calls.parquet"
STAFF = "staff.parquet"
OFFICERS = "officers.parquet"
SUMMARY = "summary.json"
SCENARIO = "scenario.json"


def targets_of(scenario: Scenario) -> Targets:
    return Targets(
        response_min={int(k): v for k, v in scenario.targets.response_min.items()},
        walk_in_wait_min=scenario.targets.walk_in_wait_min,
        horizon_min=(scenario.run.warmup_days + scenario.run.horizon_days) * 1440.0,
    )


def part_dataset(parts: Path, table: str, scenario: str) -> ds.Dataset:
    """The parts of one table of one scenario, read in place as a pyarrow dataset."""
    return ds.dataset(parts / table / f"scenario={scenario}", format="parquet")


def finalize_run(parts: Path, scenario: Scenario, seed: int, out: Path) -> dict[str, Any]:
    """Merge `scenario`'s parts into a complete run folder at `out`; returns the summary."""
    staged = out.parent / f".{out.name}.staged"
    if staged.exists():
        shutil.rmtree(staged)
    staged.mkdir(parents=True)
    calls = part_dataset(parts, "calls", scenario.name)
    staff = part_dataset(parts, "staff", scenario.name)
    targets = targets_of(scenario)
    replications = sorted(int(p.split("replication=")[1].split(".")[0]) for p in calls.files)

    officers = part_dataset(parts, "officers", scenario.name)
    per_replication = []
    lone = _lone_part(parts, scenario.name, replications)
    if lone is not None:  # one replication: its part, one row group already, is the file
        _link_or_copy(lone, staged / CALLS)
    with (_writer(staged / CALLS, calls.schema) if lone is None else nullcontext()) as calls_out, \
            _writer(staged / STAFF, staff.schema) as staff_out, \
            _writer(staged / OFFICERS, officers.schema) as officers_out:
        for replication in replications:
            name = f"replication={replication:04d}.parquet"
            call_part = parts / "calls" / f"scenario={scenario.name}" / name
            staff_table = pq.read_table(parts / "staff" / f"scenario={scenario.name}" / name)
            officer_table = pq.read_table(parts / "officers" / f"scenario={scenario.name}" / name)
            if calls_out is not None:
                call_table = pq.read_table(call_part)
                calls_out.write_table(call_table, row_group_size=max(call_table.num_rows, 1))
                del call_table  # before the metrics, which need only a few columns
            staff_out.write_table(staff_table)
            officers_out.write_table(officer_table, row_group_size=max(officer_table.num_rows, 1))
            call_frame = pq.read_table(call_part, columns=list(METRIC_CALL_COLUMNS)).to_pandas()
            metrics = replication_metrics(call_frame, staff_table.to_pandas(), targets, officer_table.to_pandas())
            del call_frame
            per_replication.append(metrics.assign(replication=replication))

    tidy = pd.concat(per_replication, ignore_index=True)
    summary = {
        "manifest": manifest(scenario, seed, replications),
        "metrics": across_replications(tidy).to_dict(orient="records"),
        "monitors": read_monitors(parts, scenario.name),
    }
    write_json_atomic(staged / SUMMARY, summary)
    write_json_atomic(staged / SCENARIO, scenario.model_dump(mode="json"))
    replace_folder(staged, out)
    return summary


def _writer(path: Path, schema: pa.Schema) -> pq.ParquetWriter:
    return pq.ParquetWriter(path, schema, **write_options(schema))


def _lone_part(parts: Path, scenario: str, replications: list[int]) -> Path | None:
    """The calls part of a run of one replication if it is one row group (as tasks write them)."""
    if len(replications) != 1:
        return None
    part = parts / "calls" / f"scenario={scenario}" / f"replication={replications[0]:04d}.parquet"
    return part if pq.read_metadata(part).num_row_groups <= 1 else None


def _link_or_copy(source: Path, target: Path) -> None:
    """A second name for `source` (the parts are removed after the merge), or a copy across devices."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def read_summary(folder: Path) -> dict[str, Any]:
    return json.loads((folder / SUMMARY).read_text())


def summary_frame(summary: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(summary["metrics"])
