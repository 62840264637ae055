"""The load check per dispatch pool and hour of the week.

A district judged alone called a city overloaded when its officers were in fact helped by the
others; an average over the year hid the hour that was. Hand-built cities check both: a
closest-available city whose busy district is carried by the whole city (and the simulation
agrees it is stable), and a city whose evening peak truly exceeds the officers on duty.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.cli import main
from sim.model.capacity import offered_load
from sim.model.pool_load import WEEKS_PER_YEAR, pool_loads
from sim.model.simulation import simulate
from sim.model.travel import TravelModel
from sim.report.load_check import hours_text, pool_warnings
from sim.scenario.schema import Scenario

from .cities import MINUTES_PER_YEAR, field_type, one_station_city

SERVICE_MIN = 30.0


def two_district_city(policy: str = "closest-available", neighbours: bool = True, **staffing) -> Scenario:
    """Busy East (2 inspectors, 5 erlangs of work) beside quiet West (8 inspectors, 2.5 erlangs)."""
    per_min = lambda erlangs: erlangs / SERVICE_MIN
    return Scenario.model_validate({
        "name": "two-districts",
        "city": {
            "districts": [{"name": "East", "population": 50000, "neighbours": ["West"] if neighbours else []},
                          {"name": "West", "population": 50000, "neighbours": ["East"] if neighbours else []}],
            "precincts": [
                {"name": "PE", "district": "East", "population": 50000, "lon": 0.01, "lat": 0.0, "radius_km": 1.0},
                {"name": "PW", "district": "West", "population": 50000, "lon": -0.01, "lat": 0.0, "radius_km": 1.0},
            ],
            "stations": [
                {"name": "E1", "kind": "fixed", "precinct": "PE", "lon": 0.01, "lat": 0.0, "inspectors": 2},
                {"name": "W1", "kind": "fixed", "precinct": "PW", "lon": -0.01, "lat": 0.0, "inspectors": 8},
            ],
            # each call type starts at one district's hotspot, so East's work is East's alone
            "hotspots": [{"name": "HE", "precinct": "PE", "lon": 0.01, "lat": 0.0},
                         {"name": "HW", "precinct": "PW", "lon": -0.01, "lat": 0.0}],
        },
        "staffing": staffing,
        "travel": {"model": "none"},
        "dispatch": {"policy": policy},
        "demand": {
            "east": field_type(per_min(5.0), SERVICE_MIN, spread="hotspots", hotspots=["HE"]),
            "west": field_type(per_min(2.5), SERVICE_MIN, spread="hotspots", hotspots=["HW"]),
        },
        "run": {"horizon_days": 8, "warmup_days": 2, "replications": 1, "seed": 3},
    })


def test_a_busy_district_carried_by_the_whole_city_is_not_overloaded() -> None:
    scenario = two_district_city()
    east = next(row for row in offered_load(scenario) if row.district == "East")
    assert east.field_load == pytest.approx(2.5, rel=0.01)  # judged alone, East looks hopeless
    (city,) = pool_loads(scenario)
    assert city.districts == ("East", "West")
    np.testing.assert_allclose(city.officers, 10.0)
    np.testing.assert_allclose(city.load, 0.75, rtol=1e-9)
    assert not city.overloaded and city.hours_at_or_above(0.9) == [] and pool_warnings([city]) == []
    # and the simulation agrees: every officer about 75% busy, calls hardly wait
    result = simulate(scenario)
    staff = result.staff.to_pandas()
    busy = (staff.field_min.sum() + staff.desk_min.sum()) / staff.on_duty_min.sum()
    assert busy == pytest.approx(0.75, abs=0.05)
    assert result.calls.to_pandas().wait_min.mean() < 10.0


def test_precinct_first_pools_are_a_district_and_its_neighbours() -> None:
    with_help = pool_loads(two_district_city("precinct-first"))
    assert [p.districts for p in with_help] == [("East", "West"), ("West", "East")]
    assert all(not p.overloaded for p in with_help)
    alone = {p.name: p for p in pool_loads(two_district_city("precinct-first", neighbours=False))}
    assert alone["East"].peak_load == pytest.approx(2.5) and alone["East"].overloaded
    assert alone["West"].peak_load == pytest.approx(2.5 / 8) and not alone["West"].overloaded
    (line,) = pool_warnings(list(alone.values()))
    assert line.startswith("warning: pool East (East): field load reaches 2.50 at Mon 00:00; 168 hour(s)")


def evening_peak_city(**staffing) -> Scenario:
    """One station, 4 inspectors; a fifth of the day's calls arrive between 18:00 and 19:00."""
    hourly = [1.0] * 24
    hourly[18] = 23 / 4  # share 0.2 of the day in hour 18
    return one_station_city(
        inspectors=4, call_types={"incident": field_type(per_min=1.0 / 15, mean_service_min=SERVICE_MIN,
                                                         hourly_profile=hourly)},
        **({"staffing": staffing} if staffing else {}),
    )


