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
MOST = 3  # changes named in the summary; the rest are in the chart and the table


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


def _moves(d: Difference) -> str:
    """One change in plain words: 'the mean walk-in wait rises from 7.0 to 9.3 minutes (+2.3 min, ...)'."""
    verb = "rises" if d.diff > 0 else "falls"
    return f"{phrase(d.metric, d.by, d.group)} {verb} {_from_to(d)}"


def _strength(d: Difference) -> float:
    """How far the interval is from zero, in half-widths (ranks the clear changes)."""
    half = (d.high - d.low) / 2
    return abs(d.diff) / half if half > 0 else np.inf


def _listing(parts: Sequence[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    return "; ".join(parts[:-1]) + "; and " + parts[-1]


def main_changes(differences: Sequence[Difference], most: int = MOST) -> list[Difference]:
    """The clear changes that matter most: the headline measures first, then the clearest others."""
    by_key = {(d.metric, d.by, d.group): d for d in differences}
    headline = [by_key[key] for key in SENTENCE_ROWS if key in by_key and by_key[key].significant]
    others = [d for d in forest_rows(differences) if d.significant and (d.metric, d.by, d.group) not in SENTENCE_ROWS]
    ranked = sorted(headline, key=_strength, reverse=True) + sorted(others, key=_strength, reverse=True)
    return ranked[:most]


def _lead(differences: Sequence[Difference], names: Sequence[str]) -> str:
    changes = main_changes(differences)
    if changes:
        label = "The main change" if len(changes) == 1 else f"The {len(changes)} main changes"
        text = _listing([_moves(d) for d in changes])
        return f"{label} in {names[1]}, compared with {names[0]}: {text}."
    headline = [d for d in differences if (d.metric, d.by, d.group) in SENTENCE_ROWS]
    if len(headline) == 1:
        d = headline[0]
        return f"No clear change in {phrase(d.metric, d.by, d.group)}: {_versus(d)} ({_change(d)})."
    return (f"No headline measure changes clearly from {names[0]} to {names[1]}: every 95% confidence "
            "interval includes zero.")


def _versus(d: Difference) -> str:
    return f"{_value(d.metric, d.a)} vs {_value(d.metric, d.b)}{_values_unit(d.metric)}"


def _district_sentence(differences: Sequence[Difference]) -> str | None:
    """The district that changes most, when any changes clearly (the map shows them all)."""
    rows = [d for d in differences if d.metric == DISTRICT_METRIC and d.by == "district" and np.isfinite(d.diff)]
    clear = [d for d in rows if d.significant]
    if not clear:
        return None
    d = max(clear, key=lambda d: abs(d.diff))
    return (f"Of the districts, {d.group} changes most: its {labels.metric_name(DISTRICT_METRIC)} to field "
            f"calls goes {_from_to(d)}; {len(clear)} of {len(rows)} districts change clearly.")


def summary_sentences(differences: Sequence[Difference], names: Sequence[str]) -> list[str]:
    """A short summary of `names[1]` against `names[0]` from `paired_differences` output.

    It leads with the two or three clear changes that matter most (each with both values, the
    change and its 95% CI), names the district that changes most, and leaves every other
    difference to the forest plot and the table, which a reader scans faster than sentences.
    """
    out = [_lead(differences, names)]
    district = _district_sentence(differences)
    if district:
        out.append(district)
    shown = forest_rows(differences)
    if shown:
        out.append(f"{sum(d.significant for d in shown)} of the {len(shown)} differences in the chart below "
                   "are clear changes; the chart and the table show them all.")
    return out
