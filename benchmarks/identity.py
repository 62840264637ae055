"""Fingerprints of simulate()'s outputs, to show that a refactoring changes no result.

Runs a fixed set of scenarios (test cities and Almaty, both dispatch policies, preemption on and
off, prevention, several replications) and prints one sha256 per replication of the calls and
staff tables and the monitors. The calls fingerprint covers the columns calls.parquet had before
officer-level results and replay (`officer`, `shift` and `log_call_id` are left out, so fingerprints recorded before them
still compare); officers.parquet has its own fingerprint, `officers`, compared only when both
records have it. Record before a change, compare after:

    python benchmarks/identity.py --record /tmp/before.json
    python benchmarks/identity.py --compare /tmp/before.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import pyarrow as pa

from sim.model import simulate
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent


def _variant(path: str, days: float, dispatch: dict, prevention_off: bool = False):
    scenario = load_scenario(ROOT / path)
    run = scenario.run.model_copy(update={"horizon_days": days})
    update = {"run": run, "dispatch": scenario.dispatch.model_copy(update=dispatch)}
    return scenario.model_copy(update=update)


CASES = {
    "mmc": ("tests/scenarios/mmc.toml", 10, {}),
    "city-precinct": ("tests/scenarios/city.toml", 14, {"policy": "precinct-first"}),
    "city-closest": ("tests/scenarios/city.toml", 14, {"policy": "closest-available"}),
    "city-precinct-preempt": ("tests/scenarios/city.toml", 14, {"policy": "precinct-first", "preemption": True}),
    "city-closest-preempt-stay": ("tests/scenarios/city.toml", 14,
                                  {"policy": "closest-available", "preemption": True, "return_to_station": False}),
    "almaty-precinct": ("scenarios/almaty-2023.toml", 5, {"policy": "precinct-first"}),
    "almaty-closest-preempt": ("scenarios/almaty-2023.toml", 5, {"policy": "closest-available", "preemption": True}),
    "almaty-precinct-preempt": ("scenarios/almaty-2023.toml", 5,
                                {"policy": "precinct-first", "preemption": True, "urgent_backup_wait_min": 5.0}),
    "almaty-prevention": ("scenarios/almaty-prevention.toml", 5, {"preemption": True}),
    "almaty-month-preempt-stay": ("scenarios/almaty-2023.toml", 28,
                                  {"preemption": True, "return_to_station": False}),
}


OFFICER_COLUMNS = ("officer", "shift")  # added with officer-level results; not in older fingerprints
LATER_COLUMNS = (*OFFICER_COLUMNS, "log_call_id")  # log_call_id: null unless a log is replayed


def _calls_hash(table: pa.Table) -> str:
    return _table_hash(table.drop_columns([c for c in LATER_COLUMNS if c in table.column_names]))


def _table_hash(table: pa.Table) -> str:
    digest = hashlib.sha256()
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    digest.update(sink.getvalue().to_pybytes())
    return digest.hexdigest()


def _engine_hash(scenario, replication: int) -> str:
    """Every call's raw times (warm-up included) and every logged interval, before any table."""
    import numpy as np

    from sim.model.city import build_city
    from sim.model.demand import generate_calls
    from sim.model.engine import Engine
    from sim.model.shifts import roster
    from sim.model.streams import Streams

    streams = Streams(scenario.run.seed, replication)
    layout = build_city(scenario)
    days = scenario.run.warmup_days + scenario.run.horizon_days
    calls = generate_calls(layout, streams, days)
    engine = Engine(layout, calls, roster(layout, streams, days), days * 1440.0, scenario.run.warmup_days * 1440.0)
    engine.run()
    digest = hashlib.sha256()
    records = engine.records
    for name in ("dispatched", "arrived", "completed", "abandoned_at", "station", "officers", "preempted"):
        digest.update(np.ascontiguousarray(getattr(records, name)).tobytes())
    if hasattr(engine, "log"):
        busy, overtime = engine.log.busy_intervals(), engine.log.overtime_intervals()
        arrays = [busy.staff, busy.start_min, busy.service_end_min, busy.end_min,
                  overtime.staff, overtime.start_min, overtime.end_min]
    else:  # the engine before the split
        arrays = [getattr(engine, f"busy_{n}") for n in ("staff", "start", "service_end", "end")]
        arrays += [getattr(engine, f"overtime_{n}") for n in ("staff", "start", "end")]
    for values in arrays:
        digest.update(bytes(values))
    return digest.hexdigest()


def fingerprints(replications: int = 3) -> dict[str, dict[str, str]]:
    out = {}
    for name, (path, days, dispatch) in CASES.items():
        scenario = _variant(path, days, dispatch)
        for replication in range(replications):
            result = simulate(scenario, replication=replication)
            out[f"{name}/{replication}"] = {
                "calls": _calls_hash(result.calls),
                "staff": _table_hash(result.staff),
                "monitors": hashlib.sha256(json.dumps(result.monitors, sort_keys=True).encode()).hexdigest(),
                "rows": result.calls.num_rows,
                "officers": _table_hash(result.calls.select(list(OFFICER_COLUMNS)))
                + _table_hash(result.officers),
                "engine": _engine_hash(scenario, replication),
            }
            print(name, replication, out[f"{name}/{replication}"]["calls"][:16], flush=True)
    return out


def _different(before: dict, now: dict | None) -> bool:
    """Whether a replication's fingerprints differ, on the keys both records have."""
    if now is None:
        return True
    return any(before[k] != now[k] for k in before.keys() & now.keys())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--record", type=Path)
    group.add_argument("--compare", type=Path)
    parser.add_argument("--replications", type=int, default=3)
    args = parser.parse_args()
    now = fingerprints(args.replications)
    if args.record:
        args.record.write_text(json.dumps(now, indent=1, sort_keys=True))
        return
    before = json.loads(args.compare.read_text())
    differ = [key for key in before if _different(before[key], now.get(key))]
    print(f"{len(before) - len(differ)}/{len(before)} replications identical")
    for key in differ:
        print(f"DIFFERENT: {key}: {before[key]} -> {now.get(key)}")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
