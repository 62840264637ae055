"""Every call of a replication, drawn in numpy blocks before the clock starts.

Arrivals are a non-homogeneous Poisson process with a piecewise-constant rate per hour of the
week, drawn exactly: a Poisson total, each arrival's hour drawn in proportion to the hourly
rates, its time uniform within the (open part of the) hour. Each origin
and each purpose (arrivals, location, service, ...) has its own named stream, so changing one
call type, station or staffing level leaves every other call of the replication unchanged.
The run starts on a Monday at 00:00. Call types that a scenario's `[demand_log]` replays draw
no arrivals here: their calls come from the log (`replay.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..scenario.distributions import Distribution, Fixed
from ..scenario.volumes import DAYS_PER_YEAR, weekly_shares
from .city import KINDS, CityLayout
from .replay import replay_columns, replayed_types
from .streams import Streams

MINUTES_PER_HOUR = 60.0
HOURS_PER_WEEK = 168


@dataclass
class Calls:
    """Column arrays, one entry per call, sorted by creation time."""

    created_min: np.ndarray
    origin: np.ndarray
    call_type: np.ndarray
    priority: np.ndarray
    kind: np.ndarray
    officers: np.ndarray
    precinct: np.ndarray
    district: np.ndarray
    station: np.ndarray  # destination station for walk-in and desk calls, -1 for field calls
    x_km: np.ndarray
    y_km: np.ndarray
    service_min: np.ndarray
    paperwork_min: np.ndarray
    patience_min: np.ndarray  # inf where the caller never gives up
    log_row: np.ndarray | None = None  # replayed calls: row in the scenario's logged calls; else -1
    max_wait_min: np.ndarray | None = None  # field: wait after which the call is referred (inf: never); None: none is
    _lists: dict[str, list[int]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.created_min)

    def as_list(self, name: str) -> list[int]:
        """A small-integer column (kind, priority, officers, precinct, district, station) as a list,
        built once and shared by the engine's parts until `drop_lists`.

        The engine reads these a few times per call; a list read costs a quarter of a numpy one,
        and while the values are below 257 (Python's cached small integers: Almaty has 139
        stations and 102 precincts) a list costs 8 bytes a call."""
        column = self._lists.get(name)
        if column is None:
            column = self._lists[name] = getattr(self, name).tolist()
        return column

    def drop_lists(self) -> None:
        """Free the lists once the engine is done with them."""
        self._lists.clear()


COLUMN_TYPES = {
    "created_min": float, "origin": np.int32, "call_type": np.int16, "priority": np.int8, "kind": np.int8,
    "officers": np.int8, "precinct": np.int32, "district": np.int32, "station": np.int32, "x_km": float,
    "y_km": float, "service_min": float, "paperwork_min": float, "patience_min": float, "log_row": np.int32,
    "max_wait_min": float,
}


def no_calls() -> Calls:
    """A run that draws no call at all (a tiny volume over a short horizon) still has typed columns."""
    return Calls(**{name: np.zeros(0, dtype=dtype) for name, dtype in COLUMN_TYPES.items()})


def weekly_shape(layout: CityLayout, origin_index: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each hour of the week: share of the weekly volume, open-period offset and width (hours).

    Field calls arrive at any hour; walk-in calls only while their station is open, with the
    weekly volume kept and moved into the open hours.
    """
    scenario = layout.scenario
    origin = layout.origins[origin_index]
    call_type = scenario.demand[origin.call_type]
    share = weekly_shares(scenario, call_type)
    offset = np.zeros(HOURS_PER_WEEK)
    width = np.ones(HOURS_PER_WEEK)
    if call_type.kind == "walk_in":
        station = layout.stations[layout.origin_station[origin_index]]
        hours = np.arange(24.0)
        start = np.clip(station.opens_hour - hours, 0.0, 1.0)
        end = np.clip(station.closes_hour - hours, 0.0, 1.0)
        day_width = np.maximum(end - start, 0.0)
        open_day = np.isin(np.arange(7), station.open_weekdays).astype(float)
        width = np.outer(open_day, day_width).ravel()
        offset = np.tile(start, 7)
        open_share = share * width
        if open_share.sum() <= 0:
            open_share = width.copy()  # the profile is zero while open: spread evenly over open hours
        share = open_share / open_share.sum()
    return share, offset, width


def _draw(distribution: Distribution, streams: Streams, name: str, n: int) -> np.ndarray:
    """`n` draws from the named stream; a fixed duration needs no stream (creating one costs ~20 us)."""
    if isinstance(distribution, Fixed):
        return distribution.sample(None, n)
    return distribution.sample(streams.get(name), n)


