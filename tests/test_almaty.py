"""The default city, Almaty: its figures follow from the 2023 report, it is stable, and each variant
changes what it says it changes. No simulation runs here: everything is checked on the loaded
scenarios and the offered-load table. See docs/almaty.md for the derivations.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from shapely.geometry import Point, shape

from sim.model.capacity import offered_load
from sim.scenario import load_scenario
from sim.scenario.posting import posted_stations
from sim.scenario.prevention import reduction_by_precinct
from sim.scenario.routing import station_for
from sim.scenario.volumes import origins, type_volume

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
DATA = SCENARIOS / "data" / "almaty"
SOURCE = ROOT.parent / "shared" / "data" / "almaty"
DEFAULT = SCENARIOS / "almaty-2023.toml"
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

# Estimated 2023 district populations (2019 shares x 2,211,198, SOURCES.md), as committed.
DISTRICT_POPULATION = {
    "Alatau": 327_600, "Almaly": 249_800, "Auezov": 350_000, "Bostandyk": 409_600,
    "Zhetysu": 188_000, "Medeu": 256_600, "Nauryzbay": 149_000, "Turksib": 280_600,
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
    cut = reduction_by_precinct(scenario, posted_stations(scenario))
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
    for origin in origins(scenario, "documents"):
        assert station_for(scenario, origin, stations).kind == "service_centre"
    for origin in origins(scenario, "reception"):
        assert station_for(scenario, origin, stations).kind == "fixed"


def test_redeploy_posts_inspectors_by_field_workload(default, variants):
    scenario = variants["redeploy"]
    after = [s for s in posted_stations(scenario)]
    assert sum(s.inspectors for s in after) == INSPECTORS
    assert all(s.inspectors >= 1 for s in after)
    before = inspectors_by_station(default)
    assert {s.name: s.inspectors for s in after if s.kind == "modular"} == {
        name: count for name, count in before.items() if name.endswith(" modular")
    }
    # Field demand is spread by population here, so posting by field workload gives the same
    # stations as posting by population (docs/almaty.md). Show the rule does move inspectors
    # where field work is not proportional to population: put all crime at the hotspots.
    crime = scenario.demand["crime"].model_copy(update={"spread": "hotspots", "yearly_volume": 100_000})
    skewed = scenario.model_copy(update={"demand": {**scenario.demand, "crime": crime}})
    moved = inspectors_by_station(skewed)
    assert sum(moved.values()) == INSPECTORS
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
