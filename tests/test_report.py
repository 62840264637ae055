"""HTML reports and charts without a browser: files, self-containment, figures and their numbers."""

from __future__ import annotations

import json
import math
import re
import shutil
import sys
from html import escape
from pathlib import Path

import pytest
from plotly.offline import get_plotlyjs

from sim.pipeline import Job, run_experiment
from sim.report import charts, labels
from sim.report.comparison_report import COMPARISON, write_comparison_report
from sim.report.headline import headline_numbers
from sim.report.images import (
    NoBrowser,
    NoKaleido,
    PngUnavailable,
    export_pngs,
    find_browser,
)
from sim.report.palette import metric_colour
from sim.report.run_data import NotARunFolder, load_run
from sim.report.run_report import REPORT, SECTIONS, run_figures, write_run_report
from sim.report.sentences import SENTENCE_ROWS, main_changes, summary_sentences
from sim.results.compare import Difference, paired_differences
from sim.results.storage import read_summary, summary_frame

from .cities import one_station_city

NAMES = ("almaty-2023", "almaty-no-modular")


@pytest.fixture(scope="module")
def folders(small_sweep: Path, tmp_path_factory) -> list[Path]:
    """Copies of the sweep's run folders (the reports are written into them)."""
    root = tmp_path_factory.mktemp("report")
    return [Path(shutil.copytree(small_sweep / name, root / name)) for name in NAMES]


@pytest.fixture(scope="module")
def report(folders) -> Path:
    return write_run_report(folders[0])


@pytest.fixture(scope="module")
def comparison(folders, tmp_path_factory) -> Path:
    return write_comparison_report(folders, tmp_path_factory.mktemp("comparison"))


@pytest.fixture(scope="module")
def differences(folders) -> list[Difference]:
    """What `policesim compare` computes for the two folders."""
    a, b = (summary_frame(read_summary(f)) for f in folders)
    return paired_differences(a, b)


def figure_data(html: str, div_id: str) -> tuple[list[dict], dict]:
    """The data and layout a page passes to Plotly.newPlot for the div `div_id`."""
    start = html.index(f'Plotly.newPlot(                        "{div_id}"')
    at = html.index("[", start)
    decoder = json.JSONDecoder()
    data, end = decoder.raw_decode(html, at)
    layout, _ = decoder.raw_decode(html, html.index("{", end))
    return data, layout


def outside_plotlyjs(html: str) -> str:
    return html.replace(get_plotlyjs(), "")


# --- the run report ----------------------------------------------------------------------------


def test_run_report_is_written_beside_the_results(report, folders):
    assert report == folders[0] / REPORT
    assert report.stat().st_size < 6_000_000          # plotly.js (~4.8 MB) and small figures


def test_run_report_is_self_contained(report):
    html = report.read_text()
    assert html.count(get_plotlyjs()) == 1
    assert html.count("plotly.js v") == 1
    rest = outside_plotlyjs(html)
    assert not re.search(r"<script[^>]*\bsrc\s*=", rest)
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", rest)
    assert "https://" not in rest and "http://" not in rest


def test_run_report_has_every_figure_and_the_headline(report, folders):
    html = report.read_text()
    assert html.count('class="plotly-graph-div"') == len(SECTIONS) + 1 == 7  # + formulas beside the simulation
    assert 'id="figure-estimate"' in html and (folders[0] / "estimate.json").is_file()
    for key, title, _ in SECTIONS:
        assert f'id="figure-{key}"' in html
        assert title in html
    data = load_run(folders[0], tables=False)
    assert escape(data.scenario["description"]) in html
    for h in headline_numbers(data.summary, data.scenario):
        assert math.isfinite(h.mean), h.metric
        assert escape(h.value_text) in html and escape(h.ci_text) in html
    manifest = data.manifest
    for key in ("scenario_hash", "seed", "package_version", "git_commit", "created"):
        assert str(manifest[key]) in html
    assert "How to read this" in html


