"""The default city, Almaty: its figures follow from the 2023 report, it is stable, and each variant
changes what it says it changes. No simulation runs here: everything is checked on the loaded
scenarios and the offered-load table. See docs/almaty.md for the derivations.
"""

from __future__ import annotations

import csv
import math
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from sim.model.city import build_city
from sim.model.prevention import reduction_by_precinct
from shapely.geometry import Point, shape

from sim.model.capacity import offered_load
from sim.model.city import ROLE_ASSISTANT, ROLE_INSPECTOR, build_city
from sim.model.staff import Staff
from sim.scenario import load_scenario
from sim.scenario.posting import posted_stations
from sim.scenario.routing import station_for
from sim.scenario.volumes import origins, type_volume

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
DATA = SCENARIOS / "data" / "almaty"
SOURCE = ROOT.parent / "shared" / "data" / "almaty"
DEFAULT = SCENARIOS / "almaty-2023.toml"
DOC = ROOT / "docs" / "almaty.md"
VARIANTS = {
    "no-modular": SCENARIOS / "almaty-no-modular.toml",
    "more-assistants": SCENARIOS / "almaty-more-assistants.toml",
    "prevention": SCENARIOS / "almaty-prevention.toml",
    "service-centres": SCENARIOS / "almaty-service-centres.toml",
    "redeploy": SCENARIOS / "almaty-redeploy.toml",
    "demand-plus-20": SCENARIOS / "almaty-demand-plus-20.toml",
}

# --- the report's figures (first half of 2023) and the estimated splits (docs/almaty.md) ---------
COMPLAINTS_HALF_YEAR = 370_000
ADMINISTRATIVE_HALF_YEAR = 61_600
CRIMES_HALF_YEAR = 5_000
MODULAR_INQUIRIES_HALF_YEAR = 40_000
MODULAR_STATIONS = 37
FIXED_STATIONS = 102
INSPECTORS = 491
ASSISTANTS = 102
HALF_YEARS = 2  # estimate: the second half-year like the first
COMPLAINT_SPLIT = {"domestic": 0.10, "complaint_visit": 0.40, "complaint_review": 0.50}  # estimate
WALK_IN_SPLIT = {"reception": 0.70, "documents": 0.30}  # estimate

ADMINISTRATIVE_AT_HOTSPOTS = 0.3  # estimate
INSPECTOR_SHARES = {"day": 0.55, "evening": 0.30, "night": 0.15}  # estimate, fixed stations

# Estimated 2023 district populations (2019 shares x 2,211,198, SOURCES.md), as committed.
DISTRICT_POPULATION = {
    "Alatau": 327_600, "Almaly": 249_800, "Auezov": 350_000, "Bostandyk": 409_600,
    "Zhetysu": 188_000, "Medeu": 256_600, "Nauryzbay": 149_000, "Turksib": 280_600,
}
# The 37 hotspots (and modular stations) shared over the districts by population, largest remainder.
HOTSPOTS_BY_DISTRICT = {
    "Alatau": 5, "Almaly": 4, "Auezov": 6, "Bostandyk": 7,
    "Zhetysu": 3, "Medeu": 4, "Nauryzbay": 3, "Turksib": 5,
}


def expected_volumes() -> dict[str, float]:
    complaints = COMPLAINTS_HALF_YEAR * HALF_YEARS
    fixed_walk_ins = MODULAR_INQUIRIES_HALF_YEAR / MODULAR_STATIONS * FIXED_STATIONS * HALF_YEARS
    volumes = {name: share * complaints for name, share in COMPLAINT_SPLIT.items()}
    volumes |= {name: share * fixed_walk_ins for name, share in WALK_IN_SPLIT.items()}
    volumes["administrative"] = ADMINISTRATIVE_HALF_YEAR * HALF_YEARS
    volumes["crime"] = CRIMES_HALF_YEAR * HALF_YEARS
    volumes["modular_inquiry"] = MODULAR_INQUIRIES_HALF_YEAR * HALF_YEARS
    return volumes


