"""Roster and tours: the integer programs against brute-force enumeration on small instances."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from sim.plan import PlanInputError
from sim.plan.roster import plan_roster, rostered_need, solve_cover
from sim.plan.tours import Tour, day_patterns, tours, weekdays_text

# six "hours" and four tours: a tiny cyclic day
COVERAGE = np.array([
    [1, 0, 0, 1],
    [1, 1, 0, 0],
    [1, 1, 0, 0],
    [0, 1, 1, 0],
    [0, 0, 1, 1],
    [0, 0, 1, 1],
], dtype=float)


def brute_force_min_cost(rostered: np.ndarray, cost: np.ndarray, top: int = 6) -> float:
    best = np.inf
    for x in itertools.product(range(top + 1), repeat=COVERAGE.shape[1]):
        if np.all(COVERAGE @ np.array(x) >= rostered):
            best = min(best, float(np.dot(cost, x)))
    return best


@pytest.mark.parametrize("seed", range(6))
def test_cover_equals_brute_force(seed):
    rng = np.random.default_rng(seed)
    rostered = rng.integers(0, 5, 6).astype(float)
    cost = rng.integers(1, 4, 4).astype(float)
    solution = solve_cover(COVERAGE, rostered, cost)
    assert solution.objective == pytest.approx(brute_force_min_cost(rostered, cost))
    assert np.all(COVERAGE @ solution.counts >= rostered)
    assert solution.lp_bound <= solution.objective + 1e-9


def brute_force_theta(on_duty: np.ndarray, availability: float, headcount: int) -> float:
    """Largest min over hours of (availability x cover) / requirement, over every roster of the headcount."""
    best = 0.0
    pools, tours_n = on_duty.shape[0], COVERAGE.shape[1]
    for x in itertools.product(range(headcount + 1), repeat=pools * tours_n):
        if sum(x) != headcount:
            continue
        counts = np.array(x).reshape(pools, tours_n)
        cover = availability * counts @ COVERAGE.T
        ratio = np.where(on_duty > 0, cover / np.where(on_duty > 0, on_duty, 1), np.inf)
        best = max(best, float(ratio.min()))
    return best


@pytest.mark.parametrize("headcount", [2, 4, 5])
def test_headcount_roster_reaches_the_brute_force_cover(headcount):
    on_duty = np.array([[1, 2, 2, 1, 1, 0], [0, 1, 1, 1, 2, 2]], dtype=float)
    plan = plan_roster(on_duty, COVERAGE, np.ones(4), availability=1.0, headcount=headcount)
    assert plan.counts.sum() == headcount
    best = brute_force_theta(on_duty, 1.0, headcount)
    cover = plan.counts @ COVERAGE.T
    achieved = float(np.min(np.where(on_duty > 0, cover / np.where(on_duty > 0, on_duty, 1), np.inf)))
    assert achieved == pytest.approx(best, abs=0.01)
    assert plan.theta_bound >= best - 1e-9 and plan.cover_gap == pytest.approx(1 - plan.theta / plan.theta_bound)


def test_availability_is_rounded_up_to_whole_rostered_officers():
    assert list(rostered_need(np.array([4.0, 3.0, 0.0]), 0.8)) == [5.0, 4.0, 0.0]


def test_minimising_officers_covers_every_pool():
    on_duty = np.array([[2, 3, 1, 0, 4, 4], [1, 1, 1, 1, 1, 1]], dtype=float)
    plan = plan_roster(on_duty, COVERAGE, np.ones(4), availability=0.8)
    for pool in range(2):
        assert np.all(0.8 * COVERAGE @ plan.counts[pool] >= on_duty[pool] - 1e-9)
    assert plan.objective == sum(brute_force_min_cost(rostered_need(r, 0.8), np.ones(4)) for r in on_duty)
    assert 0 <= plan.gap <= plan.lp_gap + 1e-9


def test_tours_cover_their_hours_across_midnight_and_sunday():
    night = Tour(22, 10, (6,))  # Sunday 22:00 to Monday 08:00
    mask = night.mask()
    assert mask.sum() == 10
    assert mask[6 * 24 + 22] == 1 and mask[0] == 1 and mask[7] == 1 and mask[8] == 0


def test_tour_generation_and_weekday_names():
    assert len(day_patterns(5, "consecutive")) == 7
    assert len(day_patterns(5, "any")) == 21
    assert len(tours([0, 8, 16], [8, 10], 5)) == 3 * 2 * 7
    assert weekdays_text((0, 1, 2, 3, 4)) == "Mon-Fri"
    assert weekdays_text((5, 6, 0, 1, 2)) == "Sat-Wed"
    assert weekdays_text((0, 2, 4)) == "Mon;Wed;Fri"
    for bad in (lambda: tours([25], [8], 5), lambda: tours([0], [0], 5), lambda: day_patterns(8, "any"),
                lambda: day_patterns(5, "random")):
        with pytest.raises(PlanInputError):
            bad()
