"""Progress of an experiment: a live bar on a terminal, a plain line now and then elsewhere.

Shows replications done, calls simulated, elapsed time and an estimate of the time left, so a
planner knows whether to wait or to fetch a coffee, and a CI log stays readable.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn


class ExperimentProgress:
    def __init__(self, total: int, done_already: int = 0, stream: TextIO | None = None,
                 every_s: float = 10.0, enabled: bool = True) -> None:
        self.total = total
        self.done = done_already
        self.calls = 0
        self.stream = stream or sys.stderr
        self.every_s = every_s
        self.enabled = enabled and total > 0
        self.start = time.monotonic()
        self.last_line = self.start
        console = Console(file=self.stream)
        self.live = console.is_terminal and self.enabled
        self.bar: Progress | None = None
        if self.live:
            self.bar = Progress(
                TextColumn("replications"), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.fields[calls]:,} calls"), TimeElapsedColumn(),
                TextColumn("left"), TimeRemainingColumn(), console=console, transient=True,
            )
            self.bar_task = self.bar.add_task("run", total=total, completed=done_already, calls=0)

    def __enter__(self) -> "ExperimentProgress":
        if self.bar is not None:
            self.bar.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()
        elif self.enabled:
            self._line(final=True)

    def advance(self, calls: int) -> None:
        self.done += 1
        self.calls += calls
        if self.bar is not None:
            self.bar.update(self.bar_task, completed=self.done, calls=self.calls)
        elif self.enabled and time.monotonic() - self.last_line >= self.every_s:
            self._line()

    def _line(self, final: bool = False) -> None:
        now = time.monotonic()
        self.last_line = now
        elapsed = now - self.start
        left = ""
        if not final and self.done and self.done < self.total:
            left = f", about {_clock(elapsed / self.done * (self.total - self.done))} left"
        print(f"{self.done}/{self.total} replications, {self.calls:,} calls simulated, "
              f"{_clock(elapsed)} elapsed{left}", file=self.stream, flush=True)


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:d}:{minutes:02d}:{seconds:02d}"