@pytest.fixture(scope="module")
def default():
    return load_scenario(DEFAULT)


@pytest.fixture(scope="module")
def variants():
    return {key: load_scenario(path) for key, path in VARIANTS.items()}


def inspectors_by_station(scenario) -> dict[str, int]:
    return {s.name: s.inspectors for s in posted_stations(scenario)}


def shifts_of(scenario, role: int, kind: str) -> Counter:
    """Members of `role` at stations of `kind`, counted by shift name."""
    layout = build_city(scenario)
    roster = scenario.staffing.roster
    return Counter(
        roster[m.shift].name for m in layout.staff
        if m.role == role and layout.stations[m.station].kind == kind
    )


def hours_covered(shift) -> set[int]:
    """Hours of the week (0 = Monday 00-01) in which the shift runs, wrapping past Sunday."""
    covered = set()
    for day in set(shift.weekdays):
        start = day * 24 + shift.start_hour
        covered.update(h % 168 for h in range(int(start), math.ceil(start + shift.hours)))
    return covered


# --- the default ---------------------------------------------------------------------------------


def test_volumes_follow_from_the_report(default):
    expected = expected_volumes()
    assert set(default.demand) == set(expected)
    for name, volume in expected.items():
        # the TOML writes the two walk-in volumes to the cent
        assert default.demand[name].yearly_volume == pytest.approx(volume, abs=0.01), name
    assert expected["domestic"] + expected["complaint_visit"] + expected["complaint_review"] == 740_000
    assert expected["reception"] + expected["documents"] == pytest.approx(220_540.54, abs=0.01)


def test_totals_match_the_report(default):
    stations = posted_stations(default)
    assert sum(s.inspectors for s in stations) == INSPECTORS
    assert sum(s.assistants for s in stations) == ASSISTANTS
    assert sum(s.kind == "fixed" for s in stations) == FIXED_STATIONS
    assert sum(s.kind == "modular" for s in stations) == MODULAR_STATIONS
    assert len(default.city.precincts) == 102
    assert len(default.city.districts) == 8
    assert len(default.city.hotspots) == MODULAR_STATIONS
    assert len(default.city.boundaries.features) == 8
    # one fixed station per precinct, one modular station per hotspot precinct
    assert sorted(s.precinct for s in stations if s.kind == "fixed") == sorted(p.name for p in default.city.precincts)
    assert sorted(s.precinct for s in stations if s.kind == "modular") == sorted(h.precinct for h in default.city.hotspots)
    assert all(s.inspectors == 1 and s.assistants == 0 for s in stations if s.kind == "modular")
    assert all(s.inspectors >= 1 and s.assistants == 1 for s in stations if s.kind == "fixed")


def test_populations_add_up(default):
    districts = {d.name: d.population for d in default.city.districts}
    assert districts == DISTRICT_POPULATION
    with (DATA / "districts.csv").open(newline="", encoding="utf-8") as handle:
        committed = {row["name"]: int(row["population"]) for row in csv.DictReader(handle)}
    assert committed == DISTRICT_POPULATION
    by_district: dict[str, float] = defaultdict(float)
    for precinct in default.city.precincts:
        by_district[precinct.district] += precinct.population
    assert by_district == districts
    counts = defaultdict(int)
    for precinct in default.city.precincts:
        counts[precinct.district] += 1
    # 102 precincts by largest remainder on population
    assert dict(counts) == {"Alatau": 15, "Almaly": 11, "Auezov": 16, "Bostandyk": 19,
                            "Zhetysu": 9, "Medeu": 12, "Nauryzbay": 7, "Turksib": 13}


def test_default_is_stable_in_every_district(default):
    loads = offered_load(default)
    assert {row.district for row in loads} == set(DISTRICT_POPULATION)
    for row in loads:
        assert row.field_load < 1 and row.total_load < 1, row
        assert row.stable, row.district


