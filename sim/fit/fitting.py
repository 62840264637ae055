"""Fit every part of a scenario to a tidy log; the figures behind each part are kept for the report.

What the log cannot tell (stations, officers on duty, population) is estimated here by stated
rules and marked as estimates wherever it is written.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .demand import DemandFit, demand_calls, fit_demand, type_names
from .on_scene import OnSceneFit, fit_on_scene
from .places import Area, Hotspot, hotspots, read_areas

MINUTES_PER_YEAR = 365.0 * 24 * 60
TARGET_FIELD_LOAD = 0.5  # estimated staffing: officers enough for half their time on scene
DEFAULT_POPULATION = 1_000_000


@dataclass
class EstimatedStation:
    name: str
    district: str
    lon: float
    lat: float
    inspectors: int


@dataclass
class LogFit:
    """Everything fitted from one log, and how."""

    log_file: str
    boundaries: Path
    demand: DemandFit
    on_scene: dict[str, OnSceneFit]
    areas: list[Area]
    hotspots: list[Hotspot]
    outside_calls: int
    unplaced_calls: int
    district_calls: dict[str, int]
    stations: list[EstimatedStation]
    stations_estimated: bool
    population: dict[str, float]
    cell_km: float
    notes: list[str] = field(default_factory=list)


def fit_log(log: pd.DataFrame, log_file: str, boundaries: Path, *, by: str = "priority", cell_km: float = 0.5,
            officers: int | None = None, population: float = DEFAULT_POPULATION, min_calls: int = 30) -> LogFit:
    """Fit demand, places and time on scene, and estimate stations and staffing."""
    demand = fit_demand(log, by, min_calls)
    calls = demand_calls(log)
    type_of = type_names(calls, by, min_calls)
    on_scene = {}
    for t in demand.types:
        of_type = calls[type_of == t.name]
        clean = ~of_type["flags"].str.contains("negative_interval", regex=False)
        values = of_type.loc[clean, "on_scene_min"].dropna().to_numpy()
        if len(values) < 2:
            raise ValueError(f"call type {t.name}: fewer than 2 times on scene to fit; raise --min-calls")
        on_scene[t.name] = fit_on_scene(values)
    areas = read_areas(boundaries)
    spots, outside = hotspots(calls, areas, type_of, cell_km)
    unplaced = int((calls["lon"].isna() | calls["lat"].isna()).sum())
    district_calls = {a.name: sum(s.calls for s in spots if s.district == a.name) for a in areas}
    placed_total = sum(district_calls.values())
    population = {a.name: max(1.0, round(population * (district_calls[a.name] + 1) / (placed_total + len(areas))))
                  for a in areas}
    load = _district_load(demand, on_scene, spots, areas, population)
    stations = _estimated_stations(areas, load, officers)
    return LogFit(log_file, Path(boundaries), demand, on_scene, areas, spots, outside, unplaced, district_calls,
                  stations, True, population, cell_km)


def _district_load(demand: DemandFit, on_scene: dict[str, OnSceneFit], spots: list[Hotspot], areas: list[Area],
                   population: dict[str, float]) -> dict[str, float]:
    """Offered load (officers busy on scene, on average) per district, from the fitted volumes."""
    load = {a.name: 0.0 for a in areas}
    total_population = sum(population.values())
    for t in demand.types:
        work = t.yearly_volume * on_scene[t.name].distribution_mean / MINUTES_PER_YEAR
        mine = [s for s in spots if s.call_type == t.name]
        placed = sum(s.calls for s in mine)
        for area in areas:
            share = (sum(s.calls for s in mine if s.district == area.name) / placed) if placed \
                else population[area.name] / total_population
            load[area.name] += work * share
    return load


def _estimated_stations(areas: list[Area], load: dict[str, float], officers: int | None) -> list[EstimatedStation]:
    """One station per district at a point inside it; officers split by load (an estimate)."""
    total_load = sum(load.values()) or 1.0
    if officers is None:
        staff = {a.name: max(2, math.ceil(load[a.name] / TARGET_FIELD_LOAD)) for a in areas}
    else:
        exact = {a.name: officers * load[a.name] / total_load for a in areas}
        staff = {name: max(1, int(value)) for name, value in exact.items()}
        for name in sorted(exact, key=lambda n: exact[n] - int(exact[n]), reverse=True):
            if sum(staff.values()) >= officers:
                break
            staff[name] += 1
    return [EstimatedStation(f"{a.name} station", a.name, round(a.lon, 6), round(a.lat, 6), staff[a.name])
            for a in areas]
