#!/usr/bin/env python3
"""Make the data tables of the default city, Almaty, from the sourced district files.

    python tools/make_almaty.py [--source DIR] [--out DIR]
    python tools/make_almaty.py --service-centres     # print the service-centre stations (TOML)

Reads `districts.csv` and `districts.geojson` from `--source` (default: `../shared/data/almaty`
relative to the repository root) and writes into `--out` (default: `scenarios/data/almaty`):

- `districts.csv`: name, population (an estimate: 2019 shares x 2,211,198), neighbours.
- `districts.geojson`: the OpenStreetMap boundaries (ODbL), simplified with shapely's `simplify`
  (tolerance 0.0003 degrees, topology preserved), coordinates rounded to 5 decimals, each feature
  with a `district` property in this project's spelling.
- `precincts.csv`, `stations.csv`, `hotspots.csv`: the 102 precincts with their stations, the 37
  hotspots with their modular stations, and the sourced staff totals (491 inspectors, 102
  assistants) shared out over them. Everything about *where* precincts and hotspots lie is an
  estimate made here; see `scenarios/data/almaty/README.md` and `docs/almaty.md`.

How the estimates are made:

1. Precincts per district: 102 by largest remainder on district population.
2. Populated area: the district polygon north of latitude 43.175 (the southern parts of Medeu,
   Bostandyk and Nauryzbay are mountains).
3. Precinct centres: a seeded k-means (Lloyd, k-means++ start) over 20,000 uniform random points
   in each district's populated area. A centre outside the populated area is moved to its
   cluster's nearest sample point. Precinct population = district population x the share of
   sample points nearest to that centre (integers by largest remainder, so they sum exactly).
   radius_km = sqrt(area of the centre's Voronoi cell within the populated area / pi).
4. One fixed station per precinct at its centre, open 09-18 Mon-Sat.
5. Hotspots: the 37 shared over the districts by population (largest remainder); within each
   district, the precincts with the highest population density (population / pi r^2) get one
   hotspot each at a seeded point 0.2-0.6 r from the centre, radius 0.4 km, weight = the
   precinct's population, and a modular station with 1 inspector at the hotspot.
6. Staff: 1 inspector per modular station (37); the other 454 over the fixed stations by precinct
   population (largest remainder, at least 1 each); 1 assistant per fixed station.

Distances use an equirectangular projection at latitude 43.25 (1 degree of latitude = 111.32 km,
1 degree of longitude = 111.32 cos(43.25) km). All randomness comes from one numpy generator with
a fixed seed, used in a fixed order, so running the script twice gives byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from pathlib import Path

import numpy as np
import shapely
from scipy.spatial import cKDTree
from shapely.geometry import mapping, shape

SEED = 20230701
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO_ROOT.parent / "shared" / "data" / "almaty"
DEFAULT_OUT = REPO_ROOT / "scenarios" / "data" / "almaty"

N_PRECINCTS = 102  # sourced: 102 precincts, one district police station each
N_HOTSPOTS = 37  # sourced: 37 modular police stations
INSPECTORS = 491  # sourced
ASSISTANTS = 102  # sourced
POPULATED_MIN_LAT = 43.175  # estimate: south of this the districts are mountains
SAMPLE_POINTS = 20_000  # per district
KMEANS_MAX_ITER = 500
SIMPLIFY_TOLERANCE_DEG = 0.0003
DECIMALS = 5
HOTSPOT_RADIUS_KM = 0.4
HOTSPOT_OFFSET = (0.2, 0.6)  # times the precinct radius
SERVICE_CENTRE_OFFSET_DEG = 0.0015  # about 150 m
OPENS, CLOSES, WEEKDAYS = 9, 18, "0;1;2;3;4;5"

KM_PER_DEG = 111.32
LAT0 = 43.25
LON0 = 76.9
KX = KM_PER_DEG * math.cos(math.radians(LAT0))


# --- small helpers --------------------------------------------------------------------------


def to_km(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return (np.asarray(lon) - LON0) * KX, (np.asarray(lat) - LAT0) * KM_PER_DEG


def to_lonlat(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.asarray(x) / KX + LON0, np.asarray(y) / KM_PER_DEG + LAT0


def project(geometry):
    """A lon/lat geometry in km (equirectangular at LAT0)."""
    return shapely.transform(geometry, lambda c: np.column_stack(to_km(c[:, 0], c[:, 1])))


def largest_remainder(total: int, weights, minimum: int = 0) -> np.ndarray:
    """Integers proportional to `weights`, each at least `minimum`, that sum to `total`."""
    weights = np.asarray(weights, dtype=float)
    rest = total - minimum * len(weights)
    assert rest >= 0, "not enough to give everyone the minimum"
    shares = weights / weights.sum() * rest
    whole = np.floor(shares).astype(int)
    order = np.argsort(-(shares - whole), kind="stable")
    whole[order[: rest - whole.sum()]] += 1
    return minimum + whole


def fmt(value: float, decimals: int) -> str:
    text = f"{value:.{decimals}f}"
    return "0" + text[2:] if text.startswith("-0") and float(text) == 0 else text


def round_geometry(geometry):
    return shapely.transform(geometry, lambda c: np.round(c, DECIMALS))


def inside(area, lon: float, lat: float) -> bool:
    """Is the point, as it will be written (rounded), inside `area`?"""
    return bool(shapely.contains_xy(area, round(lon, DECIMALS), round(lat, DECIMALS)))


# --- reading and boundaries -----------------------------------------------------------------


def read_districts(source: Path) -> list[dict]:
    with (source / "districts.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [
        {
            "name": row["district"],
            "osm_name": row["osm_name"],
            "population": int(row["population_2023"]),
            "neighbours": row["neighbours"],
        }
        for row in rows
    ]


def boundaries(source: Path, districts: list[dict]) -> tuple[dict, dict]:
    """The simplified, rounded GeoJSON collection and each district's shapely geometry."""
    collection = json.loads((source / "districts.geojson").read_text(encoding="utf-8"))
    ours = {d["osm_name"]: d["name"] for d in districts}
    by_name = {}
    for feature in collection["features"]:
        name = ours[feature["properties"]["name"]]
        geometry = shape(feature["geometry"]).simplify(SIMPLIFY_TOLERANCE_DEG, preserve_topology=True)
        geometry = round_geometry(geometry)
        if not geometry.is_valid:
            geometry = round_geometry(shapely.make_valid(geometry))
        assert geometry.is_valid and geometry.geom_type in ("Polygon", "MultiPolygon"), name
        by_name[name] = (feature["properties"], geometry)
    features = []
    shapes = {}
    for district in districts:
        properties, geometry = by_name[district["name"]]
        shapes[district["name"]] = geometry
        features.append({
            "type": "Feature",
            "properties": {
                "district": district["name"],
                "osm_id": properties["osm_id"],
                "osm_name": properties["osm_name"],
            },
            "geometry": json.loads(json.dumps(mapping(geometry))),
        })
    return {"type": "FeatureCollection", "features": features}, shapes


