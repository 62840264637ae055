"""The station-by-shift staffing table: exactly the rostered crews are on duty, in both forms.

A hand-built city of two stations in two districts runs with a table of overlapping rows, one
running past midnight; the roster occurrences and the staff-time output must show, per station,
shift and weekday, exactly the officers the table lists, and nothing else.
"""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest

from sim.cli import main
from sim.model.city import build_city
from sim.model.shifts import roster
from sim.model.simulation import simulate
from sim.model.streams import Streams
from sim.scenario import ScenarioError, load_scenario
from sim.scenario.schema import Scenario, StaffingRow
from sim.scenario.staffing_table import staffing_csv_text, with_staffing_table, write_staffing_csv
from sim.scenario.weekdays import format_weekdays, parse_weekdays

MINUTES_PER_YEAR = 365 * 1440
DAYS = 14

ROWS = [
    {"station": "North", "shift": "Early", "weekdays": "Mon-Sun", "start_hour": 6, "hours": 8,
     "inspectors": 3, "assistants": 1},
    {"station": "North", "shift": "Night", "weekdays": "Mon-Fri", "start_hour": 22, "hours": 8,
     "inspectors": 2},
    {"station": "South", "shift": "Weekend", "weekdays": "Sat;Sun", "start_hour": 8, "hours": 12,
     "inspectors": 4},
    {"station": "South", "shift": "Middle", "weekdays": "Mon;Wed;Fri", "start_hour": 10, "hours": 4,
     "inspectors": 1, "assistants": 2},
]

TOML_HEAD = """name = "two-stations"

[city]
districts = [
  { name = "N", population = 50000, neighbours = ["S"] },
  { name = "S", population = 50000, neighbours = ["N"] },
]
precincts = [
  { name = "PN", district = "N", population = 50000, lon = 0.0, lat = 0.01, radius_km = 1.0 },
  { name = "PS", district = "S", population = 50000, lon = 0.0, lat = -0.01, radius_km = 1.0 },
]
stations = [
  { name = "North", kind = "fixed", precinct = "PN", lon = 0.0, lat = 0.01, inspectors = 99 },
  { name = "South", kind = "fixed", precinct = "PS", lon = 0.0, lat = -0.01, inspectors = 99 },
]

[travel]
model = "none"

[dispatch]
policy = "closest-available"

[demand.incident]
kind = "field"
priority = 2
yearly_volume = 20000
service = { dist = "exponential", mean_min = 20.0 }

[run]
horizon_days = 14
warmup_days = 0
replications = 1
seed = 7
"""


def city_data(availability: float = 1.0) -> dict:
    """The test city as a document: stations that claim 99 inspectors each, which the table overrides."""
    district = lambda name, other: {"name": name, "population": 50000, "neighbours": [other]}
    return {
        "name": "two-stations",
        "city": {
            "districts": [district("N", "S"), district("S", "N")],
            "precincts": [
                {"name": "PN", "district": "N", "population": 50000, "lon": 0.0, "lat": 0.01, "radius_km": 1.0},
                {"name": "PS", "district": "S", "population": 50000, "lon": 0.0, "lat": -0.01, "radius_km": 1.0},
            ],
            "stations": [
                {"name": "North", "kind": "fixed", "precinct": "PN", "lon": 0.0, "lat": 0.01, "inspectors": 99},
                {"name": "South", "kind": "fixed", "precinct": "PS", "lon": 0.0, "lat": -0.01, "inspectors": 99},
            ],
        },
        "staffing": {"availability": availability, "table": copy.deepcopy(ROWS)},
        "travel": {"model": "none"},
        "dispatch": {"policy": "closest-available"},
        "demand": {"incident": {"kind": "field", "priority": 2, "yearly_volume": 20000,
                                "service": {"dist": "exponential", "mean_min": 20.0}}},
        "run": {"horizon_days": DAYS, "warmup_days": 0, "replications": 1, "seed": 7},
    }


