"""Charts the notebooks draw that the HTML reports do not: tidy frames in, plotly figures out.

`sim.report.charts` holds the reports' charts (maps, distributions, heat maps, forest plots);
this module adds the analysis views of `notebooks/`: response by hour of day, the model against
queueing theory, and the staffing curve of a grid sweep. Same palette and template as the
reports. Every function takes a plain frame (documented columns) so it can be fed from the
results API, a SQL query or a hand-made table.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..results.compare import Difference
from . import labels
from .palette import GREY, OKABE_ITO, TEMPLATE

# Lines of one chart, in order: distinct colours that read apart for colour-blind readers.
SERIES_COLOURS = [OKABE_ITO[k] for k in ("vermillion", "blue", "bluish_green", "orange", "reddish_purple",
                                          "sky_blue", "black")]
THEORY_COLOUR = "#000000"

# Metrics of the staffing curve: (metric, by, group).
STAFFING_METRICS = (
    ("response_p90_min", "priority", "1"),
    ("response_median_min", "all", "all"),
    ("response_p90_min", "all", "all"),
    ("within_target_share", "priority", "1"),
    ("within_target_share", "priority", "2"),
    ("within_target_share", "all", "all"),
)
# The hourly chart's y axis stops at this multiple of the highest line, so that one wide band
# (few calls in an hour) does not flatten the lines; hover still gives the whole interval.
BAND_CAP = 1.6


def _layout(fig: go.Figure, title: str, height: int, **extra) -> go.Figure:
    fig.update_layout(template=TEMPLATE, title={"text": title, "x": 0.01, "xanchor": "left"},
                      height=height, **extra)
    return fig


def _need(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} needs columns {list(columns)}; missing {missing} (has {list(frame.columns)})")


def _rgba(colour: str, alpha: float) -> str:
    colour = colour.lstrip("#")
    r, g, b = (int(colour[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _band(fig: go.Figure, x, low, high, colour: str, name: str, row: int | None = None,
          col: int | None = None) -> None:
    """A shaded 95% interval between `low` and `high` (one closed polygon, hidden from the legend)."""
    x, low, high = (np.asarray(v, dtype=float) for v in (x, low, high))
    keep = np.isfinite(low) & np.isfinite(high)
    if keep.sum() < 2:
        return
    x, low, high = x[keep], low[keep], high[keep]
    trace = go.Scatter(x=np.concatenate([x, x[::-1]]), y=np.concatenate([high, low[::-1]]), mode="lines",
                       fill="toself", fillcolor=_rgba(colour, 0.15), line={"width": 0}, hoverinfo="skip",
                       showlegend=False, name=f"{name} 95% CI")
    if row is None:
        fig.add_trace(trace)
    else:
        fig.add_trace(trace, row=row, col=col)


def _error_bars(mean, low, high, colour: str) -> dict:
    mean, low, high = (np.asarray(v, dtype=float) for v in (mean, low, high))
    return {"type": "data", "symmetric": False, "array": np.nan_to_num(high - mean).tolist(),
            "arrayminus": np.nan_to_num(mean - low).tolist(), "color": colour, "thickness": 1.5, "width": 5}


# --- results API adapters -----------------------------------------------------------------------

def as_differences(frame: pd.DataFrame) -> list[Difference]:
    """The rows of `Results.differences()` as the `Difference` objects `charts.forest_plot` and
    `charts.change_map` take (the frame's extra `significant` column is recomputed by Difference)."""
    fields = list(Difference.__dataclass_fields__)
    _need(frame, fields, "as_differences")
    return [Difference(**{f: row[f] for f in fields}) for row in frame[fields].to_dict("records")]


# --- baseline: when is it worst ----------------------------------------------------------------

def response_by_hour(frame: pd.DataFrame, statistic: str = "p90", series: str | None = "priority",
                     title: str | None = None) -> go.Figure:
    """Field response time by hour of the day the call came in, one line per `series` value, 95% CI bands.

    Bands reaching above BAND_CAP times the highest line are cut off at the top of the axis.

    `frame`: the output of `Results.by_hour(...)`: hour_of_day, statistic (mean, p50, p90...),
    mean, low, high and, when `series` is given, that column (e.g. priority or scenario).
    """
    _need(frame, ["hour_of_day", "statistic", "mean", "low", "high", *([series] if series else [])],
          "response_by_hour")
    rows = frame[frame["statistic"] == statistic]
    if rows.empty:
        raise ValueError(f"no rows with statistic {statistic!r}; the frame has {sorted(frame['statistic'].unique())}")
    groups = [(None, rows)] if series is None else list(rows.groupby(series, sort=True, observed=True))
    fig = go.Figure()
    for i, (key, part) in enumerate(groups):
        part = part.sort_values("hour_of_day")
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        name = "all field calls" if key is None else (f"priority {key}" if series == "priority" else str(key))
        low = part["low"].clip(lower=0)
        _band(fig, part["hour_of_day"], low, part["high"], colour, name)
        fig.add_trace(go.Scatter(
            x=part["hour_of_day"], y=part["mean"], mode="lines+markers", name=name,
            line={"color": colour, "width": 2.5}, marker={"size": 6},
            customdata=np.column_stack([low, part["high"]]),
            hovertemplate=f"{name}, %{{x:02d}}:00–%{{x:02d}}:59: %{{y:.1f}} min "
                          "(95% CI %{customdata[0]:.1f}–%{customdata[1]:.1f})<extra></extra>"))
    top = float(np.nanmax(rows["mean"])) * BAND_CAP if np.isfinite(np.nanmax(rows["mean"])) else None
    cut = top is not None and float(np.nanmax(rows["high"])) > top
    what = {"mean": "Mean"}.get(statistic, f"{statistic.removeprefix('p')}th-percentile"
                                if statistic.startswith("p") else statistic)
    return _layout(fig, title or f"{what} response time to field calls by hour of the day the call came in",
                   440, xaxis={"title": {"text": "hour of day (call created)"}, "tickmode": "linear", "dtick": 2,
                               "range": [-0.5, 23.5]},
                   yaxis={"title": {"text": f"{what.lower()} response (min)"}, "rangemode": "tozero",
                          **({"range": [0, top]} if cut else {})},
                   legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 1, "xanchor": "right"})


