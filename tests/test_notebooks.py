"""The notebooks in notebooks/ are committed without outputs and run top to bottom without error.

Each notebook is executed in a fresh kernel of this interpreter (nbclient), so hidden state from
an earlier session cannot make it pass. 01 and 02 read the `small_sweep` fixture through
POLICESIM_RESULTS, as a researcher points them at a run; 03 and 04 make their own tiny runs.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel  # after the skips

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
NOTEBOOK_FILES = sorted(NOTEBOOKS.glob("*.ipynb"))
READS_RESULTS = {"01-baseline.ipynb", "02-compare-scenarios.ipynb"}
CELL_TIMEOUT_S = 180
KERNEL = "python3"


def test_the_notebooks_are_there():
    names = {path.name for path in NOTEBOOK_FILES}
    assert {"01-baseline.ipynb", "02-compare-scenarios.ipynb", "03-validation.ipynb",
            "04-staffing-curve.ipynb"} <= names, names
    assert (NOTEBOOKS / "README.md").is_file()


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    """Outputs bloat diffs and can show stale numbers: clear them before committing
    (Jupyter: Edit > Clear Outputs of All Cells; or `jupyter nbconvert --clear-output --inplace`)."""
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    dirty = [i for i, cell in enumerate(nb.cells)
             if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count") is not None)]
    assert not dirty, f"{path.name}: code cells {dirty} have outputs or an execution count; clear them"
    assert nb.cells and nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# "), \
        f"{path.name}: should open with a markdown cell stating its question"
    assert nb.metadata.get("kernelspec", {}).get("name") == KERNEL, f"{path.name}: kernelspec should be {KERNEL}"


@pytest.fixture(scope="module")
def kernel_name(tmp_path_factory, monkeypatch_module) -> str:
    """The `python3` kernel, run by this interpreter (ipykernel ships its spec with argv "python",
    which jupyter_client replaces by sys.executable). Should no spec be found, write one to a
    temporary JUPYTER_PATH that names this interpreter explicitly."""
    try:
        KernelSpecManager().get_kernel_spec(KERNEL)
    except NoSuchKernel:
        folder = tmp_path_factory.mktemp("jupyter")
        from ipykernel.kernelspec import install

        install(kernel_name=KERNEL, prefix=str(folder))
        monkeypatch_module.setenv("JUPYTER_PATH", str(folder / "share" / "jupyter"))
    spec = KernelSpecManager().get_kernel_spec(KERNEL)
    assert spec.argv[0] in {"python", "python3", sys.executable}, spec.argv
    return KERNEL


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.name)
def test_notebook_runs_top_to_bottom(path, kernel_name, small_sweep, monkeypatch):
    if path.name in READS_RESULTS:
        monkeypatch.setenv("POLICESIM_RESULTS", str(small_sweep))
    else:
        monkeypatch.delenv("POLICESIM_RESULTS", raising=False)
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, kernel_name=kernel_name, timeout=CELL_TIMEOUT_S, allow_errors=False,
                                     resources={"metadata": {"path": str(NOTEBOOKS)}})
    start = time.perf_counter()
    client.execute()  # raises CellExecutionError, naming the cell, on the first error
    seconds = time.perf_counter() - start
    print(f"{path.name}: {seconds:.1f} s")
    errors = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs if o.output_type == "error"]
    assert not errors
    figures = sum(1 for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs
                  if "application/vnd.plotly.v1+json" in o.get("data", {}))
    assert figures, f"{path.name}: drew no plotly figure"


@pytest.mark.parametrize("name, scenarios", [("01-baseline.ipynb", 1), ("02-compare-scenarios.ipynb", 3)])
def test_first_cell_makes_its_own_run_without_results(name, scenarios, kernel_name, monkeypatch):
    """Without POLICESIM_RESULTS, 01 and 02 run a short sweep of their own (the path a researcher
    opening them cold takes); the rest of the notebook is covered on the fixture above."""
    monkeypatch.delenv("POLICESIM_RESULTS", raising=False)
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    first = next(i for i, cell in enumerate(nb.cells) if cell.cell_type == "code")
    nb.cells = nb.cells[:first + 1] + [nbformat.v4.new_code_cell(
        f"assert len(results.scenario_names) == {scenarios}, results\n"
        "assert all(m['replications'] == 3 and m['horizon_days'] == 2 for m in results.manifests.values())")]
    nbclient.NotebookClient(nb, kernel_name=kernel_name, timeout=CELL_TIMEOUT_S, allow_errors=False,
                            resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
