"""Write every table of the schema as CSV + Parquet, and datapackage.json.

The set is written into a fresh folder beside the output folder and switched in with one
atomic rename (see Output), so an interrupted run never leaves a half-written table or a mix
of old and new tables. CSV cells that a spreadsheet would run as a formula are neutralized.
"""

from __future__ import annotations

import contextlib
import csv
import ctypes
import errno
import fcntl
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from kehoach import __version__
from kehoach.export import parts
from kehoach.export.parts import Source, chunks_of
from kehoach.export.schema import SCHEMA_VERSION, schemas
from kehoach.export.sqlite import Database

_PANDAS_TYPES = {"integer": "Int64", "number": "Float64", "boolean": "boolean"}


def conform(table: str, df: pd.DataFrame | None) -> pd.DataFrame:
    """Columns in schema order with schema types; a column the schema lacks is a bug."""
    spec = schemas()[table]
    names = [f["name"] for f in spec["fields"]]
    if df is None:
        df = pd.DataFrame(columns=names)
    extra = [c for c in df.columns if c not in names]
    if extra:
        raise ValueError(f"table {table}: columns {extra} are not in models/schema/{table}.yaml")
    df = df.reindex(columns=names)
    for field in spec["fields"]:
        name, kind = field["name"], field["type"]
        if kind in _PANDAS_TYPES:
            df[name] = df[name].astype(_PANDAS_TYPES[kind])
        else:
            df[name] = df[name].astype("string")
    return df


def _datapackage(tables: list[str], excel: bool) -> dict[str, Any]:
    resources = []
    for name in tables:
        spec = schemas()[name]
        schema: dict[str, Any] = {"fields": spec["fields"]}
        if spec.get("primaryKey"):
            schema["primaryKey"] = spec["primaryKey"]
        resources.append(
            {
                "name": name,
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig" if excel else "utf-8",
                "description": spec.get("description", "").strip(),
                "schema": schema,
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": "kehoach",
        "title": "Vietnamese government plans: cited instruments and metadata",
        "version": __version__,
        "schema_version": SCHEMA_VERSION,
        "resources": resources,
    }


# OWASP CSV injection: a cell starting with one of these is a formula to Excel/LibreOffice
# (=HYPERLINK(...), @SUM(...)); CSV files get a leading apostrophe, Parquet keeps the text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
LOCK_NAME = ".kehoach-lock"
MOVED = (".kehoach-cache",)  # folders moved (not copied) into the new set: a cache, not data
STAGE_TAG = ".kehoach-tmp-"


class OutputError(Exception):
    """The output folder cannot be used or written (exit code 3)."""


def neutralize(df: pd.DataFrame) -> pd.DataFrame:
    """Copy of `df` for CSV: text cells that a spreadsheet would run as a formula start with ',
    and a bare carriage return becomes a line feed (the CSV writer quotes cells holding a line
    feed, not those holding only a CR, which readers take for the end of the row)."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == "string":
            s = out[col]
            hit = s.str.startswith(FORMULA_START).fillna(False).astype(bool)
            if s.str.contains("\r", regex=False).fillna(False).any():
                s = s.str.replace("\r\n", "\n", regex=False).str.replace("\r", "\n", regex=False)
            if hit.any():
                s = s.mask(hit, "'" + s)
            out[col] = s
    return out


def _safe(v: str) -> str:
    """`neutralize` of one text cell."""
    hit = v.startswith(FORMULA_START)
    if "\r" in v:
        v = v.replace("\r\n", "\n").replace("\r", "\n")
    return "'" + v if hit else v


# a text cell `_safe` changes: it starts like a formula or holds a carriage return (RE2)
_RISKY = "^[=+\\-@\t\r]|\r"


def _texts(series: pd.Series, values: list[Any]) -> list[Any] | None:
    """CSV cells of a text column given as plain str and missing values (what `conform` keeps
    as they are), neutralized; None when the column holds anything else. A column pandas holds
    as Arrow text is searched there for the cells to change (few) and for the missing ones."""
    if isinstance(series.dtype, pd.StringDtype) and series.dtype.storage == "pyarrow":
        arr = series.array.__arrow_array__()
        out = list(values)
        for i in pc.indices_nonzero(arr.is_null()).to_pylist():
            out[i] = ""
        for i in pc.indices_nonzero(pc.fill_null(pc.match_substring_regex(arr, _RISKY), False)).to_pylist():
            out[i] = _safe(out[i])
        return out
    out = []
    add = out.append
    for v in values:
        if type(v) is str:
            add(_safe(v) if v and (v[0] in FORMULA_START or "\r" in v) else v)
        elif v is None or (type(v) is float and v != v):
            add("")
        else:
            return None
    return out


def csv_cells(conformed: pd.DataFrame, chunk: pd.DataFrame, raw: dict[str, list[Any]],
              kinds: dict[str, str]) -> list[list[Any]]:
    """The cells of each column as pandas' CSV writer gives them to the csv module (the values
    of the conformed column as objects, a missing value ""), text cells neutralized: the same
    bytes as `neutralize(conformed).to_csv(...)`, without converting text columns back from
    Arrow when the raw chunk holds them as plain str already (`raw`: its columns as lists)."""
    cols: list[list[Any]] = []
    for name, kind in kinds.items():
        cells = _texts(chunk[name], raw[name]) if kind not in _PANDAS_TYPES and name in raw else None
        if cells is None:
            col = conformed[name]
            values, mask = col.astype(object).tolist(), col.isna().tolist()
            safe = _safe if kind not in _PANDAS_TYPES else None
            cells = ["" if m else safe(v) if safe else v for v, m in zip(values, mask, strict=True)]
        cols.append(cells)
    return cols


def _csv_writer(fh: Any) -> Any:
    """A csv writer set as pandas' `to_csv` sets it (minimal quoting, os.linesep)."""
    return csv.writer(fh, lineterminator=os.linesep, delimiter=",", quoting=csv.QUOTE_MINIMAL,
                      doublequote=True, escapechar=None, quotechar='"')


