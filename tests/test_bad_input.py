"""The bad inputs a new user met (issue 12): each is one line naming the file, key or option, exit 2.

Scenario edits that fit one small change of the test city are cases of test_scenario_errors.py;
here are the rest: paths the system refuses, nesting too deep to parse, command-line options,
failed tasks that must keep their traceback, and bugs that must not hide behind one line.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sim import cli
from sim.cli import main

REPO = Path(__file__).resolve().parents[1]
CITY = REPO / "tests" / "scenarios" / "city.toml"
MMC = REPO / "tests" / "scenarios" / "mmc.toml"
EXIT_BAD_INPUT = 2
LONG = "x" * 5000


@pytest.fixture
def city(tmp_path: Path) -> Path:
    shutil.copy(CITY, tmp_path / CITY.name)
    shutil.copytree(CITY.parent / "city", tmp_path / "city")
    return tmp_path / CITY.name


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def one_error_line(capsys) -> str:
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("error: ")
    return lines[0]


# --- paths the system refuses and nesting too deep ---------------------------------------------


@pytest.mark.parametrize("old, new, key", [
    ('"city/hotspots.csv"', f'"{LONG}.csv"', "city.hotspots"),
    ('"city/districts.geojson"', f'"{"x/" * 3000}b.geojson"', "city.boundaries"),
    ('name = "city"', f'extends = "{LONG}.toml"\nname = "city"', "extends"),
], ids=["table", "boundaries", "extends"])
def test_an_over_long_path_in_a_scenario_is_one_line(city: Path, old, new, key, capsys) -> None:
    edit(city, old, new)
    assert main(["validate", str(city)]) == EXIT_BAD_INPUT
    line = one_error_line(capsys)
    assert f"city.toml: {key}: expected a file name the system accepts" in line and "too long" in line
    assert len(line) < 400


def test_an_over_long_scenario_path_is_one_line(capsys) -> None:
    assert main(["validate", f"{LONG}.toml"]) == EXIT_BAD_INPUT
    line = one_error_line(capsys)
    assert "expected a file name the system accepts" in line and len(line) < 400


def test_deeply_nested_toml_is_one_line(city: Path, capsys) -> None:
    edit(city, 'name = "city"', f'name = "city"\nx = {"[" * 5000}{"]" * 5000}')
    assert main(["validate", str(city)]) == EXIT_BAD_INPUT
    assert "city.toml: expected arrays and tables nested at most 32 deep" in one_error_line(capsys)


def test_deeply_nested_geojson_is_one_line(city: Path, capsys) -> None:
    edit(city.parent / "city" / "districts.geojson", '"FeatureCollection",',
         f'"FeatureCollection", "x": {"[" * 5000}{"]" * 5000},')
    assert main(["validate", str(city)]) == EXIT_BAD_INPUT
    line = one_error_line(capsys)
    assert "districts.geojson: city.boundaries: expected arrays and objects nested at most 32 deep" in line


def test_nesting_below_the_python_limit_but_above_ours_is_refused_too(city: Path, capsys) -> None:
    edit(city, 'name = "city"', f'name = "city"\nx = {"[" * 40}{"]" * 40}')
    assert main(["validate", str(city)]) == EXIT_BAD_INPUT
    assert "nested at most 32 deep" in one_error_line(capsys)


def test_calls_a_year_after_scale_and_population_are_bounded(city: Path, capsys) -> None:
    variant = city.parent / "huge.toml"
    variant.write_text('extends = "city.toml"\nname = "huge"\ndemand_scale = 1000\n'
                       "[demand.records]\nrate_per_1000_residents = 90000\n", encoding="utf-8")
    assert main(["validate", str(variant)]) == EXIT_BAD_INPUT
    line = one_error_line(capsys)
    assert "huge.toml: demand.records: expected at most 100,000,000 calls a year" in line


# --- command-line options: the schema's rules, one line, exit 2 --------------------------------

OPTION_CASES = [
    (["--replications", "-4"], "--replications: expected an integer 1-10,000, got -4"),
    (["--replications", "0"], "--replications: expected an integer 1-10,000, got 0"),
    (["--workers", "-2"], "--workers: expected an integer 1-1024, got -2"),
    (["--workers", "0"], "--workers: expected an integer 1-1024, got 0"),
    (["--seed", "-1"], "--seed: expected an integer 0-9,223,372,036,854,775,807, got -1"),
    (["--days", "-3"], "--days: expected a number 0.01-3660, got -3.0"),
    (["--days", "0"], "--days: expected a number 0.01-3660, got 0.0"),
    (["--days", "nan"], "--days: expected a finite number, got nan"),
    (["--days", "inf"], "--days: expected a finite number, got inf"),
    (["--warmup-days", "-1"], "--warmup-days: expected a number 0-365, got -1.0"),
    (["--warmup-days", "1e9"], "--warmup-days: expected a number 0-365, got 1000000000.0"),
    (["--precision", "2"], "--precision: expected a number > 0 and < 1, got 2.0"),
    (["--precision", "0"], "--precision: expected a number > 0 and < 1, got 0.0"),
    (["--replications", "many"], "argument --replications: invalid int value: 'many'"),
]


def exit_code(argv: list[str]) -> int:
    """`policesim ARGV`'s exit code, whether main returns it or argparse exits with it."""
    try:
        return main(argv)
    except SystemExit as stop:
        return stop.code


