"""A run that draws no call at all (a tiny volume over a short horizon) is a valid, if empty, result."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from sim.cli import main
from sim.model import simulate
from sim.model.demand import COLUMN_TYPES, Calls
from sim.scenario.loading import load_scenario

MMC = Path(__file__).parent / "scenarios" / "mmc.toml"


def test_empty_calls_have_a_type_for_every_column():
    assert set(COLUMN_TYPES) == {column.name for column in dataclasses.fields(Calls) if column.init}


def test_a_run_without_calls_writes_typed_empty_records_and_a_summary(tmp_path):
    scenario = tmp_path / "quiet.toml"
    scenario.write_text(
        f'extends = "{MMC.as_posix()}"\nname = "quiet"\n[demand.incident]\nyearly_volume = 1\n'
        '[run]\nhorizon_days = 0.5\nwarmup_days = 0\n', encoding="utf-8")
    result = simulate(load_scenario(scenario))
    assert result.calls.num_rows == 0
    assert str(result.calls.schema.field("priority").type) == "int8"

    out = tmp_path / "run"
    assert main(["run", str(scenario), "--out", str(out), "--workers", "1", "--replications", "2", "--quiet"]) == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["manifest"]["replications"] == 2
    assert (out / "report.html").is_file()
