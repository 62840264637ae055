"""The shifts an officer may work in a week (tours): start hour, length and the weekdays worked.

A tour is one row of a staffing table: a crew on duty on each listed weekday from the start
hour (a shift may run past midnight). Days off come together ("consecutive" rotation, as most
forces rota them) or in any pattern.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

from . import PlanInputError
from .on_duty import week_mask

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
ROTATIONS = ("consecutive", "any")


@dataclass(frozen=True)
class Tour:
    start_hour: int
    hours: int
    weekdays: tuple[int, ...]

    @property
    def paid_hours(self) -> int:
        return self.hours * len(self.weekdays)

    def mask(self) -> np.ndarray:
        """Share of each hour of the week this tour is on duty (0 or 1 for whole-hour tours)."""
        return week_mask(list(self.weekdays), self.start_hour, self.hours)

    @property
    def weekdays_text(self) -> str:
        return weekdays_text(self.weekdays)

    @property
    def name(self) -> str:
        return f"{self.start_hour:02d}:00 {self.hours}h {self.weekdays_text}"


def weekdays_text(days: tuple[int, ...]) -> str:
    """'Mon-Fri' for a run of days (wrapping past Sunday: 'Sat-Tue'), else 'Mon;Wed;Fri'."""
    days = tuple(sorted(set(days)))
    if len(days) == 7:
        return "Mon-Sun"
    for first in days:
        run = tuple((first + k) % 7 for k in range(len(days)))
        if set(run) == set(days):
            return WEEKDAY_NAMES[first] if len(days) == 1 else f"{WEEKDAY_NAMES[first]}-{WEEKDAY_NAMES[run[-1]]}"
    return ";".join(WEEKDAY_NAMES[d] for d in days)


def day_patterns(days_per_week: int, rotation: str) -> list[tuple[int, ...]]:
    if not 1 <= days_per_week <= 7:
        raise PlanInputError(f"--days-per-week {days_per_week}: expected 1 to 7")
    if rotation not in ROTATIONS:
        raise PlanInputError(f"--rotation {rotation!r}: expected one of {', '.join(ROTATIONS)}")
    if days_per_week == 7:
        return [tuple(range(7))]
    if rotation == "consecutive":
        return [tuple(sorted((first + k) % 7 for k in range(days_per_week))) for first in range(7)]
    return [tuple(c) for c in combinations(range(7), days_per_week)]


def tours(start_hours: list[int], lengths: list[int], days_per_week: int, rotation: str = "consecutive") -> list[Tour]:
    for hour in start_hours:
        if not 0 <= hour <= 23:
            raise PlanInputError(f"--start-hours {hour}: expected whole hours 0 to 23")
    for length in lengths:
        if not 1 <= length <= 24:
            raise PlanInputError(f"--shift-hours {length}: expected whole hours 1 to 24")
    if not start_hours or not lengths:
        raise PlanInputError("--start-hours and --shift-hours: expected at least one value each")
    patterns = day_patterns(days_per_week, rotation)
    return [Tour(s, h, p) for s in sorted(set(start_hours)) for h in sorted(set(lengths)) for p in patterns]
