"""Officer-level results prove themselves from the run folder's files alone.

A two-station city with a station-by-shift staffing table (overlapping rows, one past midnight,
single- and two-officer calls, real travel) is run through the pipeline; the checks then read
only calls.parquet, officers.parquet and scenario.json, as a user auditing a run would:
who attended each incident, that no station and shift had more officers on duty than rostered,
and that no officer was in two places at once.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.pipeline import Job, run_experiment
from sim.results import open_results
from sim.scenario.schema import Scenario
from tests import test_staffing_table as two_stations

REPLICATIONS = 2
BUSY = ["travel_min", "on_scene_min", "paperwork_min", "desk_min"]


def city(availability: float) -> Scenario:
    data = two_stations.city_data(availability)
    data["name"] = f"two-stations-{int(availability * 100)}"
    data["travel"] = {"slowdown": 3.0}  # trips of several minutes, so travel is busy time too
    data["demand"]["incident"].update(yearly_volume=30000, paperwork={"dist": "fixed", "value_min": 10.0})
    data["demand"]["assault"] = {"kind": "field", "priority": 1, "yearly_volume": 3000, "officers": 2,
                                 "service": {"dist": "exponential", "mean_min": 40.0}}
    return Scenario.model_validate(data)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[float, Path]:
    root = tmp_path_factory.mktemp("officers")
    folders = {a: root / f"availability-{a}" for a in (0.8, 1.0)}
    jobs = [Job(city(a), folder) for a, folder in folders.items()]
    result = run_experiment(jobs, root / ".parts", REPLICATIONS, seed=11, workers=1, show_progress=False)
    assert not result.failures
    return folders


def read(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame, list[dict]]:
    """calls, officers (string columns as str) and the staffing table, from the run folder's files."""
    results = open_results(folder)
    calls = results.calls_frame().astype({c: object for c in ("officer", "shift", "station", "outcome")})
    officers = results.officers_frame().astype({c: object for c in ("officer", "station", "shift", "role")})
    return calls, officers, results.scenarios[results.scenario_names[0]]["staffing"]["table"]


def test_the_officer_column_names_an_officer_on_duty_at_that_station_and_shift(runs) -> None:
    calls, officers, _ = read(runs[0.8])
    sent = calls[calls.dispatched_min.notna()]
    assert len(sent) > 500 and sent.officer.notna().all() and sent["shift"].notna().all()
    assert calls[calls.dispatched_min.isna()].officer.isna().all()
    duty = sent.merge(officers, on=["replication", "officer"], suffixes=("", "_duty"))
    on_duty = duty[(duty.shift_start_min <= duty.dispatched_min) & (duty.dispatched_min <= duty.shift_end_min)]
    attended = on_duty.drop_duplicates(["replication", "call_id"])
    assert len(attended) == len(on_duty) == len(sent)  # exactly one occurrence of theirs covers each dispatch
    assert (attended.station == attended.station_duty).all()
    assert (attended["shift"] == attended.shift_duty).all()
    assert (attended.officer.str.split("/").str[0] == attended.station).all()
    # With no warm-up every officer sent is counted once where they took it (two-officer calls twice).
    taken = officers.groupby("replication").calls_taken.sum()
    assert (taken == calls.groupby("replication").officers.sum()).all()


def test_no_station_and_shift_had_more_officers_on_duty_than_rostered(runs) -> None:
    calls, officers, table = read(runs[0.8])
    assert officers.weekday.between(0, 6).all()
    rostered = {(row["station"], row["shift"]): row["inspectors"] + row.get("assistants", 0) for row in table}
    crews = officers.groupby(["replication", "station", "shift", "shift_start_min"]).officer.nunique()
    for (_, station, shift, _), present in crews.items():
        assert present <= rostered[(station, shift)]
    assert (crews < crews.index.map(lambda k: rostered[(k[1], k[2])])).any()  # absences show
    seen = officers.groupby(["station", "shift"]).officer.nunique()
    assert seen.to_dict() == rostered  # over two weeks each rostered member works at least once
    # At every half hour, each station's officers on duty are at most the sum of its rows covering it.
    times = np.arange(0.0, officers.shift_end_min.max(), 30.0) + 15.0
    for (replication, station), duty in officers.groupby(["replication", "station"]):
        on = (duty.shift_start_min.to_numpy()[:, None] <= times) & (times < duty.shift_end_min.to_numpy()[:, None])
        cover = np.zeros(len(times))
        for row in (r for r in table if r["station"] == station):
            starts = np.array([d * 1440 + row["start_hour"] * 60 for d in range(-1, 15) if d % 7 in row["weekdays"]])
            cover += ((starts[:, None] <= times) & (times < starts[:, None] + row["hours"] * 60)).sum(axis=0) \
                * (row["inspectors"] + row.get("assistants", 0))
        assert (on.sum(axis=0) <= cover).all(), (replication, station)


