"""How result tables are written to Parquet: encodings chosen for write speed, at no cost in size.

pyarrow's defaults try a dictionary and keep min/max statistics for every column. For a
city-year's calls both cost more than they give: times, coordinates and call ids are nearly all
distinct, so each column's dictionary overflows and is thrown away after it was built, and the
statistics of dictionary columns are taken over their strings yet prune nothing (every row group,
one replication, holds every district and kind). Floats are split by byte stream instead, which
compresses them better. What a reader gets back is the same table.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa


def _mostly_distinct(field: pa.Field) -> bool:
    """Times, coordinates and ids: types whose values rarely repeat within a table."""
    return pa.types.is_floating(field.type) or pa.types.is_int64(field.type)


def write_options(schema: pa.Schema) -> dict[str, Any]:
    """Keyword arguments for `pq.write_table` or `pq.ParquetWriter` for a table of `schema`."""
    return {
        "use_dictionary": [f.name for f in schema if not _mostly_distinct(f)],
        "column_encoding": {f.name: "BYTE_STREAM_SPLIT" for f in schema if pa.types.is_floating(f.type)},
        "write_statistics": [f.name for f in schema if not pa.types.is_dictionary(f.type)],
    }
