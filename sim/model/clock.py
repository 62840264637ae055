"""The simulation clock: SimPy's event queue, used through its public API only.

Every part of the engine schedules its wake-ups here: rare ones (shift changes, prevention
windows, deadlines) as `Wake` events (a SimPy `Timeout` with one callback and a payload), the
frequent ones (job ends, escalations, desk wake-ups) in a light queue of tuples beside SimPy's
(`Clock.at_light`). The engine drives the loop with `Environment.peek` and
`Environment.step` and handles call arrivals and light wake-ups itself between events
(`Clock.run`), so `now` is kept here rather than read from SimPy: during an arrival or a light
wake-up SimPy's clock still shows the last event's time.

`Environment.schedule` takes a delay, not a time, and `now + (time - now)` can differ from
`time` by one unit in the last place (ulp); `delay_to` picks the delay that lands on `time`
exactly. Where none does (rare: none among the 110,000 events of a 20-day Almaty run), SimPy's
queue holds the time one ulp off and the event still sets `now` to its exact time, so every time
the model computes is exact; only the order of two events less than one ulp apart could differ
from scheduling by time.
"""

from __future__ import annotations

import heapq
import itertools
import math
from heapq import heappush
from collections.abc import Callable, Sequence
from typing import Any

import simpy
from simpy.events import Timeout

Callback = Callable[["Wake"], None]
LightCallback = Callable[[int, Any], None]


# The events the clock schedules: SimPy timeouts with one callback; `event.value` is the payload.
Wake = Timeout


def delay_to(now: float, time: float) -> float:
    """The delay `d` with `now + d == time` in floating point, if there is one, else the nearest.

    There is none when `now` has a bit exactly half a unit of `time`'s last place and `time` is
    odd there: `now + d` then rounds to even, past `time`, whichever `d` is taken.
    """
    delay = time - now
    if now + delay == time:
        return delay
    for _ in range(4):  # the sum is at most an ulp off; each nudge moves it by at most one
        delay = math.nextafter(delay, math.inf if now + delay < time else -math.inf)
        if now + delay == time:
            return delay
    return time - now


