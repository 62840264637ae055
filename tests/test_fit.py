"""policesim fit: a year of the model's own calls, written as a tidy log and fitted, gives back the
scenario it came from (volumes within 3%, the 168-hour profile within its sampling error, on-scene
means within 5%); the San Francisco scenario is what fit makes of the shared export."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.cli import main
from sim.fit.fitting import fit_log
from sim.fit.writer import write_scenario
from sim.logs import read_tidy_log, write_tidy_log
from sim.logs.from_records import records_to_tidy
from sim.model.city import build_city
from sim.model.demand import weekly_shape
from sim.model.simulation import simulate
from sim.scenario import load_scenario
from sim.scenario.volumes import type_volume

ROOT = Path(__file__).resolve().parent.parent
ROUNDTRIP = ROOT / "tests" / "scenarios" / "roundtrip.toml"
BOUNDARIES = ROOT / "tests" / "scenarios" / "city" / "districts.geojson"
SF_DATA = ROOT / "scenarios" / "data" / "sf"


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory):
    """The known scenario, a year of its calls as a tidy log on disk, and the fit of that log."""
    scenario = load_scenario(ROUNDTRIP)
    log_path = tmp_path_factory.mktemp("roundtrip") / "model-log.csv"
    write_tidy_log(records_to_tidy(simulate(scenario).calls), log_path)
    log = read_tidy_log(log_path)
    return scenario, log, fit_log(log, str(log_path), BOUNDARIES, by="call_type", cell_km=1.0)


def test_volumes_come_back_within_3_percent(round_trip):
    scenario, log, fit = round_trip
    assert {t.name for t in fit.demand.types} == set(scenario.demand)
    assert fit.demand.span_days == pytest.approx(364, abs=0.1) and not fit.demand.pooled
    for t in fit.demand.types:
        truth = type_volume(scenario, scenario.demand[t.name])
        assert t.yearly_volume == pytest.approx(truth, rel=0.03), t.name
        assert t.priority_rank == scenario.demand[t.name].priority


def test_weekly_profile_comes_back_within_its_sampling_error(round_trip):
    """Each hour's fitted share within 4 binomial standard errors of the true share (all 168 hours
    at once: a false alarm about 1% of the time), and the counts pass a chi-square test."""
    scenario, log, fit = round_trip
    layout = build_city(scenario)
    for t in fit.demand.types:
        origin = next(i for i, o in enumerate(layout.origins) if o.call_type == t.name)
        truth = weekly_shape(layout, origin)[0]
        fitted = t.weekly_profile / t.weekly_profile.sum()
        error = np.sqrt(truth * (1 - truth) / t.calls)
        assert np.all(np.abs(fitted - truth) <= 4 * error), t.name
        expected = truth * fit.demand.exposure_hours / fit.demand.exposure_hours.mean()
        chi2 = stats.chisquare(t.observed_counts, expected / expected.sum() * t.calls)
        assert chi2.pvalue > 0.001, t.name
    night_out = next(t for t in fit.demand.types if t.name == "urgent").weekly_profile
    friday_late, tuesday_late = night_out[4 * 24 + 21], night_out[1 * 24 + 21]
    assert friday_late / tuesday_late == pytest.approx(4, rel=0.35)  # the non-separable night is kept


def test_on_scene_means_within_5_percent_and_the_right_shapes(round_trip):
    scenario, log, fit = round_trip
    for name, fitted in fit.on_scene.items():
        truth = scenario.demand[name].service
        assert fitted.distribution_mean == pytest.approx(truth.mean, rel=0.05), name
        assert fitted.n > 10_000
    assert fit.on_scene["urgent"].chosen == "lognormal"
    assert fit.on_scene["routine"].chosen == "gamma"
    assert fit.on_scene["report"].best_parametric in ("exponential", "gamma")
    assert fit.on_scene["report"].ks_pvalue > 0.01


def test_fitted_scenario_is_valid_and_places_calls_where_the_log_did(round_trip, tmp_path):
    scenario, log, fit = round_trip
    out = write_scenario(fit, tmp_path / "fitted.toml", "fitted")
    fitted = load_scenario(out)
    assert "ESTIMATE" in out.read_text()
    for name in scenario.demand:
        assert fitted.demand[name].yearly_volume == pytest.approx(
            next(t.yearly_volume for t in fit.demand.types if t.name == name), rel=1e-3)
    share = {d: sum(h.weight for h in fitted.city.hotspots if h.precinct == d) for d in fit.district_calls}
    total = sum(share.values())
    observed = log["district"].value_counts(normalize=True)
    for district, weight in share.items():
        assert weight / total == pytest.approx(observed[district], abs=0.02), district


def test_sf_scenario_is_the_fit_of_the_shared_export(tmp_path, capsys):
    tidy = tmp_path / "sf.csv"
    assert main(["import", str(SF_DATA / "calls_2026-01-15_17.csv"), "--format", "sf", "--out", str(tidy)]) == 0
    out = tmp_path / "sf-2026-01.toml"
    assert main(["fit", str(tidy), "--city", str(SF_DATA / "police_districts.geojson"), "--out", str(out),
                 "--report", str(tmp_path / "fit.html")]) == 0
    committed = load_scenario(ROOT / "scenarios" / "sf-2026-01.toml")
    fitted = load_scenario(out)
    raw = pd.read_csv(SF_DATA / "calls_2026-01-15_17.csv", dtype=str, keep_default_na=False)
    received = pd.to_datetime(raw["received_datetime"], format="%Y/%m/%d %I:%M:%S %p")
    demand = raw[(raw["agency"] == "Police") & (raw["onview_flag"] == "N") & (received >= "2026-01-15")]
    span_days = (received[demand.index].max() - received[demand.index].min()) / pd.Timedelta(days=1)
    for label, count in demand.groupby("priority_original").size().items():
        name = f"priority-{label.lower()}"
        for scenario in (committed, fitted):
            assert scenario.demand[name].yearly_volume == pytest.approx(count / span_days * 365, rel=1e-3)
    assert math.isclose(sum(s.inspectors for s in committed.city.stations),
                        sum(s.inspectors for s in fitted.city.stations))
    text = (ROOT / "scenarios" / "sf-2026-01.toml").read_text()
    assert "ESTIMATE" in text and "stations" in text
    html = (tmp_path / "fit.html").read_text()
    assert "Time on scene" in html and "Where calls start" in html and "Plotly" in html


def test_fit_refuses_a_raw_export_and_missing_boundaries(tmp_path, capsys):
    assert main(["fit", str(SF_DATA / "calls_2026-01-15_17.csv"), "--city", str(SF_DATA / "police_districts.geojson"),
                 "--out", str(tmp_path / "x.toml")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "row 1" in err and "policesim import" in err
    tidy = tmp_path / "sf.csv"
    assert main(["import", str(SF_DATA / "calls_2026-01-15_17.csv"), "--format", "sf", "--out", str(tidy)]) == 0
    capsys.readouterr()
    assert main(["fit", str(tidy), "--city", str(tmp_path / "none.geojson"), "--out", str(tmp_path / "x.toml")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "none.geojson" in err


def test_sf_replay_scenario_replays_every_public_call_of_the_window():
    replay = load_scenario(ROOT / "scenarios" / "sf-2026-01-replay.toml")
    raw = pd.read_csv(SF_DATA / "calls_2026-01-15_17.csv", dtype=str, keep_default_na=False)
    received = pd.to_datetime(raw["received_datetime"], format="%Y/%m/%d %I:%M:%S %p")
    public = raw[(raw["agency"] == "Police") & (raw["onview_flag"] == "N") & (received >= "2026-01-15")]
    calls = replay.demand_log.calls
    assert sorted(calls.log_call_id) == sorted(public["id"])


def test_fit_by_call_type_pools_rare_types_per_priority_and_keeps_the_total():
    log = read_tidy_log(SF_DATA / "calls-tidy.csv")
    by_priority = fit_log(log, "sf", SF_DATA / "police_districts.geojson")
    by_type = fit_log(log, "sf", SF_DATA / "police_districts.geojson", by="call_type", min_calls=30)
    assert sum(t.calls for t in by_type.demand.types) == sum(t.calls for t in by_priority.demand.types) == 1390
    assert all(t.calls >= 30 for t in by_type.demand.types)
    assert {"other-a", "other-b", "other-c"} <= {t.name for t in by_type.demand.types}
