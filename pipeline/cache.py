"""Results of unchanged documents reused across runs (incremental `extract`).

An entry is the result of one successfully processed document (its documents.csv row and its
rows of every table), stored as JSON in one SQLite database per fingerprint,
OUT/.kehoach-cache/<fingerprint>.sqlite (one row per file content).
It is keyed by the SHA-256 of the file's bytes and by a fingerprint of everything else that
decides the result: the code (every source file of the package), the rule tables (every file
under models/), the pipeline configuration and the limits. A change to any of them changes the
fingerprint, so a stale entry is never read; entries of other fingerprints are removed after a
run. Failed documents are not cached (they are tried again). JSON, not pickle: an entry from a
tampered output folder can at worst give wrong rows, never run code.

The manifest (OUT/.kehoach-cache/manifest.json) records a digest of the last run's inputs
(every path with its sha256, the problems of the folder search, the fingerprint, the options)
and the sha256 of every file it wrote. When a run's inputs give the same digest and those
files are intact, the tables are not rebuilt (kehoach.run says so in the summary line).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from kehoach.process import DocResult

CACHE_NAME = ".kehoach-cache"
_LINK_NOTE = "symbolic link to "
_PACKAGE = Path(__file__).resolve().parent


def _digest_tree(h: Any, root: Path, suffixes: tuple[str, ...] | None) -> None:
    for path in sorted(root.rglob("*")):
        if "__pycache__" in path.parts or not path.is_file():
            continue
        if suffixes and path.suffix not in suffixes:
            continue
        h.update(str(path.relative_to(root)).encode() + b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")


@cache
def _static_fingerprint() -> str:
    from kehoach import __version__
    from kehoach.rules import MODELS_DIR

    h = hashlib.sha256(__version__.encode())
    _digest_tree(h, _PACKAGE, (".py", ".j2"))
    _digest_tree(h, Path(MODELS_DIR), None)
    return h.hexdigest()


def fingerprint() -> str:
    """Code + rule tables + pipeline configuration + limits in force."""
    from kehoach.components import config_name
    from kehoach.limits import current
    from kehoach.rules import model_path

    h = hashlib.sha256(_static_fingerprint().encode())
    config = model_path(config_name())
    h.update(config_name().encode() + b"\0" + (config.read_bytes() if config.is_file() else b""))
    h.update(repr(current()).encode())
    return h.hexdigest()[:24]


def file_sha256(path: str) -> str | None:
    """SHA-256 of a regular file within the input limit; None when it cannot be read (the
    worker then reports why)."""
    from kehoach.errors import DocumentError
    from kehoach.limits import current
    from kehoach.read import check_regular

    try:
        st = check_regular(path)
        if st.st_size > current().input_bytes:
            return None
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()
    except (DocumentError, OSError):
        return None


class ResultCache:
    """The entries of one fingerprint: OUT/.kehoach-cache/<fingerprint>.sqlite, one row per
    file content (sha256 -> JSON of the document row and the rows of every table). Writes are
    batched into transactions (a few hundred microseconds per document); a damaged database
    is a miss, and is started afresh."""

    def __init__(self, out_dir: Path, force: bool = False) -> None:
        self.root = Path(out_dir) / CACHE_NAME
        self.fp = fingerprint()
        self.db_path = self.root / f"{self.fp}.sqlite"
        self.force = force
        self.hits = 0
        self._pending: list[tuple[str, str]] = []
        self._con: sqlite3.Connection | None = None

    def _db(self) -> sqlite3.Connection | None:
        if self._con is None:
            try:
                self.root.mkdir(parents=True, exist_ok=True)
                self._con = self._open()
            except (OSError, sqlite3.Error):
                with contextlib.suppress(OSError):
                    self.db_path.unlink()  # damaged: start afresh
                try:
                    self._con = self._open()
                except (OSError, sqlite3.Error):
                    return None
        return self._con

    def _open(self) -> sqlite3.Connection:
        # read by the parent, written by the thread that stores the results while they arrive
        # (kehoach.run.Storing): one thread at a time
        con = sqlite3.connect(self.db_path, isolation_level=None, check_same_thread=False)
        try:
            con.execute("PRAGMA synchronous = OFF")
            con.execute("CREATE TABLE IF NOT EXISTS entries (sha TEXT PRIMARY KEY, data TEXT NOT NULL)")
            con.execute("SELECT count(*) FROM entries WHERE sha = ''").fetchone()
        except sqlite3.Error:
            con.close()
            raise
        return con

    def get(self, path: str) -> DocResult | None:
        sha = file_sha256(path)
        if sha is None or self.force:
            return None
        con = self._db()
        if con is None:
            return None
        try:
            row = con.execute("SELECT data FROM entries WHERE sha = ?", (sha,)).fetchone()
            data = json.loads(row[0]) if row else None
        except (sqlite3.Error, ValueError, TypeError):
            return None
        if not _valid(data, sha):
            return None
        document = dict(data["document"], source_path=path)
        notes = [n for n in (document.get("notes") or "").split("; ") if n]
        if os.path.islink(path):  # the note read_document makes, for this path
            notes.insert(0, f"{_LINK_NOTE}{os.path.realpath(path)}")
        document.pop("notes", None)
        if notes:
            document["notes"] = "; ".join(notes)
        self.hits += 1
        return DocResult(path, document, data["tables"], None, cached=True)

    def put(self, res: DocResult) -> None:
        if res.error is not None or res.cached:
            return
        sha = res.document.get("sha256")
        if not sha or file_sha256(res.path) != sha:
            return  # the file changed while it was processed
        notes = [n for n in str(res.document.get("notes") or "").split("; ")
                 if n and not n.startswith(_LINK_NOTE)]  # path-specific: made again on a hit
        document = {k: v for k, v in res.document.items() if k != "notes"}
        if notes:
            document["notes"] = "; ".join(notes)
        self._pending.append((str(sha), json.dumps({"sha256": sha, "document": document, "tables": res.tables},
                                                   ensure_ascii=False)))
        if len(self._pending) >= BATCH:
            self.commit()

    def commit(self) -> None:
        pending, self._pending = self._pending, []
        con = self._db()
        if con is None or not pending:
            return
        with contextlib.suppress(sqlite3.Error):
            con.execute("BEGIN")
            try:
                con.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?)", pending)
            except sqlite3.Error:
                con.execute("ROLLBACK")
                return
            con.execute("COMMIT")

    def close(self) -> None:
        """Write what is pending and close the database (before the output folder moves)."""
        self.commit()
        if self._con is not None:
            with contextlib.suppress(sqlite3.Error):
                self._con.close()
            self._con = None

    def prune(self) -> None:
        """Remove entries of other fingerprints (other code, rules or limits)."""
        keep = {self.db_path.name, MANIFEST}
        with contextlib.suppress(OSError):
            for entry in self.root.iterdir():
                if entry.name in keep:
                    continue
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)


BATCH = 100


def _valid(data: Any, sha: str) -> bool:
    return (isinstance(data, dict) and data.get("sha256") == sha and isinstance(data.get("document"), dict)
            and isinstance(data.get("tables"), dict)
            and all(isinstance(rows, list) and all(isinstance(r, dict) for r in rows)
                    for rows in data["tables"].values()))


# -- the manifest of the last run: when nothing changed, nothing is rebuilt -----------------
MANIFEST = "manifest.json"


def file_digest(path: Path) -> str | None:
    try:
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()
    except OSError:
        return None


class Inputs:
    """A digest of everything a run's tables depend on: each input (path, sha256) in order,
    the problems of the folder search, the fingerprint (code, rules, profile, limits) and
    the options. None when a file cannot be hashed (then the run cannot be skipped)."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.h = hashlib.sha256(json.dumps({"fingerprint": fingerprint(), **options}, sort_keys=True).encode())
        self.ok = True

    def add(self, path: str, sha: str | None) -> None:
        if sha is None:
            self.ok = False
        self.h.update(path.encode("utf-8", "surrogatepass") + b"\0" + (sha or "").encode() + b"\n")

    def add_problem(self, error: dict[str, Any]) -> None:
        self.h.update(json.dumps(error, sort_keys=True, default=str).encode() + b"\n")

    def digest(self) -> str | None:
        return self.h.hexdigest() if self.ok else None


def read_manifest(out_dir: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((Path(out_dir) / CACHE_NAME / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def outputs_intact(out_dir: Path, recorded: Any) -> bool:
    """Every file the last run wrote is there with the bytes it wrote."""
    if not isinstance(recorded, dict) or not recorded:
        return False
    return all(isinstance(name, str) and "/" not in name and file_digest(Path(out_dir) / name) == digest
               for name, digest in recorded.items())


def write_manifest(out_dir: Path, inputs: str | None, written: list[Path], summary: dict[str, Any]) -> None:
    """Record the inputs and the checksums of the files written (nothing when an input could
    not be hashed: the next run is then never skipped)."""
    path = Path(out_dir) / CACHE_NAME / MANIFEST
    with contextlib.suppress(OSError):
        if inputs is None:
            path.unlink(missing_ok=True)
            return
        data = {"inputs": inputs, "outputs": {p.name: file_digest(p) for p in written}, "summary": summary}
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False)
        os.replace(tmp, path)
