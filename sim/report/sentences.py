"""The comparison's summary in words, every number taken from the paired differences."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..results.compare import Difference
from . import labels
from .charts import forest_rows

# The metrics the summary speaks of, in this order (metric, by, group).
SENTENCE_ROWS = (
    ("response_median_min", "priority", "1"),
    ("response_p90_min", "priority", "1"),
    ("within_target_share", "all", "all"),
    ("walk_in_wait_mean_min", "all", "all"),
    ("abandonment_share", "all", "all"),
    ("utilisation_busy", "role", "inspector"),
)
DISTRICT_METRIC = "response_p90_min"


def phrase(metric: str, by: str, group: str) -> str:
    """The metric of a group as words: 'the median response time to priority-1 calls'."""
    name = labels.metric_name(metric)
    if metric.startswith("response"):
        where = {"priority": f"priority-{group} calls", "district": f"field calls in {group}"}.get(by, "field calls")
        return f"the {name} to {where}"
    if metric == "within_target_share" and by in ("priority", "district"):
        calls = f"priority-{group} calls" if by == "priority" else f"field calls in {group}"
        return f"the share of {calls} reached within target"
    if by == "station_kind":
        return f"the {name} at {labels.group_name(by, group)}"
    if by in ("role", "role/district"):
        role, _, district = group.partition("/")
        return f"{role}s' {name}" + (f" in {district}" if district else "")
    where = labels.group_name(by, group)
    return f"the {name}" + (f" ({where})" if where else "")


def _value(metric: str, value: float) -> str:
    if labels.is_share(metric):
        return f"{value * 100:.0f}%"
    return f"{value:.1f}" if labels.is_minutes(metric) else f"{value:,.0f}"


def _values_unit(metric: str) -> str:
    return " minutes" if labels.is_minutes(metric) else ""


def _change(d: Difference) -> str:
    change = labels.fmt_change(d.metric, d.diff)
    if not (labels.finite(d.low) and labels.finite(d.high)):
        return f"{change}; no interval with one replication"
    digits = 1
    if labels.is_share(d.metric):
        low, high = f"{d.low * 100:+.{digits}f}", f"{d.high * 100:+.{digits}f}"
    else:
        low, high = f"{d.low:+.{digits}f}", f"{d.high:+.{digits}f}"
    return f"{change}, 95% CI {low} to {high}"


def _from_to(d: Difference) -> str:
    a, b, unit = _value(d.metric, d.a), _value(d.metric, d.b), _values_unit(d.metric)
    return f"from {a} to {b}{unit} ({_change(d)})"


def sentence(d: Difference, names: Sequence[str]) -> str:
    """One difference in words: what the second scenario does to the metric, with its interval."""
    subject = phrase(d.metric, d.by, d.group)
    if d.significant:
        verb = "raises" if d.diff > 0 else "lowers"
        return f"Compared with {names[0]}, {names[1]} {verb} {subject} {_from_to(d)}."
    return f"No clear change in {subject}: {_versus(d)} ({_change(d)})."


def _versus(d: Difference) -> str:
    return f"{_value(d.metric, d.a)} vs {_value(d.metric, d.b)}{_values_unit(d.metric)}"


def _strength(d: Difference) -> float:
    """How far the interval is from zero, in half-widths (ranks the clear changes)."""
    half = (d.high - d.low) / 2
    return abs(d.diff) / half if half > 0 else np.inf


def _listing(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else "; ".join(parts[:-1]) + "; and " + parts[-1]


def _also_sentence(others: Sequence[Difference], names: Sequence[str], opening: bool, most: int = 3) -> str:
    """The other clear changes of the forest plot, the clearest `most` of them in words."""
    ranked = sorted(others, key=_strength, reverse=True)
    parts = [f"{'raises' if d.diff > 0 else 'lowers'} {phrase(d.metric, d.by, d.group)} {_from_to(d)}"
             for d in ranked[:most]]
    more = len(ranked) - most
    tail = f" The chart below shows {more} more." if more > 0 else ""
    start = f"Compared with {names[0]}, {names[1]}" if opening else "It also"
    return f"{start} {_listing(parts)}.{tail}"


def _unclear_sentence(unclear: Sequence[Difference], names: Sequence[str]) -> str:
    if len(unclear) == 1:
        return sentence(unclear[0], names)
    parts = [f"{phrase(d.metric, d.by, d.group)} ({_versus(d)})" for d in unclear]
    listed = ", ".join(parts[:-1]) + " or " + parts[-1]
    return (f"There is no clear change (the 95% confidence interval includes zero; values are {names[0]} "
            f"vs {names[1]}) in {listed}.")


def _district_sentence(differences: Sequence[Difference], names: Sequence[str]) -> str | None:
    rows = [d for d in differences if d.metric == DISTRICT_METRIC and d.by == "district" and np.isfinite(d.diff)]
    if not rows:
        return None
    clear = [d for d in rows if d.significant]
    if clear:
        d = max(clear, key=lambda d: abs(d.diff))
        return (f"Of the districts, {d.group} changes most: its {labels.metric_name(DISTRICT_METRIC)} to field "
                f"calls goes {_from_to(d)}; {len(clear)} of {len(rows)} districts change clearly.")
    d = max(rows, key=lambda d: abs(d.diff))
    return (f"No district's {labels.metric_name(DISTRICT_METRIC)} to field calls changes clearly; "
            f"the largest change is in {d.group} ({_change(d)}).")


def summary_sentences(differences: Sequence[Difference], names: Sequence[str]) -> list[str]:
    """Sentences on the comparison of `names[1]` with `names[0]` from `paired_differences` output.

    Clear changes of the headline metrics first (each with both values, the change and its 95% CI),
    then the clearest other changes of the forest plot, then the headline metrics that do not change
    clearly, the districts, and a count.
    """
    by_key = {(d.metric, d.by, d.group): d for d in differences}
    headline = [by_key[key] for key in SENTENCE_ROWS if key in by_key]
    out = [sentence(d, names) for d in headline if d.significant]
    others = [d for d in forest_rows(differences) if d.significant and (d.metric, d.by, d.group) not in SENTENCE_ROWS]
    if others:
        out.append(_also_sentence(others, names, opening=not out))
    unclear = [d for d in headline if not d.significant]
    if unclear:
        out.append(_unclear_sentence(unclear, names))
    district = _district_sentence(differences, names)
    if district:
        out.append(district)
    shown = forest_rows(differences)
    if shown:
        out.append(f"{sum(d.significant for d in shown)} of the {len(shown)} differences in the chart below "
                   "are clear changes.")
    return out
