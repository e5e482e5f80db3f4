"""The public API: `kehoach.extract(text)`, `kehoach.extract_file(path)`, `kehoach.extract_batch(paths)`.

    import kehoach
    doc = kehoach.extract(open("plan.txt", encoding="utf-8").read(), name="plan.txt")
    doc.metadata.issuer, [c.instrument_id for c in doc.citations]
    data = kehoach.extract_batch(["data/raw"], workers=2)    # the tables the CLI writes
    data.citations.head()

`extract` and `extract_file` return a typed `Document` (kehoach.model); `extract_batch` returns a
`Dataset` of pandas DataFrames, the same tables, columns and types `kehoach extract` writes.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from kehoach.components import analyse, run_components
from kehoach.context import DocContext
from kehoach.document import SourceText
from kehoach.export.writer import conform
from kehoach.model import RECORDS, Document, Metadata, Record
from kehoach.process import source_row
from kehoach.read import read_document
from kehoach.rules import Rules


def _document_row(source: SourceText, ctx: DocContext) -> dict[str, Any]:
    row: dict[str, Any] = {"source_path": source.path, **source_row(source)}
    row.update(ctx.document)
    row.update(status="ok", error=None, n_citations=len(ctx.tables.get("citations", [])))
    return row


def _records(cls: type[Record], df: pd.DataFrame) -> list[Any]:
    return [cls.from_row(row) for row in df.to_dict("records")]


def _rules(rules: Rules | str | os.PathLike[str] | None) -> Rules | None:
    if rules is None or isinstance(rules, Rules):
        return rules
    if not Path(rules).is_dir():
        raise FileNotFoundError(f"{rules}: no such folder of rule tables")
    return Rules(rules)


def _document(source: SourceText, rules: Rules | None = None) -> Document:
    ctx = analyse(DocContext.from_source(source, rules))
    tables = {name: pd.DataFrame(rows) for name, rows in ctx.tables.items()}
    tables["documents"] = pd.DataFrame([_document_row(source, ctx)])
    for _, component in run_components():  # instruments and links of this one document
        tables.update(component(tables))
    typed = {name: conform(name, tables.get(name)) for name in RECORDS if name != "errors"}
    return Document(
        metadata=Metadata.from_row(typed["documents"].iloc[0].to_dict()),
        citations=_records(RECORDS["citations"], typed["citations"]),
        instruments=_records(RECORDS["instruments"], typed["instruments"]),
        links=_records(RECORDS["links"], typed["links"]),
        recipients=_records(RECORDS["recipients"], typed["recipients"]),
        channels=_records(RECORDS["channels"], typed["channels"]),
        bodies=_records(RECORDS["bodies"], typed["bodies"]),
        deadlines=_records(RECORDS["deadlines"], typed["deadlines"]),
        text=source.text,
    )


def extract(text: str, *, name: str | None = None,
            rules: Rules | str | os.PathLike[str] | None = None) -> Document:
    """Extract everything from a text held in memory. `name` is recorded as its source_path.
    Offsets refer to `text` as given (line ends included). `rules`: a `kehoach.rules.Rules`
    or a folder of rule tables (default: the shipped ones)."""
    if not isinstance(text, str):
        raise TypeError(f"kehoach.extract expects str, not {type(text).__name__}; "
                        "use kehoach.extract_file for files")
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return _document(SourceText(path=name or "<text>", sha256=sha, text=text), _rules(rules))


def extract_file(path: str | os.PathLike[str], *,
                 rules: Rules | str | os.PathLike[str] | None = None) -> Document:
    """Read one file in any supported format (text, PDF, scans, DOCX, DOC...) and extract it
    (with `rules`, as `extract`). Raises kehoach.DocumentError naming the file and the problem."""
    return _document(read_document(str(path)), _rules(rules))


@dataclass
class Dataset:
    """The tables of a batch, as `kehoach extract` writes them (pandas DataFrames)."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    summary: str = ""

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(f"no table {name!r}; tables: {sorted(tables)}")

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]


def extract_batch(paths: Iterable[str | os.PathLike[str]], *, workers: int | None = None,
                  out_dir: str | os.PathLike[str] | None = None) -> Dataset:
    """Process files and folders over `workers` processes (default: all cores); one bad file
    never stops the others (see `dataset.errors`). With `out_dir`, the tables are also written
    there as the CLI writes them."""
    from kehoach.run import run

    summary = run(list(paths), Path(out_dir) if out_dir is not None else None, workers=workers)
    tables = {name: conform(name, df) for name, df in summary.tables.items() if name in _schema_tables()}
    return Dataset(tables=tables, summary=summary.line())


def _schema_tables() -> set[str]:
    from kehoach.export.schema import schemas

    return set(schemas())
