"""Staff time by district, role and hour of day: on duty, field, desk, prevention and idle.

Computed after the run from the busy intervals the engine recorded and the roster, with a
vectorised cumulative sum per group, so the event loop pays one append per interval.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from .city import ROLES, ROLE_INSPECTOR, CityLayout
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
])


def minutes_per_bin(starts: np.ndarray, ends: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Total overlap of the intervals [starts, ends) with each bin between consecutive edges."""
    if len(starts) == 0:
        return np.zeros(len(edges) - 1)
    ends = np.maximum(ends, starts)

    def ramp(points: np.ndarray) -> np.ndarray:
        points = np.sort(points)
        cumulative = np.concatenate([[0.0], np.cumsum(points)])
        count = np.searchsorted(points, edges, side="left")
        return count * edges - cumulative[count]

    return np.diff(ramp(starts) - ramp(ends))


def staff_time(layout: CityLayout, roster: list[Occurrence], busy: dict[str, np.ndarray],
               prevention: list[tuple[float, float]], warmup_min: float, total_min: float,
               replication: int) -> pa.Table:
    edges = np.arange(np.floor(warmup_min / 60) * 60, total_min + 60, 60.0)
    edges[0], edges[-1] = warmup_min, min(edges[-1], total_min)
    edges = edges[np.concatenate([[True], np.diff(edges) > 0])]
    hour = ((edges[:-1] // 60) % 24).astype(int)
    width = np.diff(edges)

    n_groups = len(layout.district_names) * len(ROLES)
    group_of_member = np.array(
        [int(layout.station_district[m.station]) * len(ROLES) + m.role for m in layout.staff], dtype=int)
    duty_group = group_of_member[np.concatenate([np.asarray(o.members, dtype=int) for o in roster])] \
        if roster else np.zeros(0, dtype=int)
    duty_start = np.repeat([o.start_min for o in roster], [len(o.members) for o in roster])
    duty_end = np.repeat([o.end_min for o in roster], [len(o.members) for o in roster])

    if prevention:
        windows = np.array(prevention)
        prevention_share = minutes_per_bin(windows[:, 0], windows[:, 1], edges) / width
    else:
        prevention_share = np.zeros(len(width))

    def by_group(group_of: np.ndarray):
        order = np.argsort(group_of, kind="stable")
        bounds = np.searchsorted(group_of[order], np.arange(n_groups + 1))
        return lambda g: order[bounds[g]:bounds[g + 1]]

    busy_rows = by_group(group_of_member[busy["staff"]])
    duty_rows = by_group(duty_group)
    rows = []
    for group in range(n_groups):
        district, role = divmod(group, len(ROLES))
        pick = duty_rows(group)
        starts, ends = np.clip(duty_start[pick], warmup_min, total_min), np.clip(duty_end[pick], warmup_min, total_min)
        on_duty = minutes_per_bin(starts, ends, edges)
        pick = busy_rows(group)
        start, service_end, end = (np.clip(busy[k][pick], warmup_min, total_min)
                                   for k in ("start", "service_end", "end"))
        activity = {
            "field": minutes_per_bin(start, np.minimum(service_end, end), edges),
            "desk": minutes_per_bin(np.maximum(start, service_end), end, edges),
        }
        spare = np.maximum(on_duty - activity["field"] - activity["desk"], 0.0)
        activity["prevention"] = spare * prevention_share if role == ROLE_INSPECTOR else np.zeros(len(width))
        activity["idle"] = spare - activity["prevention"]
        per_hour = [np.bincount(hour, weights=v, minlength=24)
                    for v in (on_duty, activity["field"], activity["desk"], activity["prevention"], activity["idle"])]
        for h in range(24):
            rows.append((layout.district_names[district], ROLES[role], h, *(float(v[h]) for v in per_hour)))
    columns = list(zip(*rows)) if rows else [[] for _ in range(8)]
    n = len(rows)
    return pa.table({
        "scenario": pa.array([layout.scenario.name] * n),
        "replication": pa.array(np.full(n, replication, dtype=np.int32)),
        "district": pa.array(columns[0], pa.string()),
        "role": pa.array(columns[1], pa.string()),
        "hour_of_day": pa.array(np.asarray(columns[2], dtype=np.int8)),
        "on_duty_min": pa.array(np.asarray(columns[3], dtype=float)),
        "field_min": pa.array(np.asarray(columns[4], dtype=float)),
        "desk_min": pa.array(np.asarray(columns[5], dtype=float)),
        "prevention_min": pa.array(np.asarray(columns[6], dtype=float)),
        "idle_min": pa.array(np.asarray(columns[7], dtype=float)),
    }, schema=STAFF_SCHEMA)
