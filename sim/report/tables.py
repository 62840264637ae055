"""HTML tables beside the maps: each district's numbers, worst first, for reading off exact values."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import pandas as pd

from ..results.compare import Difference
from . import labels
from .headline import pick


def _cell(summary: pd.DataFrame, metric: str, by: str, group: str) -> str:
    row = pick(summary, metric, by, group)
    if row is None:
        return "<td>n/a</td>"
    ci = labels.fmt_ci(metric, row["low"], row["high"]).replace("95% CI ", "")
    return f"<td>{escape(labels.fmt(metric, row['mean']))}<br><small>{escape(ci)}</small></td>"


def district_table_html(summary: pd.DataFrame) -> str:
    """District, 90th-percentile and median response, share within target, inspectors busy; slowest first."""
    rows = summary[(summary.metric == "response_p90_min") & (summary.by == "district")]
    order = rows.assign(v=rows["mean"].map(lambda v: v if labels.finite(v) else -1)).sort_values("v", ascending=False)
    head = ("<tr><th>district</th><th>9 in 10 reached within</th><th>median response</th>"
            "<th>within target</th><th>inspectors busy</th></tr>")
    body = "".join(
        f"<tr><th>{escape(d)}</th>" + _cell(summary, "response_p90_min", "district", d)
        + _cell(summary, "response_median_min", "district", d) + _cell(summary, "within_target_share", "district", d)
        + _cell(summary, "utilisation_busy", "role/district", f"inspector/{d}") + "</tr>"
        for d in order["group"])
    return (f'<table class="districts">{head}{body}</table><p class="tablenote">Field calls of all priorities; '
            "small print: 95% confidence interval.</p>")


def any_left(summary: pd.DataFrame) -> bool:
    """Whether some field call was referred or cancelled (else a table of zeros is noise)."""
    for metric in ("calls_referred", "calls_cancelled"):
        row = pick(summary, metric, "all", "all")
        if row is not None and labels.finite(row["mean"]) and row["mean"] > 0:
            return True
    return False


def left_table_html(summary: pd.DataFrame) -> str:
    """By priority: the share of field calls referred and the share cancelled, with 95% intervals."""
    groups = [("all", "all", "all priorities")]
    groups += [("priority", g, f"priority {g}")
               for g in sorted(summary[(summary.metric == "referred_share") & (summary.by == "priority")].group)]
    head = "<tr><th>field calls</th><th>referred</th><th>cancelled by the caller</th></tr>"
    body = "".join(f"<tr><th>{escape(label)}</th>" + _cell(summary, "referred_share", by, group)
                   + _cell(summary, "cancelled_share", by, group) + "</tr>" for by, group, label in groups)
    return f'<table class="districts">{head}{body}</table>'


def change_table_html(differences: Sequence[Difference], names: Sequence[str],
                      metric: str = "response_p90_min") -> str:
    """Per district: the metric in both scenarios and the paired change with its 95% CI; largest rise first."""
    rows = sorted((d for d in differences if d.metric == metric and d.by == "district"),
                  key=lambda d: -d.diff if labels.finite(d.diff) else 0)
    head = (f"<tr><th>district</th><th>{escape(names[0])}</th><th>{escape(names[1])}</th>"
            "<th>change (95% CI)</th></tr>")
    body = "".join(
        f"<tr{' class=clear' if d.significant else ''}><th>{escape(d.group)}</th>"
        f"<td>{escape(labels.fmt(metric, d.a))}</td><td>{escape(labels.fmt(metric, d.b))}</td>"
        f"<td>{escape(labels.fmt_change(metric, d.diff))}<br><small>"
        f"{escape(labels.fmt_change(metric, d.low))} to {escape(labels.fmt_change(metric, d.high))}</small></td></tr>"
        for d in rows)
    return (f'<table class="districts">{head}{body}</table><p class="tablenote">{escape(labels.metric_name(metric))}'
            " to field calls; bold rows are clear changes (the interval excludes zero).</p>")
