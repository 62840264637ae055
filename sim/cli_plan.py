"""`policesim estimate` and `policesim plan requirement|roster|stations`: the planner's commands.

Kept apart from cli.py: these commands drive the planner, then prove each plan by simulating it
against the input with common random numbers through the same pipeline as `policesim sweep`.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from .atomic import write_json_atomic
from .model.city import build_city
from .pipeline import Job, run_experiment
from .plan import PlanInputError
from .model import simulate
from .plan.isa import refine
from .plan.estimate import estimate, summary_by_priority
from .plan.on_duty import field_officers_on_duty
from .plan.requirement import Requirement, requirement
from .plan.roster import OBJECTIVES, plan_roster, tour_costs
from .plan.sites import maximal_covering, p_median
from .plan.stations import (
    Site, default_candidates, demand_points, moved_stations, read_candidates, stations_csv_text, travel_matrix,
)
from .plan.targets import DEFAULT_TARGETS, parse_target
from .plan.tours import ROTATIONS, tours
from .plan.variant import kept_inspectors, kept_rows, replanned, roster_rows, write_variant
from .report.console import comparison_table
from .report.plan_report import write_plan_report
from .results.compare import Difference, differences_frame, paired_differences
from .results.storage import summary_frame
from .scenario import load_scenario
from .scenario.schema import Scenario

DEFAULT_SCENARIO = Path("scenarios/almaty-2023.toml")
PLANS = Path("results/plans")
PROOF_METRICS = [("response_p90_min", "priority"), ("response_mean_min", "priority"),
                 ("within_target_share", "all"), ("utilisation_busy", "role")]


def _console() -> Console:
    console = Console(highlight=False)
    return console if console.is_terminal else Console(highlight=False, width=120)


def _int_list(text: str) -> list[int]:
    try:
        return [int(x) for x in text.replace(";", ",").split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected whole numbers separated by commas, got {text!r}") from None


def _targets(args: argparse.Namespace):
    return [parse_target(t) for t in (args.target or DEFAULT_TARGETS)]


def cmd_estimate(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    data = estimate(scenario)
    console = _console()
    table = Table(title=f"Queueing estimate, {scenario.name}: field calls per pool (modified offered load, "
                        "Erlang C, Cobham)", title_justify="left")
    for column in ("pool", "mean load", "peak load", "on duty (mean)", "hours overloaded", "P(wait) mean",
                   *(f"P{p} mean wait min" for p in data["mean_wait_min"])):
        table.add_column(column, justify="left" if column == "pool" else "right")
    for i, pool in enumerate(data["pools"]):
        load, on_duty = np.array(data["load"][i]), np.array(data["on_duty"][i])
        delay = np.array(data["delay_probability"][i])
        waits = []
        for p, rows in data["mean_wait_min"].items():
            w = np.array([np.nan if v is None else v for v in rows[i]], dtype=float)
            n = np.array(data["arrivals_per_hour"][p][i])
            ok = np.isfinite(w) & (n > 0)
            waits.append(f"{(w[ok] * n[ok]).sum() / n[ok].sum():.1f}" if ok.any() else "-")
        table.add_row(pool, f"{load.mean():.1f}", f"{load.max():.1f}", f"{on_duty.mean():.1f}",
                      str(int((np.floor(on_duty) <= load).sum())), f"{delay.mean():.2f}", *waits)
    console.print(table)
    for priority, s in summary_by_priority(data).items():
        console.print(f"priority {priority}: mean wait {s['mean_wait_min']:.1f} min over stable hours; "
                      f"{s['unstable_share']:.0%} of calls arrive in hours whose load reaches the officers on duty")
    if args.json:
        write_json_atomic(args.json, data)
        console.print(f"estimate: {args.json}")
    return 0


def requirement_table(req: Requirement, on_duty: np.ndarray) -> Table:
    table = Table(title="Officers needed on duty for field calls (analytic: modified offered load, Erlang C); "
                        f"targets {', '.join(map(str, req.targets))}", title_justify="left")
    for column in ("pool", "load mean", "load peak", "needed mean", "needed min", "needed peak",
                   "on duty now (mean)", "hours short now"):
        table.add_column(column, justify="left" if column == "pool" else "right")
    for i, pool in enumerate(req.pools):
        need = req.officers[i]
        table.add_row(pool, f"{req.loads.load[i].mean():.1f}", f"{req.loads.load[i].max():.1f}",
                      f"{need.mean():.1f}", str(need.min()), str(need.max()), f"{on_duty[i].mean():.1f}",
                      str(int((on_duty[i] < need).sum())))
    return table


def _write_requirement_csv(path: Path, req: Requirement, simulated: np.ndarray | None = None) -> None:
    lines = ["pool,hour_of_week,load,pointwise_load,officers_needed" + (",officers_needed_simulated" if simulated
                                                                        is not None else "")]
    for i, pool in enumerate(req.pools):
        for h in range(168):
            extra = f",{simulated[i, h]}" if simulated is not None else ""
            lines.append(f"{pool},{h},{req.loads.load[i, h]:.3f},{req.loads.pointwise[i, h]:.3f},{req.officers[i, h]}"
                         + extra)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def cmd_requirement(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    req = requirement(scenario, _targets(args))
    console = _console()
    console.print(requirement_table(req, field_officers_on_duty(scenario)))
    simulated = simulated_requirement(scenario, req, args, console) if args.simulate else None
    out = args.out or PLANS / f"{scenario.name}-requirement"
    _write_requirement_csv(out / "requirement.csv", req, simulated)
    console.print(f"requirement: {out / 'requirement.csv'}")
    return 0


def simulated_requirement(scenario: Scenario, req: Requirement, args: argparse.Namespace,
                          console: Console) -> np.ndarray:
    """The iterative staffing algorithm from the analytic requirement, on the delay-probability target."""
    delay = [t for t in req.targets if t.key == "delay_probability"]
    if not delay:
        raise PlanInputError("--simulate: refines a delay_probability target; add --target delay_probability<=X")
    run = scenario.run.model_copy(update={"replications": args.replications,
                                          **({"horizon_days": args.days} if args.days else {})})
    scenario = scenario.model_copy(update={"run": run})

    def calls_of(candidate: Scenario) -> list:
        return [simulate(candidate, replication=r).calls.to_pandas() for r in range(args.replications)]

    result = refine(scenario, req.officers, req.pools, delay[0].value, calls_of, max_iterations=args.iterations)
    table = Table(title=f"Officers needed on duty: analytic and simulated (iterative staffing, {result.iterations} "
                        f"iterations, largest hourly change {result.changes})", title_justify="left")
    for column in ("pool", "analytic mean", "simulated mean", "analytic peak", "simulated peak",
                   "hours differing by 2+", "simulated P(wait) max"):
        table.add_column(column, justify="left" if column == "pool" else "right")
    for i, pool in enumerate(req.pools):
        a, b = req.officers[i], result.officers[i]
        table.add_row(pool, f"{a.mean():.1f}", f"{b.mean():.1f}", str(a.max()), str(b.max()),
                      str(int((np.abs(a - b) >= 2).sum())), f"{result.delay_probability[i].max():.2f}")
    console.print(table)
    return result.officers


def _tour_defaults(scenario: Scenario, args: argparse.Namespace) -> tuple[list[int], list[int], int]:
    """Shift lengths and days per week from the scenario's field shifts, unless given."""
    layout = build_city(scenario)
    shifts = [layout.shifts[m.shift] for m in layout.staff if replanned(scenario, layout, m)]
    lengths = args.shift_hours or sorted({int(round(s.hours)) for s in shifts}) or [8]
    days = args.days_per_week or (Counter(s.days_worked_per_week for s in shifts).most_common(1)[0][0]
                                  if shifts else 5)
    return args.start_hours or list(range(24)), lengths, days


