"""Results of unchanged documents reused across runs (incremental `extract`).

An entry is the result of one successfully processed document (its documents.csv row and its
rows of every table), stored as JSON under OUT/.kehoach-cache/<fingerprint>/<sha[:2]>/<sha>.json.
It is keyed by the SHA-256 of the file's bytes and by a fingerprint of everything else that
decides the result: the code (every source file of the package), the rule tables (every file
under models/), the pipeline configuration and the limits. A change to any of them changes the
fingerprint, so a stale entry is never read; entries of other fingerprints are removed after a
run. Failed documents are not cached (they are tried again). JSON, not pickle: an entry from a
tampered output folder can at worst give wrong rows, never run code.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
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
    def __init__(self, out_dir: Path, force: bool = False) -> None:
        self.root = Path(out_dir) / CACHE_NAME
        self.fp = fingerprint()
        self.folder = self.root / self.fp
        self.force = force
        self.hits = 0
        self._sha: dict[str, str] = {}

    def _entry(self, sha: str) -> Path:
        return self.folder / sha[:2] / f"{sha}.json"

    def get(self, path: str) -> DocResult | None:
        sha = file_sha256(path)
        if sha is None:
            return None
        self._sha[path] = sha
        if self.force:
            return None
        try:
            with open(self._entry(sha), encoding="utf-8") as fh:
                data = json.load(fh)
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("sha256") != sha:
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
        if not sha or self._sha.get(res.path) != sha:
            return  # the file changed while it was processed
        notes = [n for n in str(res.document.get("notes") or "").split("; ")
                 if n and not n.startswith(_LINK_NOTE)]  # path-specific: made again on a hit
        document = {k: v for k, v in res.document.items() if k != "notes"}
        if notes:
            document["notes"] = "; ".join(notes)
        entry = self._entry(str(sha))
        with contextlib.suppress(OSError):
            entry.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"sha256": sha, "document": document, "tables": res.tables}, fh,
                          ensure_ascii=False)
            os.replace(tmp, entry)

    def prune(self) -> None:
        """Remove entries of other fingerprints (other code, rules or limits)."""
        with contextlib.suppress(OSError):
            for entry in self.root.iterdir():
                if entry.name != self.fp:
                    shutil.rmtree(entry, ignore_errors=True)
