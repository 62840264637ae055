"""Every chart of the run and comparison reports, one function each: tidy data in, a Figure out.

Inputs are the frames of a run folder (the summary frame of `summary.json`, `calls.parquet`,
`staff.parquet`) and the resolved scenario dict of `scenario.json`, so notebooks can call the
same functions on the same data and get the same pictures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale
from plotly.subplots import make_subplots

from ..results.compare import Difference
from ..scenario.kinds import STATION_KINDS
from . import labels
from .boundaries import district_points, district_shapes, stations, y_scale_ratio
from .headline import pick
from .palette import (
    CHANGE_SCALE,
    GREY,
    RESPONSE_SCALE,
    STATION_STYLE,
    TEMPLATE,
    UTILISATION_SCALE,
    metric_colour,
    scenario_pattern,
)

MAP_HEIGHT = 680
ECDF_POINTS = 151

# Metrics of the comparison's side-by-side bars and of its forest plot (metric, by).
COMPARED_HEADLINE = (
    ("response_median_min", "priority", "1"), ("response_p90_min", "priority", "1"),
    ("within_target_share", "all", "all"), ("walk_in_wait_mean_min", "all", "all"),
    ("abandonment_share", "all", "all"), ("utilisation_busy", "role", "inspector"),
)
FOREST_ROWS = (
    ("response_median_min", "priority"), ("response_p90_min", "priority"),
    ("walk_in_wait_mean_min", "all"), ("walk_in_wait_mean_min", "station_kind"),
    ("walk_in_wait_p90_min", "all"), ("desk_wait_mean_min", "all"),
    ("within_target_share", "all"), ("within_target_share", "priority"),
    ("walk_in_within_target_share", "all"), ("abandonment_share", "all"),
    ("abandonment_share", "station_kind"), ("utilisation_busy", "role"),
)


def _layout(fig: go.Figure, title: str, height: int, **extra) -> go.Figure:
    fig.update_layout(template=TEMPLATE, title={"text": title, "x": 0.01, "xanchor": "left"},
                      height=height, **extra)
    return fig


def _rows(summary: pd.DataFrame, metric: str, by: str) -> pd.DataFrame:
    return summary[(summary.metric == metric) & (summary.by == by)]


def _num(value) -> float:
    return float(value) if labels.finite(value) else float("nan")


def _levels(frame: pd.DataFrame, column: str, metric: str, factor: float = 1.0) -> np.ndarray:
    """A column of means or interval ends, clipped to the metric's bounds, times `factor`."""
    return frame[column].map(lambda v: labels.clip(metric, _num(v))).to_numpy(dtype=float) * factor


def _ci_arrays(frame: pd.DataFrame, factor: float, metric: str) -> dict:
    """Asymmetric error bars from the frame's mean, low and high (levels clipped to the metric's bounds)."""
    mean, low, high = (_levels(frame, c, metric, factor) for c in ("mean", "low", "high"))
    return {"type": "data", "symmetric": False, "array": np.nan_to_num(high - mean).tolist(),
            "arrayminus": np.nan_to_num(mean - low).tolist(), "color": "#333", "thickness": 1.5,
            "width": 5}


# --- maps -------------------------------------------------------------------------------------