def test_places_lie_in_their_own_district(default, variants):
    shapes = {f.properties["district"]: shape(f.geometry) for f in default.city.boundaries.features}
    district_of = {p.name: p.district for p in default.city.precincts}
    scenario = variants["service-centres"]
    places = [*scenario.city.all_stations, *scenario.city.precincts, *scenario.city.hotspots]
    for place in places:
        district = district_of[getattr(place, "precinct", place.name)]
        assert shapes[district].contains(Point(place.lon, place.lat)), place.name


def test_hotspots_shared_by_population_then_density(default):
    district_of = {p.name: p.district for p in default.city.precincts}
    counts = Counter(district_of[h.precinct] for h in default.city.hotspots)
    assert dict(counts) == HOTSPOTS_BY_DISTRICT
    total = sum(DISTRICT_POPULATION.values())
    for district, count in counts.items():  # largest remainder: the quota rounded down or up
        quota = MODULAR_STATIONS * DISTRICT_POPULATION[district] / total
        assert math.floor(quota) <= count <= math.ceil(quota), district
    # within a district, the densest precincts (population / pi r^2) have the hotspots
    density = {p.name: p.population / (math.pi * p.radius_km ** 2) for p in default.city.precincts}
    hot = {h.precinct for h in default.city.hotspots}
    for district in DISTRICT_POPULATION:
        chosen = [density[p] for p in hot if district_of[p] == district]
        others = [density[p] for p in density if district_of[p] == district and p not in hot]
        assert min(chosen) >= max(others), district
    # one hotspot per chosen precinct, weighted by the precinct's population
    population = {p.name: p.population for p in default.city.precincts}
    assert len(hot) == MODULAR_STATIONS
    assert all(h.weight == population[h.precinct] for h in default.city.hotspots)


def test_administrative_cases_concentrate_at_hotspots(default):
    call_type = default.demand["administrative"]
    assert (call_type.spread, call_type.hotspot_share) == ("hotspots", ADMINISTRATIVE_AT_HOTSPOTS)
    found = origins(default, "administrative")
    assert sum(o.yearly_volume for o in found) == pytest.approx(2 * ADMINISTRATIVE_HALF_YEAR)
    at_hotspots = sum(o.yearly_volume for o in found if o.hotspot)
    assert at_hotspots == pytest.approx(ADMINISTRATIVE_AT_HOTSPOTS * 2 * ADMINISTRATIVE_HALF_YEAR)
    # per resident, a hotspot precinct has about twice the rate of any other
    population = {p.name: p.population for p in default.city.precincts}
    by_precinct: dict[str, float] = defaultdict(float)
    for origin in found:
        by_precinct[origin.precinct] += origin.yearly_volume
    hot = {h.precinct for h in default.city.hotspots}
    rate = {name: by_precinct[name] / population[name] for name in population}
    assert min(rate[p] for p in hot) > 2 * max(rate[p] for p in population if p not in hot)