def generate_calls(layout: CityLayout, streams: Streams, total_days: float) -> Calls:
    """Draw all calls of `total_days` days (warm-up included)."""
    scenario = layout.scenario
    total_min = total_days * 24 * MINUTES_PER_HOUR
    n_bins = int(np.ceil(total_min / MINUTES_PER_HOUR))
    bin_start = np.arange(n_bins) * MINUTES_PER_HOUR
    hour_of_week = np.arange(n_bins) % HOURS_PER_WEEK
    parts: list[dict[str, np.ndarray]] = []
    replayed = replayed_types(layout)
    shapes: dict[tuple[str, int], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    for index, origin in enumerate(layout.origins):
        if origin.call_type in replayed:
            continue
        call_type = scenario.demand[origin.call_type]
        shape_key = (origin.call_type, int(layout.origin_station[index]))
        if shape_key not in shapes:  # the same for every origin of a type (and station, for walk-ins)
            share, offset, width = weekly_shape(layout, index)
            shapes[shape_key] = share[hour_of_week], offset, width
        share_by_hour, offset, width = shapes[shape_key]
        per_week = origin.yearly_volume * 7.0 / DAYS_PER_YEAR
        mean_count = per_week * share_by_hour
        last = total_min - bin_start[-1]
        if last < MINUTES_PER_HOUR:  # a horizon that ends inside an hour
            mean_count[-1] *= last / MINUTES_PER_HOUR
        key = origin.key
        arrivals = streams.get(f"arrivals/{key}")
        expected = mean_count.sum()
        n = int(arrivals.poisson(expected))
        if n == 0:
            continue
        # A Poisson total spread over the hours in proportion to their rates is the same process as
        # a Poisson count per hour, at a fraction of the draws for a long horizon.
        bins = np.searchsorted(np.cumsum(mean_count) / expected, np.sort(arrivals.random(n)), side="right")
        bins = np.minimum(bins, n_bins - 1)
        start = bin_start[bins] + offset[hour_of_week[bins]] * MINUTES_PER_HOUR
        span = np.minimum(width[hour_of_week[bins]] * MINUTES_PER_HOUR, total_min - start)
        created = start + arrivals.random(n) * span
        reduction = layout.origin_reduction[index]
        keep = streams.get(f"prevention/{key}").random(n) >= reduction if reduction > 0 else slice(None)

        if call_type.kind == "field":
            where = streams.get(f"location/{key}")
            radius = origin.radius_km * np.sqrt(where.random(n))
            angle = 2 * np.pi * where.random(n)
            cx, cy = layout.projection.to_km(origin.lon, origin.lat)
            x = cx + radius * np.cos(angle)
            y = cy + radius * np.sin(angle)
        else:
            station = layout.origin_station[index]
            x = np.full(n, layout.station_xy[station, 0])
            y = np.full(n, layout.station_xy[station, 1])
        service = _draw(call_type.service, streams, f"service/{key}", n)
        paperwork = _draw(call_type.paperwork, streams, f"paperwork/{key}", n)
        patience = (
            _draw(call_type.patience, streams, f"patience/{key}", n)
            if call_type.patience is not None else np.full(n, np.inf)
        )
        created = created[keep]
        parts.append({
            "created_min": created,
            "origin": np.full(len(created), index, dtype=np.int32),
            "x_km": x[keep], "y_km": y[keep],
            "service_min": service[keep], "paperwork_min": paperwork[keep], "patience_min": patience[keep],
        })

    columns = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]} if parts else None
    del parts
    if replayed:
        if columns is not None:  # the logged calls bring their own attributes, so the drawn need theirs now
            columns.update(_drawn_attributes(layout, columns["origin"]))
        warmup_min = scenario.run.warmup_days * 24 * MINUTES_PER_HOUR
        logged = replay_columns(layout, streams, warmup_min, total_min)
        columns = logged if columns is None else {name: np.concatenate([columns[name], logged[name]]) for name in columns}
    if columns is None:
        return no_calls()
    order = np.argsort(columns["created_min"], kind="stable")
    for name in columns:  # one column at a time, so a year's calls are not held twice
        columns[name] = columns[name][order]
    if not replayed:  # looked up from the sorted origins: the same columns, without reordering each
        columns.update(_drawn_attributes(layout, columns["origin"]))
    return Calls(**columns)


def _drawn_attributes(layout: CityLayout, origin: np.ndarray) -> dict[str, np.ndarray]:
    """The columns of drawn calls that follow from their origin, and their log row (none)."""
    return {**_origin_attributes(layout, origin), "log_row": np.full(len(origin), -1, np.int32)}


def _origin_attributes(layout: CityLayout, origin: np.ndarray) -> dict[str, np.ndarray]:
    """Per-call columns that depend only on the origin, looked up from small per-origin tables."""
    scenario = layout.scenario
    types = [scenario.demand[o.call_type] for o in layout.origins]
    precinct_index = {name: i for i, name in enumerate(layout.precinct_names)}
    precinct = np.array([precinct_index[o.precinct] for o in layout.origins], dtype=np.int32)
    tables = {
        "call_type": np.array([layout.type_names.index(o.call_type) for o in layout.origins], dtype=np.int16),
        "priority": np.array([t.priority for t in types], dtype=np.int8),
        "kind": np.array([KINDS.index(t.kind) for t in types], dtype=np.int8),
        "officers": np.array([t.officers for t in types], dtype=np.int8),
        "precinct": precinct,
        "district": layout.precinct_district[precinct].astype(np.int32),
        "station": layout.origin_station.astype(np.int32),
        "max_wait_min": np.array([np.inf if t.max_wait_min is None else t.max_wait_min for t in types]),
    }
    return {name: table[origin] for name, table in tables.items()}