def _district_map(scenario: dict, values: Mapping[str, float], hover: Mapping[str, str],
                  colorscale, zmin: float, zmax: float, colorbar_title: str, value_text: Mapping[str, str],
                  title: str, closed: Sequence[dict] = ()) -> go.Figure:
    """Districts filled by value (scatter polygons on lon/lat axes, no tiles), with stations."""
    fig = go.Figure()
    span = (zmax - zmin) or 1.0

    def colour(v: float) -> str:
        return sample_colorscale(colorscale, [min(max((v - zmin) / span, 0.0), 1.0)])[0] \
            if np.isfinite(v) else "rgb(221,221,221)"

    shapes = district_shapes(scenario)
    outlined = bool(shapes)
    if not outlined:
        shapes = district_points(scenario)
    lats: list[float] = []
    for s in shapes:
        v = values.get(s.district, np.nan)
        for lons, ring_lats in s.rings:
            lats += ring_lats
            fig.add_trace(go.Scatter(
                x=lons, y=ring_lats, mode="lines", fill="toself", fillcolor=colour(v),
                line={"color": "#444", "width": 1}, hoveron="fills", hoverinfo="text",
                text=hover.get(s.district, s.district), name=s.district, showlegend=False))
    # Markers at the label points carry the colour bar and the hover text (and are the map itself
    # when there are no outlines); the labels are annotations on a white box, readable on any fill.
    fig.add_trace(go.Scatter(
        x=[s.label_lon for s in shapes], y=[s.label_lat for s in shapes], mode="markers",
        hovertext=[hover.get(s.district, s.district) for s in shapes], hoverinfo="text",
        marker={"color": [values.get(s.district, np.nan) for s in shapes], "colorscale": colorscale,
                "cmin": zmin, "cmax": zmax, "size": 44 if not outlined else 1,
                "opacity": 1 if not outlined else 0, "showscale": True,
                "colorbar": {"title": {"text": colorbar_title, "side": "right"}, "thickness": 14,
                             "len": 0.75}},
        showlegend=False, name="districts"))
    for s in shapes:
        fig.add_annotation(x=s.label_lon, y=s.label_lat, showarrow=False,
                           text=f"<b>{s.district}</b><br>{value_text.get(s.district, '')}",
                           font={"size": 11, "color": "#000"}, bgcolor="rgba(255,255,255,0.82)",
                           bordercolor="#444", borderwidth=1, borderpad=2)
    lats += [s.label_lat for s in shapes]
    for kind in STATION_KINDS:
        rows = [st for st in stations(scenario) if st["kind"] == kind]
        if not rows:
            continue
        style = STATION_STYLE[kind]
        lats += [st["lat"] for st in rows]
        fig.add_trace(go.Scatter(
            x=[st["lon"] for st in rows], y=[st["lat"] for st in rows], mode="markers",
            marker={"symbol": style["symbol"], "color": style["color"], "size": style["size"],
                    "line": {"color": "#000", "width": 1}},
            hovertext=[st["name"] for st in rows], hoverinfo="text",
            name=f"{style['label']} ({len(rows)})"))
    if closed:
        lats += [st["lat"] for st in closed]
        fig.add_trace(go.Scatter(
            x=[st["lon"] for st in closed], y=[st["lat"] for st in closed], mode="markers",
            marker={"symbol": "x-thin", "color": "#000", "size": 9, "line": {"color": "#000", "width": 2}},
            hovertext=[f"{st['name']} (closed)" for st in closed], hoverinfo="text",
            name=f"closed station ({len(closed)})"))
    lons = [x for trace in fig.data for x in trace.x if x is not None]
    pad_x, pad_y = (max(lons) - min(lons)) * 0.03 + 0.005, (max(lats) - min(lats)) * 0.03 + 0.005
    return _layout(
        fig, title, MAP_HEIGHT,
        xaxis={"title": {"text": "longitude (degrees east)"}, "showgrid": False, "constrain": "domain",
               "range": [min(lons) - pad_x, max(lons) + pad_x]},
        yaxis={"title": {"text": "latitude (degrees north)"}, "showgrid": False, "scaleanchor": "x",
               "scaleratio": y_scale_ratio(lats), "constrain": "domain",
               "range": [min(lats) - pad_y, max(lats) + pad_y]},
        legend={"orientation": "h", "y": -0.12, "x": 0}, hovermode="closest",
        margin={"l": 70, "r": 20, "t": 60, "b": 90})


