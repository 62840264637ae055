"""Districts, precincts and hotspots from boundary polygons and the calls' observed places.

The log gives points (SF snaps them to intersections); the model spreads calls uniformly in a
disc around a hotspot. Points are gathered into square cells of `cell_km`, and each occupied cell
becomes a hotspot at its calls' mean place, weighted by its count: the observed map, coarsened
to the cell size. Each boundary polygon becomes one district with one precinct of the same name.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import shape

KM_PER_DEGREE_LAT = 111.32
NEIGHBOUR_GAP_KM = 0.05


@dataclass
class Area:
    """One district from the boundaries: its shape, a point inside it, area and neighbours."""

    name: str
    geometry: shapely.Geometry
    lon: float
    lat: float
    area_km2: float
    neighbours: list[str]


@dataclass
class Hotspot:
    name: str
    call_type: str
    district: str
    lon: float
    lat: float
    radius_km: float
    calls: int


def read_areas(path: Path) -> list[Area]:
    """Districts of a GeoJSON FeatureCollection whose features carry a 'district' property."""
    document = json.loads(Path(path).read_text())
    features = document.get("features") if isinstance(document, dict) else None
    if not features:
        raise ValueError(f"{path}: expected a GeoJSON FeatureCollection of district polygons")
    shapes, names = [], []
    for index, feature in enumerate(features):
        name = (feature.get("properties") or {}).get("district")
        if not isinstance(name, str) or not name:
            raise ValueError(f"{path}: features[{index}].properties.district: expected the district's name")
        shapes.append(shapely.make_valid(shape(feature["geometry"])))
        names.append(name)
    lat0 = float(np.mean([g.centroid.y for g in shapes]))
    scale = (KM_PER_DEGREE_LAT * math.cos(math.radians(lat0)), KM_PER_DEGREE_LAT)
    in_km = [shapely.transform(g, lambda xy: xy * np.array(scale)) for g in shapes]
    areas = []
    for name, geometry, km in zip(names, shapes, in_km):
        inside = geometry.representative_point()
        touching = [other for other, other_km in zip(names, in_km)
                    if other != name and km.distance(other_km) <= NEIGHBOUR_GAP_KM]
        areas.append(Area(name, geometry, inside.x, inside.y, km.area, touching))
    return areas


def locate(areas: list[Area], lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """The district of each point ("" outside every polygon)."""
    found = np.full(len(lon), "", dtype=object)
    for area in areas:
        inside = shapely.contains_xy(area.geometry, lon, lat) & (found == "")
        found[inside] = area.name
    return found


def hotspots(calls: pd.DataFrame, areas: list[Area], type_of: pd.Series, cell_km: float) -> tuple[list[Hotspot], int]:
    """Hotspots per call type from placed calls; also how many placed calls fell outside every district."""
    placed = calls[calls["lon"].notna() & calls["lat"].notna()]
    district = locate(areas, placed["lon"].to_numpy(), placed["lat"].to_numpy())
    outside = int((district == "").sum())
    placed = placed.assign(_district=district, _type=type_of.loc[placed.index])[district != ""]
    if placed.empty:
        return [], outside
    lat0 = float(placed["lat"].mean())
    kx = KM_PER_DEGREE_LAT * math.cos(math.radians(lat0))
    cell_x = np.floor(placed["lon"].to_numpy() * kx / cell_km).astype(int)
    cell_y = np.floor(placed["lat"].to_numpy() * KM_PER_DEGREE_LAT / cell_km).astype(int)
    placed = placed.assign(_cx=cell_x, _cy=cell_y)
    spots = []
    for call_type, of_type in placed.groupby("_type", sort=True):
        cells = of_type.groupby(["_cx", "_cy"], sort=True)
        for index, (_, cell) in enumerate(cells):
            lon, lat = float(cell["lon"].mean()), float(cell["lat"].mean())
            names = locate(areas, np.array([lon]), np.array([lat]))
            if names[0] == "":  # the mean of a cell's points fell outside (a bay, a park edge): use its busiest point
                lon, lat, name = cell.groupby(["lon", "lat", "_district"]).size().idxmax()
                names = [name]
            spots.append(Hotspot(f"{call_type}-{index + 1:03d}", str(call_type), str(names[0]),
                                 round(lon, 6), round(lat, 6), cell_km / 2, len(cell)))
    return spots, outside
