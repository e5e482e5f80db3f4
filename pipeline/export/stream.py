"""The tables of one document each, written while the results arrive, in document order.

A batch with an output folder writes the final CSV, Parquet and kehoach.sqlite rows of every
table that depends on one document only (documents, errors, citations, bodies, deadlines,
channels, recipients) into the new output set (its staging folder, kehoach.export.writer.
Output) as each result is stored (by the thread that stores results, kehoach.run.Storing), so
that after the last result only the tables made across documents (kehoach.resolve.catalog,
kehoach.resolve.links), the indexes of kehoach.sqlite, datapackage.json and the switch of the
folder remain.

The rows are written in the order of an in-memory run: documents sorted by path. Every path
the batch will give a result for is known beforehand (`order`), so each result has its place
(`slot`). Results can come out of order (several workers, Dask, cache hits before the
documents processed): one that is not the next in order waits, up to `window` of them in
memory and the rest in the staging database (kehoach.export.parts.Spill), and is written when
every document before it has been. A duplicate (the same content as a document before it in
path order) is found in a table of the staging database, not in memory. So memory holds the
window and one chunk of rows per table, whatever the size of the corpus; what grows is
pyarrow's record of each row group written (about 0.9 KB a column chunk, kept until the
file's footer is written at `close`).

The chunks are those of a table read back at the end (CHUNK_ROWS rows of each table, in
order): the files have the same bytes.
"""

from __future__ import annotations

import itertools
import pickle
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from kehoach.export import parts
from kehoach.export.parts import Source, Spill
from kehoach.export.sqlite import Database
from kehoach.export.writer import TableWriter, release_memory
from kehoach.pathlist import PathList

WINDOW = 8  # results held in memory while an earlier one is awaited; the rest wait on disk
# documents written between two calls of release_memory: the C heap keeps what a long run
# frees (the rows of each result, the chunks written) in holes it does not give back by
# itself, so that a run's memory would grow with its length (about 10 ms a call)
RELEASE_DOCS = 1000

_DUMP = pickle.HIGHEST_PROTOCOL

Item = tuple[int, str, dict[str, Any], "dict[str, Any] | None", dict[str, list[dict[str, Any]]]]


