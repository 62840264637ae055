"""What `policesim validate` says about load: a table per dispatch pool and one warning line per overloaded pool."""

from __future__ import annotations

import math

from rich.table import Table

from ..model.pool_load import DAY_NAMES, PoolLoad, hour_name

BUSY_LOAD = 0.9  # hours at or above this are listed: stable on average, but queues build quickly
OVERLOAD = 1.0  # an hour at or above this takes in more work than its officers on duty can do


def hours_text(hours: list[int]) -> str:
    """Hours of the week as a planner reads them: `Mon-Sun 00h, 06-07h` or `Fri 18-21h; Sat 20h`."""
    if not hours:
        return "none"
    by_day: list[str] = []
    for day in range(7):
        in_day = [h - 24 * day for h in hours if h // 24 == day]
        runs: list[list[int]] = []
        for hour in in_day:
            if runs and hour == runs[-1][-1] + 1:
                runs[-1].append(hour)
            else:
                runs.append([hour])
        by_day.append(", ".join(f"{r[0]:02d}h" if len(r) == 1 else f"{r[0]:02d}-{r[-1]:02d}h" for r in runs))
    groups: list[tuple[int, int, str]] = []
    for day, text in enumerate(by_day):
        if groups and groups[-1][2] == text and groups[-1][1] == day - 1:
            groups[-1] = (groups[-1][0], day, text)
        else:
            groups.append((day, day, text))
    parts = [(DAY_NAMES[a] if a == b else f"{DAY_NAMES[a]}-{DAY_NAMES[b]}") + " " + text
             for a, b, text in groups if text]
    return "; ".join(parts)


def _load(value: float) -> str:
    return "no one on duty" if math.isinf(value) else f"{value:.2f}"


def pool_load_table(pools: list[PoolLoad], title: str) -> Table:
    """One row per dispatch pool: officers on duty, weekly and peak load, the busy hours, a verdict."""
    table = Table(title=title, title_justify="left")
    for column in ("pool", "districts", "field officers on duty", "weekly load", "peak load", "peak hour",
                   f"hours >= {BUSY_LOAD:g}", ""):
        table.add_column(column, justify="right" if "load" in column or "officers" in column else "left")
    for pool in pools:
        table.add_row(
            pool.name, str(len(pool.districts)), f"{pool.officers.min():.0f}-{pool.officers.max():.0f}",
            _load(pool.weekly_load), _load(pool.peak_load), hour_name(pool.peak_hour),
            hours_text(pool.hours_at_or_above(BUSY_LOAD)), "OVERLOADED" if pool.overloaded else "ok",
        )
    return table


def pool_warnings(pools: list[PoolLoad]) -> list[str]:
    """One line per pool whose load reaches 1 in some hour (or over the week)."""
    lines = []
    for pool in pools:
        if not pool.overloaded:
            continue
        over = pool.hours_at_or_above(OVERLOAD)
        members = ", ".join(pool.districts)
        lines.append(
            f"warning: pool {pool.name} ({members}): field load reaches {_load(pool.peak_load)} at "
            f"{hour_name(pool.peak_hour)}; {len(over)} hour(s) a week at {OVERLOAD:g} or more: {hours_text(over)};"
            f" weekly load {_load(pool.weekly_load)}"
        )
    return lines