def test_roster(default):
    roster = {shift.name: shift for shift in default.staffing.roster}
    inspector_shifts = [s for s in roster.values() if "inspector" in s.roles]
    # every inspector works 5 days of 10 hours: 50 h a week, 40 at 80% availability
    for shift in inspector_shifts:
        assert (shift.hours, shift.days_worked_per_week) == (10, 5), shift.name
        assert shift.hours * shift.days_worked_per_week * default.staffing.availability == 40
    # the fixed stations' inspectors cover every hour of the week, with overlaps
    fixed = [s for s in inspector_shifts if "fixed" in s.station_kinds]
    assert {s.name for s in fixed} == set(INSPECTOR_SHARES)
    assert set().union(*(hours_covered(s) for s in fixed)) == set(range(168))
    # the shares hold city-wide (rounding carried from station to station)
    counts = shifts_of(default, ROLE_INSPECTOR, "fixed")
    total = INSPECTORS - MODULAR_STATIONS
    assert sum(counts.values()) == total
    for name, share in INSPECTOR_SHARES.items():
        assert roster[name].share == share
        assert abs(counts[name] - share * total) <= 1, name
    # a modular station's inspector works while it is open, and stays at its desk
    assert shifts_of(default, ROLE_INSPECTOR, "modular") == Counter(modular=MODULAR_STATIONS)
    assert default.dispatch.field_station_kinds == ["fixed"]
    modular = roster["modular"]
    for station in (s for s in posted_stations(default) if s.kind == "modular"):
        assert set(station.open_weekdays) <= set(modular.weekdays)
        assert modular.start_hour <= station.opens_hour
        assert station.closes_hour <= modular.start_hour + modular.hours
    layout = build_city(default)
    field_ok = Staff(layout, assistants_take_field=False).field_ok
    kinds = Counter(
        (layout.stations[m.station].kind, ok) for m, ok in zip(layout.staff, field_ok) if m.role == ROLE_INSPECTOR
    )
    assert kinds == Counter({("fixed", True): total, ("modular", False): MODULAR_STATIONS})
    # assistants: office hours at fixed stations
    assert shifts_of(default, ROLE_ASSISTANT, "fixed") == Counter(office=ASSISTANTS)


def test_offered_load_table_in_the_docs_is_current(default):
    """docs/almaty.md pastes `policesim validate scenarios/almaty-2023.toml`; it must match."""
    text = DOC.read_text(encoding="utf-8")
    block = text[text.index("$ policesim validate scenarios/almaty-2023.toml"):]
    block = block[: block.index("```")]
    block = block[: block.index("└")]  # the yearly district table; the pool table follows
    rows = {}
    for line in block.splitlines():
        cells = [c.strip() for c in re.split(r"[│┃]", line) if c.strip()]
        if cells and cells[0] in DISTRICT_POPULATION:
            rows[cells[0]] = cells[1:]
    assert set(rows) == set(DISTRICT_POPULATION)
    for row in offered_load(default):
        expected = [f"{row.field_hours:,.0f}", f"{row.station_hours:,.0f}", f"{row.inspector_hours:,.0f}",
                    f"{row.assistant_hours:,.0f}", f"{row.prevention_hours:,.0f}",
                    f"{row.field_load:.2f}", f"{row.total_load:.2f}"]
        assert rows[row.district] == expected, row.district


# --- the variants --------------------------------------------------------------------------------


def test_every_variant_extends_the_default(default, variants):
    for key, scenario in variants.items():
        assert scenario.name == f"almaty-{key}"
        assert scenario.description
        assert scenario.city.precincts == default.city.precincts


def test_no_modular(default, variants):
    scenario = variants["no-modular"]
    stations = posted_stations(scenario)
    assert not [s for s in stations if s.kind == "modular"]
    assert sum(s.inspectors for s in stations) == INSPECTORS
    assert sum(s.assistants for s in stations) == ASSISTANTS
    # each modular inspector joins the fixed station of the same precinct
    before = inspectors_by_station(default)
    hot = {h.precinct for h in default.city.hotspots}
    for s in stations:
        assert s.inspectors == before[s.name] + (s.precinct in hot), s.name
    for origin in origins(scenario, "modular_inquiry"):
        station = station_for(scenario, origin, stations)
        assert (station.kind, station.precinct) == ("fixed", origin.precinct)
    # the moved inspectors join the fixed stations' shifts and go out to field calls
    counts = shifts_of(scenario, ROLE_INSPECTOR, "fixed")
    assert sum(counts.values()) == INSPECTORS and set(counts) == set(INSPECTOR_SHARES)
    assert all(Staff(build_city(scenario), assistants_take_field=False).field_ok[i]
               for i, m in enumerate(build_city(scenario).staff) if m.role == ROLE_INSPECTOR)


