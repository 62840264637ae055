"""The roster as time: when each shift starts and ends, and who is absent from each occurrence.

Absence (leave, sickness, training) is drawn per staff member and shift occurrence from the
member's own stream, so adding staff elsewhere does not change who is absent here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..scenario.schema import Scenario, Shift
from .city import CityLayout
from .streams import Streams

MINUTES_PER_DAY = 1440.0


@dataclass(frozen=True)
class Occurrence:
    shift: int  # index into CityLayout.shifts: a roster shift, or a row of the staffing table
    start_min: float
    end_min: float
    members: tuple[int, ...]  # staff present (not absent) for this occurrence


def shift_occurrences(shift: Shift, total_days: float) -> list[tuple[float, float, int]]:
    """Start, end and weekday slot (position among the shift's weekdays) of every occurrence touching the run."""
    weekdays = sorted(set(shift.weekdays))
    spans: list[tuple[float, float, int]] = []
    for day in range(-1, int(np.ceil(total_days)) + 1):
        if day % 7 not in weekdays:
            continue
        start = day * MINUTES_PER_DAY + shift.start_hour * 60.0
        end = start + shift.hours * 60.0
        if end <= 0 or start >= total_days * MINUTES_PER_DAY:
            continue
        spans.append((start, end, weekdays.index(day % 7)))
    return spans


def roster(layout: CityLayout, streams: Streams, total_days: float) -> list[Occurrence]:
    """All shift occurrences with the members present, sorted by start time.

    A member is present when the shift falls on one of their working days (members of a shift
    with fewer `days_per_week` than weekdays take turns, by their rotation offset) and they are
    not absent that day.
    """
    scenario = layout.scenario
    availability = scenario.staffing.availability
    by_shift: dict[int, list[int]] = {}
    for index, member in enumerate(layout.staff):
        by_shift.setdefault(member.shift, []).append(index)
    occurrences: list[Occurrence] = []
    for shift_index, members in by_shift.items():
        shift = layout.shifts[shift_index]
        spans = shift_occurrences(shift, total_days)
        slots = len(set(shift.weekdays))
        if availability >= 1.0 and shift.days_per_week is None:
            spans = [(start, end, 0) for start, end in _joined([(a, b) for a, b, _ in spans])]
        present = np.ones((len(members), len(spans)), dtype=bool)
        if shift.days_per_week is not None and shift.days_per_week < slots:
            slot = np.array([k for _, _, k in spans], dtype=int)
            offset = np.array([layout.staff[m].rotation for m in members], dtype=int)
            present &= (slot[None, :] + offset[:, None]) % slots < shift.days_per_week
        if availability < 1.0:
            for row, m in enumerate(members):
                present[row] &= streams.get(f"absence/{layout.staff[m].name}").random(len(spans)) < availability
        for k, (start, end, _) in enumerate(spans):
            occurrences.append(Occurrence(
                shift_index, start, end, tuple(m for m, here in zip(members, present[:, k]) if here)
            ))
    occurrences.sort(key=lambda o: (o.start_min, o.shift))
    return occurrences


def _joined(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    joined: list[tuple[float, float]] = []
    for start, end in spans:
        if joined and start <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(end, joined[-1][1]))
        else:
            joined.append((start, end))
    return joined


def prevention_windows(scenario: Scenario, total_days: float) -> list[tuple[float, float]]:
    prevention = scenario.prevention
    if prevention is None:
        return []
    windows = []
    for day in range(int(np.ceil(total_days))):
        if day % 7 in prevention.weekdays:
            start = day * MINUTES_PER_DAY + prevention.start_hour * 60.0
            windows.append((start, start + prevention.block_hours * 60.0))
    return windows
