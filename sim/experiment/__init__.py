"""Experiments: replications and scenarios as independent tasks behind one Executor interface."""

from .executors import make_executor
from .runner import ExperimentOutcome, TaskFailure, run_tasks
from .tasks import Task, plan_tasks

__all__ = ["ExperimentOutcome", "Task", "TaskFailure", "make_executor", "plan_tasks", "run_tasks"]
