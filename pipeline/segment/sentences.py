"""Sentences with offsets, split lazily.

underthesea's sent_tokenize ignores newlines, so the text is cut into blocks (lines, after
normalization has joined wrapped lines) first, and each block is split on demand: only the
blocks an extractor asks about are tokenized.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from bisect import bisect_right
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import regex
from kehoach.normalize import TIMEOUT

_SENT_END = regex.compile(r"[.?!]")  # underthesea's sentence-ending characters
_MODULE = "underthesea.pipeline.sent_tokenize"


def _sent_tokenize_module() -> ModuleType:
    """underthesea's sentence tokenizer module. `import underthesea` imports its whole NLP
    stack (tagging models, requests, joblib: about half a second at every start-up) while the
    tokenizer module needs only the standard library: it is loaded from its own file, under
    a private name, unless underthesea is already imported."""
    if _MODULE in sys.modules:
        return sys.modules[_MODULE]
    top = importlib.util.find_spec("underthesea")  # found, not imported
    if top is None or not top.submodule_search_locations:
        raise ImportError("underthesea")
    path = Path(next(iter(top.submodule_search_locations)), "pipeline", "sent_tokenize", "__init__.py")
    spec = importlib.util.spec_from_file_location("kehoach._underthesea_sent_tokenize", path)
    if spec is None or spec.loader is None or not path.is_file():  # pragma: no cover
        return importlib.import_module(_MODULE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sent_tokenize(text: str) -> list[str]:
    """underthesea's `sent_tokenize` (imported when first used)."""
    from underthesea import sent_tokenize as tokenize

    return tokenize(text)


@cache
def _punkt() -> Any:
    """underthesea's sentence tokenizer object, when it is the Punkt-style scan
    `split_sentences` follows (else None: its own sent_tokenize is used)."""
    try:
        module = _sent_tokenize_module()
        module._load_model()
        tok = module.sentence_tokenizer
    except (ImportError, AttributeError, OSError, SyntaxError):  # pragma: no cover - another underthesea
        return None
    if getattr(tok, "SENT_END_CHARS", None) != frozenset(".?!") or not hasattr(
            tok, "_is_sentence_boundary"):
        return None  # pragma: no cover
    return tok


def split_sentences(text: str) -> list[str]:
    """What underthesea's `sent_tokenize(text)` gives, its scan jumping from one ".", "?" or
    "!" to the next instead of looking at every character (most of its time); the boundary
    test and abbreviations are underthesea's own (tests/test_sentences.py compares them)."""
    tok = _punkt()
    if tok is None:  # pragma: no cover
        return sent_tokenize(text)
    if not text or not text.strip():
        return []
    out: list[str] = []
    start = i = 0
    n = len(text)
    while True:
        m = _SENT_END.search(text, i, None, None, False, TIMEOUT)
        if m is None:
            break
        i = m.start()
        if text[i] == ".":
            dot_end = i
            while dot_end < n and text[dot_end] == ".":
                dot_end += 1
            if dot_end - i >= 3:  # an ellipsis: a boundary before a capital or the end
                after = dot_end
                while after < n and text[after] in " \t":
                    after += 1
                if after >= n or text[after].isupper():
                    sentence = text[start:dot_end].strip()
                    if sentence:
                        out.append(sentence)
                    while dot_end < n and text[dot_end] in " \t\n\r":
                        dot_end += 1
                    start = dot_end
                i = dot_end
                continue
        if tok._is_sentence_boundary(text, i):
            end = i + 1
            while end < n and text[end] in ".?!":
                end += 1
            sentence = text[start:end].strip()
            if sentence:
                out.append(sentence)
            while end < n and text[end] in " \t\n\r":
                end += 1
            start = i = end
            continue
        i += 1
    final = text[start:].strip()
    if final:
        out.append(final)
    return out


class Sentences:
    def __init__(self, text: str) -> None:
        self.text = text
        self._block_starts: list[int] = []
        self._block_ends: list[int] = []
        pos = 0
        for line in text.split("\n"):
            if line.strip():
                self._block_starts.append(pos)
                self._block_ends.append(pos + len(line))
            pos += len(line) + 1
        self._cache: dict[int, list[tuple[int, int]]] = {}

    def block_at(self, pos: int) -> tuple[int, int] | None:
        i = bisect_right(self._block_starts, pos) - 1
        if i < 0 or pos > self._block_ends[i]:
            return None
        return self._block_starts[i], self._block_ends[i]

    def blocks(self) -> list[tuple[int, int]]:
        return list(zip(self._block_starts, self._block_ends, strict=True))

    def _split(self, i: int) -> list[tuple[int, int]]:
        spans = self._cache.get(i)
        if spans is None:
            start, end = self._block_starts[i], self._block_ends[i]
            block = self.text[start:end]
            spans = []
            cursor = 0
            for sent in split_sentences(block):
                sent = sent.strip()
                found = block.find(sent, cursor) if sent else -1
                if found < 0:  # the tokenizer rewrote this sentence: it gets no span of its own
                    continue
                spans.append((start + found, start + found + len(sent)))
                cursor = found + len(sent)
            if not spans:
                spans = [(start, end)]
            self._cache[i] = spans
        return spans

    def sentence_at(self, pos: int) -> tuple[int, int] | None:
        """(start, end) of the sentence containing normalized offset `pos`."""
        i = bisect_right(self._block_starts, pos) - 1
        if i < 0 or pos > self._block_ends[i]:
            return None
        spans = self._split(i)
        for start, end in spans:
            if start <= pos < end:
                return start, end
        # between sentences (e.g. on a space): the following one, else the last
        for start, end in spans:
            if pos < start:
                return start, end
        return spans[-1]
