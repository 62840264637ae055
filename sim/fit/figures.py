"""fit.html: each fitted part drawn against what the log shows, so an analyst can judge the fit."""

from __future__ import annotations

from html import escape
from pathlib import Path

import numpy as np
import plotly.colors
import plotly.graph_objects as go
import shapely

from ..report.html import figure_html, section, write_page
from .fitting import LogFit
from .on_scene import candidates, cdf_of

COLOURS = plotly.colors.qualitative.D3
DAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def _volume_table(fit: LogFit) -> str:
    rows = "".join(
        f"<tr><td>{escape(t.name)}</td><td>{escape(t.priority)}</td><td>{t.priority_rank}</td><td>{t.calls:,}</td>"
        f"<td>{t.calls / fit.demand.span_days:,.1f}</td><td>{t.yearly_volume:,.0f}</td></tr>"
        for t in fit.demand.types)
    return ('<table class="provenance"><tr><th>call type</th><th>log priority</th><th>model priority</th>'
            f"<th>calls in the log</th><th>per day</th><th>yearly_volume</th></tr>{rows}</table>"
            f'<p class="tablenote">{fit.demand.span_days:.2f} days of public-initiated calls, '
            f"{fit.demand.start:%Y-%m-%d %H:%M} to {fit.demand.end:%Y-%m-%d %H:%M}.</p>")


def profile_figure(fit: LogFit) -> go.Figure:
    """Observed calls per hour against the fitted expectation over the same exposure."""
    fig = go.Figure()
    exposed = fit.demand.exposure_hours
    pooled = fit.demand.pooled
    x = np.arange(24 if pooled else 168)
    for index, t in enumerate(fit.demand.types):
        colour = COLOURS[index % len(COLOURS)]
        expected = t.weekly_profile * exposed
        observed = t.observed_counts
        if pooled:
            expected, observed = expected.reshape(7, 24).sum(0), observed.reshape(7, 24).sum(0)
        fig.add_trace(go.Bar(x=x, y=observed, name=f"{t.name} observed", opacity=0.35, marker_color=colour))
        fig.add_trace(go.Scatter(x=x, y=expected, name=f"{t.name} fitted", mode="lines", line_color=colour))
    fig.update_layout(barmode="overlay", height=420, margin=dict(t=30, l=50, r=20, b=40),
                      xaxis_title="hour of the day" if pooled else "hour of the week (Monday 00-01 = 0)",
                      yaxis_title="calls in the log")
    if not pooled:
        fig.update_xaxes(tickvals=list(range(0, 168, 24)), ticktext=DAY_NAMES)
    return fig


def on_scene_figure(fit: LogFit) -> go.Figure:
    fig = go.Figure()
    for index, (name, fitted) in enumerate(fit.on_scene.items()):
        colour = COLOURS[index % len(COLOURS)]
        values = np.sort(fitted.values_min)
        ecdf = np.arange(1, len(values) + 1) / len(values)
        grid = np.quantile(values, np.linspace(0, 0.995, 200))
        fig.add_trace(go.Scatter(x=values, y=ecdf, mode="lines", line_shape="hv", name=f"{name} observed",
                                 line_color=colour))
        if fitted.chosen == "empirical":
            shape = _candidate(fitted)
            fig.add_trace(go.Scatter(x=grid, y=shape(grid), mode="lines", line_dash="dot", line_color=colour,
                                     name=f"{name} best shape, {fitted.best_parametric} (rejected)"))
        fig.add_trace(go.Scatter(x=grid, y=fitted.cdf(grid), mode="lines", line_dash="dash", line_color="#444",
                                 name=f"{name} {fitted.chosen}"))
    fig.update_layout(height=420, margin=dict(t=30, l=50, r=20, b=40), xaxis_type="log",
                      xaxis_title="time on scene, minutes (log scale)", yaxis_title="share of calls at most x")
    return fig


def _candidate(fitted):
    """The CDF of the rejected best parametric shape, refitted (cheap) for the figure."""
    dist = candidates(fitted.values_min)[fitted.best_parametric][0]
    return cdf_of(dist, fitted.values_min)


