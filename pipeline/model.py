"""The typed results of kehoach: one dataclass per output table, one field per column.

Field names are the column names of the CSV/Parquet tables (models/schema/<table>.yaml; a test
checks that they agree), so `Citation.instrument_id`, `Citation.date`, `Citation.start` mean
exactly what the `citations.csv` columns mean. Every value keeps its evidence: the rows carry
`doc_id`, source character offsets `start`/`end`, `page` and the raw `mention`/`text`, and
`Record.evidence` returns them as one `Evidence`.

    doc = kehoach.extract(text)
    for c in doc.citations:
        print(c.instrument_id, c.date, c.evidence.text)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, TypeVar

R = TypeVar("R", bound="Record")


@dataclass(frozen=True)
class Evidence:
    """Where a value was read: document, source character offsets, page and raw text."""

    doc_id: str | None
    start: int | None
    end: int | None
    page: int | None
    text: str | None


def _plain(value: Any) -> Any:
    """A table cell as a plain Python value: missing values (None, NaN, pandas NA) -> None,
    numpy scalars -> int/float/bool."""
    if value is None:
        return None
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return None
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        return value.item()
    return value


@dataclass(frozen=True)
class Record:
    """One row of an output table."""

    TABLE: ClassVar[str] = ""

    @classmethod
    def columns(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    @classmethod
    def from_row(cls: type[R], row: dict[str, Any]) -> R:
        """Build from a row dict (extractor row or table row); a key that is not a column of
        the table is an error, as it is for the exported tables."""
        names = set(cls.columns())
        extra = sorted(set(row) - names)
        if extra:
            raise ValueError(f"{cls.__name__}: {extra} are not columns of {cls.TABLE} "
                             f"(models/schema/{cls.TABLE}.yaml)")
        return cls(**{k: _plain(v) for k, v in row.items()})

    def to_row(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @property
    def evidence(self) -> Evidence:
        text = getattr(self, "mention", None) or getattr(self, "text", None) or getattr(self, "raw", None)
        return Evidence(getattr(self, "doc_id", None), getattr(self, "start", None),
                        getattr(self, "end", None), getattr(self, "page", None), text)


@dataclass(frozen=True)
class Metadata(Record):
    """The document itself: one row of documents.csv (reader facts, header metadata, status)."""

    TABLE: ClassVar[str] = "documents"
    doc_id: str | None = None
    source_path: str | None = None
    sha256: str | None = None
    n_chars: int | None = None
    n_pages: int | None = None
    reader: str | None = None
    encoding: str | None = None
    province_context: str | None = None
    district_context: str | None = None
    doc_type: str | None = None
    doc_number: str | None = None
    doc_symbol: str | None = None
    issuer: str | None = None
    issuer_level: str | None = None
    issuer_parent: str | None = None
    issuer_source: str | None = None
    province: str | None = None
    province_current: str | None = None
    scope: str | None = None
    place: str | None = None
    issue_date: str | None = None
    date_precision: str | None = None
    title: str | None = None
    attached: str | None = None
    signer_name: str | None = None
    signer_title: str | None = None
    signing_mode: str | None = None
    period_start: int | None = None
    period_end: int | None = None
    confidence: float | None = None
    issuer_start: int | None = None
    issuer_end: int | None = None
    number_start: int | None = None
    number_end: int | None = None
    date_start: int | None = None
    date_end: int | None = None
    title_start: int | None = None
    title_end: int | None = None
    signer_start: int | None = None
    signer_end: int | None = None
    n_recipients: int | None = None
    n_citations: int | None = None
    status: str | None = None
    error: str | None = None
    seconds: float | None = None
    ocr_pages: int | None = None
    ocr_confidence: float | None = None
    converted_by: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class Citation(Record):
    """One mention of a cited instrument: one row of citations.csv."""

    TABLE: ClassVar[str] = "citations"
    doc_id: str | None = None
    instrument_id: str | None = None
    instrument_key: str | None = None
    name: str | None = None
    type: str | None = None
    year: int | None = None
    date: str | None = None
    issuer: str | None = None
    scope: str | None = None
    basis: bool | None = None
    in_basis: bool | None = None
    short_form: bool | None = None
    date_cited: str | None = None
    issuer_cited: str | None = None
    mention: str | None = None
    start: int | None = None
    end: int | None = None
    page: int | None = None
    sentence: str | None = None


@dataclass(frozen=True)
class Instrument(Record):
    """One distinct instrument (instrument_key): one row of instruments.csv."""

    TABLE: ClassVar[str] = "instruments"
    instrument_key: str | None = None
    instrument_id: str | None = None
    name: str | None = None
    type: str | None = None
    year: int | None = None
    date: str | None = None
    issuer: str | None = None
    scope: str | None = None
    n_documents: int | None = None
    n_mentions: int | None = None
    n_basis: int | None = None
    dates_cited: str | None = None
    issuers_cited: str | None = None
    types_cited: str | None = None
    conflicts: str | None = None
    doc_ids: str | None = None


@dataclass(frozen=True)
class Link(Record):
    """A plan's relation to a cited instrument: one row of links.csv."""

    TABLE: ClassVar[str] = "links"
    doc_id: str | None = None
    instrument_key: str | None = None
    instrument_id: str | None = None
    relation: str | None = None
    cue: str | None = None
    linked_doc_id: str | None = None
    mention: str | None = None
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class Recipient(Record):
    """One line of the "Nơi nhận" list: one row of recipients.csv."""

    TABLE: ClassVar[str] = "recipients"
    doc_id: str | None = None
    recipient: str | None = None
    purpose: str | None = None
    kind: str | None = None
    raw: str | None = None
    start: int | None = None
    end: int | None = None
    page: int | None = None


