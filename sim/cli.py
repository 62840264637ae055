"""The `policesim` command: validate, run, sweep and compare scenarios."""

from __future__ import annotations

import argparse
import gc
import os
import sys
import traceback
from pathlib import Path

from rich.console import Console
from rich.table import Table

from .cli_check import add_check_command, print_check, replay_note
from .cli_logs import add_log_commands
from .cli_plan import add_commands as add_plan_commands
from .experiment.executors import default_workers
from .logs import LogError
from .model.capacity import offered_load
from .model.pool_load import pool_loads
from .options import BadOption, RunOptions, check_options, run_overrides
from .plan import PlanInputError
from .pipeline import Job, ResumeMismatch, run_experiment, staging_folder, write_sweep_index
from .report.comparison_report import write_comparison_report
from .report.console import (any_left, comparison_table, left_table, response_table, station_shift_table,
                             station_table, utilisation_table)
from .report.images import PngUnavailable, export_pngs
from .report.load_check import pool_load_table, pool_warnings
from .report.run_data import NotARunFolder
from .report.run_report import write_run_report
from .results.check import CheckError
from .results.compare import differences_frame, paired_differences
from .results.storage import read_summary, summary_frame
from .scenario import ScenarioError
from .scenario.errors import display_path
from .scenario.grid import load_scenarios
from .scenario.schema import RunSettings, Scenario

DEFAULT_SCENARIO = Path("scenarios/almaty-2023.toml")
RESULTS = Path("results")
EXIT_BAD_INPUT = 2
EXIT_TASKS_FAILED = 1
DEBUG_VARIABLE = "POLICESIM_DEBUG"
COMPARED_METRICS = [
    ("response_mean_min", "priority"), ("response_p90_min", "priority"), ("within_target_share", "all"),
    ("walk_in_wait_mean_min", "station_kind"), ("abandonment_share", "station_kind"),
    ("utilisation_busy", "role"),
]


class UsageError(Exception):
    """A command line that cannot be carried out; reported in one line with exit code 2."""


class Parser(argparse.ArgumentParser):
    """argparse, but a bad command line is one line (not usage plus message), like every other error."""

    def error(self, message: str):
        self.exit(EXIT_BAD_INPUT, f"error: {self.prog}: {_one_line(message)} (see {self.prog} --help)\n")


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def debugging(args: argparse.Namespace) -> bool:
    """--debug, or POLICESIM_DEBUG=1 for commands run by scripts: print tracebacks for bug reports."""
    return bool(getattr(args, "debug", False)) or os.environ.get(DEBUG_VARIABLE, "") not in ("", "0")


def _console() -> Console:
    console = Console(highlight=False)
    if not console.is_terminal:
        console = Console(highlight=False, width=120)
    return console


def load_table(scenario: Scenario) -> Table:
    table = Table(title=f"Offered load, {scenario.name} (yearly hours)", title_justify="left")
    for column in ("district", "field work", "station work", "field staff hours", "station staff hours",
                   "prevention", "field load", "total load"):
        table.add_column(column, justify="left" if column == "district" else "right")
    for row in offered_load(scenario):
        table.add_row(
            row.district, f"{row.field_hours:,.0f}", f"{row.station_hours:,.0f}",
            f"{row.inspector_hours:,.0f}", f"{row.assistant_hours:,.0f}", f"{row.prevention_hours:,.0f}",
            f"{row.field_load:.2f}", f"{row.total_load:.2f}",
        )
    return table


def checked_options(args: argparse.Namespace):
    """The run options given on the command line, checked by the schema's rules for [run]."""
    try:
        return check_options({name: getattr(args, name, None) for name in RunOptions.model_fields})
    except BadOption as error:
        raise UsageError(str(error)) from None


def _with_run_options(scenario: Scenario, overrides: dict) -> Scenario:
    """`scenario` with the command line's [run] values; validated again, as if written in the file."""
    run = RunSettings.model_validate({**scenario.run.model_dump(), **overrides})
    return scenario.model_copy(update={"run": run})


