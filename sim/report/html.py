"""Self-contained HTML pages: plotly.js embedded once, figures as divs, nothing fetched from the web."""

from __future__ import annotations

from html import escape
from pathlib import Path

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from ..atomic import write_atomic

FIGURE_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}

CSS = """
body { font-family: "Segoe UI", "Helvetica Neue", Arial, sans-serif; color: #222; margin: 0;
       background: #f4f4f4; line-height: 1.45; }
main { max-width: 1320px; margin: 0 auto; padding: 16px 24px 40px; background: #fff; }
header h1 { margin: 4px 0 2px; font-size: 28px; }
header p.description { margin: 0 0 12px; font-size: 16px; color: #333; max-width: 70em; }
header p.meta { margin: 0 0 12px; font-size: 13px; color: #666; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 12px;
         margin: 8px 0 16px; }
.card { border: 1px solid #ddd; border-left: 8px solid var(--colour); border-radius: 4px;
        padding: 8px 12px; background: #fff; }
.card .title { font-size: 14px; font-weight: 600; }
.card .value { font-size: 30px; font-weight: 700; margin: 2px 0 0; }
.card .ci { font-size: 13px; color: #444; }
.card .note { font-size: 12px; color: #666; margin-top: 4px; }
section { margin: 20px 0 8px; }
section h2 { font-size: 20px; margin: 12px 0 4px; border-bottom: 1px solid #ddd; padding-bottom: 2px; }
section p.intro { margin: 2px 0 6px; max-width: 75em; }
.figure { width: 100%; }
.map-row { display: flex; gap: 16px; align-items: flex-start; flex-wrap: wrap; }
.map-row .figure { flex: 1 1 700px; min-width: 0; }
.map-row .side { flex: 0 1 440px; order: 2; }
table.districts { border-collapse: collapse; font-size: 13px; width: 100%; }
table.districts th, table.districts td { border-bottom: 1px solid #ddd; padding: 3px 6px; text-align: right; }
table.districts th:first-child { text-align: left; }
table.districts small { color: #666; }
table.districts tr.clear { font-weight: 700; }
p.tablenote { font-size: 12px; color: #666; margin: 4px 0; }
.summary { font-size: 17px; max-width: 75em; background: #f7f7f7; border-left: 6px solid #0072B2;
           padding: 10px 14px; }
.warning { color: #8a3b00; font-weight: 600; }
table.provenance { border-collapse: collapse; font-size: 13px; }
table.provenance td, table.provenance th { border: 1px solid #ddd; padding: 3px 8px; text-align: left;
                                            vertical-align: top; }
.howto { font-size: 14px; max-width: 75em; }
footer { margin-top: 24px; font-size: 12px; color: #666; }
@media print { body { background: #fff; } main { max-width: none; } section { break-inside: avoid; } }
"""


def figure_html(fig: go.Figure, div_id: str) -> str:
    """A figure as a div plus the script that draws it (plotly.js itself is on the page once)."""
    height = fig.layout.height or 450
    return (f'<div class="figure" data-figure="{escape(div_id)}">'
            + fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id, config=FIGURE_CONFIG,
                          default_width="100%", default_height=f"{height}px")
            + "</div>")


def beside(figure: str, side: str) -> str:
    """A figure with an HTML panel (a table) to its right; the panel wraps below on narrow screens.

    The panel comes first in the page (CSS puts it on the right) so that it takes its room before the
    figure's inline script measures the width left for the plot.
    """
    return f'<div class="map-row"><div class="side">{side}</div>{figure}</div>'


def section(title: str, intro: str, content: str, anchor: str = "") -> str:
    anchor_attr = f' id="{escape(anchor)}"' if anchor else ""
    intro_html = f'<p class="intro">{intro}</p>' if intro else ""
    return f"<section{anchor_attr}><h2>{escape(title)}</h2>{intro_html}{content}</section>"


def page(title: str, body: str) -> str:
    """The whole document: one inline plotly.js, then `body`."""
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{escape(title)}</title><style>{CSS}</style>"
            "<script>window.PlotlyConfig = {MathJaxConfig: 'local'};</script>"
            f"<script type=\"text/javascript\">{get_plotlyjs()}</script>"
            f"</head><body><main>{body}</main></body></html>\n")


def write_page(path: Path, title: str, body: str) -> Path:
    """Write the page atomically (an interrupted run never leaves half a report)."""
    text = page(title, body)
    write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return path