def test_map_draws_polygons_on_plain_axes(folders):
    data = load_run(folders[0])
    fig = charts.district_map(data.summary, data.scenario)
    types = {trace.type for trace in fig.data}
    assert types == {"scatter"}                       # no geo, no tiles: nothing to fetch
    layout = fig.to_plotly_json()["layout"]
    assert not any(key.startswith(("geo", "mapbox", "map")) and key != "margin" for key in layout)
    polygons = [t for t in fig.data if t.fill == "toself"]
    features = data.scenario["city"]["boundaries"]["features"]
    rings = sum(len(f["geometry"]["coordinates"]) if f["geometry"]["type"] == "MultiPolygon" else 1
                for f in features)
    assert len(polygons) == rings
    lats = [y for t in polygons for y in t.y]
    mid = (min(lats) + max(lats)) / 2
    assert fig.layout.yaxis.scaleanchor == "x"
    assert fig.layout.yaxis.scaleratio == pytest.approx(1 / math.cos(math.radians(mid)), rel=0.02)
    colour_bar = next(t for t in fig.data if t.name == "districts")
    assert colour_bar.marker.showscale
    p90 = data.summary[(data.summary.metric == "response_p90_min") & (data.summary.by == "district")]
    expected = dict(zip(p90.group, p90["mean"]))
    districts = [h.split("</b>")[0].removeprefix("<b>") for h in colour_bar.hovertext]
    assert dict(zip(districts, colour_bar.marker.color)) == pytest.approx(expected)
    assert sorted(a.text.split("<br>")[0] for a in fig.layout.annotations) == sorted(f"<b>{d}</b>" for d in expected)
    station_traces = [t for t in fig.data if t.mode == "markers" and t.name != "districts"]
    assert {t.marker.symbol for t in station_traces} == {"circle", "diamond"}   # fixed and modular


def test_response_distribution_is_a_compact_ecdf(folders):
    data = load_run(folders[0])
    fig = charts.response_distribution(data.calls, data.scenario)
    field = data.calls[data.calls["kind"].astype(str) == "field"]
    assert len(fig.data) == field["priority"].nunique()
    for trace in fig.data:
        assert len(trace.x) == charts.ECDF_POINTS       # a fixed grid, not one point per call
        assert list(trace.y) == sorted(trace.y) and trace.y[0] >= 0 and trace.y[-1] <= 100
    targets = [s for s in fig.layout.shapes if s.line.dash == "dash"]
    assert targets and all(s.x0 == s.x1 for s in targets)


def test_same_metric_same_colour(folders):
    data = load_run(folders[0])
    figures = run_figures(data)
    green = metric_colour("within_target_share")
    assert figures["within_target"].data[0].marker.color == green
    walk_in = figures["walk_in"].data
    assert walk_in[0].marker.color == metric_colour("walk_in_wait_mean_min")
    assert walk_in[1].marker.color == metric_colour("abandonment_share")
    cards = {h.metric: h.colour for h in headline_numbers(data.summary, data.scenario)}
    assert cards["within_target_share"] == green
    bars = charts.scenario_bars({"x": data.summary})
    assert [t.marker.color for t in bars.data] == [metric_colour(m) for m, _, _ in charts.COMPARED_HEADLINE]
    assert len({metric_colour(m) for m in ("response_p90_min", "within_target_share", "walk_in_wait_mean_min",
                                            "abandonment_share", "utilisation_busy")}) == 5


def test_utilisation_heatmap_is_busy_over_on_duty(folders):
    data = load_run(folders[0])
    table = charts.busy_share_by_hour(data.staff)
    staff = data.staff[(data.staff.role == "inspector") & (data.staff.district == "Alatau")
                       & (data.staff.hour_of_day == 14)]
    expected = (staff.field_min.sum() + staff.desk_min.sum()) / staff.on_duty_min.sum()
    assert table.loc["Alatau", 14] == pytest.approx(expected)
    assert table.index[0] == "whole city" and list(table.columns) == list(range(24))
    fig = charts.utilisation_heatmap(data.staff)
    assert fig.data[0].z[1][14] == pytest.approx(expected * 100, abs=0.06)


def test_not_a_run_folder(tmp_path):
    with pytest.raises(NotARunFolder, match="not a run folder"):
        write_run_report(tmp_path)


# --- the comparison report ---------------------------------------------------------------------


def test_comparison_report_is_self_contained_with_its_figures(comparison):
    assert comparison.name == COMPARISON
    html = comparison.read_text()
    assert html.count(get_plotlyjs()) == 1
    rest = outside_plotlyjs(html)
    assert not re.search(r"<script[^>]*\bsrc\s*=", rest)
    assert "https://" not in rest and "http://" not in rest
    # side by side, forest, change map, districts
    assert html.count('class="plotly-graph-div"') == 4
    for div in ("figure-side_by_side", "figure-forest-1", "figure-change_map-1", "figure-districts"):
        assert f'id="{div}"' in html


def test_forest_plot_numbers_are_those_of_paired_differences(comparison, differences):
    data, layout = figure_data(comparison.read_text(), "figure-forest-1")
    by_key = {(d.metric, d.by, d.group): d for d in differences}
    shown = set()
    for trace in data:
        metric, by, group, diff, low, high, a, b = trace["customdata"][0]
        d = by_key[(metric, by, group)]
        assert (diff, low, high, a, b) == (d.diff, d.low, d.high, d.a, d.b)          # exactly
        factor = labels.scale(metric)
        assert trace["x"][0] == d.diff * factor
        assert trace["x"][0] - trace["error_x"]["arrayminus"][0] == pytest.approx(d.low * factor)
        assert trace["x"][0] + trace["error_x"]["array"][0] == pytest.approx(d.high * factor)
        assert (trace["marker"]["symbol"] == "circle") == d.significant
        shown.add((metric, by, group))
    expected = {(d.metric, d.by, d.group) for d in charts.forest_rows(differences)}
    assert shown == expected and len(shown) >= 10
    assert any(shape.get("x0") == 0 and shape.get("x1") == 0 for shape in layout["shapes"])   # zero line


