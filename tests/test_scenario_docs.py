"""docs/scenarios.md must keep up with the schema: every key documented, the worked example valid.

The reference is written by hand (a planner reads it, so it explains rather than lists), and
these tests catch a key added to `sim/scenario/schema.py` without a line in the doc.
"""

from __future__ import annotations

import re
import shutil
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

from sim.scenario import ScenarioError, load_scenario
from sim.scenario.schema import Scenario

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "scenarios.md"


def models_in(annotation: typing.Any) -> list[type[BaseModel]]:
    """Every pydantic model an annotation mentions: inside Annotated, unions, lists and dicts."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for argument in typing.get_args(annotation) for model in models_in(argument)]


def all_models(root: type[BaseModel] = Scenario) -> list[type[BaseModel]]:
    """`root` and every model reachable from its fields, each once, in a stable order."""
    found: list[type[BaseModel]] = []
    pending = [root]
    while pending:
        model = pending.pop(0)
        if model in found:
            continue
        found.append(model)
        for field in model.model_fields.values():
            pending.extend(models_in(field.annotation))
    return found


def test_the_walk_reaches_nested_models() -> None:
    names = {model.__name__ for model in all_models()}
    expected = {"City", "District", "Precinct", "Station", "Hotspot", "Boundaries", "BoundaryFeature",
                "Staffing", "Shift", "StaffingChanges", "CallType", "Exponential", "Lognormal",
                "Gamma", "Fixed", "Empirical", "Travel", "Dispatch", "Targets", "Prevention", "RunSettings"}
    assert expected <= names


@pytest.mark.parametrize("model", all_models(), ids=lambda model: model.__name__)
def test_every_field_is_documented(model: type[BaseModel]) -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [name for name in model.model_fields if f"`{name}`" not in text]
    assert not missing, f"{model.__name__}: document {missing} in docs/scenarios.md"


def test_every_distribution_name_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for model in all_models():
        if "dist" in model.model_fields:
            (name,) = typing.get_args(model.model_fields["dist"].annotation)
            assert f"| `{name}` |" in text, name


def test_the_docs_say_how_extends_merges_and_paths_resolve() -> None:
    text = DOC.read_text(encoding="utf-8").lower()
    for phrase in ("tables merge key by key", "arrays and plain values are replaced",
                   "paths are relative to the file that names them", "`;`-separated",
                   "an empty cell means the default"):
        assert phrase in text, phrase


def worked_example() -> str:
    """The TOML block of the doc's worked example."""
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("### A worked example"):]
    return re.search(r"```toml\n(.*?)```", section, re.S).group(1)


def test_the_worked_example_validates(tmp_path: Path) -> None:
    base = REPO / "scenarios" / "almaty-2023.toml"
    if not base.is_file():
        pytest.skip("scenarios/almaty-2023.toml not there yet")
    scenarios = tmp_path / "scenarios"
    shutil.copytree(REPO / "scenarios" / "data", scenarios / "data")
    shutil.copy(base, scenarios / base.name)
    variant = scenarios / "variants" / "busy-weekend.toml"
    (variant.parent / "data").mkdir(parents=True)
    variant.write_text(worked_example(), encoding="utf-8")
    stations = (scenarios / "data" / "almaty" / "stations.csv").read_text(encoding="utf-8")
    sunday = re.sub(r",0;1;2;3;4;5$", ",0;1;2;3;4;5;6", stations, flags=re.M)
    (variant.parent / "data" / "stations-sunday.csv").write_text(sunday, encoding="utf-8")
    try:
        scenario = load_scenario(variant)
    except ScenarioError as error:
        pytest.fail(f"the worked example in docs/scenarios.md does not validate: {error}")
    assert scenario.name == "busy-weekend"
    assert scenario.city.add_stations[0].name == "Alatau-02 kiosk"
    assert scenario.demand["domestic"].service.mean == 55.0
