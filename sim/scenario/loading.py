"""Reading scenario files: TOML, `extends`, and the CSV/GeoJSON tables a scenario references.

A planner's variant is a few lines over `extends`, so the merged document remembers which file
set each key; errors then point at the file the planner has to edit, not at the base scenario.
"""

from __future__ import annotations

import csv
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .checks import check_scenario
from .errors import Loc, ScenarioError, format_loc, message_for, show_value
from .schema import District, Hotspot, Precinct, Scenario, StaffingRow, Station

TABLE_MODELS = {"districts": District, "precincts": Precinct, "stations": Station,
                "add_stations": Station, "hotspots": Hotspot}
TABLE_KEYS = tuple(TABLE_MODELS)
# Every key that may name a CSV table instead of holding it inline, by its place in the document.
TABLE_LOCS = {**{("city", key): model for key, model in TABLE_MODELS.items()}, ("staffing", "table"): StaffingRow}


@dataclass
class Document:
    """A merged scenario document and where each part of it came from."""

    data: dict[str, Any]
    path: Path
    origins: dict[Loc, Path] = field(default_factory=dict)
    lines: dict[Loc, list[int]] = field(default_factory=dict)

    def file_of(self, loc: Loc) -> Path:
        """The file that defined the deepest known prefix of `loc`."""
        for end in range(len(loc), 0, -1):
            if loc[:end] in self.origins:
                return self.origins[loc[:end]]
        return self.path

    def line_hint(self, loc: Loc) -> str:
        """For a row of a CSV table, the line of that row in its file, so the planner finds it."""
        if len(loc) >= 3 and loc[:2] in TABLE_LOCS and isinstance(loc[2], int):
            source, lines = self.origins.get(loc[:2]), self.lines.get(loc[:2], [])
            if source is not None and source.suffix.lower() == ".csv" and loc[2] < len(lines):
                return f" (line {lines[loc[2]]})"
        return ""

    def error(self, loc: Loc, message: str) -> ScenarioError:
        """The one-line error for `loc`: the file to edit, the key path, the CSV line if any."""
        return ScenarioError(self.file_of(loc), format_loc(loc) + self.line_hint(loc), message)


def load_scenario(path: str | Path) -> Scenario:
    """Read, merge, validate and cross-check a scenario file. Raises ScenarioError."""
    document = read_document(path)
    return validate_document(document)


def validate_document(document: Document) -> Scenario:
    """The scenario model of a merged document; the first problem as one ScenarioError."""
    try:
        scenario = Scenario.model_validate(document.data)
    except ValidationError as exc:
        loc, message = message_for(Scenario, exc.errors(include_url=False)[0])
        raise document.error(loc, message) from None
    check_scenario(scenario, document.file_of, document.line_hint)
    return scenario


def read_document(path: str | Path, _chain: tuple[Path, ...] = ()) -> Document:
    """The merged document of `path` and everything it extends."""
    path = Path(path)
    chain = (*_chain, path.resolve())
    data = _read_toml(path)
    origins = _origins(data, path)  # before tables are read, so rows are not attributed here
    table_sources, lines = _resolve_tables(data, path)
    own = Document(data=data, path=path, origins={**origins, **table_sources}, lines=lines)
    base_name = data.pop("extends", None)
    if base_name is None:
        return own
    base = read_document(_base_path(path, base_name, chain), chain)
    return Document(
        data=deep_merge(base.data, data),
        path=path,
        origins={**base.origins, **own.origins},
        lines={**base.lines, **own.lines},
    )


def _base_path(path: Path, base_name: Any, chain: tuple[Path, ...]) -> Path:
    """The file `path` extends, relative to `path`; an error if missing or if it closes a cycle."""
    if not isinstance(base_name, str) or not base_name:
        raise ScenarioError(path, "extends", f"expected a file name, got {show_value(base_name)}")
    base_path = path.parent / base_name
    if not base_path.is_file():
        raise ScenarioError(path, "extends", f"expected an existing scenario file, got {show_value(base_name)}")
    if base_path.resolve() in chain:
        cycle = " -> ".join(p.name for p in (*chain, base_path.resolve()))
        raise ScenarioError(path, "extends", f"expected extends without a cycle, got {cycle}")
    return base_path


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """`override` on top of `base`: tables merge key by key, everything else is replaced.

    A distribution table that names a different `dist` replaces the inherited one whole, since
    the old family's parameters (say `sd_min`) would be unknown keys of the new one.
    """
    merged = dict(base)
    for key, value in override.items():
        inherited = merged.get(key)
        if isinstance(value, dict) and isinstance(inherited, dict) and not _new_family(inherited, value):
            merged[key] = deep_merge(inherited, value)
        else:
            merged[key] = value
    return merged


def _new_family(base: dict[str, Any], override: dict[str, Any]) -> bool:
    """Whether `override` is a distribution of another family than `base`."""
    return "dist" in override and "dist" in base and override["dist"] != base["dist"]


