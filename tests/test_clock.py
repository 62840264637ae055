"""The clock: SimPy's queue through its public API, with exact event times and SimPy's tie order."""

from __future__ import annotations

import math

import numpy as np

from sim.model.clock import Clock, delay_to


def test_delay_to_lands_on_the_time_exactly_or_says_it_cannot():
    rng = np.random.default_rng(1)
    now = rng.uniform(0, 600_000, 20_000)
    time = now + rng.exponential(500, 20_000)
    misses = 0
    for a, b in zip(now.tolist(), time.tolist()):
        landed = a + delay_to(a, b)
        if landed != b:
            misses += 1
            assert abs(landed - b) <= math.ulp(b)  # the tie case: one ulp off, never more
    assert misses < 0.25 * len(now)


def test_callbacks_run_in_time_order_and_same_time_in_scheduling_order():
    clock = Clock()
    seen = []
    for time, name in ((5.0, "b"), (1.0, "a"), (5.0, "c"), (9.0, "d")):
        clock.at(time, lambda event: seen.append((clock.now, event.value)), name)
    clock.run(until=100.0, arrival_times=[])
    assert seen == [(1.0, "a"), (5.0, "b"), (5.0, "c"), (9.0, "d")]


def test_a_time_in_the_past_runs_now_and_events_at_the_horizon_do_not_run():
    clock = Clock()
    seen = []

    def first(event):
        clock.at(2.0, lambda e: seen.append(("late", clock.now)))

    clock.at(7.0, first)
    clock.at(10.0, lambda e: seen.append(("horizon", clock.now)))
    clock.run(until=10.0, arrival_times=[])
    assert seen == [("late", 7.0)]
    assert clock.now == 10.0


def test_an_event_whose_time_no_delay_reaches_still_sees_its_exact_time():
    base, exact = 15.768381142649769, 50.58668796442287  # base + d rounds past `exact` for every d
    assert base + delay_to(base, exact) != exact
    clock = Clock()
    seen = []
    clock.at(base, lambda e: clock.at(exact, lambda e2: seen.append(clock.now)))
    clock.run(until=100.0, arrival_times=[])
    assert seen == [exact]


def test_an_event_run_an_ulp_behind_simpys_clock_can_still_schedule_for_its_own_time():
    base, exact = 15.768381142649769, 50.58668796442287  # queued an ulp after `exact` (see above)
    assert base + delay_to(base, exact) > exact
    clock = Clock()
    seen = []

    def at_exact(event):
        seen.append(("event", clock.now))
        clock.at(clock.now, lambda e: seen.append(("scheduled for now", clock.now)))
        clock.at_light(clock.now, lambda a, b: seen.append(("light, for now", clock.now)), 0)

    clock.at(base, lambda e: clock.at(exact, at_exact))
    clock.run(until=100.0, arrival_times=[])
    # (Their order is left open: the event scheduled for now is queued an ulp late, like the first.)
    assert sorted(seen) == [("event", exact), ("light, for now", exact), ("scheduled for now", exact)]


def _trace(inline: bool) -> list:
    """Arrivals at 1, 2, 2, 4; each schedules events at its own time and at the next arrival's."""
    clock = Clock()
    trace = []
    times = [1.0, 2.0, 2.0, 4.0]

    def arrival(i, now):
        trace.append(("arrival", i, now))
        clock.at(now, lambda e: trace.append(("same time", e.value, clock.now)), i)
        if i + 1 < len(times):
            clock.at(times[i + 1], lambda e: trace.append(("next arrival's time", e.value, clock.now)), i)

    clock.at(2.0, lambda e: trace.append(("scheduled first", None, clock.now)))
    clock.run(until=10.0, arrival_times=times, arrival_kinds=[0] * len(times), handlers=[arrival],
              inline=inline)
    return trace


def test_arrivals_handled_inline_keep_the_order_of_one_event_per_arrival():
    """An arrival counts as scheduled when the previous one was handled: events scheduled before
    that for its time go first, those scheduled later go after it."""
    inline = _trace(True)
    assert inline == _trace(False)
    assert [entry[:2] for entry in inline] == [
        ("arrival", 0), ("same time", 0),
        ("scheduled first", None), ("arrival", 1), ("next arrival's time", 0), ("arrival", 2),
        ("same time", 1), ("next arrival's time", 1), ("same time", 2),
        ("arrival", 3), ("next arrival's time", 2), ("same time", 3),
    ]


def _tied_trace(light: bool, inline: bool) -> list:
    """Events, job ends and arrivals on a coarse grid, so that many fall at the same time; each
    schedules more of both. With `light`, job ends go to the light queue, else to SimPy's."""
    rng = np.random.default_rng(7)
    clock = Clock()
    trace = []
    times = np.sort(rng.integers(0, 40, 30)).astype(float).tolist()

    def job_end(member, token):
        trace.append(("job end", member, token, clock.now))
        if token < 3:
            later(member, token + 1)

    def event(e):
        trace.append(("event", e.value, clock.now))
        if e.value < 60:
            clock.at(clock.now + float(rng.integers(0, 3)), event, e.value + 20)

    def later(member, token):
        time = clock.now + float(rng.integers(0, 4))
        if light:
            clock.at_light(time, job_end, member, token)
        else:
            clock.at(time, lambda e: job_end(*e.value), (member, token))

    def arrival(i, now):
        trace.append(("arrival", i, now))
        later(i, 0)
        if i % 3 == 0:
            clock.at(now + float(rng.integers(0, 2)), event, i)

    for k in range(5):
        clock.at(float(2 * k), event, 100 + k)
    clock.run(until=60.0, arrival_times=times, arrival_kinds=[0] * len(times), handlers=[arrival], inline=inline)
    return trace


def test_job_ends_in_the_light_queue_keep_simpys_order_with_events_and_arrivals():
    ties = _tied_trace(light=False, inline=False)
    assert len(ties) > 100 and len({entry[-1] for entry in ties}) < len(ties) / 3  # many at one time
    for inline in (False, True):
        assert _tied_trace(light=True, inline=inline) == ties
