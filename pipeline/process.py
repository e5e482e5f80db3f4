"""One document, end to end: read -> normalize -> components. Never raises."""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from typing import Any

from kehoach.components import document_components
from kehoach.context import DocContext
from kehoach.errors import DocumentError
from kehoach.normalize import TIMEOUT
from kehoach.read import read_document


@dataclass
class DocResult:
    path: str
    document: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    error: dict[str, Any] | None = None


def process_path(path: str) -> DocResult:
    t0 = time.perf_counter()
    document: dict[str, Any] = {"source_path": path}
    stage = "read"
    try:
        source = read_document(path)
        document.update(
            doc_id=source.doc_id,
            sha256=source.sha256,
            n_chars=len(source.text),
            n_pages=len(source.pages) if source.pages else None,
            **{k: v for k, v in source.info.items() if not isinstance(v, dict | list)},
        )
        ctx = DocContext.from_source(source)
        for ref, component in document_components():
            stage = ref
            component(ctx)
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
        reason = "internal_error"
        message = f"{type(exc).__name__} in {stage}: {exc}"
        last = traceback.extract_tb(exc.__traceback__)[-1:]
        if last:
            message += f" ({last[0].filename.rsplit('/', 1)[-1]}:{last[0].lineno})"
    document.update(status="error", error=f"{reason}: {message}",
                    seconds=round(time.perf_counter() - t0, 4))
    err = {
        "doc_id": document.get("doc_id"),
        "source_path": path,
        "stage": stage,
        "reason": reason,
        "message": message,
    }
    return DocResult(path, document, {}, err)
