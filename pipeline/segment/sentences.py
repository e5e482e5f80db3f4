"""Sentences with offsets, split lazily.

underthesea's sent_tokenize ignores newlines, so the text is cut into blocks (lines, after
normalization has joined wrapped lines) first, and each block is split on demand: only the
blocks an extractor asks about are tokenized.
"""

from __future__ import annotations

from bisect import bisect_right

from underthesea import sent_tokenize


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
            for sent in sent_tokenize(block):
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