def rostered_minutes(scenario: Scenario, district: str, role: str) -> np.ndarray:
    """Officer-minutes the table puts on duty per hour of day over the run, by brute force per minute."""
    station_district = {"North": "N", "South": "S"}
    total = int(DAYS * 1440)
    count = np.zeros(total)
    for row in scenario.staffing.table:
        if station_district[row.station] != district:
            continue
        people = row.inspectors if role == "inspector" else row.assistants
        for day in range(-1, DAYS):
            if day % 7 in row.weekdays:
                start = day * 1440 + int(row.start_hour * 60)
                end = start + int(row.hours * 60)
                if end > 0:
                    count[max(start, 0):min(end, total)] += people
    return np.bincount((np.arange(total) // 60) % 24, weights=count, minlength=24)


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return Scenario.model_validate(city_data())


def test_weekday_names_read_and_write_back() -> None:
    for text, days in (("Mon-Sun", [0, 1, 2, 3, 4, 5, 6]), ("Mon-Fri", [0, 1, 2, 3, 4]),
                       ("Sat;Sun", [5, 6]), ("Mon;Wed;Fri", [0, 2, 4]), ("Fri-Mon", [0, 4, 5, 6])):
        assert parse_weekdays(text) == days
        assert format_weekdays(days) == text
    assert parse_weekdays([5, 6]) == [5, 6]
    assert parse_weekdays("5;6") == [5, 6]  # as stations.csv writes open_weekdays
    with pytest.raises(ValueError, match='got "Mon-7"'):
        parse_weekdays("Mon-7")


def test_the_table_alone_posts_the_staff(scenario: Scenario) -> None:
    layout = build_city(scenario)
    officers = [m.officer for m in layout.staff]
    assert len(officers) == len(set(officers)) == 3 + 1 + 2 + 4 + 1 + 2  # the 99s are ignored
    north_inspectors = [m for m in layout.staff if m.officer.startswith("North/inspector")]
    assert [m.officer for m in north_inspectors] == [f"North/inspector 0{k}" for k in range(1, 6)]
    assert [m.shift_name for m in north_inspectors] == ["Early"] * 3 + ["Night"] * 2
    assert [m.officer for m in layout.staff if m.shift_name == "Middle"] == [
        "South/inspector 05", "South/assistant 01", "South/assistant 02"]
    assert [s.name for s in layout.shifts] == ["Early", "Night", "Weekend", "Middle"]
    assert [m.officer for m in build_city(scenario).staff] == officers  # stable, no randomness


def test_roster_occurrences_hold_exactly_each_rows_crew(scenario: Scenario) -> None:
    layout = build_city(scenario)
    occurrences = roster(layout, Streams(7, 0), DAYS)
    seen: dict[int, list[int]] = {}
    for occurrence in occurrences:
        row = scenario.staffing.table[occurrence.shift]
        day = int(occurrence.start_min // 1440)
        assert day % 7 in row.weekdays
        assert occurrence.start_min - day * 1440 == row.start_hour * 60
        assert occurrence.end_min - occurrence.start_min == row.hours * 60
        crew = {layout.staff[m].officer for m in occurrence.members}
        expected = {m.officer for m in layout.staff if m.shift == occurrence.shift}
        assert crew == expected and len(crew) == row.inspectors + row.assistants
        seen.setdefault(occurrence.shift, []).append(day)
    for index, row in enumerate(scenario.staffing.table):
        assert seen[index] == [d for d in range(-1, DAYS) if d % 7 in row.weekdays
                               and d * 1440 + (row.start_hour + row.hours) * 60 > 0]


def test_staff_time_shows_exactly_the_rostered_officers(scenario: Scenario) -> None:
    result = simulate(scenario).staff.to_pandas()
    assert len(simulate(scenario).calls) > 0
    for district in ("N", "S"):
        for role in ("inspector", "assistant"):
            rows = result[(result.district == district) & (result.role == role)].sort_values("hour_of_day")
            expected = rostered_minutes(scenario, district, role)
            if rows.empty:
                assert expected.sum() == 0
                continue
            rostered = (rows.on_duty_min - rows.overtime_min).to_numpy()
            np.testing.assert_allclose(rostered, expected, atol=1e-6)
    # South has nobody from 20:00 to 08:00 at weekends and outside 10-14 on weekdays.
    south = result[(result.district == "S") & (result.role == "inspector")].set_index("hour_of_day")
    assert south.loc[list(range(0, 8)) + [20, 21, 22, 23], "on_duty_min"].sum() == pytest.approx(
        south.loc[list(range(0, 8)) + [20, 21, 22, 23], "overtime_min"].sum())


def write_city(folder: Path, staffing: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "city.toml"
    path.write_text(TOML_HEAD + "\n[staffing]\navailability = 0.8\n" + staffing, encoding="utf-8")
    return path


INLINE = "\n".join(
    "[[staffing.table]]\n" + "\n".join(
        f"{key} = {value!r}".replace("'", '"') for key, value in row.items()) + "\n"
    for row in ROWS
)


def test_csv_and_inline_tables_give_identical_results(tmp_path: Path) -> None:
    inline = load_scenario(write_city(tmp_path / "inline", INLINE))
    (tmp_path / "csv" / "data").mkdir(parents=True)
    write_staffing_csv([StaffingRow.model_validate(r) for r in ROWS], tmp_path / "csv" / "data" / "staffing.csv")
    from_csv = load_scenario(write_city(tmp_path / "csv", 'table = "data/staffing.csv"\n'))
    assert from_csv == inline
    a, b = simulate(inline), simulate(from_csv)
    assert a.calls.equals(b.calls) and a.staff.equals(b.staff)
    full = Scenario.model_validate(city_data(availability=1.0))
    assert simulate(inline).staff.column("on_duty_min").to_numpy().sum() < simulate(full).staff.column(
        "on_duty_min").to_numpy().sum()  # availability 0.8 does apply to the table's crews


def test_a_variant_replaces_the_whole_table(tmp_path: Path) -> None:
    base = write_city(tmp_path, INLINE)
    (tmp_path / "night.csv").write_text(
        "station,shift,weekdays,start_hour,hours,inspectors\nSouth,Night,Mon-Sun,20:00,12,6\n"
        "North,Night,Mon-Sun,20:00,12,1\n", encoding="utf-8")
    variant = tmp_path / "variant.toml"
    variant.write_text(f'extends = "{base.name}"\nname = "variant"\n\n[staffing]\ntable = "night.csv"\n',
                       encoding="utf-8")
    scenario = load_scenario(variant)
    assert [(r.station, r.shift, r.start_hour, r.hours, r.inspectors) for r in scenario.staffing.table] == [
        ("South", "Night", 20.0, 12.0, 6), ("North", "Night", 20.0, 12.0, 1)]
    assert scenario.staffing.availability == 0.8  # the rest of [staffing] is still merged
    assert len(build_city(scenario).staff) == 7


def test_with_staffing_table_validates_like_a_file(scenario: Scenario, tmp_path: Path) -> None:
    rows = [StaffingRow(station="North", shift="All", weekdays=[0, 1, 2, 3, 4, 5, 6], start_hour=0,
                        hours=24, inspectors=2),
            StaffingRow(station="South", shift="All", weekdays=[0, 1, 2, 3, 4, 5, 6], start_hour=0,
                        hours=24, inspectors=2)]
    candidate = with_staffing_table(scenario, rows)
    assert candidate.staffing.table == rows
    assert "North,All,Mon-Sun,0,24,2,0" in staffing_csv_text(rows)
    with pytest.raises(ScenarioError, match=r'staffing\.table\[0\]\.station: unknown station "Nowhere"'):
        with_staffing_table(scenario, [{**rows[0].model_dump(), "station": "Nowhere"}])


CSV_HEADER = "station,shift,weekdays,start_hour,hours,inspectors,assistants\n"
GOOD = "North,Early,Mon-Sun,6,8,3,1\n"


@pytest.mark.parametrize("bad_row, key, expected", [
    ("North,Early,Funday,6,8,3,1", "staffing.table[1].weekdays (line 3)",
     'expected day names like "Mon-Fri", "Sat;Sun" or a list of weekdays 0-6 (0 = Monday), got "Funday"'),
    ("Nowhere,Early,Mon-Fri,6,8,3,1", "staffing.table[1].station (line 3)", 'unknown station "Nowhere"'),
    ("North,Early,Mon-Fri,6,8,-1,1", "staffing.table[1].inspectors (line 3)", "expected an integer >= 0, got"),
    ("North,Early,Mon-Fri,6,8,3,-2", "staffing.table[1].assistants (line 3)", "expected an integer >= 0, got"),
    ("North,Early,Mon-Fri,24,8,3,1", "staffing.table[1].start_hour (line 3)", "expected a number >= 0 and < 24"),
    ("North,Early,Mon-Fri,6,0,3,1", "staffing.table[1].hours (line 3)", "expected a number > 0 and <= 24"),
    ("North,Early,Mon-Fri,6,25,3,1", "staffing.table[1].hours (line 3)", "expected a number > 0 and <= 24"),
    ("North,,Mon-Fri,6,8,3,1", "staffing.table[1].shift (line 3)", "missing, expected a non-empty string"),
])
def test_a_bad_row_is_one_line_naming_file_row_and_column(tmp_path: Path, capsys, bad_row, key, expected) -> None:
    (tmp_path / "staffing.csv").write_text(CSV_HEADER + GOOD + bad_row + "\n", encoding="utf-8")
    path = write_city(tmp_path, 'table = "staffing.csv"\n')
    with pytest.raises(ScenarioError) as error:
        load_scenario(path)
    message = str(error.value)
    assert message.startswith(f"{tmp_path / 'staffing.csv'}: {key}: ") or f"staffing.csv: {key}: " in message
    assert expected in message
    assert main(["validate", str(path)]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_staffing_changes_beside_a_table_are_refused(tmp_path: Path) -> None:
    path = write_city(tmp_path, INLINE + "\n[staffing.changes]\nadd_inspectors = 10\n")
    with pytest.raises(ScenarioError, match=r"city\.toml: staffing\.changes\.add_inspectors: does not apply"):
        load_scenario(path)


def test_an_unknown_column_is_named(tmp_path: Path) -> None:
    (tmp_path / "staffing.csv").write_text("station,shift,weekdays,start_hour,hours,officers\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r'staffing\.table \(line 1\): unknown column "officers"'):
        load_scenario(write_city(tmp_path, 'table = "staffing.csv"\n'))


def test_a_variant_of_almaty_can_be_staffed_by_a_table(tmp_path: Path) -> None:
    """The planner's path: a written CSV table under `extends` of a roster-form city."""
    from sim.model.pool_load import pool_loads
    from sim.scenario.posting import posted_stations

    base_path = Path(__file__).resolve().parents[1] / "scenarios" / "almaty-2023.toml"
    base = load_scenario(base_path)
    rows = [StaffingRow(station=s.name, shift="day", weekdays=list(range(7)), start_hour=8, hours=12,
                        inspectors=(s.inspectors + 1) // 2, assistants=s.assistants)
            for s in posted_stations(base)]
    write_staffing_csv(rows, tmp_path / "staffing.csv")
    variant = tmp_path / "almaty-table.toml"
    variant.write_text(f'extends = "{base_path}"\nname = "almaty-table"\n\n[staffing]\ntable = "staffing.csv"\n',
                       encoding="utf-8")
    scenario = load_scenario(variant)
    assert scenario.staffing.table == rows and scenario.staffing.roster == base.staffing.roster
    layout = build_city(scenario)
    assert len(layout.staff) == sum(r.inspectors + r.assistants for r in rows)
    assert {m.shift_name for m in layout.staff} == {"day"}
    pools = pool_loads(scenario, layout)
    assert len(pools) == len(base.city.districts)
    assert all(np.isinf(p.load[2]) for p in pools)  # nobody on duty from 20:00 to 08:00
