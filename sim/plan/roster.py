"""Shift scheduling as set covering (Dantzig 1954), solved as integer programs by HiGHS.

Officers of each pool are assigned to tours so that the rostered officers times availability
cover each hour's requirement; rostered officers are whole, so that is `A x >= ceil(r / a)`,
the same integer programs with a tighter LP bound. Pools do not share officers, so each pool is
its own program. Without a headcount the cheapest roster is sought (fewest officers or fewest
paid hours). With a headcount the shortfall is minimised uniformly: the largest share theta of
every hour's requirement (more than 1 when officers are to spare) that the headcount can cover,
found by bisection on the LP bounds, then stepped down until the integer programs fit the headcount
and bisected between the cover found and the least share the solver's bounds prove out of reach; officers left over then go one by
one where the cover is thinnest against the requirement.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import PlanInputError

OBJECTIVES = ("officers", "hours")
THETA_TOLERANCE = 0.002
TARGET_COVER_GAP = 0.005
BISECTION_ROUNDS = 3


@dataclass(frozen=True)
class CoverSolution:
    counts: np.ndarray  # officers per tour
    objective: float
    lp_bound: float
    dual_bound: float
    optimal: bool


def solve_cover(coverage: np.ndarray, rostered: np.ndarray, cost: np.ndarray, time_limit_s: float = 60.0,
                mip_rel_gap: float = 1e-3) -> CoverSolution:
    """Fewest-cost whole officers per tour with `coverage @ x >= rostered` (one pool)."""
    from scipy.optimize import LinearConstraint, milp  # here: a third of a second at every command's start

    coverage = np.asarray(coverage, float)
    rostered = np.asarray(rostered, float)
    cost = np.asarray(cost, float)
    if np.any((coverage.sum(axis=1) == 0) & (rostered > 0)):
        raise PlanInputError("roster: some hour with work is covered by no allowed tour; allow more start hours")
    if not rostered.any():
        zero = np.zeros(coverage.shape[1], dtype=int)
        return CoverSolution(zero, 0.0, 0.0, 0.0, True)
    constraint = LinearConstraint(coverage, rostered, np.inf)
    lp = milp(cost, constraints=constraint, integrality=np.zeros_like(cost))
    result = milp(cost, constraints=constraint, integrality=np.ones_like(cost),
                  options={"time_limit": time_limit_s, "mip_rel_gap": mip_rel_gap})
    if result.x is None:
        raise PlanInputError(f"roster: the integer program found no roster in {time_limit_s:g} s ({result.message})")
    dual = getattr(result, "mip_dual_bound", None)
    lp_bound = float(lp.fun)
    if np.allclose(cost, np.round(cost)):  # whole costs: the bound rounds up
        lp_bound = float(np.ceil(lp_bound - 1e-6))
    dual = lp_bound if dual is None or not np.isfinite(dual) else max(float(dual), lp_bound)
    return CoverSolution(np.round(result.x).astype(int), float(result.fun), lp_bound, dual, result.status == 0)


@dataclass(frozen=True)
class RosterPlan:
    counts: np.ndarray  # (pools, tours)
    theta: float  # share of the requirement covered in every hour
    objective: float  # officers or paid hours of the covering rosters (before officers left over)
    lp_bound: float
    dual_bound: float
    leftover: int  # officers of the headcount placed after the covering rosters
    theta_bound: float | None = None  # with a headcount: no roster covers this share (LP or the solver's bounds)

    @property
    def gap(self) -> float:
        """Optimality gap: against the best bound the solver proved (it closes a little of the LP gap)."""
        return _relative(self.objective, self.dual_bound)

    @property
    def cover_gap(self) -> float | None:
        """With a headcount: how far the uniform cover falls short of the best proven bound on it."""
        if self.theta_bound is None or self.theta_bound <= 0:
            return None
        return max(0.0, 1.0 - self.theta / self.theta_bound)

    @property
    def lp_gap(self) -> float:
        return _relative(self.objective, self.lp_bound)


def _relative(value: float, bound: float) -> float:
    return 0.0 if abs(value) < 1e-9 else max(0.0, (value - bound) / abs(value))


def rostered_need(on_duty: np.ndarray, availability: float, theta: float = 1.0) -> np.ndarray:
    """Officers to roster so that availability times them covers theta times the on-duty requirement."""
    return np.ceil(theta * np.asarray(on_duty, float) / availability - 1e-9)


def plan_roster(on_duty: np.ndarray, coverage: np.ndarray, cost: np.ndarray, availability: float = 1.0,
                headcount: int | None = None, time_limit_s: float = 60.0, mip_rel_gap: float = 1e-3) -> RosterPlan:
    """Rosters for every pool (rows of `on_duty`), fewest cost, or with `headcount` the best uniform cover."""
    on_duty = np.atleast_2d(np.asarray(on_duty, float))
    coverage = np.asarray(coverage, float)

    def solve(theta: float) -> list[CoverSolution]:
        return [solve_cover(coverage, rostered_need(r, availability, theta), cost, time_limit_s, mip_rel_gap)
                for r in on_duty]

    if headcount is None:
        return _plan(solve(1.0), 1.0, 0)
    if headcount <= 0:
        raise PlanInputError(f"--headcount {headcount}: expected a positive number of officers")
    if np.any(cost != cost[0]):
        raise PlanInputError("--headcount: counts officers; use --minimise officers with it")
    total = on_duty.sum()
    if total <= 0:
        raise PlanInputError("--headcount: the scenario has no field work to roster for")
    low, high = 0.0, _theta_upper(on_duty, coverage, availability, headcount)
    low_solution = None
    lp_high = high
    while lp_high - low > THETA_TOLERANCE:  # LP bounds are cheap: bracket theta with them first
        mid = (low + lp_high) / 2
        if sum(_lp_officers(coverage, rostered_need(r, availability, mid)) for r in on_duty) <= headcount:
            low = mid
        else:
            lp_high = mid
    bound = lp_high  # no roster covers lp_high x the requirement (LP relaxation)
    for theta in _descending(lp_high):  # whole officers cost a little cover: step down from the LP's theta
        solutions = solve(theta)
        if sum(s.counts.sum() for s in solutions) <= headcount:
            low, low_solution = theta, solutions
            break
        if _proven_over(solutions, headcount):
            bound = min(bound, theta)
    for _ in range(BISECTION_ROUNDS):  # close the gap between the cover found and the best bound
        if low_solution is None or 1.0 - low / bound <= TARGET_COVER_GAP:
            break
        mid = (low + bound) / 2
        solutions = solve(mid)
        if sum(s.counts.sum() for s in solutions) <= headcount:
            low, low_solution = mid, solutions
        elif _proven_over(solutions, headcount):
            bound = mid
        else:
            break
    plan = _plan(low_solution, low, 0)
    counts = _place_leftover(plan.counts.copy(), on_duty, coverage, headcount - int(plan.counts.sum()))
    return RosterPlan(counts, low, plan.objective, plan.lp_bound, plan.dual_bound, headcount - int(plan.counts.sum()),
                      theta_bound=bound)


def _proven_over(solutions: list[CoverSolution], headcount: int) -> bool:
    """The solver's bounds prove that no roster of the headcount covers this share."""
    return sum(np.ceil(s.dual_bound - 1e-6) for s in solutions) > headcount


