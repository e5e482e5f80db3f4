"""A spaCy view of a plan: a blank Vietnamese pipeline with an underthesea tokenizer whose
components put every extraction in `doc.spans` ("instrument", "channel", "body", "deadline").

    import kehoach.nlp, spacy
    nlp = kehoach.nlp.build()            # or: kehoach.nlp.save("my_pipeline"); spacy.load("my_pipeline")
    doc = nlp(text)
    doc.spans["body"][0]._.kh             # the extracted row: role, body_norm, task, ...

Extraction itself (`kehoach extract`) never builds a Doc: underthesea word segmentation is too
slow for whole documents at batch speed. The Doc is built on demand (`kehoach show`,
notebooks), once per document: `doc_from_context` reuses the rows already extracted.

Character offsets of the Doc are offsets in the source text (doc.text == source text).
Every rule table is saved with the pipeline (`nlp.to_disk`, `kehoach.nlp.save(path)`: a
`kehoach.rules.Rules` folder) and the loaded pipeline analyses with those tables.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import spacy
from kehoach.components import analyse
from kehoach.context import DocContext
from kehoach.document import SourceText
from kehoach.rules import Rules
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import registry
from spacy.vocab import Vocab
from underthesea import word_tokenize

KINDS = {"instrument": "citations", "channel": "channels", "body": "bodies",
         "deadline": "deadlines"}
LABEL_FIELD = {"instrument": "instrument_id", "channel": "channel", "body": "role",
               "deadline": "precision"}

if not Span.has_extension("kh"):
    Span.set_extension("kh", default=None)
if not Doc.has_extension("kh_ctx"):
    Doc.set_extension("kh_ctx", default=None)


class UndertheseaTokenizer:
    """underthesea word segmentation ("Ủy ban", "nhân dân" ...) aligned to the text, so that
    doc.text is exactly the input. Where underthesea rewrote a token, the words are split on
    whitespace instead."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        pos = 0
        for line_start, line in _lines(text):
            if pos < line_start:
                _add_ws(words, spaces, text[pos:line_start])
                pos = line_start
            for tok in word_tokenize(line) if line.strip() else []:
                found = text.find(tok, pos, line_start + len(line))
                gap = text[pos:found] if found >= 0 else ""
                if found < 0 or gap.strip():
                    continue  # rewritten token: left for the fallback below
                if gap:
                    _add_ws(words, spaces, gap)
                words.append(tok)
                spaces.append(False)
                pos = found + len(tok)
            rest_end = line_start + len(line)
            if pos < rest_end:  # anything underthesea did not give back verbatim
                for part in _split_keep(text[pos:rest_end]):
                    if part.isspace():
                        _add_ws(words, spaces, part)
                    else:
                        words.append(part)
                        spaces.append(False)
                pos = rest_end
        if pos < len(text):
            _add_ws(words, spaces, text[pos:])
        return Doc(self.vocab, words=words, spaces=spaces)

    def to_disk(self, path: Path, **kwargs: Any) -> None:
        pass

    def from_disk(self, path: Path, **kwargs: Any) -> UndertheseaTokenizer:
        return self

    def to_bytes(self, **kwargs: Any) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs: Any) -> UndertheseaTokenizer:
        return self


def _lines(text: str) -> Iterable[tuple[int, str]]:
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def _split_keep(s: str) -> list[str]:
    out: list[str] = []
    cur = ""
    for c in s:
        if cur and (c.isspace() != cur[-1].isspace()):
            out.append(cur)
            cur = ""
        cur += c
    if cur:
        out.append(cur)
    return out


def _add_ws(words: list[str], spaces: list[bool], ws: str) -> None:
    """Whitespace between tokens: one space becomes the previous token's trailing space."""
    if ws == " " and words and not spaces[-1]:
        spaces[-1] = True
        return
    if words and not spaces[-1] and ws.startswith(" "):
        spaces[-1] = True
        ws = ws[1:]
    if ws:
        words.append(ws)
        spaces.append(False)


