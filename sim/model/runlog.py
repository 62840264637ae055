"""What the engine logs while it runs, besides the per-call records: staff intervals and queue areas.

Intervals are packed into compact byte buffers (one packed row of doubles per interval, no Python
object kept per job; packing a row is about twice as fast as extending an `array` with it) and
read after the run through typed accessors as numpy arrays.
"""

from __future__ import annotations

import struct
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
        # One buffer per kind of interval, a row of doubles per interval (staff numbers and call
        # indices are exact as doubles): one append per job instead of one per column.
        self._busy = bytearray()
        self._overtime = bytearray()
        # The one row per job, for the caller that logs a job end a million times a year: packed
        # when the job is taken (`job_row(s, start, service_end, end, arrive, call)`, read back by
        # `job_fields`) and logged when it ends (`add_job(row)`), C calls only; `job` is the same
        # in one step.
        row = struct.Struct("6d")
        self.job_row, self.job_fields = row.pack, row.unpack
        self.add_job = self._busy.extend
        self._pack_overtime = struct.Struct("3d").pack

    def job(self, s: int, start: float, service_end: float, end: float, arrive: float = float("nan"),
            call: int = -1) -> None:
        self._busy += self.job_row(s, start, service_end, end, arrive, call)

    def overtime(self, s: int, start: float, end: float) -> None:
        self._overtime += self._pack_overtime(s, start, end)

    # Read after the run: the times are views on the log (a year's jobs are not copied), and the
    # log refuses further intervals while a view is alive.
    def busy_intervals(self) -> BusyIntervals:
        rows = np.frombuffer(self._busy, dtype=float).reshape(-1, 6)
        return BusyIntervals(staff=rows[:, 0].astype(np.int32), start_min=rows[:, 1],
                             service_end_min=rows[:, 2], end_min=rows[:, 3], arrive_min=rows[:, 4],
                             call=rows[:, 5].astype(np.int32))

    def overtime_intervals(self) -> OvertimeIntervals:
        rows = np.frombuffer(self._overtime, dtype=float).reshape(-1, 3)
        return OvertimeIntervals(staff=rows[:, 0].astype(np.int32), start_min=rows[:, 1], end_min=rows[:, 2])

    def field_waiting_area(self) -> float:
        """Call-minutes spent waiting for an officer after the warm-up (up to the last change)."""
        return self.field_waiting.area