MAX_BYTES = 1_000_000  # text of a table read back that `write_table` holds (see TableWriter)
EMIT_ROWS = 250  # rows `TableWriter.add` turns into CSV and database rows at a time
_BIG = 2 ** 53  # integers past this go through float64 in a chunk with gaps: not plain


def plain_values(kind: str, values: list[Any]) -> tuple[list[Any], list[Any], list[Any], int]:
    """(CSV cells, database values, Arrow values, how many) of the leading `values` of a
    column of schema type `kind` that are plain: text a str, an integer an int, a number a
    float or an int, a boolean a bool, or missing (None, NaN). Their cells and values are what
    `csv_cells`, kehoach.export.sqlite and `conform` make of them in any chunk; the first
    value that is not plain (its cell depends on the type pandas infers for its whole chunk)
    stops the count."""
    cells: list[Any] = []
    db: list[Any] = []
    arrow: list[Any] = []
    cell, keep, put = cells.append, db.append, arrow.append
    if kind not in _PANDAS_TYPES:
        for v in values:
            if type(v) is str:
                cell(_safe(v) if v and (v[0] in FORMULA_START or "\r" in v) else v)
                keep(v or None)
                put(v)
            elif v is None or (type(v) is float and v != v):
                cell("")
                keep(None)
                put(None)
            else:
                break
    elif kind == "integer":
        for v in values:
            if type(v) is int and -_BIG <= v <= _BIG:
                cell(v)
                keep(v)
                put(v)
            elif v is None or (type(v) is float and v != v):
                cell("")
                keep(None)
                put(None)
            else:
                break
    elif kind == "number":
        for v in values:
            if type(v) is float:
                if v != v:
                    cell("")
                    keep(None)
                    put(None)
                else:
                    cell(v)
                    keep(v)
                    put(v)
            elif type(v) is int and -_BIG <= v <= _BIG:
                f = float(v)
                cell(f)
                keep(f)
                put(f)
            elif v is None:
                cell("")
                keep(None)
                put(None)
            else:
                break
    else:  # boolean
        for v in values:
            if type(v) is bool:
                cell(v)
                keep(int(v))
                put(v)
            elif v is None or (type(v) is float and v != v):
                cell("")
                keep(None)
                put(None)
            else:
                break
    return cells, db, arrow, len(cells)