def _on_scene_table(fit: LogFit) -> str:
    rows = []
    for name, f in fit.on_scene.items():
        aic = ", ".join(f"{k} {v:,.0f}" for k, v in sorted(f.aic.items(), key=lambda kv: kv[1]))
        rows.append(f"<tr><td>{escape(name)}</td><td>{f.n:,}</td><td>{f.observed_mean_min:.1f}</td>"
                    f"<td>{escape(aic)}</td><td>{escape(f.best_parametric)}</td><td>{f.best_parametric_mean_min:.1f}</td>"
                    f"<td>{f.ks_distance:.3f}</td><td>{f.ks_pvalue:.3g}</td><td>{escape(f.chosen)}</td></tr>")
    return ('<table class="provenance"><tr><th>call type</th><th>n</th><th>observed mean</th>'
            "<th>AIC (lower is better)</th><th>best shape</th><th>its mean</th><th>its KS distance</th><th>KS p</th>"
            "<th>chosen</th></tr>"
            + "".join(rows) + "</table>")


def places_figure(fit: LogFit) -> go.Figure:
    fig = go.Figure()
    for area in fit.areas:
        for polygon in getattr(area.geometry, "geoms", [area.geometry]):
            if isinstance(polygon, shapely.Polygon):
                x, y = polygon.exterior.xy
                fig.add_trace(go.Scatter(x=list(x), y=list(y), mode="lines", line=dict(color="#999", width=1),
                                         hoverinfo="skip", showlegend=False))
    for name in dict.fromkeys(h.call_type for h in fit.hotspots):
        spots = [h for h in fit.hotspots if h.call_type == name]
        fig.add_trace(go.Scatter(x=[h.lon for h in spots], y=[h.lat for h in spots], mode="markers", name=name,
                                 marker=dict(size=[4 + 3 * np.sqrt(h.calls) for h in spots], opacity=0.6),
                                 text=[f"{h.name}: {h.calls} calls" for h in spots], hoverinfo="text"))
    fig.add_trace(go.Scatter(x=[s.lon for s in fit.stations], y=[s.lat for s in fit.stations], mode="markers",
                             name="stations (estimate)", marker=dict(symbol="square", size=10, color="black"),
                             text=[f"{s.name}: {s.inspectors} officers (estimate)" for s in fit.stations],
                             hoverinfo="text"))
    fig.update_layout(height=560, margin=dict(t=30, l=50, r=20, b=40), xaxis_title="longitude",
                      yaxis_title="latitude")
    fig.update_yaxes(scaleanchor="x", scaleratio=1 / np.cos(np.radians(np.mean([a.lat for a in fit.areas]))))
    return fig


def write_fit_report(fit: LogFit, path: Path, scenario_name: str) -> Path:
    """Write fit.html (offline: plotly.js embedded)."""
    pooled = ("The log is shorter than four weeks: hours of the day are pooled over the days seen and smoothed "
              "over neighbouring hours; every day of the fitted week has the same shape."
              if fit.demand.pooled else "Each hour of the week is fitted from its own count.")
    body = (f"<header><h1>Fit of {escape(scenario_name)}</h1><p class=\"description\">From "
            f"{escape(Path(fit.log_file).name)}: what the scenario's demand, places and times on scene were fitted "
            "to, drawn against the log. Stations and officers are estimates, not fitted.</p></header>"
            + section("Volumes", "", _volume_table(fit))
            + section("When calls arrive", pooled, figure_html(profile_figure(fit), "profile"))
            + section("Time on scene", "Maximum-likelihood fits among exponential, lognormal and gamma, chosen "
                      "by AIC; the observed times themselves (empirical) where a Kolmogorov-Smirnov test rejects "
                      "the best at 1%. p-values are optimistic: the parameters were fitted to the same data.",
                      _on_scene_table(fit) + figure_html(on_scene_figure(fit), "on-scene"))
            + section("Where calls start", f"Hotspots: placed calls gathered into {fit.cell_km:g} km cells, marker "
                      f"area by calls; {fit.unplaced_calls:,} calls had no place, {fit.outside_calls:,} fell "
                      "outside the boundaries.", figure_html(places_figure(fit), "places")))
    return write_page(Path(path), f"Fit: {scenario_name}", body)
