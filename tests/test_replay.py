"""Replaying a log: every call at its recorded time and place, with its type and priority; and
nothing left to chance when the log says everything and travel has no random part."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.logs import read_tidy_log
from sim.model.simulation import simulate
from sim.scenario import ScenarioError, load_scenario
from sim.scenario.replay import log_placement_min
from tests.replay_logs import START, tidy_log, write_replay


def replayed(calls: pd.DataFrame) -> pd.DataFrame:
    return calls[calls["log_call_id"].notna()].set_index("log_call_id")


def test_each_replayed_call_has_its_recorded_time_place_type_and_priority(tmp_path: Path) -> None:
    scenario = load_scenario(write_replay(tmp_path, tidy_log()))
    log = read_tidy_log(tmp_path / "calls.csv")  # as written: times to the second
    assert scenario.demand_log.start == "2026-01-15T00:00:00"  # midnight of the first call's day
    clean = log[(log.initiated == "public") & (log["flags"] == "")]
    assert scenario.demand_log.calls.skipped == {"officer-initiated": 1, "flagged": 1,
                                                 "priority not in demand_log.call_types": int((clean.priority == "C").sum())}
    calls = simulate(scenario, 0).calls.to_pandas()
    sim = replayed(calls)
    kept = log[(log.initiated == "public") & (log["flags"] == "") & log.priority.isin(["A", "B"])].set_index("call_id")
    assert sorted(sim.index) == sorted(kept.index)

    # Thursday 00:00 of the log lands on the model's first Thursday 00:00 after the 7-day warm-up.
    placed = log_placement_min(scenario.demand_log, 7 * 1440)
    assert placed == 7 * 1440 + 3 * 1440
    recorded_min = (kept["created"] - pd.Timestamp(START)).dt.total_seconds() / 60
    assert np.allclose(sim.loc[kept.index, "created_min"] - placed, recorded_min, atol=1e-6)
    hour_of_week = (sim.loc[kept.index, "created_min"] // 60) % 168
    assert (hour_of_week == kept["created"].dt.day_of_week * 24 + kept["created"].dt.hour).all()

    has_place = kept["lon"].notna()
    assert np.allclose(sim.loc[kept.index[has_place], "lon"], kept.loc[has_place, "lon"], atol=1e-5)
    assert np.allclose(sim.loc[kept.index[has_place], "lat"], kept.loc[has_place, "lat"], atol=1e-5)
    north = kept.loc[has_place, "lat"] > 43.25
    assert (sim.loc[kept.index[has_place], "district"].astype(str) == np.where(
        kept.loc[has_place, "district"] == "North", "North", "South")).all()  # the logged district kept
    assert (sim.loc[kept.index, "call_type"].astype(str) == "priority-" + kept["priority"]).all()
    assert (sim.loc[kept.index, "priority"] == kept["priority"].map({"A": 1, "B": 2})).all()
    assert north.any() and (~north).any()

    # The call without a place is drawn inside its logged district; random calls go on as before.
    assert sim.loc["L00005", "district"] == "South"
    assert (calls["log_call_id"].isna() & (calls["call_type"] == "other")).sum() > 100
    assert not (calls["log_call_id"].isna() & calls["call_type"].isin(["priority-A", "priority-B"])).any()


def test_recorded_times_on_scene_and_fixed_travel_give_identical_replications(tmp_path: Path) -> None:
    scenario = load_scenario(write_replay(tmp_path, tidy_log(messy=False), random_type=False))
    first, second = (replayed(simulate(scenario, r).calls.to_pandas()).drop(columns="replication") for r in (0, 1))
    pd.testing.assert_frame_equal(first, second)
    on_scene = (first["completed_min"] - first["arrived_min"]).sort_index()
    recorded = read_tidy_log(tmp_path / "calls.csv").set_index("call_id")["on_scene_min"]
    assert np.allclose(on_scene, recorded.loc[on_scene.index], atol=1e-6)


def test_model_times_on_scene_differ_between_replications(tmp_path: Path) -> None:
    path = write_replay(tmp_path, tidy_log(messy=False), extra='on_scene = "model"', random_type=False)
    scenario = load_scenario(path)
    assert scenario.demand_log.on_scene == "model"
    first, second = (replayed(simulate(scenario, r).calls.to_pandas()) for r in (0, 1))
    assert not np.allclose(first["completed_min"] - first["arrived_min"],
                           second.loc[first.index, "completed_min"] - second.loc[first.index, "arrived_min"])


@pytest.mark.parametrize("change, message", [
    (lambda t: t.replace('B = "priority-B"', 'B = "burglary"'), "demand_log.call_types.B: unknown call type"),
    (lambda t: t.replace("horizon_days = 6", "horizon_days = 4"), "run.horizon_days: expected at least 5 days"),
    (lambda t: t.replace('file = "calls.csv"', 'file = "missing.csv"'), "demand_log.file: expected an existing tidy log"),
    (lambda t: t.replace('file = "calls.csv"', 'file = "calls.csv"\nstart = "15/01/2026"'), "demand_log.start"),
])
def test_bad_demand_log_settings_are_one_line_errors(tmp_path: Path, change, message: str) -> None:
    path = write_replay(tmp_path, tidy_log())
    path.write_text(change(path.read_text()))
    with pytest.raises(ScenarioError, match=message.replace(".", r"\.")) as error:
        load_scenario(path)
    assert "\n" not in str(error.value)


def test_a_bad_row_in_the_log_names_file_row_and_column(tmp_path: Path) -> None:
    path = write_replay(tmp_path, tidy_log())
    text = (tmp_path / "calls.csv").read_text().splitlines()
    text[7] = text[7].replace("2026-01-15T", "2026-13-15T", 1)
    (tmp_path / "calls.csv").write_text("\n".join(text) + "\n")
    with pytest.raises(ScenarioError, match=r"calls\.csv: demand_log\.file \(row 8, column created\)"):
        load_scenario(path)
