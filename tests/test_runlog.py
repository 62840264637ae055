"""The run log: intervals in, typed arrays out; the waiting monitor integrates after the warm-up."""

from __future__ import annotations

import numpy as np

from sim.model.runlog import RunLog


def test_jobs_and_overtime_read_back_as_typed_arrays_in_order():
    log = RunLog(warmup_min=0.0)
    log.job(3, 10.0, 25.0, 30.0)
    log.job(1, 12.5, 12.5, 40.0)
    log.overtime(3, 480.0, 495.5)
    busy = log.busy_intervals()
    assert busy.staff.dtype == np.int32 and busy.staff.tolist() == [3, 1]
    assert busy.start_min.tolist() == [10.0, 12.5]
    assert busy.service_end_min.tolist() == [25.0, 12.5]
    assert busy.end_min.tolist() == [30.0, 40.0]
    overtime = log.overtime_intervals()
    assert (overtime.staff.tolist(), overtime.start_min.tolist(), overtime.end_min.tolist()) == ([3], [480.0], [495.5])


def test_the_waiting_monitor_counts_call_minutes_after_the_warm_up_only():
    log = RunLog(warmup_min=100.0)
    monitor = log.field_waiting
    monitor.change(50.0, 0)    # a call starts waiting during the warm-up
    monitor.change(90.0, 1)    # a second one
    monitor.change(130.0, 2)   # 30 minutes after the warm-up with 2 waiting: 60 call-minutes
    monitor.change(150.0, 1)   # 20 minutes with 1 waiting: 20 more
    assert log.field_waiting_area() == 80.0


def test_a_job_keeps_its_call_and_its_members_arrival_for_officer_results():
    log = RunLog(warmup_min=0.0)
    log.job(2, 5.0, 30.0, 40.0, 12.0, 17)
    log.job(4, 6.0, 6.0, 9.0)  # callers that know neither: NaN and -1
    busy = log.busy_intervals()
    assert busy.arrive_min[0] == 12.0 and np.isnan(busy.arrive_min[1])
    assert busy.call.tolist() == [17, -1]
