"""Results staged on disk as they arrive, and the tables rebuilt from them in bounded memory.

A batch with an output folder does not keep rows in memory: each result goes to a private
SQLite staging database (in a folder beside the output folder, removed at the end; a killed
run's folder is removed by the next run, like a staging folder), in batches of `batch_docs`
documents. What a run stage reads of each document (`Derived`: the catalog's fields, a
citation's relation) is made then too, by the thread that stores the results (kehoach.run),
while the workers go on. At the end:

- the documents are ordered by path (an index, not a sort in memory) and duplicates (a later
  file with the content of an earlier one) are marked by SQL;
- every table is a `Source`: its rows read back in the order of an in-memory run (documents
  sorted by path, duplicates and failures left out), as DataFrame chunks of a fixed number of
  rows (the writers read each table once, for CSV, Parquet and kehoach.sqlite together);
- the cross-document tables (kehoach.resolve.catalog, kehoach.resolve.links) sort and join
  their derived rows inside the same database and stage their output there too.

So the parent holds one batch of results, one chunk of rows and one group of a table at a
time, whatever the size of the corpus. The rows are pickled: the database is written and read
by this process only, in a folder created with private permissions.
"""

from __future__ import annotations

import contextlib
import inspect
import itertools
import pickle
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from kehoach.export.writer import Output

BATCH_DOCS = 200
CHUNK_ROWS = 5000  # rows per DataFrame chunk (and per Parquet row group): see kehoach.export.writer
PART_ROWS = 1000  # rows of a chunk turned into Python values at a time (CSV cells, database rows)

_DUMP = pickle.HIGHEST_PROTOCOL


def path_key(path: str) -> bytes:
    """Sort key of a path: UTF-8 bytes sort like Python's code-point order of the string
    (surrogate escapes of undecodable names included)."""
    return path.encode("utf-8", "surrogatepass")


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            out, batch = batch, []
            yield out  # held by the caller only
    if batch:
        yield batch


def chunks_of(table: Any, size: int | None = None) -> Iterator[pd.DataFrame]:
    """A table (a DataFrame, a Source or None) as DataFrames of `size` rows, the last one
    shorter; nothing for an empty table. Writers take every table this way, so a table read
    back from the staging database and the same table in memory are written alike."""
    size = size or CHUNK_ROWS
    if table is None:
        return
    if isinstance(table, pd.DataFrame):
        for start in range(0, len(table), size):
            yield table.iloc[start:start + size]
    else:
        yield from table.chunks(size)


class Source:
    """A table of the run that is read back (not held): `rows()` each time it is asked,
    `chunks()` as DataFrames of `size` rows (the last one shorter)."""

    def __init__(self, spill: Spill, rows: Callable[[], Iterator[dict[str, Any]]], count: Callable[[], int],
                 columns: list[str] | None = None, table: str | None = None) -> None:
        self.spill = spill
        self._rows = rows
        self._count = count
        self.columns = columns
        self.table = table  # the spilled table of the documents' results it reads, if it is one
        self._takes_columns = "columns" in inspect.signature(rows).parameters

    def rows(self, columns: list[str] | None = None) -> Iterator[dict[str, Any]]:
        """The rows; `columns`: the columns the caller reads (a hint: a source read back from
        a file then reads only those; others give every column)."""
        if columns is not None and self._takes_columns:
            return self._rows(columns)  # type: ignore[call-arg]
        return self._rows()

    def chunks(self, size: int | None = None) -> Iterator[pd.DataFrame]:
        for batch in batched(self._rows(), size or CHUNK_ROWS):
            df = pd.DataFrame(batch, columns=self.columns) if self.columns else pd.DataFrame(batch)
            batch.clear()  # the rows are in the frame now: not held while it is written
            yield df

    def frame(self) -> pd.DataFrame:
        """The whole table in memory (for small runs and tests)."""
        return pd.DataFrame(list(self._rows()), columns=self.columns)

    def __len__(self) -> int:
        return self._count()

    @property
    def empty(self) -> bool:
        return len(self) == 0


