"""Planning: from targets to the staff and sites that meet them, written as variant scenarios.

Sits on top of scenario, model, experiment and results (the CLI calls it); the report layer
never imports it, plans reach reports as data.
"""


class PlanInputError(ValueError):
    """A planning option or target that cannot be carried out: reported in one line, exit code 2."""
