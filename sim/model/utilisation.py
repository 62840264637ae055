"""Staff time by district, role and hour of day: on duty, field, desk, prevention, idle, overtime.

Computed after the run from the intervals the engine recorded (jobs, overtime) and the roster,
with a vectorised cumulative sum per group, so the event loop pays a few appends per job.
On-duty time includes overtime (a job finished after the shift ended), so busy time never
exceeds it. Prevention time is the spare on-duty time of the inspectors who do prevention work
(those who go out to field calls) inside the prevention windows.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from .city import ROLES, ROLE_INSPECTOR, CityLayout
from .runlog import BusyIntervals, OvertimeIntervals
from .shifts import Occurrence

ACTIVITIES = ("field", "desk", "prevention", "idle")

STAFF_SCHEMA = pa.schema([
    ("scenario", pa.string()),
    ("replication", pa.int32()),
    ("district", pa.string()),
    ("role", pa.string()),
    ("hour_of_day", pa.int8()),
    ("on_duty_min", pa.float64()),
    ("field_min", pa.float64()),
    ("desk_min", pa.float64()),
    ("prevention_min", pa.float64()),
    ("idle_min", pa.float64()),
    ("overtime_min", pa.float64()),
])


def minutes_per_bin(starts: np.ndarray, ends: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Total overlap of the intervals [starts, ends) with each bin between consecutive edges."""
    if len(starts) == 0:
        return np.zeros(len(edges) - 1)
    ends = np.maximum(ends, starts)

    def ramp(points: np.ndarray) -> np.ndarray:
        # numpy's stable sort (timsort) is near-linear on the nearly sorted times of the run log,
        # whose jobs are logged as they end; the sorted values do not depend on the algorithm.
        points = np.sort(points, kind="stable")
        cumulative = np.concatenate([[0.0], np.cumsum(points)])
        count = np.searchsorted(points, edges, side="left")
        return count * edges - cumulative[count]

    minutes = np.diff(ramp(starts) - ramp(ends))
    minutes[minutes < 1e-6] = 0.0  # the cumulative sums leave rounding dust of about 1e-11
    return minutes


def _hour_edges(warmup_min: float, total_min: float) -> np.ndarray:
    edges = np.arange(np.floor(warmup_min / 60) * 60, total_min + 60, 60.0)
    edges[0], edges[-1] = warmup_min, min(edges[-1], total_min)
    return edges[np.concatenate([[True], np.diff(edges) > 0])]


def _rows_of(groups: np.ndarray, n_groups: int):
    """A function giving the positions of the rows in each group, from one stable sort (numpy sorts
    small integer types by radix, ten times faster than the default int64 for a year of jobs)."""
    order = np.argsort(groups.astype(np.min_scalar_type(n_groups)), kind="stable")
    bounds = np.searchsorted(groups[order], np.arange(n_groups + 1))
    return lambda g: order[bounds[g]:bounds[g + 1]]


def staff_time(layout: CityLayout, roster: list[Occurrence], busy: BusyIntervals,
               overtime: OvertimeIntervals, prevention: list[tuple[float, float]],
               warmup_min: float, total_min: float, replication: int) -> pa.Table:
    edges = _hour_edges(warmup_min, total_min)
    hour = ((edges[:-1] // 60) % 24).astype(int)
    width = np.diff(edges)
    if prevention:
        windows = np.array(prevention)
        prevention_share = minutes_per_bin(windows[:, 0], windows[:, 1], edges) / width
    else:
        prevention_share = np.zeros(len(width))

    # Internal groups: (district, role, does prevention work); rows are summed over the last.
    field_kinds = set(layout.scenario.dispatch.field_station_kinds)
    n_groups = len(layout.district_names) * len(ROLES) * 2
    group_of_member = np.array([
        (int(layout.station_district[m.station]) * len(ROLES) + m.role) * 2
        + int(m.role == ROLE_INSPECTOR and layout.stations[m.station].kind in field_kinds)
        for m in layout.staff
    ], dtype=int)
    members = np.concatenate([np.asarray(o.members, dtype=int) for o in roster]) if roster else np.zeros(0, int)
    duty_start = np.repeat([o.start_min for o in roster], [len(o.members) for o in roster])
    duty_end = np.repeat([o.end_min for o in roster], [len(o.members) for o in roster])
    duty_rows = _rows_of(group_of_member[members], n_groups)
    busy_rows = _rows_of(group_of_member[busy.staff], n_groups)
    overtime_rows = _rows_of(group_of_member[overtime.staff], n_groups)

    def binned(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        return minutes_per_bin(np.clip(starts, warmup_min, total_min), np.clip(ends, warmup_min, total_min), edges)

    totals: dict[tuple[int, int], np.ndarray] = {}
    for group in range(n_groups):
        district_role, prevents = divmod(group, 2)
        pick = busy_rows(group)
        start, service_end, end = busy.start_min[pick], busy.service_end_min[pick], busy.end_min[pick]
        field = binned(start, np.minimum(service_end, end))
        desk = binned(np.maximum(start, service_end), end)
        pick = overtime_rows(group)
        extra = binned(overtime.start_min[pick], overtime.end_min[pick])
        pick = duty_rows(group)
        on_duty = binned(duty_start[pick], duty_end[pick]) + extra
        spare = np.maximum(on_duty - field - desk, 0.0)
        prevention_min = spare * prevention_share if prevents else np.zeros(len(width))
        columns = np.vstack([on_duty, field, desk, prevention_min, spare - prevention_min, extra])
        key = divmod(district_role, len(ROLES))
        totals[key] = totals.get(key, 0.0) + columns

    rows = []
    for (district, role), columns in sorted(totals.items()):
        per_hour = [np.bincount(hour, weights=c, minlength=24) for c in columns]
        rows += [(layout.district_names[district], ROLES[role], h, *(float(v[h]) for v in per_hour))
                 for h in range(24)]
    names = ["district", "role", "hour_of_day", "on_duty_min", "field_min", "desk_min", "prevention_min",
             "idle_min", "overtime_min"]
    data = {name: [row[k] for row in rows] for k, name in enumerate(names)}
    n = len(rows)
    return pa.table({"scenario": [layout.scenario.name] * n, "replication": np.full(n, replication, np.int32),
                     **data}, schema=STAFF_SCHEMA)
