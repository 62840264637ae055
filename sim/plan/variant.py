"""A plan written as a scenario: a variant that `extends` the input with its own staffing table.

Only field officers are replanned; every other member (assistants, inspectors kept at the desk
of stations that do not send officers out) keeps their shift, written as table rows that
reproduce the roster exactly, rotation of days off included, so the comparison isolates the plan.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..atomic import write_atomic
from ..model.city import ROLE_INSPECTOR, CityLayout
from ..scenario.posting import largest_remainder
from ..scenario.schema import Scenario, StaffingRow
from ..scenario.staffing_table import write_staffing_csv
from .load import CITY_POOL
from .tours import Tour

STAFFING_FILE = "staffing.csv"
STATIONS_FILE = "stations.csv"


def replanned(scenario: Scenario, layout: CityLayout, member) -> bool:
    """Whether the planner rosters this member: an officer who goes out to field calls."""
    goes_out = member.role == ROLE_INSPECTOR or scenario.staffing.assistants_take_field
    return goes_out and layout.stations[member.station].kind in scenario.dispatch.field_station_kinds


def kept_rows(scenario: Scenario, layout: CityLayout) -> list[StaffingRow]:
    """Table rows for everyone the plan leaves alone, one per station, shift, weekdays worked and role."""
    crews: dict[tuple, list[int]] = {}
    for member in layout.staff:
        if replanned(scenario, layout, member):
            continue
        shift = layout.shifts[member.shift]
        slots = sorted(set(shift.weekdays))
        days = tuple(slots)
        if shift.days_per_week is not None and shift.days_per_week < len(slots):
            days = tuple(d for k, d in enumerate(slots) if (k + member.rotation) % len(slots) < shift.days_per_week)
        key = (layout.stations[member.station].name, shift.name, days, shift.start_hour, shift.hours)
        crews.setdefault(key, [0, 0])[member.role] += 1
    return [StaffingRow(station=s, shift=name, weekdays=list(days), start_hour=start, hours=hours,
                        inspectors=n[0], assistants=n[1])
            for (s, name, days, start, hours), n in crews.items()]


def kept_inspectors(scenario: Scenario, layout: CityLayout) -> int:
    return sum(1 for m in layout.staff if m.role == ROLE_INSPECTOR and not replanned(scenario, layout, m))


def station_weights(scenario: Scenario, layout: CityLayout) -> dict[int, float]:
    """Field stations and their share of the field calls of their precinct (split equally within one)."""
    kinds = set(scenario.dispatch.field_station_kinds)
    field = [i for i, s in enumerate(layout.stations) if s.kind in kinds]
    volume: dict[str, float] = {}
    for origin, cut in zip(layout.origins, layout.origin_reduction):
        if scenario.demand[origin.call_type].kind == "field":
            volume[origin.precinct] = volume.get(origin.precinct, 0.0) + origin.yearly_volume * (1 - cut)
    per_precinct: dict[str, int] = {}
    for i in field:
        per_precinct[layout.stations[i].precinct] = per_precinct.get(layout.stations[i].precinct, 0) + 1
    return {i: volume.get(layout.stations[i].precinct, 0.0) / per_precinct[layout.stations[i].precinct] + 1e-6
            for i in field}


def roster_rows(counts: np.ndarray, tours: list[Tour], pools: list[str], scenario: Scenario,
                layout: CityLayout) -> list[StaffingRow]:
    """Each pool's officers per tour spread over the pool's field stations by their field calls.

    What a station misses of its share on one tour (rounding) is carried to the next, so each
    station's total over the tours follows its share while every tour is spread out.
    """
    weights = station_weights(scenario, layout)
    rows: list[StaffingRow] = []
    for p, pool in enumerate(pools):
        stations = [i for i in weights
                    if pool == CITY_POOL or layout.district_names[layout.station_district[i]] == pool]
        if not stations:
            continue
        share = np.array([weights[i] for i in stations])
        share /= share.sum()
        carry = np.zeros(len(stations))
        for t, tour in enumerate(tours):
            n = int(counts[p, t])
            if n == 0:
                continue
            ideal = n * share + carry
            given = largest_remainder(n, np.maximum(ideal, 0.0))
            carry = ideal - given
            for i, k in zip(stations, given):
                if k:
                    rows.append(StaffingRow(station=layout.stations[i].name, shift=tour.name,
                                            weekdays=list(tour.weekdays), start_hour=tour.start_hour,
                                            hours=tour.hours, inspectors=int(k), assistants=0))
    return rows


def write_variant(base_path: Path, folder: Path, name: str, description: str,
                  rows: list[StaffingRow] | None = None, stations_csv: str | None = None,
                  clear_added_stations: bool = False) -> Path:
    """`folder/<name>.toml` extending `base_path` with its own staffing table and/or station table."""
    folder.mkdir(parents=True, exist_ok=True)
    base = os.path.relpath(Path(base_path).resolve(), folder.resolve()).replace(os.sep, "/")
    text = (f'# Written by policesim plan: {description}\n'
            f'extends = "{base}"\nname = "{name}"\ndescription = """{description}"""\n')
    if stations_csv is not None:
        write_atomic(folder / STATIONS_FILE, lambda tmp: tmp.write_text(stations_csv, encoding="utf-8"))
        text += f'\n[city]\nstations = "{STATIONS_FILE}"\n' + ("add_stations = []\n" if clear_added_stations else "")
    if rows is not None:
        write_staffing_csv(rows, folder / STAFFING_FILE)
        text += f'\n[staffing]\ntable = "{STAFFING_FILE}"\n'
    path = folder / f"{name}.toml"
    write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return path
