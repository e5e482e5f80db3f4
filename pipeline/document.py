"""The data a reader hands to the rest of the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class SourceText:
    """Text of one document as read from its file.

    `text` is the source text: every offset the pipeline writes refers to it.
    `pages` holds (start, end) offsets of each page in `text` when the format has pages
    (PDF, scans); page numbers are 1-based positions in that list.
    `info` carries reader facts for documents.csv (encoding, reader, ocr_pages, ocr_confidence...).
    """

    path: str
    sha256: str
    text: str
    pages: list[tuple[int, int]] | None = None
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def doc_id(self) -> str:
        return self.sha256[:16]

    def page_of(self, offset: int) -> int | None:
        if not self.pages:
            return None
        for i, (start, end) in enumerate(self.pages, 1):
            if start <= offset < end:
                return i
        return len(self.pages) if offset >= self.pages[-1][0] else None
