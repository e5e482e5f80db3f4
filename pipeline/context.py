"""Everything known about one document while it goes through the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from kehoach.document import SourceText
from kehoach.normalize import NormText, normalize
from kehoach.rules import Rules, using
from kehoach.segment.sentences import Sentences

if TYPE_CHECKING:
    from kehoach.extract.assignments.bodies import Mention as BodyMention
    from kehoach.extract.assignments.common import SourceSpans
    from kehoach.extract.citations.instruments import Mention as InstrumentMention
    from kehoach.extract.metadata.locality import Locality
    from kehoach.segment.sections import SectionTree

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
    # documents.csv fields filled by stages (metadata, locality...)
    document: dict[str, Any] = field(default_factory=dict)
    # table name -> rows, filled by stages
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # the rule tables the stages compile from (kehoach.rules): the shipped ones by default
    rules: Rules = field(default_factory=Rules.default, repr=False)

    # What one stage hands to later ones (kehoach.components declares who provides and needs
    # each). segment.sections:
    sections: SectionTree | None = None
    # extract.locality, refined by extract.metadata: the plan's own province / district
    locality: Locality | None = None
    # extract.instruments: numbered mentions (normalized offsets); extract.named: its rows
    instrument_mentions: list[InstrumentMention] = field(default_factory=list)
    named_instrument_rows: list[dict[str, Any]] = field(default_factory=list)
    # extract.bodies: every body mention, and the (start, end, role, body, cue) of its rows
    body_mentions: list[BodyMention] = field(default_factory=list)
    body_spans: list[tuple[int, int, str, str, str]] = field(default_factory=list)

    # Computed once per document by the assignment helpers (kehoach.extract.assignments.common).
    citation_spans: SourceSpans | None = None
    plan_year: int | None = None
    task_blocks: dict[tuple[int, int], str] = field(default_factory=dict)

    @classmethod
    def from_source(cls, source: SourceText, rules: Rules | None = None) -> DocContext:
        rules = rules or Rules.default()
        with using(rules):  # the normalization tables of these rules
            norm = normalize(source.text)
        return cls(source=source, norm=norm, rules=rules)

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
