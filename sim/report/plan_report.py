"""plan.html: what the planner proposes and what the simulation says it changes, offline.

Takes plain data (the planner's arrays and the paired differences), never the planner itself,
so the report layer stays below the planner.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..results.compare import Difference
from .charts import forest_plot
from .html import figure_html, section, write_page

DAY_TICKS = {"tickvals": list(range(0, 168, 24)), "ticktext": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]}


def cover_chart(pools: Sequence[str], required: np.ndarray, before: np.ndarray, after: np.ndarray) -> go.Figure:
    """Per pool: officers on duty needed, rostered before, and rostered by the plan, by hour of the week."""
    fig = make_subplots(rows=len(pools), cols=1, shared_xaxes=True, subplot_titles=list(pools),
                        vertical_spacing=min(0.06, 0.5 / max(len(pools), 1)))
    hours = np.arange(168)
    for i, pool in enumerate(pools, start=1):
        for values, name, style in ((required[i - 1], "needed on duty", {"color": "#000", "dash": "dot"}),
                                    (before[i - 1], "on duty before", {"color": "#999"}),
                                    (after[i - 1], "on duty in the plan", {"color": "#0072B2"})):
            fig.add_trace(go.Scatter(x=hours, y=values, name=name, line={**style, "shape": "hv"},
                                     legendgroup=name, showlegend=i == 1,
                                     hovertemplate=f"{escape(pool)}, hour %{{x}}: %{{y:.1f}}<extra>{name}</extra>"),
                          row=i, col=1)
        fig.update_xaxes(**DAY_TICKS, row=i, col=1)
    fig.update_layout(height=170 * len(pools) + 120, title="Officers on duty for field calls by hour of the week",
                      margin={"l": 50, "r": 20, "t": 80, "b": 40}, template="plotly_white",
                      legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 1, "xanchor": "right"})
    return fig


def sites_map(candidates: Sequence[Mapping], chosen: Sequence[str], calls: Sequence[Mapping]) -> go.Figure:
    """Candidate sites, the chosen ones, and where calls start (sized by volume)."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[c["lon"] for c in calls], y=[c["lat"] for c in calls], mode="markers", name="calls",
                             marker={"size": [4 + 12 * np.sqrt(c["weight"] / max(x["weight"] for x in calls))
                                              for c in calls], "color": "#E69F00", "opacity": 0.4}))
    fig.add_trace(go.Scatter(x=[c["lon"] for c in candidates], y=[c["lat"] for c in candidates], mode="markers",
                             name="candidate", marker={"symbol": "circle-open", "color": "#999", "size": 7},
                             text=[c["name"] for c in candidates], hoverinfo="text"))
    picked = [c for c in candidates if c["name"] in set(chosen)]
    fig.add_trace(go.Scatter(x=[c["lon"] for c in picked], y=[c["lat"] for c in picked], mode="markers",
                             name="chosen", marker={"symbol": "diamond", "color": "#0072B2", "size": 11},
                             text=[c["name"] for c in picked], hoverinfo="text"))
    fig.update_layout(title="Chosen sites", height=600, template="plotly_white",
                      xaxis={"title": {"text": "longitude"}}, yaxis={"title": {"text": "latitude"}, "scaleanchor": "x"})
    return fig


def table_html(header: Sequence[str], rows: Sequence[Sequence]) -> str:
    head = "".join(f"<th>{escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="districts"><tr>{head}</tr>{body}</table>'


def write_plan_report(path: Path, title: str, summary_lines: Sequence[str], *,
                      cover: tuple[Sequence[str], np.ndarray, np.ndarray, np.ndarray] | None = None,
                      shifts: tuple[Sequence[str], Sequence[Sequence]] | None = None,
                      differences: Sequence[Difference] | None = None, names: Sequence[str] = ("before", "plan"),
                      sites: tuple[Sequence[Mapping], Sequence[str], Sequence[Mapping]] | None = None) -> Path:
    body = f"<header><h1>{escape(title)}</h1></header>"
    body += '<div class="summary">' + "<br>".join(escape(line) for line in summary_lines) + "</div>"
    if differences:
        body += section("Before and after, simulated",
                        "Each plan was simulated against the input with the same random calls (common random "
                        "numbers); bars are paired 95% intervals of the change.",
                        figure_html(forest_plot(differences, list(names)), "figure-forest"))
    if cover is not None:
        body += section("Cover by hour", "Dotted: officers needed on duty to meet the targets; grey: expected on "
                        "duty in the input; blue: expected on duty in the plan (availability applied).",
                        figure_html(cover_chart(*cover), "figure-cover"))
    if sites is not None:
        body += section("Sites", "", figure_html(sites_map(*sites), "figure-sites"))
    if shifts is not None:
        body += section("Shifts", "Officers per shift (tour) and pool in the plan.", table_html(*shifts))
    return write_page(path, title, body)
