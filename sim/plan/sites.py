"""Station sites as integer programs: maximal covering location and p-median.

Maximal covering (Church and ReVelle 1974): open p sites to maximise the demand within a travel
time of an open site. p-median (Hakimi 1964; ReVelle and Swain 1970): open p sites to minimise the
demand-weighted travel to the nearest open site. Both are solved exactly by HiGHS; the LP
relaxation's bound is reported beside the integer optimum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import PlanInputError


@dataclass(frozen=True)
class SiteChoice:
    chosen: list[int]  # candidate indices
    objective: float  # demand covered (covering) or weighted travel (median)
    lp_bound: float
    optimal: bool


def _check(weights: np.ndarray, matrix: np.ndarray, count: int) -> None:
    if not 1 <= count <= matrix.shape[1]:
        raise PlanInputError(f"--count {count}: expected 1 to {matrix.shape[1]} (the number of candidate sites)")
    if matrix.shape[0] != len(weights):
        raise ValueError("one row of the matrix per demand point")


def maximal_covering(weights: np.ndarray, covers: np.ndarray, count: int, time_limit_s: float = 60.0) -> SiteChoice:
    """`covers[i, j]`: candidate j reaches demand point i in time. Maximise covered weight with `count` sites."""
    from scipy.optimize import Bounds, LinearConstraint  # here: a third of a second at every command's start
    from scipy.sparse import coo_matrix, csr_matrix, hstack, vstack

    weights, covers = np.asarray(weights, float), np.asarray(covers, bool)
    _check(weights, covers, count)
    n, m = covers.shape
    # variables: x_j (site open), y_i (point covered); y_i <= sum_j a_ij x_j; sum x = count
    c = np.concatenate([np.zeros(m), -weights])
    link = hstack([-csr_matrix(covers.astype(float)), csr_matrix(np.eye(n))], format="csr")
    total = csr_matrix(np.concatenate([np.ones(m), np.zeros(n)])[None, :])
    constraints = [LinearConstraint(link, -np.inf, 0.0), LinearConstraint(total, count, count)]
    bounds = Bounds(0, 1)
    integrality = np.concatenate([np.ones(m), np.zeros(n)])
    return _solve(c, constraints, bounds, integrality, m, time_limit_s, sign=-1.0)


def p_median(weights: np.ndarray, travel: np.ndarray, count: int, time_limit_s: float = 60.0) -> SiteChoice:
    """`travel[i, j]`: time from candidate j to point i. Minimise weighted travel to the nearest of `count` sites."""
    from scipy.optimize import Bounds, LinearConstraint  # here: a third of a second at every command's start
    from scipy.sparse import coo_matrix, csr_matrix, hstack, vstack

    weights, travel = np.asarray(weights, float), np.asarray(travel, float)
    _check(weights, travel, count)
    n, m = travel.shape
    # variables: x_j, then z_ij (point i served by j) row-major; sum_j z_ij = 1; z_ij <= x_j; sum x = count
    c = np.concatenate([np.zeros(m), (weights[:, None] * travel).ravel()])
    rows = np.repeat(np.arange(n), m)
    assign = hstack([csr_matrix((n, m)), coo_matrix((np.ones(n * m), (rows, np.arange(n * m))), shape=(n, n * m))])
    open_rows = np.arange(n * m)
    z_le_x = hstack([coo_matrix((-np.ones(n * m), (open_rows, np.tile(np.arange(m), n))), shape=(n * m, m)),
                     coo_matrix((np.ones(n * m), (open_rows, open_rows)), shape=(n * m, n * m))])
    total = csr_matrix(np.concatenate([np.ones(m), np.zeros(n * m)])[None, :])
    constraints = [LinearConstraint(vstack([assign]).tocsr(), 1.0, 1.0),
                   LinearConstraint(z_le_x.tocsr(), -np.inf, 0.0), LinearConstraint(total, count, count)]
    integrality = np.concatenate([np.ones(m), np.zeros(n * m)])
    return _solve(c, constraints, Bounds(0, 1), integrality, m, time_limit_s, sign=1.0)


def _solve(c, constraints, bounds, integrality, m: int, time_limit_s: float, sign: float) -> SiteChoice:
    from scipy.optimize import milp  # here: a third of a second at every command's start

    lp = milp(c, constraints=constraints, bounds=bounds, integrality=np.zeros_like(integrality))
    result = milp(c, constraints=constraints, bounds=bounds, integrality=integrality,
                  options={"time_limit": time_limit_s, "mip_rel_gap": 1e-6})
    if result.x is None:
        raise PlanInputError(f"stations: the integer program found no choice of sites ({result.message})")
    chosen = sorted(int(j) for j in np.flatnonzero(result.x[:m] > 0.5))
    return SiteChoice(chosen, sign * float(result.fun), sign * float(lp.fun), result.status == 0)
