"""Results spilled to disk as they arrive, and the tables built from them one at a time.

A batch with an output folder does not keep every row in memory until the end: every
`batch_docs` documents, the rows collected so far are written to part files (one per table
and batch) in a private folder beside the output folder (removed at the end; a killed run's
folder is removed by the next run, like a staging folder). At the end each table is read back
from its parts alone, put in the same order as an in-memory run (documents sorted by path,
duplicates and failures left out), written, and dropped before the next one: memory holds the
documents table, the tables the run components read (citations for the catalog and links) and
one other table at a time, instead of every row of every table.

Part files are pickles written and read by this process only, in a folder created with
private permissions.
"""

from __future__ import annotations

import contextlib
import pickle
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from kehoach.export.writer import Output

BATCH_DOCS = 200


class Spill:
    def __init__(self, parent: Path, prefix: str, batch_docs: int = BATCH_DOCS) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
        self.batch_docs = batch_docs
        self._docs: list[tuple[str, dict[str, Any], dict[str, Any] | None, int]] = []
        self._rows: dict[str, list[tuple[str, list[dict[str, Any]]]]] = {}
        self._parts: dict[str, list[Path]] = {}
        self._n = 0
        self._batch = 0

    def add(self, path: str, document: dict[str, Any], error: dict[str, Any] | None,
            tables: dict[str, list[dict[str, Any]]]) -> None:
        self._docs.append((path, document, error, len(tables.get("citations", []))))
        if error is None:
            for table, rows in tables.items():
                if rows:
                    self._rows.setdefault(table, []).append((path, rows))
        self._n += 1
        if self._n % self.batch_docs == 0:
            self.flush()

    def flush(self) -> None:
        items: list[tuple[str, Any]] = [("__documents__", self._docs), *self._rows.items()]
        for table, data in items:
            if not data:
                continue
            part = self.folder / f"{table}.{self._batch:06d}.pkl"
            with open(part, "wb") as fh:
                pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
            self._parts.setdefault(table, []).append(part)
        self._batch += 1
        self._docs, self._rows = [], {}

    def _load(self, table: str) -> Iterator[Any]:
        for part in self._parts.get(table, []):
            with open(part, "rb") as fh:
                yield from pickle.load(fh)

    def documents(self) -> list[tuple[str, dict[str, Any], dict[str, Any] | None, int]]:
        self.flush()
        return sorted(self._load("__documents__"), key=lambda d: d[0])

    def tables(self) -> list[str]:
        self.flush()
        return sorted(t for t in self._parts if t != "__documents__")

    def rows(self, table: str, keep: set[str]) -> list[dict[str, Any]]:
        """Rows of `table` of the documents in `keep`, in path order."""
        pairs = sorted((p for p in self._load(table) if p[0] in keep), key=lambda p: p[0])
        return [row for _, rows in pairs for row in rows]

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


class LazyTables(Mapping[str, pd.DataFrame]):
    """The tables of a run, each built from the spill when first asked for. Tables read by
    the run components (or set by them) stay loaded; others are built for one use."""

    def __init__(self, spill: Spill, keep: set[str], names: list[str],
                 loaded: dict[str, pd.DataFrame]) -> None:
        self.spill = spill
        self.keep = keep
        self.names = names
        self.loaded = loaded
        self.sticky = True  # while the run components run

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name in self.loaded:
            return self.loaded[name]
        if name not in self.names:
            raise KeyError(name)
        df = pd.DataFrame(self.spill.rows(name, self.keep))
        if self.sticky:
            self.loaded[name] = df
        return df

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*self.names, *self.loaded]))

    def __len__(self) -> int:
        return len(set(self.names) | set(self.loaded))

    def update(self, other: Mapping[str, pd.DataFrame]) -> None:
        self.loaded.update(other)


@contextlib.contextmanager
def spilling(output: Output, batch_docs: int | None = None) -> Iterator[Spill]:
    """A spill folder where `output` puts its staging folders, named like them: a killed
    run's spill is cleaned up the same way."""
    spill = Spill(output.scratch, output._stage_prefix() + "spill-", batch_docs or BATCH_DOCS)
    try:
        yield spill
    finally:
        spill.close()
