"""The per-call record of a replication: columnar buffers filled during the run, one table after.

Buffers are numpy arrays sized to the number of calls (all calls are drawn before the run), so
the event loop writes a value in place and no Python object per call survives the run.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from .city import KINDS, STATION_KINDS, CityLayout
from .demand import Calls

# New outcomes go at the end: a run without them writes the first three labels only (`table`).
OUTCOMES = ("completed", "abandoned", "open", "referred", "cancelled")
PLAIN_OUTCOMES = 3

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
    ("log_call_id", pa.string()),
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
        self.referred_at = np.full(n, np.nan)  # field calls passed on after max_wait_min
        self.cancelled_at = np.full(n, np.nan)  # field calls whose caller's patience ran out
        self.dispatched_v = memoryview(self.dispatched)
        self.arrived_v = memoryview(self.arrived)
        self.completed_v = memoryview(self.completed)
        self.abandoned_v = memoryview(self.abandoned_at)
        self.station_v = memoryview(self.station)
        self.officer_v = memoryview(self.officer)
        self.officers_v = memoryview(self.officers)
        self.preempted_v = memoryview(self.preempted)
        self.referred_v = memoryview(self.referred_at)
        self.cancelled_v = memoryview(self.cancelled_at)

    def table(self, layout: CityLayout, calls: Calls, replication: int, warmup_min: float,
              horizon_min: float) -> pa.Table:
        """One row per call created after the warm-up; anything after the horizon is unknown (set to
        NaN in the buffers themselves: a year of calls is not copied, so call this once, last)."""
        # Calls are sorted by creation, so those after the warm-up are a slice: views, not copies.
        first = int(np.searchsorted(calls.created_min, warmup_min, side="left"))
        keep = slice(first, None)
        created = calls.created_min[keep]
        dispatched = self.dispatched[keep]
        arrived = self.arrived[keep]
        completed = self.completed[keep]
        abandoned_at = self.abandoned_at[keep]
        referred_at = self.referred_at[keep]
        cancelled_at = self.cancelled_at[keep]
        for column in (dispatched, arrived, completed):
            column[column > horizon_min] = np.nan  # in place: the buffers are not read after this
        priority = calls.priority[keep]
        kind = calls.kind[keep]
        station = self.station[keep]
        n = len(created)
        station_names = [s.name for s in layout.stations] + [""]

        def labels(codes: np.ndarray, names: list[str], index_type) -> pa.DictionaryArray:
            return pa.DictionaryArray.from_arrays(pa.array(codes, type=index_type), pa.array(names))

        # Column by column, in the schema's order, each temporary freed once converted: a year's
        # table is built with a column or two of scratch space rather than all of them.
        columns = {
            "scenario": labels(np.zeros(n, dtype=np.int8), [layout.scenario.name], pa.int8()),
            "replication": pa.array(np.full(n, replication, dtype=np.int32)),
            "call_id": pa.array(np.arange(first, first + n, dtype=np.int64)),
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
        }
        abandoned = ~np.isnan(abandoned_at)
        referred = ~np.isnan(referred_at)
        cancelled = ~np.isnan(cancelled_at)
        left_at = np.fmin(abandoned_at, np.fmin(referred_at, cancelled_at))
        columns["wait_min"] = unknown_as_null(np.where(np.isnan(left_at), dispatched - created, left_at - created))
        del left_at
        columns["travel_min"] = unknown_as_null(arrived - dispatched)
        response = arrived - created
        columns["response_min"] = unknown_as_null(response)
        targets = layout.scenario.targets
        target = np.array([targets.for_priority(p) for p in range(5)])[priority]
        target = np.where(kind == KINDS.index("walk_in"), targets.walk_in_wait_min, target)  # desk: its priority's
        columns["within_target"] = pa.array(response <= target, mask=np.isnan(response))
        del response, target
        columns["officers"] = pa.array(self.officers[keep])
        columns["preempted"] = pa.array(self.preempted[keep])
        outcome = np.where(~np.isnan(completed), 0, np.where(abandoned, 1, np.where(
            referred, 3, np.where(cancelled, 4, 2)))).astype(np.int8)
        # Only the labels in use beyond the first three, so runs without the new outcomes keep
        # byte-identical tables.
        columns["outcome"] = labels(outcome, list(OUTCOMES[:max(PLAIN_OUTCOMES, int(outcome.max(initial=0)) + 1)]),
                                    pa.int8())
        lon, lat = layout.projection.to_lonlat(calls.x_km[keep], calls.y_km[keep])
        columns["lon"] = pa.array(lon.astype(np.float32))
        del lon
        columns["lat"] = pa.array(lat.astype(np.float32))
        del lat
        columns["log_call_id"] = _log_call_ids(layout, calls, keep, n)
        columns.update(self._officer_columns(layout, keep))
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


def _log_call_ids(layout: CityLayout, calls: Calls, keep: slice, n: int) -> pa.Array:
    """The log's own id of each replayed call, so results line up call by call with the log; null else."""
    log = layout.scenario.demand_log
    if log is None or log.calls is None or calls.log_row is None:
        return pa.nulls(n, pa.string())
    rows = calls.log_row[keep]
    ids = np.asarray(log.calls.log_call_id, dtype=object)
    return pa.array(np.where(rows >= 0, ids[np.maximum(rows, 0)] if len(ids) else None, None), type=pa.string())
