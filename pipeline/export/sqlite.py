"""Write every output table into one SQLite database, kehoach.sqlite, for SQL and BI tools.

Datasette, Metabase and Superset open the file as it is: every table of models/schema with
typed columns, primary keys, foreign keys to `documents` and `instruments`, indexes on the
join columns, and views for the usual questions (`plan_instruments`, `province_instruments`,
`province_channels`, `body_assignments`).

The key of a plan is `doc_id`. documents.csv has one row per input *file* (a file that could
not be read has no doc_id; a second copy of a file repeats the doc_id of the first), so here
`documents` keeps one row per doc_id (the first file with that content) and `files` lists
every input file (source_path, doc_id, status, error) as documents.csv does.

The database is built in a temporary file in the output folder and moved into place, so an
interrupted run leaves the previous database untouched.
"""

from __future__ import annotations

import os
import pickle
import sqlite3
import tempfile
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from kehoach.export.parts import chunks_of
from kehoach.export.schema import SCHEMA_VERSION, schemas

DB_NAME = "kehoach.sqlite"

_SQL_TYPES = {"integer": "INTEGER", "number": "REAL", "boolean": "INTEGER"}

# Primary keys (beyond the schema's own): a plan is doc_id; a mention is doc_id + offsets
# (+ what tells two rows on one span apart: a body mention can be lead and requested, a list
# of dates in one phrase is one row per date).
PRIMARY_KEYS: dict[str, list[str]] = {
    "documents": ["doc_id"],
    "files": ["source_path"],
    "instruments": ["instrument_key"],
    "citations": ["doc_id", "start", "end"],
    "links": ["doc_id", "instrument_key"],
    "recipients": ["doc_id", "start", "end"],
    "channels": ["doc_id", "start", "end", "channel"],
    "bodies": ["doc_id", "start", "end", "role"],
    "deadlines": ["doc_id", "start", "end", "date", "recurrence"],
}

# (table, column) -> (parent table, parent column)
FOREIGN_KEYS: dict[tuple[str, str], tuple[str, str]] = {
    ("files", "doc_id"): ("documents", "doc_id"),
    ("errors", "doc_id"): ("documents", "doc_id"),
    ("citations", "doc_id"): ("documents", "doc_id"),
    ("citations", "instrument_key"): ("instruments", "instrument_key"),
    ("links", "doc_id"): ("documents", "doc_id"),
    ("links", "instrument_key"): ("instruments", "instrument_key"),
    ("links", "linked_doc_id"): ("documents", "doc_id"),
    ("recipients", "doc_id"): ("documents", "doc_id"),
    ("channels", "doc_id"): ("documents", "doc_id"),
    ("bodies", "doc_id"): ("documents", "doc_id"),
    ("deadlines", "doc_id"): ("documents", "doc_id"),
}

# Columns users filter and group by (foreign-key columns are indexed anyway).
EXTRA_INDEXES: dict[str, list[str]] = {
    "documents": ["province_current", "province", "issuer_level", "doc_type"],
    "instruments": ["instrument_id"],
    "citations": ["instrument_id"],
    "channels": ["channel"],
    "bodies": ["body_type", "role", "body_norm"],
    "deadlines": ["date"],
}

_FILE_COLUMNS = ["source_path", "doc_id", "sha256", "status", "error"]

