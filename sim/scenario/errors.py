"""One-line scenario errors that name the file, the key and what was expected.

A planner fixing a scenario needs to know where to look, not how pydantic works, so pydantic's
errors are translated here into "FILE: KEY: expected ..., got ..." using the schema's own types
and bounds.
"""

from __future__ import annotations

import json
import re
import types
import typing
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from .strict import GivenBoolean

Loc = tuple[str | int, ...]
MAX_PATH_SHOWN = 200  # a longer path is shown by its two ends, to keep the message on one line
DICT_KEY_TAG = "[key]"
BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")  # pydantic's marker for "the key of this dict entry was wrong"


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
    """The path as the planner typed it relative to here, so it can be pasted into an editor."""
    path = Path(path)
    try:
        text = str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        text = str(path)
    return text if len(text) <= MAX_PATH_SHOWN else f"{text[:40]}...{text[-40:]}"


def format_loc(loc: Loc) -> str:
    """A key path the way a planner reads TOML: `city.stations[3].inspectors`."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            part = part if BARE_KEY.fullmatch(part) else json.dumps(part)  # as TOML quotes it: demand."a b"
            text += f".{part}" if text else part
    return text


def show_value(value: Any) -> str:
    """The offending value, short enough to keep the message on one line."""
    if isinstance(value, GivenBoolean):
        return str(value)
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):
        text = repr(value)[:60]
    return text if len(text) <= 60 else text[:57] + "..."


# --- what the schema expects at a key --------------------------------------------------------


def _unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    """Strip Annotated and Optional, keeping the constraint metadata (bounds, lengths)."""
    metadata: list[Any] = []
    while True:
        if get_origin(annotation) is typing.Annotated:
            base, *extra = get_args(annotation)
            for item in extra:
                metadata.extend(item.metadata if isinstance(item, FieldInfo) else [item])
            annotation = base
            continue
        members = _union_members(annotation)
        if len(members) == 1:
            annotation = members[0]
            continue
        return annotation, metadata


def _union_members(annotation: Any) -> list[Any]:
    """The non-None members of a union, or [] when `annotation` is not a union."""
    if get_origin(annotation) in (Union, types.UnionType):
        return [a for a in get_args(annotation) if a is not type(None)]
    return []


def _is_model(annotation: Any) -> bool:
    """Whether `annotation` is a schema table (a pydantic model class)."""
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _tags_of(member: Any) -> tuple[str, ...]:
    """The `dist` names a distribution model answers to; () for anything else."""
    field = member.model_fields.get("dist") if _is_model(member) else None
    return get_args(_unwrap(field.annotation)[0]) if field is not None else ()


def _dist_tags(annotation: Any) -> list[str]:
    """The `dist` names of a union of distributions; [] for any other annotation."""
    tags = [_tags_of(_unwrap(member)[0]) for member in _union_members(annotation)]
    return [tag for group in tags for tag in group] if tags and all(tags) else []


def _bounds(metadata: list[Any]) -> str:
    """Numeric bounds as a planner writes them: ' 1-4', ' > 0', ' from -90 to 90'."""
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
        return f" {_number(low)}-{_number(high)}" if low >= 0 else f" from {_number(low)} to {_number(high)}"
    parts = []
    if low is not None:
        parts.append(f"{'>' if low_strict else '>='} {_number(low)}")
    if high is not None:
        parts.append(f"{'<' if high_strict else '<='} {_number(high)}")
    return (" " + " and ".join(parts)) if parts else ""


def _number(value: float) -> str:
    """A bound as a planner reads it: 24, 0.5, 100,000,000."""
    if float(value).is_integer() and abs(value) >= 10_000:
        return f"{int(value):,}"
    return f"{value:g}"


def _length(metadata: list[Any]) -> str:
    """A list's allowed length: ' 24', ' one or more', ' at least 2', or ''."""
    low = next((m.min_length for m in metadata if isinstance(m, annotated_types.MinLen)), None)
    high = next((m.max_length for m in metadata if isinstance(m, annotated_types.MaxLen)), None)
    if low is not None and low == high:
        return f" {low}"
    if low == 1 and high is None:
        return " one or more"
    if low:
        return f" at least {low}"
    return f" at most {high}" if high is not None else ""


def describe_type(annotation: Any, metadata: list[Any] | None = None) -> str:
    """What a value of `annotation` looks like, in words: 'an integer 1-4', 'a list of ...'."""
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
        return "a non-empty string" if _length(metadata) else "a string"
    if origin is Literal:
        return "one of " + ", ".join(show_value(v) for v in get_args(annotation))
    if origin is list:
        (item,) = get_args(annotation) or (Any,)
        each = describe_type(item)
        if each.startswith("one of "):
            return f"a list of{_length(metadata)} values, each {each}"
        return f"a list of{_length(metadata)} {_plural(each)}"
    if origin is dict or annotation is dict or _is_model(annotation):
        return "a table"
    if _dist_tags(annotation):
        return "a distribution table with dist = " + " | ".join(_dist_tags(annotation))
    if origin in (Union, types.UnionType):
        members = [describe_type(a) for a in _union_members(annotation)]
        return " or ".join(dict.fromkeys(members))
    return "a value"


def _plural(text: str) -> str:
    """'a number > 0' -> 'numbers > 0', for 'a list of ...'."""
    for article in ("an ", "a "):
        if text.startswith(article):
            noun, _, rest = text[len(article):].partition(" ")
            return f"{noun}s {rest}".strip()
    return text


# --- walking pydantic's error location through the schema ------------------------------------


