"""Closed-form queueing results the model must reproduce in its limiting cases.

Erlang B (M/M/c/c loss), Erlang C (M/M/c delay), Cobham's formula (M/M/c with non-preemptive
priority classes sharing one service rate) and Larson's hypercube loss model (distinct units with
fixed dispatch preferences). Used by the validation tests and notebooks.
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


def hypercube_loss(preferences: list[list[int]], arrival_rates: list[float],
                   service_rate: float) -> tuple[np.ndarray, float]:
    """Larson's (1974) hypercube model without a queue: per-unit workloads and the share of calls lost.

    Atom j sends calls at `arrival_rates[j]` to the first free unit of `preferences[j]` (a fixed
    order, closest first); a call finding all its units busy is lost. Every unit serves at
    `service_rate`, exponentially. The 2^N states (bit n set: unit n busy) form a continuous-time
    Markov chain whose stationary distribution gives the fraction of time each unit is busy and,
    by PASTA, the share of arrivals that find every unit busy. Exact, unlike Erlang B, when units
    are not interchangeable.
    """
    units = 1 + max(max(p) for p in preferences)
    states = 1 << units
    generator = np.zeros((states, states))
    for state in range(states):
        for unit in range(units):
            if state >> unit & 1:
                generator[state, state & ~(1 << unit)] += service_rate
        for order, rate in zip(preferences, arrival_rates):
            free = next((u for u in order if not state >> u & 1), None)
            if free is not None:
                generator[state, state | 1 << free] += rate
    np.fill_diagonal(generator, -generator.sum(axis=1))
    # pi Q = 0 with sum(pi) = 1: replace one balance equation by the normalisation.
    system = generator.T.copy()
    system[-1, :] = 1.0
    rhs = np.zeros(states)
    rhs[-1] = 1.0
    pi = np.linalg.solve(system, rhs)
    busy = np.array([[state >> unit & 1 for unit in range(units)] for state in range(states)], dtype=float)
    workloads = pi @ busy
    # An atom's call is lost in the states where all of its units are busy (every unit, when each
    # atom lists them all).
    lost = sum(rate * sum(pi[s] for s in range(states) if all(s >> u & 1 for u in order))
               for order, rate in zip(preferences, arrival_rates))
    return workloads, float(lost / sum(arrival_rates))