VIEWS: dict[str, str] = {
    # one row per (plan, cited instrument): how often, whether in the legal basis, the relation
    "plan_instruments": """
        SELECT c.doc_id, d.province_current, d.province, d.issuer, d.issuer_level, d.doc_number,
               d.issue_date, d.title,
               c.instrument_key, i.instrument_id, i.name, i.type, i.year, i.date, i.issuer AS instrument_issuer,
               COUNT(*) AS n_mentions, MAX(c.basis) AS basis, l.relation, l.linked_doc_id
        FROM citations c
        JOIN documents d ON d.doc_id = c.doc_id
        JOIN instruments i ON i.instrument_key = c.instrument_key
        LEFT JOIN links l ON l.doc_id = c.doc_id AND l.instrument_key = c.instrument_key
        GROUP BY c.doc_id, c.instrument_key""",
    # one row per (current province, instrument): how many of the province's plans cite it
    "province_instruments": """
        SELECT d.province_current, c.instrument_key, i.instrument_id, i.name, i.type, i.year,
               COUNT(DISTINCT c.doc_id) AS n_plans, COUNT(*) AS n_mentions
        FROM citations c
        JOIN documents d ON d.doc_id = c.doc_id
        JOIN instruments i ON i.instrument_key = c.instrument_key
        GROUP BY d.province_current, c.instrument_key""",
    # one row per (current province, channel): plans using it, mentions
    "province_channels": """
        SELECT d.province_current, ch.channel,
               COUNT(DISTINCT ch.doc_id) AS n_plans, COUNT(*) AS n_mentions
        FROM channels ch
        JOIN documents d ON d.doc_id = ch.doc_id
        GROUP BY d.province_current, ch.channel""",
    # one row per body with a role in a task, with the plan it is in and the deadlines of that task
    "body_assignments": """
        SELECT b.doc_id, d.province_current, d.issuer, d.issuer_level, d.doc_number, d.issue_date,
               b.body, b.body_norm, b.body_type, b.role, b.task, b.section, b.heading,
               (SELECT group_concat(DISTINCT COALESCE(dl.date, dl.recurrence)) FROM deadlines dl
                 WHERE dl.doc_id = b.doc_id AND dl.section = b.section) AS section_deadlines,
               b.start, b."end"
        FROM bodies b
        JOIN documents d ON d.doc_id = b.doc_id""",
}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _fields(table: str) -> list[dict[str, Any]]:
    if table == "files":
        by_name = {f["name"]: f for f in schemas()["documents"]["fields"]}
        return [by_name[c] for c in _FILE_COLUMNS]
    return list(schemas()[table]["fields"])


def _to_bool(v: Any) -> int:
    return int(v in ("True", "true", "1")) if isinstance(v, str) else int(bool(v))


def _to_int(v: Any) -> int:
    return int(float(v)) if isinstance(v, str | float) else int(v)  # "12", 12.0 (a column with gaps)


_CONVERT = {"integer": _to_int, "number": float, "boolean": _to_bool}


def _column(df: pd.DataFrame, name: str, kind: str, n: int, raw: dict[str, list[Any]] | None = None) -> list[Any]:
    """One column as plain Python values of the schema type, missing and empty values as None
    (an empty string is "no value": NULL, so an empty foreign key is no reference); `raw`:
    the columns of `df` as lists, when the caller has them already."""
    if name not in df.columns:
        return [None] * n
    values = raw[name] if raw is not None and name in raw else df[name].tolist()
    if kind == "integer":  # the common case, an int, is kept as it is
        return [v if type(v) is int else
                None if v is None or v is pd.NA or v != v or v == "" else _to_int(v) for v in values]
    if kind in _CONVERT:
        conv = _CONVERT[kind]
        return [None if v is None or v is pd.NA or v != v or v == "" else conv(v) for v in values]
    # strings (and ISO dates): the common case, a non-empty str, is kept as it is
    return [v if type(v) is str and v else
            None if v is None or v is pd.NA or v is pd.NaT or v != v or v == "" else str(v) for v in values]


def _rows(table: str, df: pd.DataFrame, raw: dict[str, list[Any]] | None = None) -> list[tuple[Any, ...]]:
    """The rows of one chunk of `table` in schema column order; `files` and `documents` from a
    chunk of documents."""
    fields = _fields(table)
    cols = [_column(df, f["name"], f["type"], len(df), raw) for f in fields]
    rows = list(zip(*cols, strict=True))
    if table == "documents":  # one row per plan: the first file with that content
        names = [f["name"] for f in fields]
        i_id, i_status = names.index("doc_id"), names.index("status")
        rows = [r for r in rows if r[i_id] is not None and r[i_status] != "duplicate"]
    return rows


def _create(table: str) -> str:
    fields = _fields(table)
    pk = PRIMARY_KEYS.get(table)
    lines = []
    for f in fields:
        col = f"{_q(f['name'])} {_SQL_TYPES.get(f['type'], 'TEXT')}"
        if pk and f["name"] in pk and len(pk) == 1:
            col += " NOT NULL"
        lines.append(col)
    if pk:
        lines.append(f"PRIMARY KEY ({', '.join(_q(c) for c in pk)})")
    for (child, col), (parent, pcol) in FOREIGN_KEYS.items():
        if child == table:
            lines.append(f"FOREIGN KEY ({_q(col)}) REFERENCES {_q(parent)} ({_q(pcol)})")
    return f"CREATE TABLE {_q(table)} (\n  " + ",\n  ".join(lines) + "\n)"


def table_order() -> list[str]:
    """The tables of the database in the order they are created: documents, instruments, the rest."""
    names = sorted({*schemas(), "files"} - {"documents", "instruments"})
    return ["documents", "instruments", *names]


