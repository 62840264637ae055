"""Checks that need the whole scenario: names that must exist, places that must lie in the city.

Types and ranges are pydantic's job (schema.py); what is left is every rule that relates two
parts of a scenario, each reported as one line naming the file and key to edit.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import shapely
from shapely.geometry import shape

from .errors import Loc, ScenarioError, format_loc, show_value
from .posting import posted_stations
from .routing import station_for
from .schema import Scenario
from .volumes import origins

BORDER_TOLERANCE_DEG = 0.001  # about 100 m: points on a border drawn at a coarser scale still count


def check_scenario(scenario: Scenario, file_of: Callable[[Loc], Path | str | None]) -> None:
    """Raise ScenarioError for the first cross-reference problem in `scenario`."""

    def fail(loc: Loc, message: str) -> None:
        raise ScenarioError(file_of(loc), format_loc(loc), message)

    city = scenario.city
    for table in ("districts", "precincts", "stations", "hotspots"):
        seen: set[str] = set()
        rows = city.all_stations if table == "stations" else getattr(city, table)
        for index, row in enumerate(rows):
            if row.name in seen:
                fail(_row_loc(scenario, table, index), f"duplicate name {show_value(row.name)}")
            seen.add(row.name)

    districts = {d.name for d in city.districts}
    precincts = {p.name: p for p in city.precincts}
    for index, district in enumerate(city.districts):
        for neighbour in district.neighbours:
            if neighbour not in districts:
                fail(("city", "districts", index, "neighbours"), _unknown("district", neighbour, districts))
    for index, precinct in enumerate(city.precincts):
        if precinct.district not in districts:
            fail(("city", "precincts", index, "district"), _unknown("district", precinct.district, districts))
    for index, station in enumerate(city.all_stations):
        if station.precinct not in precincts:
            fail((*_row_loc(scenario, "stations", index), "precinct"), _unknown("precinct", station.precinct, precincts))
    for index, hotspot in enumerate(city.hotspots):
        if hotspot.precinct not in precincts:
            fail(("city", "hotspots", index, "precinct"), _unknown("precinct", hotspot.precinct, precincts))

    _check_boundaries(scenario, fail)
    _check_profiles(scenario, fail)
    _check_demand(scenario, fail)


def _row_loc(scenario: Scenario, table: str, index: int) -> Loc:
    if table == "stations" and index >= len(scenario.city.stations):
        return ("city", "add_stations", index - len(scenario.city.stations))
    return ("city", table, index)


def _unknown(what: str, name: str, known) -> str:
    choices = ", ".join(sorted(known)[:8]) + (", ..." if len(known) > 8 else "")
    return f"unknown {what} {show_value(name)}, expected one of: {choices}"


def _check_boundaries(scenario: Scenario, fail) -> None:
    city = scenario.city
    if city.boundaries is None:
        return
    districts = {d.name for d in city.districts}
    shapes = {}
    for index, feature in enumerate(city.boundaries.features):
        name = feature.properties["district"]
        if name not in districts:
            fail(("city", "boundaries", "features", index, "properties", "district"), _unknown("district", name, districts))
        try:
            geometry = shape(feature.geometry)
        except (ValueError, TypeError, AttributeError, IndexError) as exc:
            fail(("city", "boundaries", "features", index, "geometry"), f"expected a valid polygon: {exc}")
        shapes[name] = geometry.buffer(0) if not geometry.is_valid else geometry
    for index, district in enumerate(city.districts):
        if district.name not in shapes:
            fail(("city", "districts", index, "name"), f"district {show_value(district.name)} has no boundary in city.boundaries")
    city_area = shapely.union_all(list(shapes.values())).buffer(BORDER_TOLERANCE_DEG)
    places = [("stations", i, s) for i, s in enumerate(city.all_stations)]
    places += [("precincts", i, p) for i, p in enumerate(city.precincts)]
    places += [("hotspots", i, h) for i, h in enumerate(city.hotspots)]
    for table, index, place in places:
        if not city_area.contains(shapely.Point(place.lon, place.lat)):
            fail((*_row_loc(scenario, table, index), "lon"),
                 f"{table[:-1]} {show_value(place.name)} at ({place.lon:g}, {place.lat:g}) lies outside every district")


def _check_profiles(scenario: Scenario, fail) -> None:
    for name, values in scenario.profiles.items():
        if len(values) not in (7, 24):
            fail(("profiles", name), f"expected 24 hourly or 7 daily values, got {len(values)}")
        if sum(values) <= 0:
            fail(("profiles", name), "expected values that sum to a positive number")
    for type_name, call_type in scenario.demand.items():
        for key, length in (("hourly_profile", 24), ("weekday_profile", 7)):
            value = getattr(call_type, key)
            loc = ("demand", type_name, key)
            if isinstance(value, str):
                if value == "flat":
                    continue
                if value not in scenario.profiles:
                    fail(loc, _unknown("profile", value, ["flat", *scenario.profiles]))
                value = scenario.profiles[value]
            if len(value) != length:
                fail(loc, f"expected {length} values, got {len(value)}")
            if sum(value) <= 0:
                fail(loc, "expected values that sum to a positive number")


def _check_demand(scenario: Scenario, fail) -> None:
    hotspots = {h.name for h in scenario.city.hotspots}
    for type_name, call_type in scenario.demand.items():
        loc = ("demand", type_name)
        for name in call_type.hotspots:
            if name not in hotspots:
                fail((*loc, "hotspots"), _unknown("hotspot", name, hotspots))
        if call_type.spread == "hotspots" and not hotspots:
            fail((*loc, "spread"), "spread over hotspots, but city.hotspots is empty")
    if scenario.prevention is not None:
        for name in scenario.prevention.call_types:
            if name not in scenario.demand:
                fail(("prevention", "call_types"), _unknown("call type", name, scenario.demand))

    stations = posted_stations(scenario)
    field_staffed = {s.district for s in stations if s.inspectors > 0
                     or (scenario.staffing.assistants_take_field and s.assistants > 0)}
    for type_name, call_type in scenario.demand.items():
        for origin in origins(scenario, type_name):
            if origin.yearly_volume <= 0:
                continue
            if call_type.kind == "field" and origin.district not in field_staffed:
                fail(("demand", type_name),
                     f"district {show_value(origin.district)} has {type_name} calls but no station with inspectors")
            if call_type.kind != "field":
                station = station_for(scenario, origin, stations)
                if station is None:
                    fail(("demand", type_name, "station_kinds"),
                         f"district {show_value(origin.district)} has {type_name} calls but no open station of kind "
                         + " or ".join(call_type.station_kinds))
                elif station.inspectors + station.assistants == 0:
                    fail(("demand", type_name, "station_kinds"),
                         f"station {show_value(station.name)} takes {type_name} calls but has no staff")
