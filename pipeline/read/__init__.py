"""Readers: one file -> SourceText.

A reader is a function `(path, data) -> ReadResult` registered for one or more file
suffixes with `@register`. Formats plug in by adding a module to `READER_MODULES`;
nothing else in the pipeline knows about file formats.
"""

from __future__ import annotations

import hashlib
import importlib
import os
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


def read_document(path: str | os.PathLike[str]) -> SourceText:
    """Read one file; raise DocumentError naming the file and the problem."""
    p = Path(path)
    shown = str(path)
    readers = _load()
    if not p.exists():
        if p.is_symlink():
            raise DocumentError(shown, "unreadable", "broken or circular symbolic link")
        raise DocumentError(shown, "not_found", "no such file")
    if p.is_dir():
        raise DocumentError(shown, "is_directory", "is a directory, not a document")
    spec = readers.get(p.suffix.lower())
    if spec is None:
        raise DocumentError(
            shown,
            "unsupported_format",
            f"unsupported file type '{p.suffix or '(none)'}' "
            f"(supported: {', '.join(sorted(readers))})",
        )
    try:
        size = p.stat().st_size
        if size > spec.max_bytes:
            raise DocumentError(
                shown,
                "too_large",
                f"file is {size / 1048576:.1f} MB, above the {spec.max_bytes / 1048576:.0f} MB "
                f"limit for {spec.name} documents (a plan is typically 15-60 KB of text)",
            )
        data = p.read_bytes()
    except PermissionError:
        raise DocumentError(shown, "unreadable", "permission denied: cannot read file") from None
    except OSError as exc:
        raise DocumentError(shown, "unreadable", f"cannot read file: {exc.strerror}") from None
    if not data.strip():
        raise DocumentError(shown, "empty", "file is empty (no text to extract)")
    result = spec.fn(p, data)
    if not result.text.strip():
        raise DocumentError(shown, "no_text", f"{spec.name} reader found no text in the file")
    info = {"reader": spec.name, **result.info}
    return SourceText(
        path=shown,
        sha256=hashlib.sha256(data).hexdigest(),
        text=result.text,
        pages=result.pages,
        info=info,
    )
