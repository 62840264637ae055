"""Officer time per shift occurrence, on a hand-made log: one inspector, two shifts back to back."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model.city import build_city
from sim.model.officers import officer_time
from sim.model.runlog import BusyIntervals, OvertimeIntervals
from sim.model.shifts import Occurrence
from sim.scenario.kinds import FIELD
from tests.test_model_behaviour import city, station


def one_inspector_log(job_start: float, job_end: float, prevention: list[tuple[float, float]]) -> dict:
    """Shifts [0, 600) and [600, 1200) of member 0 and one field job; the rows by shift start."""
    layout = build_city(city([station("A", 0.0)]))
    roster = [Occurrence(shift=0, start_min=0.0, end_min=600.0, members=(0,)),
              Occurrence(shift=0, start_min=600.0, end_min=1200.0, members=(0,))]
    busy = BusyIntervals(staff=np.array([0], np.int32), start_min=np.array([job_start]),
                         service_end_min=np.array([job_end]), end_min=np.array([job_end]),
                         arrive_min=np.array([job_start]), call=np.array([0], np.int32))
    past_shift = job_end > 600.0 > job_start
    overtime = OvertimeIntervals(staff=np.array([0] * past_shift, np.int32),
                                 start_min=np.array([600.0] * past_shift), end_min=np.array([600.0] * past_shift))
    table = officer_time(layout, roster, busy, overtime, np.array([FIELD], np.int8), prevention, 0.0, 1200.0, 0)
    rows = table.to_pandas().sort_values("shift_start_min")
    return {column: rows[column].tolist() for column in ("on_duty_min", "on_scene_min", "prevention_min", "idle_min")}


def test_a_job_run_into_the_next_shift_is_busy_time_in_that_shifts_prevention_window():
    # The job runs from 500 into the next shift until 700; prevention work is due 650-750.
    times = one_inspector_log(500.0, 700.0, [(650.0, 750.0)])
    assert times["on_duty_min"] == [600.0, 600.0]
    assert times["on_scene_min"] == [100.0, 100.0]
    assert times["prevention_min"] == [0.0, 50.0]  # 650-700 busy with the job: only 700-750 left
    assert times["idle_min"] == [500.0, 450.0]


@pytest.mark.parametrize("job", [(100.0, 300.0), (700.0, 900.0)])
def test_a_job_inside_one_shift_is_busy_time_in_that_shifts_windows_only(job):
    times = one_inspector_log(*job, [(250.0, 350.0), (850.0, 950.0)])
    first = job[0] < 600.0
    assert times["prevention_min"] == ([50.0, 100.0] if first else [100.0, 50.0])
    busy = [200.0, 0.0] if first else [0.0, 200.0]
    assert times["on_scene_min"] == busy
    assert [d - b - p for d, b, p in zip(times["on_duty_min"], busy, times["prevention_min"])] == times["idle_min"]
