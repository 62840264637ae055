"""Where stations of one kind should stand: candidates, the demand they serve, and the moved station table.

Candidates default to the hotspots and precinct centres; the demand is every origin whose calls
the kind serves (walk-ins that go to it, field calls when its officers go out), weighted by
yearly volume. A moved station keeps its name, staff and opening hours; stations are matched
to the chosen sites so that they move as little as possible in total.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..model.geometry import Projection
from ..model.travel import TravelModel
from ..scenario.schema import Scenario, Station
from ..scenario.volumes import all_origins
from . import PlanInputError


@dataclass(frozen=True)
class Site:
    name: str
    precinct: str
    lon: float
    lat: float


def default_candidates(scenario: Scenario) -> list[Site]:
    return ([Site(h.name, h.precinct, h.lon, h.lat) for h in scenario.city.hotspots]
            + [Site(p.name, p.name, p.lon, p.lat) for p in scenario.city.precincts])


def read_candidates(path: Path, scenario: Scenario) -> list[Site]:
    """A CSV with columns name, precinct, lon, lat."""
    precincts = {p.name for p in scenario.city.precincts}
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as error:
        raise PlanInputError(f"--candidates {path}: cannot read it ({error.strerror})") from None
    sites = []
    for line, row in enumerate(rows, start=2):
        try:
            site = Site(row["name"], row["precinct"], float(row["lon"]), float(row["lat"]))
        except (KeyError, TypeError, ValueError):
            raise PlanInputError(f"{path}: line {line}: expected columns name, precinct, lon, lat "
                                 "with numbers for lon and lat") from None
        if site.precinct not in precincts:
            raise PlanInputError(f"{path}: line {line}: precinct: expected a precinct of the scenario, "
                                 f"got {site.precinct!r}")
        sites.append(site)
    if not sites:
        raise PlanInputError(f"{path}: expected at least one candidate row")
    return sites


def demand_points(scenario: Scenario, kind: str) -> tuple[list, np.ndarray]:
    """Origins whose calls stations of `kind` serve, with their yearly volumes."""
    field_too = kind in scenario.dispatch.field_station_kinds
    points, weights = [], []
    for origin in all_origins(scenario):
        call_type = scenario.demand[origin.call_type]
        serves = kind in call_type.station_kinds if call_type.kind != "field" else field_too
        if serves:
            points.append(origin)
            weights.append(origin.yearly_volume)
    if not points:
        raise PlanInputError(f"--kind {kind}: no calls in this scenario go to {kind} stations")
    return points, np.array(weights)


def travel_matrix(scenario: Scenario, points: list, sites: list[Site]) -> np.ndarray:
    """Minutes from each candidate to each demand point's centre, at the day's mean congestion."""
    precincts = scenario.city.precincts
    weights = np.array([p.population for p in precincts])
    projection = Projection(float(np.average([p.lon for p in precincts], weights=weights)),
                            float(np.average([p.lat for p in precincts], weights=weights)))
    px, py = projection.to_km([p.lon for p in points], [p.lat for p in points])
    sx, sy = projection.to_km([s.lon for s in sites], [s.lat for s in sites])
    distance = np.hypot(np.asarray(px)[:, None] - np.asarray(sx)[None, :], np.asarray(py)[:, None] - np.asarray(sy)[None, :])
    travel = TravelModel(scenario.travel)
    return np.mean([travel.minutes_array(distance, hour) for hour in range(24)], axis=0)


def moved_stations(scenario: Scenario, kind: str, sites: list[Site]) -> list[Station]:
    """The station table with the stations of `kind` moved to `sites` (as many sites as stations)."""
    from scipy.optimize import linear_sum_assignment  # here: a third of a second at every command's start

    movers = [s for s in scenario.city.all_stations if s.kind == kind]
    if len(movers) != len(sites):
        raise PlanInputError(f"--count {len(sites)}: the scenario has {len(movers)} {kind} stations; "
                             "a plan moves them, it does not add or close any")
    cost = np.array([[(m.lon - s.lon) ** 2 + (m.lat - s.lat) ** 2 for s in sites] for m in movers])
    rows, cols = linear_sum_assignment(cost)
    target = {movers[r].name: sites[c] for r, c in zip(rows, cols)}
    out = []
    for station in scenario.city.all_stations:
        site = target.get(station.name)
        out.append(station if site is None else
                   station.model_copy(update={"lon": site.lon, "lat": site.lat, "precinct": site.precinct}))
    return out


STATION_COLUMNS = ("name", "kind", "precinct", "lon", "lat", "inspectors", "assistants", "opens_hour",
                   "closes_hour", "open_weekdays")


def stations_csv_text(stations: list[Station]) -> str:
    lines = [",".join(STATION_COLUMNS)]
    for s in stations:
        cells = [s.name, s.kind, s.precinct, f"{s.lon:.6f}", f"{s.lat:.6f}", str(s.inspectors), str(s.assistants),
                 f"{s.opens_hour:g}", f"{s.closes_hour:g}", ";".join(str(d) for d in s.open_weekdays)]
        lines.append(",".join(f'"{c}"' if "," in c else c for c in cells))
    return "\n".join(lines) + "\n"
