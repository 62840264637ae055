"""`policesim check` and the check `run` writes for a replay: observed against simulated per
priority, the observed side computed by hand from the log."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from plotly.offline import get_plotlyjs

from sim.cli import EXIT_BAD_INPUT, main
from sim.logs import read_tidy_log
from tests.replay_logs import tidy_log, write_replay


@pytest.fixture(scope="module")
def replay_run(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("replay")
    write_replay(folder, tidy_log())
    assert main(["run", str(folder / "replay.toml"), "--out", str(folder / "run"), "--workers", "1", "--quiet"]) == 0
    return folder


def rows(check: dict) -> pd.DataFrame:
    return pd.DataFrame(check["rows"]).set_index(["priority", "measure"])


def test_run_of_a_replay_writes_the_check_call_by_call(replay_run: Path) -> None:
    run = replay_run / "run"
    check = json.loads((run / "check.json").read_text())
    assert check["mode"] == "call by call"
    page = (run / "check.html").read_text()
    assert page.count(get_plotlyjs()) == 1 and "Plotly.newPlot" in page  # offline, like the run report
    assert "http" not in page.replace(get_plotlyjs(), "")
    table = rows(check)
    log = read_tidy_log(replay_run / "calls.csv")
    kept = log[(log.initiated == "public") & (log["flags"] == "") & log.priority.isin(["A", "B"])]
    for label, target in (("A", 30.0), ("B", 120.0)):
        mine = kept[kept.priority == label]
        response = (mine.arrived - mine.created).dt.total_seconds() / 60
        delay = (mine.dispatched - mine.created).dt.total_seconds() / 60
        row = table.loc[(label, "response_min")]
        assert row.observed_n == len(mine) and row.simulated_n == 2 * len(mine)  # two replications
        assert row.observed_median == pytest.approx(np.median(response), abs=1e-4)  # times to 1e-4 min
        assert row.observed_p90 == pytest.approx(np.quantile(response, 0.9), abs=1e-4)
        assert row.observed_within_target == pytest.approx(np.mean(response <= target))
        assert row.target_min == target
        assert table.loc[(label, "dispatch_delay_min")].observed_median == pytest.approx(np.median(delay), abs=1e-4)
        # Times on scene are replayed as recorded: the two distributions are the same.
        on_scene = table.loc[(label, "on_scene_min")]
        assert on_scene.ks_distance == pytest.approx(0.0, abs=1e-12)
        assert on_scene.simulated_median == pytest.approx(np.median(mine.on_scene_min), abs=1e-4)
        # The model's travel is faster than this log's: a large distance, measured, not hidden.
        assert 0.5 < row.ks_distance <= 1.0


def test_check_of_a_run_that_does_not_replay_compares_by_priority_rank(replay_run: Path, tmp_path: Path,
                                                                       capsys) -> None:
    scenario = (replay_run / "replay.toml").read_text()
    plain = scenario[: scenario.index("[demand_log]")] + scenario[scenario.index("[run]"):]
    (replay_run / "plain.toml").write_text(plain)
    out = tmp_path / "plain"
    assert main(["run", str(replay_run / "plain.toml"), "--out", str(out), "--workers", "1", "--quiet",
                 "--replications", "1"]) == 0
    assert not (out / "check.json").exists()
    capsys.readouterr()
    assert main(["check", str(replay_run / "calls.csv"), str(out)]) == 0
    printed = capsys.readouterr().out
    assert "observed / simulated" in printed and "1 (A)" in printed
    check = json.loads((out / "check.json").read_text())
    assert check["mode"] == "by priority rank"
    table = rows(check)
    log = read_tidy_log(replay_run / "calls.csv")
    clean = log[(log.initiated == "public") & (log["flags"] == "")]
    assert table.loc[("3 (C)", "response_min")].observed_n == int((clean.priority_rank == 3).sum())
    assert table.loc[("1 (A)", "response_min")].simulated_n > 0


@pytest.mark.parametrize("content, message", [
    ("", "empty file"),
    ("id,when\n1,2026-01-15\n", "missing"),
])
def test_check_with_a_bad_log_is_one_line_with_exit_code_2(replay_run: Path, tmp_path: Path, capsys,
                                                           content: str, message: str) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(content)
    assert main(["check", str(bad), str(replay_run / "run")]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "bad.csv" in err[0] and message in err[0]


def test_check_of_a_folder_that_is_not_a_run_is_one_line(replay_run: Path, tmp_path: Path, capsys) -> None:
    assert main(["check", str(replay_run / "calls.csv"), str(tmp_path)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not a run folder" in err[0]


def test_a_horizon_cut_short_on_the_command_line_says_how_many_logged_calls_it_leaves_out(
        replay_run: Path, tmp_path: Path, capsys) -> None:
    assert main(["run", str(replay_run / "replay.toml"), "--out", str(tmp_path / "short"), "--workers", "1",
                 "--quiet", "--replications", "1", "--days", "4"]) == 0
    printed = " ".join(capsys.readouterr().out.split())
    log = read_tidy_log(replay_run / "calls.csv")
    kept = log[(log.initiated == "public") & (log["flags"] == "") & log.priority.isin(["A", "B"])]
    late = int((kept.created >= pd.Timestamp("2026-01-16")).sum())  # the log starts 3 days into the 4
    assert f"{late} calls fall after the run's end and are not replayed" in printed
    check = rows(json.loads((tmp_path / "short" / "check.json").read_text()))
    assert check.loc[("A", "response_min")].observed_n + check.loc[("B", "response_min")].observed_n == len(kept) - late