def test_change_map_shows_paired_district_changes(comparison, differences):
    data, _ = figure_data(comparison.read_text(), "figure-change_map-1")
    colour_bar = next(t for t in data if t.get("name") == "districts")
    expected = {d.group: d.diff for d in differences if d.metric == "response_p90_min" and d.by == "district"}
    hover = colour_bar["hovertext"]
    got = {h.split("</b>")[0].removeprefix("<b>"): v for h, v in zip(hover, colour_bar["marker"]["color"])}
    assert got == expected
    assert colour_bar["marker"]["cmin"] == -colour_bar["marker"]["cmax"]           # diverging around zero
    closed = [t for t in data if str(t.get("name", "")).startswith("closed station")]
    assert closed and len(closed[0]["x"]) == 37                                    # the modular stations


def test_summary_sentences_come_from_the_differences(comparison, differences):
    sentences = summary_sentences(differences, NAMES)
    by_key = {(d.metric, d.by, d.group): d for d in differences}
    clear_headline = [by_key[key] for key in SENTENCE_ROWS if key in by_key and by_key[key].significant]
    named = main_changes(differences)
    assert 1 <= len(named) <= 3 and all(d.significant for d in named)
    assert all(d in clear_headline for d in named[:len(clear_headline)])  # headline measures first
    for d in named:
        a = f"{d.a * 100:.0f}%" if labels.is_share(d.metric) else f"{d.a:.1f}"
        b = f"{d.b * 100:.0f}%" if labels.is_share(d.metric) else f"{d.b:.1f}"
        assert f"from {a} to {b}" in sentences[0] and labels.fmt_change(d.metric, d.diff) in sentences[0]
    assert sum(s.count("compared with") + s.count("Compared with") for s in sentences) == 1
    shown = charts.forest_rows(differences)
    assert sentences[-1] == (f"{sum(d.significant for d in shown)} of the {len(shown)} differences in the chart "
                             "below are clear changes; the chart and the table show them all.")
    html = comparison.read_text()
    assert all(escape(s) in html for s in sentences)


def test_summary_sentence_wording():
    nan = float("nan")
    rise = Difference("walk_in_wait_mean_min", "all", "all", 7.04, 9.31, 2.27, 1.1, 3.45, 0.5, 4.0, 10)
    flat = Difference("response_p90_min", "priority", "1", 25.0, 25.5, 0.5, -1.2, 2.2, -3.0, 4.0, 10)
    share = Difference("abandonment_share", "all", "all", 0.10, 0.04, -0.06, -0.08, -0.04, -0.09, -0.03, 10)
    desk = Difference("desk_wait_mean_min", "all", "all", 170.0, 140.0, -30.0, -45.0, -15.0, -50.0, -10.0, 10)
    single = Difference("within_target_share", "all", "all", 0.8, 0.9, 0.1, nan, nan, nan, nan, 1)
    sentences = summary_sentences([rise, flat, share, desk, single], ("base", "closed"))
    assert sentences[0] == (
        "The 3 main changes in closed, compared with base: the share of walk-ins who gave up waiting falls from "
        "10% to 4% (-6.0 percentage points, 95% CI -8.0 to -4.0); the mean walk-in wait rises from 7.0 to 9.3 "
        "minutes (+2.3 min, 95% CI +1.1 to +3.5); and the mean wait of desk work falls from 170.0 to 140.0 "
        "minutes (-30.0 min, 95% CI -45.0 to -15.0).")
    assert summary_sentences([rise], ("base", "closed"))[0] == (
        "The main change in closed, compared with base: the mean walk-in wait rises from 7.0 to 9.3 minutes "
        "(+2.3 min, 95% CI +1.1 to +3.5).")
    alone = summary_sentences([flat], ("base", "closed"))
    assert alone[0] == ("No clear change in the 90th-percentile response time to priority-1 calls: 25.0 vs 25.5 "
                        "minutes (+0.5 min, 95% CI -1.2 to +2.2).")
    assert summary_sentences([flat, single], ("base", "closed"))[0] == (
        "No headline measure changes clearly from base to closed: every 95% confidence interval includes zero.")