# --- validation: the model against queueing theory ---------------------------------------------

def theory_vs_simulation(frame: pd.DataFrame, curve: pd.DataFrame | None = None,
                         title: str = "The model against Erlang C (M/M/c): simulated (95% CI) and exact") -> go.Figure:
    """Simulated values with 95% CIs against the theoretical ones, one panel per statistic.

    `frame`: utilisation, statistic (a label such as "mean wait (min)"), mean, low, high, theory;
    one row per utilisation and statistic. `curve` (optional): utilisation, statistic, theory on a
    fine grid, drawn as the theory line; without it the line joins the frame's theory points.
    A point whose interval misses the line is drawn hollow and red.
    """
    _need(frame, ["utilisation", "statistic", "mean", "low", "high", "theory"], "theory_vs_simulation")
    statistics = list(dict.fromkeys(frame["statistic"]))
    fig = make_subplots(rows=1, cols=len(statistics), subplot_titles=statistics, horizontal_spacing=0.08)
    simulated = OKABE_ITO["blue"]
    for col, statistic in enumerate(statistics, start=1):
        rows = frame[frame["statistic"] == statistic].sort_values("utilisation")
        line = rows if curve is None else curve[curve["statistic"] == statistic].sort_values("utilisation")
        fig.add_trace(go.Scatter(
            x=line["utilisation"], y=line["theory"], mode="lines", name="theory (exact)",
            line={"color": THEORY_COLOUR, "width": 1.5, "dash": "dash"}, showlegend=col == 1,
            legendgroup="theory", hovertemplate="theory at utilisation %{x:.2f}: %{y:.3g}<extra></extra>"),
            row=1, col=col)
        inside = (rows["low"] <= rows["theory"]) & (rows["theory"] <= rows["high"])
        for hit, group in ((True, rows[inside]), (False, rows[~inside])):
            if group.empty:
                continue
            colour = simulated if hit else OKABE_ITO["vermillion"]
            fig.add_trace(go.Scatter(
                x=group["utilisation"], y=group["mean"], mode="markers",
                name="simulated, 95% CI" if hit else "simulated, CI misses theory",
                marker={"color": colour, "size": 9, "symbol": "circle" if hit else "circle-open",
                        "line": {"width": 2, "color": colour}},
                error_y=_error_bars(group["mean"], group["low"], group["high"], colour),
                showlegend=col == 1 or not hit, legendgroup=f"sim-{hit}",
                customdata=np.column_stack([group["low"], group["high"], group["theory"]]),
                hovertemplate="utilisation %{x:.2f}: simulated %{y:.3g} (95% CI %{customdata[0]:.3g}–"
                              "%{customdata[1]:.3g}), theory %{customdata[2]:.3g}<extra></extra>"),
                row=1, col=col)
        fig.update_xaxes(title_text="utilisation (arrival rate / service capacity)", row=1, col=col)
        fig.update_yaxes(rangemode="tozero", row=1, col=col)
    return _layout(fig, title, 430,
                   legend={"orientation": "h", "y": -0.25, "x": 0}, margin={"l": 70, "r": 30, "t": 80, "b": 110})


