"""The planner's analytic core against theory: modified offered load, Erlang staffing, sinusoidal arrivals."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import trapezoid

from sim.model.theory import erlang_c
from sim.plan.mol import modified_offered_load, survival_on_grid
from sim.plan.requirement import PoolLoads, requirement_from_loads
from sim.plan.targets import HourLoad, Target, TargetError, halfin_whitt_beta, p1_wait_tail, parse_target, servers_needed

from .plan_queue import delay_by_hour

MEAN_MIN = 60.0
OMEGA = 2 * np.pi / 24


def exponential_quantiles(mean_min: float, n: int = 200_000) -> np.ndarray:
    return -mean_min * np.log(1 - (np.arange(n) + 0.5) / n)


def sinusoid_rates(mean_per_hour: float) -> np.ndarray:
    """Hourly means of lambda(t) = mean (1 + sin(wt)/3): the peak is twice the trough."""
    h = np.arange(24)
    return mean_per_hour + mean_per_hour / 3 * (np.cos(OMEGA * h) - np.cos(OMEGA * (h + 1))) / OMEGA


def test_survival_integrates_to_the_mean():
    draws = np.random.default_rng(3).lognormal(3.5, 0.6, 5000)
    assert survival_on_grid(draws).sum() == pytest.approx(draws.mean(), rel=1e-9)


def test_modified_offered_load_matches_the_infinite_server_closed_form():
    """M_t/M/inf with lambda(t) = a + b sin(wt), mu = 1/h: m(t) = a + b (sin wt - w cos wt) / (1 + w^2)."""
    rates = np.tile(sinusoid_rates(100.0), 7)
    m = modified_offered_load(rates, exponential_quantiles(MEAN_MIN))
    fine = np.linspace(0, 1, 601)
    exact = np.array([np.mean(100 + 100 / 3 * (np.sin(OMEGA * (h + fine)) - OMEGA * np.cos(OMEGA * (h + fine)))
                              / (1 + OMEGA**2)) for h in range(168)])
    assert np.abs(m - exact).max() < 0.3  # the closed form assumes a smooth rate; ours is constant per hour
    assert m.mean() == pytest.approx(100.0, rel=1e-3)  # Little: the mean load is lambda-bar E[S]
    assert np.argmax(m[:24]) > np.argmax(rates[:24])  # the load lags the arrivals


def test_constant_arrivals_give_the_stationary_load_for_any_service_distribution():
    draws = np.random.default_rng(5).gamma(0.5, 120.0, 20_000)
    m = modified_offered_load(np.full(168, 12.0), draws)
    assert np.allclose(m, 12.0 * draws.mean() / 60.0, rtol=1e-9)


def test_delay_target_gives_the_smallest_erlang_c_staffing():
    for load in (3.0, 17.5, 80.0):
        s = servers_needed([Target("delay_probability", 0.2)], HourLoad(load, 0.0, 60.0, 0.0), 30.0)
        assert erlang_c(s, load) <= 0.2 < erlang_c(s - 1, load) or s - 1 <= load


def test_square_root_rule_approaches_halfin_whitt():
    beta = halfin_whitt_beta(0.2)
    load = 2000.0
    s = servers_needed([Target("delay_probability", 0.2)], HourLoad(load, 0.0, 60.0, 0.0), 30.0)
    assert (s - load) / np.sqrt(load) == pytest.approx(beta, abs=0.05)


def test_priority_1_wait_tail_is_consistent_with_cobham():
    """Integrating the tail C exp(-(s mu - lambda1) t) gives Cobham's mean wait of the top class."""
    from sim.model.theory import cobham_mean_waits
    hour = HourLoad(load=8.0, p1_load=2.0, busy_min=60.0, p1_travel_min=0.0)
    t = np.linspace(0, 2000, 200_001)
    mean = trapezoid([p1_wait_tail(10, hour, x) for x in t[::100]], t[::100])
    cobham = cobham_mean_waits(10, [2.0 / 60, 6.0 / 60], 1 / 60)[0]
    assert mean == pytest.approx(cobham, rel=0.01)


def test_bad_targets_are_one_line_errors():
    assert parse_target("p1_within_target>=0.9") == Target("p1_within_target", 0.9)
    for text in ("p1_within_target<=0.9", "speed>=3", "delay_probability<=1.5", "p1_p90_response_min<=abc"):
        with pytest.raises(TargetError, match="--target"):
            parse_target(text)
    with pytest.raises(TargetError, match="trip alone"):
        servers_needed([Target("p1_p90_response_min", 5.0)], HourLoad(4.0, 1.0, 60.0, 8.0), 30.0)


def test_sinusoidal_arrivals_keep_the_delay_probability_stable_by_hour():
    """Feldman et al. 2008: staffing by the lagged load keeps P(wait) near its target every hour;
    a constant staff with the same officer-hours swings far from it (too many waits at the peak)."""
    alpha = 0.1
    rates = sinusoid_rates(100.0)
    m = modified_offered_load(np.tile(rates, 7), exponential_quantiles(MEAN_MIN))[None, :]
    zero = np.zeros_like(m)
    loads = PoolLoads(["station"], m, zero, zero, np.array([MEAN_MIN]), np.array([0.0]), {})
    staffing = requirement_from_loads(loads, [Target("delay_probability", alpha)], 30.0).officers[0, :24]
    planned = delay_by_hour(rates, staffing, MEAN_MIN / 60, periods=90, seed=7)
    constant = delay_by_hour(rates, np.full(24, int(round(staffing.mean()))), MEAN_MIN / 60, periods=90, seed=7)
    assert np.abs(planned - alpha).max() <= 0.05
    assert np.abs(constant - alpha).max() > 0.2
