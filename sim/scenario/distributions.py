"""Time distributions a scenario may use wherever a duration is drawn.

Every distribution validates its own parameters, knows its mean (the offered-load check needs
it without simulating) and draws a whole numpy block at once, because drawing one value at a
time is the slowest thing a simulation of a million calls can do.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal, Union

import numpy as np
from pydantic import ConfigDict, Field, model_validator

from .strict import StrictModel

MAX_MINUTES = 525_600.0  # a year: no single duration of police work is longer
MAX_SPREAD = 1000.0  # sd_min within mean_min / MAX_SPREAD and mean_min * MAX_SPREAD
PositiveMinutes = Annotated[float, Field(gt=0, le=MAX_MINUTES)]
NonNegativeMinutes = Annotated[float, Field(ge=0, le=MAX_MINUTES)]


class _Distribution(StrictModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @property
    def mean(self) -> float:
        raise NotImplementedError

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        raise NotImplementedError


class _MeanAndSpread(_Distribution):
    """Given by mean and standard deviation, whose ratio must stay where numpy can draw from it:
    a gamma's shape is (mean/sd)^2, which overflows for an sd near zero."""

    @model_validator(mode="after")
    def _spread_drawable(self) -> "_MeanAndSpread":
        low, high = self.mean_min / MAX_SPREAD, self.mean_min * MAX_SPREAD
        if not low <= self.sd_min <= high:
            raise ValueError(f"sd_min: expected a number from mean_min/{MAX_SPREAD:g} to mean_min*{MAX_SPREAD:g}"
                             f" ({low:.3g}-{high:.3g}), got {self.sd_min:g}")
        return self


class Exponential(_Distribution):
    dist: Literal["exponential"]
    mean_min: PositiveMinutes

    @property
    def mean(self) -> float:
        return self.mean_min

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.exponential(self.mean_min, size)


class Lognormal(_MeanAndSpread):
    """Lognormal given by the mean and standard deviation of the duration itself (not of its log)."""

    dist: Literal["lognormal"]
    mean_min: PositiveMinutes
    sd_min: PositiveMinutes

    @property
    def mean(self) -> float:
        return self.mean_min

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        sigma2 = math.log1p((self.sd_min / self.mean_min) ** 2)
        mu = math.log(self.mean_min) - sigma2 / 2
        return rng.lognormal(mu, math.sqrt(sigma2), size)


class Gamma(_MeanAndSpread):
    """Gamma given by mean and standard deviation (shape = (mean/sd)^2)."""

    dist: Literal["gamma"]
    mean_min: PositiveMinutes
    sd_min: PositiveMinutes

    @property
    def mean(self) -> float:
        return self.mean_min

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        shape = (self.mean_min / self.sd_min) ** 2
        return rng.gamma(shape, self.mean_min / shape, size)


class Fixed(_Distribution):
    dist: Literal["fixed"]
    value_min: NonNegativeMinutes

    @property
    def mean(self) -> float:
        return self.value_min

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return np.full(size, float(self.value_min))


class Empirical(_Distribution):
    """Resamples observed durations with equal probability."""

    dist: Literal["empirical"]
    values_min: Annotated[list[NonNegativeMinutes], Field(min_length=1)]

    @model_validator(mode="after")
    def _not_all_zero(self) -> "Empirical":
        if not any(v > 0 for v in self.values_min):
            raise ValueError("expected at least one positive value in values_min")
        return self

    @property
    def mean(self) -> float:
        return float(np.mean(self.values_min))

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.choice(np.asarray(self.values_min, dtype=float), size)


Distribution = Annotated[
    Union[Exponential, Lognormal, Gamma, Fixed, Empirical], Field(discriminator="dist")
]

ZERO = Fixed(dist="fixed", value_min=0.0)