class _NullKeys:
    """The keys with a NULL already inserted into one table (SQLite does not take them for
    repeats), held for the current value of the key's first column only (a document: its rows
    come together); the keys of earlier values are parked in a temporary table of the
    connection (on disk, not in kehoach.sqlite) and taken back if that value comes again. So
    memory holds one document's keys, not every key (a deadline row has no date or no
    recurrence: every key of `deadlines` has a NULL)."""

    def __init__(self, con: sqlite3.Connection, table: str) -> None:
        self.con, self.table = con, table
        self.group: bytes | None = None
        self.keys: set[tuple[Any, ...]] = set()

    def seen(self, key: tuple[Any, ...]) -> bool:
        """True when `key` repeats one given before (then it is not inserted)."""
        group = pickle.dumps(key[0], pickle.HIGHEST_PROTOCOL)
        if group != self.group:
            self._switch(group)
        if key in self.keys:
            return True
        self.keys.add(key)
        return False

    def _switch(self, group: bytes) -> None:
        con = self.con
        if self.group is None:
            con.execute("CREATE TEMP TABLE IF NOT EXISTS _null_keys (tbl TEXT, grp BLOB, keys BLOB, "
                        "PRIMARY KEY (tbl, grp))")
        elif self.keys:
            con.execute("INSERT OR REPLACE INTO temp._null_keys VALUES (?, ?, ?)",
                        (self.table, self.group, pickle.dumps(self.keys, pickle.HIGHEST_PROTOCOL)))
        row = con.execute("SELECT keys FROM temp._null_keys WHERE tbl = ? AND grp = ?", (self.table, group)).fetchone()
        self.group, self.keys = group, (pickle.loads(row[0]) if row else set())


class _Table:
    """The inserts into one table. A row repeating the primary key of an earlier one is left
    out (the first kept): by the database (INSERT OR IGNORE) for keys without NULL, here for
    keys with a NULL (which SQLite would not take for repeats; _NullKeys), so memory holds one
    chunk and one document's keys, not a set of every key."""

    def __init__(self, con: sqlite3.Connection, table: str) -> None:
        self.con, self.table = con, table
        fields = [f["name"] for f in _fields(table)]
        self.pk = PRIMARY_KEYS.get(table)
        self.idx = [fields.index(c) for c in self.pk] if self.pk else []
        self.sql = (f"INSERT OR IGNORE INTO {_q(table)} ({', '.join(_q(c) for c in fields)}) "
                    f"VALUES ({', '.join('?' for _ in fields)})")
        self.seen_null = _NullKeys(con, table)
        self.given = self.inserted = 0

    def insert(self, rows: list[tuple[Any, ...]]) -> None:
        if self.idx:
            kept = []
            for r in rows:
                key = tuple(r[i] for i in self.idx)
                if None in key and self.seen_null.seen(key):
                    continue
                kept.append(r)
            self.given += len(rows) - len(kept)
            rows = kept
        self.given += len(rows)
        cur = self.con.executemany(self.sql, rows)
        self.inserted += max(cur.rowcount, 0)

    def warn(self) -> None:
        if self.inserted < self.given and self.table != "documents":
            warnings.warn(f"kehoach.sqlite: {self.given - self.inserted} row(s) of {self.table} repeat the key "
                          f"{self.pk}; first kept", stacklevel=3)


