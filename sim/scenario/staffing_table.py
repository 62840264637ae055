"""The station-by-shift staffing table: the shifts it implies, and writing one as a planner would.

With `staffing.table` the table alone says who is on duty where and when; the model then runs
one shift per row, so the rest of the model treats both staffing forms alike.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from pydantic import ValidationError

from ..atomic import write_atomic
from .errors import from_validation_error
from .schema import Scenario, Shift, StaffingRow
from .weekdays import format_weekdays

CSV_COLUMNS = ("station", "shift", "weekdays", "start_hour", "hours", "inspectors", "assistants")


def duty_shifts(scenario: Scenario) -> list[Shift]:
    """The shifts staff are posted to: the roster, or one shift per row of the staffing table.

    A table row's crew works every listed weekday (no rotation of days off), so its shift has
    no `days_per_week`.
    """
    table = scenario.staffing.table
    if table is None:
        return list(scenario.staffing.roster)
    return [Shift(name=row.shift, start_hour=row.start_hour, hours=row.hours, weekdays=row.weekdays)
            for row in table]


def table_staff_by_station(table: list[StaffingRow]) -> dict[str, tuple[int, int]]:
    """Inspectors and assistants each station has over all its rows (each row a distinct crew)."""
    totals: dict[str, tuple[int, int]] = {}
    for row in table:
        inspectors, assistants = totals.get(row.station, (0, 0))
        totals[row.station] = (inspectors + row.inspectors, assistants + row.assistants)
    return totals


def officer_id(station: str, role: str, ordinal: int) -> str:
    """A staff member's id, stable across replications: `Station 2/inspector 07` (numbered from 1)."""
    return f"{station}/{role} {ordinal + 1:02d}"


def staffing_csv_text(rows: Iterable[StaffingRow]) -> str:
    """The rows as a CSV table that `staffing.table = "file.csv"` reads back to the same rows."""
    lines = [",".join(CSV_COLUMNS)]
    for row in rows:
        cells = [row.station, row.shift, format_weekdays(row.weekdays), f"{row.start_hour:g}",
                 f"{row.hours:g}", str(row.inspectors), str(row.assistants)]
        lines.append(",".join(_cell(c) for c in cells))
    return "\n".join(lines) + "\n"


def write_staffing_csv(rows: Iterable[StaffingRow], path: str | Path) -> Path:
    """Write a staffing table atomically; name it from a scenario with `staffing.table = "<path>"`."""
    path = Path(path)
    text = staffing_csv_text(rows)
    write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return path


def with_staffing_table(scenario: Scenario, rows: Iterable[StaffingRow | dict]) -> Scenario:
    """A copy of `scenario` staffed by `rows`, validated and cross-checked like a loaded file.

    Raises ScenarioError (naming `staffing.table[i]`) for a row that names no station.
    """
    from .checks import check_scenario  # checks imports posting, which imports this module

    data = scenario.model_dump(mode="json")
    data["staffing"]["table"] = [r.model_dump(mode="json") if isinstance(r, StaffingRow) else dict(r)
                                 for r in rows]
    try:
        candidate = Scenario.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error(Scenario, exc, lambda loc: None) from None
    check_scenario(candidate, lambda loc: None)
    return candidate


def _cell(text: str) -> str:
    """A CSV cell, quoted only when it must be."""
    if any(ch in text for ch in ',"\n'):
        return '"' + text.replace('"', '""') + '"'
    return text