def populated_area(geometry):
    minx, _, maxx, maxy = geometry.bounds
    return geometry.intersection(shapely.box(minx - 1, POPULATED_MIN_LAT, maxx + 1, maxy + 1))


# --- precincts ------------------------------------------------------------------------------


def sample_points(rng: np.random.Generator, area, count: int) -> np.ndarray:
    """`count` uniform random lon/lat points inside `area` (rejection sampling in its bounds)."""
    minx, miny, maxx, maxy = area.bounds
    shapely.prepare(area)
    found: list[np.ndarray] = []
    total = 0
    while total < count:
        lon = rng.uniform(minx, maxx, 4 * count)
        lat = rng.uniform(miny, maxy, 4 * count)
        keep = shapely.contains_xy(area, lon, lat)
        found.append(np.column_stack([lon[keep], lat[keep]]))
        total += int(keep.sum())
    return np.concatenate(found)[:count]


def nearest(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Index of the nearest centre of each point."""
    return cKDTree(centres).query(points)[1]


def kmeans(rng: np.random.Generator, points: np.ndarray, k: int) -> np.ndarray:
    """Lloyd's algorithm from a k-means++ start; points and centres in km."""
    n = len(points)
    centres = [points[rng.integers(n)]]
    d2 = ((points - centres[0]) ** 2).sum(axis=1)
    for _ in range(1, k):
        pick = rng.choice(n, p=d2 / d2.sum())
        centres.append(points[pick])
        d2 = np.minimum(d2, ((points - points[pick]) ** 2).sum(axis=1))
    centres = np.array(centres)
    labels = nearest(points, centres)
    for _ in range(KMEANS_MAX_ITER):
        size = np.bincount(labels, minlength=k)
        for axis in (0, 1):
            sums = np.bincount(labels, weights=points[:, axis], minlength=k)
            centres[:, axis] = np.where(size > 0, sums / np.maximum(size, 1), centres[:, axis])
        for j in np.flatnonzero(size == 0):  # an empty cluster takes the point farthest from its centre
            far = np.argmax(((points - centres[labels]) ** 2).sum(axis=1))
            centres[j] = points[far]
        new = nearest(points, centres)
        if np.array_equal(new, labels):
            break
        labels = new
    return centres


def make_precincts(rng: np.random.Generator, districts: list[dict], shapes: dict) -> list[dict]:
    counts = largest_remainder(N_PRECINCTS, [d["population"] for d in districts])
    precincts = []
    for district, k in zip(districts, counts):
        area = populated_area(shapes[district["name"]])
        area_km = project(area)
        lonlat = sample_points(rng, area, SAMPLE_POINTS)
        points = np.column_stack(to_km(lonlat[:, 0], lonlat[:, 1]))
        centres = kmeans(rng, points, int(k))
        labels = nearest(points, centres)
        for j in range(len(centres)):  # a centre must lie in the populated area, as written
            lon, lat = to_lonlat(*centres[j])
            if not inside(area, float(lon), float(lat)):
                members = points[labels == j]
                centres[j] = members[np.argmin(((members - centres[j]) ** 2).sum(axis=1))]
        lon, lat = to_lonlat(centres[:, 0], centres[:, 1])
        lon, lat = np.round(lon, DECIMALS), np.round(lat, DECIMALS)
        order = np.lexsort((lon, -lat))  # number them north to south
        lon, lat = lon[order], lat[order]
        centres = np.column_stack(to_km(lon, lat))
        labels = nearest(points, centres)
        shares = np.bincount(labels, minlength=len(centres)) / len(points)
        population = largest_remainder(district["population"], shares)
        cells = shapely.voronoi_polygons(
            shapely.MultiPoint(centres), extend_to=area_km.buffer(50), ordered=True
        )
        for j in range(len(centres)):
            assert inside(area, float(lon[j]), float(lat[j]))
            cell = shapely.get_geometry(cells, j)
            assert cell.contains(shapely.Point(centres[j]))
            cell_area = cell.intersection(area_km).area
            precincts.append({
                "name": f"{district['name']}-{j + 1:02d}",
                "district": district["name"],
                "population": int(population[j]),
                "lon": float(lon[j]),
                "lat": float(lat[j]),
                "radius_km": math.sqrt(cell_area / math.pi),
                "area": area,
            })
        assert sum(p["population"] for p in precincts if p["district"] == district["name"]) == district["population"]
    assert len(precincts) == N_PRECINCTS
    return precincts


# --- hotspots and stations ------------------------------------------------------------------


def density(precinct: dict) -> float:
    return precinct["population"] / (math.pi * round(precinct["radius_km"], 3) ** 2)


def hotspots_per_district(precincts: list[dict]) -> dict[str, int]:
    """The 37 hotspots shared over the districts by population, largest remainder."""
    population: dict[str, int] = {}
    for p in precincts:
        population[p["district"]] = population.get(p["district"], 0) + p["population"]
    names = list(population)
    counts = largest_remainder(N_HOTSPOTS, [population[name] for name in names])
    return {name: int(count) for name, count in zip(names, counts)}


def make_hotspots(rng: np.random.Generator, precincts: list[dict]) -> list[dict]:
    densities = np.array([density(p) for p in precincts])
    chosen: set[int] = set()
    for district, count in hotspots_per_district(precincts).items():
        members = [i for i, p in enumerate(precincts) if p["district"] == district]
        ranked = sorted(members, key=lambda i: (-densities[i], i))
        chosen.update(ranked[:count])
    hotspots = []
    for index, precinct in enumerate(precincts):
        if index not in chosen:
            continue
        cx, cy = to_km(precinct["lon"], precinct["lat"])
        while True:
            distance = rng.uniform(*HOTSPOT_OFFSET) * round(precinct["radius_km"], 3)
            angle = rng.uniform(0.0, 2.0 * math.pi)
            lon, lat = to_lonlat(cx + distance * math.cos(angle), cy + distance * math.sin(angle))
            if inside(precinct["area"], float(lon), float(lat)):
                break
        hotspots.append({
            "name": f"{precinct['name']} hotspot",
            "precinct": precinct["name"],
            "lon": float(lon),
            "lat": float(lat),
            "radius_km": HOTSPOT_RADIUS_KM,
            "weight": precinct["population"],
        })
    assert len(hotspots) == N_HOTSPOTS
    return hotspots


def make_stations(precincts: list[dict], hotspots: list[dict]) -> list[dict]:
    modular_inspectors = 1
    fixed_inspectors = largest_remainder(
        INSPECTORS - modular_inspectors * len(hotspots), [p["population"] for p in precincts], minimum=1
    )
    stations = [
        {"name": f"{p['name']} station", "kind": "fixed", "precinct": p["name"], "lon": p["lon"],
         "lat": p["lat"], "inspectors": int(n), "assistants": 1}
        for p, n in zip(precincts, fixed_inspectors)
    ]
    stations += [
        {"name": f"{h['precinct']} modular", "kind": "modular", "precinct": h["precinct"], "lon": h["lon"],
         "lat": h["lat"], "inspectors": modular_inspectors, "assistants": 0}
        for h in hotspots
    ]
    assert sum(s["inspectors"] for s in stations) == INSPECTORS
    assert sum(s["assistants"] for s in stations) == ASSISTANTS
    assert sum(s["kind"] == "fixed" for s in stations) == N_PRECINCTS
    assert sum(s["kind"] == "modular" for s in stations) == N_HOTSPOTS
    return stations


# --- writing --------------------------------------------------------------------------------


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_geojson(path: Path, collection: dict) -> None:
    """One feature per line, compact, so the file stays small and diffs stay readable."""
    features = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in collection["features"]]
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(features) + "\n]}\n"
    path.write_text(text, encoding="utf-8")