class Database:
    """kehoach.sqlite built while the tables are written: `add` takes each chunk of a table
    as the CSV and Parquet writers get it (kehoach.export.parts.chunks_of), so every table is
    read back once for all three formats. Built in a temporary file in `out_dir` and moved
    into place by `finish` (one transaction, no journal: a private file until then)."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".kehoach-", suffix=".sqlite", dir=self.out_dir)
        os.close(fd)
        self.tmp = Path(tmp_name)
        # built by the thread that stores results as they arrive (kehoach.export.stream), then
        # finished by the parent: one thread at a time
        self.con: sqlite3.Connection | None = sqlite3.connect(self.tmp, check_same_thread=False)
        try:
            # a private file moved into place when complete: no journal, no fsync per statement
            self.con.execute("PRAGMA journal_mode = OFF")
            self.con.execute("PRAGMA synchronous = OFF")
            major, minor, patch = (int(x) for x in SCHEMA_VERSION.split("."))
            self.con.execute(f"PRAGMA user_version = {major * 10000 + minor * 100 + patch}")  # 1.2.3 -> 10203
            self.tables: dict[str, _Table] = {}
            self.indexed: set[tuple[str, str]] = set()
            for name in table_order():
                self.con.execute(_create(name))
                self.tables[name] = _Table(self.con, name)
        except BaseException:
            self.close()
            raise

    def add(self, table: str, df: pd.DataFrame, raw: dict[str, list[Any]] | None = None) -> None:
        """One chunk of `table` (a chunk of documents also gives the rows of `files`); `raw`:
        its columns as lists (`df[c].tolist()`), when the caller has them already."""
        if df.empty:
            return
        for name in ("documents", "files") if table == "documents" else (table,):
            if name in self.tables:
                self.tables[name].insert(_rows(name, df, raw))

    def add_values(self, table: str, cols: dict[str, list[Any]], n: int) -> None:
        """`n` rows of `table` given as columns of values of the schema type already (what
        `_column` makes of them: plain Python values, a missing or empty one None)."""
        if not n:
            return
        for name in ("documents", "files") if table == "documents" else (table,):
            if name in self.tables:
                fields = _fields(name)
                rows = list(zip(*[cols.get(f["name"]) or [None] * n for f in fields], strict=True))
                if name == "documents":  # one row per plan: the first file with that content
                    names = [f["name"] for f in fields]
                    i_id, i_status = names.index("doc_id"), names.index("status")
                    rows = [r for r in rows if r[i_id] is not None and r[i_status] != "duplicate"]
                self.tables[name].insert(rows)

    def index(self, tables: Iterable[str] | None = None) -> None:
        """The indexes of `tables` (every table: None), made now if not made yet. (Made before
        the rows, an index is kept up row by row: more CPU in all than building it after the
        inserts, as `finish` does.)"""
        con = self.con
        assert con is not None
        wanted = None if tables is None else set(tables) | ({"files"} if "documents" in set(tables) else set())
        indexed: set[tuple[str, str]] = set()
        for (child, col), _ in FOREIGN_KEYS.items():
            indexed.add((child, col))
        for table, cols in EXTRA_INDEXES.items():
            indexed.update((table, c) for c in cols)
        for table, col in sorted(indexed):
            if (wanted is None or table in wanted) and (table, col) not in self.indexed:
                con.execute(f"CREATE INDEX {_q(f'idx_{table}_{col}')} ON {_q(table)} ({_q(col)})")
                self.indexed.add((table, col))

    def finish(self) -> Path:
        """Indexes, views and metadata; the file moved into place (OUT/kehoach.sqlite)."""
        con = self.con
        assert con is not None
        try:
            for name in table_order():
                self.tables[name].warn()
            self.index()
            for name, sql in VIEWS.items():
                con.execute(f"CREATE VIEW {_q(name)} AS {sql.strip()}")
            con.execute("CREATE TABLE _meta (key TEXT PRIMARY KEY, value TEXT)")
            con.executemany("INSERT INTO _meta VALUES (?, ?)", [("schema_version", SCHEMA_VERSION)])
            con.commit()
            con.close()
            self.con = None
            target = self.out_dir / DB_NAME
            os.replace(self.tmp, target)
            return target
        finally:
            self.close()

    def close(self) -> None:
        """Give up (or after `finish`): the connection closed, the temporary file removed."""
        if self.con is not None:
            self.con.close()
            self.con = None
        self.tmp.unlink(missing_ok=True)

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_sqlite(tables: Mapping[str, Any], out_dir: Path) -> Path:
    """Write `tables` (name -> DataFrame, as exported to CSV) to OUT/kehoach.sqlite; return its path."""
    with Database(out_dir) as db:
        for name in table_order():
            if name != "files":  # made from the chunks of documents
                for df in chunks_of(tables.get(name)):
                    db.add(name, df)
        return db.finish()


def foreign_key_violations(path: Path) -> list[tuple[Any, ...]]:
    """Rows of PRAGMA foreign_key_check (empty when every reference holds)."""
    con = sqlite3.connect(path)
    try:
        return con.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        con.close()


def sqlite_from_csv(out_dir: Path) -> Path:
    """Build OUT/kehoach.sqlite from the CSV tables of an output folder (written before the
    database existed, or edited by hand)."""
    out_dir = Path(out_dir)
    tables = {}
    for name in schemas():
        path = out_dir / f"{name}.csv"
        if path.is_file():
            tables[name] = pd.read_csv(path, dtype=object, keep_default_na=False, encoding="utf-8-sig")
    return write_sqlite(tables, out_dir)
