"""One definition of station kinds, call kinds and priority 1, used by schema, model, results and report."""

from __future__ import annotations

import typing

from sim.model import city
from sim.report import charts, labels, palette
from sim.results import api
from sim.scenario import kinds, schema


def test_the_schema_accepts_exactly_the_kinds_defined_once():
    assert typing.get_args(schema.StationKind) == kinds.STATION_KINDS
    assert typing.get_args(schema.CallKind) == kinds.CALL_KINDS
    assert city.KINDS == kinds.CALL_KINDS and city.STATION_KINDS == kinds.STATION_KINDS
    assert api.KINDS == kinds.CALL_KINDS and charts.STATION_KINDS == kinds.STATION_KINDS
    assert kinds.CALL_KINDS[kinds.FIELD] == "field" and kinds.ROLES[kinds.ROLE_INSPECTOR] == "inspector"


def test_every_station_kind_has_a_label_and_a_map_style():
    assert set(kinds.STATION_KINDS) <= set(labels.STATION_KIND_NAMES)
    assert set(kinds.STATION_KINDS) == set(palette.STATION_STYLE)


def test_priority_1_is_the_urgent_one():
    assert kinds.is_urgent(kinds.URGENT_PRIORITY) and kinds.URGENT_PRIORITY == 1
    assert not any(kinds.is_urgent(p) for p in (2, 3, 4))
