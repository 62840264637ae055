"""Shared fixtures: small real results (a short sweep of the default and one variant)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.pipeline import Job, run_experiment, write_sweep_index
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
SWEEP_SCENARIOS = ("almaty-2023", "almaty-no-modular")


def short(scenario, days: float = 2.0, warmup_days: float = 1.0, replications: int = 3):
    run = scenario.run.model_copy(update={"horizon_days": days, "warmup_days": warmup_days,
                                          "replications": replications})
    return scenario.model_copy(update={"run": run})


@pytest.fixture(scope="session")
def small_sweep(tmp_path_factory) -> Path:
    """A sweep folder: the Almaty default and the no-modular variant, 2 days, 3 replications each."""
    out = tmp_path_factory.mktemp("results") / "sweep"
    jobs = [Job(short(load_scenario(ROOT / "scenarios" / f"{name}.toml")), out / name) for name in SWEEP_SCENARIOS]
    seed = jobs[0].scenario.run.seed
    result = run_experiment(jobs, out / ".parts", replications=3, seed=seed, workers=1, show_progress=False)
    assert not result.failures
    write_sweep_index(out, jobs, seed)
    return out
