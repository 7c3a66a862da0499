"""notebooks/evaluation.ipynb must keep running: execute it on a small sample of the gold labels."""
from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOK = NOTEBOOK_DIR / "evaluation.ipynb"
KERNEL = "python3"
PARAMETERS = 'SAMPLE = 40\nSPLIT = "test"\nRUN_CORPORA = False\nDATA_DIR = None'
PARAMETER_NAMES = ("SAMPLE", "SPLIT", "RUN_CORPORA", "DATA_DIR")


def _first_code_cell(nb):
    return next(cell for cell in nb.cells if cell.cell_type == "code")


def _require_kernel() -> None:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(KERNEL)
    except NoSuchKernel:
        pytest.fail(
            f"No Jupyter kernelspec named {KERNEL!r}, so the notebook cannot run. Install one with "
            "`python -m ipykernel install --sys-prefix` (ipykernel is in the 'dev' extra).",
            pytrace=False,
        )


def _text_outputs(nb) -> str:
    texts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if "text" in output:
                texts.append(output["text"])
            for mime in ("text/plain", "text/html", "text/markdown"):
                if mime in output.get("data", {}):
                    texts.append(output["data"][mime])
    return "\n".join(texts)


def test_notebook_is_saved_clean():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert nb.nbformat == 4
    dirty = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code" and (cell.outputs or cell.execution_count)]
    assert not dirty, f"clear the outputs of {NOTEBOOK.name} before committing (code cells {dirty})"
    source = _first_code_cell(nb).source
    for name in PARAMETER_NAMES:
        assert f"{name} =" in source, f"the first code cell must hold the parameters; {name} is missing"


def test_notebook_runs_on_a_sample(monkeypatch):
    _require_kernel()
    monkeypatch.setenv("MPLBACKEND", "Agg")  # the kernel inherits this environment
    nb = nbformat.read(NOTEBOOK, as_version=4)
    _first_code_cell(nb).source = PARAMETERS

    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name=KERNEL, resources={"metadata": {"path": str(NOTEBOOK_DIR)}}
    )
    client.execute()  # raises CellExecutionError, with the failing cell and traceback, on any error

    errors = [o for cell in nb.cells for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    text = _text_outputs(nb)
    assert "ECE" in text
    assert "40 gold pairs" in text
    images = sum("image/png" in o.get("data", {}) for cell in nb.cells for o in cell.get("outputs", []))
    assert images >= 3, f"expected the notebook's plots as inline images, got {images}"
