"""Hand memory freed between the stages of a long run back to the operating system.

After a city-year's engine and tables are freed, glibc keeps most of the freed heap (about 175 MB)
and pyarrow's pool the Parquet writer's buffers, so the next stage would start from a high-water
mark it does not need; trimming both keeps a run's peak to what one stage holds at once.
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