def cmd_roster(args: argparse.Namespace) -> int:
    console = _console()
    base = load_scenario(args.scenario)
    layout = build_city(base)
    req = requirement(base, _targets(args))
    starts, lengths, days = _tour_defaults(base, args)
    allowed = tours(starts, lengths, days, args.rotation)
    coverage = np.column_stack([t.mask() for t in allowed])
    keep = kept_inspectors(base, layout)
    field_headcount = None
    if args.headcount is not None:
        field_headcount = args.headcount - keep
        if field_headcount <= 0:
            raise PlanInputError(f"--headcount {args.headcount}: expected more than the {keep} inspectors kept at "
                                 "stations that send nobody out")
    plan = plan_roster(req.officers, coverage, tour_costs(allowed, args.minimise), base.staffing.availability,
                       field_headcount, time_limit_s=args.time_limit)
    name = f"{base.name}-roster"
    out = args.out or PLANS / name
    rows = kept_rows(base, layout) + roster_rows(plan.counts, allowed, req.pools, base, layout)
    officers = int(plan.counts.sum())
    what = (f"{officers} field officers on {len(allowed)} allowed tours ({', '.join(map(str, lengths))} h, "
            f"{days} days a week, {args.rotation} days off), {keep} other inspectors kept")
    variant_path = write_variant(Path(args.scenario), out, name, f"roster plan for {base.name}: {what}", rows=rows)
    variant = load_scenario(variant_path)
    unit = "officers" if args.minimise == "officers" else "paid hours"
    lines = [
        f"roster: {what}",
        (f"covers {plan.theta:.3f} x the requirement in every hour; no roster of {field_headcount} covers "
         f"{plan.theta_bound:.3f} x (LP relaxation and the solver's bounds): optimality gap {plan.cover_gap:.2%}; {plan.leftover} officers "
         "left over placed where cover is thinnest" if args.headcount is not None
         else "covers the requirement in every hour"),
        f"covering programs: {plan.objective:,.0f} {unit}; LP bound {plan.lp_bound:,.0f} (gap {plan.lp_gap:.2%}); "
        f"optimality gap against the solver's bound {plan.gap:.2%}",
        f"variant: {variant_path}",
    ]
    for line in lines:
        console.print(line)
    before = field_officers_on_duty(base, layout)
    after = field_officers_on_duty(variant)
    differences = None if args.no_simulate else prove(base, variant, out, args, console)
    shift_rows = [[t.name, *(int(plan.counts[p, j]) for p in range(len(req.pools))), int(plan.counts[:, j].sum())]
                  for j, t in enumerate(allowed) if plan.counts[:, j].any()]
    write_json_atomic(out / "plan.json", {
        "scenario": base.name, "variant": str(variant_path), "targets": [str(t) for t in req.targets],
        "officers": officers, "objective": plan.objective, "lp_bound": plan.lp_bound, "lp_gap": plan.lp_gap,
        "gap": plan.gap, "theta": plan.theta, "theta_bound": plan.theta_bound, "cover_gap": plan.cover_gap,
        "pools": req.pools,
        "tours": [{"tour": r[0], "officers": r[-1]} for r in shift_rows],
    })
    report = write_plan_report(
        out / "plan.html", f"Roster plan for {base.name}", lines,
        cover=(req.pools, req.officers, before, after),
        shifts=(["tour", *req.pools, "all"], shift_rows), differences=differences, names=(base.name, name))
    console.print(f"plan: {report}")
    return 0