_WITNESS_TYPE = {"string": str, "integer": int, "boolean": bool}
_WITNESS = {str: "x", int: 0, float: 0.5, bool: False, None: None}


def _witness(seen: dict[str, set[Any]], kinds: dict[str, str]) -> list[dict[str, Any]]:
    """Rows holding, in each column, one value of each type in `seen` (None: a missing value),
    and no other type: what pandas infers of a column depends on the types in it only."""
    lists = {name: [_WITNESS[t] for t in sorted(seen[name], key=str)] for name in kinds}
    n = max((len(v) for v in lists.values()), default=0)
    return [{name: v[min(i, len(v) - 1)] for name, v in lists.items() if v} for i in range(n)]


class TableWriter:
    """One table as CSV + Parquet (and, with `db`, its rows in kehoach.sqlite), written chunk by
    chunk: CSV appended, one Parquet row group per chunk, the CSV cells made for PART_ROWS rows
    at a time, so memory holds one chunk. `write(chunk)` takes a DataFrame chunk;
    `add(rows)` takes row dicts as they come and writes a chunk of CHUNK_ROWS rows each time
    that many are waiting (the chunks `kehoach.export.parts.Source.chunks` makes of the same
    rows: the same bytes). `close()` writes what is left and gives the two files."""

    def __init__(self, folder: Path, name: str, excel: bool = False, db: Database | None = None,
                 max_bytes: int | None = None) -> None:
        self.name, self.db = name, db
        # with `max_bytes`, `add` holds at most about that much text: rows are written to CSV
        # and the database once their text reaches it, and their Arrow arrays as a row group
        # (part of a chunk) once they reach it (a table whose rows grow with the corpus:
        # the catalog lists every document citing an instrument)
        self.max_bytes = max_bytes
        self.chars = 0
        self.flushed = 0  # rows of the chunk written to Parquet already
        self.empty = conform(name, None)
        self.kinds = {f["name"]: f["type"] for f in schemas()[name]["fields"]}
        self.schema = pa.Schema.from_pandas(self.empty, preserve_index=False)
        self.paths = [folder / f"{name}.csv", folder / f"{name}.parquet"]
        self.n = 0  # rows written
        # the chunk `add` is filling: its rows (`count`), of which the plain ones written to CSV
        # and the database already are held as Arrow arrays (`arrays`; `seen`: the types of
        # their values), the others as rows (`waiting`: not checked yet, or `deferred`)
        self.count = 0
        self.waiting: list[dict[str, Any]] = []
        self.deferred = False
        self.arrays: dict[str, list[pa.Array]] = {name: [] for name in self.kinds}
        self.seen: dict[str, set[Any]] = {name: set() for name in self.kinds}
        self.fh = open(self.paths[0], "w", encoding="utf-8-sig" if excel else "utf-8", newline="")  # noqa: SIM115 (open until close)
        try:
            self.pw = pq.ParquetWriter(self.paths[1], self.schema)
        except BaseException:
            self.fh.close()
            raise
        self.out = _csv_writer(self.fh)
        self.out.writerow(list(self.kinds))

    def add(self, rows: list[dict[str, Any]]) -> None:
        """Rows as they come: their CSV cells and database rows are made and written EMIT_ROWS
        rows at a time while they are plain (`plain_values`), their values kept as Arrow arrays
        (not as rows) for the chunk's Parquet row group, written when the chunk is complete
        (CHUNK_ROWS rows). After a row that is not plain, the rest of the chunk waits for it
        (`_complete`)."""
        size, part = parts.CHUNK_ROWS, min(EMIT_ROWS, parts.PART_ROWS)
        i = 0
        while i < len(rows):
            piece = rows[i:i + size - self.count] if i or len(rows) + self.count > size else rows
            i += len(piece)
            self.waiting += piece
            self.count += len(piece)
            if self.max_bytes is not None:
                self.chars += sum(len(v) for r in piece for v in r.values() if type(v) is str)
            if self.count >= size:
                self._complete()
            elif not self.deferred and (len(self.waiting) >= part or
                                        (self.max_bytes is not None and self.chars >= self.max_bytes)):
                self._emit()
                self._flush()

    def _flush(self) -> None:
        """With `max_bytes`: the Arrow arrays of the chunk, once that large, as a row group."""
        if self.max_bytes is None or self.deferred:
            return
        if sum(a.nbytes for arrays in self.arrays.values() for a in arrays) >= self.max_bytes:
            table = self._arrow_table()
            self.pw.write_table(table, row_group_size=parts.CHUNK_ROWS)
            self.flushed += table.num_rows
            del table
            pa.default_memory_pool().release_unused()

    def _arrow_table(self) -> pa.Table:
        """The Arrow arrays of the chunk as a table (and no longer held)."""
        arrays, self.arrays = self.arrays, {name: [] for name in self.kinds}
        columns = [pa.concat_arrays(arrays[f.name]) if len(arrays[f.name]) > 1 else arrays[f.name][0]
                   for f in self.schema]
        return pa.Table.from_arrays(columns, schema=self.schema)

    def _emit(self) -> None:
        """The waiting rows, while plain, into CSV and the database (and Arrow arrays)."""
        if not self.deferred and self.waiting:
            k = self._plain(self.waiting)
            self.deferred = k < len(self.waiting)
            self.waiting = self.waiting[k:]
            self.chars = 0

    def _complete(self) -> None:
        """The chunk `add` filled, into Parquet (and what waits of it, into CSV and the
        database). The rows after one that is not plain go through pandas as a chunk read
        back would, their types inferred with those of the plain rows before them: `witness`
        rows, one value of each type the plain rows had in each column, stand for those."""
        self._emit()
        done = self.count - len(self.waiting)  # plain rows, in CSV and the database
        tables = [self._arrow_table()] if done > self.flushed else []
        seen, self.seen = self.seen, {name: set() for name in self.kinds}
        rows, self.waiting = self.waiting, []
        count, self.count, self.flushed, self.chars = self.count, 0, 0, 0
        self.deferred = False
        if rows:
            witness = _witness(seen, self.kinds) if done else []
            chunk = pd.DataFrame(witness + rows)
            df = conform(self.name, chunk)
            tables.append(pa.Table.from_pandas(df.iloc[len(witness):], schema=self.schema, preserve_index=False))
            self._cells(chunk, df, len(witness))
        if tables:  # (nothing when every row of the chunk went out with `_flush`)
            table = tables[0] if len(tables) == 1 else pa.concat_tables(tables).combine_chunks()
            self.pw.write_table(table, row_group_size=parts.CHUNK_ROWS)
            del table
        self.n += count
        del tables
        pa.default_memory_pool().release_unused()  # the chunk's Arrow buffers, back to the system

    def _plain(self, rows: list[dict[str, Any]]) -> int:
        """CSV and database rows of the leading plain rows of `rows` (`plain_values`), their
        Arrow arrays: how many."""
        n = len(rows)
        cells: list[list[Any]] = []
        values: dict[str, list[Any]] = {}
        arrow: dict[str, list[Any]] = {}
        given: dict[str, list[Any]] = {}
        for name, kind in self.kinds.items():
            col = [r.get(name) for r in rows[:n]] if n < len(rows) else [r.get(name) for r in rows]
            c, v, a, k = plain_values(kind, col)
            n = min(n, k)
            cells.append(c)
            values[name] = v
            arrow[name] = a
            given[name] = col
        if n:
            if n < len(rows):
                cells = [c[:n] for c in cells]
                values = {k: v[:n] for k, v in values.items()}
                arrow = {k: v[:n] for k, v in arrow.items()}
            for f in self.schema:
                arr = pa.array(arrow[f.name], type=f.type)
                self.arrays[f.name].append(arr)
                seen = self.seen[f.name]
                if arr.null_count:
                    seen.add(None)
                if arr.null_count < n:
                    if self.kinds[f.name] == "number":  # an int and a float are typed apart
                        seen.update(type(v) for v in given[f.name][:n] if type(v) is int or
                                    (type(v) is float and v == v))
                    else:
                        seen.add(_WITNESS_TYPE.get(self.kinds[f.name], str))
            self.out.writerows(zip(*cells, strict=True))
            if self.db is not None:
                self.db.add_values(self.name, values, n)
        return n

    def _cells(self, chunk: pd.DataFrame, df: pd.DataFrame, start: int) -> None:
        """CSV and database rows of `chunk` (conformed: `df`) from row `start`."""
        name, kinds = self.name, self.kinds
        # CSV cells and database rows are Python objects, many times the size of the
        # frame's Arrow text: made for a part of the chunk at a time
        for begin in range(start, len(chunk), parts.PART_ROWS):
            part = chunk.iloc[begin:begin + parts.PART_ROWS]
            raw = {c: part[c].tolist() for c in part.columns if c in kinds}
            if self.db is not None:
                self.db.add(name, part, raw)
            cells = csv_cells(df.iloc[begin:begin + parts.PART_ROWS], part, raw, kinds)
            self.out.writerows(zip(*cells, strict=True))
            del part, raw, cells

    def write(self, chunk: pd.DataFrame) -> None:
        """One chunk (a DataFrame)."""
        df = conform(self.name, chunk)
        self.pw.write_table(pa.Table.from_pandas(df, schema=self.schema, preserve_index=False),
                            row_group_size=parts.CHUNK_ROWS)
        self._cells(chunk, df, 0)
        self.n += len(chunk)

    def close(self) -> list[Path]:
        try:
            if self.count:
                self._complete()
            if self.n == 0:
                self.pw.write_table(pa.Table.from_pandas(self.empty, schema=self.schema, preserve_index=False))
        finally:
            self.abort()
        return self.paths

    def abort(self) -> None:
        """Close the files (complete or not)."""
        try:
            self.pw.close()
        finally:
            self.fh.close()