class Stream:
    """Writes the tables of `names` (with "documents" and "errors") into `folder` and its
    kehoach.sqlite (`db`, finished by the caller) as results come (`add`), in the order of
    `order`: every path a result will come for, sorted (a path given twice has two places,
    taken in the order the results come)."""

    def __init__(self, folder: Path, spill: Spill, order: Sequence[str], names: list[str], excel: bool = False,
                 window: int | None = None) -> None:
        self.folder = Path(folder)
        self.spill = spill
        self.con = spill.con
        self.order = order if isinstance(order, PathList) else PathList(order)
        self.repeats = {p: 0 for p, q in itertools.pairwise(order) if p == q}
        self.window = WINDOW if window is None else window
        self.next = 0  # the place of the next result to write
        self.extra = len(order)  # places of results for paths not in `order` (written last)
        self.ram: dict[int, Item] = {}
        self.on_disk = 0
        self.released = 0  # release_memory was last called after this many thousand documents
        self.counts: dict[str, int] = {}
        self.done: dict[str, list[Path]] | None = None
        self.shown = str(folder)  # the output folder as the user named it (for messages)
        self.con.executescript("""
            CREATE TABLE IF NOT EXISTS stream_first (sha TEXT PRIMARY KEY, path TEXT) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS stream_waiting (slot INTEGER PRIMARY KEY, item BLOB);
        """)
        self.db = Database(self.folder)
        self.writers: dict[str, TableWriter] = {}
        try:
            for name in sorted({"documents", "errors", *names}):
                self.writers[name] = TableWriter(self.folder, name, excel, self.db)
        except BaseException:
            self.abort()
            raise
        self.documents, self.errors = self.writers["documents"], self.writers["errors"]

    # -- while results arrive ------------------------------------------------------------
    def add(self, seq: int, path: str, document: dict[str, Any], error: dict[str, Any] | None,
            tables: dict[str, list[dict[str, Any]]]) -> None:
        """One result (`seq`: its number in the staging database): written now if every
        document before it has been, else held until then."""
        slot = self.slot(path)
        item: Item = (seq, path, document, error, tables)
        if slot != self.next:
            self._hold(slot, item)
            return
        self._write(item)
        self.next += 1
        self._drain()
        if self.next // RELEASE_DOCS != self.released:
            self.released = self.next // RELEASE_DOCS
            release_memory()

    def slot(self, path: str) -> int:
        order = self.order
        i = order.find(path)
        if i >= 0:
            k = self.repeats.get(path)
            if k is None:
                return i
            self.repeats[path] = k + 1
            if i + k < len(order) and order[i + k] == path:
                return i + k
        self.extra += 1
        return self.extra - 1

    def _hold(self, slot: int, item: Item) -> None:
        self.ram[slot] = item
        if len(self.ram) > self.window:  # the one awaited longest goes to disk
            far = max(self.ram)
            self.con.execute("INSERT INTO stream_waiting VALUES (?, ?)",
                             (far, pickle.dumps(self.ram.pop(far), _DUMP)))
            self.on_disk += 1

    def _take(self, slot: int) -> Item | None:
        item = self.ram.pop(slot, None)
        if item is None and self.on_disk:
            row = self.con.execute("SELECT item FROM stream_waiting WHERE slot = ?", (slot,)).fetchone()
            if row is not None:
                self.con.execute("DELETE FROM stream_waiting WHERE slot = ?", (slot,))
                self.on_disk -= 1
                item = pickle.loads(row[0])
        return item

    def _drain(self) -> None:
        while (item := self._take(self.next)) is not None:
            self._write(item)
            self.next += 1

    def _first(self, sha: str, path: str) -> str | None:
        """The path of the first document (in path order) with content `sha`, when it is not
        `path`: the documents come in path order, so the first one written."""
        if self.con.execute("INSERT OR IGNORE INTO stream_first VALUES (?, ?)", (sha, path)).rowcount == 1:
            return None
        return self.con.execute("SELECT path FROM stream_first WHERE sha = ?", (sha,)).fetchone()[0]

    def _write(self, item: Item) -> None:
        """The rows of one result, as kehoach.run._combine makes them."""
        _, _, document, error, tables = item
        doc = dict(document)
        if error is None:
            sha = document.get("sha256")
            first = self._first(sha, item[1]) if isinstance(sha, str) else None
            if first is not None:
                doc.update(status="duplicate", error=f"duplicate: same content as {first}")
            else:
                doc["n_citations"] = len(tables.get("citations", []))
                writers, counts = self.writers, self.counts
                for name, rows in tables.items():
                    if rows and name in writers and name not in ("documents", "errors"):
                        writers[name].add(rows)
                        counts[name] = counts.get(name, 0) + len(rows)
            self.documents.add([doc])
        else:
            if error.get("stage") != "discover":
                self.documents.add([doc])
            self.errors.add([error])

    # -- at the end ----------------------------------------------------------------------
    def close(self) -> dict[str, list[Path]]:
        """Write what still waits (after a gap: a result that never came), close the tables:
        their files by table name."""
        if self.done is None:
            while self.ram or self.on_disk:
                waiting = [min(self.ram)] if self.ram else []
                if self.on_disk:
                    waiting.append(self.con.execute("SELECT min(slot) FROM stream_waiting").fetchone()[0])
                self.next = min(waiting)
                self._drain()
            done = {}
            for name, w in self.writers.items():
                done[name] = w.close()
            self.done = done
            release_memory()
        return self.done

    def abort(self) -> None:
        """Give up: files closed, the database removed (the caller removes the folder)."""
        for w in self.writers.values():
            w.abort()
        self.db.close()

    def count(self, name: str) -> int:
        return self.counts.get(name, 0) if name not in ("documents", "errors") else self.writers[name].n

    def source(self, name: str) -> Source:
        """A table written (after `close`), read back from its Parquet file when asked."""
        path = self.folder / f"{name}.parquet"

        def rows(columns: list[str] | None = None) -> Iterator[dict[str, Any]]:
            for batch in pq.ParquetFile(path).iter_batches(batch_size=parts.PART_ROWS, columns=columns):
                yield from batch.to_pylist()

        return Source(self.spill, rows, lambda: self.count(name), table=name)
