"""Clear the outputs of notebooks before committing: python notebooks/strip_outputs.py [FILES...]"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat


def strip(path: Path) -> bool:
    nb = nbformat.read(path, as_version=4)
    changed = False
    for cell in nb.cells:
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None):
            cell.outputs, cell.execution_count, changed = [], None, True
    if changed:
        nbformat.write(nb, path)
    return changed


if __name__ == "__main__":
    files = [Path(a) for a in sys.argv[1:]] or sorted(Path(__file__).parent.glob("*.ipynb"))
    for f in files:
        print(f"{f}: {'stripped' if strip(f) else 'clean'}")