def test_more_assistants(default, variants):
    stations = posted_stations(variants["more-assistants"])
    assert sum(s.assistants for s in stations) == ASSISTANTS + 100
    assert sum(s.inspectors for s in stations) == INSPECTORS
    before = {s.name: s.assistants for s in posted_stations(default)}
    assert all(s.assistants >= before[s.name] for s in stations)


def test_prevention_cuts_domestic_calls_by_15_percent(variants):
    scenario = variants["prevention"]
    assert scenario.prevention.call_types == ["domestic"]
    assert scenario.prevention.hours_per_week == 4
    layout = build_city(scenario)
    cut = reduction_by_precinct(scenario, layout.stations, layout.staff)
    population = {p.name: p.population for p in scenario.city.precincts}
    mean = sum(population[name] * cut[name] for name in population) / sum(population.values())
    assert mean == pytest.approx(0.15, abs=0.005)
    assert max(cut.values()) < scenario.prevention.max_reduction  # the ceiling never binds


def test_service_centres_take_the_documents(variants):
    scenario = variants["service-centres"]
    stations = posted_stations(scenario)
    centres = [s for s in stations if s.kind == "service_centre"]
    assert len(centres) == 8
    assert {s.district for s in centres} == set(DISTRICT_POPULATION)
    assert all(s.assistants == 4 and s.inspectors == 0 for s in centres)
    assert all((s.opens_hour, s.closes_hour, s.open_weekdays) == (9, 20, (0, 1, 2, 3, 4, 5)) for s in centres)
    # the centres' assistants work the "centre" shift, which covers the opening hours
    assert shifts_of(scenario, ROLE_ASSISTANT, "service_centre") == Counter(centre=32)
    centre = next(s for s in scenario.staffing.roster if s.name == "centre")
    assert (centre.start_hour, centre.start_hour + centre.hours) == (9, 20)
    assert set(centre.weekdays) == {0, 1, 2, 3, 4, 5}
    for origin in origins(scenario, "documents"):
        assert station_for(scenario, origin, stations).kind == "service_centre"
    for origin in origins(scenario, "reception"):
        assert station_for(scenario, origin, stations).kind == "fixed"


def test_redeploy_posts_inspectors_by_field_workload(default, variants):
    scenario = variants["redeploy"]
    after = posted_stations(scenario)
    before = inspectors_by_station(default)
    assert sum(s.inspectors for s in after) == INSPECTORS
    assert all(s.inspectors >= 1 for s in after if s.kind == "fixed")
    # the modular stations keep their inspector
    assert {s.name: s.inspectors for s in after if s.kind == "modular"} == {
        name: count for name, count in before.items() if name.endswith(" modular")
    }
    # 30% of administrative cases start at the hotspots, so field work is not proportional to
    # population: inspectors move, towards the hotspot precincts
    moved = {s.name: s.inspectors for s in after}
    assert moved != before
    hot = {h.precinct for h in scenario.city.hotspots}
    fixed_hot = [s.name for s in after if s.kind == "fixed" and s.precinct in hot]
    assert sum(moved[name] for name in fixed_hot) > sum(before[name] for name in fixed_hot)


def test_demand_plus_20(default, variants):
    scenario = variants["demand-plus-20"]
    for name, call_type in default.demand.items():
        assert type_volume(scenario, scenario.demand[name]) == pytest.approx(1.2 * type_volume(default, call_type))


def test_every_variant_is_stable(variants):
    for key, scenario in variants.items():
        assert all(row.stable for row in offered_load(scenario)), key


# --- the data files are reproducible ----------------------------------------------------------


def test_make_almaty_reproduces_the_committed_files(tmp_path):
    if not (SOURCE / "districts.geojson").is_file():
        pytest.skip(f"source data {SOURCE} not present (only in the development checkout)")
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "make_almaty.py"), "--source", str(SOURCE), "--out", str(tmp_path)],
        check=True, capture_output=True,
    )
    for name in ("districts.csv", "precincts.csv", "stations.csv", "hotspots.csv", "districts.geojson"):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name
