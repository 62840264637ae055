"""Distributions: samples agree with the mean the offered-load check uses, parameters are checked.

Tolerances come from the standard error, not from a guess: with n draws of a distribution of
standard deviation sd, the sample mean has standard error SE = sd / sqrt(n), and we accept a
sample mean within 5 SE of `.mean` (a false alarm about once in 1.7 million runs for a normal
sample mean; with the fixed seeds below the tests are deterministic anyway). For the sample sd,
Var(s^2) ~ (mu4 - sd^4) / n = sd^4 (excess kurtosis + 2) / n, so SE(s) ~ sd sqrt(kurtosis + 2)
/ (2 sqrt(n)); again 5 SE.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from sim.scenario.distributions import ZERO, Distribution, Empirical, Exponential, Fixed, Gamma, Lognormal

N = 400_000
SEED = 20230701
TOLERANCE_SE = 5.0
PARSE = TypeAdapter(Distribution)


def lognormal_excess_kurtosis(mean: float, sd: float) -> float:
    s2 = math.log1p((sd / mean) ** 2)
    return math.exp(4 * s2) + 2 * math.exp(3 * s2) + 3 * math.exp(2 * s2) - 6


def gamma_excess_kurtosis(mean: float, sd: float) -> float:
    return 6.0 / (mean / sd) ** 2


# (distribution, its true standard deviation)
CASES = [
    (Exponential(dist="exponential", mean_min=12.0), 12.0),
    (Lognormal(dist="lognormal", mean_min=40.0, sd_min=25.0), 25.0),
    (Gamma(dist="gamma", mean_min=30.0, sd_min=15.0), 15.0),
    (Fixed(dist="fixed", value_min=7.5), 0.0),
    (Empirical(dist="empirical", values_min=[10, 20, 30, 45]), float(np.std([10, 20, 30, 45]))),
]


def draw(distribution, n: int = N, seed: int = SEED) -> np.ndarray:
    return distribution.sample(np.random.default_rng(seed), n)


@pytest.mark.parametrize(("distribution", "sd"), CASES, ids=lambda v: getattr(v, "dist", ""))
def test_sample_mean_matches_mean(distribution, sd: float) -> None:
    sample = draw(distribution)
    assert sample.shape == (N,)
    assert np.all(sample >= 0)
    standard_error = sd / math.sqrt(N)
    assert abs(sample.mean() - distribution.mean) <= TOLERANCE_SE * standard_error + 1e-12


@pytest.mark.parametrize(
    ("distribution", "kurtosis"),
    [
        (Lognormal(dist="lognormal", mean_min=40.0, sd_min=25.0), lognormal_excess_kurtosis(40.0, 25.0)),
        (Lognormal(dist="lognormal", mean_min=5.0, sd_min=1.0), lognormal_excess_kurtosis(5.0, 1.0)),
        (Gamma(dist="gamma", mean_min=30.0, sd_min=15.0), gamma_excess_kurtosis(30.0, 15.0)),
        (Gamma(dist="gamma", mean_min=10.0, sd_min=20.0), gamma_excess_kurtosis(10.0, 20.0)),
    ],
    ids=["lognormal", "lognormal-narrow", "gamma", "gamma-wide"],
)
def test_sample_sd_matches_sd_min(distribution, kurtosis: float) -> None:
    sample = draw(distribution)
    standard_error = distribution.sd_min * math.sqrt(kurtosis + 2) / (2 * math.sqrt(N))
    assert abs(sample.std(ddof=1) - distribution.sd_min) <= TOLERANCE_SE * standard_error


def test_fixed_and_zero_are_constant() -> None:
    assert np.all(draw(Fixed(dist="fixed", value_min=3.0), 100) == 3.0)
    assert ZERO.mean == 0.0 and np.all(draw(ZERO, 10) == 0.0)


def test_empirical_only_resamples_its_values() -> None:
    values = [2.0, 3.0, 11.0]
    assert set(np.unique(draw(Empirical(dist="empirical", values_min=values), 1000))) == set(values)


def test_same_seed_same_sample() -> None:
    gamma = Gamma(dist="gamma", mean_min=3.0, sd_min=1.0)
    assert np.array_equal(draw(gamma, 50, seed=1), draw(gamma, 50, seed=1))


def test_parses_from_a_scenario_table() -> None:
    assert PARSE.validate_python({"dist": "gamma", "mean_min": 30, "sd_min": 15}) == Gamma(
        dist="gamma", mean_min=30.0, sd_min=15.0)


@pytest.mark.parametrize(
    "table",
    [
        {"dist": "exponential", "mean_min": 0},
        {"dist": "exponential", "mean_min": -1},
        {"dist": "exponential"},
        {"dist": "lognormal", "mean_min": 10},
        {"dist": "lognormal", "mean_min": 10, "sd_min": 0},
        {"dist": "lognormal", "mean_min": -10, "sd_min": 3},
        {"dist": "gamma", "mean_min": 10, "sd_min": -2},
        {"dist": "gamma", "mean_min": "ten", "sd_min": 2},
        {"dist": "fixed", "value_min": -1},
        {"dist": "empirical", "values_min": []},
        {"dist": "empirical", "values_min": [0, 0]},
        {"dist": "empirical", "values_min": [5, -1]},
        {"dist": "weibull", "mean_min": 10},
        {"mean_min": 10},
        {"dist": "exponential", "mean_min": 10, "sd_min": 2},
        {"dist": "fixed", "value_min": 1, "mean_min": 1},
    ],
    ids=lambda table: "-".join(f"{k}={v}" for k, v in table.items()),
)
def test_bad_parameters_are_rejected(table: dict) -> None:
    with pytest.raises(ValidationError):
        PARSE.validate_python(table)


FAMILIES = {
    "exponential": lambda mean, cv: Exponential(dist="exponential", mean_min=mean),
    "lognormal": lambda mean, cv: Lognormal(dist="lognormal", mean_min=mean, sd_min=mean * cv),
    "gamma": lambda mean, cv: Gamma(dist="gamma", mean_min=mean, sd_min=mean * cv),
}


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    family=st.sampled_from(sorted(FAMILIES)),
    mean=st.floats(min_value=0.1, max_value=1000.0),
    cv=st.floats(min_value=0.05, max_value=2.0),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
)
def test_any_positive_mean_and_sd_give_a_sane_sample(family: str, mean: float, cv: float, seed: int) -> None:
    """Any positive mean and sd (as mean x cv): non-negative finite draws, mean within 5 SE."""
    distribution = FAMILIES[family](mean, cv)
    sd = mean if family == "exponential" else mean * cv
    n = 20_000
    sample = draw(distribution, n, seed)
    assert np.all(np.isfinite(sample)) and np.all(sample >= 0)
    assert abs(sample.mean() - distribution.mean) <= TOLERANCE_SE * sd / math.sqrt(n)