@registry.tokenizers("kehoach.underthesea_tokenizer.v1")
def create_tokenizer() -> Callable[[Language], UndertheseaTokenizer]:
    def make(nlp: Language) -> UndertheseaTokenizer:
        return UndertheseaTokenizer(nlp.vocab)

    return make


class ExtractComponent:
    """Runs the document pipeline on the Doc's text (unless the Doc already carries a
    context with rows) with the rule tables of this pipeline: the shipped ones when built,
    the ones saved with it when loaded (`nlp.to_disk` saves every rule table)."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.rules = Rules.default()

    def __call__(self, doc: Doc) -> Doc:
        if doc._.kh_ctx is None:
            doc._.kh_ctx = extract_context(doc.text, self.rules)
        return doc

    def to_disk(self, path: Path, *, exclude: Iterable[str] = ()) -> None:
        self.rules.save(path)

    def from_disk(self, path: Path, *, exclude: Iterable[str] = ()) -> ExtractComponent:
        self.rules = Rules(path)
        return self


class SpansComponent:
    """Copies the rows of one table into doc.spans[kind], each row in span._.kh."""

    def __init__(self, nlp: Language, name: str, kind: str) -> None:
        self.name = name
        self.kind = kind

    def __call__(self, doc: Doc) -> Doc:
        ctx: DocContext | None = doc._.kh_ctx
        rows = ctx.tables.get(KINDS[self.kind], []) if ctx is not None else []
        spans = []
        for row in rows:
            if row.get("start") is None or row.get("end") is None:
                continue
            span = doc.char_span(int(row["start"]), int(row["end"]),
                                 label=str(row.get(LABEL_FIELD[self.kind]) or self.kind),
                                 alignment_mode="expand")
            if span is None:
                continue
            span._.kh = {k: v for k, v in row.items() if k != "doc_id"}
            spans.append(span)
        doc.spans[self.kind] = spans
        return doc


@Language.factory("kehoach_extract", assigns=["doc._.kh_ctx"])
def make_extract(nlp: Language, name: str) -> ExtractComponent:
    return ExtractComponent(nlp, name)


@Language.factory("kehoach_spans", default_config={"kind": "channel"},
                  requires=["doc._.kh_ctx"], assigns=["doc.spans"])
def make_spans(nlp: Language, name: str, kind: str) -> SpansComponent:
    if kind not in KINDS:
        raise ValueError(f"kehoach_spans: kind must be one of {sorted(KINDS)}, not {kind!r}")
    return SpansComponent(nlp, name, kind)


def extract_context(text: str, rules: Rules | None = None, path: str = "<spacy>") -> DocContext:
    """Run the document stages on `text` with `rules` (the shipped tables by default)."""
    source = SourceText(path=path, sha256=hashlib.sha256(text.encode()).hexdigest(), text=text)
    ctx = DocContext.from_source(source, rules)
    analyse(ctx)  # every stage compiles from ctx.rules
    return ctx


def build() -> Language:
    """The blank Vietnamese pipeline with the kehoach components."""
    nlp = spacy.blank("vi", config={"nlp": {
        "tokenizer": {"@tokenizers": "kehoach.underthesea_tokenizer.v1"}}})
    nlp.add_pipe("kehoach_extract")
    for kind in KINDS:
        nlp.add_pipe("kehoach_spans", name=f"kehoach_{kind}", config={"kind": kind})
    return nlp


def save(path: str | Path) -> Path:
    """Save the pipeline with every rule table (`spacy.load(path)` uses those tables)."""
    nlp = build()
    nlp.to_disk(path)
    return Path(path)


def doc_from_context(ctx: DocContext, nlp: Language | None = None) -> Doc:
    """The Doc of an already processed document: tokenized once, rows reused, nothing
    extracted twice."""
    nlp = nlp or build()
    doc = nlp.make_doc(ctx.source.text)
    doc._.kh_ctx = ctx
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return doc