def _run_jobs(jobs: list[Job], parts: Path, args: argparse.Namespace, console: Console) -> int:
    first = jobs[0].scenario
    options = checked_options(args)
    result = run_experiment(
        jobs, parts, replications=first.run.replications, seed=first.run.seed, workers=options.workers,
        dask_address=args.dask, resume=args.resume, precision=options.precision,
        show_progress=not args.quiet,
    )
    for job in jobs:
        summary = result.summaries.get(job.scenario.name)
        if summary is None:
            continue
        frame = summary_frame(summary)
        if not args.quiet:
            manifest = summary["manifest"]
            console.print(response_table(frame, f"{job.scenario.name}: response to field calls, "
                                                f"{manifest['replications']} replications, seed {manifest['seed']}"))
            if any_left(frame):
                console.print(left_table(frame))
            console.print(station_table(frame))
            console.print(utilisation_table(frame))
            if (by_station_and_shift := station_shift_table(frame)) is not None:
                console.print(by_station_and_shift)
            print_check(job.out, console)
        console.print(f"results: {job.out}")
        console.print(f"report: {job.out / 'report.html'}")
    if result.precision_reached is not None:
        reached = "reached" if result.precision_reached else f"not reached: stopped at the cap of {result.cap}"
        console.print(f"precision {options.precision * 100:g}% {reached} after {result.replications} replications")
    for failure in result.failures:
        if debugging(args) and failure.log is not None:
            print(failure.log.read_text(encoding="utf-8"), file=sys.stderr)
        print(f"error: task failed: {_one_line(failure)}", file=sys.stderr)
    if result.failures:
        print(f"error: {len(result.failures)} task(s) failed; completed parts are kept in {parts}; "
              "fix the cause and rerun with --resume", file=sys.stderr)
        return EXIT_TASKS_FAILED
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    console = _console()
    for path in args.files:
        for scenario in load_scenarios(path):
            console.print(f"{path}: ok ({scenario.name})")
            if replay_note(scenario):
                console.print(replay_note(scenario))
            if not args.quiet:
                console.print(load_table(scenario))
                pools = pool_loads(scenario)
                console.print(pool_load_table(pools, f"Field load per dispatch pool ({scenario.dispatch.policy}),"
                                                     " by hour of the week"))
                for line in pool_warnings(pools):
                    console.print(line, soft_wrap=True)
    return 0


def plan_run(args: argparse.Namespace) -> list[Job]:
    """The one job `policesim run` would run, its scenario and options checked; runs nothing."""
    overrides = run_overrides(checked_options(args))
    scenarios = load_scenarios(args.scenario)
    if len(scenarios) > 1:
        raise UsageError(f"{args.scenario} holds a grid of {len(scenarios)} scenarios: run it with policesim sweep")
    scenario = _with_run_options(scenarios[0], overrides)
    return [Job(scenario, args.out or RESULTS / scenario.name)]


def plan_sweep(args: argparse.Namespace) -> list[Job]:
    """The jobs `policesim sweep` would run, with the first scenario's seed and replications for all."""
    overrides = run_overrides(checked_options(args))
    scenarios = [s for path in args.scenarios for s in load_scenarios(path)]
    names = [s.name for s in scenarios]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise UsageError(f"two scenarios share the name {duplicates[0]!r}; names must differ in a sweep")
    common = {"seed": scenarios[0].run.seed, "replications": scenarios[0].run.replications, **overrides}
    out = args.out or RESULTS / "sweep"
    return [Job(_with_run_options(s, common), out / s.name) for s in scenarios]


def cmd_run(args: argparse.Namespace) -> int:
    jobs = plan_run(args)
    note = replay_note(jobs[0].scenario)
    if note and (not args.quiet or "after the run's end" in note):
        _console().print(note)
    return _run_jobs(jobs, staging_folder(jobs[0].out), args, _console())


def cmd_sweep(args: argparse.Namespace) -> int:
    jobs = plan_sweep(args)
    out = jobs[0].out.parent
    code = _run_jobs(jobs, out / ".parts", args, _console())
    if code == 0:
        write_sweep_index(out, jobs, jobs[0].scenario.run.seed)
    return code