def district_map(summary: pd.DataFrame, scenario: dict, metric: str = "response_p90_min") -> go.Figure:
    """Districts coloured by a field-response metric (default: 90th-percentile minutes), stations marked."""
    rows = _rows(summary, metric, "district")
    values = {r.group: _num(r.mean) for r in rows.itertuples()}
    hover, text = {}, {}
    for r in rows.itertuples():
        lines = [f"<b>{r.group}</b>",
                 (f"{labels.metric_name(metric)}: {labels.fmt(metric, _num(r.mean))} "
                  f"({labels.fmt_ci(metric, _num(r.low), _num(r.high))})")]
        for other in ("response_median_min", "within_target_share"):
            row = pick(summary, other, "district", r.group)
            if row is not None:
                lines.append(f"{labels.metric_name(other)}: {labels.fmt(other, _num(row['mean']))}")
        hover[r.group] = "<br>".join(lines)
        text[r.group] = labels.fmt(metric, _num(r.mean))
    finite = [v for v in values.values() if np.isfinite(v)]
    zmin, zmax = (0.0, max(finite) if finite else 1.0)
    name = labels.metric_name(metric)
    return _district_map(scenario, values, hover, RESPONSE_SCALE, zmin, zmax,
                         f"{name.split(' response')[0]}<br>response (min)" if "response" in metric
                         else f"{name} ({labels.unit(metric)})",
                         text, f"{name[0].upper()}{name[1:]} by district (field calls, all priorities)")


def change_map(differences: Sequence[Difference], base: dict, variant: dict, names: Sequence[str],
               metric: str = "response_p90_min") -> go.Figure:
    """Per-district paired change of a response metric, variant minus base (blue faster, red slower)."""
    rows = [d for d in differences if d.metric == metric and d.by == "district"]
    values = {d.group: d.diff for d in rows}
    hover = {d.group: (f"<b>{d.group}</b><br>{labels.metric_name(metric)}: {labels.fmt(metric, d.a)} → "
                       f"{labels.fmt(metric, d.b)}<br>change {labels.fmt_change(metric, d.diff)} "
                       f"(95% CI {labels.fmt_change(metric, d.low)} to {labels.fmt_change(metric, d.high)})"
                       + ("<br><b>a clear change</b>" if d.significant else "<br>within the noise"))
             for d in rows}
    text = {d.group: labels.fmt_change(metric, d.diff).replace(" min", "") + " min" for d in rows}
    finite = [abs(v) for v in values.values() if np.isfinite(v)]
    reach = max(max(finite) if finite else 0.0, 0.5)
    open_names = {s["name"] for s in stations(variant)}
    closed = [s for s in stations(base) if s["name"] not in open_names]
    return _district_map(variant, values, hover, CHANGE_SCALE, -reach, reach,
                         "change (min)<br>red = slower", text,
                         f"Change in {labels.metric_name(metric)}, by district",
                         closed=closed)


# --- run report ---------------------------------------------------------------------------------


def _ecdf_range(values: np.ndarray, target: float) -> tuple[float, bool]:
    """Upper end of the x axis, and whether the target lies on it."""
    top = float(np.quantile(values, 0.995)) * 1.05 if len(values) else target
    if np.isfinite(target) and target * 1.1 <= max(3 * top, 1.0):
        return max(top, target * 1.1), True
    return max(top, 1.0), False