def _descending(theta: float):
    """Candidate thetas below the LP bracket: integer rounding costs a few per cent at most."""
    for factor in (1.0, 0.99, 0.98, 0.97, 0.95, 0.92, 0.85, 0.7, 0.5, 0.0):
        yield theta * factor


def _plan(solutions: list[CoverSolution], theta: float, leftover: int) -> RosterPlan:
    return RosterPlan(np.array([s.counts for s in solutions]), theta, sum(s.objective for s in solutions),
                      sum(s.lp_bound for s in solutions), sum(s.dual_bound for s in solutions), leftover)


def _lp_officers(coverage: np.ndarray, rostered: np.ndarray) -> float:
    from scipy.optimize import LinearConstraint, milp  # here: a third of a second at every command's start

    if not rostered.any():
        return 0.0
    lp = milp(np.ones(coverage.shape[1]), constraints=LinearConstraint(coverage, rostered, np.inf),
              integrality=np.zeros(coverage.shape[1]))
    return float(np.ceil(lp.fun - 1e-6)) if lp.x is not None else np.inf


def _theta_upper(on_duty: np.ndarray, coverage: np.ndarray, availability: float, headcount: int) -> float:
    """No roster covers more than the headcount's officer-hours: an upper bound on theta."""
    hours = coverage.sum(axis=0).max() * headcount * availability
    return max(hours / on_duty.sum(), 1e-3)


def _place_leftover(counts: np.ndarray, on_duty: np.ndarray, coverage: np.ndarray, leftover: int) -> np.ndarray:
    """Each officer left over goes to the tour of the pool whose hours are thinnest against the requirement."""
    cover = counts @ coverage.T
    weight = np.where(on_duty > 0, on_duty, 0.0)
    for _ in range(max(leftover, 0)):
        need = weight / (cover + 1.0)  # the marginal officer matters most where cover per requirement is lowest
        gain = need @ coverage  # (pools, tours)
        pool, tour = np.unravel_index(np.argmax(gain), gain.shape)
        counts[pool, tour] += 1
        cover[pool] += coverage[:, tour]
    return counts


def tour_costs(tours, objective: str) -> np.ndarray:
    if objective not in OBJECTIVES:
        raise PlanInputError(f"--minimise {objective!r}: expected one of {', '.join(OBJECTIVES)}")
    return np.array([1.0 if objective == "officers" else t.paid_hours for t in tours])