@dataclass(frozen=True)
class Channel(Record):
    """One communication-channel mention: one row of channels.csv."""

    TABLE: ClassVar[str] = "channels"
    doc_id: str | None = None
    channel: str | None = None
    mention: str | None = None
    platform: str | None = None
    url: str | None = None
    task: str | None = None
    section: str | None = None
    heading: str | None = None
    start: int | None = None
    end: int | None = None
    page: int | None = None


@dataclass(frozen=True)
class Body(Record):
    """One responsible body with its role: one row of bodies.csv."""

    TABLE: ClassVar[str] = "bodies"
    doc_id: str | None = None
    body: str | None = None
    body_norm: str | None = None
    body_type: str | None = None
    role: str | None = None
    mention: str | None = None
    task: str | None = None
    section: str | None = None
    heading: str | None = None
    start: int | None = None
    end: int | None = None
    page: int | None = None


@dataclass(frozen=True)
class Deadline(Record):
    """One deadline date or recurring duty: one row of deadlines.csv."""

    TABLE: ClassVar[str] = "deadlines"
    doc_id: str | None = None
    text: str | None = None
    date: str | None = None
    precision: str | None = None
    recurrence: str | None = None
    task: str | None = None
    body: str | None = None
    section: str | None = None
    heading: str | None = None
    start: int | None = None
    end: int | None = None
    page: int | None = None


@dataclass(frozen=True)
class Failure(Record):
    """Why a document could not be processed: one row of errors.csv."""

    TABLE: ClassVar[str] = "errors"
    doc_id: str | None = None
    source_path: str | None = None
    stage: str | None = None
    reason: str | None = None
    message: str | None = None


# metadata field -> (start column, end column) of its evidence in documents.csv
_METADATA_SPANS = {
    "issuer": ("issuer_start", "issuer_end"),
    "doc_number": ("number_start", "number_end"),
    "doc_symbol": ("number_start", "number_end"),
    "issue_date": ("date_start", "date_end"),
    "place": ("date_start", "date_end"),
    "title": ("title_start", "title_end"),
    "signer_name": ("signer_start", "signer_end"),
}


def metadata_evidence(meta: Metadata, name: str, text: str | None = None) -> Evidence | None:
    """The evidence of one metadata field (None when the field has no recorded span);
    `text` is the document's source text, to return the raw characters."""
    cols = _METADATA_SPANS.get(name)
    if cols is None:
        return None
    start, end = getattr(meta, cols[0]), getattr(meta, cols[1])
    if start is None or end is None:
        return None
    raw = text[start:end] if text is not None else getattr(meta, name)
    return Evidence(meta.doc_id, start, end, None, raw)


@dataclass(frozen=True)
class Document:
    """Everything extracted from one document."""

    metadata: Metadata
    citations: list[Citation] = field(default_factory=list)
    instruments: list[Instrument] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    recipients: list[Recipient] = field(default_factory=list)
    channels: list[Channel] = field(default_factory=list)
    bodies: list[Body] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    text: str = field(default="", repr=False)

    @property
    def doc_id(self) -> str | None:
        return self.metadata.doc_id

    def evidence(self, name: str) -> Evidence | None:
        """Evidence of a metadata field ("issuer", "doc_number", "issue_date", "title"...)."""
        return metadata_evidence(self.metadata, name, self.text)


RECORDS: dict[str, type[Record]] = {
    cls.TABLE: cls
    for cls in (Metadata, Citation, Instrument, Link, Recipient, Channel, Body, Deadline, Failure)
}
