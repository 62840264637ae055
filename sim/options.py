"""The run options of `policesim run` and `sweep`, checked by the same rules as the scenario's [run] table.

`--days -3` must fail as `horizon_days = -3` fails in a file: at once, in one line, before any
task starts. The bounds are read from the schema's own fields, so the two cannot drift apart.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import ConfigDict, Field, ValidationError, create_model

from .scenario.errors import message_for
from .scenario.schema import RunSettings
from .scenario.strict import StrictModel

# option -> the [run] key it overrides
RUN_KEYS = {"replications": "replications", "seed": "seed", "days": "horizon_days", "warmup_days": "warmup_days"}
MAX_WORKERS = 1024


class BadOption(Exception):
    """An option value outside what a run can honour; one line naming the option."""


def _like(name: str) -> Any:
    """The type of [run] key `name`, with its bounds, for an option that may be left out."""
    field = RunSettings.model_fields[name]
    return Annotated[(field.annotation, *field.metadata)] | None


class _Options(StrictModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


RunOptions = create_model(
    "RunOptions", __base__=_Options,
    **{option: (_like(key), None) for option, key in RUN_KEYS.items()},
    workers=(Annotated[int, Field(ge=1, le=MAX_WORKERS)] | None, None),
    precision=(Annotated[float, Field(gt=0, lt=1)] | None, None),
)


def option_name(field: str) -> str:
    return "--" + field.replace("_", "-")


def check_options(values: dict[str, Any]) -> Any:
    """The options given (None = not given) as a validated RunOptions; the first bad one as BadOption."""
    try:
        return RunOptions.model_validate(values)
    except ValidationError as exc:
        loc, message = message_for(RunOptions, exc.errors(include_url=False)[0])
        raise BadOption(f"{option_name(str(loc[0]))}: {message}") from None


def run_overrides(options: Any) -> dict[str, Any]:
    """The [run] keys the given options set; 0 is a value like any other, only None means "not given"."""
    return {key: getattr(options, option) for option, key in RUN_KEYS.items()
            if getattr(options, option) is not None}
