"""Site programs against brute-force enumeration of every choice of sites on small instances."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from sim.plan import PlanInputError
from sim.plan.sites import maximal_covering, p_median


def instance(seed: int, points: int = 12, candidates: int = 7):
    rng = np.random.default_rng(seed)
    xy, sites = rng.random((points, 2)) * 10, rng.random((candidates, 2)) * 10
    travel = np.hypot(*(xy[:, None, :] - sites[None, :, :]).transpose(2, 0, 1))
    return rng.integers(1, 20, points).astype(float), travel


@pytest.mark.parametrize("seed,count", [(0, 2), (1, 3), (2, 4)])
def test_maximal_covering_equals_brute_force(seed, count):
    weights, travel = instance(seed)
    covers = travel <= 3.5
    best = max(weights[covers[:, list(c)].any(axis=1)].sum()
               for c in itertools.combinations(range(travel.shape[1]), count))
    choice = maximal_covering(weights, covers, count)
    assert len(choice.chosen) == count
    assert choice.objective == pytest.approx(best)
    assert weights[covers[:, choice.chosen].any(axis=1)].sum() == pytest.approx(best)
    assert choice.lp_bound >= choice.objective - 1e-9


@pytest.mark.parametrize("seed,count", [(3, 1), (4, 2), (5, 3)])
def test_p_median_equals_brute_force(seed, count):
    weights, travel = instance(seed)
    best = min((weights * travel[:, list(c)].min(axis=1)).sum()
               for c in itertools.combinations(range(travel.shape[1]), count))
    choice = p_median(weights, travel, count)
    assert choice.objective == pytest.approx(best)
    assert (weights * travel[:, choice.chosen].min(axis=1)).sum() == pytest.approx(best)
    assert choice.lp_bound <= choice.objective + 1e-9


def test_a_count_beyond_the_candidates_is_refused():
    weights, travel = instance(0)
    with pytest.raises(PlanInputError, match="--count 9"):
        p_median(weights, travel, 9)
