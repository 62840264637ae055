"""The one definition of station kinds, call kinds, roles and what priority 1 means.

Schema, model, results and report all read these names from here, so adding a station kind or
renaming a call kind is one edit rather than a hunt through labels, palettes and model code.
"""

from __future__ import annotations

from typing import Literal, get_args

StationKind = Literal["fixed", "modular", "service_centre"]
CallKind = Literal["field", "walk_in", "desk"]
Role = Literal["inspector", "assistant"]

STATION_KINDS: tuple[str, ...] = get_args(StationKind)
CALL_KINDS: tuple[str, ...] = get_args(CallKind)
ROLES: tuple[str, ...] = get_args(Role)

FIELD, WALK_IN, DESK = (CALL_KINDS.index(k) for k in ("field", "walk_in", "desk"))  # codes in call arrays
ROLE_INSPECTOR, ROLE_ASSISTANT = ROLES.index("inspector"), ROLES.index("assistant")

URGENT_PRIORITY = 1  # the most urgent priority: opened to backup at once, may preempt, ignores prevention


def is_urgent(priority: int) -> bool:
    """Whether a call of `priority` gets urgent handling (immediate backup, preemption, prevention breaks)."""
    return priority == URGENT_PRIORITY
