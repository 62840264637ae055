"""Weekly profiles kept in CSV files: 168 weights, one per hour of the week, Monday 00-01 first.

A fitted week is too long to read as an inline TOML array, so a call type's `weekly_profile`
may name a CSV file instead; it is read here, relative to the scenario that names it, into the
plain list the schema validates.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any

from .errors import Loc, ScenarioError, show_value

HOURS_PER_WEEK = 168


def resolve_weekly_profiles(data: dict[str, Any], path: Path) -> dict[Loc, Path]:
    """Replace each `demand.<type>.weekly_profile` that names a CSV file by its 168 weights."""
    sources: dict[Loc, Path] = {}
    demand = data.get("demand")
    if not isinstance(demand, dict):
        return sources
    for name, call_type in demand.items():
        value = call_type.get("weekly_profile") if isinstance(call_type, dict) else None
        if isinstance(value, str) and value.lower().endswith(".csv"):
            key = f"demand.{name}.weekly_profile"
            source = path.parent / value
            if not source.is_file():
                raise ScenarioError(path, key, f"expected an existing CSV file, got {show_value(value)}")
            call_type["weekly_profile"] = read_weekly_profile(source, key)
            sources[("demand", name, "weekly_profile")] = source
    return sources


def read_weekly_profile(source: Path, key: str) -> list[float]:
    """168 weights from one column of numbers, or from columns `hour_of_week` and `weight`."""
    try:
        with source.open(newline="", encoding="utf-8-sig") as handle:
            rows = [(line, [c.strip() for c in cells]) for line, cells in enumerate(csv.reader(handle), 1)
                    if any(c.strip() for c in cells)]
    except (UnicodeDecodeError, csv.Error, OSError) as exc:
        raise ScenarioError(source, key, f"not a readable CSV file: {exc}") from None
    if not rows:
        raise ScenarioError(source, key, f"expected {HOURS_PER_WEEK} weights, got an empty file")
    header = rows[0][1] if not _is_number(rows[0][1][0]) else None
    body = rows[1:] if header is not None else rows
    if header is not None and {"hour_of_week", "weight"} <= set(header):
        return _by_hour(source, key, body, header.index("hour_of_week"), header.index("weight"))
    if header is not None and len(header) != 1 or any(len(cells) != 1 for _, cells in body):
        raise ScenarioError(source, key, "expected one column of weights, or columns hour_of_week and weight")
    weights = [_weight(source, key, line, cells[0], 1) for line, cells in body]
    if len(weights) != HOURS_PER_WEEK:
        raise ScenarioError(source, key, f"expected {HOURS_PER_WEEK} weights, got {len(weights)}")
    return weights


def _by_hour(source: Path, key: str, body: list, hour_col: int, weight_col: int) -> list[float]:
    weights: list[float | None] = [None] * HOURS_PER_WEEK
    for line, cells in body:
        cell = cells[hour_col] if hour_col < len(cells) else ""
        if not cell.isdigit() or int(cell) >= HOURS_PER_WEEK:
            raise ScenarioError(source, f"{key} (line {line}, column hour_of_week)",
                                f"expected a whole number 0-167, got {show_value(cell)}")
        if weights[int(cell)] is not None:
            raise ScenarioError(source, f"{key} (line {line}, column hour_of_week)",
                                f"expected each hour once, got {cell} again")
        weights[int(cell)] = _weight(source, key, line, cells[weight_col] if weight_col < len(cells) else "",
                                     "weight")
    missing = [hour for hour, weight in enumerate(weights) if weight is None]
    if missing:
        raise ScenarioError(source, key, f"expected every hour 0-167, missing {missing[0]}"
                            + (f" and {len(missing) - 1} more" if len(missing) > 1 else ""))
    return weights  # type: ignore[return-value]


def _weight(source: Path, key: str, line: int, cell: str, column: int | str) -> float:
    value = float(cell) if _is_number(cell) else math.nan
    if not math.isfinite(value) or value < 0:
        raise ScenarioError(source, f"{key} (line {line}, column {column})",
                            f"expected a number >= 0, got {show_value(cell)}")
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
