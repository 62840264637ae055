"""The `policesim import` and `policesim fit` commands: from a force's CAD export to a scenario."""

from __future__ import annotations

import argparse
from pathlib import Path

from .logs import LogError
from .logs.formats import FIELDS, known_formats, load_format
from .logs.importing import import_log
from .logs.tidy import write_tidy_log


def _pairs(values: list[str], option: str, path: str) -> dict[str, str]:
    pairs = {}
    for value in values or []:
        left, sep, right = value.partition("=")
        if not sep or not left or not right:
            raise LogError(path, f"{option} {value!r}: expected LEFT=RIGHT")
        pairs[left] = right
    return pairs


def cmd_import(args: argparse.Namespace) -> int:
    try:
        fmt = load_format(args.format)
    except ValueError as error:
        raise LogError(args.log, str(error)) from None
    ranks = {label: rank for label, rank in _pairs(args.rank, "--rank", args.log).items()}
    bad = [f"{label}={rank}" for label, rank in ranks.items() if rank not in "1234" or len(rank) != 1]
    if bad:
        raise LogError(args.log, f"--rank {bad[0]}: expected a rank from 1 (most urgent) to 4")
    mapping = _pairs(args.map, "--map", args.log)
    unknown = [f"{column}={field}" for column, field in mapping.items() if field not in FIELDS]
    if unknown:
        raise LogError(args.log, f"--map {unknown[0]}: expected a field among {', '.join(FIELDS)}")
    fmt = fmt.with_options(mapping, {k: int(v) for k, v in ranks.items()}, args.time_format)
    tidy, report = import_log(args.log, fmt)
    out = write_tidy_log(tidy, args.out)
    if args.parquet:
        write_tidy_log(tidy, out.with_suffix(".parquet"))
    for line in report.lines():
        print(line)
    print(f"tidy log: {out}")
    return 0


def cmd_fit(args: argparse.Namespace) -> int:
    from .fit.command import run_fit  # the fit pulls in scipy and the scenario schema; import keeps light

    return run_fit(args)


def add_log_commands(commands: argparse._SubParsersAction) -> None:
    """Add import and fit to the policesim command line."""
    imp = commands.add_parser("import", help="read a force's CAD export into a tidy call log")
    imp.add_argument("log", type=str, metavar="LOG.csv")
    imp.add_argument("--format", default="generic", metavar="NAME",
                     help=f"the export's format: {', '.join(known_formats())}, or a format .toml (default generic)")
    imp.add_argument("--map", action="append", metavar="COLUMN=FIELD",
                     help="take FIELD (created, arrived, priority, ...) from the export's COLUMN; repeatable")
    imp.add_argument("--rank", action="append", metavar="LABEL=N",
                     help="priority LABEL has rank N (1 most urgent to 4); repeatable")
    imp.add_argument("--time-format", metavar="FMT", help="strptime format of the times (default: the format's)")
    imp.add_argument("--out", type=Path, required=True, metavar="tidy.csv", help="where to write the tidy log")
    imp.add_argument("--parquet", action="store_true", help="also write the tidy log as Parquet beside it")
    imp.set_defaults(handler=cmd_import)

    fit = commands.add_parser("fit", help="fit a scenario (demand, places, time on scene) to a tidy call log")
    fit.add_argument("log", type=Path, metavar="LOG", help="a tidy log written by policesim import")
    fit.add_argument("--city", type=Path, required=True, metavar="BOUNDARIES",
                     help="district boundaries (GeoJSON with a 'district' property)")
    fit.add_argument("--stations", type=Path, metavar="FILE",
                     help="stations CSV (name, kind, precinct, lon, lat, inspectors); default: estimated")
    fit.add_argument("--name", metavar="NAME", help="scenario name (default: from --out)")
    fit.add_argument("--officers", type=int, default=None, metavar="N",
                     help="officers on duty city-wide, split over the estimated stations by load"
                     " (default: enough for a field load of 0.5)")
    fit.add_argument("--by", choices=["priority", "call_type"], default="priority",
                     help="one scenario call type per priority (default) or per the log's call type")
    fit.add_argument("--min-calls", type=int, default=30, metavar="N",
                     help="with --by call_type: call types with fewer calls are pooled per priority (default 30)")
    fit.add_argument("--cell-km", type=float, default=0.5, metavar="KM",
                     help="size of the cells observed places are gathered into, one hotspot each (default 0.5)")
    fit.add_argument("--report", type=Path, metavar="fit.html", help="where to write the fit report"
                     " (default: NAME-fit.html beside the scenario)")
    fit.add_argument("--out", type=Path, required=True, metavar="scenario.toml",
                     help="the scenario; its tables go to data/NAME/ beside it")
    fit.set_defaults(handler=cmd_fit)
