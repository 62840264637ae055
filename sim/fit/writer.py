"""Write a fitted scenario: a TOML a planner can read and edit, and the CSV tables it names.

Every figure carries the count it came from and every estimate says so, in comments beside the
key, because a fitted scenario is only as good as what the analyst knows about where it came from.
"""

from __future__ import annotations

import csv
import json
import shutil
from datetime import date
from pathlib import Path

from ..atomic import write_atomic
from .fitting import LogFit

WRAP = 6


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(round(float(value), 4)) if isinstance(value, float) else str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    items = [_toml_value(v) for v in value]
    if len(items) <= WRAP:
        return "[" + ", ".join(items) + "]"
    rows = [", ".join(items[i:i + WRAP]) for i in range(0, len(items), WRAP)]
    return "[\n    " + ",\n    ".join(rows) + ",\n]"


def _write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    def write(tmp: Path) -> None:
        with tmp.open("w", newline="", encoding="utf-8") as handle:
            out = csv.writer(handle)
            out.writerow(header)
            out.writerows(rows)
    write_atomic(path, write)


def write_scenario(fit: LogFit, out: Path, name: str, stations: Path | None = None) -> Path:
    """Write `out` and its tables under `data/<name>/` beside it; returns the scenario path."""
    out = Path(out)
    folder = out.parent / "data" / name
    folder.mkdir(parents=True, exist_ok=True)
    boundaries = _boundaries_beside(fit.boundaries, out.parent, folder)
    _write_csv(folder / "districts.csv", ["name", "population", "neighbours"],
               [[a.name, fit.population[a.name], ";".join(a.neighbours)] for a in fit.areas])
    _write_csv(folder / "precincts.csv", ["name", "district", "population", "lon", "lat", "radius_km"],
               [[a.name, a.name, fit.population[a.name], round(a.lon, 6), round(a.lat, 6),
                 round((a.area_km2 / 3.141592653589793) ** 0.5, 3)] for a in fit.areas])
    if stations is not None:
        shutil.copyfile(stations, folder / "stations.csv")
    else:
        _write_csv(folder / "stations.csv", ["name", "kind", "precinct", "lon", "lat", "inspectors", "assistants"],
                   [[s.name, "fixed", s.district, s.lon, s.lat, s.inspectors, 0] for s in fit.stations])
    _write_csv(folder / "hotspots.csv", ["name", "precinct", "lon", "lat", "radius_km", "weight"],
               [[h.name, h.district, h.lon, h.lat, h.radius_km, h.calls] for h in fit.hotspots])
    for t in fit.demand.types:
        _write_csv(folder / f"week-{t.name}.csv", ["hour_of_week", "weight"],
                   [[h, round(float(w), 6)] for h, w in enumerate(t.weekly_profile)])
    text = _scenario_text(fit, name, out, boundaries, estimated_stations=stations is None)
    write_atomic(out, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return out


def _boundaries_beside(source: Path, root: Path, folder: Path) -> str:
    """The boundaries as the scenario names them: in place if already below the scenario's folder, else copied."""
    try:
        return source.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        shutil.copyfile(source, folder / "districts.geojson")
        return (folder / "districts.geojson").relative_to(root).as_posix()


def _scenario_text(fit: LogFit, name: str, out: Path, boundaries: str, estimated_stations: bool) -> str:
    d = fit.demand
    data = f"data/{name}"
    pooling = ("hours of the day pooled over the days seen, smoothed over neighbouring hours (1-2-1), "
               "the same for every day: the log is too short to tell weekdays apart"
               if d.pooled else "each hour of the week from its own count (no smoothing)")
    lines = [
        f"# Fitted by `policesim fit` from {Path(fit.log_file).name} on {date.today().isoformat()}.",
        f"# Log: public-initiated calls created {d.start:%Y-%m-%d %H:%M} to {d.end:%Y-%m-%d %H:%M}"
        f" ({d.span_days:.2f} days); officer-initiated calls and stragglers from before the export's window are not demand.",
        f"# Weekly profiles: {pooling}.",
        f"# Places: {sum(h.calls for h in fit.hotspots):,} placed calls gathered into {fit.cell_km:g} km cells, one hotspot",
        f"# per occupied cell and call type; {fit.unplaced_calls:,} calls without a place and {fit.outside_calls:,} outside",
        "# the boundaries count in the volumes and are spread like the placed ones.",
        "# ESTIMATES, not in the log: "
        + ("stations (one per district at a point inside it), officers on duty (stations.csv: enough for a"
           " field load of 0.5 on scene),"
           if estimated_stations else "stations and officers come from the file given to --stations;"),
        "# district populations (share of placed calls, not a head count), travel (US RAND",
        "# defaults), dispatch (closest available officer), availability 1.",
        f'name = "{name}"',
        f"description = {json.dumps(f'Fitted to {Path(fit.log_file).name}: ' + ', '.join(f'{t.name} {t.yearly_volume:,.0f} a year' for t in d.types) + ('; stations and staffing are estimates.' if estimated_stations else '.'))}",
        "",
        "[city]",
        f'name = {json.dumps(out.stem)}',
        f'boundaries = "{boundaries}"',
        f'districts = "{data}/districts.csv"',
        f'precincts = "{data}/precincts.csv"  # one precinct per district',
        f'stations = "{data}/stations.csv"' + ("  # ESTIMATE: places and officers" if estimated_stations else ""),
        f'hotspots = "{data}/hotspots.csv"  # observed places, weight = calls',
        "",
        "[dispatch]",
        'policy = "closest-available"  # ESTIMATE: the log does not say how units are assigned',
        "",
    ]
    for t in d.types:
        fitted = fit.on_scene[t.name]
        spots = [h.name for h in fit.hotspots if h.call_type == t.name]
        aic = ", ".join(f"{k} {v:,.0f}" for k, v in sorted(fitted.aic.items(), key=lambda kv: kv[1]))
        lines += [
            f"[demand.{t.name}]",
            'kind = "field"',
            f"priority = {t.priority_rank}  # the log's priority {t.priority}",
            f"yearly_volume = {t.yearly_volume:.1f}  # {t.calls:,} calls in {d.span_days:.2f} days",
            f'weekly_profile = "{data}/week-{t.name}.csv"',
            f"# time on scene: {fitted.n:,} calls with a clear time, observed mean {fitted.observed_mean_min:.1f} min;"
            f" AIC {aic}; best {fitted.best_parametric}: mean {fitted.best_parametric_mean_min:.1f} min,"
            f" KS distance {fitted.ks_distance:.3f} (p {fitted.ks_pvalue:.3g}); chosen {fitted.chosen}",
            f"service = {_toml_value(fitted.distribution)}",
        ]
        if spots:
            lines += ['spread = "hotspots"', f"hotspots = {_toml_value(spots)}"]
        lines.append("")
    lines += [
        "[run]",
        "horizon_days = 28",
        "warmup_days = 7",
        "replications = 5",
        "",
    ]
    return "\n".join(lines)
