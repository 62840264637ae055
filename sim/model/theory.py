"""Closed-form queueing results the model must reproduce in its limiting cases.

Erlang B (M/M/c/c loss), Erlang C (M/M/c delay) and Cobham's formula (M/M/c with non-preemptive
priority classes sharing one service rate). Used by the validation tests and notebooks.
"""

from __future__ import annotations

import math

import numpy as np


def erlang_b(servers: int, offered_load: float) -> float:
    """Blocking probability of M/M/c/c with offered load a = lambda/mu (stable recursion)."""
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = offered_load * blocking / (k + offered_load * blocking)
    return blocking


def erlang_c(servers: int, offered_load: float) -> float:
    """Probability that an arrival waits in M/M/c (needs a < c)."""
    if offered_load >= servers:
        return 1.0
    b = erlang_b(servers, offered_load)
    rho = offered_load / servers
    return b / (1.0 - rho + rho * b)


def mmc_mean_wait(servers: int, arrival_rate: float, service_rate: float) -> float:
    """Mean time in queue of M/M/c."""
    a = arrival_rate / service_rate
    return erlang_c(servers, a) / (servers * service_rate - arrival_rate)


def mmc_wait_quantile(servers: int, arrival_rate: float, service_rate: float, q: float) -> float:
    """The q-quantile of the M/M/c waiting time: P(W > t) = C exp(-(c mu - lambda) t)."""
    c_prob = erlang_c(servers, arrival_rate / service_rate)
    if c_prob <= 1.0 - q:
        return 0.0
    return math.log(c_prob / (1.0 - q)) / (servers * service_rate - arrival_rate)


def cobham_mean_waits(servers: int, arrival_rates: list[float], service_rate: float) -> np.ndarray:
    """Mean wait per class (highest priority first) in M/M/c with non-preemptive priorities."""
    total = sum(arrival_rates)
    w0 = erlang_c(servers, total / service_rate) / (servers * service_rate)
    sigma = np.concatenate([[0.0], np.cumsum(arrival_rates) / (servers * service_rate)])
    return np.array([w0 / ((1 - sigma[k]) * (1 - sigma[k + 1])) for k in range(len(arrival_rates))])