def write_table(folder: Path, name: str, table: Any, excel: bool = False,
                db: Database | None = None) -> list[Path]:
    """One table (a DataFrame, a `kehoach.export.parts.Source` or None) as CSV + Parquet
    (TableWriter), read in chunks (kehoach.export.parts.chunks_of), so memory holds one chunk;
    a table in memory and the same table read back from the staging database give the same
    bytes. With `db`, each chunk also goes into kehoach.sqlite (kehoach.export.sqlite.Database):
    the table is read back once for the three formats."""
    if isinstance(table, Source):  # read back row by row: memory holds MAX_BYTES of text
        tw = TableWriter(folder, name, excel, db, max_bytes=MAX_BYTES)
        try:
            for row in table.rows():
                tw.add([row])
        except BaseException:
            tw.abort()
            raise
        return tw.close()
    tw = TableWriter(folder, name, excel, db)
    try:
        for chunk in chunks_of(table):
            tw.write(chunk)
    except BaseException:
        tw.abort()
        raise
    return tw.close()


def release_memory() -> None:
    """Give the memory freed by the last table back to the system (Arrow's pool, the C
    heap), so that the next table does not add its peak to what the last one left behind.
    (No gc.collect: a full collection walks every compiled pattern, ~0.2 s a table.)"""
    pa.default_memory_pool().release_unused()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).malloc_trim(0)