def classes_vs_theory(frame: pd.DataFrame, x: str = "priority",
                      title: str = "Mean wait by priority class against Cobham's formula (non-preemptive M/M/c)",
                      y_title: str = "mean wait (min)") -> go.Figure:
    """Simulated value per class (95% CI bars) beside the theoretical one (a dash), one pair per class.

    `frame`: `x` (the class, e.g. priority), mean, low, high, theory; one row per class.
    """
    _need(frame, [x, "mean", "low", "high", "theory"], "classes_vs_theory")
    rows = frame.sort_values(x)
    names = [f"{x} {v}" if x == "priority" else str(v) for v in rows[x]]
    colour = OKABE_ITO["blue"]
    fig = go.Figure()
    fig.add_trace(go.Bar(
        x=names, y=rows["mean"], name="simulated, 95% CI", marker={"color": _rgba(colour, 0.55),
                                                                   "line": {"color": colour, "width": 1.5}},
        error_y=_error_bars(rows["mean"], rows["low"], rows["high"], "#333"),
        customdata=np.column_stack([rows["low"], rows["high"], rows["theory"]]),
        hovertemplate="%{x}: simulated %{y:.2f} (95% CI %{customdata[0]:.2f}–%{customdata[1]:.2f}), "
                      "theory %{customdata[2]:.2f}<extra></extra>"))
    fig.add_trace(go.Scatter(
        x=names, y=rows["theory"], mode="markers", name="theory (exact)",
        marker={"symbol": "line-ew", "size": 46, "line": {"width": 3, "color": THEORY_COLOUR}},
        hovertemplate="%{x}: theory %{y:.2f}<extra></extra>"))
    return _layout(fig, title, 420, xaxis={"title": {"text": x}},
                   yaxis={"title": {"text": y_title}, "rangemode": "tozero"},
                   legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 1, "xanchor": "right"})


# --- staffing curve ----------------------------------------------------------------------------

def staffing_curve(frame: pd.DataFrame, x: str = "inspectors",
                   metrics: Sequence[tuple[str, str, str]] = STAFFING_METRICS, today: float | None = None,
                   x_title: str = "field inspectors (posted × availability)",
                   title: str = "Response as the number of inspectors changes (lines: mean over replications; "
                                "bands: 95% CI)") -> go.Figure:
    """Response times (left) and % reached within target (right) against a staffing level.

    `frame`: one row per scenario, metric, by and group: `x` (the staffing level of that scenario),
    metric, by, group, mean, low, high (e.g. `Results.summary_ci` merged with a table of scenario
    and `x`). `metrics` picks the lines; minutes go left, shares right. `today` marks the current
    level with a vertical line.
    """
    _need(frame, [x, "metric", "by", "group", "mean", "low", "high"], "staffing_curve")
    chosen = [m for m in metrics if not frame[(frame.metric == m[0]) & (frame.by == m[1])
                                              & (frame.group.astype(str) == m[2])].empty]
    if not chosen:
        raise ValueError(f"none of the metrics {list(metrics)} is in the frame")
    panels = [[m for m in chosen if not labels.is_share(m[0])], [m for m in chosen if labels.is_share(m[0])]]
    panels = [p for p in panels if p]
    titles = ["Response time (minutes)" if not labels.is_share(p[0][0])
              else "Reached within target (%)" if all(m[0] == "within_target_share" for m in p) else "Share (%)"
              for p in panels]
    fig = make_subplots(rows=1, cols=len(panels), subplot_titles=titles, horizontal_spacing=0.1)
    colour_of = {m: SERIES_COLOURS[i % len(SERIES_COLOURS)] for i, m in enumerate(chosen)}
    for col, panel in enumerate(panels, start=1):
        for i, (metric, by, group) in enumerate(panel):
            rows = frame[(frame.metric == metric) & (frame.by == by) & (frame.group.astype(str) == group)]
            rows = rows.sort_values(x)
            factor = labels.scale(metric)
            bounds = labels.bounds(metric)
            mean = rows["mean"].to_numpy(dtype=float) * factor
            low = rows["low"].clip(*bounds).to_numpy(dtype=float) * factor
            high = rows["high"].clip(*bounds).to_numpy(dtype=float) * factor
            colour = colour_of[(metric, by, group)]
            name = labels.row_label(metric, by, group)
            _band(fig, rows[x], low, high, colour, name, row=1, col=col)
            fig.add_trace(go.Scatter(
                x=rows[x], y=mean, mode="lines+markers", name=name, line={"color": colour, "width": 2.5},
                marker={"size": 7, "symbol": ["circle", "square", "diamond", "triangle-up"][i % 4]},
                customdata=np.column_stack([low, high]),
                hovertemplate=f"{name}<br>%{{x:.0f}}: %{{y:.1f}}{' %' if factor != 1 else ' min'} "
                              "(95% CI %{customdata[0]:.1f}–%{customdata[1]:.1f})<extra></extra>"),
                row=1, col=col)
        if today is not None and np.isfinite(today):
            fig.add_vline(x=today, line={"color": GREY, "dash": "dot", "width": 1.5}, row=1, col=col,
                          annotation_text="today", annotation_position="top right", annotation_yanchor="top")
        fig.update_xaxes(title_text=x_title, row=1, col=col)
        if labels.is_share(panel[0][0]):  # shares near 100%: zoom in, but never past 100
            fig.update_yaxes(autorangeoptions={"maxallowed": 100.5}, ticksuffix="%", row=1, col=col)
        else:
            fig.update_yaxes(rangemode="tozero", row=1, col=col)
    return _layout(fig, title, 470, legend={"orientation": "h", "y": -0.22, "x": 0},
                   margin={"l": 70, "r": 30, "t": 80, "b": 120})
