"""A 168-hour weekly profile is reproduced exactly, including weeks that do not factor into
an hour-of-day shape times a day-of-week shape."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from sim.model.city import build_city
from sim.model.demand import generate_calls
from sim.model.streams import Streams
from sim.scenario import ScenarioError, load_scenario
from sim.scenario.volumes import hourly_shares
from tests.cities import MINUTES_PER_YEAR, field_type, one_station_city

WEEKS = 60
PER_WEEK = 3000.0


def non_separable_week() -> list[float]:
    """A weekday shape plus a Friday-evening peak and a Sunday-morning lull no product can give."""
    hours = np.arange(168)
    weights = 1.0 + 0.5 * np.sin(2 * np.pi * (hours % 24 - 8) / 24)
    weights[4 * 24 + 19: 4 * 24 + 23] *= 4.0  # Friday 19-23 only
    weights[6 * 24 + 6: 6 * 24 + 11] *= 0.1  # Sunday 06-11 only
    return weights.tolist()


def test_each_hour_of_the_week_matches_the_weekly_profile_within_its_poisson_interval() -> None:
    week = np.array(non_separable_week())
    per_min = PER_WEEK / (7 * 1440)
    scenario = one_station_city(call_types={"incident": field_type(per_min, 10.0, weekly_profile=week.tolist())},
                                days=7 * WEEKS, warmup_days=0)
    calls = generate_calls(build_city(scenario), Streams(3, 0), total_days=7 * WEEKS)
    counts = np.bincount((calls.created_min // 60).astype(int) % 168, minlength=168)
    expected = per_min * MINUTES_PER_YEAR * 7 / 365 * WEEKS * week / week.sum()
    alpha = 0.01 / 168  # each hour at 1 - 0.01/168: all 168 hold together with 99% probability
    low, high = stats.poisson.ppf(alpha / 2, expected), stats.poisson.ppf(1 - alpha / 2, expected)
    outside = np.flatnonzero((counts < low) | (counts > high))
    assert outside.size == 0, f"hours of the week outside their Poisson interval: {outside.tolist()}"

    # The product of the week's own day and hour marginals misses it: the test can tell the two apart.
    grid = week.reshape(7, 24) / week.sum()
    separable = np.outer(grid.sum(axis=1), grid.sum(axis=0)).ravel() * expected.sum()
    missed = (counts < stats.poisson.ppf(alpha / 2, separable)) | (counts > stats.poisson.ppf(1 - alpha / 2, separable))
    assert missed.sum() >= 5


def test_hour_of_day_shares_follow_the_weekly_profile() -> None:
    week = non_separable_week()
    scenario = one_station_city(call_types={"incident": field_type(0.1, 10.0, weekly_profile=week)})
    shares = hourly_shares(scenario, scenario.demand["incident"])
    assert shares.sum() == pytest.approx(1.0)
    assert shares[20] == pytest.approx(np.array(week).reshape(7, 24)[:, 20].sum() / sum(week))


def test_weekly_profile_with_hourly_profile_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="weekly_profile: expected it instead of hourly_profile"):
        one_station_city(call_types={"incident": field_type(0.1, 10.0, weekly_profile=[1.0] * 168,
                                                               hourly_profile="flat")})


def _scenario_with(tmp_path: Path, profile_value: str) -> Path:
    path = tmp_path / "s.toml"
    path.write_text(f'''
name = "weekly"
[city]
districts = [{{ name = "Centre", population = 1000 }}]
precincts = [{{ name = "P1", district = "Centre", population = 1000, lon = 0.0, lat = 0.0, radius_km = 1.0 }}]
stations = [{{ name = "S1", kind = "fixed", precinct = "P1", lon = 0.0, lat = 0.0, inspectors = 2 }}]
[demand.incident]
kind = "field"
priority = 2
yearly_volume = 5000
weekly_profile = {profile_value}
service = {{ dist = "fixed", value_min = 20 }}
''', encoding="utf-8")
    return path


def test_weekly_profile_from_a_csv_in_either_layout(tmp_path: Path) -> None:
    week = non_separable_week()
    (tmp_path / "one.csv").write_text("weight\n" + "\n".join(f"{w:.6f}" for w in week) + "\n")
    rows = [f"{h},{w:.6f}" for h, w in reversed(list(enumerate(week)))]
    (tmp_path / "two.csv").write_text("hour_of_week,weight\n" + "\n".join(rows) + "\n")
    for name in ("one.csv", "two.csv"):
        scenario = load_scenario(_scenario_with(tmp_path, f'"{name}"'))
        assert scenario.demand["incident"].weekly_profile == pytest.approx(week, abs=1e-6)


@pytest.mark.parametrize("content, message", [
    ("weight\n" + "1\n" * 167, "expected 168 weights, got 167"),
    ("hour_of_week,weight\n" + "".join(f"{h},1\n" for h in range(167)) + "3,1\n", "line 169, column hour_of_week"),
    ("weight\n" + "1\n" * 100 + "x\n" + "1\n" * 67, "line 102, column 1"),
])
def test_a_bad_profile_csv_is_one_line_naming_file_and_line(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "week.csv").write_text(content)
    with pytest.raises(ScenarioError, match=message) as error:
        load_scenario(_scenario_with(tmp_path, '"week.csv"'))
    assert "week.csv" in str(error.value) and "\n" not in str(error.value)
