"""The comparison report: scenarios side by side and their paired differences, in comparison.html."""

from __future__ import annotations

from html import escape
from pathlib import Path

import plotly.graph_objects as go

from ..results.compare import Difference, paired_differences
from . import charts
from .html import beside, figure_html, section, write_page
from .run_data import RunData, load_run
from .limitations import limitations_html
from .run_report import NOT_CAPTURED, provenance_html
from .sentences import summary_sentences
from .tables import change_table_html

COMPARISON = "comparison.html"

HOW_TO_READ = """
<ul>
<li>Every scenario was simulated with the same seeds, so replication 1 of one scenario met the
same calls at the same moments as replication 1 of the other. Differences are taken replication
by replication (<i>paired</i>), which removes most of the chance variation the runs share.</li>
<li>A difference is a <b>clear change</b> when its 95% confidence interval does not include zero:
it is then very unlikely to be an accident of the random calls.</li>
<li>Changes are always the later scenario minus the first: a positive change in response time
means slower responses; a positive change in the share within target means more calls on time.</li>
</ul>
"""


def comparisons(runs: list[RunData]) -> list[list[Difference]]:
    """Paired differences of each later run against the first (as `policesim compare` computes them)."""
    return [paired_differences(runs[0].summary, run.summary) for run in runs[1:]]


def display_names(runs: list[RunData]) -> list[str]:
    """Scenario names, made unique with the folder name where two runs share one."""
    names = [run.name for run in runs]
    return [f"{n} ({run.folder.name})" if names.count(n) > 1 else n for n, run in zip(names, runs)]


def comparison_figures(runs: list[RunData], differences: list[list[Difference]]) -> dict[str, go.Figure]:
    """Keys: side_by_side, forest-<i> and change_map-<i> for each later run i (1, 2, ...), districts."""
    names = display_names(runs)
    summaries = dict(zip(names, (run.summary for run in runs)))
    figures = {"side_by_side": charts.scenario_bars(summaries)}
    for i, (run, diffs) in enumerate(zip(runs[1:], differences), start=1):
        pair = (names[0], names[i])
        figures[f"forest-{i}"] = charts.forest_plot(diffs, pair)
        figures[f"change_map-{i}"] = charts.change_map(diffs, runs[0].scenario, run.scenario, pair)
    figures["districts"] = charts.district_bars(summaries)
    return figures


def _seed_warnings(runs: list[RunData]) -> str:
    base = runs[0].manifest.get("seed")
    lines = [f"{escape(run.name)} used seed {escape(str(run.manifest.get('seed')))}, {escape(runs[0].name)} "
             f"used {escape(str(base))}: its replications are not paired by common random numbers, so the "
             "intervals below are wider than they need be." for run in runs[1:] if run.manifest.get("seed") != base]
    return "".join(f'<p class="warning">{line}</p>' for line in lines)


def comparison_html(runs: list[RunData]) -> tuple[str, str]:
    differences = comparisons(runs)
    figures = comparison_figures(runs, differences)
    names = display_names(runs)
    base = names[0]
    title = f"{', '.join(names[1:])} compared with {base}"
    scenarios = "".join(f"<li><b>{escape(name)}</b>: {escape(str(run.scenario.get('description', '')))}</li>"
                        for name, run in zip(names, runs))
    body = (f"<header><h1>{escape(title)}</h1><ul class=\"description\">{scenarios}</ul>"
            f"<p class=\"meta\">Differences are paired by replication; each comes with its 95% confidence "
            f"interval (see <a href=\"#how-to-read\">how to read this</a>).</p></header>")
    body += _seed_warnings(runs)
    for name, diffs in zip(names[1:], differences):
        text = " ".join(summary_sentences(diffs, (base, name)))
        body += f'<p class="summary" data-scenario="{escape(name)}">{escape(text)}</p>'
    body += section("The scenarios side by side",
                    "Each panel shows one headline number for every scenario, on the same axis (the first "
                    "scenario solid, the others hatched).",
                    figure_html(figures["side_by_side"], "figure-side_by_side"), anchor="side-by-side")
    for i, (name, diffs) in enumerate(zip(names[1:], differences), start=1):
        body += section(f"What changes: {name} minus {base}",
                        "One row per measure: the dot is the paired difference, the bar its 95% confidence "
                        "interval, the vertical line no change. Filled dots and bold labels are clear changes.",
                        figure_html(figures[f"forest-{i}"], f"figure-forest-{i}"), anchor=f"forest-{i}")
        body += section(f"Where it changes: {name} vs {base}",
                        "Change in the time within which 9 in 10 field calls are reached, by district: red "
                        "districts get slower, blue ones faster. Crosses mark stations the scenario closes.",
                        beside(figure_html(figures[f"change_map-{i}"], f"figure-change_map-{i}"),
                               change_table_html(diffs, (base, name))),
                        anchor=f"map-{i}")
    body += section("Districts side by side",
                    "The time within which 9 in 10 field calls are reached, by district, for each scenario "
                    "(the first scenario solid, the others hatched), with 95% confidence intervals.",
                    figure_html(figures["districts"], "figure-districts"), anchor="districts")
    body += section(NOT_CAPTURED, "Read every difference above with these in mind.",
                    limitations_html(list(zip(names, (run.scenario for run in runs)))), anchor="not-captured")
    body += section("How to read this", "", f'<div class="howto">{HOW_TO_READ}</div>', anchor="how-to-read")
    body += section("Where these numbers come from", "", provenance_html([run.manifest for run in runs]),
                    anchor="provenance")
    return title, body


def write_comparison_report(folders: list[Path], out: Path) -> Path:
    """Write the comparison of run `folders` (the first is the base) to `out` (a folder, or a .html path)."""
    if len(folders) < 2:
        raise ValueError("a comparison needs at least two run folders")
    runs = [load_run(Path(f), tables=False) for f in folders]
    out = Path(out)
    path = out if out.suffix == ".html" else out / COMPARISON
    title, body = comparison_html(runs)
    return write_page(path, title, body)
