"""`kehoach evaluate`: score an output folder against gold JSON files (GUIDELINE format).

Each scorer (models/pipeline.yaml, `evaluate:`) takes the gold documents, the output tables
and the gold-file -> doc_id match, and returns a Section of metrics and listed errors.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from kehoach.rules import load_yaml


@dataclass
class Metric:
    name: str
    value: float | None
    floor: float | None = None
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.floor is None or (self.value is not None and self.value >= self.floor)

    @property
    def measured(self) -> bool:
        return self.value is not None


@dataclass
class Section:
    title: str
    metrics: list[Metric] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    def metric(self, name: str) -> Metric:
        for m in self.metrics:
            if m.name == name:
                return m
        raise KeyError(name)


@dataclass
class Report:
    n_documents: int
    sections: list[Section]
    unmatched: list[str] = field(default_factory=list)

    def section(self, title: str) -> Section:
        for s in self.sections:
            if s.title == title:
                return s
        raise KeyError(title)

    @property
    def ok(self) -> bool:
        return all(m.ok for s in self.sections for m in s.metrics)

    def render(self, verbose: bool = True) -> str:
        out = [f"Evaluated {self.n_documents} documents against gold."]
        if self.unmatched:
            out.append(f"Gold files with no processed document: {', '.join(self.unmatched)}")
        for s in self.sections:
            out.append(f"\n== {s.title} ==")
            for m in s.metrics:
                val = "n/a" if m.value is None else f"{m.value:.3f}"
                floor = "" if m.floor is None else f"   (floor {m.floor:.2f}: {'ok' if m.ok else 'BELOW'})"
                detail = f"   [{m.detail}]" if m.detail else ""
                out.append(f"  {m.name:<32} {val}{floor}{detail}")
            if verbose and s.lines:
                out += [f"  {line}" for line in s.lines]
        return "\n".join(out) + "\n"


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def load_gold(gold_dir: Path) -> dict[str, dict[str, Any]]:
    out = {}
    for path in sorted(Path(gold_dir).glob("*.json")):
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        out[Path(data.get("file") or path.name).stem] = data
    return out


def load_tables(out_dir: Path) -> dict[str, pd.DataFrame]:
    """Every table as text columns ('' for empty). Parquet is read when present: it keeps the
    original text, where CSV cells that look like spreadsheet formulas start with an apostrophe."""
    tables = {}
    for path in sorted(Path(out_dir).glob("*.csv")):
        pq = path.with_suffix(".parquet")
        if pq.is_file():
            df = pd.read_parquet(pq)
            tables[path.stem] = pd.DataFrame(
                {c: df[c].astype("string").fillna("").astype(object) for c in df.columns},
                columns=df.columns)
        else:
            tables[path.stem] = pd.read_csv(path, dtype=str, keep_default_na=False,
                                            encoding="utf-8-sig")
    return tables


def evaluate_dir(gold_dir: Path, out_dir: Path) -> Report:
    gold = load_gold(gold_dir)
    tables = load_tables(out_dir)
    docs = tables.get("documents", pd.DataFrame(columns=["doc_id", "source_path", "status"]))
    by_stem: dict[str, str] = {}
    for row in docs.itertuples():
        if row.status == "ok":
            by_stem.setdefault(Path(row.source_path).stem, row.doc_id)
    matched = {stem: by_stem[stem] for stem in gold if stem in by_stem}
    unmatched = [stem for stem in gold if stem not in by_stem]
    # a gold document without output (failed, or missing) is scored against no rows at all:
    # every gold value is a miss, instead of silently leaving the document out
    scored = {**matched, **{stem: f"<no output: {stem}>" for stem in unmatched}}
    sections = []
    for ref in load_yaml("pipeline.yaml").get("evaluate") or []:
        module, _, name = ref.partition(":")
        scorer = getattr(importlib.import_module(module), name)
        section = scorer(gold, tables, scored)
        if not matched:  # nothing to measure: no score, rather than a vacuous 1.000
            for m in section.metrics:
                m.value, m.detail = None, "no document matched"
        sections.append(section)
    return Report(len(matched), sections, unmatched)
