"""The Parquet write options trade no information for speed: tables read back exactly as simulated."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from sim.experiment.parquet import write_options
from sim.model import simulate
from sim.scenario import load_scenario

from .conftest import ROOT, short


def test_simulated_tables_read_back_identical_without_dictionaries_for_times(tmp_path: Path):
    result = simulate(short(load_scenario(ROOT / "scenarios" / "almaty-2023.toml"), replications=1))
    for name, table in {"calls": result.calls, "staff": result.staff, "officers": result.officers}.items():
        path = tmp_path / f"{name}.parquet"
        pq.write_table(table, path, **write_options(table.schema))
        back = pq.read_table(path)
        assert back.equals(table) and back.schema.equals(table.schema), name
    columns = pq.read_metadata(tmp_path / "calls.parquet").row_group(0)
    encodings = {columns.column(i).path_in_schema: columns.column(i).encodings for i in range(columns.num_columns)}
    assert "RLE_DICTIONARY" not in encodings["created_min"] and "BYTE_STREAM_SPLIT" in encodings["created_min"]
    assert "RLE_DICTIONARY" in encodings["district"]