def test_no_officer_was_in_two_places_at_once(runs) -> None:
    calls, officers, _ = read(runs[0.8])
    sent = calls[calls.dispatched_min.notna()].sort_values(["replication", "officer", "dispatched_min"])
    assert not sent.preempted.any()  # no preemption here: each first officer works the call through
    done_at = sent.completed_min.fillna(np.inf).to_numpy()  # still at it when the run ended
    same = ((sent.replication.to_numpy()[1:] == sent.replication.to_numpy()[:-1])
            & (sent.officer.to_numpy()[1:] == sent.officer.to_numpy()[:-1]))
    next_dispatch = sent.dispatched_min.to_numpy()[1:]
    assert (next_dispatch[same] >= done_at[:-1][same]).all()
    assert same.sum() > 300
    # Per shift, busy time fits in time on duty, and each kind of it was really there.
    busy = officers[BUSY].sum(axis=1)
    assert (busy <= officers.on_duty_min + 1e-6).all()
    assert (officers[BUSY + ["idle_min"]] >= 0).all().all() and (officers[BUSY].sum() > 0)[BUSY[:3]].all()
    np.testing.assert_allclose(busy + officers.prevention_min + officers.idle_min, officers.on_duty_min, atol=1e-6)


@pytest.fixture(scope="module")
def preempting_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same city with preemption: single-officer priority-1 calls take officers off lower jobs."""
    data = city(0.8).model_dump(mode="json", exclude_none=True)
    data["name"] = "two-stations-preempting"
    data["dispatch"]["preemption"] = True
    data["demand"]["alarm"] = {"kind": "field", "priority": 1, "yearly_volume": 6000,
                               "service": {"dist": "exponential", "mean_min": 15.0}}
    root = tmp_path_factory.mktemp("preempting")
    folder = root / "run"
    result = run_experiment([Job(Scenario.model_validate(data), folder)], root / ".parts", REPLICATIONS, seed=12,
                            workers=1, show_progress=False)
    assert not result.failures
    return folder


def test_with_preemption_an_officer_is_in_two_calls_only_while_one_suspends_the_other(preempting_run) -> None:
    """Each officer's calls, in order of dispatch, nest: a call sent while another is unfinished is
    priority 1, ends first, and the unfinished one is marked preempted (and resumed after)."""
    calls, _, _ = read(preempting_run)
    sent = calls[calls.dispatched_min.notna()].sort_values(["replication", "officer", "dispatched_min"])
    nested = 0
    for _, mine in sent.groupby(["replication", "officer"]):
        unfinished: list[tuple[float, bool]] = []  # (completed, preempted) of calls still being worked
        for dispatched, completed, priority, preempted in zip(
                mine.dispatched_min, mine.completed_min.fillna(np.inf), mine.priority, mine.preempted):
            unfinished = [c for c in unfinished if c[0] > dispatched]
            if unfinished:
                nested += 1
                assert priority == 1 and len(unfinished) == 1
                assert unfinished[0][1] and completed <= unfinished[0][0]
            unfinished.append((completed, preempted))
    assert nested > 20 and sent.preempted.sum() >= nested


def test_a_staffing_table_shows_exactly_its_rostered_officers_per_station_and_shift(runs) -> None:
    _, officers, table = read(runs[1.0])
    days = two_stations.DAYS
    for row in table:
        crew = officers[(officers.station == row["station"]) & (officers["shift"] == row["shift"])]
        expected_days = [d for d in range(-1, days) if d % 7 in row["weekdays"]
                         and d * 1440 + (row["start_hour"] + row["hours"]) * 60 > 0]
        assert sorted(crew.shift_start_min.unique()) == [d * 1440 + row["start_hour"] * 60 for d in expected_days]
        size = row["inspectors"] + row.get("assistants", 0)
        per_occurrence = crew.groupby(["replication", "shift_start_min"])
        assert (per_occurrence.officer.nunique() == size).all()
        assert crew.groupby("replication").officer.unique().map(frozenset).nunique() == 1  # the same people
        assert (crew.role == "assistant").sum() == row.get("assistants", 0) * len(expected_days) * REPLICATIONS
        scheduled = crew.on_duty_min - crew.overtime_min
        observed = np.minimum(crew.shift_end_min, days * 1440) - np.maximum(crew.shift_start_min, 0)
        np.testing.assert_allclose(scheduled, observed, atol=1e-6)


def test_a_run_folder_from_before_officer_results_still_opens_and_reports(runs, tmp_path: Path) -> None:
    import json
    import shutil

    from sim.report.run_report import write_run_report
    from sim.results import NotAResultsFolder

    old = tmp_path / "old"
    shutil.copytree(runs[1.0], old)
    (old / "officers.parquet").unlink()
    summary = json.loads((old / "summary.json").read_text())
    summary["metrics"] = [m for m in summary["metrics"] if m["by"] not in ("station", "shift")]
    (old / "summary.json").write_text(json.dumps(summary))
    results = open_results(old)
    assert len(results.calls_frame(columns=["call_id"])) > 0
    assert results.sql("select count(*) as n from staff").n.iloc[0] > 0  # no officers view, the rest works
    with pytest.raises(NotAResultsFolder, match="officers.parquet"):
        results.officers_frame()
    html = write_run_report(old).read_text()
    assert 'id="figure-stations"' not in html and 'id="figure-walk_in"' in html
