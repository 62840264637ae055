"""`policesim fit`: read a tidy log, fit a scenario, write it with its fit.html, and validate it."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..logs import LogError, read_tidy_log
from ..scenario import load_scenario
from .figures import write_fit_report
from .fitting import fit_log
from .writer import write_scenario


def run_fit(args: argparse.Namespace) -> int:
    log = read_tidy_log(args.log)
    if not Path(args.city).is_file():
        raise LogError(args.city, "no such boundaries file (--city): expected GeoJSON district polygons")
    if args.stations is not None and not Path(args.stations).is_file():
        raise LogError(args.stations, "no such stations file (--stations): expected a CSV like a scenario's stations table")
    name = args.name or Path(args.out).stem
    try:
        fit = fit_log(log, str(args.log), Path(args.city), by=args.by, cell_km=args.cell_km,
                      officers=args.officers, min_calls=args.min_calls)
    except ValueError as error:
        raise LogError(args.log, str(error)) from None
    out = write_scenario(fit, Path(args.out), name, stations=args.stations)
    scenario = load_scenario(out)
    report = write_fit_report(fit, Path(args.report) if args.report else out.with_name(f"{name}-fit.html"), name)
    for t in fit.demand.types:
        f = fit.on_scene[t.name]
        print(f"{t.name}: {t.calls:,} calls in {fit.demand.span_days:.2f} days -> yearly_volume {t.yearly_volume:,.0f};"
              f" on scene {f.chosen} mean {f.distribution_mean:.1f} min (observed {f.observed_mean_min:.1f}"
              f"; best parametric {f.best_parametric}: mean {f.best_parametric_mean_min:.1f}, KS {f.ks_distance:.3f},"
              f" p {f.ks_pvalue:.3g})")
    if args.stations is None:
        print(f"estimated staffing: {sum(s.inspectors for s in fit.stations)} officers at {len(fit.stations)} stations")
    print(f"scenario: {out} (valid: {scenario.name})")
    print(f"fit report: {report}")
    return 0
