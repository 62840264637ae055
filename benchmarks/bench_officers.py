"""Time, memory and file size of officer-level results for one replication of a long Almaty run.

Runs the engine once, then builds officers.parquet's table twice: once timed (with the process's
peak resident memory before and after), once under tracemalloc for the peak its own arrays take.
Also reports what the `officer` and `shift` columns add to calls.parquet.

    python benchmarks/bench_officers.py --days 365
"""

from __future__ import annotations

import argparse
import io
import resource
import time
import tracemalloc
from pathlib import Path

import pyarrow.parquet as pq

from sim.model.city import build_city
from sim.model.demand import generate_calls
from sim.model.engine import Engine
from sim.model.officers import officer_time
from sim.model.shifts import roster
from sim.model.streams import Streams
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent


def _parquet_mib(table) -> float:
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return len(buffer.getvalue()) / 2**20


def _max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "almaty-2023.toml")
    parser.add_argument("--days", type=float, default=365)
    args = parser.parse_args()
    scenario = load_scenario(args.scenario)
    scenario = scenario.model_copy(update={"run": scenario.run.model_copy(update={"horizon_days": args.days})})
    streams, layout = Streams(scenario.run.seed, 0), build_city(scenario)
    days = scenario.run.warmup_days + args.days
    warmup_min, total_min = scenario.run.warmup_days * 1440.0, days * 1440.0
    calls, shifts = generate_calls(layout, streams, days), roster(layout, streams, days)
    start = time.perf_counter()
    engine = Engine(layout, calls, shifts, total_min, warmup_min)
    engine.run()
    print(f"engine: {time.perf_counter() - start:.0f} s, {len(calls):,} calls, {layout.n_staff} staff")
    busy, overtime = engine.log.busy_intervals(), engine.log.overtime_intervals()
    inputs = (layout, shifts, busy, overtime, calls.kind, engine.prevention_windows, warmup_min, total_min, 0)

    import pandas  # noqa: F401  imported by every run before this point; keep its import out of the timing

    before = _max_rss_mib()
    start = time.perf_counter()
    table = officer_time(*inputs)
    seconds = time.perf_counter() - start
    print(f"officer_time: {seconds:.2f} s for {len(busy.staff):,} jobs, {table.num_rows:,} rows; "
          f"max RSS {before:.0f} -> {_max_rss_mib():.0f} MiB")
    tracemalloc.start()
    officer_time(*inputs)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"officer_time traced peak: {peak / 2**20:.1f} MiB; table in memory {table.nbytes / 2**20:.1f} MiB")
    print(f"officers.parquet: {_parquet_mib(table):.2f} MiB")
    calls_table = engine.records.table(layout, calls, 0, warmup_min, total_min)
    print(f"calls.parquet: {_parquet_mib(calls_table):.2f} MiB, without officer and shift "
          f"{_parquet_mib(calls_table.drop_columns(['officer', 'shift'])):.2f} MiB")


if __name__ == "__main__":
    main()
