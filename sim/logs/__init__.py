"""Dispatch logs: the tidy call table, reading forces' exports into it (bottom layer: no model imports)."""

from .errors import LogError
from .tidy import TIDY_COLUMNS, read_tidy_log, write_tidy_log

__all__ = ["LogError", "TIDY_COLUMNS", "read_tidy_log", "write_tidy_log"]
