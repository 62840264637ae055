"""The iterative staffing algorithm: its two steps by hand, and a short run on a one-station city."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.model import simulate
from sim.plan.isa import in_system_samples, refine, staffing_from_samples
from sim.plan.requirement import requirement
from sim.plan.targets import Target

from .cities import field_type, one_station_city


def test_staffing_is_the_smallest_with_few_enough_arrivals_finding_all_busy():
    samples = np.array([0, 1, 1, 2, 2, 2, 3, 3, 4, 6])
    assert staffing_from_samples(samples, 0.3) == 4  # P(L >= 4) = 0.2, P(L >= 3) = 0.4
    assert staffing_from_samples(samples, 0.0) == 7
    assert staffing_from_samples(np.zeros(0, int), 0.1) == 0


def test_calls_count_from_creation_until_their_officers_are_free():
    calls = pd.DataFrame({
        "kind": ["field", "field", "walk_in"], "district": ["A", "A", "A"], "call_type": ["x", "x", "y"],
        "created_min": [0.0, 30.0, 0.0], "completed_min": [50.0, np.nan, 10.0], "travel_min": [5.0, np.nan, 0.0],
        "officers": [2, 1, 1],
    })
    samples = in_system_samples(calls, ["A"], {"x": 10.0, "y": 0.0}, 0.0, 120.0, return_trip=True)
    hour0, hour1 = samples[0][0], samples[0][1]  # every 5 minutes; the first call ends at 50 + 5 + 10 = 65
    assert list(hour0[:6]) == [2, 2, 2, 2, 2, 2] and list(hour0[6:]) == [3] * 6
    assert list(hour1[:1]) == [3] and list(hour1[1:]) == [1] * 11  # the unreached call stays


def test_refining_a_one_station_city_keeps_the_delay_probability_near_its_target():
    hours = np.arange(24)
    profile = list(1 + np.sin(2 * np.pi * (hours + 0.5) / 24) / 3)
    city = one_station_city(inspectors=40, call_types={"incident": field_type(per_min=40 / 60, mean_service_min=30.0,
                                                                              hourly_profile=profile)},
                            days=14, warmup_days=1)
    start = requirement(city, [Target("delay_probability", 0.3)])

    def calls(scenario):
        return [simulate(scenario, replication=r).calls.to_pandas() for r in range(2)]

    result = refine(city, start.officers, start.pools, 0.3, calls, max_iterations=3)
    assert result.officers.shape == (1, 168)
    assert result.changes[-1] <= result.changes[0]
    assert 1 <= result.iterations <= 3
    # each hour's simulated P(wait) at the last staffing simulated is near the target (48 samples an hour)
    deviation = np.abs(result.delay_probability - 0.3)
    assert deviation.max() <= 0.2 and deviation.mean() <= 0.08
    # and the staffing follows the lagged sine: more officers at its peak (about 09:00) than its trough
    by_hour = result.officers[0].reshape(7, 24).mean(axis=0)
    assert by_hour[6:12].mean() > by_hour[18:24].mean() + 5
