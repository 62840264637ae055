"""Hand memory freed after a replication back to the operating system.

Once a city-year's tables are written and freed, glibc keeps most of the freed heap and pyarrow's
pool the Parquet writer's buffers, so a worker's next task, or the merge, would start from a
high-water mark it does not need. Inside a replication the stages reuse what the one before freed:
trimming there kept the peak no lower (about 480 MB either way) and made the next stage fault the
same pages in again, about 0.3 s a city-year, so the trim is done once, after each task.
"""

from __future__ import annotations

import ctypes

import pyarrow as pa


def _find_malloc_trim():
    try:
        return ctypes.CDLL(None).malloc_trim  # glibc only; elsewhere freed memory is left as it is
    except (OSError, AttributeError):
        return None


_MALLOC_TRIM = _find_malloc_trim()


def release_freed_memory() -> None:
    """Return freed heap pages and pyarrow's unused pool memory to the operating system."""
    pa.default_memory_pool().release_unused()
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)
