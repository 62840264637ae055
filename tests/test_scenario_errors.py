"""Broken scenarios: each is one small edit of the valid test city, and each must fail as one line.

A planner who gets a scenario wrong should see which file to open, which key to fix and what
was expected there, and never a Python traceback. Every case below copies
`tests/scenarios/city.toml` and its `city/` folder, makes one text edit (in the TOML, a CSV or
the GeoJSON) and runs `policesim validate` on the copy: in-process for all of them, and as a real
subprocess for a sample, to prove the exit code and the absence of a traceback end to end.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from sim.cli import main

REPO = Path(__file__).resolve().parents[1]
CITY = REPO / "tests" / "scenarios" / "city.toml"
EXIT_BAD_INPUT = 2


@dataclass(frozen=True)
class Broken:
    """One broken scenario: replace `old` by `new` in `edit`, expect an error naming `names`."""

    id: str
    edit: str  # file to edit, relative to the copied scenario folder
    old: str  # must occur exactly once, so the edit is unambiguous
    new: str
    names: str  # file the message must name, relative to the scenario folder
    key: str | None  # key path the message must name; None where the file cannot be parsed
    expected: str  # fragment of what was expected
    extra_files: dict[str, str] = field(default_factory=dict)


TOML = "city.toml"
STATIONS = "city/stations.csv"
PRECINCTS = "city/precincts.csv"
DISTRICTS = "city/districts.csv"
HOTSPOTS = "city/hotspots.csv"
GEOJSON = "city/districts.geojson"
WORKWEEK = "workweek = [1.0, 1.0, 1.0, 1.0, 1.2, 1.4, 0.8]"
NORTH_RING = "[[[10.0, 50.1], [10.2, 50.1], [10.2, 50.15], [10.0, 50.15], [10.0, 50.1]]]"
INCIDENT_SERVICE = 'service = { dist = "exponential", mean_min = 60.0 }'

CASES = [
    # --- wrong types and out-of-range numbers ------------------------------------------------
    Broken("priority-not-integer", TOML, "priority = 2\n", 'priority = "high"\n',
           TOML, "demand.domestic.priority", 'expected an integer 1-4, got "high"'),
    Broken("priority-7", TOML, "priority = 2\n", "priority = 7\n",
           TOML, "demand.domestic.priority", "expected an integer 1-4, got 7"),
    Broken("volume-negative", TOML, "yearly_volume = 6000", "yearly_volume = -5",
           TOML, "demand.theft.yearly_volume", "expected a number > 0 and <= 100,000,000, got -5"),
    Broken("rate-zero", TOML, "rate_per_1000_residents = 100.0", "rate_per_1000_residents = 0",
           TOML, "demand.domestic.rate_per_1000_residents", "expected a number > 0 and <= 100,000, got 0"),
    Broken("availability-zero", TOML, "availability = 0.8", "availability = 0",
           TOML, "staffing.availability", "expected a number > 0 and <= 1, got 0"),
    Broken("availability-1.5", TOML, "availability = 0.8", "availability = 1.5",
           TOML, "staffing.availability", "expected a number > 0 and <= 1, got 1.5"),
    Broken("shift-hour-25", TOML, "start_hour = 20", "start_hour = 25",
           TOML, "staffing.roster[1].start_hour", "expected a number >= 0 and < 24, got 25"),
    Broken("station-opens-hour-25", STATIONS, "8,20,0;1", "25,26,0;1",
           STATIONS, "city.stations[0].opens_hour (line 2)", 'expected a number 0-24, got "25"'),
    Broken("bool-not-boolean", TOML, "assistants_take_field = false", 'assistants_take_field = "maybe"',
           TOML, "staffing.assistants_take_field", "expected true or false"),
    Broken("csv-integer-not-integer", STATIONS, "N1,10.10,50.125,6", "N1,10.10,50.125,many",
           STATIONS, "city.stations[4].inspectors (line 6)", 'expected an integer 0-100,000, got "many"'),
    Broken("csv-weekday-7", STATIONS, "0;1;2;3;4;5", "0;1;2;3;4;7",
           STATIONS, "city.stations[0].open_weekdays[5] (line 2)", "expected an integer 0-6"),
    Broken("csv-latitude-95", PRECINCTS, "10.10,50.125", "10.10,95",
           PRECINCTS, "city.precincts[3].lat (line 5)", 'expected a number from -90 to 90, got "95"'),
    Broken("csv-unknown-station-kind", STATIONS, "North HQ,fixed", "North HQ,kiosk",
           STATIONS, "city.stations[4].kind (line 6)", 'expected one of "fixed", "modular", "service_centre"'),
    Broken("volume-infinite", TOML, "yearly_volume = 6000", "yearly_volume = inf",
           TOML, "demand.theft.yearly_volume", "expected a finite number, got inf"),
    Broken("csv-population-infinite", DISTRICTS, "North,30000", "North,inf",
           DISTRICTS, "city.districts[2].population (line 4)", "expected a finite number, got inf"),
    Broken("congestion-wrong-length", TOML, "slowdown = 1.5", "slowdown = 1.5\ncongestion_by_hour = [1.0, 2.0]",
           TOML, "travel.congestion_by_hour", "expected a list of 24 numbers > 0 and <= 100, got 2 items"),
    Broken("target-priority-5", TOML, '"4" = 2880.0', '"5" = 2880.0',
           TOML, "targets.response_min.5", 'expected a key that is one of "1", "2", "3", "4"'),
    Broken("name-with-space", TOML, 'name = "city"', 'name = "my city"',
           TOML, "name", "expected letters, digits"),
    Broken("added-station-negative-staff", TOML, "[staffing]\n",
           '[[city.add_stations]]\nname = "Kiosk"\nkind = "modular"\nprecinct = "W2"\n'
           "lon = 10.06\nlat = 50.06\ninspectors = -1\n\n[staffing]\n",
           TOML, "city.add_stations[0].inspectors", "expected an integer 0-100,000, got -1"),
    # --- unknown and missing keys ------------------------------------------------------------
    Broken("unknown-top-level-key", TOML, 'name = "city"', 'name = "city"\ncolour = "blue"',
           TOML, "colour", "unknown key, expected one of: name, description"),
    Broken("unknown-nested-key", TOML, "slowdown = 1.5", "slowdown = 1.5\nspeed_kmh = 30",
           TOML, "travel.speed_kmh", "unknown key, expected one of: model"),
    Broken("unknown-distribution-key", TOML, "patience = { dist = \"exponential\", mean_min = 45.0 }",
           'patience = { dist = "exponential", mean_min = 45.0, sd_min = 9.0 }',
           TOML, "demand.complaint.patience.sd_min", "unknown key, expected one of: dist, mean_min"),
    Broken("unknown-csv-column", STATIONS, "open_weekdays\n", "open_weekdays,cars\n",
           STATIONS, "city.stations (line 1)", 'unknown column "cars", expected one of: name, kind'),
    Broken("missing-kind", TOML, 'kind = "desk"\n', "",
           TOML, "demand.records.kind", 'missing, expected one of "field", "walk_in", "desk"'),
    Broken("missing-service", TOML, INCIDENT_SERVICE + "\n", "",
           TOML, "demand.incident.service", "missing, expected a distribution table with dist ="),
    Broken("missing-csv-cell", PRECINCTS, "W2,West,25000,10.07,", "W2,West,25000,,",
           PRECINCTS, "city.precincts[1].lon (line 3)", "missing, expected a number from -180 to 180"),
    Broken("csv-column-twice", HOTSPOTS, "radius_km,weight", "radius_km,radius_km",
           HOTSPOTS, "city.hotspots (line 1)", 'expected each column once, got "radius_km" twice'),
    Broken("csv-row-too-long", HOTSPOTS, "Bridge,E1,10.15,50.06,0.2,", "Bridge,E1,10.15,50.06,0.2,,9",
           HOTSPOTS, "city.hotspots[1] (line 3)", "expected at most 6 cells like the header, got 7"),
    Broken("empty-table", DISTRICTS, "West,60000,East;North\nEast,40000,West;North\nNorth,30000,West;East\n", "",
           DISTRICTS, "city.districts", "expected a list of one or more tables, got 0 items"),
    # --- distributions -----------------------------------------------------------------------
    Broken("unknown-distribution", TOML, 'dist = "gamma"', 'dist = "weibull"',
           TOML, "demand.theft.service.dist", 'expected one of exponential, lognormal, gamma, fixed, empirical, got "weibull"'),
    Broken("distribution-without-dist", TOML, INCIDENT_SERVICE, "service = { mean_min = 60.0 }",
           TOML, "demand.incident.service.dist", "missing, expected one of exponential, lognormal"),
    Broken("distribution-missing-parameter", TOML, "mean_min = 30.0, sd_min = 15.0", "mean_min = 30.0",
           TOML, "demand.theft.service.sd_min", "missing, expected a number > 0"),
    Broken("distribution-negative-parameter", TOML, "sd_min = 25.0", "sd_min = -25.0",
           TOML, "demand.domestic.service.sd_min", "expected a number > 0 and <= 525,600, got -25.0"),
    Broken("distribution-not-a-table", TOML, INCIDENT_SERVICE, "service = 60",
           TOML, "demand.incident.service", "expected a distribution table with dist = exponential"),
    Broken("empirical-all-zero", TOML, "values_min = [10, 20, 30, 45]", "values_min = [0, 0]",
           TOML, "demand.records.service", "expected at least one positive value in values_min"),
    # --- call volumes and profiles -----------------------------------------------------------
    Broken("volume-and-rate", TOML, "yearly_volume = 3000\n", "yearly_volume = 3000\nrate_per_1000_residents = 5\n",
           TOML, "demand.incident", "expected exactly one of yearly_volume or rate_per_1000_residents"),
    Broken("neither-volume-nor-rate", TOML, "yearly_volume = 3000\n", "",
           TOML, "demand.incident", "expected exactly one of yearly_volume or rate_per_1000_residents"),
    Broken("profile-wrong-length", TOML, WORKWEEK, "workweek = [1.0, 1.0, 1.0, 1.0, 1.2, 1.4]",
           TOML, "profiles.workweek", "expected 24 hourly, 7 daily or 168 weekly values, got 6"),
    Broken("profile-all-zero", TOML, WORKWEEK, "workweek = [0, 0, 0, 0, 0, 0, 0]",
           TOML, "profiles.workweek", "expected values that sum to a positive number"),
    Broken("profile-negative", TOML, WORKWEEK, "workweek = [1.0, 1.0, 1.0, 1.0, 1.2, 1.4, -0.8]",
           TOML, "profiles.workweek[6]", "expected a number 0-1,000,000, got -0.8"),
    Broken("profile-unknown-name", TOML, 'hourly_profile = "evening"', 'hourly_profile = "evenings"',
           TOML, "demand.domestic.hourly_profile", 'unknown profile "evenings", expected one of: evening, flat'),
    Broken("profile-hourly-as-weekday", TOML, 'weekday_profile = "workweek"', 'weekday_profile = "evening"',
           TOML, "demand.domestic.weekday_profile", "expected 7 values, got 24"),
    Broken("profile-not-a-list", TOML, 'hourly_profile = "evening"', "hourly_profile = 5",
           TOML, "demand.domestic.hourly_profile", "expected a list of numbers 0-1,000,000 or a string, got 5"),
    # --- names that must exist or be unique ---------------------------------------------------
    Broken("precinct-unknown-district", PRECINCTS, "E1,East", "E1,Eats",
           PRECINCTS, "city.precincts[2].district (line 4)", 'unknown district "Eats", expected one of: East, North, West'),
    Broken("station-unknown-precinct", STATIONS, "East HQ,fixed,E1", "East HQ,fixed,E9",
           STATIONS, "city.stations[3].precinct (line 5)", 'unknown precinct "E9", expected one of: E1, N1, W1, W2'),
    Broken("neighbour-unknown-district", DISTRICTS, "East,40000,West;North", "East,40000,West;Nort",
           DISTRICTS, "city.districts[1].neighbours (line 3)", 'unknown district "Nort"'),
    Broken("call-type-unknown-hotspot", TOML, '["Market", "Bridge"]', '["Market", "Bridges"]',
           TOML, "demand.theft.hotspots", 'unknown hotspot "Bridges", expected one of: Bridge, Market'),
    Broken("prevention-unknown-call-type", TOML, 'call_types = ["domestic"]', 'call_types = ["domestics"]',
           TOML, "prevention.call_types", 'unknown call type "domestics", expected one of: complaint, domestic'),
    Broken("duplicate-station-name", STATIONS, "North HQ,fixed", "East HQ,fixed",
           STATIONS, "city.stations[4].name (line 6)", 'expected a name not used before in stations, got "East HQ"'),
    Broken("duplicate-district-name", DISTRICTS, "North,30000", "East,30000",
           DISTRICTS, "city.districts[2].name (line 4)", 'expected a name not used before in districts'),
    # --- places, staffing and routing --------------------------------------------------------
    Broken("station-outside-every-district", STATIONS, "N1,10.10,50.125", "N1,10.10,50.3",
           STATIONS, "city.stations[4].lon (line 6)", "expected a place inside a district boundary"),
    Broken("hotspot-outside-every-district", HOTSPOTS, "10.11,50.12", "11.11,50.12",
           HOTSPOTS, "city.hotspots[2].lon (line 4)", "expected a place inside a district boundary"),
    Broken("district-without-inspectors", STATIONS, "N1,10.10,50.125,6,1", "N1,10.10,50.125,0,1",
           TOML, "demand.domestic", 'expected an open station with inspectors in district "North"'),
    Broken("walk-in-without-station-kind", TOML, '["service_centre", "fixed"]', '["modular"]',
           TOML, "demand.complaint.station_kinds", 'expected an open station of kind modular in district "East"'),
    Broken("walk-in-station-without-staff", STATIONS, "W1,10.04,50.02,0,3", "W1,10.04,50.02,0,0",
           TOML, "demand.complaint.station_kinds", 'expected staff at station "West Service Centre"'),
    Broken("closes-before-opens", STATIONS, "0,3,9,18", "0,3,18,9",
           STATIONS, "city.stations[2].closes_hour (line 4)", "expected a time after opens_hour 18, got 9"),
    Broken("no-shift-for-assistants", TOML, "share = 2.0", 'share = 2.0\nroles = ["inspector"]',
           TOML, "staffing.roster", "expected at least one shift for role 'assistant'"),
    Broken("patience-on-desk-call", TOML, 'kind = "desk"\n', 'kind = "desk"\npatience = { dist = "fixed", value_min = 3 }\n',
           TOML, "demand.records.patience", "only walk_in and field calls give up"),
    Broken("max-wait-on-desk-call", TOML, 'kind = "desk"\n', 'kind = "desk"\nmax_wait_min = 30\n',
           TOML, "demand.records.max_wait_min", "only field calls are referred"),
    Broken("reserve-for-unknown-district", TOML, "neighbour_wait_min = 45.0",
           'neighbour_wait_min = 45.0\nreserve_by_district = { Nowhere = 1 }',
           TOML, "dispatch.reserve_by_district.Nowhere", 'unknown district "Nowhere", expected one of: East'),
    Broken("after-job-against-return-to-station", TOML, "neighbour_wait_min = 45.0",
           'neighbour_wait_min = 45.0\nafter_job = "stay"\nreturn_to_station = true',
           TOML, "dispatch.return_to_station", "expected it left out beside after_job = 'stay'"),
    Broken("neighbour-wait-below-backup-wait", TOML, "neighbour_wait_min = 45.0", "neighbour_wait_min = 10.0",
           TOML, "dispatch.neighbour_wait_min", "expected at least backup_wait_min (20), got 10"),
    # --- boundaries --------------------------------------------------------------------------
    Broken("geojson-invalid-json", GEOJSON, '"FeatureCollection",', '"FeatureCollection"',
           GEOJSON, "city.boundaries", "not valid JSON: Expecting ',' delimiter at line 3"),
    Broken("geojson-feature-without-district", GEOJSON, '{"district": "North"}', '{"name": "North"}',
           GEOJSON, "city.boundaries.features[2].properties", 'expected a "district" property'),
    Broken("geojson-unknown-district", GEOJSON, '{"district": "North"}', '{"district": "Nord"}',
           GEOJSON, "city.boundaries.features[2].properties.district", 'unknown district "Nord"'),
    Broken("geojson-point-not-area", GEOJSON, '"type": "Polygon", "coordinates": [[[10.0, 50.1]',
           '"type": "Point", "coordinates": [[[10.0, 50.1]',
           GEOJSON, "city.boundaries.features[2].geometry", "expected a Polygon or MultiPolygon"),
    Broken("geojson-ring-too-short", GEOJSON, NORTH_RING, "[[[10.0, 50.1], [10.2, 50.1]]]",
           GEOJSON, "city.boundaries.features[2].geometry", "expected a valid polygon"),
    # --- booleans are not numbers (issue 12) --------------------------------------------------
    Broken("bool-for-station-inspectors", TOML, "[staffing]\n",
           '[[city.add_stations]]\nname = "Kiosk"\nkind = "modular"\nprecinct = "W2"\n'
           "lon = 10.06\nlat = 50.06\ninspectors = true\n\n[staffing]\n",
           TOML, "city.add_stations[0].inspectors", "expected an integer 0-100,000, got true"),
    Broken("bool-for-yearly-volume", TOML, "yearly_volume = 6000", "yearly_volume = true",
           TOML, "demand.theft.yearly_volume", "expected a number > 0 and <= 100,000,000, got true"),
    Broken("bool-for-profile-weight", TOML, WORKWEEK, "workweek = [1.0, 1.0, false, 1.0, 1.2, 1.4, 0.8]",
           TOML, "profiles.workweek[2]", "expected a number 0-1,000,000, got false"),
    Broken("bool-for-paperwork-minutes", TOML, "value_min = 15.0", "value_min = true",
           TOML, "demand.domestic.paperwork.value_min", "expected a number 0-525,600, got true"),
    Broken("bool-for-csv-number", STATIONS, "N1,10.10,50.125,6", "N1,10.10,50.125,true",
           STATIONS, "city.stations[4].inspectors (line 6)", 'expected an integer 0-100,000, got "true"'),
    Broken("bool-in-geojson-table", TOML, '"city/hotspots.csv"', '"city/hotspots.geojson"',
           "city/hotspots.geojson", "city.hotspots[0].weight", "expected a number > 0 and <= 1,000,000, got true",
           extra_files={"city/hotspots.geojson": '{"type": "FeatureCollection", "features": [{"type": "Feature", '
                        '"properties": {"name": "Market", "precinct": "W1", "lon": 10.035, "lat": 50.035, '
                        '"weight": true}, "geometry": null}]}'}),
    # --- names that would break file names, tables and reports (issue 12) ---------------------
    Broken("nul-in-csv-name", HOTSPOTS, "Bridge,E1", "Bri\x00dge,E1",
           HOTSPOTS, "city.hotspots[1].name (line 3)", "expected a name without control characters"),
    Broken("newline-in-name", TOML, 'name = "night"', 'name = "ni\\nght"',
           TOML, "staffing.roster[1].name", "expected a name without control characters"),
    Broken("newline-in-call-type-name", TOML, "[demand.records]", '[demand."rec\\nords"]',
           TOML, 'demand."rec\\nords"', "expected a name without control characters"),
    # --- nonsense that used to be accepted, values a run cannot honour (issue 12) ------------
    Broken("days-per-week-above-weekdays", TOML, "share = 1.0\n", "share = 1.0\nweekdays = [0, 1]\ndays_per_week = 5\n",
           TOML, "staffing.roster[1].days_per_week", "expected at most the 2 weekdays the shift runs, got 5"),
    Broken("warmup-days-1e9", TOML, "warmup_days = 2", "warmup_days = 1e9",
           TOML, "run.warmup_days", "expected a number 0-365, got 1000000000.0"),
    Broken("horizon-days-1e9", TOML, "horizon_days = 14", "horizon_days = 1e9",
           TOML, "run.horizon_days", "expected a number 0.01-3660"),
    Broken("yearly-volume-1e30", TOML, "yearly_volume = 6000", "yearly_volume = 1e30",
           TOML, "demand.theft.yearly_volume", "expected a number > 0 and <= 100,000,000, got 1e+30"),
    Broken("gamma-sd-tiny", TOML, "sd_min = 15.0", "sd_min = 1e-300",
           TOML, "demand.theft.service.sd_min", "expected a number from mean_min/1000 to mean_min*1000"),
    # --- files: syntax, references and extends -----------------------------------------------
    Broken("invalid-toml", TOML, "slowdown = 1.5", "slowdown = = 1.5",
           TOML, None, "not valid TOML: Invalid value (at line"),
    Broken("missing-csv-file", TOML, '"city/hotspots.csv"', '"city/hotspot.csv"',
           TOML, "city.hotspots", 'expected an existing CSV or GeoJSON file, got "city/hotspot.csv"'),
    Broken("extends-missing-file", TOML, 'name = "city"', 'extends = "base.toml"\nname = "city"',
           TOML, "extends", 'expected an existing scenario file, got "base.toml"'),
    Broken("extends-cycle", TOML, 'name = "city"', 'extends = "b.toml"\nname = "city"',
           "b.toml", "extends", "expected extends without a cycle, got city.toml -> b.toml -> city.toml",
           extra_files={"b.toml": 'extends = "city.toml"\ndescription = "loops back"\n'}),
]

# A sample run as real subprocesses: one per source of errors (pydantic in TOML and CSV,
# cross-checks, GeoJSON, TOML syntax, extends).
SUBPROCESS_CASES = ["priority-not-integer", "csv-integer-not-integer", "unknown-csv-column",
                    "district-without-inspectors", "geojson-invalid-json", "invalid-toml", "extends-cycle"]


def test_cases_are_many_and_distinct() -> None:
    assert len(CASES) >= 30
    assert len({case.id for case in CASES}) == len(CASES)
    assert len({(case.edit, case.old, case.new) for case in CASES}) == len(CASES)


def copy_city(folder: Path) -> Path:
    """A fresh copy of the valid test city in `folder`; returns its TOML."""
    shutil.copy(CITY, folder / CITY.name)
    shutil.copytree(CITY.parent / "city", folder / "city")
    return folder / CITY.name


def break_city(case: Broken, folder: Path) -> Path:
    """Copy the city into `folder` and make the case's one edit; returns the TOML to validate."""
    scenario = copy_city(folder)
    target = folder / case.edit
    text = target.read_text(encoding="utf-8")
    assert text.count(case.old) == 1, f"{case.id}: {case.old!r} must occur once in {case.edit}"
    target.write_text(text.replace(case.old, case.new), encoding="utf-8")
    for name, content in case.extra_files.items():
        (folder / name).write_text(content, encoding="utf-8")
    return scenario


