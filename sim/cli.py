"""The `policesim` command: validate, run, sweep, compare and report scenarios."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from .model.capacity import offered_load
from .scenario import ScenarioError, load_scenario

DEFAULT_SCENARIO = Path("scenarios/almaty-2023.toml")
EXIT_BAD_INPUT = 2


def _console() -> Console:
    return Console(highlight=False, soft_wrap=True)


def load_table(scenario) -> Table:
    table = Table(title=f"Offered load, {scenario.name} (yearly hours)", title_justify="left")
    for column in ("district", "field work", "station work", "inspector hours", "assistant hours",
                   "prevention", "field load", "total load", ""):
        table.add_column(column, justify="left" if column == "district" else "right")
    for row in offered_load(scenario):
        table.add_row(
            row.district, f"{row.field_hours:,.0f}", f"{row.station_hours:,.0f}",
            f"{row.inspector_hours:,.0f}", f"{row.assistant_hours:,.0f}", f"{row.prevention_hours:,.0f}",
            f"{row.field_load:.2f}", f"{row.total_load:.2f}", "ok" if row.stable else "OVERLOADED",
        )
    return table


def cmd_validate(args: argparse.Namespace) -> int:
    console = _console()
    for path in args.files:
        scenario = load_scenario(path)
        console.print(f"{path}: ok ({scenario.name})")
        if not args.quiet:
            console.print(load_table(scenario))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="policesim", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="check scenario files without running them")
    validate.add_argument("files", nargs="+", type=Path)
    validate.add_argument("--quiet", action="store_true", help="skip the offered-load table")
    validate.set_defaults(handler=cmd_validate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except ScenarioError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
