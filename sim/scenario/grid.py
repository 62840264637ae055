"""Grid sweeps in one file: a scenario with a `[grid]` table expands into one scenario per combination.

    extends = "almaty-2023.toml"
    name = "almaty-assistants"
    [grid]
    "staffing.changes.add_assistants" = [0, 50, 100, 150, 200, 250, 300]

Each key is a dotted path into the scenario, each value the list of values it takes; two keys
give every combination. Each variant is named after the base name, the key's last part and
its value (`almaty-assistants-add_assistants-50`) and validated like any scenario.
"""

from __future__ import annotations

import copy
import itertools
from pathlib import Path
from typing import Any

from .errors import ScenarioError
from .loading import Document, read_document, validate_document
from .schema import Scenario

GRID = "grid"


def grid_of(document: Document) -> dict[str, list[Any]]:
    grid = document.data.get(GRID)
    if grid is None:
        return {}
    if not isinstance(grid, dict) or not grid:
        raise ScenarioError(document.path, GRID, "expected a table of dotted keys and lists of values")
    for key, values in grid.items():
        if not isinstance(values, list) or not values:
            raise ScenarioError(document.path, f"{GRID}.{key}", "expected a non-empty list of values")
    return grid


def load_scenarios(path: str | Path) -> list[Scenario]:
    """The scenario in `path`, or every scenario of its grid."""
    document = read_document(path)
    grid = grid_of(document)
    if not grid:
        return [validate_document(document)]
    base = {k: v for k, v in document.data.items() if k != GRID}
    scenarios = []
    for values in itertools.product(*grid.values()):
        data = copy.deepcopy(base)
        suffix = []
        for key, value in zip(grid, values):
            _set(data, key.split("."), value, document.path)
            suffix.append(f"{key.split('.')[-1]}-{value}")
        data["name"] = "-".join([str(base.get("name", "grid")), *suffix])
        scenarios.append(validate_document(Document(data, document.path, document.origins)))
    return scenarios


def _set(data: dict[str, Any], keys: list[str], value: Any, path: Path) -> None:
    for key in keys[:-1]:
        child = data.setdefault(key, {})
        if not isinstance(child, dict):
            raise ScenarioError(path, f"{GRID}.{'.'.join(keys)}", f"{key} is not a table")
        data = child
    data[keys[-1]] = value
