"""Building blocks for patterns compiled from rule tables."""

from __future__ import annotations

import regex


def alternation(words: list[str], space: str = r"\s+") -> str:
    """Regex alternation of literal `words`, longest first (so the longest phrase wins at a
    position), each space inside a phrase matching `space` (any run of whitespace by default:
    a phrase may be wrapped over two lines)."""
    return "|".join(
        regex.escape(w).replace(r"\ ", space) for w in sorted(set(words), key=len, reverse=True)
    )


def fold_spaces(text: str) -> str:
    """Whitespace collapsed and case folded: the key under which lexicon phrases are compared."""
    return " ".join(text.split()).casefold()
