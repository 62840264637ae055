"""What a run's model leaves out, read from its scenario, so no reader takes a result for more than it is.

Closing stations can come out faster for urgent calls only because nothing in the model credits a
station with deterring offences; a decision-maker must see that beside the result, in words,
for the very scenario the report shows. The general list is in docs/model.md (Known limitations).
"""

from __future__ import annotations

from html import escape
from typing import Any

from ..scenario.schema import Travel

KIND_NAMES = {"fixed": "police stations", "modular": "modular stations", "service_centre": "service centres"}
DEFAULT_TRAVEL_FIT = {key: value for key, value in Travel().model_dump().items()
                      if key in ("sqrt_min_per_sqrt_km", "breakpoint_km", "intercept_min", "linear_min_per_km")}


def _mechanisms(scenario: dict[str, Any]) -> list[str]:
    """Mechanisms the model has but this scenario turns off, and those the model never has."""
    dispatch, staffing = scenario.get("dispatch", {}), scenario.get("staffing", {})
    demand = scenario.get("demand", {})
    items = ["No deterrence: a station's presence does not reduce offences, so opening or closing a "
             "station changes only where officers start from and where walk-ins go, not how many calls arise."]
    if scenario.get("prevention") is None:
        items.append("No prevention: no time goes to prevention work and no call rate responds to it.")
    else:
        items.append("Prevention cuts call rates by a fixed amount per weekly hour, set in the scenario: "
                     "the cut is an input, not an outcome of the model.")
    if not dispatch.get("preemption", False):
        items.append("No preemption: an urgent call never takes an officer off a less urgent one; it waits.")
    endless = sorted(name for name, call in demand.items() if call.get("kind") == "field"
                     and call.get("patience") is None and call.get("max_wait_min") is None)
    if endless:
        items.append(f"Field calls of {', '.join(endless)} are never referred or cancelled: they wait until "
                     "an officer comes, however long that takes (no max_wait_min or patience set).")
    patient = sorted(name for name, call in demand.items() if call.get("kind") == "walk_in" and not call.get("patience"))
    if patient:
        items.append(f"Walk-in visitors never give up waiting ({', '.join(patient)}: no patience set).")
    travel = scenario.get("travel", {})
    if travel.get("model") == "none":
        items.append("No travel: officers reach every call at once.")
    else:
        items.append(f"No road network: travel is straight-line distance times a detour factor of "
                     f"{travel.get('detour_factor', Travel().detour_factor):g}, at the congestion of the hour "
                     "a trip starts; no closures, one-way streets or accidents.")
    if staffing.get("availability", 1.0) >= 1.0:
        items.append("No absence: every rostered officer turns up for every shift (availability 1).")
    else:
        items.append("Absence is drawn independently for each shift; there are no multi-day sickness or "
                     "leave spells that would leave some days short.")
    if not staffing.get("assistants_take_field", False):
        items.append("Assistants never go out to field calls, however busy the inspectors are.")
    desk_only = [kind for kind in KIND_NAMES if kind not in dispatch.get("field_station_kinds", list(KIND_NAMES))]
    if desk_only:
        items.append(f"Inspectors at {' and '.join(KIND_NAMES[k] for k in desk_only)} never go out to field calls.")
    return items


def _estimates(scenario: dict[str, Any]) -> list[str]:
    """Figures this scenario takes from assumptions rather than measurement."""
    travel, demand = scenario.get("travel", {}), scenario.get("demand", {})
    items = ["Service, paperwork and walk-in patience times are drawn from the distributions the "
             "scenario states, not from measured calls."]
    if travel.get("model") != "none" and all(travel.get(k) == v for k, v in DEFAULT_TRAVEL_FIT.items()):
        items.append(f"Travel speeds are the model's default fit to US emergency vehicles (Kolesar and Walker), "
                     f"slowed by a factor of {travel.get('slowdown', 1.0):g} for this city.")
    by_rate = sorted(name for name, call in demand.items() if call.get("rate_per_1000_residents") is not None)
    if by_rate:
        items.append(f"Call volumes of {', '.join(by_rate)} are rates per 1,000 residents applied to the "
                     "district populations, so they are only as good as those populations.")
    if scenario.get("demand_scale", 1.0) != 1.0:
        items.append(f"Every call volume is scaled by {scenario['demand_scale']:g}: a what-if, not a forecast.")
    if scenario.get("demand_log"):
        items.append("Logged calls are replayed as recorded; the other call types arrive at random (Poisson) "
                     "with the scenario's profiles.")
    else:
        items.append("Calls arrive at random (Poisson) with the scenario's hourly and weekday profiles: no "
                     "seasons, events or surges beyond them.")
    return items


def limitations(scenario: dict[str, Any]) -> dict[str, list[str]]:
    """{'mechanisms': [...], 'estimates': [...]}: what the model leaves out of this scenario."""
    return {"mechanisms": _mechanisms(scenario), "estimates": _estimates(scenario)}


def limitations_html(scenarios: list[tuple[str, dict[str, Any]]]) -> str:
    """The list for one scenario, or for several: what all share, then what holds for only some."""
    lists = [(name, limitations(scenario)) for name, scenario in scenarios]
    html = ""
    for part, title in (("mechanisms", "Left out of the model"), ("estimates", "Figures that are assumptions")):
        common = [item for item in lists[0][1][part] if all(item in other[part] for _, other in lists)]
        own = [(name, [item for item in found[part] if item not in common]) for name, found in lists]
        rows = [f"<li>{escape(item)}</li>" for item in common]
        rows += [f"<li><b>{escape(name)} only:</b> {escape(item)}</li>" for name, items in own for item in items]
        html += f'<h3>{title}</h3><ul class="limitations" data-part="{part}">{"".join(rows)}</ul>'
    return (html + "<p>A change that depends on one of these (closing stations, say, when nothing "
            "credits a station with deterring offences) needs judgement beyond these numbers. The full "
            "list is in the model's documentation (docs/model.md, Known limitations).</p>")
