"""Planning targets as a planner writes them (`p1_within_target>=0.9`), parsed and checked.

Each target turns into the smallest number of officers on duty that meets it in an hour, given
that hour's load; the requirement is the largest over the targets.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..model.theory import erlang_c
from . import PlanInputError

TARGET_KEYS = {
    "delay_probability": "<=",  # share of calls that find every officer of the pool busy
    "p1_p90_response_min": "<=",  # 90th percentile of the priority-1 response (wait + trip out)
    "p1_within_target": ">=",  # share of priority-1 calls reached within the scenario's target
}
DEFAULT_TARGETS = ("p1_within_target>=0.9", "delay_probability<=0.5")
MAX_SERVERS = 100_000


class TargetError(PlanInputError):
    """A target the planner wrote that cannot be understood; the message says what is expected."""


@dataclass(frozen=True)
class Target:
    key: str
    value: float

    def __str__(self) -> str:
        return f"{self.key}{TARGET_KEYS[self.key]}{self.value:g}"


def parse_target(text: str) -> Target:
    match = re.fullmatch(r"\s*([a-z0-9_]+)\s*(<=|>=)\s*([0-9.eE+-]+)\s*", text)
    expected = ", ".join(f"{k}{op}X" for k, op in TARGET_KEYS.items())
    if not match:
        raise TargetError(f"--target {text!r}: expected one of {expected}")
    key, op, number = match.groups()
    if key not in TARGET_KEYS or TARGET_KEYS[key] != op:
        raise TargetError(f"--target {text!r}: expected one of {expected}")
    try:
        value = float(number)
    except ValueError:
        raise TargetError(f"--target {text!r}: expected a number after {op}") from None
    if key in ("delay_probability", "p1_within_target") and not 0 < value < 1:
        raise TargetError(f"--target {text!r}: expected a share strictly between 0 and 1")
    if key == "p1_p90_response_min" and value <= 0:
        raise TargetError(f"--target {text!r}: expected a positive number of minutes")
    return Target(key, value)


@dataclass(frozen=True)
class HourLoad:
    """What one pool faces in one hour: total load (officers), priority-1 load, mean busy and trip minutes."""

    load: float
    p1_load: float
    busy_min: float
    p1_travel_min: float


def p1_wait_tail(servers: int, hour: HourLoad, wait_min: float) -> float:
    """P(priority-1 wait > t) in M/M/s with non-preemptive priorities: C(s, a) exp(-(s mu - lambda_1) t).

    A priority-1 call waits only when every officer is busy (probability C, by PASTA); then only
    earlier priority-1 calls are ahead of it, and officers free up at rate s mu.
    """
    if hour.load >= servers:
        return 1.0
    mu = 1.0 / hour.busy_min
    drain = servers * mu - hour.p1_load * mu
    return erlang_c(servers, hour.load) * math.exp(-drain * max(wait_min, 0.0))


def meets(target: Target, servers: int, hour: HourLoad, p1_target_min: float) -> bool:
    if hour.load <= 0:
        return True
    if servers <= hour.load:
        return False
    if target.key == "delay_probability":
        return erlang_c(servers, hour.load) <= target.value
    if target.key == "p1_p90_response_min":
        return p1_wait_tail(servers, hour, target.value - hour.p1_travel_min) <= 0.1
    return p1_wait_tail(servers, hour, p1_target_min - hour.p1_travel_min) <= 1.0 - target.value


def servers_needed(targets: list[Target], hour: HourLoad, p1_target_min: float) -> int:
    """Smallest number on duty meeting every target, searched upward from the square-root rule's floor."""
    if hour.load <= 0:
        return 0
    for target in targets:
        slack = _p1_slack_min(target, p1_target_min)
        if slack is not None and hour.p1_load > 0 and slack < hour.p1_travel_min:
            raise TargetError(f"target {target}: the trip alone takes {hour.p1_travel_min:.1f} min on average, "
                              "no number of officers meets it")
    servers = max(1, math.floor(hour.load) + 1)
    while not all(meets(t, servers, hour, p1_target_min) for t in targets):
        servers += 1
        if servers > MAX_SERVERS:
            raise TargetError(f"targets {', '.join(map(str, targets))} cannot be met by any number of officers")
    return servers


def _p1_slack_min(target: Target, p1_target_min: float) -> float | None:
    if target.key == "p1_p90_response_min":
        return target.value
    if target.key == "p1_within_target":
        return p1_target_min
    return None


def halfin_whitt_beta(delay_probability: float) -> float:
    """The square-root rule's beta: s = a + beta sqrt(a) gives P(wait) -> alpha as a grows (Halfin and Whitt 1981)."""
    from scipy.optimize import brentq
    from scipy.stats import norm

    def delay(beta: float) -> float:
        return 1.0 / (1.0 + beta * norm.cdf(beta) / norm.pdf(beta)) - delay_probability

    return float(brentq(delay, 1e-9, 10.0))
