"""Speed of the whole model against the simplest SimPy queue, per call, in the same process.

Runs one replication of a full city-year of a scenario (default: Almaty) through `simulate`
(call generation, the event loop and the records table included), then pushes the same number
of calls through a bare SimPy M/M/c queue written the textbook way (a process per customer and
a `Resource`), and prints the ratio of calls per second, model / bare queue. Absolute times on
shared machines drift; the ratio, measured in one process, is what to compare, and the ratio of
CPU times is the steadier of the two when other work shares the machine.

    python benchmarks/bench_model.py [SCENARIO] [--days 365] [--repeat 1]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from pathlib import Path

import numpy as np
import simpy

from sim.model import simulate
from sim.scenario import load_scenario


def bare_mmc(n_calls: int, servers: int = 10, utilisation: float = 0.8, seed: int = 1) -> tuple[float, float]:
    """Wall and CPU seconds to push `n_calls` through an M/M/c queue, one SimPy process per customer."""
    rng = random.Random(seed)  # as SimPy's own examples draw: the stdlib, one value at a time
    service_min = 10.0
    arrival_per_min = utilisation * servers / service_min
    env = simpy.Environment()
    counter = simpy.Resource(env, capacity=servers)

    def customer(service: float):
        with counter.request() as request:
            yield request
            yield env.timeout(service)

    def source():
        for _ in range(n_calls):
            yield env.timeout(rng.expovariate(arrival_per_min))
            env.process(customer(rng.expovariate(1 / service_min)))

    start, cpu = time.perf_counter(), time.process_time()
    env.process(source())
    env.run()
    return time.perf_counter() - start, time.process_time() - cpu


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", type=Path, default=Path("scenarios/almaty-2023.toml"))
    parser.add_argument("--days", type=float, default=365.0, help="observed days (warm-up added)")
    parser.add_argument("--repeat", type=int, default=1, help="alternate model and bare runs this often")
    args = parser.parse_args()

    scenario = load_scenario(args.scenario)
    scenario = scenario.model_copy(update={"run": scenario.run.model_copy(update={"horizon_days": args.days})})
    ratios, cpu_ratios = [], []
    for attempt in range(args.repeat):
        start, cpu = time.perf_counter(), time.process_time()
        result = simulate(scenario, replication=attempt)
        model_s, model_cpu = time.perf_counter() - start, time.process_time() - cpu
        n_calls = int(result.monitors["calls_simulated"])
        model_peak = peak_rss_mb()
        del result
        bare_s, bare_cpu = bare_mmc(n_calls)
        ratios.append(bare_s / model_s)
        cpu_ratios.append(bare_cpu / model_cpu)
        print(f"run {attempt}: {n_calls:,} calls; model {n_calls / model_s:,.0f} calls/s ({model_s:.1f} s), "
              f"bare SimPy M/M/c {n_calls / bare_s:,.0f} calls/s ({bare_s:.1f} s); ratio model/bare "
              f"{ratios[-1]:.2f} (by CPU time {cpu_ratios[-1]:.2f}); peak memory after the model {model_peak:,.0f} MB")
    print(f"median ratio (model / bare queue, calls per second): {np.median(ratios):.2f} by wall clock, "
          f"{np.median(cpu_ratios):.2f} by CPU time (target >= 1.3); "
          f"peak memory {peak_rss_mb():,.0f} MB (target < 600 MB)")

if __name__ == "__main__":
    main()