def _at_most(values: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """How many `values` are at most each point of the ascending `grid`: counted per grid cell, which
    for a year of calls is several times cheaper than sorting them."""
    cells = np.searchsorted(grid, values, side="left")  # the first grid point at or above each value
    return np.cumsum(np.bincount(cells, minlength=len(grid) + 1))[:len(grid)]


def response_distribution(calls: pd.DataFrame, scenario: dict) -> go.Figure:
    """Share of field calls reached within x minutes (an ECDF on a fixed grid), one panel per priority."""
    field = calls[(calls["kind"] == "field") & calls["response_min"].notna()]
    priorities = sorted(int(p) for p in field["priority"].unique())
    targets = (scenario.get("targets") or {}).get("response_min") or {}
    titles = [f"Priority {p} (target {float(targets.get(str(p), np.nan)):g} min)" for p in priorities]
    fig = make_subplots(rows=1, cols=max(len(priorities), 1), shared_yaxes=True,
                        subplot_titles=titles or ["no field calls answered"], horizontal_spacing=0.05)
    colour = metric_colour("response_min")
    for col, p in enumerate(priorities, start=1):
        values = field.loc[field["priority"] == p, "response_min"].to_numpy(dtype=float)
        target = float(targets.get(str(p), np.nan))
        top, target_shown = _ecdf_range(values, target)
        grid = np.linspace(0.0, top, ECDF_POINTS)
        share = _at_most(values, grid) / len(values) * 100
        fig.add_trace(go.Scatter(
            x=np.round(grid, 2), y=np.round(share, 2), mode="lines", line={"color": colour, "width": 2.5},
            name=f"priority {p}", showlegend=False,
            hovertemplate=f"priority {p}: %{{y:.0f}}% of calls reached within %{{x:.0f}} min<extra></extra>"),
            row=1, col=col)
        if target_shown:
            fig.add_vline(x=target, line={"color": "#000", "dash": "dash", "width": 1.5}, row=1, col=col,
                          annotation_text=f"target {target:g} min", annotation_position="bottom right")
        elif np.isfinite(target):
            fig.add_annotation(text=f"target {target:g} min is<br>beyond this axis", showarrow=False,
                               xref=f"x{col if col > 1 else ''} domain", yref="y domain", x=0.95, y=0.1,
                               xanchor="right")
        fig.update_xaxes(title_text="minutes from call to arrival", range=[0, top], row=1, col=col)
    fig.update_yaxes(title_text="% of answered calls reached", range=[0, 101], row=1, col=1)
    return _layout(fig, "How fast field calls are reached: share reached within a given time", 420,
                   showlegend=False)


def within_target_by_district(summary: pd.DataFrame) -> go.Figure:
    """% of field calls reached within their priority's target, per district, with 95% CI bars."""
    metric = "within_target_share"
    rows = _rows(summary, metric, "district").copy()
    rows["value"] = rows["mean"].map(_num)
    rows = rows.sort_values("value")
    fig = go.Figure(go.Bar(
        x=rows["group"], y=rows["value"] * 100, marker={"color": metric_colour(metric)},
        error_y=_ci_arrays(rows, 100.0, metric), name="within target",
        customdata=np.column_stack([_levels(rows, "low", metric, 100), _levels(rows, "high", metric, 100)]),
        hovertemplate="%{x}: %{y:.0f}% within target (95% CI %{customdata[0]:.0f}–%{customdata[1]:.0f}%)"
                      "<extra></extra>"))
    city = pick(summary, metric, "all", "all")
    if city is not None and labels.finite(city["mean"]):
        fig.add_hline(y=_num(city["mean"]) * 100, line={"color": "#000", "dash": "dash", "width": 1.5},
                      annotation_text=f"whole city {labels.fmt(metric, _num(city['mean']))}",
                      annotation_position="top left")
    return _layout(fig, "Share of field calls reached within target, by district (worst first)", 420,
                   xaxis={"title": {"text": "district"}},
                   yaxis={"title": {"text": "% of field calls within target"}, "range": [0, 105]},
                   showlegend=False)


def station_shift_utilisation(summary: pd.DataFrame) -> go.Figure:
    """Busy % of on-duty time per shift (left) and per station (right, busiest on top), with 95% CI bars."""
    metric = "utilisation_busy"
    panels = [("shift", "by shift"), ("station", "by station")]
    count = max([len(_rows(summary, metric, by)) for by, _ in panels] + [1])
    fig = make_subplots(rows=1, cols=2, column_widths=[0.35, 0.65], horizontal_spacing=0.18,
                        subplot_titles=[title for _, title in panels])
    for column, (by, _) in enumerate(panels, start=1):
        rows = _rows(summary, metric, by).copy()
        rows["value"] = rows["mean"].map(_num)
        rows = rows.sort_values("value")
        ci = _ci_arrays(rows, 100.0, metric)
        fig.add_trace(go.Bar(
            y=rows["group"].astype(str), x=rows["value"] * 100, orientation="h",
            marker={"color": metric_colour("utilisation")},
            error_x={**ci, "width": 3},
            customdata=np.column_stack([_levels(rows, "low", metric, 100), _levels(rows, "high", metric, 100)]),
            hovertemplate="%{y}: busy %{x:.0f}% of on-duty time (95% CI %{customdata[0]:.0f}–"
                          "%{customdata[1]:.0f}%)<extra></extra>"), row=1, col=column)
        fig.update_xaxes(title_text="busy, % of on-duty time", rangemode="tozero", row=1, col=column)
        fig.update_yaxes(type="category", automargin=True, row=1, col=column)
    return _layout(fig, "How busy each shift and station is", 160 + 18 * count, showlegend=False)


def busy_share_by_hour(staff: pd.DataFrame, role: str = "inspector") -> pd.DataFrame:
    """Busy share (field + desk over on-duty minutes) by district and hour, plus a 'whole city' row."""
    mine = staff[staff["role"].astype(str) == role]
    sums = mine.groupby([mine["district"].astype(str), "hour_of_day"])[["field_min", "desk_min", "on_duty_min"]].sum()
    city = mine.groupby("hour_of_day")[["field_min", "desk_min", "on_duty_min"]].sum()
    city.index = pd.MultiIndex.from_product([["whole city"], city.index], names=sums.index.names)
    sums = pd.concat([city, sums])
    share = (sums["field_min"] + sums["desk_min"]) / sums["on_duty_min"].replace(0, np.nan)
    table = share.unstack("hour_of_day").reindex(columns=range(24))
    return table.reindex(["whole city", *sorted(i for i in table.index if i != "whole city")])


def utilisation_heatmap(staff: pd.DataFrame, role: str = "inspector") -> go.Figure:
    """When the city runs short: inspectors' busy % of on-duty time by hour of day and district."""
    table = busy_share_by_hour(staff, role)
    z = np.round(table.to_numpy(dtype=float) * 100, 1)
    hours = [f"{h:02d}" for h in table.columns]
    fig = go.Figure(go.Heatmap(
        z=z, x=hours, y=list(table.index), colorscale=UTILISATION_SCALE, zmin=0, zmax=100,
        texttemplate="%{z:.0f}", textfont={"size": 10},
        colorbar={"title": {"text": "busy, % of<br>on-duty time", "side": "right"}, "thickness": 14,
                  "ticksuffix": "%"},
        hovertemplate="%{y}, %{x}:00–%{x}:59<br>busy %{z:.0f}% of on-duty time<extra></extra>",
        xgap=1, ygap=1))
    return _layout(fig, f"When {role}s run short: busy share of on-duty time by hour and district",
                   120 + 34 * len(table.index),
                   xaxis={"title": {"text": "hour of day (00 = midnight to 1 am)"}, "showgrid": False,
                          "type": "category"},
                   yaxis={"title": {"text": "district"}, "autorange": "reversed", "showgrid": False,
                          "type": "category"})


def walk_in_queues(summary: pd.DataFrame, scenario: dict) -> go.Figure:
    """Walk-ins by station type: mean wait and share who gave up, with 95% CI bars."""
    kinds = [k for k in STATION_KINDS if k in set(_rows(summary, "walk_in_wait_mean_min", "station_kind").group)
             or k in set(_rows(summary, "abandonment_share", "station_kind").group)]
    names = [labels.STATION_KIND_NAMES[k] for k in kinds]
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.12,
                        subplot_titles=["Mean wait before being seen", "Gave up waiting and left"])
    for col, metric in ((1, "walk_in_wait_mean_min"), (2, "abandonment_share")):
        rows = _rows(summary, metric, "station_kind").set_index("group").reindex(kinds).reset_index()
        factor = labels.scale(metric)
        p90 = [labels.fmt("walk_in_wait_p90_min", _num(r["mean"])) if (r := pick(
            summary, "walk_in_wait_p90_min", "station_kind", k)) is not None else "n/a" for k in kinds]
        fig.add_trace(go.Bar(
            x=names, y=rows["mean"].map(_num) * factor, marker={"color": metric_colour(metric)},
            error_y=_ci_arrays(rows, factor, metric), name=labels.metric_name(metric), showlegend=False,
            customdata=np.column_stack([_levels(rows, "low", metric, factor), _levels(rows, "high", metric, factor),
                                        p90]),
            hovertemplate="%{x}: %{y:.1f}" + (" min" if col == 1 else "%") +
                          " (95% CI %{customdata[0]:.1f}–%{customdata[1]:.1f})" +
                          ("<br>9 in 10 wait less than %{customdata[2]}" if col == 1 else "") +
                          "<extra></extra>"), row=1, col=col)
    target = (scenario.get("targets") or {}).get("walk_in_wait_min")
    if target:
        fig.add_hline(y=float(target), line={"color": "#000", "dash": "dash", "width": 1.5}, row=1, col=1,
                      annotation_text=f"wait target {float(target):g} min", annotation_position="top left")
    fig.update_yaxes(title_text="minutes", rangemode="tozero", row=1, col=1)
    fig.update_yaxes(title_text="% of walk-ins", rangemode="tozero", row=1, col=2)
    fig.update_xaxes(title_text="station type")
    return _layout(fig, "People who come to a station: wait and walk-outs by station type", 420,
                   showlegend=False)


