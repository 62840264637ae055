"""Booleans are not numbers: `inspectors = true` is a typo to report, not a station with one inspector.

Pydantic's lax mode reads `true` as 1 wherever a number is expected, and its strict mode would
also refuse the numbers a CSV cell holds as text. So every scenario table checks its own input
once, before pydantic does: a boolean where the schema has no boolean becomes a `GivenBoolean`,
which no number type accepts, and pydantic then reports it at its exact key, like any wrong type.
"""

from __future__ import annotations

import types
import typing
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, model_validator


class GivenBoolean:
    """A boolean found where the schema expects something else; shown as the planner wrote it."""

    def __init__(self, value: bool) -> None:
        self.value = value

    def __str__(self) -> str:
        return "true" if self.value else "false"

    __repr__ = __str__


def _strip(annotation: Any) -> Any:
    while get_origin(annotation) is typing.Annotated:
        annotation = get_args(annotation)[0]
    return annotation


def _members(annotation: Any) -> list[Any]:
    annotation = _strip(annotation)
    if get_origin(annotation) in (Union, types.UnionType):
        return [_strip(member) for member in get_args(annotation)]
    return [annotation]


def _takes_bool(annotation: Any) -> bool:
    return any(member is bool or member is Any for member in _members(annotation))


def _of_kind(annotation: Any, kind: type) -> Any | None:
    """The member of `annotation` that is a `kind` (list or dict) type, if any."""
    return next((m for m in _members(annotation) if get_origin(m) is kind), None)


def _has_suspects(values: Any) -> bool:
    """Whether any value is a boolean or a container (where one may hide): most rows hold none."""
    return any(isinstance(v, (bool, list, dict)) for v in values)


def mark_booleans(annotation: Any, value: Any) -> Any:
    """`value` with every boolean the annotation does not allow replaced by a `GivenBoolean`.

    Nested tables are left to their own model, which runs this check on its own fields.
    """
    if isinstance(value, bool):
        return value if _takes_bool(annotation) else GivenBoolean(value)
    if isinstance(value, (list, dict)) and not _has_suspects(value.values() if isinstance(value, dict) else value):
        return value
    if isinstance(value, list) and (listed := _of_kind(annotation, list)) is not None:
        (item,) = get_args(listed) or (Any,)
        return [mark_booleans(item, v) for v in value]
    if isinstance(value, dict) and (mapped := _of_kind(annotation, dict)) is not None:
        item = get_args(mapped)[1] if get_args(mapped) else Any
        return {k: mark_booleans(item, v) for k, v in value.items()}
    return value


class StrictModel(BaseModel):
    """A scenario table whose numbers are never booleans."""

    @model_validator(mode="before")
    @classmethod
    def _no_booleans_for_numbers(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not _has_suspects(data.values()):
            return data
        fields = cls.model_fields
        return {key: mark_booleans(fields[key].annotation, value) if key in fields else value
                for key, value in data.items()}
