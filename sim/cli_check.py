"""The `policesim check` command, and the replay lines `validate` and `run` print."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd
from rich.console import Console

from .report.check_report import CHECK_HTML, check_console_table, write_check_report
from .results.check import CHECK_JSON, check_run, write_check
from .scenario.replay import calls_after_the_run
from .scenario.schema import Scenario


def replay_note(scenario: Scenario) -> str | None:
    """One line on what a replaying scenario takes from its log, and what it leaves out, by reason."""
    log = scenario.demand_log
    if log is None or log.calls is None:
        return None
    left_out = ", ".join(f"{reason} {n:,}" for reason, n in log.calls.skipped.items()) or "none"
    late = calls_after_the_run(scenario)
    past_end = f"; {late:,} calls fall after the run's end and are not replayed (raise --days)" if late else ""
    return (f"{scenario.name}: replays {len(log.calls.log_call_id):,} calls of {log.file or 'its demand log'} "
            f"from {log.start} (on scene: {log.on_scene}); rows left out: {left_out}{past_end}")


def check_and_report(run: Path, log: Path | None, scenario_name: str) -> pd.DataFrame:
    """Write check.json and check.html into `run`; returns the table."""
    result = check_run(run, log)
    write_check(result, run)  # before the page, so a failed chart still leaves the figures
    write_check_report(result, run / CHECK_HTML, scenario_name)
    return result.table


def print_check(run: Path, console: Console) -> None:
    """After `run`: the check table, where the run replayed a log and so wrote check.json."""
    path = run / CHECK_JSON
    if path.is_file():
        rows = pd.DataFrame(json.loads(path.read_text(encoding="utf-8"))["rows"])
        console.print(check_console_table(rows, "Observed / simulated, per priority of the replayed log"))
        console.print(f"check: {run / CHECK_HTML}")


def cmd_check(args: argparse.Namespace) -> int:
    console = Console(highlight=False, width=None if Console().is_terminal else 140)
    scenario = json.loads((args.run / "scenario.json").read_text()) if (args.run / "scenario.json").is_file() else {}
    table = check_and_report(args.run, args.log, scenario.get("name", args.run.name))
    console.print(check_console_table(table, f"{args.log} against {args.run}: observed / simulated"))
    console.print(f"check: {args.run / CHECK_JSON}, {args.run / CHECK_HTML}")
    return 0


def add_check_command(commands: argparse._SubParsersAction) -> None:
    check = commands.add_parser("check", help="compare a run with a tidy dispatch log, per priority")
    check.add_argument("log", type=Path, metavar="LOG.csv", help="the tidy log (what policesim import writes)")
    check.add_argument("run", type=Path, metavar="RUN_FOLDER", help="a run folder (what policesim run writes)")
    check.set_defaults(handler=cmd_check)
