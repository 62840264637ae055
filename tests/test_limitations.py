"""The reports say what the model leaves out, read from the scenario they show."""

from __future__ import annotations

from pathlib import Path

from sim.report.comparison_report import write_comparison_report
from sim.report.limitations import limitations, limitations_html
from sim.scenario import load_scenario

REPO = Path(__file__).resolve().parents[1]
CITY = REPO / "tests" / "scenarios" / "city.toml"
MMC = REPO / "tests" / "scenarios" / "mmc.toml"


def as_dict(path: Path, **changes) -> dict:
    data = load_scenario(path).model_dump(mode="json")
    for dotted, value in changes.items():
        *parents, key = dotted.split("__")
        node = data
        for parent in parents:
            node = node[parent]
        node[key] = value
    return data


def mechanisms(scenario: dict) -> str:
    return " ".join(limitations(scenario)["mechanisms"])


def test_lists_the_mechanisms_a_scenario_turns_off() -> None:
    city = mechanisms(as_dict(CITY))  # prevention on, preemption off, walk-ins with patience
    assert "No preemption" in city and "No prevention" not in city and "input, not an outcome" in city
    assert "never give up" not in city and "No absence" not in city
    mmc = mechanisms(as_dict(MMC))  # no prevention, no travel, nobody absent
    assert "No prevention" in mmc and "No travel" in mmc and "No absence" in mmc
    assert "No road network" not in mmc


def test_each_switch_changes_its_line() -> None:
    assert "No preemption" not in mechanisms(as_dict(CITY, dispatch__preemption=True))
    assert "No prevention" in mechanisms(as_dict(CITY, prevention=None))
    walk_ins = mechanisms(as_dict(CITY, demand__complaint__patience=None))
    assert "Walk-in visitors never give up waiting (complaint" in walk_ins
    assert "Assistants never go out" not in mechanisms(as_dict(CITY, staffing__assistants_take_field=True))
    desk_only = mechanisms(as_dict(CITY, dispatch__field_station_kinds=["fixed"]))
    assert "Inspectors at modular stations and service centres never go out to field calls" in desk_only


def test_what_no_scenario_can_turn_on_is_always_said() -> None:
    for scenario in (as_dict(CITY), as_dict(MMC)):
        text = mechanisms(scenario)
        assert "No deterrence" in text and "are never referred or cancelled" in text


def test_field_calls_that_may_leave_are_not_called_endless() -> None:
    mmc = as_dict(MMC)
    assert "Field calls of incident are never referred" in mechanisms(mmc)
    assert "never referred" not in mechanisms(as_dict(MMC, demand__incident__max_wait_min=0))
    patient = as_dict(MMC, demand__incident__patience={"dist": "exponential", "mean_min": 30})
    assert "never referred" not in mechanisms(patient)


def test_figures_that_are_assumptions() -> None:
    estimates = " ".join(limitations(as_dict(CITY))["estimates"])
    assert "rates per 1,000 residents" in estimates and "domestic, records" in estimates
    assert "default fit to US emergency vehicles" in estimates and "factor of 1.5" in estimates
    assert "scaled by" in " ".join(limitations(as_dict(CITY, demand_scale=1.2))["estimates"])


def test_a_comparison_separates_shared_from_own_limitations() -> None:
    html = limitations_html([("base", as_dict(CITY)), ("urgent", as_dict(CITY, dispatch__preemption=True))])
    assert "<b>base only:</b> No preemption" in html
    assert html.count("No deterrence") == 1


def test_run_and_comparison_reports_have_the_section(small_sweep: Path, tmp_path: Path) -> None:
    report = (small_sweep / "almaty-2023" / "report.html").read_text()
    assert 'id="not-captured"' in report and "What this model does not capture" in report
    assert "No deterrence" in report
    comparison = write_comparison_report([small_sweep / "almaty-2023", small_sweep / "almaty-no-modular"],
                                         tmp_path).read_text()
    assert 'id="not-captured"' in comparison and "No deterrence" in comparison
