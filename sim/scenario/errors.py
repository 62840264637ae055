"""One-line scenario errors that name the file, the key and what was expected.

A planner fixing a scenario needs to know where to look, not how pydantic works, so pydantic's
errors are translated here into "FILE: KEY: expected ..., got ..." using the schema's own types
and bounds.
"""

from __future__ import annotations

import json
import types
import typing
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

Loc = tuple[str | int, ...]


class ScenarioError(Exception):
    """A scenario problem, printable as one line."""

    def __init__(self, file: str | Path | None, key: str, message: str) -> None:
        self.file = display_path(file) if file else "<scenario>"
        self.key = key
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.file}: {self.key}: " if self.key else f"{self.file}: "
        return " ".join((where + self.message).split())


def display_path(path: str | Path) -> str:
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def format_loc(loc: Loc) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def show_value(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# --- what the schema expects at a key --------------------------------------------------------


def _unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    """Strip Annotated and Optional, keeping the constraint metadata."""
    metadata: list[Any] = []
    while True:
        if get_origin(annotation) is typing.Annotated:
            base, *extra = get_args(annotation)
            for item in extra:
                metadata.extend(item.metadata if isinstance(item, FieldInfo) else [item])
            annotation = base
            continue
        if get_origin(annotation) in (Union, types.UnionType):
            members = [a for a in get_args(annotation) if a is not type(None)]
            if len(members) == 1:
                annotation = members[0]
                continue
        return annotation, metadata


def _bounds(metadata: list[Any]) -> str:
    low = high = None
    low_strict = high_strict = False
    for item in metadata:
        if isinstance(item, annotated_types.Ge):
            low = item.ge
        elif isinstance(item, annotated_types.Gt):
            low, low_strict = item.gt, True
        elif isinstance(item, annotated_types.Le):
            high = item.le
        elif isinstance(item, annotated_types.Lt):
            high, high_strict = item.lt, True
    if low is not None and high is not None and not low_strict and not high_strict:
        return f" {low:g}-{high:g}"
    parts = []
    if low is not None:
        parts.append(f"{'>' if low_strict else '>='} {low:g}")
    if high is not None:
        parts.append(f"{'<' if high_strict else '<='} {high:g}")
    return (" " + " and ".join(parts)) if parts else ""


def describe_type(annotation: Any, metadata: list[Any] | None = None) -> str:
    annotation, extra = _unwrap(annotation)
    metadata = [*(metadata or []), *extra]
    origin = get_origin(annotation)
    if annotation is bool:
        return "true or false"
    if annotation is int:
        return "an integer" + _bounds(metadata)
    if annotation is float:
        return "a number" + _bounds(metadata)
    if annotation is str:
        return "a string"
    if origin is Literal:
        return "one of " + ", ".join(show_value(v) for v in get_args(annotation))
    if origin is list:
        (item,) = get_args(annotation) or (Any,)
        return f"a list of {_plural(describe_type(item))}"
    if origin is dict or annotation is dict:
        return "a table"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "a table"
    if origin in (Union, types.UnionType):
        members = [describe_type(a) for a in get_args(annotation) if a is not type(None)]
        return " or ".join(dict.fromkeys(members))
    return "a value"


def _plural(text: str) -> str:
    for article in ("an ", "a "):
        if text.startswith(article):
            noun, _, rest = text[len(article):].partition(" ")
            return f"{noun}s {rest}".strip()
    return text


def _step(annotation: Any, key: str | int) -> tuple[Any, list[Any]] | None:
    """The annotation found one step below `annotation` at `key`."""
    annotation, _ = _unwrap(annotation)
    origin = get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(str(key))
        return (field.annotation, list(field.metadata)) if field else None
    if origin is list and isinstance(key, int):
        return get_args(annotation)[0], []
    if origin is dict:
        return get_args(annotation)[1], []
    if origin in (Union, types.UnionType):
        for member in get_args(annotation):
            member, _ = _unwrap(member)
            if isinstance(member, type) and issubclass(member, BaseModel):
                tag = member.model_fields.get("dist")
                if tag is not None and key in get_args(_unwrap(tag.annotation)[0]):
                    return member, []
            if get_origin(member) is list and isinstance(key, int):
                return get_args(member)[0], []
    return None


def expected_at(model: type[BaseModel], loc: Loc) -> tuple[str, Any]:
    """What the schema expects at `loc`, and the annotation found there."""
    annotation: Any = model
    metadata: list[Any] = []
    for key in loc:
        found = _step(annotation, key)
        if found is None:
            break
        annotation, metadata = found
    return describe_type(annotation, metadata), annotation


def _fields_of(model: type[BaseModel], loc: Loc) -> list[str]:
    _, annotation = expected_at(model, loc)
    annotation, _ = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def _clean_loc(loc: Loc) -> Loc:
    """Drop pydantic's union-member and discriminator tags from a location."""
    tags = {"exponential", "lognormal", "gamma", "fixed", "empirical"}
    out: list[str | int] = []
    for part in loc:
        if isinstance(part, str) and (part in tags or "[" in part or part.startswith("function-")):
            if part in tags and out and out[-1] == part:
                continue
            if part in tags:
                continue
            continue
        out.append(part)
    return tuple(out)


def message_for(model: type[BaseModel], error: dict[str, Any]) -> tuple[Loc, str]:
    """The key path and one-line message for one pydantic error."""
    raw_loc: Loc = tuple(error["loc"])
    loc = _clean_loc(raw_loc)
    kind = error["type"]
    value = error.get("input")
    if kind == "extra_forbidden":
        allowed = _fields_of(model, loc[:-1])
        return loc, "unknown key, expected one of: " + ", ".join(allowed)
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        tags = "exponential, lognormal, gamma, fixed, empirical"
        return loc + ("dist",), f"expected one of {tags}, got {show_value(error.get('ctx', {}).get('tag', value))}"
    if kind in ("value_error", "assertion_error"):
        text = str(error.get("ctx", {}).get("error", error["msg"]))
        return loc, text
    expected, _ = expected_at(model, raw_loc)
    if kind == "missing":
        return loc, f"missing, expected {expected}"
    if kind in ("too_short", "too_long"):
        return loc, f"expected {expected} ({error['msg'].lower().removeprefix('list ')}), got {show_value(value)}"
    if kind == "string_pattern_mismatch":
        return loc, f"expected letters, digits, '-', '_' or '.', got {show_value(value)}"
    return loc, f"expected {expected}, got {show_value(value)}"


def from_validation_error(
    model: type[BaseModel], exc: ValidationError, file_of: typing.Callable[[Loc], str | Path | None]
) -> ScenarioError:
    """The first error of a pydantic ValidationError as a ScenarioError."""
    error = exc.errors(include_url=False)[0]
    loc, message = message_for(model, error)
    return ScenarioError(file_of(loc), format_loc(loc), message)
