"""Calls replayed from a log: each at its recorded time and place, with its type and priority.

Only what the log does not say is drawn, each from its own named stream (`replay/...`): the
place of a call without coordinates, the time on scene where none was recorded (or where the
scenario asks for the model's), and paperwork. So replications of a replay differ only in what
the model draws.
"""

from __future__ import annotations

import numpy as np

from ..scenario.replay import log_placement_min
from ..scenario.schema import LoggedCalls
from .city import KINDS, CityLayout
from .streams import Streams


def replayed_types(layout: CityLayout) -> set[str]:
    """Call types whose random arrivals the log replaces."""
    log = layout.scenario.demand_log
    return set(log.call_types.values()) if log is not None and log.calls is not None else set()


def replay_columns(layout: CityLayout, streams: Streams, warmup_min: float, total_min: float) -> dict[str, np.ndarray]:
    """The replayed calls that fall inside the run, as the columns of `Calls` (origin -1)."""
    scenario = layout.scenario
    log = scenario.demand_log
    calls: LoggedCalls = log.calls
    created = log_placement_min(log, warmup_min) + np.asarray(calls.offset_min, dtype=float)
    rows = np.flatnonzero(created < total_min)
    n = len(rows)
    type_index = np.array([layout.type_names.index(calls.call_type[r]) for r in rows], dtype=np.int16)
    types = [scenario.demand[name] for name in layout.type_names]
    x, y, precinct = _places(layout, streams, calls, rows, type_index)
    service = np.full(n, np.nan)
    if log.on_scene == "recorded":
        service = np.array([np.nan if calls.on_scene_min[r] is None else calls.on_scene_min[r] for r in rows], float)
    paperwork = np.zeros(n)
    patience = np.full(n, np.inf)
    for t in np.unique(type_index):
        name, call_type = layout.type_names[t], types[t]
        of_type = type_index == t
        missing = of_type & np.isnan(service)
        if missing.any():
            service[missing] = call_type.service.sample(streams.get(f"replay/service/{name}"), int(missing.sum()))
        paperwork[of_type] = call_type.paperwork.sample(streams.get(f"replay/paperwork/{name}"), int(of_type.sum()))
        if call_type.patience is not None:
            patience[of_type] = call_type.patience.sample(streams.get(f"replay/patience/{name}"), int(of_type.sum()))
    return {
        "created_min": created[rows],
        "origin": np.full(n, -1, dtype=np.int32),
        "x_km": x, "y_km": y,
        "service_min": service, "paperwork_min": paperwork, "patience_min": patience,
        "log_row": rows.astype(np.int32),
        "call_type": type_index,
        "priority": np.array([types[t].priority for t in type_index], dtype=np.int8),
        "kind": np.full(n, KINDS.index("field"), dtype=np.int8),
        "officers": np.array([types[t].officers for t in type_index], dtype=np.int8),
        "precinct": precinct,
        "district": layout.precinct_district[precinct].astype(np.int32),
        "station": np.full(n, -1, dtype=np.int32),
        "max_wait_min": np.array([np.inf if types[t].max_wait_min is None else types[t].max_wait_min
                                  for t in type_index], dtype=float),
    }


def _places(layout: CityLayout, streams: Streams, calls: LoggedCalls, rows: np.ndarray,
            type_index: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Recorded places in km with the precinct whose centre is nearest (within the logged district
    where the scenario has it); a call without a place is drawn like a random call of its type,
    in its logged district where the scenario has it, else anywhere the type starts."""
    scenario = layout.scenario
    district_index = {name: i for i, name in enumerate(layout.district_names)}
    district = np.array([district_index.get(calls.district[r], -1) for r in rows], dtype=np.int32)
    lon = np.array([np.nan if calls.lon[r] is None else calls.lon[r] for r in rows], dtype=float)
    lat = np.array([np.nan if calls.lat[r] is None else calls.lat[r] for r in rows], dtype=float)
    x, y = (np.asarray(v, dtype=float) for v in layout.projection.to_km(lon, lat))
    cx, cy = (np.asarray(v, dtype=float) for v in layout.projection.to_km(
        [p.lon for p in scenario.city.precincts], [p.lat for p in scenario.city.precincts]))
    distance = np.hypot(x[:, None] - cx[None, :], y[:, None] - cy[None, :])
    elsewhere = (district[:, None] >= 0) & (layout.precinct_district[None, :] != district[:, None])
    distance = np.nan_to_num(distance, nan=0.0)  # no place: drawn below
    allowed = np.where(elsewhere, np.inf, distance)
    unmatched = np.isinf(allowed).all(axis=1)  # a district without precincts: the nearest anywhere
    allowed[unmatched] = distance[unmatched]
    precinct = np.argmin(allowed, axis=1).astype(np.int32)
    where = streams.get("replay/location")
    for k in np.flatnonzero(np.isnan(x) | np.isnan(y)):
        origin = _drawn_origin(layout, layout.type_names[type_index[k]], int(district[k]), where)
        radius = origin.radius_km * np.sqrt(where.random())
        angle = 2 * np.pi * where.random()
        ox, oy = layout.projection.to_km(origin.lon, origin.lat)
        x[k], y[k] = ox + radius * np.cos(angle), oy + radius * np.sin(angle)
        precinct[k] = layout.precinct_names.index(origin.precinct)
    return x, y, precinct


def _drawn_origin(layout: CityLayout, type_name: str, district: int, where: np.random.Generator):
    """One of the type's origins, by volume: in `district` if it has any there, else anywhere."""
    own = [o for o in layout.origins if o.call_type == type_name]
    local = [o for o in own if district >= 0 and o.district == layout.district_names[district]]
    pool = local or own
    weights = np.array([o.yearly_volume for o in pool])
    pick = int(np.searchsorted(np.cumsum(weights) / weights.sum(), where.random(), side="right"))
    return pool[min(pick, len(pool) - 1)]
