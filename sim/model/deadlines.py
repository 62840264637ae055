"""Field calls nobody can take: referred after `max_wait_min`, cancelled after the caller's `patience`.

A call's deadline is known when it starts waiting (creation + the earlier of the two), so one
timer per waiting call of a type that sets either key is all it costs; calls of other types, and
calls an officer takes at once, cost nothing. At the deadline the policy decides whether the call
leaves (only if no officer has been sent to it yet) and this part records how and when.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..scenario.kinds import FIELD
from .clock import Clock, Wake
from .demand import Calls
from .records import CallRecords


class CallDeadlines:
    def __init__(self, calls: Calls, max_wait_min: np.ndarray, clock: Clock, records: CallRecords,
                 leave: Callable[[int, float], bool]) -> None:
        created = calls.created_min
        referral = created + max_wait_min
        cancel = np.where(calls.kind == FIELD, created + calls.patience_min, np.inf)
        self.referred = referral <= cancel  # on a tie the control room refers before the caller gives up
        self.deadline = np.fmin(referral, cancel)
        self._deadline = memoryview(self.deadline)
        self._referred = memoryview(self.referred)
        self.clock = clock
        self.records = records
        self.leave = leave

    @classmethod
    def for_calls(cls, calls: Calls, clock: Clock, records: CallRecords,
                  leave: Callable[[int, float], bool]) -> CallDeadlines | None:
        """The deadlines of `calls`, or None where no field call has one (the policies then skip them)."""
        field = calls.kind == FIELD
        max_wait = calls.max_wait_min
        if (max_wait is None or not np.isfinite(max_wait[field]).any()) \
                and not np.isfinite(calls.patience_min[field]).any():
            return None
        if max_wait is None:
            max_wait = np.full(len(calls), np.inf)
        return cls(calls, max_wait, clock, records, leave)

    def leaves_at_once(self, i: int, now: float) -> bool:
        """Call `i` found nobody free: if its deadline is now (`max_wait_min = 0`), it leaves at once."""
        if self._deadline[i] <= now:
            self._record(i, now)
            return True
        return False

    def watch(self, i: int) -> None:
        """Call `i` starts waiting: check on it at its deadline."""
        deadline = self._deadline[i]
        if deadline < np.inf:
            self.clock.at(deadline, self._on_deadline, i)

    def _on_deadline(self, event: Wake) -> None:
        i = event.value
        now = self.clock.now
        if self.leave(i, now):
            self._record(i, now)

    def _record(self, i: int, now: float) -> None:
        if self._referred[i]:
            self.records.referred_v[i] = now
        else:
            self.records.cancelled_v[i] = now