def test_comparison_needs_two_run_folders(folders, tmp_path):
    with pytest.raises(ValueError):
        write_comparison_report(folders[:1], tmp_path)
    with pytest.raises(NotARunFolder):
        write_comparison_report([folders[0], tmp_path], tmp_path)
    path = write_comparison_report(folders, tmp_path / "named.html")
    assert path == tmp_path / "named.html" and path.is_file()


def test_reports_of_a_city_without_boundaries_and_one_replication(tmp_path):
    """No boundary data (districts drawn as dots), no intervals, no priority-1 calls: still complete."""
    scenario = one_station_city(days=2, warmup_days=1)
    result = run_experiment([Job(scenario, tmp_path / "a")], tmp_path / ".parts", replications=1, seed=1,
                            workers=1, show_progress=False)
    assert not result.failures
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    html = write_run_report(tmp_path / "a").read_text()
    assert html.count('class="plotly-graph-div"') == 7  # six sections and the formulas beside the simulation
    assert "no interval (one replication)" in html and "n/a" in html
    fig = charts.district_map(load_run(tmp_path / "a").summary, scenario.model_dump(mode="json"))
    assert not [t for t in fig.data if t.fill == "toself"]
    assert next(t for t in fig.data if t.name == "districts").marker.size == 44
    comparison = write_comparison_report([tmp_path / "a", tmp_path / "b"], tmp_path).read_text()
    assert "test-city (a)" in comparison and "test-city (b)" in comparison   # same name, told apart
    assert comparison.count('class="plotly-graph-div"') == 4


# --- PNG export ---------------------------------------------------------------------------------


def test_export_pngs_without_a_browser_says_so(folders, tmp_path, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "nowhere" / "chromium"))
    monkeypatch.setenv("PATH", "")
    with pytest.raises(NoBrowser) as caught:
        export_pngs(folders[0])
    assert "\n" not in str(caught.value) and "BROWSER_PATH" in str(caught.value)
    monkeypatch.delenv("BROWSER_PATH")
    with pytest.raises(NoBrowser, match="no Chromium found"):
        export_pngs(folders[0])
    assert not (folders[0] / "png").exists()


def test_export_pngs_without_kaleido_says_so(folders, monkeypatch):
    if find_browser() is None:
        pytest.skip("no Chromium found: NoBrowser comes first")
    monkeypatch.setitem(sys.modules, "kaleido", None)          # import kaleido now raises ImportError
    with pytest.raises(NoKaleido, match="kaleido"):
        export_pngs(folders[0])
    assert issubclass(NoKaleido, PngUnavailable) and issubclass(NoBrowser, PngUnavailable)


@pytest.mark.skipif(find_browser() is None, reason="no Chromium found (BROWSER_PATH, chromium on PATH)")
def test_export_pngs_writes_every_chart(folders):
    paths = export_pngs(folders[0])
    assert [p.stem for p in paths] == [key for key, _, _ in SECTIONS]
    for path in paths:
        assert path.parent == folders[0] / "png"
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 10_000


def test_run_report_shows_calls_nobody_took_only_when_there_were_some(tmp_path):
    from .cities import field_type

    loss = one_station_city(inspectors=1, days=1, warmup_days=0.5, call_types={
        "incident": field_type(per_min=0.1, mean_service_min=10.0, max_wait_min=0)})
    plain = one_station_city(days=1, warmup_days=0.5)
    for name, scenario in (("loss", loss), ("plain", plain)):
        result = run_experiment([Job(scenario, tmp_path / name)], tmp_path / f".parts-{name}", replications=2,
                                seed=1, workers=1, show_progress=False)
        assert not result.failures
    summary = load_run(tmp_path / "loss").summary
    referred = summary[(summary.metric == "referred_share") & (summary.by == "all")].iloc[0]["mean"]
    assert 0.3 < referred < 0.7  # Erlang B(1, 1) = 0.5
    html = write_run_report(tmp_path / "loss").read_text()
    assert "Calls nobody took" in html and labels.fmt("referred_share", referred) in html
    assert "Calls nobody took" not in write_run_report(tmp_path / "plain").read_text()


def test_the_response_curve_counts_calls_at_most_each_grid_point_as_a_sort_would():
    """`_at_most` counts per grid cell instead of sorting; it must agree with the sorted count,
    values exactly on grid points and beyond the grid included."""
    import numpy as np

    from sim.report.charts import _at_most

    rng = np.random.default_rng(3)
    grid = np.linspace(0.0, 50.0, 101)
    for values in (rng.exponential(15.0, 5000), rng.choice(grid, 2000), np.array([0.0, 50.0, 80.0]),
                   np.zeros(0)):
        np.testing.assert_array_equal(_at_most(values, grid),
                                      np.searchsorted(np.sort(values), grid, side="right"))
