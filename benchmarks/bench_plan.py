"""Time of the whole Almaty roster plan: `policesim plan roster --headcount 491`, proof by simulation included.

The issue's budget is 10 minutes on a 2-core machine: the requirement, the integer programs,
writing the variant, 10 replications of the input and of the plan with common random numbers,
the paired differences and plan.html. Runs as a fresh process (start-up included) and prints the
wall time of each stage it reports and the whole.

    python benchmarks/bench_plan.py [--workers 2] [--replications 10] [--headcount 491]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_S = 600.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--replications", type=int, default=10)
    parser.add_argument("--headcount", type=int, default=491)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as out:
        command = [sys.executable, "-m", "sim.cli", "plan", "roster", str(ROOT / "scenarios" / "almaty-2023.toml"),
                   "--headcount", str(args.headcount), "--workers", str(args.workers),
                   "--replications", str(args.replications), "--quiet", "--out", str(Path(out) / "plan")]
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        seconds = time.perf_counter() - start
    print(done.stdout)
    if done.returncode != 0:
        print(done.stderr, file=sys.stderr)
        return done.returncode
    verdict = "within" if seconds <= BUDGET_S else "OVER"
    print(f"plan roster --headcount {args.headcount}, {args.replications} replications, {args.workers} workers: "
          f"{seconds:.0f} s ({verdict} the {BUDGET_S:.0f} s budget)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
