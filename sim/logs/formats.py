"""Column and priority maps of known CAD exports, kept as data (one TOML per force's format)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

FORMATS_FOLDER = Path(__file__).parent / "formats"
FIELDS = ("call_id", "created", "dispatched", "arrived", "cleared", "call_type", "priority",
          "lon", "lat", "point", "district", "initiated", "agency", "snapshot")
Rank = Annotated[int, Field(ge=1, le=4)]


class LogFormat(BaseModel):
    """How one export names its columns, writes its times and grades its priorities."""

    model_config = ConfigDict(extra="forbid")

    description: str = ""
    time_format: str = "ISO8601"
    columns: dict[str, str] = {}
    priority_rank: dict[str, Rank] = {}
    drop_priorities: list[str] = []
    officer_initiated: list[str] = Field(default=[], description="values of the initiated column meaning on view")
    keep_agencies: list[str] = Field(default=[], description="empty = every agency")
    blank_districts: list[str] = []
    placeholder_before: str = Field(default="1901-01-01", description="earlier times are placeholders")
    window_days: float | None = Field(default=None, gt=0, description="with a snapshot column: the export keeps calls since midnight this many days before the snapshot's day")

    def with_options(self, mapping: dict[str, str], ranks: dict[str, int], time_format: str | None) -> "LogFormat":
        """The format with the command line's --map, --rank and --time-format applied over it."""
        columns = {f: c for f, c in self.columns.items() if c not in mapping and f not in mapping.values()}
        columns.update({field: column for column, field in mapping.items()})
        return self.model_copy(update={
            "columns": columns,
            "priority_rank": {**self.priority_rank, **ranks} if ranks else self.priority_rank,
            "time_format": time_format or self.time_format,
        })


def known_formats() -> list[str]:
    return sorted(p.stem for p in FORMATS_FOLDER.glob("*.toml"))


def load_format(name: str) -> LogFormat:
    """A known format by name, or a format TOML by path."""
    path = Path(name) if name.endswith(".toml") else FORMATS_FOLDER / f"{name}.toml"
    if not path.is_file():
        raise ValueError(f"unknown log format {name!r}: expected one of {', '.join(known_formats())} or a .toml file")
    try:
        fmt = LogFormat.model_validate(tomllib.loads(path.read_text()))
    except (tomllib.TOMLDecodeError, ValidationError) as error:
        raise ValueError(f"{path}: not a log format ({' '.join(str(error).split())[:200]})") from None
    unknown = sorted(set(fmt.columns) - set(FIELDS))
    if unknown:
        raise ValueError(f"{path}: columns.{unknown[0]}: expected one of {', '.join(FIELDS)}")
    return fmt