def _origins(data: dict[str, Any], path: Path, prefix: Loc = ()) -> dict[Loc, Path]:
    """Every key path of `data` mapped to `path`, the file that set it."""
    origins: dict[Loc, Path] = {}
    for key, value in data.items():
        loc = (*prefix, key)
        origins[loc] = path
        if isinstance(value, dict):
            origins.update(_origins(value, path, loc))
    return origins


def _read_toml(path: Path) -> dict[str, Any]:
    """The TOML document at `path`; any problem reading it as one ScenarioError."""
    if not path.is_file():
        raise ScenarioError(path, "", "expected an existing scenario file")
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(path, "", f"not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ScenarioError(path, "", "not valid TOML: expected UTF-8 text") from None
    except OSError as exc:
        raise ScenarioError(path, "", f"cannot be read: {exc.strerror}") from None


def _resolve_tables(data: dict[str, Any], path: Path) -> tuple[dict[Loc, Path], dict[Loc, list[int]]]:
    """Replace file references under [city] and [staffing] by the tables they name, relative to `path`.

    Returns which file each table came from and the line of each CSV row, so errors in a row
    name the CSV file and line.
    """
    sources: dict[Loc, Path] = {}
    lines: dict[Loc, list[int]] = {}
    for loc in TABLE_LOCS:
        section = data.get(loc[0])
        if isinstance(section, dict) and isinstance(section.get(loc[1]), str):
            source = _referenced(path, section[loc[1]], format_loc(loc))
            section[loc[1]], lines[loc] = _read_table(source, loc)
            sources[loc] = source
    city = data.get("city")
    if not isinstance(city, dict):
        return sources, lines
    if isinstance(city.get("boundaries"), str):
        source = _referenced(path, city["boundaries"], "city.boundaries")
        city["boundaries"] = _read_json(source, "city.boundaries")
        sources[("city", "boundaries")] = source
    return sources, lines


def _referenced(scenario: Path, name: str, key: str) -> Path:
    """The file a scenario names at `key`, relative to the scenario; an error if it is missing."""
    source = scenario.parent / name
    if not source.is_file():
        raise ScenarioError(scenario, key, f"expected an existing CSV or GeoJSON file, got {show_value(name)}")
    return source


def _read_table(source: Path, loc: Loc) -> tuple[list[dict[str, Any]], list[int]]:
    """The rows of a CSV or GeoJSON table and the line each row starts on (GeoJSON: 0)."""
    key = format_loc(loc)
    if source.suffix.lower() in (".geojson", ".json"):
        collection = _read_json(source, key)
        features = collection.get("features") if isinstance(collection, dict) else None
        if not isinstance(features, list) or not all(isinstance(f, dict) for f in features):
            raise ScenarioError(source, key, "expected a GeoJSON FeatureCollection")
        rows = [dict(f["properties"]) if isinstance(f.get("properties"), dict) else {} for f in features]
        return rows, [0] * len(rows)
    try:
        with source.open(newline="", encoding="utf-8-sig") as handle:
            return _csv_rows(csv.reader(handle), source, loc)
    except UnicodeDecodeError:
        raise ScenarioError(source, key, "not a CSV file: expected UTF-8 text") from None
    except csv.Error as exc:
        raise ScenarioError(source, key, f"not a valid CSV file: {exc}") from None
    except OSError as exc:
        raise ScenarioError(source, key, f"cannot be read: {exc.strerror}") from None


def _csv_rows(reader, source: Path, loc: Loc) -> tuple[list[dict[str, str]], list[int]]:
    """Rows as dicts without their empty cells: an empty or missing trailing cell means "use the default"."""
    key = format_loc(loc)
    header = [name.strip() for name in next(reader, [])]
    allowed = list(TABLE_LOCS[loc].model_fields)
    for index, name in enumerate(header):
        if name not in allowed:
            raise ScenarioError(source, f"{key} (line 1)",
                                f"unknown column {show_value(name)}, expected one of: {', '.join(allowed)}")
        if name in header[:index]:
            raise ScenarioError(source, f"{key} (line 1)", f"expected each column once, got {show_value(name)} twice")
    rows, lines = [], []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            raise ScenarioError(source, f"{key}[{len(rows)}] (line {reader.line_num})",
                                f"expected at most {len(header)} cells like the header, got {len(cells)}")
        rows.append({name: cell.strip() for name, cell in zip(header, cells) if cell.strip()})
        lines.append(reader.line_num)
    return rows, lines


def _read_json(source: Path, key: str) -> Any:
    """The JSON document at `source`; invalid JSON as one ScenarioError naming that file."""
    try:
        return json.loads(source.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise ScenarioError(source, key, f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except UnicodeDecodeError:
        raise ScenarioError(source, key, "not valid JSON: expected UTF-8 text") from None
    except OSError as exc:
        raise ScenarioError(source, key, f"cannot be read: {exc.strerror}") from None