def assert_one_line_error(case: Broken, folder: Path, stderr: str, stdout: str, cwd: Path) -> None:
    """The error is one line: `error: FILE: KEY: expected ...` with the case's file and key."""
    assert "Traceback" not in stdout + stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    line = lines[0]
    assert line.startswith("error: "), line
    file_part, _, rest = line.removeprefix("error: ").partition(": ")
    assert (cwd / file_part).resolve() == (folder / case.names).resolve(), line
    if case.key is not None:
        key_part, _, rest = rest.partition(": ")
        assert key_part == case.key, line
    assert case.expected in rest, line


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_broken_scenario_fails_with_one_line(case: Broken, tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    scenario = break_city(case, tmp_path)
    assert main(["validate", str(scenario)]) == EXIT_BAD_INPUT
    captured = capsys.readouterr()
    assert_one_line_error(case, tmp_path, captured.err, captured.out, REPO)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """`policesim` as a planner runs it: a separate process, from the repository root."""
    return subprocess.run([sys.executable, "-m", "sim.cli", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("case", [c for c in CASES if c.id in SUBPROCESS_CASES], ids=lambda case: case.id)
def test_broken_scenario_exits_2_without_traceback(case: Broken, tmp_path: Path) -> None:
    scenario = break_city(case, tmp_path)
    result = run_cli("validate", str(scenario))
    assert result.returncode == EXIT_BAD_INPUT
    assert_one_line_error(case, tmp_path, result.stderr, result.stdout, REPO)


def test_subprocess_sample_names_real_cases() -> None:
    assert set(SUBPROCESS_CASES) <= {case.id for case in CASES}


def test_valid_city_prints_ok_and_exits_0() -> None:
    result = run_cli("validate", str(CITY.relative_to(REPO)), "tests/scenarios/mmc.toml")
    assert result.returncode == 0, result.stderr
    assert "tests/scenarios/city.toml: ok" in result.stdout
    assert "tests/scenarios/mmc.toml: ok" in result.stdout
    assert "Offered load" in result.stdout
    assert result.stderr == ""


def test_validate_stops_at_the_first_bad_file(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    bad = break_city(CASES[0], tmp_path)
    code = main(["validate", "--quiet", str(CITY), str(bad), "tests/scenarios/mmc.toml"])
    captured = capsys.readouterr()
    assert code == EXIT_BAD_INPUT
    assert f"{CITY.relative_to(REPO)}: ok" in captured.out
    assert "mmc.toml" not in captured.out
    assert len(captured.err.splitlines()) == 1


def test_missing_scenario_file_is_one_line(tmp_path: Path, capsys) -> None:
    assert main(["validate", str(tmp_path / "nowhere.toml")]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nowhere.toml: expected an existing scenario file" in err


SHIPPED = sorted((REPO / "scenarios").glob("*.toml"))


@pytest.mark.parametrize("scenario", SHIPPED or [None], ids=lambda p: p.name if p else "none")
def test_shipped_scenarios_validate(scenario: Path | None, capsys, monkeypatch) -> None:
    if scenario is None:
        pytest.skip("no scenarios/*.toml yet")
    monkeypatch.chdir(REPO)
    code = main(["validate", "--quiet", str(scenario.relative_to(REPO))])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert f"{scenario.relative_to(REPO)}: ok" in captured.out
