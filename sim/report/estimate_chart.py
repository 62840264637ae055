"""The queueing-formula estimate (estimate.json, written beside a run) set against the simulated figures.

Where the lines part, something the formulas leave out matters: dispatch by precinct, travel
that depends on who is free, preemption, work carried past a shift's end.
"""

from __future__ import annotations

from html import escape

import numpy as np
import pandas as pd
import plotly.graph_objects as go

ESTIMATE = "estimate.json"


def _by_hour_of_day(rows: list[list[float]]) -> np.ndarray:
    """City-wide (sum over pools), averaged over the seven days, per hour of day."""
    week = np.nansum(np.array(rows, dtype=float), axis=0)
    return week.reshape(7, 24).mean(axis=0)


def estimate_figure(estimate: dict, staff: pd.DataFrame, observed_days: float) -> go.Figure:
    """Officers busy on field calls by hour of day: the formulas' modified offered load against the simulation."""
    hours = np.arange(24)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=hours, y=_by_hour_of_day(estimate["on_duty"]), name="on duty (roster x availability)",
                             line={"color": "#999", "shape": "hv"}))
    fig.add_trace(go.Scatter(x=hours, y=_by_hour_of_day(estimate["pointwise_load"]),
                             name="busy, formulas without lag (rate x time per call)",
                             line={"color": "#E69F00", "dash": "dot"}))
    fig.add_trace(go.Scatter(x=hours, y=_by_hour_of_day(estimate["load"]), name="busy, formulas (modified offered load)",
                             line={"color": "#0072B2", "dash": "dash"}))
    inspectors = staff[staff["role"].astype(str) == "inspector"]
    replications = max(int(inspectors["replication"].nunique()), 1)
    per_hour = inspectors.groupby("hour_of_day")["field_min"].sum().reindex(hours, fill_value=0.0)
    simulated = per_hour.to_numpy() / 60.0 / (observed_days * replications)
    fig.add_trace(go.Scatter(x=hours, y=simulated, name="busy, simulated", line={"color": "#D55E00", "width": 3}))
    fig.update_layout(title="Inspectors busy on field calls by hour of day, whole city: formulas and simulation",
                      height=420, template="plotly_white",
                      xaxis={"title": {"text": "hour of day"}, "dtick": 2},
                      yaxis={"title": {"text": "officers"}, "rangemode": "tozero"},
                      legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 1, "xanchor": "right"})
    return fig


def estimate_table_html(estimate: dict, simulated_mean_response: dict[str, float]) -> str:
    """Per priority: the formulas' mean wait plus mean trip, against the simulated mean response."""
    rows = []
    trips = np.array(estimate.get("p1_trip_min", [0.0]), dtype=float)
    for priority, waits in estimate["mean_wait_min"].items():
        w = np.array([[np.nan if v is None else v for v in row] for row in waits], dtype=float)
        n = np.array(estimate["arrivals_per_hour"][priority], dtype=float)
        ok = np.isfinite(w) & (n > 0)
        mean_wait = (w[ok] * n[ok]).sum() / n[ok].sum() if ok.any() else np.nan
        unstable = n[~np.isfinite(w)].sum() / n.sum() if n.sum() else 0.0
        simulated = simulated_mean_response.get(priority, np.nan)
        rows.append(f"<tr><td>{escape(priority)}</td><td>{mean_wait:.1f}</td><td>{np.nanmean(trips):.1f}</td>"
                    f"<td>{unstable:.0%}</td><td>{simulated:.1f}</td></tr>")
    return ('<table class="districts"><tr><th>priority</th><th>formulas: mean wait, min (stable hours)</th>'
            "<th>formulas: mean trip, min</th><th>calls in hours the formulas call overloaded</th>"
            "<th>simulated: mean response, min</th></tr>" + "".join(rows) + "</table>")