class Clock:
    """Now, and the scheduling of callbacks at absolute times.

    SimPy orders events due at the same time by when they were scheduled. An arrival handled
    outside the queue keeps that order: it counts as scheduled when the previous arrival was
    handled (as a source process would schedule it), so an event scheduled later for exactly the
    arrival's time is held back (`_deferred`) and scheduled just before the arrival is handled.

    The model's frequent wake-ups (the ends of jobs, one per call, escalations and desk
    wake-ups) wait in a lighter queue of their own (`at_light`: a heap of tuples, no SimPy
    event), merged with SimPy's queue and the arrivals in the same order as if each were a
    SimPy event: by time, and on a tie by when it was scheduled. A wake-up due at the same time
    as an event already in SimPy's queue (or held back for an arrival) goes into SimPy's queue
    instead, behind it; so one in the light queue was scheduled before every SimPy event of its
    time, and goes first on a tie.
    """

    def __init__(self) -> None:
        self.env = simpy.Environment()
        self.now = 0.0
        self._base = 0.0  # SimPy's `now`: the time of the last event stepped (behind `now` during an arrival)
        self._head = math.inf  # earliest time in SimPy's queue (set after each step, lowered as events are added)
        self._due = math.inf  # when the next arrival is due
        self._deferred: list[tuple[float, Callback, Any]] = []
        self._light: list[tuple[float, int, LightCallback, int, Any]] = []
        self._light_order = itertools.count()  # tie-breaker: light wake-ups of one time run in scheduling order
        self._pending: dict[float, int] = {}  # SimPy's queue: how many events at each time

    def at(self, time: float, callback: Callback, payload: Any = None) -> None:
        """Call `callback(event)` at `time` (at once, after what is already due, if `time` is past)."""
        if time < self.now:
            time = self.now
        if time == self._due:
            self._deferred.append((time, callback, payload))
            return
        base = self._base
        delay = time - base
        if delay < 0 or base + delay != time:
            self._schedule(time, callback, payload)
            return
        if time < self._head:
            self._head = time
        pending = self._pending
        pending[time] = pending.get(time, 0) + 1
        Timeout(self.env, delay, payload).callbacks.append(callback)

    def at_light(self, time: float, callback: LightCallback, a: int, b: Any = 0) -> None:
        """Call `callback(a, b)` at `time`, in the light queue (see the class)."""
        if time < self.now:
            time = self.now
        # SimPy's queue holds nothing before `_head`, so most wake-ups need no look at `_pending`.
        if time == self._due or (time >= self._head and time in self._pending):
            self.at(time, self._light_event, (callback, a, b))
            return
        heappush(self._light, (time, next(self._light_order), callback, a, b))

    @staticmethod
    def _light_event(event: Wake) -> None:
        callback, a, b = event.value
        callback(a, b)

    def _schedule(self, time: float, callback: Callback, payload: Any = None) -> None:
        base = self._base
        # An event queued an ulp late (below) runs behind SimPy's clock; what it schedules for its own
        # time goes at once.
        delay = max(delay_to(base, time), 0.0)
        if base + delay != time:  # SimPy's queue holds the nearest time; the event still runs at `time`
            callback = self._at_exactly(time, callback)
        queued = base + delay
        if queued < self._head:
            self._head = queued
        pending = self._pending
        pending[queued] = pending.get(queued, 0) + 1
        Timeout(self.env, delay, payload).callbacks.append(callback)

    def _at_exactly(self, time: float, callback: Callback) -> Callback:
        def call(event: Wake) -> None:
            self.now = time
            callback(event)

        return call

    def run(self, until: float, arrival_times, arrival_kinds=None,
            handlers: Sequence[Callable[[int, float], None]] = (), inline: bool = True) -> None:
        """Process events and arrivals in time order until `until` (events due at `until` are not).

        `arrival_times[i]` is when arrival `i` is due, in order; `handlers[arrival_kinds[i]](i, now)`
        handles it (the engine has one handler per call kind). With `inline` (the default) an
        arrival due before the next event is handled without a round trip through the queue;
        without it each arrival is an event (kept to test that both give the same results).
        """
        env = self.env
        n = len(arrival_times)
        if not inline:
            count = n

            def arrive(event: Wake) -> None:
                i = event.value
                if i + 1 < count:
                    self._schedule(arrival_times[i + 1], arrive, i + 1)
                handlers[arrival_kinds[i]](i, self.now)

            if n:
                self._schedule(arrival_times[0], arrive, 0)
            n = 0
        peek, step = env.peek, env.step
        deferred = self._deferred
        light, pending, pop_light = self._light, self._pending, heapq.heappop
        inf = math.inf
        i = 0
        due = self._due = arrival_times[0] if n else inf
        head = self._head = peek()
        while True:
            soonest = light[0][0] if light else inf
            if due < head and due < soonest:
                if due >= until:
                    break
                self.now = now = due
                current = i
                i += 1
                due = self._due = arrival_times[i] if i < n else inf
                if deferred:
                    for time, callback, payload in deferred:
                        self._schedule(time, callback, payload)
                    deferred.clear()
                handlers[arrival_kinds[current]](current, now)
                head = self._head
            elif soonest <= head:  # on a tie, the light one was scheduled first (see `at_light`)
                if soonest >= until:
                    break
                while True:  # light wake-ups come in runs: stay here while the next one is next
                    self.now = soonest
                    _, _, callback, a, b = pop_light(light)
                    callback(a, b)
                    head = self._head
                    if not light:
                        break
                    soonest = light[0][0]
                    if soonest > head or soonest > due or soonest >= until:
                        break
            elif head < until:
                self.now = self._base = head
                step()
                left = pending[head] - 1
                if left:
                    pending[head] = left
                else:
                    del pending[head]
                head = self._head = peek()
            else:
                break
        self.now = until
