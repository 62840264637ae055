"""Expected call volumes: how many calls of each type a year start where, before any randomness.

The simulation draws its arrivals from these rates, the offered-load check multiplies them by
mean work times, and `docs/almaty.md` derives them by hand, so the arithmetic lives in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .schema import CallType, Scenario

HOURS_PER_DAY = 24
DAYS_PER_WEEK = 7
DAYS_PER_YEAR = 365.0


@dataclass(frozen=True)
class Origin:
    """Where calls of one type start: a precinct, or a hotspot inside one."""

    call_type: str
    precinct: str
    district: str
    hotspot: str | None
    lon: float
    lat: float
    radius_km: float
    yearly_volume: float

    @property
    def key(self) -> str:
        """Stable name of this origin, used to name its random streams."""
        return f"{self.call_type}/{self.hotspot or self.precinct}"


def profile(scenario: Scenario, value: list[float] | str, length: int) -> np.ndarray:
    """A named or inline profile as shares that sum to 1."""
    if isinstance(value, str):
        weights = np.ones(length) if value == "flat" else np.asarray(scenario.profiles[value], float)
    else:
        weights = np.asarray(value, dtype=float)
    return weights / weights.sum()


def weekly_shares(scenario: Scenario, call_type: CallType) -> np.ndarray:
    """Each hour's share of the week (168, Monday 00-01 first): the weekly profile, or the
    product of the weekday and hourly profiles when the week factors into the two."""
    if call_type.weekly_profile is not None:
        return profile(scenario, call_type.weekly_profile, HOURS_PER_DAY * DAYS_PER_WEEK)
    hourly = profile(scenario, call_type.hourly_profile, HOURS_PER_DAY)
    weekday = profile(scenario, call_type.weekday_profile, DAYS_PER_WEEK)
    return np.outer(weekday, hourly).ravel()


def hourly_shares(scenario: Scenario, call_type: CallType) -> np.ndarray:
    """Each hour of the day's share of the calls, whichever way the week is given."""
    return weekly_shares(scenario, call_type).reshape(DAYS_PER_WEEK, HOURS_PER_DAY).sum(axis=0)


def type_volume(scenario: Scenario, call_type: CallType) -> float:
    """Yearly calls of one type in the whole city, after the scenario's demand scale."""
    if call_type.yearly_volume is not None:
        base = call_type.yearly_volume
    else:
        population = sum(d.population for d in scenario.city.districts)
        base = call_type.rate_per_1000_residents * population / 1000.0
    return base * scenario.demand_scale


def origins(scenario: Scenario, type_name: str) -> list[Origin]:
    """Every origin of one call type with its expected yearly volume."""
    call_type = scenario.demand[type_name]
    volume = type_volume(scenario, call_type)
    precincts = {p.name: p for p in scenario.city.precincts}
    district_of = {p.name: p.district for p in scenario.city.precincts}
    at_hotspots: list[Origin] = []
    if call_type.spread == "hotspots":
        wanted = set(call_type.hotspots)
        spots = [h for h in scenario.city.hotspots if not wanted or h.name in wanted]
        total_weight = sum(h.weight for h in spots)
        at_hotspots = [
            Origin(type_name, h.precinct, district_of[h.precinct], h.name, h.lon, h.lat,
                   h.radius_km, volume * call_type.hotspot_share * h.weight / total_weight)
            for h in spots
        ]
        volume *= 1.0 - call_type.hotspot_share
        if volume <= 0:
            return at_hotspots
    city_population = sum(d.population for d in scenario.city.districts)
    district_population = {d.name: d.population for d in scenario.city.districts}
    precinct_population: dict[str, float] = {}
    for p in scenario.city.precincts:
        precinct_population[p.district] = precinct_population.get(p.district, 0.0) + p.population
    return at_hotspots + [
        Origin(
            type_name, p.name, p.district, None, p.lon, p.lat, p.radius_km,
            volume * district_population[p.district] / city_population
            * p.population / precinct_population[p.district],
        )
        for p in precincts.values()
        if p.district in district_population
    ]


def all_origins(scenario: Scenario) -> list[Origin]:
    return [origin for name in scenario.demand for origin in origins(scenario, name)]


def work_minutes(call_type: CallType) -> float:
    """Mean officer-minutes of work per call, travel excluded."""
    return (call_type.service.mean + call_type.paperwork.mean) * call_type.officers
