"""A run folder read into the frames the charts take (only the call columns they need)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .estimate_chart import ESTIMATE
from ..results.storage import CALLS, SCENARIO, STAFF, read_summary, summary_frame

CALL_COLUMNS = ["replication", "kind", "priority", "response_min"]


@dataclass
class RunData:
    folder: Path
    manifest: dict
    summary: pd.DataFrame
    scenario: dict
    calls: pd.DataFrame | None = None
    staff: pd.DataFrame | None = None
    estimate: dict | None = None  # the queueing-formula estimate written beside the run, if any

    @property
    def name(self) -> str:
        return str(self.manifest.get("scenario") or self.scenario.get("name") or self.folder.name)


class NotARunFolder(Exception):
    """A folder without the files of `policesim run`; the message is one line naming what is missing."""


def load_run(folder: Path, tables: bool = True) -> RunData:
    """Summary, manifest and scenario of a run folder; with `tables`, the calls and staff frames too."""
    folder = Path(folder)
    needed = [SCENARIO, "summary.json"] + ([CALLS, STAFF] if tables else [])
    missing = [name for name in needed if not (folder / name).is_file()]
    if missing:
        raise NotARunFolder(f"{folder}: not a run folder (no {', '.join(missing)}); "
                            "expected the output of policesim run")
    summary = read_summary(folder)
    data = RunData(folder, summary.get("manifest", {}), summary_frame(summary),
                   json.loads((folder / SCENARIO).read_text()))
    if (folder / ESTIMATE).is_file():
        data.estimate = json.loads((folder / ESTIMATE).read_text())
    if tables:
        data.calls = pd.read_parquet(folder / CALLS, columns=CALL_COLUMNS)
        data.staff = pd.read_parquet(folder / STAFF)
    return data
