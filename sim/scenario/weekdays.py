"""Days of the week as planners write them ("Mon-Fri", "Sat;Sun") and as the model counts them (0 = Monday)."""

from __future__ import annotations

import re
from typing import Any

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_EXPECTED = 'expected day names like "Mon-Fri", "Sat;Sun" or a list of weekdays 0-6 (0 = Monday)'


def _day(text: str) -> int | None:
    """0-6 from a day name ("Mon", "monday") or a number "0"-"6", as other tables write weekdays."""
    word = text.strip().lower()
    if word in ("0", "1", "2", "3", "4", "5", "6"):
        return int(word)
    for index, (short, full) in enumerate(zip(DAY_NAMES, _FULL_NAMES)):
        if word in (short.lower(), full):
            return index
    return None


def parse_weekdays(value: Any) -> Any:
    """Weekday numbers from day names and ranges ("Mon-Fri", "Fri-Mon" wraps past Sunday) or "5;6".

    Anything that is not a string (a TOML list of 0-6) is passed on for the schema to check.
    """
    if not isinstance(value, str):
        return value
    days: list[int] = []
    for part in (p for p in value.split(";")):
        first, dash, last = part.partition("-")
        start, end = _day(first), _day(last) if dash else _day(first)
        if start is None or end is None:
            raise ValueError(f"{_EXPECTED}, got {value.strip()!r}".replace("'", '"'))
        days += [(start + k) % 7 for k in range((end - start) % 7 + 1)]
    return sorted(set(days))


def format_weekdays(days: list[int] | tuple[int, ...]) -> str:
    """The shortest way to write `days` in a CSV cell: "Mon-Sun", "Mon-Fri", "Sat;Sun", "Mon;Wed;Fri"."""
    days = sorted(set(int(d) for d in days))
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    if len(runs) > 1 and runs[0][0] == 0 and runs[-1][-1] == 6:  # Sat-Mon wraps past Sunday
        runs[0] = runs.pop() + runs[0]
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{DAY_NAMES[run[0]]}-{DAY_NAMES[run[-1]]}")
        else:
            parts += [DAY_NAMES[d] for d in run]
    return ";".join(parts)


def parse_hour(value: Any) -> Any:
    """Hours as a number or as a clock time "6:30" (6.5); anything else is left for the schema."""
    if isinstance(value, str) and re.fullmatch(r"\s*\d{1,2}:\d{2}\s*", value):
        hours, minutes = value.strip().split(":")
        return int(hours) + int(minutes) / 60.0
    return value
