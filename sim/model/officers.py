"""Officer time per shift occurrence: on duty, travel, on scene, paperwork, desk, prevention, overtime.

Built after the run from the roster and the logged job and overtime intervals, with a sort and a
few `searchsorted`/`bincount` passes (no Python loop over jobs or calls), so that a city-year of
a million calls costs seconds and a few arrays of that length. One row per member present at a
shift occurrence that overlaps the observed time (after the warm-up); every minute is counted
inside the observed time only, and a job counts for the occurrence in which it started, overtime
included, so busy minutes never exceed on-duty minutes.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ..scenario.kinds import FIELD, ROLE_INSPECTOR, ROLES
from .city import CityLayout
from .records import member_labels
from .runlog import BusyIntervals, OvertimeIntervals
from .shifts import Occurrence

MINUTES_PER_DAY = 1440.0
BUSY_KINDS = ("travel", "on_scene", "paperwork", "desk")  # what counts as busy; prevention does not
JOBS_PER_CHUNK = 100_000

OFFICERS_SCHEMA = pa.schema([
    ("scenario", pa.dictionary(pa.int8(), pa.string())),
    ("replication", pa.int32()),
    ("officer", pa.dictionary(pa.int32(), pa.string())),
    ("station", pa.dictionary(pa.int16(), pa.string())),
    ("role", pa.dictionary(pa.int8(), pa.string())),
    ("shift", pa.dictionary(pa.int16(), pa.string())),
    ("weekday", pa.int8()),
    ("shift_start_min", pa.float64()),
    ("shift_end_min", pa.float64()),
    ("on_duty_min", pa.float64()),
    ("travel_min", pa.float64()),
    ("on_scene_min", pa.float64()),
    ("paperwork_min", pa.float64()),
    ("desk_min", pa.float64()),
    ("prevention_min", pa.float64()),
    ("idle_min", pa.float64()),
    ("overtime_min", pa.float64()),
    ("calls_taken", pa.int32()),
])


def _observed(start: np.ndarray, end: np.ndarray, low: float, high: float) -> np.ndarray:
    """Length of each [start, end) inside [low, high)."""
    return np.maximum(np.minimum(end, high) - np.maximum(start, low), 0.0)


def _window_clock(windows: list[tuple[float, float]]):
    """W(t): prevention-window minutes before t, so a stretch's minutes in windows is W(b) - W(a)."""
    if not windows:
        return lambda t: np.zeros(np.shape(t))
    edges = np.array(windows, dtype=float).ravel()
    lengths = np.diff(edges)
    lengths[1::2] = 0.0  # gaps between windows
    cumulative = np.concatenate([[0.0], np.cumsum(lengths)])
    return lambda t: np.interp(t, edges, cumulative)


