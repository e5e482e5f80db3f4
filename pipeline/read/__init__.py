"""Readers: one file -> SourceText.

A reader is a function `(path, data) -> ReadResult` registered for one or more file
suffixes with `@register`. Formats plug in by adding a module to `READER_MODULES`;
nothing else in the pipeline knows about file formats.
"""

from __future__ import annotations

import errno
import hashlib
import importlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kehoach.document import SourceText
from kehoach.errors import DocumentError

READER_MODULES = [
    "kehoach.read.text",
    "kehoach.read.pdf",
    "kehoach.read.image",
    "kehoach.read.docx",
    "kehoach.read.doc",
]


@dataclass
class ReadResult:
    text: str
    pages: list[tuple[int, int]] | None = None
    info: dict[str, Any] = field(default_factory=dict)


ReaderFn = Callable[[Path, bytes], ReadResult]


@dataclass(frozen=True)
class ReaderSpec:
    name: str
    fn: ReaderFn
    max_bytes: int


_READERS: dict[str, ReaderSpec] = {}


def register(*suffixes: str, name: str, max_mb: float) -> Callable[[ReaderFn], ReaderFn]:
    """Register `fn` as the reader of files ending in `suffixes` (".txt", ".md")."""

    def deco(fn: ReaderFn) -> ReaderFn:
        for suffix in suffixes:
            _READERS[suffix.lower()] = ReaderSpec(name, fn, int(max_mb * 1024 * 1024))
        return fn

    return deco


_LOADED: list[bool] = []


def _load() -> dict[str, ReaderSpec]:
    # a flag, not `if not _READERS`: importing one reader module directly registers it
    # before the registry is loaded
    if not _LOADED:
        for module in READER_MODULES:
            importlib.import_module(module)
        _LOADED.append(True)
    return _READERS


def supported_suffixes() -> list[str]:
    return sorted(_load())


_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a directory"),
)


def check_regular(path: str | os.PathLike[str]) -> os.stat_result:
    """Stat of the regular file at `path` (symbolic links resolved); DocumentError naming
    what the path is otherwise. Only regular files are ever opened: a FIFO would block the
    read for ever, /dev/zero never ends."""
    p = Path(path)
    shown = str(path)
    try:
        st = os.stat(p)  # follows symbolic links
    except FileNotFoundError:
        if p.is_symlink():
            raise DocumentError(shown, "unreadable", "broken symbolic link "
                                f"(to {os.readlink(p)})") from None
        raise DocumentError(shown, "not_found", "no such file") from None
    except PermissionError:
        raise DocumentError(shown, "unreadable", "permission denied: cannot reach the file") from None
    except OSError as exc:  # ELOOP: circular link, ENAMETOOLONG...
        what = "circular symbolic link" if exc.errno == errno.ELOOP else f"cannot read file: {exc.strerror}"
        raise DocumentError(shown, "unreadable", what) from None
    if not stat.S_ISREG(st.st_mode):
        kind = next((name for test, name in _KINDS if test(st.st_mode)), "not a regular file")
        target = f" (symbolic link to {os.path.realpath(p)})" if p.is_symlink() else ""
        reason = "is_directory" if stat.S_ISDIR(st.st_mode) else "not_regular_file"
        raise DocumentError(shown, reason, f"is {kind}{target}, not a document file: only "
                            "regular files are read")
    return st


def _read_bounded(path: Path, limit: int) -> bytes:
    """At most `limit` + 1 bytes: a file growing while it is read cannot exhaust memory."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)  # the file opened, not the one stat-ed before (it may be swapped)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_document(path: str | os.PathLike[str]) -> SourceText:
    """Read one file; raise DocumentError naming the file and the problem."""
    from kehoach.limits import LimitError, current

    p = Path(path)
    shown = str(path)
    readers = _load()
    st = check_regular(p)
    spec = readers.get(p.suffix.lower())
    if spec is None:
        raise DocumentError(
            shown,
            "unsupported_format",
            f"unsupported file type '{p.suffix or '(none)'}' "
            f"(supported: {', '.join(sorted(readers))})",
        )
    limits = current()
    max_bytes = min(spec.max_bytes, limits.input_bytes)
    size = st.st_size
    if size > spec.max_bytes:
        raise DocumentError(
            shown,
            "too_large",
            f"file is {size / 1048576:.1f} MB, above the {spec.max_bytes / 1048576:.0f} MB "
            f"limit for {spec.name} documents (a plan is typically 15-60 KB of text)",
        )
    if size > max_bytes:
        raise LimitError(shown, "input_mb", f"file is {size / 1048576:.1f} MB")
    try:
        data = _read_bounded(p, max_bytes)
    except PermissionError:
        raise DocumentError(shown, "unreadable", "permission denied: cannot read file") from None
    except OSError as exc:
        raise DocumentError(shown, "unreadable", f"cannot read file: {exc.strerror}") from None
    if len(data) > max_bytes:
        raise LimitError(shown, "input_mb", "file grew past the limit while it was read")
    if not data.strip():
        raise DocumentError(shown, "empty", "file is empty (no text to extract)")
    result = spec.fn(p, data)
    notes: list[str] = [f"symbolic link to {os.path.realpath(p)}"] if p.is_symlink() else []
    notes += result.info.pop("notes", None) or []
    if "\x00" in result.text:  # NUL is no text; left in, it reaches every CSV cell after it
        n_nul = result.text.count("\x00")
        if result.pages:  # page offsets refer to the text: keep its length
            notes.append(f"{n_nul} NUL bytes replaced by spaces")
            result.text = result.text.replace("\x00", " ")
        else:
            notes.append(f"{n_nul} NUL bytes removed")
            result.text = result.text.replace("\x00", "")
    if not result.text.strip():
        raise DocumentError(shown, "no_text", f"{spec.name} reader found no text in the file")
    if len(result.text) > limits.text_chars:
        raise LimitError(shown, "text_mchars",
                         f"the {spec.name} reader produced {len(result.text) / 1e6:.1f} million characters")
    info = {"reader": spec.name, **result.info}
    if notes:
        info["notes"] = "; ".join(notes)
    return SourceText(
        path=shown,
        sha256=hashlib.sha256(data).hexdigest(),
        text=result.text,
        pages=result.pages,
        info=info,
    )
