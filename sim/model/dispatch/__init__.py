"""Field dispatch policies, by the name a scenario gives in `dispatch.policy`.

A new policy is one module (a `FieldDispatch` subclass, or any class meeting `DispatchPolicy`)
and one line in `POLICIES`.
"""

from __future__ import annotations

from ...scenario.schema import Dispatch
from ..city import CityLayout
from ..clock import Clock
from ..demand import Calls
from ..runlog import RunLog
from ..workforce import Workforce
from .base import DispatchPolicy, Entry, FieldDispatch
from .closest_available import ClosestAvailable
from .precinct_first import PrecinctFirst
from .target_aware import TargetAware

POLICIES: dict[str, type[FieldDispatch]] = {
    "closest-available": ClosestAvailable,
    "precinct-first": PrecinctFirst,
    "target-aware": TargetAware,
}


def make_policy(config: Dispatch, layout: CityLayout, calls: Calls, workforce: Workforce, clock: Clock,
                log: RunLog) -> DispatchPolicy:
    return POLICIES[config.policy](config, layout, calls, workforce, clock, log)


__all__ = ["POLICIES", "DispatchPolicy", "Entry", "FieldDispatch", "make_policy"]
