"""The CLI writes the reports: run, report (with and without PNGs) and compare."""

from __future__ import annotations

import shutil

from sim.cli import main


def test_report_command_writes_the_html_and_says_so_without_a_browser(small_sweep, tmp_path, monkeypatch, capsys):
    folder = tmp_path / "run"
    shutil.copytree(small_sweep / "almaty-2023", folder)
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-such-browser"))
    monkeypatch.setenv("PATH", str(tmp_path))
    assert main(["report", str(folder), "--png"]) == 0
    captured = capsys.readouterr()
    assert (folder / "report.html").is_file()
    assert f"report: {folder / 'report.html'}" in captured.out
    warning = [line for line in captured.err.splitlines() if line]
    assert len(warning) == 1 and "HTML report only" in warning[0]
    assert not (folder / "png").exists()


def test_compare_writes_the_comparison_beside_the_first_folder(small_sweep, tmp_path, capsys):
    for name in ("almaty-2023", "almaty-no-modular"):
        shutil.copytree(small_sweep / name, tmp_path / name)
    assert main(["compare", str(tmp_path / "almaty-2023"), str(tmp_path / "almaty-no-modular")]) == 0
    assert (tmp_path / "comparison.html").is_file()
    out = capsys.readouterr().out
    assert "almaty-no-modular minus almaty-2023" in out
    assert f"report: {tmp_path / 'comparison.html'}" in out


def test_compare_refuses_a_folder_that_is_not_a_run(tmp_path, capsys):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert main(["compare", str(tmp_path / "a"), str(tmp_path / "b")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not a run folder" in err[0]
