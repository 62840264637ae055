"""Wall seconds per phase of one `policesim run`: where a run's time goes outside the event loop.

cProfile inflates Python-heavy code (the event loop most of all), so this times a real run with
plain clocks instead: each phase below is a function wrapped in a timer, summed over its calls.
Phases nest (run_task holds simulate's phases, merge_run the merge's); the event loop is
`Engine.run`, everything else is set-up, records, files, statistics and the report. Run it with
`--workers 1`, so that the replication runs in this process and is timed too.

    python benchmarks/cli_phases.py run --days 365 --replications 1 --workers 1 --quiet --out /tmp/run
"""

from __future__ import annotations

import functools
import importlib
import resource
import sys
import time
from collections import defaultdict

START = time.perf_counter()
import sim.cli  # noqa: E402  (timed: the import is a phase of its own)

IMPORT_S = time.perf_counter() - START

# (module, attribute path, label): the attribute is replaced, in that module, by a timed wrapper.
PHASES = (
    ("sim.experiment.executors", "InlineExecutor.submit", "run_task (one replication, all of it)"),
    ("sim.model.simulation", "build_city", "  build_city"),
    ("sim.model.simulation", "generate_calls", "  generate_calls"),
    ("sim.model.simulation", "roster", "  roster"),
    ("sim.model.engine", "Engine.run", "  Engine.run (the event loop)"),
    ("sim.model.simulation", "staff_time", "  staff_time"),
    ("sim.model.simulation", "officer_time", "  officer_time"),
    ("sim.model.records", "CallRecords.table", "  records.table"),
    ("sim.experiment.tasks", "write_atomic", "  write parts (Parquet)"),
    ("sim.pipeline", "merge_run", "merge_run (run folder, all of it)"),
    ("sim.pipeline", "finalize_run", "  finalize_run"),
    ("sim.results.storage", "replication_metrics", "    replication_metrics"),
    ("sim.results.storage", "across_replications", "    across_replications"),
    ("sim.pipeline", "estimate", "  estimate"),
    ("sim.pipeline", "write_run_report", "  write_run_report"),
)


def timed(seconds: dict[str, float], label: str, function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            seconds[label] += time.perf_counter() - start
    return wrapper


def instrument(seconds: dict[str, float]) -> None:
    for module, path, label in PHASES:
        owner = importlib.import_module(module)
        *parents, name = path.split(".")
        for parent in parents:
            owner = getattr(owner, parent)
        setattr(owner, name, timed(seconds, label, getattr(owner, name)))


def main() -> None:
    seconds: dict[str, float] = defaultdict(float)
    instrument(seconds)
    start = time.perf_counter()
    code = sim.cli.main(sys.argv[1:])
    main_s = time.perf_counter() - start
    print(f"{'import sim.cli':40s} {IMPORT_S:6.2f}")
    for _, _, label in PHASES:
        print(f"{label:40s} {seconds[label]:6.2f}")
    loop_s = seconds["  Engine.run (the event loop)"]
    print(f"{'policesim run, import included':40s} {IMPORT_S + main_s:6.2f}")
    print(f"{'  of which outside the event loop':40s} {IMPORT_S + main_s - loop_s:6.2f}")
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")
    sys.exit(code)


if __name__ == "__main__":
    main()