SITE_OBJECTIVES = ("coverage", "median")


def cmd_stations(args: argparse.Namespace) -> int:
    console = _console()
    base = load_scenario(args.scenario)
    movers = [s for s in base.city.all_stations if s.kind == args.kind]
    if not movers:
        raise PlanInputError(f"--kind {args.kind}: the scenario has no {args.kind} stations to place")
    count = args.count or len(movers)
    sites = read_candidates(args.candidates, base) if args.candidates else default_candidates(base)
    points, weights = demand_points(base, args.kind)
    travel = travel_matrix(base, points, sites)
    current = travel_matrix(base, points, [Site(s.name, s.precinct, s.lon, s.lat) for s in movers])
    if args.objective == "coverage":
        choice = maximal_covering(weights, travel <= args.within_min, count, args.time_limit)
        before = weights[(current <= args.within_min).any(axis=1)].sum() / weights.sum()
        result = (f"demand within {args.within_min:g} min: {before:.1%} now, {choice.objective / weights.sum():.1%} "
                  f"with the plan (LP bound {choice.lp_bound / weights.sum():.1%})")
    else:
        choice = p_median(weights, travel, count, args.time_limit)
        before = (weights * current.min(axis=1)).sum() / weights.sum()
        result = (f"mean travel to the nearest {args.kind} station: {before:.1f} min now, "
                  f"{choice.objective / weights.sum():.1f} min with the plan "
                  f"(LP bound {choice.lp_bound / weights.sum():.1f})")
    chosen = [sites[j] for j in choice.chosen]
    name = f"{base.name}-{args.kind}-sites"
    out = args.out or PLANS / name
    lines = [f"{args.kind} stations: {count} sites chosen among {len(sites)} candidates "
             f"({'maximal covering' if args.objective == 'coverage' else 'p-median'}, "
             f"{'optimal' if choice.optimal else 'time limit reached'})", result]
    differences = None
    if count == len(movers):
        stations = moved_stations(base, args.kind, chosen)
        variant_path = write_variant(Path(args.scenario), out, name, f"{args.kind} stations moved: {lines[0]}",
                                     stations_csv=stations_csv_text(stations),
                                     clear_added_stations=bool(base.city.add_stations))
        lines.append(f"variant: {variant_path}")
        variant = load_scenario(variant_path)
        for line in lines:
            console.print(line)
        if not args.no_simulate:
            differences = prove(base, variant, out, args, console)
    else:
        lines.append(f"no variant written: the scenario has {len(movers)} {args.kind} stations, "
                     f"the plan chose {count} sites")
        for line in lines:
            console.print(line)
    candidates = [{"name": s.name, "lon": s.lon, "lat": s.lat} for s in sites]
    calls = [{"lon": p.lon, "lat": p.lat, "weight": float(w)} for p, w in zip(points, weights)]
    out.mkdir(parents=True, exist_ok=True)
    write_json_atomic(out / "plan.json", {"scenario": base.name, "kind": args.kind, "objective": args.objective,
                                          "value": choice.objective, "lp_bound": choice.lp_bound,
                                          "chosen": [s.name for s in chosen]})
    report = write_plan_report(out / "plan.html", f"{args.kind} station sites for {base.name}", lines,
                               sites=(candidates, [s.name for s in chosen], calls), differences=differences,
                               names=(base.name, name),
                               shifts=(["chosen site", "precinct", "lon", "lat"],
                                       [[s.name, s.precinct, f"{s.lon:.5f}", f"{s.lat:.5f}"] for s in chosen]))
    console.print(f"plan: {report}")
    return 0


