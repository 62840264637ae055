"""Random damage to real scenarios: every mutant is either a valid scenario or one clear error.

The shipped scenarios and the test cities are mutated as a careless or hurried planner would:
numbers made negative, zero, NaN, infinite, huge or tiny; booleans, strings, lists or tables where
something else belongs; keys deleted, misspelt or added; names given control characters; rows
duplicated or dropped; CSV, GeoJSON and TOML text damaged; references and `extends` broken.
Every mutant must validate or raise a `ScenarioError` whose one-line message names a file of the
scenario and a key. Any other exception is a bug: a traceback a planner would see.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sim.scenario import ScenarioError
from sim.scenario.grid import load_scenarios
from sim.scenario.loading import Document, read_document, validate_document

REPO = Path(__file__).resolve().parents[1]
SHIPPED = sorted((REPO / "scenarios").glob("*.toml"))
TEST_CITIES = [REPO / "tests" / "scenarios" / "city.toml", REPO / "tests" / "scenarios" / "mmc.toml"]
DOCUMENTS = {path: read_document(path) for path in [*SHIPPED, *TEST_CITIES]}
# Errors about a whole file (it cannot be parsed or read) have no key to name.
FILE_LEVEL = ("not valid TOML", "not valid JSON", "expected an existing scenario file", "cannot be read",
              "expected arrays and tables nested", "expected arrays and objects nested", "not a CSV file",
              "not a valid CSV file")

NASTY_NUMBERS = [0, -1, -0.0, 0.5, 7, 25, 1e-300, 1e30, 1e308, 2**70, -(2**70), math.nan, math.inf, -math.inf]
NASTY_STRINGS = ["", "x", "\x00", "a\nb", "tab\there", "fixed", "gamma", "flat", "inspector", "1;2;3", "true",
                 "nan", "x" * 5000, "../../etc/passwd", "precinct-first"]
nasty = st.one_of(
    st.booleans(),
    st.sampled_from(NASTY_NUMBERS),
    st.integers(-10, 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(NASTY_STRINGS),
    st.text(max_size=4),
    st.just([]),
    st.just({}),
    st.lists(st.integers(-3, 30), max_size=30),
    st.lists(st.sampled_from(NASTY_STRINGS), max_size=3),
    st.just({"dist": "gamma", "mean_min": 10.0, "sd_min": 1e-300}),
    st.just({"name": "x"}),
    st.none(),
)
# More mutants, or new random ones each run, when hunting: POLICESIM_MUTANTS=20000 POLICESIM_MUTANTS_RANDOM=1
MUTANTS = int(os.environ.get("POLICESIM_MUTANTS", "1000"))
FIXED = not os.environ.get("POLICESIM_MUTANTS_RANDOM")
SCALES = [-1.0, 0.0, 1e-6, 1e6, 1e300]
OPERATIONS = ["replace", "replace", "delete", "rename", "scale", "duplicate", "add_key", "control_char"]


def _copy_path(root: dict, path: list) -> tuple[dict, Any]:
    """A copy of `root` in which the containers along `path` are new (the rest is shared), and the
    container at the end of `path`: mutating it leaves the original document untouched."""
    root = dict(root)
    node: Any = root
    for key in path:
        child = node[key]
        child = list(child) if isinstance(child, list) else dict(child)
        node[key] = child
        node = child
    return root, node


@st.composite
def pick(draw, root: dict) -> list:
    """A path from the root to some key or index of the document, deeper with decreasing odds."""
    path: list = []
    node: Any = root
    while isinstance(node, (dict, list)) and node:
        key = draw(st.sampled_from(list(node) if isinstance(node, dict) else list(range(len(node)))))
        path.append(key)
        node = node[key]
        if draw(st.integers(0, 4)) == 0:
            break
    return path


class Mutant:
    """A damaged document; shown by what was done to which file, not by its (large) contents."""

    def __init__(self, document: Document, data: dict) -> None:
        self.document, self.data, self.edits = document, data, []

    def __repr__(self) -> str:
        return f"Mutant({self.document.path.name}: {'; '.join(self.edits)})"


@st.composite
def mutants(draw) -> Mutant:
    source = draw(st.one_of(st.sampled_from(SHIPPED), st.sampled_from(TEST_CITIES), st.sampled_from(TEST_CITIES)))
    document = DOCUMENTS[source]
    mutant = Mutant(document, document.data)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(pick(mutant.data))
        if not path:
            continue
        mutant.data, parent = _copy_path(mutant.data, path[:-1])
        key, operation = path[-1], draw(st.sampled_from(OPERATIONS))
        value = parent[key]
        if operation == "replace":
            parent[key] = draw(nasty)
        elif operation == "delete":
            del parent[key]
        elif operation == "rename" and isinstance(parent, dict):
            parent[f"{key}x"] = parent.pop(key)
        elif operation == "scale" and isinstance(value, (int, float)) and not isinstance(value, bool):
            parent[key] = value * draw(st.sampled_from(SCALES))
        elif operation == "duplicate" and isinstance(parent, list):
            parent.insert(key, value)
        elif operation == "add_key" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["colour", "", "name", "dist", "1", "\x00"]))] = draw(nasty)
        elif operation == "control_char" and isinstance(value, str):
            parent[key] = value + draw(st.sampled_from(["\x00", "\n", "\r", "\x1b", "x"]))
        else:
            operation = "replace"
            parent[key] = draw(nasty)
        shown = parent[key] if key in (parent if isinstance(parent, dict) else range(len(parent))) else None
        mutant.edits.append(f"{operation} {path} -> {str(shown)[:40]!r}")
    return mutant


def assert_clear(error: ScenarioError, files: set[Path], cwd: Path) -> None:
    """One line that names a file of the scenario and, unless the whole file is broken, a key."""
    text = str(error)
    assert "\n" not in text and "\r" not in text, text
    assert error.message, text
    assert (cwd / error.file).resolve() in files, text
    assert error.key or error.message.startswith(FILE_LEVEL), text


@settings(max_examples=MUTANTS, deadline=None, derandomize=FIXED, database=None,
          suppress_health_check=list(HealthCheck))
@given(mutants())
def test_a_mutated_scenario_validates_or_fails_in_one_line(mutant: Mutant) -> None:
    document = mutant.document
    files = {document.path.resolve(), *(p.resolve() for p in document.origins.values())}
    try:
        validate_document(Document(mutant.data, document.path, document.origins, document.lines))
    except ScenarioError as error:
        assert_clear(error, files, Path.cwd())
        event("rejected in one line")
    else:
        event("valid")


# --- damage to the files themselves ----------------------------------------------------------

FOLDER_CITY = REPO / "tests" / "scenarios"
TEXT_DAMAGE = ["", "\x00", "\n", "\r\n", ",", ";", '"', "=", "[", "]", "{", "}", "true", "1e400", "-", "\ufeff",
               "[" * 3000, "\xff", "é", " = 1\n", "\n[run]\n", "\nextends = \"city.toml\"\n", "#"]
CITY_FILES = ["city.toml", "city/stations.csv", "city/precincts.csv", "city/districts.csv", "city/hotspots.csv",
              "city/districts.geojson"]


@pytest.fixture(scope="module")
def city_copy() -> Path:
    """A scratch folder for the damaged copies (hypothesis reuses it from example to example)."""
    folder = Path(tempfile.mkdtemp(prefix="policesim-mutants-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@st.composite
def damaged_files(draw) -> tuple[str, bytes]:
    name = draw(st.sampled_from([*CITY_FILES, "almaty-no-modular.toml", "reference"]))
    if name == "reference":  # a table or `extends` that names a file badly
        text = (FOLDER_CITY / "city.toml").read_text(encoding="utf-8")
        old = draw(st.sampled_from(['"city/hotspots.csv"', '"city/districts.geojson"', 'name = "city"']))
        bad = draw(st.sampled_from(["x" * 5000, "x/" * 3000, "", "city", "city/", "\x00", "city.toml", "nowhere.csv",
                                    "city/stations.csv", "city/districts.geojson", "../city.toml"]))
        new = f'extends = "{bad}"\nname = "city"' if old.startswith("name") else f'"{bad}"'
        return "city.toml", text.replace(old, new).encode("utf-8")
    source = (REPO / "scenarios" / name) if name.startswith("almaty") else (FOLDER_CITY / name)
    content = source.read_bytes()
    for _ in range(draw(st.integers(1, 3))):
        start = draw(st.integers(0, len(content)))
        end = draw(st.integers(start, min(len(content), start + draw(st.sampled_from([0, 1, 5, 40])))))
        insert = draw(st.sampled_from(TEXT_DAMAGE)).encode("utf-8") if draw(st.booleans()) else b""
        content = content[:start] + insert + content[end:]
    if draw(st.integers(0, 9)) == 0:
        content = content.replace(b"\n", b"\r")
    return name, content


@settings(max_examples=max(MUTANTS // 7, 50), deadline=None, derandomize=FIXED, database=None,
          suppress_health_check=list(HealthCheck))
@given(damaged_files())
def test_damaged_files_validate_or_fail_in_one_line(city_copy: Path, damage: tuple[str, bytes]) -> None:
    name, content = damage
    shutil.rmtree(city_copy)
    shutil.copytree(FOLDER_CITY, city_copy)
    if name.startswith("almaty"):
        shutil.copytree(REPO / "scenarios", city_copy / "scenarios")
        target = city_copy / "scenarios" / name
    else:
        target = city_copy / name
    target.write_bytes(content)
    files = {p.resolve() for p in city_copy.rglob("*") if p.is_file()}
    try:
        load_scenarios(target)
    except ScenarioError as error:
        assert_clear(error, files, Path.cwd())
        event("rejected in one line")
    else:
        event("valid")