def make(source: Path, out: Path) -> dict:
    rng = np.random.default_rng(SEED)
    districts = read_districts(source)
    collection, shapes = boundaries(source, districts)
    precincts = make_precincts(rng, districts, shapes)
    hotspots = make_hotspots(rng, precincts)
    stations = make_stations(precincts, hotspots)

    out.mkdir(parents=True, exist_ok=True)
    write_csv(out / "districts.csv", ["name", "population", "neighbours"],
              [[d["name"], d["population"], d["neighbours"]] for d in districts])
    write_geojson(out / "districts.geojson", collection)
    write_csv(out / "precincts.csv", ["name", "district", "population", "lon", "lat", "radius_km"],
              [[p["name"], p["district"], p["population"], fmt(p["lon"], DECIMALS), fmt(p["lat"], DECIMALS),
                fmt(p["radius_km"], 3)] for p in precincts])
    write_csv(out / "stations.csv",
              ["name", "kind", "precinct", "lon", "lat", "inspectors", "assistants", "opens_hour",
               "closes_hour", "open_weekdays"],
              [[s["name"], s["kind"], s["precinct"], fmt(s["lon"], DECIMALS), fmt(s["lat"], DECIMALS),
                s["inspectors"], s["assistants"], OPENS, CLOSES, WEEKDAYS] for s in stations])
    write_csv(out / "hotspots.csv", ["name", "precinct", "lon", "lat", "radius_km", "weight"],
              [[h["name"], h["precinct"], fmt(h["lon"], DECIMALS), fmt(h["lat"], DECIMALS),
                fmt(h["radius_km"], 1), h["weight"]] for h in hotspots])
    return {"districts": districts, "shapes": shapes, "precincts": precincts, "hotspots": hotspots}