@pytest.mark.parametrize("options, expected", OPTION_CASES, ids=lambda v: " ".join(v) if isinstance(v, list) else "")
def test_a_bad_run_option_is_one_line_before_any_task(options, expected, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    assert exit_code(["run", str(MMC), "--out", str(out), "--quiet", *options]) == EXIT_BAD_INPUT
    assert expected in one_error_line(capsys)
    assert not out.exists() and not (tmp_path / ".out.parts").exists()


@pytest.mark.parametrize("options, expected", [(["--seed", "-1"], "--seed"), (["--days", "0"], "--days")])
def test_a_bad_sweep_option_is_one_line(options, expected, tmp_path: Path, capsys) -> None:
    code = main(["sweep", str(MMC), str(CITY), "--out", str(tmp_path / "s"), "--quiet", *options])
    assert code == EXIT_BAD_INPUT
    assert one_error_line(capsys).startswith(f"error: {expected}: expected")


def test_zero_is_a_value_not_the_absence_of_one() -> None:
    args = cli.build_parser().parse_args(["run", str(MMC), "--warmup-days", "0", "--seed", "0"])
    (job,) = cli.plan_run(args)
    assert job.scenario.run.warmup_days == 0 and job.scenario.run.seed == 0


def test_options_override_every_scenario_of_a_sweep() -> None:
    args = cli.build_parser().parse_args(["sweep", str(MMC), str(CITY), "--replications", "3", "--days", "1.5"])
    jobs = cli.plan_sweep(args)
    assert [j.scenario.run.replications for j in jobs] == [3, 3]
    assert [j.scenario.run.horizon_days for j in jobs] == [1.5, 1.5]
    assert jobs[0].scenario.run.seed == jobs[1].scenario.run.seed


def test_a_bad_option_from_a_real_process_exits_2_without_traceback(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "sim.cli", "run", str(MMC), "--replications", "-4",
                             "--out", str(tmp_path / "o")], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == EXIT_BAD_INPUT
    assert result.stderr == "error: --replications: expected an integer 1-10,000, got -4\n"


def test_an_output_folder_the_system_refuses_is_one_line(tmp_path: Path, capsys) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    code = main(["run", str(MMC), "--out", str(blocker / "run"), "--quiet", "--days", "0.1"])
    assert code == EXIT_BAD_INPUT
    assert one_error_line(capsys).endswith(".run.parts: Not a directory")


# --- failures keep their evidence --------------------------------------------------------------


def _failing_task(task):
    raise ZeroDivisionError("the model divided by nothing")


def test_a_failed_task_leaves_its_traceback_in_a_log_the_error_names(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr("sim.experiment.runner.run_task", _failing_task)
    out = tmp_path / "mmc"
    code = main(["run", str(MMC), "--out", str(out), "--quiet", "--workers", "1", "--replications", "2",
                 "--days", "0.5", "--warmup-days", "0"])
    assert code == cli.EXIT_TASKS_FAILED
    err = capsys.readouterr().err
    assert "Traceback" not in err
    failures = [line for line in err.splitlines() if line.startswith("error: task failed: ")]
    assert len(failures) == 2
    for replication, line in enumerate(failures):
        assert f"mmc replication {replication}: ZeroDivisionError: the model divided by nothing" in line
        log = Path(line.rsplit("(traceback in ", 1)[1].rstrip(")"))
        assert log.is_relative_to(tmp_path / ".mmc.parts") and log.is_file()
        text = log.read_text()
        assert "Traceback (most recent call last)" in text and "_failing_task" in text
        assert "ZeroDivisionError: the model divided by nothing" in text


def test_debug_prints_the_failed_tasks_traceback(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr("sim.experiment.runner.run_task", _failing_task)
    main(["run", str(MMC), "--out", str(tmp_path / "m"), "--quiet", "--workers", "1", "--replications", "1",
          "--days", "0.5", "--debug"])
    assert "Traceback (most recent call last)" in capsys.readouterr().err


def _bug(args):
    raise KeyError("no such column")


@pytest.mark.parametrize("debug", [False, True])
def test_an_unexpected_error_is_one_line_unless_debugging(debug: bool, capsys, monkeypatch) -> None:
    monkeypatch.setattr(cli, "cmd_validate", _bug)
    monkeypatch.delenv(cli.DEBUG_VARIABLE, raising=False)
    if debug:
        monkeypatch.setenv(cli.DEBUG_VARIABLE, "1")
    code = main(["validate", str(CITY)])
    err = capsys.readouterr().err
    assert code == cli.EXIT_TASKS_FAILED
    assert ("Traceback (most recent call last)" in err) == debug
    last = err.splitlines()[-1]
    assert last.startswith("error: unexpected KeyError: 'no such column'; this is a bug in policesim")
    assert "--debug" in last and "POLICESIM_DEBUG=1" in last