def write_files(folder: Path, tables: Mapping[str, Any], excel: bool = False) -> list[Path]:
    """Every table of the schema as CSV + Parquet, datapackage.json and kehoach.sqlite, into
    `folder`. A table is a DataFrame or a `kehoach.export.parts.Source` (read back in chunks,
    once: each chunk goes to the three formats). When `tables` is a `kehoach.export.parts.
    Staged` whose `done` tables were written into `folder` already (kehoach.export.stream),
    with their rows in its `db`, only the others are written."""
    done: Mapping[str, list[Path]] | None = getattr(tables, "done", None)
    db: Database | None = getattr(tables, "db", None)
    names = sorted(schemas())
    written: list[Path] = []
    with contextlib.nullcontext(db) if db is not None else Database(folder) as base:
        for name in names:
            if done is not None and name in done:
                written += done[name]
                continue
            written += write_table(folder, name, tables.get(name), excel, db=base)
            release_memory()
        pkg = folder / "datapackage.json"
        pkg.write_text(json.dumps(_datapackage(names, excel), ensure_ascii=False, indent=2) + "\n",
                       encoding="utf-8")
        written.append(pkg)
        written.append(base.finish())
    return written


_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(a))


def _describe(exc: OSError) -> str:
    return exc.strerror or str(exc)


