"""The run report: one self-contained report.html beside a run's results, for decision-makers."""

from __future__ import annotations

from html import escape
from pathlib import Path

import plotly.graph_objects as go

from . import charts
from .estimate_chart import estimate_figure, estimate_table_html
from .headline import Headline, headline_numbers
from .html import beside, figure_html, section, write_page
from .limitations import limitations_html
from .run_data import RunData, load_run
from .tables import any_left, district_table_html, left_table_html

REPORT = "report.html"
NOT_CAPTURED = "What this model does not capture"

# (figure key, section title, plain-language introduction)
SECTIONS = (
    ("map", "Where calls wait longest",
     ("Each district is shaded by the time within which 9 in 10 of its field calls are reached "
      "(darker = slower). Dots and diamonds are stations. Hover over a district for its numbers.")),
    ("response", "How fast field calls are reached",
     ("Each line climbs as more calls are reached: read across at a time on the bottom axis to see "
      "which share of calls had an officer on scene by then. The dashed line is the target.")),
    ("within_target", "Which districts meet their targets",
     ("Share of field calls in each district reached within their priority's target time. Whiskers "
      "show the 95% confidence interval; the dashed line is the whole city.")),
    ("utilisation", "When the city runs short",
     ("Share of inspectors' on-duty time spent on calls and desk work, by hour of day. Dark cells "
      "are hours when few inspectors are free for a new call. Values above 100% mean work ran past "
      "the end of shifts (overtime).")),
    ("stations", "How busy each shift and station is",
     ("Share of on-duty time the officers of each shift and each station spent travelling to calls, on "
      "scene, on paperwork and at the desk, with 95% confidence intervals. A station near 100% has no "
      "one spare when a call comes; one far below may have officers to move.")),
    ("walk_in", "People who come to a station",
     ("Average wait of walk-in visitors and the share who gave up waiting, by type of station, "
      "with 95% confidence intervals.")),
)

LEFT_INTRO = ("Share of field calls, by priority, that no officer took: referred elsewhere (resolved by phone or "
              "passed to another service) after waiting as long as the scenario allows, or cancelled by a "
              "caller who no longer needed the police. Brackets: 95% confidence interval. These calls count "
              "as late in the share within target once their target time has passed.")

HOW_TO_READ = """
<ul>
<li><b>Simulated, not observed.</b> The numbers come from simulating the scenario's staff,
stations and calls many times over; each repeat is a <i>replication</i> with different random
calls. Numbers shown are averages over the replications.</li>
<li><b>95% CI</b> (confidence interval) is the range the long-run average is very likely to lie
in. Wide intervals mean more replications are needed before reading much into small
differences.</li>
<li><b>Response time</b> runs from the call to the first officer arriving. The
<b>median</b> is the time within which half of the calls are reached; the <b>90th percentile</b>
is the time within which 9 in 10 are reached, which shows the long waits a median hides.</li>
<li><b>Within target</b> counts a call as late if it was reached after its priority's target
time, or was still waiting when the target time had passed.</li>
<li><b>Utilisation</b> is the share of on-duty time spent on calls (travel and work on scene) and
desk work; the rest goes to prevention work and waiting for calls.</li>
</ul>
"""


def run_figures(data: RunData) -> dict[str, go.Figure]:
    """The run report's charts, keyed and ordered as in SECTIONS (also what `export_pngs` writes);
    a run folder written before officer-level results has no `stations` chart."""
    summary = data.summary
    figures = {
        "map": charts.district_map(summary, data.scenario),
        "response": charts.response_distribution(data.calls, data.scenario),
        "within_target": charts.within_target_by_district(summary),
        "utilisation": charts.utilisation_heatmap(data.staff),
        "walk_in": charts.walk_in_queues(summary, data.scenario),
    }
    if ((summary.metric == "utilisation_busy") & (summary.by == "station")).any():
        figures["stations"] = charts.station_shift_utilisation(summary)
    return {key: figures[key] for key, _, _ in SECTIONS if key in figures}


