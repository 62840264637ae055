"""The executors tasks run on: in this process, a local process pool, or an existing Dask cluster.

All three are `concurrent.futures.Executor`s, so the runner does not know which it has; results
do not depend on it either, because every task carries its own seed and writes its own files.
"""

from __future__ import annotations

import os
import signal
from concurrent.futures import Executor, Future, ProcessPoolExecutor


class InlineExecutor(Executor):
    """Runs each task at submission, in this process: one worker, easy to debug and to interrupt."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # a task's failure is reported, not raised
            if isinstance(error, KeyboardInterrupt):
                raise
            future.set_exception(error)
        return future


class DaskExecutor(Executor):
    """A `distributed` client's executor that also closes the client it opened."""

    def __init__(self, address: str) -> None:
        from distributed import Client

        self.client = Client(address)
        self.executor = self.client.get_executor(pure=False)

    def submit(self, fn, /, *args, **kwargs) -> Future:
        return self.executor.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.executor.shutdown(wait=wait)
        self.client.close()


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def make_executor(workers: int | None = None, dask_address: str | None = None) -> Executor:
    if dask_address:
        return DaskExecutor(dask_address)
    workers = workers or default_workers()
    if workers == 1:
        return InlineExecutor()
    return _started(ProcessPoolExecutor(max_workers=workers, initializer=_quiet_on_interrupt))


def _quiet_on_interrupt() -> None:
    """In a worker: Ctrl-C ends it at once and without a traceback; the main process reports it,
    and a part being written is only a temporary file, so nothing half-written is kept."""
    signal.signal(signal.SIGINT, lambda *_: os._exit(130))


def _started(pool: ProcessPoolExecutor) -> ProcessPoolExecutor:
    """Start the workers now, before the progress bar's thread exists: forking a process that
    runs threads can copy a lock held by one of them into the child."""
    pool.submit(int).result()
    return pool