def officer_time(layout: CityLayout, roster: list[Occurrence], busy: BusyIntervals, overtime: OvertimeIntervals,
                 call_kind: np.ndarray, prevention: list[tuple[float, float]], warmup_min: float,
                 total_min: float, replication: int) -> pa.Table:
    """One row per officer and shift occurrence of the observed time (see the module docstring)."""
    sizes = np.array([len(o.members) for o in roster], dtype=np.int64)
    member = np.concatenate([np.asarray(o.members, dtype=np.int64) for o in roster]) if roster \
        else np.zeros(0, np.int64)
    start = np.repeat(np.array([o.start_min for o in roster], dtype=float), sizes)
    end = np.repeat(np.array([o.end_min for o in roster], dtype=float), sizes)
    order = np.lexsort((start, member))  # a member's occurrences never overlap: sorted by start, by end too
    order = order[start[order] < total_min]  # those of the warm-up too: their overtime may run past it
    member, start, end = member[order], start[order], end[order]
    n = len(member)

    span = total_min + 3 * MINUTES_PER_DAY  # member-major keys: one search finds a member's occurrence
    def key(m: np.ndarray, t: np.ndarray) -> np.ndarray:
        return m * span + (t + MINUTES_PER_DAY)

    occurrence_keys = key(member, start)

    def row_of_job(m: np.ndarray, t: np.ndarray) -> np.ndarray:
        """The occurrence in which member m started at t: the latest of theirs starting at or before t
        (-1 if none has, which a job taken on duty never meets)."""
        rows = _search_in_order(occurrence_keys, key(m, t), m) - 1
        return np.where((rows >= 0) & (member[np.maximum(rows, 0)] == m), rows, -1) if n else np.full(len(m), -1)

    def total(rows: np.ndarray, minutes: np.ndarray) -> np.ndarray:
        valid = rows >= 0
        return np.bincount(rows[valid], weights=minutes[valid], minlength=n)[:n]

    # A job still running when its member's next shift starts (overtime ends there) counts for
    # that next occurrence from then on.
    same = np.append(member[1:] == member[:-1], False) if n else np.zeros(0, bool)
    next_start = np.where(same, np.append(start[1:], np.inf)[:n], np.inf)

    def split(rows: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Minutes of the stretches [a, b) of jobs in `rows`, observed, each in its occurrence."""
        cut = np.where(rows >= 0, next_start[np.maximum(rows, 0)], np.inf) if n else np.full(len(rows), np.inf)
        later = np.where(np.isfinite(cut), rows + 1, -1)
        return (total(rows, _observed(a, np.minimum(b, cut), warmup_min, total_min))
                + total(later, _observed(np.maximum(a, cut), b, warmup_min, total_min)))

    columns: dict[str, np.ndarray] = {}
    ot_rows = np.searchsorted(key(member, end), key(overtime.staff.astype(np.int64), overtime.start_min), side="left")
    ot_member = overtime.staff.astype(np.int64)
    found = np.minimum(ot_rows, n - 1)
    ot_rows = np.where((ot_rows < n) & (member[found] == ot_member) & (end[found] == overtime.start_min), ot_rows, -1) \
        if n else np.full(len(ot_member), -1)
    columns["overtime_min"] = total(ot_rows, _observed(overtime.start_min, overtime.end_min, warmup_min, total_min))
    columns["on_duty_min"] = _observed(start, end, warmup_min, total_min) + columns["overtime_min"]

    window = _window_clock(prevention)
    lo, hi = np.maximum(start, warmup_min), np.minimum(end, total_min)

    def in_windows_of(rows: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Minutes of the jobs' stretches [a, b) in prevention windows while on duty, per occurrence."""
        r = np.maximum(rows, 0)
        a = np.maximum(np.maximum(a, lo[r]), warmup_min)
        b = np.minimum(np.minimum(b, hi[r]), total_min)
        return total(rows, window(np.maximum(a, b)) - window(a))

    busy_in_windows = np.zeros(n)
    calls_taken = np.zeros(n, dtype=np.int64)
    # A call with one logged job is taken once; only the few with several (teams, preemption) need
    # de-duplicating per member, which keeps the count off a sort of every job.
    jobs_per_call = np.bincount(busy.call[busy.call >= 0], minlength=len(call_kind))
    shared_parts = []
    for name in BUSY_KINDS:
        columns[f"{name}_min"] = np.zeros(n)
    for first_job in range(0, len(busy.staff), JOBS_PER_CHUNK):  # bounded temporaries for a city-year
        jobs = slice(first_job, first_job + JOBS_PER_CHUNK)
        b_start, b_end, service_end = busy.start_min[jobs], busy.end_min[jobs], busy.service_end_min[jobs]
        rows = row_of_job(busy.staff[jobs].astype(np.int64), b_start)
        field_end = np.minimum(service_end, b_end)
        arrive = np.where(np.isnan(busy.arrive_min[jobs]), b_start, busy.arrive_min[jobs])
        desk_from = np.maximum(b_start, service_end)
        at_desk = call_kind[np.maximum(busy.call[jobs], 0)] != FIELD
        call = busy.call[jobs]
        several = jobs_per_call[np.maximum(call, 0)] > 1
        shared_parts.append(np.flatnonzero((call >= 0) & several) + first_job)
        sole = (call >= 0) & ~several & (b_start >= warmup_min) & (b_start < total_min)
        calls_taken += np.bincount(rows[sole & (rows >= 0)], minlength=n)[:n]
        columns["travel_min"] += split(rows, b_start, np.minimum(arrive, field_end))
        columns["on_scene_min"] += split(rows, np.maximum(arrive, b_start), field_end)
        columns["paperwork_min"] += split(rows, np.where(at_desk, b_end, desk_from), b_end)
        columns["desk_min"] += split(rows, np.where(at_desk, desk_from, b_end), b_end)
        if n:
            busy_in_windows += in_windows_of(rows, b_start, b_end)
            # ... and the few still at work when their next shift starts, in that shift's windows.
            r = np.maximum(rows, 0)
            past = np.flatnonzero((rows >= 0) & (b_end > next_start[r]))
            busy_in_windows += in_windows_of(rows[past] + 1, b_start[past], b_end[past])

    in_windows = window(np.maximum(hi, lo)) - window(lo)
    prevents = _prevention_members(layout)[member] if n else np.zeros(0, bool)
    columns["prevention_min"] = np.where(prevents, np.maximum(in_windows - busy_in_windows, 0.0), 0.0)
    busy_min = sum(columns[f"{k}_min"] for k in BUSY_KINDS)
    columns["idle_min"] = np.maximum(columns["on_duty_min"] - busy_min - columns["prevention_min"], 0.0)

    shared = np.concatenate(shared_parts) if shared_parts else np.zeros(0, np.int64)
    first = shared[np.unique(busy.staff[shared].astype(np.int64) * (len(call_kind) + 1) + busy.call[shared],
                             return_index=True)[1]]  # a call resumed after preemption counts once
    first = first[(busy.start_min[first] >= warmup_min) & (busy.start_min[first] < total_min)]
    taken_rows = row_of_job(busy.staff[first].astype(np.int64), busy.start_min[first])
    calls_taken += np.bincount(taken_rows[taken_rows >= 0], minlength=n)[:n]

    out = np.lexsort((member, start))  # in time order for readers
    out = out[(end[out] > warmup_min) | (columns["on_duty_min"][out] > 0)]
    return _table(layout, replication, member[out], start[out], end[out],
                  {name: values[out] for name, values in columns.items()}, calls_taken[out])


def _search_in_order(sorted_keys: np.ndarray, queries: np.ndarray, member: np.ndarray) -> np.ndarray:
    """`np.searchsorted(sorted_keys, queries, side="right")`, the queries searched in sorted order:
    jobs come in time order, so their member-major keys jump about the occurrences and each search
    would start cold; sorted, each starts where the last ended, in half the time for a city-year.

    The jobs of one member are logged one after another, so a stable sort by member (by radix, on
    a small integer type) puts the keys in order, or nearly: the result is the same in any order.
    """
    order = np.argsort(member.astype(np.min_scalar_type(int(member.max(initial=0)))), kind="stable")
    found = np.empty(len(queries), dtype=np.intp)
    found[order] = np.searchsorted(sorted_keys, queries[order], side="right")
    return found


def _prevention_members(layout: CityLayout) -> np.ndarray:
    """Who does prevention work: inspectors posted where they go out to field calls."""
    field_kinds = set(layout.scenario.dispatch.field_station_kinds)
    return np.array([m.role == ROLE_INSPECTOR and layout.stations[m.station].kind in field_kinds
                     for m in layout.staff], dtype=bool)


def _table(layout: CityLayout, replication: int, member: np.ndarray, start: np.ndarray, end: np.ndarray,
           columns: dict[str, np.ndarray], calls_taken: np.ndarray) -> pa.Table:
    n = len(member)
    officers, shift_code, shift_names = member_labels(layout)
    station = np.array([m.station for m in layout.staff], dtype=np.int16)
    role = np.array([m.role for m in layout.staff], dtype=np.int8)

    def labels(codes: np.ndarray, names: list[str], index_type: pa.DataType) -> pa.DictionaryArray:
        return pa.DictionaryArray.from_arrays(pa.array(codes, type=index_type), pa.array(names, pa.string()))

    data = {
        "scenario": labels(np.zeros(n, dtype=np.int8), [layout.scenario.name], pa.int8()),
        "replication": pa.array(np.full(n, replication, dtype=np.int32)),
        "officer": labels(member.astype(np.int32), officers, pa.int32()),
        "station": labels(station[member], [s.name for s in layout.stations], pa.int16()),
        "role": labels(role[member], list(ROLES), pa.int8()),
        "shift": labels(shift_code[member], shift_names, pa.int16()),
        "weekday": pa.array((np.floor(start / MINUTES_PER_DAY) % 7).astype(np.int8)),
        "shift_start_min": pa.array(start),
        "shift_end_min": pa.array(end),
        **{name: pa.array(columns[name]) for name in OFFICERS_SCHEMA.names if name in columns},
        "calls_taken": pa.array(calls_taken.astype(np.int32)),
    }
    return pa.table({name: data[name] for name in OFFICERS_SCHEMA.names}, schema=OFFICERS_SCHEMA)
