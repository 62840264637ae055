"""`extends`: a planner's variant is a few lines over a base scenario, in any folder.

Tables merge key by key, arrays and plain values are replaced, file paths stay relative to the
file that names them, and an error points at the file that set the offending key.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sim.scenario import ScenarioError, load_scenario
from sim.scenario.distributions import Exponential, Gamma, Lognormal
from sim.scenario.loading import deep_merge
from sim.scenario.posting import posted_stations

CITY = Path(__file__).resolve().parent / "scenarios" / "city.toml"


@pytest.fixture
def base(tmp_path: Path) -> Path:
    """The test city copied to `tmp_path/base.toml` with its tables in `tmp_path/city/`."""
    shutil.copy(CITY, tmp_path / "base.toml")
    shutil.copytree(CITY.parent / "city", tmp_path / "city")
    return tmp_path / "base.toml"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def same_file(shown: str, expected: Path) -> bool:
    """ScenarioError shows paths relative to the working directory when it can."""
    return Path(shown).resolve() == expected.resolve()


def test_variant_in_a_subfolder_keeps_the_base_tables(base: Path) -> None:
    variant = write(base.parent / "variants" / "renamed.toml", 'extends = "../base.toml"\nname = "renamed"\n')
    original, scenario = load_scenario(base), load_scenario(variant)
    assert scenario.name == "renamed"
    assert scenario.description == original.description
    # city/stations.csv was found relative to base.toml, not to the variant's folder
    assert scenario.city.stations == original.city.stations
    assert scenario.city.boundaries == original.city.boundaries
    assert scenario.demand == original.demand


def test_one_nested_key_overrides_and_leaves_its_siblings(base: Path) -> None:
    variant = write(base.parent / "slower.toml", 'extends = "base.toml"\nname = "slower"\n'
                    "[demand.incident.service]\nmean_min = 90.0\n"
                    "[dispatch]\nbackup_wait_min = 30.0\n")
    original, scenario = load_scenario(base), load_scenario(variant)
    incident = scenario.demand["incident"]
    assert incident.service == Exponential(dist="exponential", mean_min=90.0)
    assert incident.model_dump(exclude={"service"}) == original.demand["incident"].model_dump(exclude={"service"})
    assert {k: v for k, v in scenario.demand.items() if k != "incident"} == {
        k: v for k, v in original.demand.items() if k != "incident"}
    assert scenario.dispatch.backup_wait_min == 30.0
    assert scenario.dispatch.neighbour_wait_min == original.dispatch.neighbour_wait_min == 45.0
    assert scenario.dispatch.policy == original.dispatch.policy


def test_one_distribution_parameter_keeps_the_family(base: Path) -> None:
    variant = write(base.parent / "v.toml", 'extends = "base.toml"\n[demand.domestic.service]\nsd_min = 10.0\n')
    assert load_scenario(variant).demand["domestic"].service == Lognormal(dist="lognormal", mean_min=40.0, sd_min=10.0)


def test_a_new_distribution_family_replaces_the_inherited_one(base: Path) -> None:
    # merged key by key, the base's sd_min would be an unknown key of an exponential
    variant = write(base.parent / "v.toml", 'extends = "base.toml"\n'
                    '[demand.domestic]\nservice = { dist = "exponential", mean_min = 35.0 }\n')
    assert load_scenario(variant).demand["domestic"].service == Exponential(dist="exponential", mean_min=35.0)


def test_arrays_are_replaced_not_merged(base: Path) -> None:
    variant = write(base.parent / "v.toml", 'extends = "base.toml"\n'
                    '[prevention]\ncall_types = ["theft"]\n'
                    '[[staffing.roster]]\nname = "always"\nstart_hour = 0\nhours = 24\n')
    scenario = load_scenario(variant)
    assert scenario.prevention.call_types == ["theft"]
    assert scenario.prevention.hours_per_week == 4.0  # sibling kept
    assert [shift.name for shift in scenario.staffing.roster] == ["always"]
    assert scenario.staffing.availability == 0.8


def test_a_chain_of_three_files(base: Path) -> None:
    write(base.parent / "middle" / "slow.toml", 'extends = "../base.toml"\nname = "slow"\n[travel]\nslowdown = 2.0\n')
    top = write(base.parent / "top" / "slow-busy.toml", 'extends = "../middle/slow.toml"\nname = "slow-busy"\n'
                "demand_scale = 1.2\n[run]\nseed = 99\n")
    original, scenario = load_scenario(base), load_scenario(top)
    assert scenario.name == "slow-busy"
    assert scenario.travel.slowdown == 2.0
    assert scenario.travel.model == original.travel.model
    assert scenario.demand_scale == 1.2
    assert scenario.run.seed == 99
    assert scenario.run.replications == original.run.replications
    assert scenario.city == original.city


def test_a_variant_replaces_a_table_by_its_own_csv(base: Path) -> None:
    folder = base.parent / "variants"
    stations = (base.parent / "city" / "stations.csv").read_text().replace("East HQ,fixed,E1,10.15,50.05,7", "East HQ,fixed,E1,10.15,50.05,12")
    write(folder / "data" / "stations.csv", stations)
    variant = write(folder / "east.toml", 'extends = "../base.toml"\n[city]\nstations = "data/stations.csv"\n')
    original, scenario = load_scenario(base), load_scenario(variant)
    assert {s.name: s.inspectors for s in scenario.city.stations}["East HQ"] == 12
    assert scenario.city.precincts == original.city.precincts  # the base's other tables stay
    assert scenario.city.name == original.city.name


def test_a_variant_adds_stations(base: Path) -> None:
    variant = write(base.parent / "kiosk.toml", 'extends = "base.toml"\n'
                    '[[city.add_stations]]\nname = "East Kiosk"\nkind = "modular"\nprecinct = "E1"\n'
                    "lon = 10.17\nlat = 50.03\ninspectors = 2\nassistants = 1\n")
    original, scenario = load_scenario(base), load_scenario(variant)
    assert scenario.city.stations == original.city.stations
    assert [s.name for s in scenario.city.all_stations] == [*(s.name for s in original.city.stations), "East Kiosk"]
    assert "East Kiosk" in {s.name for s in posted_stations(scenario)}


def test_error_in_a_key_the_variant_sets_names_the_variant(base: Path) -> None:
    variant = write(base.parent / "variants" / "bad.toml", 'extends = "../base.toml"\n[dispatch]\nbackup_wait_min = -1\n')
    with pytest.raises(ScenarioError) as caught:
        load_scenario(variant)
    assert same_file(caught.value.file, variant)
    assert caught.value.key == "dispatch.backup_wait_min"


def test_error_in_an_inherited_key_names_the_base(base: Path) -> None:
    base.write_text(base.read_text().replace("priority = 3\n", "priority = 9\n"))
    variant = write(base.parent / "variants" / "ok.toml", 'extends = "../base.toml"\n[dispatch]\nbackup_wait_min = 10\n')
    with pytest.raises(ScenarioError) as caught:
        load_scenario(variant)
    assert same_file(caught.value.file, base)
    assert caught.value.key == "demand.theft.priority"


def test_error_in_an_inherited_sibling_of_an_overridden_key_names_the_base(base: Path) -> None:
    base.write_text(base.read_text().replace("mean_min = 30.0, sd_min = 15.0", "mean_min = 30.0, sd_min = -15.0"))
    variant = write(base.parent / "v.toml", 'extends = "base.toml"\n[demand.theft.service]\nmean_min = 25.0\n')
    with pytest.raises(ScenarioError) as caught:
        load_scenario(variant)
    assert same_file(caught.value.file, base)
    assert caught.value.key == "demand.theft.service.sd_min"


def test_error_in_an_inherited_csv_row_names_the_csv(base: Path) -> None:
    stations = base.parent / "city" / "stations.csv"
    stations.write_text(stations.read_text().replace("East HQ,fixed,E1", "East HQ,fixed,E7"))
    variant = write(base.parent / "variants" / "v.toml", 'extends = "../base.toml"\n')
    with pytest.raises(ScenarioError) as caught:
        load_scenario(variant)
    assert same_file(caught.value.file, stations)
    assert caught.value.key == "city.stations[3].precinct (line 5)"


def test_error_in_the_variants_own_csv_names_that_csv(base: Path) -> None:
    own = write(base.parent / "variants" / "stations.csv",
                (base.parent / "city" / "stations.csv").read_text().replace("North HQ,fixed", "North HQ,tent"))
    variant = write(base.parent / "variants" / "v.toml", 'extends = "../base.toml"\n[city]\nstations = "stations.csv"\n')
    with pytest.raises(ScenarioError) as caught:
        load_scenario(variant)
    assert same_file(caught.value.file, own)
    assert caught.value.key == "city.stations[4].kind (line 6)"


def test_an_inline_table_in_a_variant_drops_the_base_csv_line_numbers(base: Path) -> None:
    variant = write(base.parent / "v.toml", 'extends = "base.toml"\n[city]\nhotspots = [\n'
                    '  { name = "Market", precinct = "W1", lon = 10.035, lat = 50.035 },\n'
                    '  { name = "Bridge", precinct = "E1", lon = 10.15, lat = 50.06, weight = -1 },\n]\n')
    with pytest.raises(ScenarioError) as caught:
        load_scenario(variant)
    assert same_file(caught.value.file, variant)
    assert caught.value.key == "city.hotspots[1].weight"


def test_a_cycle_of_three_names_the_file_that_closes_it(base: Path) -> None:
    a = write(base.parent / "a.toml", 'extends = "b.toml"\n')
    write(base.parent / "b.toml", 'extends = "sub/c.toml"\n')
    c = write(base.parent / "sub" / "c.toml", 'extends = "../a.toml"\n')
    with pytest.raises(ScenarioError) as caught:
        load_scenario(a)
    assert same_file(caught.value.file, c)
    assert caught.value.key == "extends"
    assert "a.toml -> b.toml -> c.toml -> a.toml" in caught.value.message


def test_a_file_extending_itself_is_a_cycle(base: Path) -> None:
    me = write(base.parent / "me.toml", 'extends = "me.toml"\n')
    with pytest.raises(ScenarioError, match="without a cycle"):
        load_scenario(me)


def test_extends_is_relative_to_the_variant(base: Path, monkeypatch) -> None:
    write(base.parent / "deep" / "er" / "v.toml", 'extends = "../../base.toml"\nname = "deep"\n')
    monkeypatch.chdir(base.parent / "deep")
    assert load_scenario(Path("er") / "v.toml").name == "deep"


def test_deep_merge_rules() -> None:
    base = {"a": {"x": 1, "y": [1, 2], "z": {"p": 1, "q": 2}}, "b": 1,
            "d": {"dist": "gamma", "mean_min": 1, "sd_min": 2}}
    override = {"a": {"y": [3], "z": {"q": 5}}, "c": 2, "d": {"dist": "fixed", "value_min": 3}}
    assert deep_merge(base, override) == {
        "a": {"x": 1, "y": [3], "z": {"p": 1, "q": 5}}, "b": 1, "c": 2,
        "d": {"dist": "fixed", "value_min": 3},
    }
    assert base["a"]["z"] == {"p": 1, "q": 2}  # inputs untouched


def test_same_family_distribution_merges_key_by_key() -> None:
    merged = deep_merge({"s": {"dist": "gamma", "mean_min": 1, "sd_min": 2}}, {"s": {"dist": "gamma", "sd_min": 5}})
    assert Gamma(**merged["s"]) == Gamma(dist="gamma", mean_min=1, sd_min=5)
