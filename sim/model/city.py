"""The static layout a replication runs on: places in km, stations, staff and demand origins.

Built once from the validated scenario into plain arrays and index lists, so the event loop
never looks a name up or walks a pydantic model.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..scenario.posting import PostedStation, posted_stations
from ..scenario.routing import station_for
from ..scenario.schema import Scenario, Shift
from ..scenario.staffing_table import duty_shifts, officer_id
from ..scenario.volumes import Origin, all_origins
from .geometry import Projection

ROLE_INSPECTOR = 0
ROLE_ASSISTANT = 1
ROLES = ("inspector", "assistant")
KINDS = ("field", "walk_in", "desk")
STATION_KINDS = ("fixed", "modular", "service_centre")


@dataclass
class StaffMember:
    name: str  # names the member's random streams; kept as it was so results stay reproducible
    role: int
    station: int
    shift: int  # index into CityLayout.shifts
    rotation: int  # offset into the shift's weekdays, so members of a shift take different days off
    officer: str = ""  # id stable across replications, `Station 2/inspector 07`, for officer-level results
    shift_name: str = ""


@dataclass
class CityLayout:
    scenario: Scenario
    projection: Projection
    district_names: list[str]
    district_neighbours: list[list[int]]
    precinct_names: list[str]
    precinct_district: np.ndarray
    stations: list[PostedStation]
    station_xy: np.ndarray
    station_precinct: np.ndarray
    station_district: np.ndarray
    station_kind: np.ndarray
    staff: list[StaffMember]
    shifts: list[Shift]  # the roster's shifts, or one per row of the staffing table
    origins: list[Origin]
    origin_station: np.ndarray  # walk-in/desk destination; -1 for field origins
    origin_reduction: np.ndarray  # prevention cut applied to the origin's rate
    station_fallback: np.ndarray  # where walk-ins go when nobody is on duty: a fixed station, or -1
    type_names: list[str]
    hotspot_names: list[str] = field(default_factory=list)

    @property
    def n_staff(self) -> int:
        return len(self.staff)


def build_city(scenario: Scenario) -> CityLayout:
    from .prevention import reduction_by_precinct  # prevention needs StaffMember from here

    city = scenario.city
    district_names = [d.name for d in city.districts]
    district_index = {name: i for i, name in enumerate(district_names)}
    precinct_names = [p.name for p in city.precincts]
    precinct_index = {name: i for i, name in enumerate(precinct_names)}
    weights = np.array([p.population for p in city.precincts])
    lon0 = float(np.average([p.lon for p in city.precincts], weights=weights))
    lat0 = float(np.average([p.lat for p in city.precincts], weights=weights))
    projection = Projection(lon0, lat0)

    stations = posted_stations(scenario)
    sx, sy = projection.to_km([s.lon for s in stations], [s.lat for s in stations])
    shifts = duty_shifts(scenario)
    staff = _post_table_staff(scenario, stations) if scenario.staffing.table else _post_staff(scenario, stations)

    reduction = reduction_by_precinct(scenario, stations, staff, shifts)
    targeted = set(scenario.prevention.call_types) if scenario.prevention else set()
    origins = all_origins(scenario)
    origin_station = np.full(len(origins), -1, dtype=np.int32)
    station_index = {s.name: i for i, s in enumerate(stations)}
    for i, origin in enumerate(origins):
        if scenario.demand[origin.call_type].kind != "field":
            target = station_for(scenario, origin, stations)
            origin_station[i] = station_index[target.name]
    origin_reduction = np.array(
        [reduction.get(o.precinct, 0.0) if o.call_type in targeted else 0.0 for o in origins]
    )
    return CityLayout(
        scenario=scenario,
        projection=projection,
        district_names=district_names,
        district_neighbours=[[district_index[n] for n in d.neighbours] for d in city.districts],
        precinct_names=precinct_names,
        precinct_district=np.array([district_index[p.district] for p in city.precincts], dtype=np.int32),
        stations=stations,
        station_xy=np.column_stack([sx, sy]) if stations else np.zeros((0, 2)),
        station_precinct=np.array([precinct_index[s.precinct] for s in stations], dtype=np.int32),
        station_district=np.array([district_index[s.district] for s in stations], dtype=np.int32),
        station_kind=np.array([STATION_KINDS.index(s.kind) for s in stations], dtype=np.int8),
        staff=staff,
        shifts=shifts,
        origins=origins,
        origin_station=origin_station,
        origin_reduction=origin_reduction,
        station_fallback=_fallbacks(stations, sx, sy),
        type_names=list(scenario.demand),
        hotspot_names=[h.name for h in city.hotspots],
    )


def _fallbacks(stations: list[PostedStation], x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """For each non-fixed station, its precinct's fixed station, else the district's nearest one."""
    fallback = np.full(len(stations), -1, dtype=np.int32)
    for i, station in enumerate(stations):
        if station.kind == "fixed":
            continue
        fixed = [j for j, s in enumerate(stations) if s.kind == "fixed" and s.district == station.district]
        own = [j for j in fixed if stations[j].precinct == station.precinct]
        pool = own or fixed
        if pool:
            fallback[i] = min(pool, key=lambda j: (x[j] - x[i]) ** 2 + (y[j] - y[i]) ** 2)
    return fallback


def _post_staff(scenario: Scenario, stations: list[PostedStation]) -> list[StaffMember]:
    """Every staff member with their station and shift.

    Each station's staff is shared over the shifts open to its kind by roster share; the rounding
    left over at one station is carried to the next, so the city as a whole matches the shares
    (a station of four cannot hold 55/30/15% on its own, but 102 of them can).
    """
    roster = scenario.staffing.roster
    staff: list[StaffMember] = []
    carry: dict[tuple[int, ...], np.ndarray] = {}
    rotation: dict[int, int] = {}
    for station_id, station in enumerate(stations):
        for role, count in ((ROLE_INSPECTOR, station.inspectors), (ROLE_ASSISTANT, station.assistants)):
            shifts = tuple(i for i, s in enumerate(roster)
                           if ROLES[role] in s.roles and station.kind in s.station_kinds)
            if count == 0 or not shifts:
                continue
            shares = np.array([roster[i].share for i in shifts])
            ideal = count * shares / shares.sum() + carry.get(shifts, np.zeros(len(shifts)))
            counts = np.floor(ideal).astype(int)
            order = np.argsort(-(ideal - counts), kind="stable")
            counts[order[: count - counts.sum()]] += 1
            carry[shifts] = ideal - counts
            ordinal = 0
            for shift, n in zip(shifts, counts):
                for _ in range(int(n)):
                    offset = rotation.get(shift, 0)
                    rotation[shift] = offset + 1
                    staff.append(StaffMember(f"{station.name}/{ROLES[role]}/{ordinal}", role, station_id, shift, offset,
                                             officer_id(station.name, ROLES[role], ordinal), roster[shift].name))
                    ordinal += 1
    return staff


def _post_table_staff(scenario: Scenario, stations: list[PostedStation]) -> list[StaffMember]:
    """One distinct crew per row of the staffing table, on its row's shift (shift index = row index).

    Members are numbered per station and role over the station's rows in table order, so a
    member's id depends only on the table, never on the replication.
    """
    table = scenario.staffing.table
    staff: list[StaffMember] = []
    for station_id, station in enumerate(stations):
        ordinal = [0, 0]
        for row_index, row in enumerate(table):
            if row.station != station.name:
                continue
            for role, count in ((ROLE_INSPECTOR, row.inspectors), (ROLE_ASSISTANT, row.assistants)):
                for _ in range(count):
                    k = ordinal[role]
                    ordinal[role] += 1
                    staff.append(StaffMember(f"{station.name}/{ROLES[role]}/{k}", role, station_id, row_index, 0,
                                             officer_id(station.name, ROLES[role], k), row.shift))
    return staff