def cmd_report(args: argparse.Namespace) -> int:
    console = _console()
    for folder in args.folders:
        console.print(f"report: {write_run_report(folder)}")
        if args.png:
            try:
                for path in export_pngs(folder):
                    console.print(f"image: {path}")
            except PngUnavailable as reason:
                print(f"warning: {reason}; wrote the HTML report only", file=sys.stderr)
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    folders = [Path(f) for f in args.folders]
    if len(folders) < 2:
        raise UsageError("compare needs at least two run folders: the first is the baseline")
    for folder in folders:
        if not (folder / "summary.json").is_file():
            raise UsageError(f"{folder}: not a run folder (no summary.json); expected the output of policesim run")
    summaries = [read_summary(f) for f in folders]
    console = _console()
    base = summaries[0]
    for folder, other in zip(folders[1:], summaries[1:]):
        if other["manifest"]["seed"] != base["manifest"]["seed"]:
            console.print(f"warning: {folder} used seed {other['manifest']['seed']}, {folders[0]} used "
                          f"{base['manifest']['seed']}: replications are not paired by common random numbers")
        frame = differences_frame(paired_differences(summary_frame(base), summary_frame(other)))
        console.print(comparison_table(frame, base["manifest"]["scenario"], other["manifest"]["scenario"],
                                       COMPARED_METRICS))
    out = args.out or folders[0].parent / "comparison.html"
    console.print(f"report: {write_comparison_report(folders, out)}")
    return 0


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--replications", type=int, metavar="N", help="replications (default: the scenario's)")
    parser.add_argument("--seed", type=int, metavar="S", help="root seed (default: the scenario's)")
    parser.add_argument("--days", type=float, metavar="D", help="observed days after the warm-up")
    parser.add_argument("--warmup-days", type=float, metavar="D",
                        help="days simulated and discarded before observing (0 to choose a warm-up)")
    parser.add_argument("--out", type=Path, metavar="DIR", help="output folder")
    parser.add_argument("--workers", type=int, metavar="N",
                        help=f"local worker processes (default: number of cores, {default_workers()} here)")
    parser.add_argument("--dask", metavar="tcp://HOST:PORT", help="run the tasks on this Dask scheduler")
    parser.add_argument("--resume", action="store_true", help="keep the parts of an interrupted run, run the rest")
    parser.add_argument("--quiet", action="store_true", help="no progress and no tables")


def _add_debug(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--debug", action="store_true",
                        help=f"print the traceback of unexpected errors and failed tasks (or set {DEBUG_VARIABLE}=1)")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="policesim", description="Police staffing and response simulation.")
    commands = parser.add_subparsers(dest="command", required=True)

    validate = commands.add_parser("validate", help="check scenario files without running them")
    validate.add_argument("files", nargs="+", type=Path)
    validate.add_argument("--quiet", action="store_true", help="skip the offered-load table")
    validate.set_defaults(handler=cmd_validate)

    run = commands.add_parser("run", help="run one scenario (default: the Almaty 2023 default)")
    run.add_argument("scenario", nargs="?", type=Path, default=DEFAULT_SCENARIO)
    _add_run_options(run)
    run.add_argument("--precision", type=float, metavar="P",
                     help="add replications until the headline metrics' 95%% half-width is within P of the mean")
    run.set_defaults(handler=cmd_run)

    sweep = commands.add_parser("sweep", help="run several scenarios (or a grid) with common random numbers")
    sweep.add_argument("scenarios", nargs="+", type=Path)
    _add_run_options(sweep)
    sweep.set_defaults(handler=cmd_sweep)

    compare = commands.add_parser("compare", help="paired differences of run folders against the first")
    compare.add_argument("folders", nargs="+", type=Path)
    compare.add_argument("--out", type=Path, metavar="PATH",
                         help="comparison.html, or a folder for it (default: beside the first run folder)")
    compare.set_defaults(handler=cmd_compare)

    report = commands.add_parser("report", help="write report.html for run folders (again)")
    report.add_argument("folders", nargs="+", type=Path)
    report.add_argument("--png", action="store_true", help="also write each chart as PNG (needs Chromium)")
    report.set_defaults(handler=cmd_report)
    add_log_commands(commands)
    add_check_command(commands)
    add_plan_commands(commands)
    for command in commands.choices.values():
        _add_debug(command)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (ScenarioError, UsageError, ResumeMismatch, NotARunFolder, LogError, CheckError, PlanInputError) as error:
        print(f"error: {_one_line(error)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted: complete parts are kept; rerun with --resume to finish", file=sys.stderr)
        return 130
    except OSError as error:  # a path the system refuses, a full disk: the planner's to fix, not a bug
        if debugging(args):
            traceback.print_exc()
        where = f"{display_path(error.filename)}: " if error.filename else ""
        print(f"error: {_one_line(where + (error.strerror or str(error)))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as error:  # noqa: BLE001 - a bug: one line, the traceback on request
        if debugging(args):
            traceback.print_exc()
        print(f"error: unexpected {type(error).__name__}: {_one_line(error)}; this is a bug in policesim: "
              f"rerun with --debug (or {DEBUG_VARIABLE}=1) for the traceback and report it", file=sys.stderr)
        return EXIT_TASKS_FAILED


def entry_point() -> None:
    """The `policesim` program: `main`, then an exit that skips the interpreter's shutdown collections.

    At exit CPython collects garbage over every object the libraries made (pandas, pyarrow, plotly,
    pydantic: over 100,000) several times, a fifth of a second of every command for memory the
    system reclaims anyway; frozen, they are left out. Everything `main` writes is complete on
    disk when it returns, and standard output is still flushed.
    """
    code = main()
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    entry_point()
