"""Plain-language names, units and number formats of the summary's metrics and groups."""

from __future__ import annotations

import math

METRIC_NAMES = {
    "response_mean_min": "mean response time",
    "response_median_min": "median response time",
    "response_p90_min": "90th-percentile response time",
    "within_target_share": "share of field calls reached within target",
    "walk_in_wait_mean_min": "mean walk-in wait",
    "walk_in_wait_p90_min": "90th-percentile walk-in wait",
    "walk_in_within_target_share": "share of walk-ins seen within the wait target",
    "abandonment_share": "share of walk-ins who gave up waiting",
    "referred_share": "share of field calls referred (nobody free within max_wait_min)",
    "cancelled_share": "share of field calls cancelled by the caller before an officer was sent",
    "desk_wait_mean_min": "mean wait of desk work",
    "utilisation_busy": "busy share of on-duty time",
    "utilisation_field": "share of on-duty time in the field",
    "utilisation_desk": "share of on-duty time at the desk",
    "utilisation_prevention": "share of on-duty time on prevention",
    "utilisation_idle": "idle share of on-duty time",
    "calls_completed": "calls completed",
    "calls_abandoned": "calls abandoned",
    "calls_referred": "field calls referred elsewhere",
    "calls_cancelled": "field calls cancelled by the caller",
    "calls_open": "calls still open at the end",
    "calls_total": "calls",
}

STATION_KIND_NAMES = {"fixed": "police stations", "modular": "modular stations",
                      "service_centre": "service centres", "all": "all stations"}


def is_share(metric: str) -> bool:
    """Whether a metric is a share (0-1, shown as %) rather than minutes or a count."""
    return metric.endswith("_share") or metric.startswith("utilisation")


def is_minutes(metric: str) -> bool:
    return metric.endswith("_min")


def metric_name(metric: str) -> str:
    return METRIC_NAMES.get(metric, metric.replace("_", " "))


def group_name(by: str, group: str) -> str:
    """'priority 1', 'Alatau', 'modular stations', 'inspectors in Alatau', or '' for all."""
    if by == "all":
        return ""
    if by == "priority":
        return f"priority {group}"
    if by == "station_kind":
        return STATION_KIND_NAMES.get(group, group.replace("_", " "))
    if by == "role":
        return f"{group}s"
    if by == "role/district":
        role, district = group.split("/", 1)
        return f"{role}s in {district}"
    if by == "shift":
        return f"shift {group}"
    return group


def row_label(metric: str, by: str, group: str) -> str:
    """A short label for one metric of one group, e.g. 'median response time, priority 1'."""
    name = metric_name(metric)
    where = group_name(by, group)
    return f"{name[0].upper()}{name[1:]}" + (f", {where}" if where else "")


def unit(metric: str) -> str:
    return "%" if is_share(metric) else ("min" if is_minutes(metric) else "")


def scale(metric: str) -> float:
    """Factor from stored value to displayed value (shares are shown in %)."""
    return 100.0 if is_share(metric) else 1.0


def finite(value) -> bool:
    return value is not None and isinstance(value, (int, float)) and math.isfinite(value)


def fmt(metric: str, value, digits: int | None = None) -> str:
    """A value with its unit: '12.3 min', '84%', '1,234'."""
    if not finite(value):
        return "n/a"
    if is_share(metric):
        return f"{value * 100:.{0 if digits is None else digits}f}%"
    if is_minutes(metric):
        return f"{value:.{1 if digits is None else digits}f} min"
    return f"{value:,.0f}"


def bounds(metric: str) -> tuple[float, float]:
    """The values a metric can take: shares 0-1, utilisation (overtime) and minutes from 0 up."""
    if is_share(metric) and not metric.startswith("utilisation"):
        return 0.0, 1.0
    return 0.0, math.inf


def clip(metric: str, value: float) -> float:
    """A level (not a change) kept within the metric's bounds: a t interval over few replications
    can reach past them (101%, -3 min), which no reader should be shown."""
    low, high = bounds(metric)
    return min(max(value, low), high) if finite(value) else value


def fmt_ci(metric: str, low, high, digits: int | None = None) -> str:
    """'95% CI 11.0-13.4 min' (clipped to the metric's bounds), or '' when unknown (one replication)."""
    if not (finite(low) and finite(high)):
        return ""
    low, high = clip(metric, low), clip(metric, high)
    lo, hi = fmt(metric, low, digits), fmt(metric, high, digits)
    suffix = unit(metric)
    lo = lo.removesuffix(suffix).strip()
    return f"95% CI {lo}–{hi}"


def fmt_change(metric: str, value, digits: int = 1) -> str:
    """A signed change: '+3.2 min', '-4.0 percentage points' (more digits when it would read 0.0)."""
    if not finite(value):
        return "n/a"
    shown = value * scale(metric)
    if 0.5 * 10 ** -(digits + 1) <= abs(shown) < 0.5 * 10 ** -digits:
        digits += 1
    if is_share(metric):
        return f"{value * 100:+.{digits}f} percentage points"
    if is_minutes(metric):
        return f"{value:+.{digits}f} min"
    return f"{value:+,.0f}"