def cards_html(numbers: list[Headline]) -> str:
    cards = []
    for h in numbers:
        cards.append(
            f'<div class="card" style="--colour: {h.colour}"><div class="title">{escape(h.title)}</div>'
            f'<div class="value">{escape(h.value_text)}</div>'
            f'<div class="ci">{escape(h.ci_text or "no interval (one replication)")}</div>'
            f'<div class="note">{escape(h.note)}</div></div>')
    return f'<div class="cards">{"".join(cards)}</div>'


def provenance_html(manifests: list[dict]) -> str:
    """A table of each run's provenance: scenario, hash, seed, replications, version, commit, date."""
    fields = (("scenario", "scenario"), ("scenario_hash", "scenario hash"), ("seed", "seed"),
              ("replications", "replications"), ("horizon_days", "simulated days"),
              ("warmup_days", "warm-up days"), ("package_version", "policesim version"),
              ("git_commit", "git commit"), ("created", "created"))
    head = "".join(f"<th>{escape(label)}</th>" for _, label in fields)
    rows = "".join("<tr>" + "".join(f"<td>{escape(str(m.get(key, '')))}</td>" for key, _ in fields) + "</tr>"
                   for m in manifests)
    return f'<table class="provenance"><tr>{head}</tr>{rows}</table>'


def header_html(name: str, description: str, manifest: dict) -> str:
    return (f"<header><h1>{escape(name)}</h1><p class=\"description\">{escape(description)}</p>"
            f"<p class=\"meta\">Simulated {manifest.get('horizon_days', '?'):g} days after "
            f"{manifest.get('warmup_days', 0):g} warm-up days, {manifest.get('replications', '?')} "
            "replications. Each number: mean over replications with its 95% confidence interval "
            "(see <a href=\"#how-to-read\">how to read this</a>).</p></header>")


def run_report_html(data: RunData) -> tuple[str, str]:
    """Title and body of the report (figures in SECTIONS order after the headline cards)."""
    figures = run_figures(data)
    description = str(data.scenario.get("description") or data.manifest.get("description") or "")
    body = header_html(data.name, description, data.manifest)
    body += cards_html(headline_numbers(data.summary, data.scenario))
    for key, title, intro in SECTIONS:
        if key not in figures:
            continue  # a run folder written before officer-level results
        content = figure_html(figures[key], f"figure-{key}")
        if key == "map":
            content = beside(content, district_table_html(data.summary))
        body += section(title, escape(intro), content, anchor=key)
        if key == "within_target" and any_left(data.summary):
            body += section("Calls nobody took", escape(LEFT_INTRO), left_table_html(data.summary), anchor="left")
    if data.estimate is not None and data.staff is not None:
        body += estimate_section(data)
    body += section(NOT_CAPTURED, "Read every number above with these in mind.",
                    limitations_html([(data.name, data.scenario)]), anchor="not-captured")
    body += section("How to read this", "", f'<div class="howto">{HOW_TO_READ}</div>', anchor="how-to-read")
    body += section("Where these numbers come from",
                    "Rerunning the same scenario file (same hash) with the same seed and version "
                    "gives the same numbers.", provenance_html([data.manifest]), anchor="provenance")
    return f"{data.name}: simulated police response", body


def estimate_section(data: RunData) -> str:
    """Queueing formulas beside the simulation, from the run's estimate.json."""
    rows = data.summary[(data.summary["metric"] == "response_mean_min") & (data.summary["by"] == "priority")]
    simulated = {str(r.group): float(r.mean) for r in rows.itertuples(index=False)}
    figure = estimate_figure(data.estimate, data.staff, float(data.manifest.get("horizon_days") or 1.0))
    content = beside(figure_html(figure, "figure-estimate"), estimate_table_html(data.estimate, simulated))
    return section("Formulas beside the simulation",
                   escape("Queueing formulas (each hour as a steady M/M/s queue with the lagged load, "
                          "Erlang C and Cobham's priorities) against the simulated figures. Where they part, "
                          "what the formulas leave out matters: dispatch by precinct, travel, preemption, "
                          "work run past a shift's end."), content, anchor="estimate")


def write_run_report(folder: Path) -> Path:
    """Write `folder/report.html` for the run folder `folder`; returns its path."""
    folder = Path(folder)
    title, body = run_report_html(load_run(folder))
    return write_page(folder / REPORT, title, body)
