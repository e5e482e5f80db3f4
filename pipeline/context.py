"""Everything known about one document while it goes through the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from kehoach.document import SourceText
from kehoach.normalize import NormText, normalize
from kehoach.segment.sentences import Sentences

SENTENCE_LIMIT = 1000  # characters of context kept for one sentence


@dataclass
class Evidence:
    """Where an extracted value came from, in source offsets."""

    start: int
    end: int
    text: str
    page: int | None


@dataclass
class DocContext:
    source: SourceText
    norm: NormText
    # documents.csv fields filled by components (metadata, locality...)
    document: dict[str, Any] = field(default_factory=dict)
    # table name -> rows, filled by components
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # shared intermediate results of components (sections, spaCy doc...), computed once
    shared: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_source(cls, source: SourceText) -> DocContext:
        return cls(source=source, norm=normalize(source.text))

    @property
    def doc_id(self) -> str:
        return self.source.doc_id

    @property
    def text(self) -> str:
        """Normalized text: what extractors match on."""
        return self.norm.text

    @cached_property
    def sentences(self) -> Sentences:
        return Sentences(self.norm.text)

    def evidence(self, start: int, end: int) -> Evidence:
        """Map a normalized span to source offsets, source text and page."""
        s, e = self.norm.span_to_source(start, end)
        return Evidence(s, e, self.source.text[s:e], self.source.page_of(s))

    def sentence_text(self, pos: int, limit: int = SENTENCE_LIMIT) -> str:
        """The sentence holding normalized offset `pos`, whitespace collapsed; a sentence
        longer than `limit` characters (a text without punctuation or line breaks) is cut to
        the `limit` characters around `pos`, marked with "…"."""
        span = self.sentences.sentence_at(pos)
        if span is None:
            return ""
        start, end = span
        if end - start > limit:
            start = max(start, pos - limit // 2)
            end = min(end, start + limit)
            return "… " + " ".join(self.norm.text[start:end].split()) + " …"
        return " ".join(self.norm.text[start:end].split())

    def add(self, table: str, row: dict[str, Any]) -> None:
        self.tables.setdefault(table, []).append({"doc_id": self.doc_id, **row})
