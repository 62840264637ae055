"""Speed and peak memory of a full `policesim run` through the CLI, against the simplest SimPy queue.

Times `policesim run --days D --replications 1 --workers 1` (Parquet, summary and report
included) in a subprocess, reads its peak resident memory (the child's ru_maxrss, what
`/usr/bin/time -v` calls "Maximum resident set size"), then pushes the same number of calls
through the bare SimPy M/M/c queue of `bench_model.py` in this process, and prints calls per
second of each and their ratio, CLI / bare queue. Repeats alternate the two; medians are what to
quote on a shared machine.

    python benchmarks/bench_cli.py [SCENARIO] [--days 365] [--repeat 1]
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_model import bare_mmc  # noqa: E402


def run_cli(scenario: Path | None, days: float, out: Path) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB and calls simulated of one CLI run."""
    command = [sys.executable, "-m", "sim.cli", "run", "--days", str(days), "--replications", "1",
               "--workers", "1", "--quiet", "--out", str(out)]
    if scenario is not None:
        command.insert(4, str(scenario))
    wrapper = ("import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(code)")
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", wrapper, *command], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(Path.cwd())})
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"policesim run failed:\n{done.stderr[-2000:]}")
    peak_mb = int(done.stdout.strip().splitlines()[-1]) / 1024
    summary = json.loads((out / "summary.json").read_text())
    calls = int(sum(m["calls_simulated"] for m in summary["monitors"]))
    return seconds, peak_mb, calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", type=Path, default=None, help="default: the CLI's (Almaty)")
    parser.add_argument("--days", type=float, default=365.0)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    # An installed package has its bytecode compiled; a checkout run with PYTHONDONTWRITEBYTECODE set
    # (as on these machines) would recompile sim's hundred modules in every run it times instead.
    compileall.compile_dir(Path(__file__).resolve().parent.parent / "sim", quiet=1)
    ratios, peaks = [], []
    for attempt in range(args.repeat):
        with tempfile.TemporaryDirectory() as folder:
            cli_s, peak_mb, n_calls = run_cli(args.scenario, args.days, Path(folder) / "run")
        bare_s, _ = bare_mmc(n_calls)
        ratios.append(bare_s / cli_s)
        peaks.append(peak_mb)
        print(f"run {attempt}: {n_calls:,} calls; CLI {n_calls / cli_s:,.0f} calls/s ({cli_s:.1f} s, peak "
              f"{peak_mb:,.0f} MB), bare SimPy M/M/c {n_calls / bare_s:,.0f} calls/s ({bare_s:.1f} s); "
              f"ratio {ratios[-1]:.2f}", flush=True)
    print(f"median ratio (CLI / bare queue, calls per second): {np.median(ratios):.2f} (target >= 1.0); "
          f"median peak memory {np.median(peaks):,.0f} MB (target < 600 MB)")


if __name__ == "__main__":
    main()
