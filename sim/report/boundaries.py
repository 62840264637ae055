"""District outlines from a scenario's GeoJSON boundaries, as lon/lat rings for scatter plots."""

from __future__ import annotations

import math
from dataclasses import dataclass

from shapely.geometry import shape


@dataclass(frozen=True)
class DistrictShape:
    district: str
    rings: list[tuple[list[float], list[float]]]   # outer rings (lons, lats); holes are not drawn
    label_lon: float
    label_lat: float


def district_shapes(scenario: dict) -> list[DistrictShape]:
    """One outline per district of `scenario["city"]["boundaries"]`; [] when it has none."""
    boundaries = (scenario.get("city") or {}).get("boundaries") or {}
    out = []
    for feature in boundaries.get("features", []):
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        rings = [([p[0] for p in polygon[0]], [p[1] for p in polygon[0]]) for polygon in polygons]
        point = shape(geometry).representative_point()
        out.append(DistrictShape(str(feature["properties"]["district"]), rings, point.x, point.y))
    return out


def district_points(scenario: dict) -> list[DistrictShape]:
    """Without boundaries: each district as the mean position of its precincts (no outline)."""
    city = scenario.get("city") or {}
    spots: dict[str, list[tuple[float, float]]] = {}
    for precinct in city.get("precincts", []):
        spots.setdefault(precinct["district"], []).append((precinct["lon"], precinct["lat"]))
    return [DistrictShape(d, [], sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))
            for d, pts in spots.items()]


def stations(scenario: dict) -> list[dict]:
    """All stations of the scenario (the table plus `add_stations`), closed kinds left out."""
    city = scenario.get("city") or {}
    changes = ((scenario.get("staffing") or {}).get("changes") or {})
    closed = set(changes.get("close_station_kinds") or [])
    return [s for s in [*city.get("stations", []), *city.get("add_stations", [])] if s["kind"] not in closed]


def y_scale_ratio(lats: list[float]) -> float:
    """Pixels per degree of latitude over pixels per degree of longitude: 1 / cos(mid latitude)."""
    mid = (min(lats) + max(lats)) / 2 if lats else 0.0
    return 1.0 / math.cos(math.radians(mid))