def _member_for_tag(annotation: Any, tag: str) -> Any:
    """The union member pydantic names by `tag` ('gamma', 'list[...]', 'str'), else the union."""
    for member in _union_members(annotation):
        base, _ = _unwrap(member)
        if tag in _tags_of(base) or (tag == "str" and base is str):
            return base
        if tag.startswith("list[") and get_origin(base) is list:
            return base
    return annotation


def _step(annotation: Any, key: str | int) -> tuple[Any, list[Any]] | None:
    """The annotation one key below `annotation`, with its constraints; None if there is none."""
    annotation, _ = _unwrap(annotation)
    origin = get_origin(annotation)
    if _is_model(annotation):
        field = annotation.model_fields.get(str(key))
        return (field.annotation, list(field.metadata)) if field else None
    if origin is list and isinstance(key, int):
        return get_args(annotation)[0], []
    if origin is dict:
        return get_args(annotation)[1], []
    if isinstance(key, int):
        lists = [m for m in _union_members(annotation) if get_origin(_unwrap(m)[0]) is list]
        return (get_args(_unwrap(lists[0])[0])[0], []) if lists else None
    return None


def resolve(model: type[BaseModel], raw_loc: Loc) -> tuple[Loc, Any, list[Any]]:
    """Walk pydantic's error location through the schema.

    Returns the key path a planner would write (pydantic's union-member tags and dict-key
    markers dropped), and the annotation and constraints found at its end.
    """
    annotation: Any = model
    metadata: list[Any] = []
    clean: list[str | int] = []
    for part in raw_loc:
        if part == DICT_KEY_TAG:
            continue
        if isinstance(part, str) and len(_union_members(_unwrap(annotation)[0])) > 1:
            annotation, metadata = _member_for_tag(_unwrap(annotation)[0], part), []
            continue
        clean.append(part)
        annotation, metadata = _step(annotation, part) or (Any, [])
    return tuple(clean), annotation, metadata


def _expected(model: type[BaseModel], raw_loc: Loc, loc: Loc) -> str:
    """What was expected at the error; a union-member tag at the very end means every member
    rejected the value, so the whole union is what was expected."""
    if raw_loc[-1:] != loc[-1:]:
        raw_loc = raw_loc[:-1]
    _, annotation, metadata = resolve(model, raw_loc)
    return describe_type(annotation, metadata)


def _fields_of(model: type[BaseModel], loc: Loc) -> list[str]:
    """The keys allowed in the table at `loc`, for 'unknown key' messages."""
    _, annotation, _ = resolve(model, loc)
    annotation, _ = _unwrap(annotation)
    return list(annotation.model_fields) if _is_model(annotation) else []


def _lift_field(model: type[BaseModel], loc: Loc, text: str, raw_loc: Loc) -> tuple[Loc, str]:
    """Move a leading 'field: ' of a model validator's message into the key path.

    The schema's cross-field validators say which field is wrong ('closes_hour: expected ...');
    the planner should see it as `city.stations[2].closes_hour`, not as part of the message.
    """
    head, sep, rest = text.partition(": ")
    if sep and head in _fields_of(model, raw_loc):
        return (*loc, head), rest
    return loc, text


# --- one message per pydantic error ----------------------------------------------------------


def _length_message(expected: str, error: dict[str, Any]) -> str:
    """A list of the wrong length: say the length, not the whole list."""
    count = error.get("ctx", {}).get("actual_length")
    if count is None and isinstance(error.get("input"), (list, dict, str)):
        count = len(error["input"])
    return f"expected {expected}, got {count} item{'' if count == 1 else 's'}"


def message_for(model: type[BaseModel], error: dict[str, Any]) -> tuple[Loc, str]:
    """The key path and one-line message for one pydantic error."""
    raw_loc: Loc = tuple(error["loc"])
    loc, _, _ = resolve(model, raw_loc)
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx", {})
    if kind == "extra_forbidden":
        return loc, "unknown key, expected one of: " + ", ".join(_fields_of(model, raw_loc[:-1]))
    if raw_loc and raw_loc[-1] == DICT_KEY_TAG and kind not in ("value_error", "assertion_error"):
        _, table, _ = resolve(model, raw_loc[:-2])
        key_type = get_args(_unwrap(table)[0])[0] if get_args(_unwrap(table)[0]) else str
        return loc, f"unknown key, expected a key that is {describe_type(key_type)}, got {show_value(value)}"
    if kind in ("union_tag_not_found", "union_tag_invalid"):
        tags = ", ".join(_dist_tags(_unwrap(resolve(model, raw_loc)[1])[0]))
        if kind == "union_tag_not_found":
            return (*loc, "dist"), f"missing, expected one of {tags}"
        return (*loc, "dist"), f"expected one of {tags}, got {show_value(ctx.get('tag'))}"
    if kind in ("value_error", "assertion_error"):
        return _lift_field(model, loc, str(ctx.get("error", error["msg"])), raw_loc)
    expected = _expected(model, raw_loc, loc)
    if kind == "missing":
        return loc, f"missing, expected {expected}"
    if kind in ("too_short", "too_long"):
        return loc, _length_message(expected, error)
    if kind == "finite_number":
        return loc, f"expected a finite number, got {value}"
    if kind == "string_pattern_mismatch":
        return loc, f"expected letters, digits, '-', '_' or '.', got {show_value(value)}"
    if kind == "string_too_short":
        return loc, f"expected a non-empty string, got {show_value(value)}"
    return loc, f"expected {expected}, got {show_value(value)}"


def from_validation_error(
    model: type[BaseModel], exc: ValidationError, file_of: typing.Callable[[Loc], str | Path | None]
) -> ScenarioError:
    """The first error of a pydantic ValidationError as a ScenarioError."""
    error = exc.errors(include_url=False)[0]
    loc, message = message_for(model, error)
    return ScenarioError(file_of(loc), format_loc(loc), message)
