"""The modified offered load: how many officers a time-varying stream of calls keeps busy, hour by hour.

In an infinite-server queue the number busy at time t is Poisson with mean
m(t) = E[lambda(t - S_e)] E[S] = integral of lambda(t - u) P(S > u) du (Eick, Massey and Whitt
1993): the load lags the arrivals by about the service time. Staffing to the pointwise rate
lambda(t) E[S] instead staffs the peak too early and the trough too late. The week repeats, so
the convolution is circular, done on a one-minute grid by FFT.
"""

from __future__ import annotations

import numpy as np

MINUTES_PER_HOUR = 60
HOURS_PER_WEEK = 168
MINUTES_PER_WEEK = HOURS_PER_WEEK * MINUTES_PER_HOUR


def survival_on_grid(busy_min: np.ndarray, step_min: float = 1.0, length: int = MINUTES_PER_WEEK) -> np.ndarray:
    """P(S > u) averaged over each grid step [u, u + step), from draws of S: its integral is E[S]."""
    edges = np.arange(length + 1) * step_min
    ordered = np.sort(np.asarray(busy_min, dtype=float))
    # integral over a step of P(S > u) du = E[clip(S - a, 0, step)]; the cumulative form is exact for draws
    below = np.searchsorted(ordered, edges, side="right")
    tail_sum = np.concatenate([np.cumsum(ordered[::-1])[::-1], [0.0]])
    integral = tail_sum[below] - edges * (len(ordered) - below)  # E[(S - a)+] * n
    return -np.diff(integral) / len(ordered) / step_min


def modified_offered_load(rate_per_hour: np.ndarray, busy_min: np.ndarray) -> np.ndarray:
    """Mean officers busy in each hour of the week (averaged over the hour), arrivals piecewise constant by hour."""
    rate_per_min = np.repeat(np.asarray(rate_per_hour, dtype=float), MINUTES_PER_HOUR) / MINUTES_PER_HOUR
    survival = survival_on_grid(busy_min)
    wrapped = _wrap(survival, MINUTES_PER_WEEK, busy_min)
    busy = np.fft.irfft(np.fft.rfft(rate_per_min) * np.fft.rfft(wrapped), n=MINUTES_PER_WEEK)
    return busy.reshape(HOURS_PER_WEEK, MINUTES_PER_HOUR).mean(axis=1)


def _wrap(survival: np.ndarray, period: int, busy_min: np.ndarray) -> np.ndarray:
    """Fold the part of the survival function beyond one week back onto it (a call longer than a week)."""
    if np.max(busy_min) < period:
        return survival
    longer = survival_on_grid(busy_min, length=int(np.ceil(np.max(busy_min) / period) + 1) * period)
    return longer.reshape(-1, period).sum(axis=0)


def pointwise_load(rate_per_hour: np.ndarray, busy_min: np.ndarray) -> np.ndarray:
    """lambda(t) E[S]: the stationary approximation the modified offered load corrects."""
    return np.asarray(rate_per_hour, dtype=float) * float(np.mean(busy_min)) / MINUTES_PER_HOUR
