"""Small hand-built cities for model tests, built as dicts and validated like any scenario."""

from __future__ import annotations

import copy
from typing import Any

from sim.scenario.schema import Scenario

MINUTES_PER_YEAR = 365 * 1440


def one_station_city(
    inspectors: int = 4,
    assistants: int = 0,
    call_types: dict[str, dict[str, Any]] | None = None,
    days: float = 20,
    warmup_days: float = 2,
    seed: int = 1,
    **sections: Any,
) -> Scenario:
    """One district, one precinct, one always-open station; travel off by default."""
    data: dict[str, Any] = {
        "name": "test-city",
        "city": {
            "districts": [{"name": "Centre", "population": 100000}],
            "precincts": [{"name": "P1", "district": "Centre", "population": 100000,
                           "lon": 0.0, "lat": 0.0, "radius_km": 1.0}],
            "stations": [{"name": "S1", "kind": "fixed", "precinct": "P1", "lon": 0.0, "lat": 0.0,
                          "inspectors": inspectors, "assistants": assistants,
                          "opens_hour": 0, "closes_hour": 24, "open_weekdays": [0, 1, 2, 3, 4, 5, 6]}],
        },
        "travel": {"model": "none"},
        "dispatch": {"policy": "closest-available"},
        "demand": call_types or {"incident": field_type(per_min=0.2, mean_service_min=10.0)},
        "run": {"horizon_days": days, "warmup_days": warmup_days, "replications": 1, "seed": seed},
    }
    for key, value in sections.items():
        data[key] = value
    return Scenario.model_validate(data)


def field_type(per_min: float, mean_service_min: float, priority: int = 2, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "field", "priority": priority, "yearly_volume": per_min * MINUTES_PER_YEAR,
        "service": {"dist": "exponential", "mean_min": mean_service_min}, **extra,
    }


def walk_in_type(per_min: float, mean_service_min: float, patience: dict | None, **extra: Any) -> dict[str, Any]:
    call = {
        "kind": "walk_in", "priority": 3, "yearly_volume": per_min * MINUTES_PER_YEAR,
        "service": {"dist": "exponential", "mean_min": mean_service_min}, **extra,
    }
    if patience is not None:
        call["patience"] = patience
    return call


def with_run(scenario: Scenario, **run: Any) -> Scenario:
    return scenario.model_copy(update={"run": scenario.run.model_copy(update=run)})


def edited(scenario: Scenario, **changes: Any) -> Scenario:
    """A copy of `scenario` with top-level sections replaced, re-validated."""
    data = copy.deepcopy(scenario.model_dump(mode="json"))
    data.update(changes)
    return Scenario.model_validate(data)
