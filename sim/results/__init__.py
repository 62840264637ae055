"""Results: records, statistics with confidence intervals, comparisons and storage of run folders.

The public API for notebooks is `open_results` (see docs/results.md):

    from sim.results import open_results
    results = open_results("results/sweep")
    results.sql("select scenario, quantile_cont(response_min, 0.9) from calls where kind = 'field' group by all")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .api import IncompatibleResults, NotAResultsFolder, Results, ResultsError, open_results

__all__ = ["IncompatibleResults", "NotAResultsFolder", "Results", "ResultsError", "open_results"]


def __getattr__(name: str) -> Any:
    """Load the API on first use, so that importing one submodule (sim.results.intervals, say)
    does not pull in the storage layer, the model and pyarrow.dataset behind the API."""
    if name in __all__:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