def test_a_genuinely_overloaded_hour_is_flagged() -> None:
    scenario = evening_peak_city()
    (pool,) = pool_loads(scenario)
    calls_per_hour = (1.0 / 15) * MINUTES_PER_YEAR / WEEKS_PER_YEAR / 7 * 0.2
    assert pool.work_erlangs[18] == pytest.approx(calls_per_hour * SERVICE_MIN / 60)
    assert pool.weekly_load == pytest.approx(0.5, rel=0.01)  # fine on average
    assert pool.peak_load == pytest.approx(2.4, rel=0.01) and pool.peak_hour % 24 == 18
    assert pool.hours_at_or_above(1.0) == [18 + 24 * day for day in range(7)]
    assert pool.overloaded
    (line,) = pool_warnings([pool])
    assert "at Mon 18:00" in line and "7 hour(s) a week at 1 or more: Mon-Sun 18h" in line


def test_both_staffing_forms_are_judged_alike() -> None:
    roster = evening_peak_city()
    table = evening_peak_city(table=[{"station": "S1", "shift": "all", "weekdays": "Mon-Sun",
                                      "start_hour": 0, "hours": 24, "inspectors": 4}])
    (a,), (b,) = pool_loads(roster), pool_loads(table)
    np.testing.assert_array_equal(a.officers, b.officers)
    np.testing.assert_array_equal(a.work_erlangs, b.work_erlangs)
    gap = evening_peak_city(table=[{"station": "S1", "shift": "day", "weekdays": "Mon-Fri",
                                    "start_hour": 6, "hours": 18, "inspectors": 8},
                                   {"station": "S1", "shift": "weekend", "weekdays": "Sat;Sun",
                                    "start_hour": 22, "hours": 4, "inspectors": 2}])
    (pool,) = pool_loads(gap)
    assert pool.officers[6] == 8 and pool.officers[5] == 0 and pool.officers[5 * 24 + 23] == 2
    assert pool.officers[6 * 24 + 1] == 2  # Saturday's 22:00 crew still on duty at 01:00 on Sunday
    assert pool.officers[0] == 2  # and Sunday's until 02:00 on Monday, wrapping past the week's end
    assert np.isinf(pool.load[3]) and pool.overloaded
    assert "no one on duty" in pool_warnings([pool])[0]


def test_travel_counts_from_where_calls_really_start() -> None:
    """A hotspot 3 km from the only station adds the 3 km trip, not the 2/3 r of a disk round the station."""
    travel = {"model": "sqrt-linear"}
    far = one_station_city(call_types={"incident": field_type(per_min=0.01, mean_service_min=SERVICE_MIN,
                                                              spread="hotspots")},
                           travel=travel)
    data = far.model_dump(mode="json")
    data["city"]["hotspots"] = [{"name": "Market", "precinct": "P1", "lon": 0.027, "lat": 0.0, "radius_km": 0.1}]
    far = Scenario.model_validate(data)
    (pool,) = pool_loads(far)
    calls_per_hour = 0.01 * MINUTES_PER_YEAR / WEEKS_PER_YEAR / 168
    trip_min = pool.work_erlangs[0] * 60 / calls_per_hour - SERVICE_MIN
    assert trip_min == pytest.approx(TravelModel(far.travel).minutes(3.0, 0.0), rel=0.03)


def test_hours_are_written_as_a_planner_reads_them() -> None:
    assert hours_text([]) == "none"
    assert hours_text([18 + 24 * d for d in range(7)]) == "Mon-Sun 18h"
    assert hours_text([114, 115, 116, 140]) == "Fri 18-20h; Sat 20h"


def test_validate_prints_one_warning_line_per_overloaded_pool(tmp_path: Path, capsys) -> None:
    scenario = tmp_path / "peak.toml"
    hourly = ", ".join(["1.0"] * 18 + ["5.75"] + ["1.0"] * 5)
    scenario.write_text(f"""name = "peak"
[city]
districts = [{{ name = "Centre", population = 100000 }}]
precincts = [{{ name = "P1", district = "Centre", population = 100000, lon = 0.0, lat = 0.0, radius_km = 1.0 }}]
stations = [{{ name = "S1", kind = "fixed", precinct = "P1", lon = 0.0, lat = 0.0 }}]
[[staffing.table]]
station = "S1"
shift = "all"
weekdays = "Mon-Sun"
start_hour = 0
hours = 24
inspectors = 4
[travel]
model = "none"
[dispatch]
policy = "closest-available"
[demand.incident]
kind = "field"
priority = 2
yearly_volume = {MINUTES_PER_YEAR / 15}
hourly_profile = [{hourly}]
service = {{ dist = "exponential", mean_min = 30.0 }}
""", encoding="utf-8")
    assert main(["validate", str(scenario)]) == 0
    out = capsys.readouterr().out
    assert "Field load per dispatch pool (closest-available)" in out
    warnings = [line for line in out.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "reaches 2.40 at Mon 18:00" in warnings[0]
