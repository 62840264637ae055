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


def check_scenario(
    scenario: Scenario,
    file_of: Callable[[Loc], Path | str | None],
    line_hint: Callable[[Loc], str] | None = None,
) -> None:
    """Raise ScenarioError for the first cross-reference problem in `scenario`.

    `file_of` says which file set a key and `line_hint` which CSV line holds a row, so the
    message points at the place the planner has to edit.
    """

    def fail(loc: Loc, message: str) -> None:
        hint = line_hint(loc) if line_hint is not None else ""
        raise ScenarioError(file_of(loc), format_loc(loc) + hint, message)

    _check_names(scenario, fail)
    _check_references(scenario, fail)
    _check_boundaries(scenario, fail)
    _check_profiles(scenario, fail)
    _check_staffing_table(scenario, fail)
    _check_demand(scenario, fail)


def _check_names(scenario: Scenario, fail) -> None:
    """Names are how rows refer to each other, so each must be unique within its table."""
    city = scenario.city
    for table in ("districts", "precincts", "stations", "hotspots"):
        seen: set[str] = set()
        rows = city.all_stations if table == "stations" else getattr(city, table)
        for index, row in enumerate(rows):
            if row.name in seen:
                fail((*_row_loc(scenario, table, index), "name"),
                     f"expected a name not used before in {table}, got {show_value(row.name)} again")
            seen.add(row.name)


def _check_references(scenario: Scenario, fail) -> None:
    """Every district and precinct a row names must exist, or its calls and staff go nowhere."""
    city = scenario.city
    districts = {d.name for d in city.districts}
    precincts = {p.name for p in city.precincts}
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


def _row_loc(scenario: Scenario, table: str, index: int) -> Loc:
    """Where row `index` of a table lives; stations count on into city.add_stations."""
    if table == "stations" and index >= len(scenario.city.stations):
        return ("city", "add_stations", index - len(scenario.city.stations))
    return ("city", table, index)


def _unknown(what: str, name: str, known) -> str:
    """An unknown name with the names that would have been valid (the first few)."""
    choices = ", ".join(sorted(known)[:8]) + (", ..." if len(known) > 8 else "")
    return f"unknown {what} {show_value(name)}, expected one of: {choices}"


def _check_boundaries(scenario: Scenario, fail) -> None:
    """Districts and boundaries must match, and every place must lie in some district."""
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
        except (ValueError, TypeError, AttributeError, IndexError, KeyError, shapely.errors.ShapelyError) as exc:
            fail(("city", "boundaries", "features", index, "geometry"), f"expected a valid polygon, got {exc}")
        shapes[name] = geometry.buffer(0) if not geometry.is_valid else geometry
    for index, district in enumerate(city.districts):
        if district.name not in shapes:
            fail(("city", "districts", index, "name"),
                 f"expected a feature in city.boundaries for district {show_value(district.name)}, found none")
    city_area = shapely.union_all(list(shapes.values())).buffer(BORDER_TOLERANCE_DEG)
    places = [("stations", i, s) for i, s in enumerate(city.all_stations)]
    places += [("precincts", i, p) for i, p in enumerate(city.precincts)]
    places += [("hotspots", i, h) for i, h in enumerate(city.hotspots)]
    for table, index, place in places:
        if not city_area.contains(shapely.Point(place.lon, place.lat)):
            fail((*_row_loc(scenario, table, index), "lon"),
                 f"expected a place inside a district boundary, got {table[:-1]} {show_value(place.name)}"
                 f" at lon {place.lon:g}, lat {place.lat:g}, outside every district")


def _check_profiles(scenario: Scenario, fail) -> None:
    """Profiles are shares of a day or week: the right length, a positive sum, a known name."""
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


def _check_staffing_table(scenario: Scenario, fail) -> None:
    """A table row must name a station, and nothing else may change the staff the table posts.

    `staffing.changes` would silently do nothing beside a table, so it is an error; the
    station columns and the roster are simply not used (documented).
    """
    table = scenario.staffing.table
    if table is None:
        return
    stations = {s.name for s in scenario.city.all_stations}
    for index, row in enumerate(table):
        if row.station not in stations:
            fail(("staffing", "table", index, "station"), _unknown("station", row.station, stations))
    changes = scenario.staffing.changes
    for key in changes.model_fields_set:
        if getattr(changes, key) != type(changes).model_fields[key].default:
            fail(("staffing", "changes", key),
                 "does not apply with staffing.table, which alone says who is posted where: edit the table instead")


def _check_shifts_cover_staff(scenario: Scenario, stations, fail) -> None:
    """Staff posted where no shift of their role runs would silently never work."""
    if scenario.staffing.table is not None:
        return
    roster = scenario.staffing.roster
    for station in stations:
        for role, count in (("inspector", station.inspectors), ("assistant", station.assistants)):
            if count and not any(role in s.roles and station.kind in s.station_kinds for s in roster):
                fail(("staffing", "roster"),
                     f"expected a shift for {role}s at {station.kind} stations (station "
                     f"{show_value(station.name)} has {count}), found none")


def _check_demand(scenario: Scenario, fail) -> None:
    """Every call must have somewhere to go and someone to answer it."""
    hotspots = {h.name for h in scenario.city.hotspots}
    for type_name, call_type in scenario.demand.items():
        loc = ("demand", type_name)
        for name in call_type.hotspots:
            if name not in hotspots:
                fail((*loc, "hotspots"), _unknown("hotspot", name, hotspots))
        if call_type.spread == "hotspots" and not hotspots:
            fail((*loc, "spread"), 'expected hotspots in city.hotspots for spread = "hotspots", found none')
    if scenario.prevention is not None:
        for name in scenario.prevention.call_types:
            if name not in scenario.demand:
                fail(("prevention", "call_types"), _unknown("call type", name, scenario.demand))

    stations = posted_stations(scenario)
    _check_shifts_cover_staff(scenario, stations, fail)
    field_kinds = set(scenario.dispatch.field_station_kinds)
    field_staffed = {s.district for s in stations if s.kind in field_kinds and (
        s.inspectors > 0 or (scenario.staffing.assistants_take_field and s.assistants > 0))}
    for type_name, call_type in scenario.demand.items():
        for origin in origins(scenario, type_name):
            if origin.yearly_volume <= 0:
                continue
            if call_type.kind == "field" and origin.district not in field_staffed:
                fail(("demand", type_name),
                     f"expected an open station with inspectors in district {show_value(origin.district)},"
                     f" which has {type_name} calls, found none")
            if call_type.kind != "field":
                station = station_for(scenario, origin, stations)
                if station is None:
                    fail(("demand", type_name, "station_kinds"),
                         f"expected an open station of kind {' or '.join(call_type.station_kinds)} in district"
                         f" {show_value(origin.district)}, which has {type_name} calls, found none")
                elif station.inspectors + station.assistants == 0:
                    fail(("demand", type_name, "station_kinds"),
                         f"expected staff at station {show_value(station.name)}, which takes {type_name} calls,"
                         " found none")
