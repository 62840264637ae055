"""Scenario files: schema, loading with `extends`, validation and the arithmetic derived from them."""

from .errors import ScenarioError
from .loading import load_scenario, read_document, validate_document
from .schema import CallType, Scenario

__all__ = ["CallType", "Scenario", "ScenarioError", "load_scenario", "read_document", "validate_document"]
