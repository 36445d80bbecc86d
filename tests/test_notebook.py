"""experiments/compare_policies.ipynb runs from top to bottom against a small sweep."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient
from presenting import small_sweep

NOTEBOOK = Path(__file__).resolve().parents[1] / "experiments" / "compare_policies.ipynb"


def test_compare_policies_notebook(tmp_path, monkeypatch):
    sweep = small_sweep()
    monkeypatch.setenv("SKILLSIM_SWEEP", str(sweep))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()  # raises CellExecutionError, with the cell and traceback, on any error
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 7, "the notebook should draw the main figures"
    text = "".join(o.get("text", "") for o in outputs)
    assert "runs," in text and str(sweep / "report.html") in text
    assert (sweep / "report.html").is_file()
