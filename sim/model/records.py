"""The per-call record of a replication: columnar buffers filled during the run, one table after.

Buffers are numpy arrays sized to the number of calls (all calls are drawn before the run), so
the event loop writes a value in place and no Python object per call survives the run.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from .city import KINDS, STATION_KINDS, CityLayout
from .demand import Calls

OUTCOMES = ("completed", "abandoned", "open")

CALLS_SCHEMA = pa.schema([
    ("scenario", pa.dictionary(pa.int8(), pa.string())),
    ("replication", pa.int32()),
    ("call_id", pa.int64()),
    ("call_type", pa.dictionary(pa.int16(), pa.string())),
    ("priority", pa.int8()),
    ("kind", pa.dictionary(pa.int8(), pa.string())),
    ("district", pa.dictionary(pa.int16(), pa.string())),
    ("precinct", pa.dictionary(pa.int16(), pa.string())),
    ("station", pa.dictionary(pa.int16(), pa.string())),
    ("station_kind", pa.dictionary(pa.int8(), pa.string())),
    ("hour_of_day", pa.int8()),
    ("created_min", pa.float64()),
    ("dispatched_min", pa.float64()),
    ("arrived_min", pa.float64()),
    ("completed_min", pa.float64()),
    ("wait_min", pa.float64()),
    ("travel_min", pa.float64()),
    ("response_min", pa.float64()),
    ("within_target", pa.bool_()),
    ("officers", pa.int8()),
    ("preempted", pa.bool_()),
    ("outcome", pa.dictionary(pa.int8(), pa.string())),
    ("lon", pa.float32()),
    ("lat", pa.float32()),
    ("officer", pa.dictionary(pa.int32(), pa.string())),  # int32: a force may have more than 32,767
    ("shift", pa.dictionary(pa.int16(), pa.string())),
])


def member_labels(layout: CityLayout) -> tuple[list[str], np.ndarray, list[str]]:
    """Officer ids by staff index, each member's code into the shift names, and the shift names
    (distinct, in order of first use), so staff indices map to labels with one take."""
    shift_names = list(dict.fromkeys(m.shift_name for m in layout.staff))
    code = {name: k for k, name in enumerate(shift_names)}
    shift_code = np.array([code[m.shift_name] for m in layout.staff], dtype=np.int16)
    return [m.officer for m in layout.staff], shift_code, shift_names


def unknown_as_null(values: np.ndarray) -> pa.Array:
    """A time not reached (NaN in the buffers) is stored as null, so SQL counts and means skip it."""
    return pa.array(values, mask=np.isnan(values))


class CallRecords:
    def __init__(self, n: int) -> None:
        self.dispatched = np.full(n, np.nan)
        self.arrived = np.full(n, np.nan)
        self.completed = np.full(n, np.nan)
        self.abandoned_at = np.full(n, np.nan)
        self.station = np.full(n, -1, dtype=np.int32)
        self.officer = np.full(n, -1, dtype=np.int32)  # the first member sent (staff index), -1: none
        self.officers = np.zeros(n, dtype=np.int8)
        self.preempted = np.zeros(n, dtype=bool)
        self.dispatched_v = memoryview(self.dispatched)
        self.arrived_v = memoryview(self.arrived)
        self.completed_v = memoryview(self.completed)
        self.abandoned_v = memoryview(self.abandoned_at)
        self.station_v = memoryview(self.station)
        self.officer_v = memoryview(self.officer)
        self.officers_v = memoryview(self.officers)
        self.preempted_v = memoryview(self.preempted)

    def table(self, layout: CityLayout, calls: Calls, replication: int, warmup_min: float,
              horizon_min: float) -> pa.Table:
        """One row per call created after the warm-up; anything after the horizon is unknown."""
        keep = calls.created_min >= warmup_min
        created = calls.created_min[keep]
        dispatched = self.dispatched[keep]
        arrived = self.arrived[keep]
        completed = self.completed[keep]
        abandoned_at = self.abandoned_at[keep]
        for column in (dispatched, arrived, completed):
            column[column > horizon_min] = np.nan
        abandoned = ~np.isnan(abandoned_at)
        done = ~np.isnan(completed)
        outcome = np.where(done, 0, np.where(abandoned, 1, 2)).astype(np.int8)
        wait = np.where(abandoned, abandoned_at - created, dispatched - created)
        response = arrived - created
        priority = calls.priority[keep]
        kind = calls.kind[keep]
        targets = layout.scenario.targets
        target = np.array([targets.for_priority(p) for p in range(5)])[priority]
        target = np.where(kind == KINDS.index("walk_in"), targets.walk_in_wait_min, target)  # desk: its priority's
        within = pa.array(response <= target, mask=np.isnan(response))
        station = self.station[keep]
        lon, lat = layout.projection.to_lonlat(calls.x_km[keep], calls.y_km[keep])
        n = int(keep.sum())
        station_names = [s.name for s in layout.stations] + [""]

        def labels(codes: np.ndarray, names: list[str], index_type) -> pa.DictionaryArray:
            return pa.DictionaryArray.from_arrays(pa.array(codes, type=index_type), pa.array(names))

        columns = {
            "scenario": labels(np.zeros(n, dtype=np.int8), [layout.scenario.name], pa.int8()),
            "replication": pa.array(np.full(n, replication, dtype=np.int32)),
            "call_id": pa.array(np.flatnonzero(keep).astype(np.int64)),
            "call_type": labels(calls.call_type[keep].astype(np.int16), layout.type_names, pa.int16()),
            "priority": pa.array(priority),
            "kind": labels(kind, list(KINDS), pa.int8()),
            "district": labels(calls.district[keep].astype(np.int16), layout.district_names, pa.int16()),
            "precinct": labels(calls.precinct[keep].astype(np.int16), layout.precinct_names, pa.int16()),
            "station": labels(station.astype(np.int16) % len(station_names), station_names, pa.int16()),
            "station_kind": labels(np.append(layout.station_kind, len(STATION_KINDS))[station].astype(np.int8),
                                   [*STATION_KINDS, ""], pa.int8()),
            "hour_of_day": pa.array(((created // 60) % 24).astype(np.int8)),
            "created_min": pa.array(created),
            "dispatched_min": unknown_as_null(dispatched),
            "arrived_min": unknown_as_null(arrived),
            "completed_min": unknown_as_null(completed),
            "wait_min": unknown_as_null(wait),
            "travel_min": unknown_as_null(arrived - dispatched),
            "response_min": unknown_as_null(response),
            "within_target": within,
            "officers": pa.array(self.officers[keep]),
            "preempted": pa.array(self.preempted[keep]),
            "outcome": labels(outcome, list(OUTCOMES), pa.int8()),
            "lon": pa.array(lon.astype(np.float32)),
            "lat": pa.array(lat.astype(np.float32)),
            **self._officer_columns(layout, keep),
        }
        return pa.table(columns, schema=CALLS_SCHEMA)

    def _officer_columns(self, layout: CityLayout, keep: np.ndarray) -> dict[str, pa.DictionaryArray]:
        """`officer` (the first member sent) and `shift` (theirs), null where nobody was sent."""
        officer = self.officer[keep]  # int32 already: the dictionary indices as they are
        none = officer < 0
        officers, shift_code, shift_names = member_labels(layout)
        shift = shift_code[np.maximum(officer, 0)] if len(shift_code) else np.zeros(len(officer), dtype=np.int16)
        return {
            "officer": pa.DictionaryArray.from_arrays(pa.array(officer, mask=none), pa.array(officers, pa.string())),
            "shift": pa.DictionaryArray.from_arrays(pa.array(shift, mask=none), pa.array(shift_names, pa.string())),
        }
