"""Which station receives the walk-in and desk calls of each origin.

A call type lists station kinds in order of preference (for example a service centre, else the
precinct's station); the nearest open station of the first kind present in the origin's
district takes the calls, its own precinct's station first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .geography import ground_distance
from .schema import Scenario
from .volumes import Origin

if TYPE_CHECKING:
    from .posting import PostedStation


def station_for(scenario: Scenario, origin: Origin, stations: list["PostedStation"]) -> "PostedStation | None":
    """The station that takes `origin`'s calls, or None when its district has no suitable one."""
    kinds = scenario.demand[origin.call_type].station_kinds
    for kind in kinds:
        candidates = [s for s in stations if s.kind == kind and s.district == origin.district]
        if not candidates:
            continue
        own = [s for s in candidates if s.precinct == origin.precinct]
        pool = own or candidates
        return min(pool, key=lambda s: ground_distance(s.lon, s.lat, origin.lon, origin.lat))
    return None