@dataclass(frozen=True)
class Derived:
    """Rows a run stage (kehoach.resolve) makes of each document's own rows, with no need of
    the other documents: `make(tables of one document)` gives tuples of `columns`. Registered
    before the results arrive (`Spill.derive`), they are made as each result is stored (by the
    thread that stores results, while the workers go on) into table `name` of the staging
    database, with the document's `seq` and the row's index `i`; the stage reads them at the
    end (`Spill.derived_rows`) instead of working through every row of `needs` then."""

    name: str
    columns: tuple[str, ...]
    make: Callable[[dict[str, list[dict[str, Any]]]], list[tuple[Any, ...]]]
    needs: tuple[str, ...] = ("citations",)


# the page cache of the staging database: SQLite's default size. Only a large corpus fills
# a cache (its sorts and joins at the end too): a larger one made memory grow with the corpus
# (16 MB: +12 MB of the peak from 1,000 to 10,000 documents). Pages beyond it are read back
# from the system's file cache, which is not this process's memory.
CACHE_KB = 2000


class Spill:
    def __init__(self, parent: Path, prefix: str, batch_docs: int = BATCH_DOCS) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
        self.batch_docs = batch_docs
        # written by the thread that stores the results while they arrive (kehoach.run.Storing),
        # read by the parent after: one thread at a time
        self.con = sqlite3.connect(self.folder / "staging.sqlite", isolation_level=None, check_same_thread=False)
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "temp_store = FILE", f"cache_size = -{CACHE_KB}"):
            self.con.execute(f"PRAGMA {pragma}")
        self.con.executescript("""
            CREATE TABLE docs (seq INTEGER PRIMARY KEY, key BLOB, sha TEXT, ok INTEGER, discover INTEGER,
                               n_citations INTEGER, kept INTEGER DEFAULT 0, blob BLOB);
            CREATE TABLE rows (tbl TEXT, seq INTEGER, n INTEGER, blob BLOB);
            CREATE TABLE derived (tbl TEXT, part INTEGER, n INTEGER, blob BLOB, PRIMARY KEY (tbl, part));
        """)
        self._docs: list[tuple[Any, ...]] = []
        self._rows: list[tuple[Any, ...]] = []
        self._made: dict[str, list[tuple[Any, ...]]] = {}
        self.derivations: dict[str, Derived] = {}
        self._seq = 0
        self._final = False
        # off when the documents' rows are written as they arrive (kehoach.export.stream):
        # then only what the run stages need (documents, errors, derived rows) is staged
        self.keep_rows = True

    def derive(self, spec: Derived) -> None:
        """Make `spec`'s rows of each document as its result is stored (before any result)."""
        if self._seq == 0 and spec.name not in self.derivations:
            self._create(spec)
            self.derivations[spec.name] = spec
            self._made[spec.name] = []

    def _create(self, spec: Derived) -> None:
        cols = ", ".join(f'"{c}"' for c in spec.columns)
        self.con.execute(f'CREATE TABLE "{spec.name}" (seq INTEGER, i INTEGER, {cols})')

    # -- while results arrive ------------------------------------------------------------
    def add(self, path: str, document: dict[str, Any], error: dict[str, Any] | None,
            tables: dict[str, list[dict[str, Any]]]) -> int:
        """Stage one result; its number (`seq`, in the order of arrival)."""
        seq = self._seq
        self._seq += 1
        ok = error is None
        sha = document.get("sha256") if ok else None
        keep = self.keep_rows
        self._docs.append((seq, path_key(path), sha if isinstance(sha, str) else None, int(ok),
                           int(not ok and error.get("stage") == "discover"),  # type: ignore[union-attr]
                           len(tables.get("citations", [])),
                           pickle.dumps((path, document, error), _DUMP) if keep or not ok else None))
        if ok:
            if keep:
                for table, rows in tables.items():
                    if rows:
                        self._rows.append((table, seq, len(rows), pickle.dumps(rows, _DUMP)))
            for name, spec in self.derivations.items():
                self._made[name] += [(seq, i, *row) for i, row in enumerate(spec.make(tables))]
        if len(self._docs) >= self.batch_docs:
            self.flush()
        return seq

    def flush(self) -> None:
        if not self._docs and not self._rows:
            return
        with self.transaction():
            self.con.executemany("INSERT INTO docs (seq, key, sha, ok, discover, n_citations, blob) "
                                 "VALUES (?, ?, ?, ?, ?, ?, ?)", self._docs)
            self.con.executemany("INSERT INTO rows VALUES (?, ?, ?, ?)", self._rows)
            for name, made in self._made.items():
                if made:
                    self._insert(self.derivations[name], made)
        self._docs, self._rows = [], []
        self._made = {name: [] for name in self._made}

    def _insert(self, spec: Derived, rows: list[tuple[Any, ...]]) -> None:
        marks = ", ".join("?" for _ in range(len(spec.columns) + 2))
        self.con.executemany(f'INSERT INTO "{spec.name}" VALUES ({marks})', rows)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        self.con.execute("BEGIN")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    # -- at the end ----------------------------------------------------------------------
    def finish(self) -> None:
        """Order the documents by path and mark the first of each content (in path order)."""
        if self._final:
            return
        self.flush()
        self.con.executescript("""
            BEGIN;
            CREATE INDEX docs_order ON docs (key, seq);
            CREATE INDEX docs_sha ON docs (sha, key, seq) WHERE ok = 1;
            UPDATE docs SET kept = 1 WHERE ok = 1 AND (sha IS NULL OR seq = (
                SELECT d.seq FROM docs d WHERE d.ok = 1 AND d.sha = docs.sha ORDER BY d.key, d.seq LIMIT 1));
            CREATE TABLE kept (ord INTEGER PRIMARY KEY, seq INTEGER);
            INSERT INTO kept (seq) SELECT seq FROM docs WHERE kept = 1 ORDER BY key, seq;
            CREATE INDEX kept_seq ON kept (seq, ord);
            CREATE INDEX rows_seq ON rows (seq, tbl);
            COMMIT;
        """)
        self._final = True

    def counts(self) -> tuple[int, int, int, int]:
        """(documents, ok, duplicates, errors)."""
        self.finish()
        n, kept, ok = self.con.execute("SELECT count(*), coalesce(sum(kept), 0), coalesce(sum(ok), 0) "
                                       "FROM docs").fetchone()
        return n, kept, ok - kept, n - ok

    def entries(self) -> Iterator[tuple[str, dict[str, Any], dict[str, Any] | None, int, str | None]]:
        """(path, document, error, n_citations, first path of the same content when a
        duplicate) in path order."""
        self.finish()
        cur = self.con.execute("SELECT blob, ok, kept, sha, n_citations FROM docs ORDER BY key, seq")
        for blob, ok, kept, sha, n_citations in cur:
            path, document, error = pickle.loads(blob)
            first = None
            if ok and not kept:
                (fblob,) = self.con.execute("SELECT blob FROM docs WHERE ok = 1 AND sha = ? ORDER BY key, seq "
                                            "LIMIT 1", (sha,)).fetchone()
                first = pickle.loads(fblob)[0]
            yield path, document, error, n_citations, first

    def error_rows(self) -> Iterator[dict[str, Any]]:
        self.finish()
        for (blob,) in self.con.execute("SELECT blob FROM docs WHERE ok = 0 ORDER BY key, seq"):
            yield pickle.loads(blob)[2]

    def n_listed(self) -> int:
        """Rows of documents.csv: every result but failures of the folder search."""
        self.finish()
        return self.con.execute("SELECT count(*) FROM docs WHERE discover = 0").fetchone()[0]

    def tables(self) -> list[str]:
        self.flush()
        return [t for (t,) in self.con.execute("SELECT DISTINCT tbl FROM rows ORDER BY tbl")]

    def rows(self, table: str) -> Iterator[dict[str, Any]]:
        """Rows of `table` of the kept documents, in path order."""
        self.finish()
        cur = self.con.execute("SELECT r.blob FROM kept k JOIN rows r ON r.seq = k.seq AND r.tbl = ? "
                               "ORDER BY k.ord", (table,))
        for (blob,) in cur:
            yield from pickle.loads(blob)

    def derived_rows(self, spec: Derived) -> str:
        """The name of the table of `spec`'s rows for every kept document (joined with `kept`
        on `seq` gives them in path order): made while the results arrived when `derive` was
        called before them, else now from the stored rows."""
        self.finish()
        if self.derivations.get(spec.name) is not spec:
            self.con.execute(f'DROP TABLE IF EXISTS "{spec.name}"')
            self._create(spec)
            marks = ", ".join("?" for _ in spec.needs)
            cur = self.con.execute(f"SELECT k.seq, r.tbl, r.blob FROM kept k JOIN rows r ON r.seq = k.seq "
                                   f"AND r.tbl IN ({marks}) ORDER BY k.ord", spec.needs)

            def made() -> Iterator[tuple[Any, ...]]:
                seq, tables = None, {}
                for s, tbl, blob in itertools.chain(cur, [(None, None, None)]):
                    if s != seq and seq is not None:
                        yield from ((seq, i, *row) for i, row in enumerate(spec.make(tables)))
                        tables = {}
                    seq = s
                    if tbl is not None:
                        tables[tbl] = pickle.loads(blob)

            for batch in batched(made(), 5000):
                with self.transaction():
                    self._insert(spec, batch)
            self.derivations[spec.name] = spec
        return spec.name

    def count(self, table: str) -> int:
        self.finish()
        return self.con.execute("SELECT coalesce(sum(r.n), 0) FROM kept k JOIN rows r ON r.seq = k.seq "
                                "AND r.tbl = ?", (table,)).fetchone()[0]

    def source(self, table: str) -> Source:
        return Source(self, lambda: self.rows(table), lambda: self.count(table), table=table)

    # -- tables made at the end (catalog, links) -----------------------------------------
    def put(self, table: str, rows: Iterable[dict[str, Any]], columns: list[str] | None = None,
            part_rows: int = 2000, part_chars: int = 1_000_000) -> Source:
        """Stage the rows of a table made at the end (in order) and return it as a Source.
        A part holds `part_rows` rows, or fewer when their text passes `part_chars` (a row of
        the catalog lists every document citing its instrument)."""
        self.con.execute("DELETE FROM derived WHERE tbl = ?", (table,))
        batch: list[dict[str, Any]] = []
        chars = part = 0
        for row in itertools.chain(rows, [None]):
            if row is not None:
                batch.append(row)
                chars += sum(len(v) for v in row.values() if isinstance(v, str))
            if batch and (row is None or len(batch) >= part_rows or chars >= part_chars):
                self.con.execute("INSERT INTO derived VALUES (?, ?, ?, ?)",
                                 (table, part, len(batch), pickle.dumps(batch, _DUMP)))
                batch, chars, part = [], 0, part + 1
        return Source(self, lambda: self.derived(table), lambda: self.derived_count(table), columns)

    def derived(self, table: str) -> Iterator[dict[str, Any]]:
        for (blob,) in self.con.execute("SELECT blob FROM derived WHERE tbl = ? ORDER BY part", (table,)):
            yield from pickle.loads(blob)

    def derived_count(self, table: str) -> int:
        return self.con.execute("SELECT coalesce(sum(n), 0) FROM derived WHERE tbl = ?", (table,)).fetchone()[0]

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.con.close()
        shutil.rmtree(self.folder, ignore_errors=True)


class Staged(Mapping[str, Any]):
    """The tables of a run as Sources (documents, errors, every spilled table, and what the
    run components add)."""

    def __init__(self, spill: Spill, given: dict[str, Any]) -> None:
        self.spill = spill
        self.given = dict(given)
        self.names = spill.tables()
        # tables written into the new output set already, as the results came (their files,
        # by name), with their rows in the database `db` (kehoach.export.stream)
        self.done: dict[str, list[Path]] | None = None
        self.db: Any = None

    def __getitem__(self, name: str) -> Any:
        if name in self.given:
            return self.given[name]
        if name not in self.names:
            raise KeyError(name)
        return self.spill.source(name)

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*self.names, *self.given]))

    def __len__(self) -> int:
        return len(set(self.names) | set(self.given))

    def update(self, other: Mapping[str, Any]) -> None:
        self.given.update(other)


@contextlib.contextmanager
def spilling(output: Output, batch_docs: int | None = None) -> Iterator[Spill]:
    """A spill folder where `output` puts its staging folders, named like them: a killed
    run's spill is cleaned up the same way."""
    spill = Spill(output.scratch, output._stage_prefix() + "spill-", batch_docs or BATCH_DOCS)
    try:
        yield spill
    finally:
        spill.close()
