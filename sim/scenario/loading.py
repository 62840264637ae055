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
from .errors import Loc, ScenarioError, from_validation_error
from .schema import Scenario

TABLE_KEYS = ("districts", "precincts", "stations", "add_stations", "hotspots")


@dataclass
class Document:
    """A merged scenario document and where each part of it came from."""

    data: dict[str, Any]
    path: Path
    origins: dict[Loc, Path] = field(default_factory=dict)

    def file_of(self, loc: Loc) -> Path:
        """The file that defined the deepest known prefix of `loc`."""
        for end in range(len(loc), 0, -1):
            if loc[:end] in self.origins:
                return self.origins[loc[:end]]
        return self.path

    def line_hint(self, loc: Loc) -> str:
        """For a row of a CSV table, the line of that row (header is line 1)."""
        if len(loc) >= 3 and loc[0] == "city" and loc[1] in TABLE_KEYS and isinstance(loc[2], int):
            source = self.origins.get(loc[:2])
            if source is not None and source.suffix.lower() == ".csv":
                return f" (line {loc[2] + 2})"
        return ""


def load_scenario(path: str | Path) -> Scenario:
    """Read, merge, validate and cross-check a scenario file. Raises ScenarioError."""
    document = read_document(path)
    return validate_document(document)


def validate_document(document: Document) -> Scenario:
    try:
        scenario = Scenario.model_validate(document.data)
    except ValidationError as exc:
        error = from_validation_error(Scenario, exc, document.file_of)
        loc = tuple(exc.errors(include_url=False)[0]["loc"])
        error.key += document.line_hint(loc)
        raise ScenarioError(error.file, error.key, error.message) from None
    check_scenario(scenario, document.file_of)
    return scenario


def read_document(path: str | Path, _chain: tuple[Path, ...] = ()) -> Document:
    """The merged document of `path` and everything it extends."""
    path = Path(path)
    resolved = path.resolve()
    if resolved in _chain:
        cycle = " -> ".join(p.name for p in (*_chain, resolved))
        raise ScenarioError(path, "extends", f"a cycle of extends: {cycle}")
    data = _read_toml(path)
    table_sources = _resolve_tables(data, path)
    base_name = data.pop("extends", None)
    own = Document(data=data, path=path, origins={**_origins(data, path), **table_sources})
    if base_name is None:
        return own
    if not isinstance(base_name, str):
        raise ScenarioError(path, "extends", f"expected a file name, got {base_name!r}")
    base_path = path.parent / base_name
    if not base_path.is_file():
        raise ScenarioError(path, "extends", f"expected an existing scenario file, got {base_name!r}")
    base = read_document(base_path, (*_chain, resolved))
    return Document(
        data=deep_merge(base.data, data),
        path=path,
        origins={**base.origins, **own.origins},
    )


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """`override` on top of `base`: tables merge key by key, everything else is replaced."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _origins(data: dict[str, Any], path: Path, prefix: Loc = ()) -> dict[Loc, Path]:
    origins: dict[Loc, Path] = {}
    for key, value in data.items():
        loc = (*prefix, key)
        origins[loc] = path
        if isinstance(value, dict):
            origins.update(_origins(value, path, loc))
    return origins


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ScenarioError(path, "", "expected an existing scenario file")
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(path, "", f"not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ScenarioError(path, "", "not valid TOML: expected UTF-8 text") from None


def _resolve_tables(data: dict[str, Any], path: Path) -> dict[Loc, Path]:
    """Replace file references under [city] by the tables they name, relative to `path`.

    Returns which file each table came from, so errors in a row name the CSV file.
    """
    city = data.get("city")
    sources: dict[Loc, Path] = {}
    if not isinstance(city, dict):
        return sources
    for key in TABLE_KEYS:
        if isinstance(city.get(key), str):
            source = path.parent / city[key]
            city[key] = _read_table(source, path, f"city.{key}")
            sources[("city", key)] = source
    if isinstance(city.get("boundaries"), str):
        source = path.parent / city["boundaries"]
        city["boundaries"] = _read_json(source, path, "city.boundaries")
        sources[("city", "boundaries")] = source
    return sources


def _read_table(source: Path, scenario: Path, key: str) -> list[dict[str, Any]]:
    if not source.is_file():
        raise ScenarioError(scenario, key, f"expected an existing CSV or GeoJSON file, got {source.name!r}")
    if source.suffix.lower() in (".geojson", ".json"):
        collection = _read_json(source, scenario, key)
        return [dict(feature.get("properties", {})) for feature in collection.get("features", [])]
    with source.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = []
        for row in reader:
            if None in row:
                raise ScenarioError(source, f"{key} (line {reader.line_num})", "more cells than columns")
            rows.append({k.strip(): v.strip() for k, v in row.items() if v is not None and v.strip() != ""})
        return rows


def _read_json(source: Path, scenario: Path, key: str) -> dict[str, Any]:
    if not source.is_file():
        raise ScenarioError(scenario, key, f"expected an existing GeoJSON file, got {source.name!r}")
    try:
        return json.loads(source.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ScenarioError(source, key, f"not valid JSON: {exc.msg} at line {exc.lineno}") from None
