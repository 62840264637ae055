"""Speed-up of a sweep on N local workers over 1: whole `policesim sweep` commands, timed end to end.

Runs the same sweep (default: the Almaty default and its six variants, 7 days, 2 replications)
with `--workers 1` and then `--workers N`, alternating when repeated, and prints each wall time
and the ratio of the medians. Each command runs in this process (`sim.cli.main`) after one
import, so the interpreter's start-up, which no worker count changes, is left out; `--fresh`
runs each as a new `python -m sim.cli` process instead, start-up included. Task scheduling and
the merge into run folders are always included. On a 2-core machine the target is 1.7 or more.

    python benchmarks/bench_workers.py [--days 7] [--replications 2] [--workers 2] [--repeat 3] [--fresh]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VARIANTS = ["almaty-2023", "almaty-no-modular", "almaty-more-assistants", "almaty-prevention",
            "almaty-service-centres", "almaty-redeploy", "almaty-demand-plus-20"]


def sweep_args(workers: int, args: argparse.Namespace, out: Path) -> list[str]:
    return ["sweep", *(str(ROOT / "scenarios" / f"{v}.toml") for v in VARIANTS), "--days", str(args.days),
            "--replications", str(args.replications), "--workers", str(workers), "--out", str(out), "--quiet"]


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (worker processes, `--fresh` commands)."""
    return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                   resource.getrusage(resource.RUSAGE_CHILDREN)))


def timed_sweep(workers: int, args: argparse.Namespace, out: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one `policesim sweep`, in this process or (`--fresh`) a new one.

    CPU seconds show contention: on an idle machine N workers take about CPU / N of wall time."""
    command = sweep_args(workers, args, out)
    start, cpu = time.perf_counter(), cpu_seconds()
    if args.fresh:
        subprocess.run([sys.executable, "-m", "sim.cli", *command], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    else:
        with contextlib.redirect_stdout(io.StringIO()):
            if main_of_cli()(command) != 0:
                raise SystemExit(f"sweep failed: {' '.join(command)}")
    return time.perf_counter() - start, cpu_seconds() - cpu


def main_of_cli():
    from sim.cli import main as cli_main

    return cli_main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=7.0, help="observed days (the warm-up is added)")
    parser.add_argument("--replications", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="workers to compare with 1")
    parser.add_argument("--repeat", type=int, default=3, help="alternate the two runs this often; medians")
    parser.add_argument("--fresh", action="store_true", help="a new Python process per command")
    args = parser.parse_args()
    times: dict[int, list[float]] = {1: [], args.workers: []}
    if not args.fresh:
        main_of_cli()  # import once, outside the timings
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(args.repeat):
            for workers, seconds_list in times.items():
                seconds, cpu = timed_sweep(workers, args, Path(tmp) / f"w{workers}-{round_}")
                seconds_list.append(seconds)
                print(f"{workers} worker(s): {seconds:.1f} s wall, {cpu:.1f} s CPU", flush=True)
    one, many = statistics.median(times[1]), statistics.median(times[args.workers])
    mode = "new process per command" if args.fresh else "in-process"
    print(f"{len(VARIANTS)} scenarios x {args.replications} replications x {args.days:g} days, {mode}: "
          f"1 worker {one:.1f} s, {args.workers} workers {many:.1f} s, speed-up {one / many:.2f}")


if __name__ == "__main__":
    main()