class Output:
    """An output folder held for one run.

    Opening it checks that it can be written, takes an exclusive lock (OUT/.kehoach-lock:
    a second run into the same folder stops at once) and removes staging folders that
    killed runs left behind. `write` puts the new tables into a fresh sibling folder
    (.OUT.kehoach-tmp-XXXX) and switches it with the old folder in one atomic rename
    (renameat2 RENAME_EXCHANGE; elsewhere two renames, so a reader sees the old set, briefly
    no folder, or the new set, never a mix). Files in OUT that kehoach did not write are kept
    (hard-linked into the new folder).
    """

    def __init__(self, out_dir: Path) -> None:
        self.shown = out_dir
        self.path = Path(os.path.realpath(out_dir))
        self._lock_fd: int | None = None

    def __enter__(self) -> Output:
        if self.path.exists() and not self.path.is_dir():
            raise OutputError(f"output {self.shown} is a file, not a folder")
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputError(f"cannot write to output folder {self.shown}: {_describe(exc)}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise OutputError(f"output folder {self.shown} is in use by another kehoach run "
                              f"(lock {LOCK_NAME}); wait for it or choose another folder") from None
        self._lock_fd = fd
        self._clean_stale()
        # a folder that is a mount point (or whose parent cannot be written) cannot be switched
        # with a sibling: its tables are then replaced file by file, datapackage.json last
        try:
            self.inside = os.stat(self.path).st_dev != os.stat(self.path.parent).st_dev or \
                not os.access(self.path.parent, os.W_OK)
        except OSError:
            self.inside = True
        probe = self._new_stage()  # fail now, before any document is processed
        shutil.rmtree(probe, ignore_errors=True)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    inside = False

    def _stage_prefix(self) -> str:
        return STAGE_TAG if self.inside else f".{self.path.name}{STAGE_TAG}"

    @property
    def scratch(self) -> Path:
        """Where this run's temporary folders go (cleaned by the next run if it is killed)."""
        return self.path if self.inside else self.path.parent

    def _clean_stale(self) -> None:
        """Staging folders of killed runs (we hold the lock: no run is using them)."""
        prefix = self._stage_prefix()
        with contextlib.suppress(OSError):
            for entry in self.path.parent.iterdir():
                if entry.name.startswith(prefix) and entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry, ignore_errors=True)
        with contextlib.suppress(OSError):
            for entry in self.path.iterdir():  # the layout of earlier versions
                if entry.name.startswith(STAGE_TAG) and entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry, ignore_errors=True)

    def _new_stage(self) -> Path:
        try:
            return Path(tempfile.mkdtemp(prefix=self._stage_prefix(), dir=self.scratch))
        except OSError as exc:
            raise OutputError(f"cannot create a staging folder in {self.scratch} "
                              f"for {self.shown}: {_describe(exc)}") from None

    def write(self, tables: Mapping[str, Any], excel: bool = False, stage: Path | None = None) -> list[Path]:
        """Write `tables` as a new set and switch it in. `stage`: the staging folder (`begin`)
        where some tables were written already (`write_files`); the caller then discards it."""
        own = stage is None
        stage = self.begin() if stage is None else stage
        try:
            try:
                written = write_files(stage, tables, excel)
            except OSError as exc:
                raise OutputError(f"cannot write the tables to {self.shown}: {_describe(exc)}; "
                                  "the previous tables are unchanged") from None
            return self.commit(stage, written)
        finally:
            if own:
                self.discard(stage)

    def begin(self) -> Path:
        """A fresh staging folder for the new set (`commit` switches it in; `discard` removes
        it, or what `commit` left of the old set)."""
        return self._new_stage()

    def commit(self, stage: Path, written: list[Path]) -> list[Path]:
        """Switch the set written into `stage` in (the files `written`): their paths now."""
        try:
            if self.inside:
                self._replace_files(stage, written)
            else:
                self._carry_over(stage)
                self._switch(stage)
        except OSError as exc:
            raise OutputError(f"cannot write the tables to {self.shown}: {_describe(exc)}; "
                              "the previous tables are unchanged") from None
        return [self.path / p.name for p in written]

    @staticmethod
    def discard(stage: Path) -> None:
        shutil.rmtree(stage, ignore_errors=True)  # after the switch: the old tables

    def _carry_over(self, stage: Path) -> None:
        """Hard-link what kehoach did not write (and the lock file) into the new folder."""
        for entry in self.path.iterdir():
            target = stage / entry.name
            if target.exists() or entry.name.startswith(STAGE_TAG):
                continue
            if entry.name in MOVED:
                os.rename(entry, target)
            elif entry.is_dir() and not entry.is_symlink():
                shutil.copytree(entry, target, symlinks=True, copy_function=_link_or_copy)
            else:
                _link_or_copy(entry, target)

    def _replace_files(self, stage: Path, written: list[Path]) -> None:
        """Fallback: each table moved into place (datapackage.json last): a table is never
        half-written, but a run killed here leaves a mix of old and new tables."""
        for path in sorted(written, key=lambda p: p.name == "datapackage.json"):
            os.replace(path, self.path / path.name)
        fsync_dir(self.path)

    def _switch(self, stage: Path) -> None:
        with contextlib.suppress(OSError):  # mkdtemp made it private: keep the folder's own mode
            os.chmod(stage, self.path.stat().st_mode & 0o7777)
        fsync_dir(stage)
        if not _exchange(stage, self.path):
            old = Path(tempfile.mkdtemp(prefix=self._stage_prefix(), dir=self.path.parent))
            os.rmdir(old)
            os.rename(self.path, old)
            os.rename(stage, self.path)
            os.rename(old, stage)  # removed by the caller
        fsync_dir(self.path.parent)


def _link_or_copy(src: str | Path, dst: str | Path) -> None:
    try:
        os.link(src, dst, follow_symlinks=False)
    except OSError:
        shutil.copy2(src, dst, follow_symlinks=False)


def fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_tables(out_dir: Path, tables: dict[str, pd.DataFrame], excel: bool = False) -> list[Path]:
    """Write the tables to `out_dir` as one set (see Output)."""
    with Output(out_dir) as output:
        return output.write(tables, excel)