def prove(base: Scenario, variant: Scenario, out: Path, args: argparse.Namespace,
          console: Console) -> list[Difference]:
    """Simulate input and plan with common random numbers; print and return the paired differences."""
    def prepared(s: Scenario) -> Scenario:
        run = s.run.model_copy(update={"replications": args.replications,
                                       **({"horizon_days": args.days} if args.days else {})})
        return s.model_copy(update={"run": run})

    jobs = [Job(prepared(base), out / "runs" / base.name), Job(prepared(variant), out / "runs" / variant.name)]
    result = run_experiment(jobs, out / ".parts", replications=args.replications, seed=base.run.seed,
                            workers=args.workers, show_progress=not args.quiet)
    if result.failures:
        raise PlanInputError(f"the proof by simulation failed: {result.failures[0]}")
    frames = [summary_frame(result.summaries[j.scenario.name]) for j in jobs]
    differences = paired_differences(*frames)
    console.print(comparison_table(differences_frame(differences), base.name, variant.name, PROOF_METRICS))
    return differences


def _add_plan_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenario", nargs="?", type=Path, default=DEFAULT_SCENARIO)
    parser.add_argument("--target", action="append", metavar="KEY<=X",
                        help=f"a target per hour (repeat for several; default {' and '.join(DEFAULT_TARGETS)}): "
                             "delay_probability<=X, p1_p90_response_min<=X, p1_within_target>=X")
    parser.add_argument("--out", type=Path, metavar="DIR", help="folder for the plan (default results/plans/NAME)")


