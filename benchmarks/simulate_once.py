"""One replication of a scenario through `simulate`, nothing else: a target for profilers and
instruction counters, which see through the noise of a shared machine where timers do not.

    python benchmarks/simulate_once.py [SCENARIO] [--days 30] [--replication 0]
    valgrind --tool=cachegrind --cache-sim=no python benchmarks/simulate_once.py --days 30

Two runs of different lengths separate the cost per call from the fixed cost of starting up:
(instructions at 30 days - instructions at 1 day) / (calls at 30 days - calls at 1 day).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.model import simulate
from sim.scenario import load_scenario


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", type=Path, default=Path("scenarios/almaty-2023.toml"))
    parser.add_argument("--days", type=float, default=30.0, help="observed days (warm-up added)")
    parser.add_argument("--replication", type=int, default=0)
    args = parser.parse_args()
    scenario = load_scenario(args.scenario)
    scenario = scenario.model_copy(update={"run": scenario.run.model_copy(update={"horizon_days": args.days})})
    result = simulate(scenario, replication=args.replication)
    print(f"{int(result.monitors['calls_simulated'])} calls simulated")


if __name__ == "__main__":
    main()