# --- the service-centre variant -------------------------------------------------------------


def service_centres(data_dir: Path) -> str:
    """`[[city.add_stations]]` blocks: one service centre per district, beside its most populous
    precinct's centre (offset about 150 m so it is not on top of the fixed station, still inside
    the district's populated area)."""
    with (data_dir / "precincts.csv").open(newline="", encoding="utf-8") as handle:
        precincts = list(csv.DictReader(handle))
    collection = json.loads((data_dir / "districts.geojson").read_text(encoding="utf-8"))
    shapes = {f["properties"]["district"]: shape(f["geometry"]) for f in collection["features"]}
    blocks = []
    for district, outline in shapes.items():
        rows = [p for p in precincts if p["district"] == district]
        best = max(rows, key=lambda p: int(p["population"]))
        lon, lat = float(best["lon"]), float(best["lat"])
        area = populated_area(outline)
        step = SERVICE_CENTRE_OFFSET_DEG
        for dlon, dlat in ((step, step), (-step, step), (step, -step), (-step, -step), (step, 0), (0, step)):
            if inside(area, lon + dlon, lat + dlat):
                lon, lat = round(lon + dlon, DECIMALS), round(lat + dlat, DECIMALS)
                break
        else:
            raise SystemExit(f"no offset of {best['name']} stays inside {district}")
        blocks.append(
            "[[city.add_stations]]\n"
            f'name = "{district} service centre"\n'
            'kind = "service_centre"\n'
            f'precinct = "{best["name"]}"\n'
            f"lon = {fmt(lon, DECIMALS)}\n"
            f"lat = {fmt(lat, DECIMALS)}\n"
            "inspectors = 0\n"
            "assistants = 4\n"
            "opens_hour = 9\n"
            "closes_hour = 20\n"
            "open_weekdays = [0, 1, 2, 3, 4, 5]\n"
        )
    return "\n".join(blocks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE,
                        help=f"folder with districts.csv and districts.geojson (default {DEFAULT_SOURCE})")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    parser.add_argument("--service-centres", action="store_true",
                        help="print the service-centre stations for almaty-service-centres.toml, from --out")
    args = parser.parse_args(argv)
    if args.service_centres:
        print(service_centres(args.out))
        return 0
    if not (args.source / "districts.geojson").is_file():
        parser.error(f"no districts.geojson in {args.source}")
    data = make(args.source, args.out)
    by_district = {}
    for p in data["precincts"]:
        by_district[p["district"]] = by_district.get(p["district"], 0) + 1
    print(f"wrote {args.out}: {len(data['precincts'])} precincts {by_district}, {len(data['hotspots'])} hotspots")
    return 0


if __name__ == "__main__":
    sys.exit(main())
