"""Time on scene per call type: the supported distribution with the best likelihood, and its fit.

Candidates are compared by AIC (the exponential has one parameter, lognormal and gamma two). If
even the best is rejected by a Kolmogorov-Smirnov test at `REJECT_BELOW`, or its mean misses the
observed mean by more than `MEAN_TOLERANCE_SE` standard errors (a heavy-tailed fit to a few very
short times can: the workload the model offers would then be wrong), the observed times are kept
as an empirical distribution, so the scenario never claims a shape the data refute.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

REJECT_BELOW = 0.01
MEAN_TOLERANCE_SE = 2.0
EMPIRICAL_POINTS = 500  # an empirical distribution keeps at most this many quantiles


@dataclass
class OnSceneFit:
    """The chosen distribution (scenario form), every candidate's AIC, and the best parametric one's
    KS distance and mean (the goodness of fit that decided whether the empirical one was used)."""

    distribution: dict
    chosen: str
    n: int
    observed_mean_min: float
    aic: dict[str, float]
    ks_distance: float
    ks_pvalue: float
    best_parametric: str
    best_parametric_mean_min: float
    zeros_dropped: int
    values_min: np.ndarray

    @property
    def distribution_mean(self) -> float:
        d = self.distribution
        return float(d.get("mean_min", d.get("value_min", np.mean(d.get("values_min", [0.0])))))

    def cdf(self, x: np.ndarray) -> np.ndarray:
        return cdf_of(self.distribution, self.values_min)(x)


def cdf_of(dist: dict, values: np.ndarray):
    kind = dist["dist"]
    if kind == "exponential":
        return stats.expon(scale=dist["mean_min"]).cdf
    if kind == "lognormal":
        sigma2 = math.log1p((dist["sd_min"] / dist["mean_min"]) ** 2)
        return stats.lognorm(math.sqrt(sigma2), scale=math.exp(math.log(dist["mean_min"]) - sigma2 / 2)).cdf
    if kind == "gamma":
        shape = (dist["mean_min"] / dist["sd_min"]) ** 2
        return stats.gamma(shape, scale=dist["mean_min"] / shape).cdf
    if kind == "fixed":
        return lambda x: (np.asarray(x) >= dist["value_min"]).astype(float)
    support = np.sort(np.asarray(dist["values_min"], float))
    return lambda x: np.searchsorted(support, x, side="right") / len(support)


def candidates(x: np.ndarray) -> dict[str, tuple[dict, float, int]]:
    """Maximum-likelihood fits: scenario form, log-likelihood, number of parameters."""
    mean = float(x.mean())
    out = {"exponential": ({"dist": "exponential", "mean_min": mean},
                           float(stats.expon(scale=mean).logpdf(x).sum()), 1)}
    logs = np.log(x)
    mu, sigma = float(logs.mean()), float(logs.std())
    if sigma > 0:
        m = math.exp(mu + sigma**2 / 2)
        out["lognormal"] = ({"dist": "lognormal", "mean_min": m, "sd_min": m * math.sqrt(math.expm1(sigma**2))},
                            float(stats.lognorm(sigma, scale=math.exp(mu)).logpdf(x).sum()), 2)
        shape, _, scale = stats.gamma.fit(x, floc=0)
        out["gamma"] = ({"dist": "gamma", "mean_min": shape * scale, "sd_min": math.sqrt(shape) * scale},
                        float(stats.gamma(shape, scale=scale).logpdf(x).sum()), 2)
    return out


def fit_on_scene(values_min: np.ndarray) -> OnSceneFit:
    """Fit the times on scene of one call type (minutes, censored and negative ones already removed)."""
    x = np.asarray(values_min, float)
    x = x[np.isfinite(x)]
    positive = x[x > 0]
    zeros = len(x) - len(positive)
    if len(positive) == 0:
        raise ValueError("no positive time on scene to fit")
    if len(np.unique(positive)) == 1:
        dist = {"dist": "fixed", "value_min": float(positive[0])}
        return OnSceneFit(dist, "fixed", len(positive), float(positive.mean()), {}, 0.0, 1.0, "fixed",
                          float(positive[0]), zeros, positive)
    fits = candidates(positive)
    aic = {name: 2 * k - 2 * loglik for name, (_, loglik, k) in fits.items()}
    best = min(aic, key=aic.get)
    dist = fits[best][0]
    ks = stats.kstest(positive, cdf_of(dist, positive))
    chosen = best
    standard_error = float(positive.std(ddof=1) / math.sqrt(len(positive)))
    mean_missed = abs(dist["mean_min"] - positive.mean()) > MEAN_TOLERANCE_SE * standard_error
    if ks.pvalue < REJECT_BELOW or mean_missed:
        chosen = "empirical"
        quantiles = np.quantile(positive, (np.arange(EMPIRICAL_POINTS) + 0.5) / EMPIRICAL_POINTS) \
            if len(positive) > EMPIRICAL_POINTS else np.sort(positive)
        parametric_mean = dist["mean_min"]
        dist = {"dist": "empirical", "values_min": [round(float(v), 2) for v in quantiles]}
    else:
        parametric_mean = dist["mean_min"]
    return OnSceneFit(dist, chosen, len(positive), float(positive.mean()), aic, float(ks.statistic),
                      float(ks.pvalue), best, parametric_mean, zeros, positive)
