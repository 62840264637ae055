"""What the engine logs while it runs, besides the per-call records: staff intervals and queue areas.

Intervals are appended to compact typed arrays (a few appends per job, no Python object kept per
job) and read after the run through typed accessors as numpy arrays.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class BusyIntervals:
    """One row per job (or part of a job cut by preemption or the horizon): field work from
    `start_min` to `service_end_min`, desk work (paperwork, walk-ins) from there to `end_min`.
    In the field part the member travels until `arrive_min` (their own arrival; NaN if never
    given) and is on scene after it; `call` is the call worked on (-1 if not given)."""

    staff: np.ndarray
    start_min: np.ndarray
    service_end_min: np.ndarray
    end_min: np.ndarray
    arrive_min: np.ndarray
    call: np.ndarray


@dataclass(frozen=True)
class OvertimeIntervals:
    """One row per stretch a member worked after their shift ended, finishing a job in hand."""

    staff: np.ndarray
    start_min: np.ndarray
    end_min: np.ndarray


class WaitingMonitor:
    """Time integral of the number of field calls waiting for an officer, after the warm-up."""

    def __init__(self, warmup_min: float) -> None:
        self.last = warmup_min
        self.area = 0.0

    def change(self, now: float, count: int) -> None:
        """Called just before the number waiting changes from `count`."""
        if now > self.last:
            self.area += count * (now - self.last)
            self.last = now


class RunLog:
    def __init__(self, warmup_min: float) -> None:
        self.field_waiting = WaitingMonitor(warmup_min)
        self._busy_staff = array("i")
        self._busy_start = array("d")
        self._busy_service_end = array("d")
        self._busy_end = array("d")
        self._busy_arrive = array("d")
        self._busy_call = array("i")
        self._overtime_staff = array("i")
        self._overtime_start = array("d")
        self._overtime_end = array("d")

    def job(self, s: int, start: float, service_end: float, end: float, arrive: float = float("nan"),
            call: int = -1) -> None:
        self._busy_staff.append(s)
        self._busy_start.append(start)
        self._busy_service_end.append(service_end)
        self._busy_end.append(end)
        self._busy_arrive.append(arrive)
        self._busy_call.append(call)

    def overtime(self, s: int, start: float, end: float) -> None:
        self._overtime_staff.append(s)
        self._overtime_start.append(start)
        self._overtime_end.append(end)

    def busy_intervals(self) -> BusyIntervals:
        return BusyIntervals(
            staff=np.frombuffer(self._busy_staff, dtype=np.int32),
            start_min=np.frombuffer(self._busy_start, dtype=float),
            service_end_min=np.frombuffer(self._busy_service_end, dtype=float),
            end_min=np.frombuffer(self._busy_end, dtype=float),
            arrive_min=np.frombuffer(self._busy_arrive, dtype=float),
            call=np.frombuffer(self._busy_call, dtype=np.int32),
        )

    def overtime_intervals(self) -> OvertimeIntervals:
        return OvertimeIntervals(
            staff=np.frombuffer(self._overtime_staff, dtype=np.int32),
            start_min=np.frombuffer(self._overtime_start, dtype=float),
            end_min=np.frombuffer(self._overtime_end, dtype=float),
        )

    def field_waiting_area(self) -> float:
        """Call-minutes spent waiting for an officer after the warm-up (up to the last change)."""
        return self.field_waiting.area