def _add_proof_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--replications", type=int, default=10, metavar="N",
                        help="replications of the comparison by simulation (default 10)")
    parser.add_argument("--days", type=float, metavar="D", help="observed days per replication (default the scenario's)")
    parser.add_argument("--workers", type=int, metavar="N", help="worker processes (default: number of cores)")
    parser.add_argument("--no-simulate", action="store_true", help="write the plan without proving it by simulation")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def add_commands(commands: argparse._SubParsersAction) -> None:
    est = commands.add_parser("estimate", help="queueing-formula estimate of load and waits per pool and hour")
    est.add_argument("scenario", nargs="?", type=Path, default=DEFAULT_SCENARIO)
    est.add_argument("--json", type=Path, metavar="PATH", help="also write the estimate as JSON")
    est.set_defaults(handler=cmd_estimate)

    plan = commands.add_parser("plan", help="plan staffing or sites to meet targets, and prove it by simulation")
    kinds = plan.add_subparsers(dest="plan_kind", required=True)
    need = kinds.add_parser("requirement", help="officers needed on duty per pool and hour of the week")
    _add_plan_options(need)
    need.add_argument("--simulate", action="store_true",
                      help="refine by the iterative staffing algorithm with the simulation (delay_probability target)")
    need.add_argument("--iterations", type=int, default=4, metavar="N", help="with --simulate: at most N iterations")
    need.add_argument("--replications", type=int, default=2, metavar="N", help="with --simulate: replications each")
    need.add_argument("--days", type=float, metavar="D", help="with --simulate: observed days per replication")
    need.set_defaults(handler=cmd_requirement)

    roster = kinds.add_parser("roster", help="shifts that cover the requirement (integer program), as a variant")
    _add_plan_options(roster)
    roster.add_argument("--headcount", type=int, metavar="N",
                        help="inspectors to roster (all of them, including those kept at desk-only stations)")
    roster.add_argument("--start-hours", type=_int_list, metavar="H,H,..", help="allowed start hours (default all)")
    roster.add_argument("--shift-hours", type=_int_list, metavar="L,L,..",
                        help="allowed shift lengths in hours (default the scenario's field shifts')")
    roster.add_argument("--days-per-week", type=int, metavar="D", help="days on per week (default the scenario's)")
    roster.add_argument("--rotation", choices=ROTATIONS, default="consecutive", help="how days off fall")
    roster.add_argument("--minimise", choices=OBJECTIVES, default="officers", help="without --headcount")
    roster.add_argument("--time-limit", type=float, default=30.0, metavar="S", help="seconds per integer program")
    _add_proof_options(roster)
    roster.set_defaults(handler=cmd_roster)

    stations = kinds.add_parser("stations", help="sites for one kind of station (integer program), as a variant")
    stations.add_argument("scenario", nargs="?", type=Path, default=DEFAULT_SCENARIO)
    stations.add_argument("--kind", choices=("fixed", "modular", "service_centre"), default="modular")
    stations.add_argument("--count", type=int, metavar="N", help="sites to open (default: the kind's stations)")
    stations.add_argument("--candidates", type=Path, metavar="FILE",
                          help="CSV of candidate sites: name, precinct, lon, lat (default hotspots and precinct centres)")
    stations.add_argument("--objective", choices=SITE_OBJECTIVES, default="coverage",
                          help="coverage: most demand within --within-min; median: least mean travel")
    stations.add_argument("--within-min", type=float, default=15.0, metavar="MIN", help="coverage travel time")
    stations.add_argument("--time-limit", type=float, default=60.0, metavar="S", help="seconds for the program")
    stations.add_argument("--out", type=Path, metavar="DIR", help="folder for the plan")
    _add_proof_options(stations)
    stations.set_defaults(handler=cmd_stations)
