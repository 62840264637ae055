"""Random command lines for `run` and `sweep`: each is planned (parsed, checked, scenarios loaded),
never run, and either gives jobs that carry the options or one line naming the bad option."""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sim import cli
from sim.scenario import ScenarioError

REPO = Path(__file__).resolve().parents[1]
MMC = str(REPO / "tests" / "scenarios" / "mmc.toml")
CITY = str(REPO / "tests" / "scenarios" / "city.toml")
EXAMPLES = int(os.environ.get("POLICESIM_MUTANTS", "1000"))
FIXED = not os.environ.get("POLICESIM_MUTANTS_RANDOM")
NUMERIC = ["--replications", "--seed", "--days", "--warmup-days", "--workers", "--precision"]
KEYS = {"--replications": "replications", "--seed": "seed", "--days": "horizon_days", "--warmup-days": "warmup_days"}

values = st.one_of(
    st.integers(-5, 12_000).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["0", "-0", "1", "0.5", "1e9", "1e400", "nan", "-inf", "abc", "", " 3", "1_000", "0x10",
                     "true", "99999999999999999999999", "--quiet", "2.5", "365", "366", "3660", "10000", "10001"]),
)


@st.composite
def command_lines(draw) -> list[str]:
    command = draw(st.sampled_from(["run", "sweep"]))
    scenarios = [MMC] if command == "run" else draw(st.sampled_from([[MMC], [MMC, CITY]]))
    options = draw(st.lists(st.sampled_from(NUMERIC if command == "run" else NUMERIC[:-1]), max_size=4))
    argv = [command, *scenarios]
    for option in options:
        argv += [option, draw(values)]
    return argv


def _given(argv: list[str]) -> dict[str, str]:
    """The last value of each option in `argv`, as argparse keeps it."""
    return {argv[i]: argv[i + 1] for i in range(len(argv) - 1) if argv[i] in NUMERIC}


@settings(max_examples=EXAMPLES, deadline=None, derandomize=FIXED, database=None,
          suppress_health_check=list(HealthCheck))
@given(command_lines())
def test_run_and_sweep_options_are_planned_or_refused_in_one_line(argv: list[str]) -> None:
    stderr = io.StringIO()
    try:
        with contextlib.redirect_stderr(stderr):
            args = cli.build_parser().parse_args(argv)
    except SystemExit as stop:  # argparse: not a number at all
        assert stop.code == cli.EXIT_BAD_INPUT
        lines = stderr.getvalue().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"error: policesim {argv[0]}: argument --"), lines
        event("refused by argparse in one line")
        return
    plan = cli.plan_run if argv[0] == "run" else cli.plan_sweep
    try:
        jobs = plan(args)
        cli.checked_options(args)
    except cli.UsageError as error:
        text = str(error)
        assert "\n" not in text and re.match(r"--[a-z-]+: expected ", text), text
        assert text.split(":")[0] in _given(argv), text
        event("refused by the [run] rules in one line")
        return
    except ScenarioError as error:  # the scenarios are valid: an option made them invalid
        raise AssertionError(f"an option reached the scenario unchecked: {error}") from None
    event("planned")
    for option, value in _given(argv).items():
        if option in KEYS:
            assert all(getattr(job.scenario.run, KEYS[option]) == float(value) for job in jobs), (option, value)
