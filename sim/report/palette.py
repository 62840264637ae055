"""Colours, symbols and the chart template: one colour per metric, the same in every chart.

Okabe-Ito colours (safe for the common colour-vision deficiencies) for categories; single-hue
ColorBrewer scales for maps and heat maps, each the hue of the metric it shows.
"""

from __future__ import annotations

import plotly.graph_objects as go

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
GREY = "#777777"

# Metric families: every metric whose name starts with a key takes its colour.
METRIC_COLOURS = {
    "response": OKABE_ITO["blue"],
    "within_target": OKABE_ITO["bluish_green"],
    "walk_in_within_target": OKABE_ITO["bluish_green"],
    "walk_in_wait": OKABE_ITO["orange"],
    "abandonment": OKABE_ITO["vermillion"],
    "desk_wait": OKABE_ITO["sky_blue"],
    "utilisation": OKABE_ITO["reddish_purple"],
    "calls": OKABE_ITO["black"],
}


def metric_colour(metric: str) -> str:
    """The colour of a metric (by the longest family name its name starts with)."""
    families = sorted((f for f in METRIC_COLOURS if metric.startswith(f)), key=len, reverse=True)
    return METRIC_COLOURS[families[0]] if families else GREY


# Sequential scales in the hue of their metric (light = little, dark = much).
RESPONSE_SCALE = "Blues"          # response minutes on the map
UTILISATION_SCALE = "RdPu"        # busy share in the heat map
# Diverging scale for changes: blue = faster/less than the first scenario, red = slower/more.
CHANGE_SCALE = "RdBu_r"

# Station markers on the map: shape tells the kind (colour only repeats it).
STATION_STYLE = {
    "fixed": {"symbol": "circle", "color": OKABE_ITO["black"], "size": 5, "label": "police station"},
    "modular": {"symbol": "diamond", "color": OKABE_ITO["yellow"], "size": 8, "label": "modular station"},
    "service_centre": {"symbol": "square", "color": OKABE_ITO["vermillion"], "size": 10,
                       "label": "service centre"},
}

# Scenarios in side-by-side charts keep their metric's colour and differ by fill pattern.
SCENARIO_PATTERNS = ["", "/", "x", ".", "\\", "+", "-", "|"]


def scenario_pattern(index: int) -> str:
    return SCENARIO_PATTERNS[index % len(SCENARIO_PATTERNS)]


FONT = "Segoe UI, Helvetica Neue, Arial, sans-serif"

TEMPLATE = go.layout.Template(layout={
    "font": {"family": FONT, "size": 13, "color": "#222"},
    "paper_bgcolor": "white",
    "plot_bgcolor": "white",
    "colorway": list(OKABE_ITO.values()),
    "margin": {"l": 70, "r": 30, "t": 60, "b": 60},
    "xaxis": {"showline": True, "linecolor": "#444", "ticks": "outside", "gridcolor": "#e5e5e5",
              "zeroline": False, "automargin": True},
    "yaxis": {"showline": True, "linecolor": "#444", "ticks": "outside", "gridcolor": "#e5e5e5",
              "zeroline": False, "automargin": True},
    "hoverlabel": {"font": {"family": FONT}},
    "legend": {"bgcolor": "rgba(255,255,255,0.8)"},
})
