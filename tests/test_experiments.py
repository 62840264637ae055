"""Experiments at scale: the same results on any executor, progress off a terminal, resumption after
a killed run, a failing task, the precision loop and grid sweeps. Dask and subprocesses live here.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import sim.experiment.tasks as tasks_module
from sim import pipeline
from sim.cli import main
from sim.experiment.progress import ExperimentProgress

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = [str(ROOT / "scenarios" / f"{name}.toml") for name in ("almaty-2023", "almaty-no-modular")]
NAMES = ("almaty-2023", "almaty-no-modular")
SHORT = ["--days", "1", "--warmup-days", "0.5", "--replications", "2", "--quiet"]


def sweep(out: Path, *extra: str) -> int:
    return main(["sweep", *SCENARIOS, *SHORT, "--out", str(out), *extra])


def assert_same_results(a: Path, b: Path) -> None:
    """Identical calls and staff tables and summary metrics (the manifest's time and task seconds differ)."""
    for name in NAMES:
        for table in ("calls.parquet", "staff.parquet"):
            first, second = pq.read_table(a / name / table), pq.read_table(b / name / table)
            assert first.schema.equals(second.schema), (name, table)
            assert first.to_pandas().equals(second.to_pandas()), (name, table)  # NaN equals NaN here
        metrics = [json.dumps(json.loads((f / name / "summary.json").read_text())["metrics"]) for f in (a, b)]
        assert metrics[0] == metrics[1], name


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("one-worker") / "sweep"
    assert sweep(out, "--workers", "1") == 0
    return out


def test_one_worker_sweep_writes_one_folder_per_scenario_and_no_parts(reference):
    index = json.loads((reference / "sweep.json").read_text())
    assert index["folders"] == list(NAMES)
    assert all((reference / name / "summary.json").is_file() for name in NAMES)
    assert not (reference / ".parts").exists()
    assert pq.read_metadata(reference / "almaty-2023" / "calls.parquet").num_row_groups == 2


def test_two_workers_give_identical_results(reference, tmp_path):
    assert sweep(tmp_path / "sweep", "--workers", "2") == 0
    assert_same_results(reference, tmp_path / "sweep")


def test_dask_local_cluster_gives_identical_results(reference, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        assert sweep(tmp_path / "sweep", "--dask", cluster.scheduler_address) == 0
    assert_same_results(reference, tmp_path / "sweep")


def test_progress_is_plain_lines_when_output_is_not_a_terminal(tmp_path, capsys):
    code = main(["run", SCENARIOS[0], "--days", "0.5", "--warmup-days", "0", "--replications", "2",
                 "--workers", "1", "--out", str(tmp_path / "run")])
    assert code == 0
    err = capsys.readouterr().err
    assert "2/2 replications" in err and "calls simulated" in err and "\x1b[" not in err
    stream = io.StringIO()
    with ExperimentProgress(3, stream=stream, every_s=0.0) as progress:
        for _ in range(3):
            progress.advance(100)
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("1/3 replications, 100 calls") and "left" in lines[0]
    assert lines[-1].startswith("3/3 replications, 300 calls") and len(lines) == 4


def test_one_worker_reports_each_task_as_it_finishes(monkeypatch):
    # With one worker tasks run in this process; progress must move between them, not all at the end.
    from sim.experiment import runner
    from sim.experiment.executors import InlineExecutor

    ran: list[int] = []
    monkeypatch.setattr(runner, "run_task", lambda task: ran.append(task) or task)
    finished = runner._completed(InlineExecutor(), [1, 2, 3])
    assert next(finished)[0] == 1 and ran == [1]


def parts_written(parts: Path) -> list[Path]:
    return list((parts / "calls").glob("scenario=*/replication=*.parquet")) if parts.exists() else []


def interrupted_sweep(out: Path, workers: str, how: signal.Signals) -> subprocess.Popen:
    """A sweep in its own process group, sent `how` once its first part is written."""
    command = [sys.executable, "-m", "sim.cli", "sweep", *SCENARIOS, *SHORT, "--workers", workers, "--out", str(out)]
    process = subprocess.Popen(command, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not parts_written(out / ".parts") and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(process.pid, how)
    process.wait(timeout=60)
    return process


def test_a_killed_sweep_resumes_to_the_same_result(reference, tmp_path):
    out = tmp_path / "sweep"
    process = interrupted_sweep(out, "1", signal.SIGKILL)
    assert parts_written(out / ".parts"), process.stderr.read()
    assert not any((out / name).exists() for name in NAMES) and not (out / "sweep.json").exists()
    kept = {p: p.stat().st_mtime_ns for p in parts_written(out / ".parts")}

    assert sweep(out, "--workers", "1", "--resume", "--seed", "1") == 2  # other seed: refused
    assert sweep(out, "--workers", "1", "--resume", "--days", "2") == 2  # changed scenario: refused
    assert {p: p.stat().st_mtime_ns for p in parts_written(out / ".parts")} == kept  # parts untouched
    assert sweep(out, "--workers", "2", "--resume") == 0
    assert_same_results(reference, out)
    assert not (out / ".parts").exists()


def test_ctrl_c_stops_the_workers_quietly_and_resume_finishes(reference, tmp_path):
    out = tmp_path / "sweep"
    process = interrupted_sweep(out, "2", signal.SIGINT)
    err = process.stderr.read()
    assert process.returncode == 130 and "--resume" in err and "Traceback" not in err, err
    assert not (out / "sweep.json").exists()
    assert sweep(out, "--workers", "2", "--resume") == 0
    assert_same_results(reference, out)


def test_resume_keeps_completed_parts(tmp_path, monkeypatch):
    out = tmp_path / "sweep"
    ran: list[tuple[str, int]] = []
    real = tasks_module.simulate

    def counting(scenario, replication, seed):
        ran.append((scenario.name, replication))
        if (scenario.name, replication) == ("almaty-no-modular", 1):
            raise KeyboardInterrupt  # Ctrl-C in the last task
        return real(scenario, replication=replication, seed=seed)

    monkeypatch.setattr(tasks_module, "simulate", counting)
    assert sweep(out, "--workers", "1") == 130
    assert len(ran) == 4 and len(parts_written(out / ".parts")) == 3
    ran.clear()
    monkeypatch.setattr(tasks_module, "simulate", lambda s, replication, seed: ran.append(1) or real(
        s, replication=replication, seed=seed))
    assert sweep(out, "--workers", "1", "--resume") == 0
    assert len(ran) == 1


def test_a_failing_task_is_named_the_others_finish_and_resume_completes(reference, tmp_path, monkeypatch, capsys):
    out = tmp_path / "sweep"
    real = tasks_module.simulate

    def flaky(scenario, replication, seed):
        if scenario.name == "almaty-2023" and replication == 0:
            raise RuntimeError("boom")
        return real(scenario, replication=replication, seed=seed)

    monkeypatch.setattr(tasks_module, "simulate", flaky)
    assert sweep(out, "--workers", "1") == 1
    err = capsys.readouterr().err
    assert "almaty-2023 replication 0: RuntimeError: boom" in err and "--resume" in err
    written = {(p.parent.name, p.name) for p in parts_written(out / ".parts")}
    assert written == {("scenario=almaty-2023", "replication=0001.parquet"),
                       ("scenario=almaty-no-modular", "replication=0000.parquet"),
                       ("scenario=almaty-no-modular", "replication=0001.parquet")}
    assert not (out / "almaty-2023").exists() and not (out / "sweep.json").exists()

    monkeypatch.setattr(tasks_module, "simulate", real)
    assert sweep(out, "--workers", "1", "--resume") == 0
    assert_same_results(reference, out)


def test_precision_adds_replications_until_reached(tmp_path, capsys):
    args = ["run", SCENARIOS[0], "--days", "0.5", "--warmup-days", "0.5", "--replications", "2",
            "--workers", "2", "--quiet", "--out", str(tmp_path / "run")]
    assert main([*args, "--precision", "0.5"]) == 0
    out = capsys.readouterr().out
    n = json.loads((tmp_path / "run" / "summary.json").read_text())["manifest"]["replications"]
    assert f"precision 50% reached after {n} replications" in out and n in (2, 4, 8)


def test_precision_reports_the_cap_when_hit(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(pipeline, "PRECISION_CAP", 3)
    args = ["run", SCENARIOS[0], "--days", "0.5", "--warmup-days", "0.5", "--replications", "2",
            "--workers", "1", "--quiet", "--out", str(tmp_path / "run")]
    assert main([*args, "--precision", "0.0001"]) == 0
    assert "precision 0.01% not reached: stopped at the cap of 3 after 3 replications" in capsys.readouterr().out
    assert json.loads((tmp_path / "run" / "summary.json").read_text())["manifest"]["replication_numbers"] == [0, 1, 2]


def test_a_grid_file_expands_and_runs_as_a_sweep(tmp_path):
    grid = tmp_path / "grid.toml"
    grid.write_text(f'extends = "{ROOT / "scenarios" / "almaty-2023.toml"}"\nname = "almaty-grid"\n'
                    '[grid]\n"staffing.changes.add_assistants" = [0, 40]\n')
    out = tmp_path / "sweep"
    assert main(["sweep", str(grid), "--days", "0.5", "--warmup-days", "0", "--replications", "1",
                 "--workers", "1", "--quiet", "--out", str(out)]) == 0
    names = ["almaty-grid-add_assistants-0", "almaty-grid-add_assistants-40"]
    assert json.loads((out / "sweep.json").read_text())["scenarios"] == names
    staff = [pq.read_table(out / n / "staff.parquet").to_pandas() for n in names]
    assistant_hours = [s[s.role.astype(str) == "assistant"].on_duty_min.sum() for s in staff]
    assert assistant_hours[1] > assistant_hours[0]
    created = [pq.read_table(out / n / "calls.parquet", columns=["created_min"]) for n in names]
    assert created[0].equals(created[1])
    assert main(["run", str(grid), "--out", str(tmp_path / "run")]) == 2  # a grid is for sweep
