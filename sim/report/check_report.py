"""check.html: observed against simulated per priority, as ECDF overlays and the check table."""

from __future__ import annotations

from html import escape
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots
from rich.table import Table

from ..results.check import MEASURES, CheckResult
from .html import figure_html, section, write_page
from .palette import GREY, OKABE_ITO, TEMPLATE

CHECK_HTML = "check.html"
ECDF_POINTS = 300
OBSERVED_COLOUR = OKABE_ITO["black"]
SIMULATED_COLOUR = OKABE_ITO["blue"]


def _ecdf(values: np.ndarray, top: float) -> tuple[np.ndarray, np.ndarray]:
    """Share (%) at most x on a fixed grid: the same size of page whatever the number of calls."""
    values = np.sort(values)
    grid = np.linspace(0.0, top, ECDF_POINTS)
    return np.round(grid, 2), np.round(np.searchsorted(values, grid, side="right") / len(values) * 100, 2)


def ecdf_overlays(result: CheckResult) -> go.Figure:
    """One row per priority, one column per measure: the log's ECDF against the model's."""
    groups = sorted(result.table["priority"].unique())
    fig = make_subplots(rows=max(len(groups), 1), cols=len(MEASURES), shared_yaxes=True,
                        subplot_titles=[f"{g}: {MEASURES[m]}" for g in groups for m in MEASURES],
                        horizontal_spacing=0.05, vertical_spacing=min(0.3, 0.5 / max(len(groups), 1)))
    for row, group in enumerate(groups, start=1):
        for col, measure in enumerate(MEASURES, start=1):
            sides = [("observed", result.observed, OBSERVED_COLOUR, "dash"),
                     ("simulated", result.simulated, SIMULATED_COLOUR, "solid")]
            samples = {name: frame.loc[frame["group"] == group, measure].to_numpy(dtype=float)
                       for name, frame, _, _ in sides}
            samples = {name: v[np.isfinite(v)] for name, v in samples.items()}
            if not any(len(v) for v in samples.values()):
                continue
            # Each side's own 97th percentile: pooled replications must not crowd the log off the axis.
            top = max([float(np.quantile(v, 0.97)) * 1.05 for v in samples.values() if len(v)] + [1.0])
            for name, _, colour, dash in sides:
                if not len(samples[name]):
                    continue
                x, y = _ecdf(samples[name], top)
                fig.add_trace(go.Scatter(
                    x=x, y=y, mode="lines", line={"color": colour, "width": 2.2, "dash": dash}, name=name,
                    legendgroup=name, showlegend=row == 1 and col == 1,
                    hovertemplate=f"{name}: %{{y:.0f}}% within %{{x:.0f}} min<extra></extra>"), row=row, col=col)
            target = _first_target(result, group) if measure == "response_min" else None
            if target is not None and target <= top:
                fig.add_vline(x=target, line={"color": GREY, "dash": "dot", "width": 1.5}, row=row, col=col,
                              annotation_text=f"target {target:g} min", annotation_position="bottom right")
            fig.update_xaxes(title_text="minutes", range=[0, top], row=row, col=col)
        fig.update_yaxes(title_text="% of calls", range=[0, 101], row=row, col=1)
    fig.update_layout(template=TEMPLATE, height=260 * max(len(groups), 1) + 120,
                      title={"text": "Observed (dashed) against simulated (solid): share of calls within x minutes",
                             "x": 0.01, "xanchor": "left"},
                      margin={"t": 110},
                      legend={"orientation": "h", "y": 1.0, "yref": "container", "yanchor": "top",
                              "x": 1, "xanchor": "right"})
    return fig


def _first_target(result: CheckResult, group: str) -> float | None:
    targets = result.table.loc[(result.table["priority"] == group) & result.table["target_min"].notna(), "target_min"]
    return float(targets.iloc[0]) if len(targets) else None


def _fmt(value, scale: float = 1.0, unit: str = "") -> str:
    if value is None or not np.isfinite(value):
        return "-"
    return f"{value * scale:.1f}{unit}"


def _ks(value) -> str:
    return "-" if value is None else f"{value:.2f}"


def check_console_table(rows: pd.DataFrame, title: str) -> Table:
    """The check (its table, or check.json's rows) for the terminal: observed / simulated in each cell."""
    table = Table(title=title, title_justify="left")
    for column in ("priority", "measure", "calls obs / sim", "median min", "90th pct min", "within target", "KS"):
        table.add_column(column, justify="left" if column in ("priority", "measure") else "right")
    for r in rows.to_dict(orient="records"):
        within = (f"{_fmt(r['observed_within_target'], 100, '%')} / {_fmt(r['simulated_within_target'], 100, '%')}"
                  if r["measure"] == "response_min" else "")
        table.add_row(str(r["priority"]), r["measure"].removesuffix("_min").replace("_", " "),
                      f"{r['observed_n']:,} / {r['simulated_n']:,}",
                      f"{_fmt(r['observed_median'])} / {_fmt(r['simulated_median'])}",
                      f"{_fmt(r['observed_p90'])} / {_fmt(r['simulated_p90'])}", within, _ks(r["ks_distance"]))
    return table


def check_table_html(result: CheckResult) -> str:
    header = ("<tr><th>priority</th><th>measure</th><th>calls observed / simulated</th><th>median min</th>"
              "<th>90th pct min</th><th>within target</th><th>KS distance</th></tr>")
    rows = []
    for r in result.table.to_dict(orient="records"):
        within = (f"{_fmt(r['observed_within_target'], 100, '%')} / {_fmt(r['simulated_within_target'], 100, '%')}"
                  if r["measure"] == "response_min" else "")
        rows.append(
            f"<tr><td>{escape(str(r['priority']))}</td><td>{escape(MEASURES[r['measure']])}</td>"
            f"<td>{r['observed_n']:,} / {r['simulated_n']:,}</td>"
            f"<td>{_fmt(r['observed_median'])} / {_fmt(r['simulated_median'])}</td>"
            f"<td>{_fmt(r['observed_p90'])} / {_fmt(r['simulated_p90'])}</td><td>{within}</td>"
            f"<td>{_ks(r['ks_distance'])}</td></tr>")
    return f'<table class="districts">{header}{"".join(rows)}</table>'


def write_check_report(result: CheckResult, out: Path, scenario_name: str) -> Path:
    """The page: how the two were matched, the table (observed / simulated), the overlays."""
    how = ("Each replayed call is compared with its own logged record; simulated figures pool every "
           "replication." if result.mode == "call by call" else
           "All simulated field calls of each priority against the log's public, unflagged calls of the "
           "same priority rank.")
    intro = (f"Log: {escape(result.source)}. {how} Cells read observed / simulated. The KS distance is the "
             "largest vertical gap between the two curves (0 = the same distribution, 1 = no overlap).")
    body = (f"<header><h1>{escape(scenario_name)}: the model against the log</h1></header>"
            + section("Observed against simulated, per priority", intro, check_table_html(result), "table")
            + section("The distributions", f'<span style="color:{GREY}">dashed: observed; solid: simulated</span>',
                      figure_html(ecdf_overlays(result), "check-ecdf"), "ecdf"))
    return write_page(out, f"{scenario_name}: check against the log", body)
