"""Walk-in and desk queues at stations, with citizens who give up.

Abandonment is lazy: a citizen's deadline is known on arrival, so instead of a timer event per
citizen, whoever next looks at the queue drops those whose deadline has passed and records them
as abandoned at their deadline. The result is exactly that of a timer per citizen.
"""

from __future__ import annotations

import heapq

Entry = tuple[int, float, int]  # (priority, created_min, call)


class StationQueues:
    """Per station, a heap of waiting citizens by (priority, arrival): `queues[station]`, which the
    desk pushes to and pops from directly (heapq), once per citizen; here, who gives up."""

    def __init__(self, n_stations: int, patience_min, on_abandon) -> None:
        self.queues: list[list[Entry]] = [[] for _ in range(n_stations)]
        self.patience = patience_min  # memoryview over per-call patience
        self.on_abandon = on_abandon

    def head(self, station: int, now: float) -> Entry | None:
        """The next citizen to serve, after dropping those who have already left."""
        queue = self.queues[station]
        patience = self.patience
        while queue:
            entry = queue[0]
            deadline = entry[1] + patience[entry[2]]
            if deadline >= now:
                return entry
            heapq.heappop(queue)
            self.on_abandon(entry[2], deadline)
        return None

    def close(self, horizon_min: float) -> list[int]:
        """At the horizon: record those whose deadline passed as abandoned; return the rest (open)."""
        still_open = []
        for queue in self.queues:
            for _, created, call in queue:
                deadline = created + self.patience[call]
                if deadline <= horizon_min:
                    self.on_abandon(call, deadline)
                else:
                    still_open.append(call)
            queue.clear()
        return still_open
