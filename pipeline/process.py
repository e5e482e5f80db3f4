"""One document, end to end: read -> normalize -> components. Never raises."""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kehoach.components import analyse
from kehoach.context import DocContext
from kehoach.document import SourceText
from kehoach.errors import DocumentError
from kehoach.normalize import TIMEOUT
from kehoach.read import read_document


@dataclass
class DocResult:
    path: str
    document: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    error: dict[str, Any] | None = None
    cached: bool = False


def failed(path: str, stage: str, reason: str, message: str, seconds: float = 0.0,
           document: dict[str, Any] | None = None) -> DocResult:
    """The result of a document that could not be processed: one errors.csv row."""
    doc = {"source_path": path, **(document or {})}
    doc.update(status="error", error=f"{reason}: {message}", seconds=round(seconds, 4))
    err = {"doc_id": doc.get("doc_id"), "source_path": path, "stage": stage, "reason": reason,
           "message": message}
    return DocResult(path, doc, {}, err)


def _where(exc: BaseException) -> str:
    last = traceback.extract_tb(exc.__traceback__)[-1:]
    return f" ({last[0].filename.rsplit('/', 1)[-1]}:{last[0].lineno})" if last else ""


def _explain(exc: Exception, stage: str) -> tuple[str, str]:
    """(reason, message) for an exception no reader or component turned into a DocumentError."""
    name = type(exc).__name__
    if isinstance(exc, MemoryError):
        return "out_of_memory", f"ran out of memory in {stage} (MemoryError): the document is too large"
    if isinstance(exc, RecursionError):
        return "too_deep", f"structure nested too deeply in {stage} (RecursionError)"
    if stage == "read":
        # a reader met a file its format library could not parse
        return "read_failed", f"the file could not be parsed: {name}: {exc}{_where(exc)}"
    return "component_failed", f"{name} in {stage}: {exc}{_where(exc)} (a bug: please report it)"


def source_row(source: SourceText) -> dict[str, Any]:
    """The documents.csv columns a read file gives before any stage runs."""
    return {
        "doc_id": source.doc_id,
        "sha256": source.sha256,
        "n_chars": len(source.text),
        "n_pages": len(source.pages) if source.pages else None,
        **{k: v for k, v in source.info.items() if not isinstance(v, dict | list)},
    }


def process_path(path: str, on_stage: Callable[[str], None] | None = None) -> DocResult:
    """Process one file. `on_stage(name)` is called as each stage starts (the batch supervisor
    uses it to say where a document was when its worker had to be stopped)."""
    t0 = time.perf_counter()
    document: dict[str, Any] = {"source_path": path}
    stage = "read"
    try:
        if on_stage:
            on_stage(stage)
        source = read_document(path)
        document.update(source_row(source))
        stage = "normalize"
        if on_stage:
            on_stage(stage)
        ctx = DocContext.from_source(source)

        def enter(ref: str) -> None:
            nonlocal stage
            stage = ref
            if on_stage:
                on_stage(ref)

        analyse(ctx, on_stage=enter)
        document.update(ctx.document)
        document.update(status="ok", error=None, seconds=round(time.perf_counter() - t0, 4))
        return DocResult(path, document, ctx.tables)
    except DocumentError as exc:
        reason, message = exc.reason, exc.message
    except TimeoutError:
        reason = "pattern_timeout"
        message = (f"a pattern ran longer than {TIMEOUT:g} s in {stage}: the text is pathological "
                   "(e.g. one enormous line); the document was skipped")
    except Exception as exc:  # a bug or a pathological input: report it, keep the batch going
        reason, message = _explain(exc, stage)
    return failed(path, stage, reason, message, time.perf_counter() - t0, document)
