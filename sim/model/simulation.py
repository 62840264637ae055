"""One replication of a scenario: build the city, draw the calls, run the engine, collect records."""

from __future__ import annotations

import gc
from dataclasses import dataclass, field

import pyarrow as pa

from ..scenario.schema import Scenario
from .city import build_city
from .demand import generate_calls
from .engine import Engine
from .officers import officer_time
from .shifts import roster
from .streams import Streams
from .utilisation import staff_time

MINUTES_PER_DAY = 1440.0


@dataclass
class ReplicationResult:
    """What one replication produced: per-call records, staff time, officer time and queue monitors."""

    calls: pa.Table
    staff: pa.Table
    monitors: dict[str, float] = field(default_factory=dict)
    officers: pa.Table | None = None


def simulate(scenario: Scenario, replication: int = 0, seed: int | None = None) -> ReplicationResult:
    """Run replication `replication` of `scenario`, its streams derived from `seed` (default: the scenario's)."""
    root_seed = scenario.run.seed if seed is None else seed
    streams = Streams(root_seed, replication)
    layout = build_city(scenario)
    warmup_min = scenario.run.warmup_days * MINUTES_PER_DAY
    total_days = scenario.run.warmup_days + scenario.run.horizon_days
    total_min = total_days * MINUTES_PER_DAY
    calls = generate_calls(layout, streams, total_days)
    shifts = roster(layout, streams, total_days)
    engine = Engine(layout, calls, shifts, total_min, warmup_min)
    engine.run()
    records, log, prevention = engine.records, engine.log, engine.prevention_windows
    del engine  # a year's engine state, freed before staff and officer time add their arrays to the log's
    gc.collect()  # the parts refer to each other (callbacks), so only the collector frees them
    busy, overtime = log.busy_intervals(), log.overtime_intervals()
    staff = staff_time(layout, shifts, busy, overtime, prevention, warmup_min, total_min, replication)
    officers = officer_time(layout, shifts, busy, overtime, calls.kind, prevention, warmup_min, total_min,
                            replication)
    del busy, overtime
    observed = total_min - warmup_min
    field_waiting_mean = log.field_waiting_area() / observed
    del log
    n_calls = len(calls)
    table = records.table(layout, calls, replication, warmup_min, total_min)
    return ReplicationResult(
        calls=table,
        staff=staff,
        officers=officers,
        monitors={
            "observed_min": observed,
            "field_waiting_mean": field_waiting_mean,
            "calls_simulated": float(n_calls),
            "calls_recorded": float(table.num_rows),
        },
    )