# --- comparison report -------------------------------------------------------------------------


def scenario_bars(summaries: Mapping[str, pd.DataFrame],
                  metrics: Sequence[tuple[str, str, str]] = COMPARED_HEADLINE) -> go.Figure:
    """The headline metrics of several scenarios side by side, one panel per metric, 95% CI bars."""
    names = list(summaries)
    cols = 3
    n_rows = -(-len(metrics) // cols)
    titles = [f"{labels.row_label(m, b, g)} ({labels.unit(m)})" for m, b, g in metrics]
    fig = make_subplots(rows=n_rows, cols=cols, subplot_titles=titles, vertical_spacing=0.22,
                        horizontal_spacing=0.08)
    for i, (metric, by, group) in enumerate(metrics):
        row, col = i // cols + 1, i % cols + 1
        factor = labels.scale(metric)
        frame = pd.DataFrame([(pick(summaries[n], metric, by, group) if pick(summaries[n], metric, by, group)
                               is not None else pd.Series({"mean": np.nan, "low": np.nan, "high": np.nan}))
                              for n in names])
        fig.add_trace(go.Bar(
            x=names, y=frame["mean"].map(_num) * factor, error_y=_ci_arrays(frame, factor, metric),
            marker={"color": metric_colour(metric), "line": {"color": metric_colour(metric), "width": 1.5},
                    "pattern": {"shape": [scenario_pattern(j) for j in range(len(names))],
                                "fgcolor": metric_colour(metric), "bgcolor": "#fff", "solidity": 0.45}},
            showlegend=False, name=labels.metric_name(metric),
            hovertemplate="%{x}: %{y:.1f}" + labels.unit(metric).replace("min", " min") + "<extra></extra>"),
            row=row, col=col)
        fig.update_yaxes(title_text=labels.unit(metric), rangemode="tozero", row=row, col=col)
        fig.update_xaxes(tickangle=-30 if len(names) > 2 else 0, automargin=True, row=row, col=col)
    height_per_row = 330 + (20 * max(len(n) for n in names) // 4 if len(names) > 2 else 0)
    return _layout(fig, "The scenarios side by side (bars: mean over replications; whiskers: 95% CI)",
                   height_per_row * n_rows + 40, showlegend=False)


def district_bars(summaries: Mapping[str, pd.DataFrame], metric: str = "response_p90_min") -> go.Figure:
    """One metric per district for several scenarios, grouped bars on the same axis (95% CI)."""
    names = list(summaries)
    districts = sorted(set().union(*(_rows(s, metric, "district").group for s in summaries.values())))
    factor = labels.scale(metric)
    fig = go.Figure()
    for j, name in enumerate(names):
        rows = _rows(summaries[name], metric, "district").set_index("group").reindex(districts).reset_index()
        fig.add_trace(go.Bar(
            x=districts, y=rows["mean"].map(_num) * factor, error_y=_ci_arrays(rows, factor, metric), name=name,
            marker={"color": metric_colour(metric), "line": {"color": metric_colour(metric), "width": 1.5},
                    "pattern": {"shape": scenario_pattern(j), "fgcolor": metric_colour(metric), "bgcolor": "#fff",
                                "solidity": 0.45}},
            hovertemplate=f"{name}<br>%{{x}}: %{{y:.1f}} {labels.unit(metric)}<extra></extra>"))
    return _layout(fig, f"{labels.metric_name(metric).capitalize()} to field calls, by district and scenario",
                   420, barmode="group",
                   xaxis={"title": {"text": "district"}},
                   yaxis={"title": {"text": f"{labels.metric_name(metric)} ({labels.unit(metric)})"},
                          "rangemode": "tozero"},
                   legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 1, "xanchor": "right"})


def forest_rows(differences: Sequence[Difference],
                rows: Sequence[tuple[str, str]] = FOREST_ROWS) -> list[Difference]:
    """The differences the forest plot shows, in the order of `rows`, groups sorted."""
    out = []
    for metric, by in rows:
        out += sorted((d for d in differences if d.metric == metric and d.by == by), key=lambda d: d.group)
    return out


def forest_plot(differences: Sequence[Difference], names: Sequence[str],
                rows: Sequence[tuple[str, str]] = FOREST_ROWS) -> go.Figure:
    """Paired differences (second scenario minus first) with 95% CIs, minutes above, shares below.

    Each row is one trace whose `customdata` holds the Difference's numbers unscaled
    (metric, by, group, diff, low, high, a, b); x is diff in display units (shares x100).
    """
    shown = forest_rows(differences, rows)
    panels = [[d for d in shown if not labels.is_share(d.metric)], [d for d in shown if labels.is_share(d.metric)]]
    panels = [p for p in panels if p]
    units = ["minutes" if not labels.is_share(p[0].metric) else "percentage points" for p in panels]
    height = 170 + 30 * len(shown) + 110 * len(panels)
    fig = make_subplots(rows=max(len(panels), 1), cols=1, vertical_spacing=min(110 / height, 0.3),
                        row_heights=[len(p) for p in panels] or None)
    for r, panel in enumerate(panels, start=1):
        for d in panel:
            factor = labels.scale(d.metric)
            label = labels.row_label(d.metric, d.by, d.group)
            colour = metric_colour(d.metric)
            fig.add_trace(go.Scatter(
                x=[d.diff * factor], y=[f"<b>{label}</b>" if d.significant else label], mode="markers",
                marker={"symbol": "circle" if d.significant else "circle-open", "size": 10, "color": colour,
                        "line": {"width": 2, "color": colour}},
                error_x={"type": "data", "symmetric": False, "array": [np.nan_to_num((d.high - d.diff) * factor)],
                         "arrayminus": [np.nan_to_num((d.diff - d.low) * factor)], "color": colour,
                         "thickness": 2.5 if d.significant else 1.5, "width": 5},
                opacity=1.0 if d.significant else 0.55, showlegend=False, name=label,
                customdata=[[d.metric, d.by, d.group, d.diff, d.low, d.high, d.a, d.b]],
                hovertemplate=(f"{label}<br>{names[0]}: {labels.fmt(d.metric, d.a)}, {names[1]}: "
                               f"{labels.fmt(d.metric, d.b)}<br>change {labels.fmt_change(d.metric, d.diff)} "
                               f"(95% CI {labels.fmt_change(d.metric, d.low)} to "
                               f"{labels.fmt_change(d.metric, d.high)})"
                               + (" — a clear change" if d.significant else " — within the noise")
                               + "<extra></extra>")), row=r, col=1)
        fig.add_vline(x=0, line={"color": "#000", "width": 1.2}, row=r, col=1)
        fig.update_yaxes(autorange="reversed", type="category", showgrid=True, row=r, col=1)
        fig.update_xaxes(title_text=f"{names[1]} minus {names[0]} ({units[r - 1]})", row=r, col=1)
    fig.add_annotation(text="filled, bold: the 95% interval excludes zero (a clear change); "
                            "open, faint: cannot be told apart from no change",
                       xref="paper", yref="paper", x=0, y=1.0, yshift=12, showarrow=False,
                       xanchor="left", yanchor="bottom", font={"size": 12, "color": GREY})
    return _layout(fig, f"What changes from {names[0]} to {names[1]} (paired by replication, 95% CI)",
                   height, showlegend=False, margin={"l": 70, "r": 30, "t": 90, "b": 60})
