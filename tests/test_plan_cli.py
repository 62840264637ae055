"""The planner's commands end to end on the small test city: plans as loadable variants, bad options exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from sim.cli import main
from sim.plan.on_duty import field_officers_on_duty
from sim.plan.requirement import requirement
from sim.plan.targets import DEFAULT_TARGETS, parse_target
from sim.scenario import load_scenario

CITY = Path(__file__).parent / "scenarios" / "city.toml"


def test_estimate_writes_a_week_per_pool(tmp_path, capsys):
    out = tmp_path / "estimate.json"
    assert main(["estimate", str(CITY), "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["pools"] == ["West", "East", "North"]
    assert np.array(data["load"]).shape == (3, 168)
    # Little's law over the week: the lagged load keeps the pointwise load's total
    assert np.sum(data["load"]) == pytest.approx(np.sum(data["pointwise_load"]), rel=1e-3)
    assert "priority 1: mean wait" in capsys.readouterr().out


def test_roster_without_headcount_covers_the_requirement(tmp_path):
    assert main(["plan", "roster", str(CITY), "--no-simulate", "--out", str(tmp_path), "--shift-hours", "8,12"]) == 0
    variant = load_scenario(tmp_path / "city-roster.toml")
    assert variant.staffing.table is not None
    base = load_scenario(CITY)
    need = requirement(base, [parse_target(t) for t in DEFAULT_TARGETS]).officers
    assert np.all(field_officers_on_duty(variant) >= need - 1e-9)
    plan = json.loads((tmp_path / "plan.json").read_text())
    assert plan["gap"] < 0.01 and plan["lp_bound"] <= plan["objective"] + 1e-9
    assert (tmp_path / "plan.html").is_file()


def test_roster_with_headcount_is_proved_by_simulation(tmp_path, capsys):
    assert main(["plan", "roster", str(CITY), "--headcount", "24", "--out", str(tmp_path), "--replications", "2",
                 "--days", "3", "--workers", "1", "--quiet"]) == 0
    text = capsys.readouterr().out
    assert "paired by replication" in text and "90th-percentile response time, priority 1" in text
    variant = load_scenario(tmp_path / "city-roster.toml")
    inspectors = sum(r.inspectors for r in variant.staffing.table)
    assert inspectors == 24
    plan = json.loads((tmp_path / "plan.json").read_text())
    assert plan["theta"] <= plan["theta_bound"] and plan["cover_gap"] < 0.05
    html = (tmp_path / "plan.html").read_text()
    assert 'id="figure-forest"' in html and 'id="figure-cover"' in html


def test_stations_plan_moves_the_kind(tmp_path):
    assert main(["plan", "stations", str(CITY), "--kind", "modular", "--objective", "median", "--no-simulate",
                 "--out", str(tmp_path)]) == 0
    variant = load_scenario(tmp_path / "city-modular-sites.toml")
    assert len(variant.city.all_stations) == len(load_scenario(CITY).city.all_stations)
    assert json.loads((tmp_path / "plan.json").read_text())["chosen"]


@pytest.mark.parametrize("argv,expected", [
    (["plan", "roster", "--target", "speed>=3"], "--target 'speed>=3': expected one of"),
    (["plan", "requirement", "--target", "delay_probability<=2"], "expected a share strictly between 0 and 1"),
    (["plan", "roster", "--headcount", "10", "--no-simulate"], "--headcount 10: expected more than"),
    (["plan", "roster", "--start-hours", "30", "--no-simulate"], "--start-hours 30: expected whole hours 0 to 23"),
    (["plan", "stations", "--count", "9999", "--no-simulate"], "--count 9999: expected 1 to"),
    (["plan", "stations", "--candidates", "nowhere.csv", "--no-simulate"], "--candidates nowhere.csv: cannot read"),
])
def test_bad_options_are_one_line_errors(argv, expected, capsys, tmp_path):
    scenario_first = argv[:2] + [str(CITY) if "--headcount" not in argv else "scenarios/almaty-2023.toml"]
    assert main(scenario_first + argv[2:] + ["--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and expected in err and "Traceback" not in err
