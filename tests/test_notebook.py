"""notebooks/compare_provinces.ipynb runs from top to bottom (nbclient) and is kept without outputs."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "compare_provinces.ipynb"


def test_notebook_outputs_stripped() -> None:
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"cell {cell.id} keeps outputs"


def test_notebook_executes(dev_out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient", reason="nbclient not installed (pip install -e '.[dev]')")
    pytest.importorskip("ipykernel", reason="ipykernel not installed (pip install -e '.[dev]')")
    monkeypatch.setenv("KEHOACH_OUT", str(dev_out))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(ROOT / "notebooks")}})
    client.execute()  # raises CellExecutionError with the failing cell's traceback
    text = "\n".join(out.get("text", "") for cell in nb.cells if cell.cell_type == "code"
                     for out in cell.outputs if out.get("output_type") == "stream")
    assert f"{dev_out}: 5 plans" in text
    assert "plans cite 76/NQ-CP" in text
