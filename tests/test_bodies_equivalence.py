"""Optimised finders against plain references, on random word soup (fixed seed) and the
development plans: the body finder (grouped anchor search, per-anchor branch subsets) finds
exactly what the full body pattern finds when tried at every anchor word found by a plain
scan; phrase `Branches` find exactly what their single alternation finds."""

from __future__ import annotations

import random
import unicodedata

import pytest
import regex
from conftest import RAW
from kehoach.extract.assignments import bodies, deadlines
from kehoach.normalize import TIMEOUT, normalize
from kehoach.rules import load_yaml

WORDS = [
    "ban", "Nội", "vụ", "Tư", "pháp", "nhân", "dân", "tỉnh", "huyện", "xã", "phường", "thị", "trấn",
    "Khánh", "Hòa", "ngành", "sở,", "ban,", "chuyên", "môn", "đơn", "vị", "sự", "nghiệp", "trực",
    "thuộc", "Chỉ", "đạo", "huy", "Quân", "phận", "Một", "cửa", "Phát", "thanh", "và", "Truyền",
    "hình", "Mặt", "trận", "Tổ", "quốc", "Việt", "Nam", "chủ", "trì", "phối", "hợp", "-", ",", ";",
    "\n", "các", "cơ", "quan", "chính", "trị", "hội", "đảng", "Kiểm", "tra", "Đoàn", "Thanh", "niên",
    "UBND", "HĐND", "cấp", "ủy",
]


def plain_anchors(text: str, start: int, end: int, anchors: tuple[str, ...]) -> list[int]:
    """Every position where an anchor word starts as a whole word: one str.find loop per
    anchor, boundaries checked with str.isalnum (no shortcut of the optimised finder)."""
    out = set()
    for a in anchors:
        pos = text.find(a, start, end)
        while pos >= 0:
            after = pos + len(a)
            before_ok = pos == 0 or not (text[pos - 1].isalnum() or text[pos - 1] == "_"
                                         or unicodedata.combining(text[pos - 1]))
            after_ok = after >= len(text) or not (text[after].isalnum() or text[after] == "_"
                                                  or unicodedata.combining(text[after]))
            if before_ok and after_ok:
                out.add(pos)
            pos = text.find(a, pos + 1, end)
    return sorted(out)


def reference(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """The finder as it was: the whole compiled body pattern tried at every anchor."""
    r = bodies.rules()
    end = len(text) if end is None else end
    out, last = [], start
    for pos in plain_anchors(text, start, end, r.anchors):
        if pos < last:
            continue
        m = r.pattern.match(text, pos, end, timeout=TIMEOUT)
        if m is not None:
            last = m.end()
            out.append((m.start(), m.end(), r.group_types.get(m.lastgroup or "", "")))
    return out


def found(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    return [(m.start, m.end, m.type) for m in bodies.find_mentions(text, start, end)]


def test_random_word_soup() -> None:
    rnd = random.Random(7)
    words = list(bodies.rules().anchors) + WORDS
    hits = 0
    for _ in range(400):
        toks = [rnd.choice(words) for _ in range(rnd.randrange(2, 25))]
        if rnd.random() < 0.2:
            toks = [t.upper() for t in toks]
        sep = rnd.choice([" ", "  ", ", ", "\t"])
        text = sep.join(toks)
        s = rnd.randrange(0, len(text))
        e = rnd.randrange(s, len(text) + 1)
        for a, b in ((0, None), (s, e)):
            expected = reference(text, a, b)
            assert found(text, a, b) == expected, (text, a, b)
            hits += len(expected)
    assert hits > 200  # the soup does contain bodies


@pytest.mark.parametrize("path", sorted(RAW.glob("*.txt")), ids=lambda p: p.stem)
def test_development_plans(path: object) -> None:
    text = normalize(path.read_text(encoding="utf-8")).text  # type: ignore[attr-defined]
    expected = reference(text)
    assert found(text) == expected
    assert len(expected) > 20


@pytest.mark.parametrize(("name", "key"), [("exclude_branches", "exclude_phrases")])
def test_phrase_branches_match_their_alternation(name: str, key: str) -> None:
    b = getattr(deadlines.rules(), name)
    whole = regex.compile(b.whole)
    cfg = load_yaml("deadlines.yaml")
    phrases = cfg.get(key) or cfg["recurrence"][key]
    texts = [normalize(p.read_text(encoding="utf-8")).text for p in sorted(RAW.glob("*.txt"))]
    vocabulary = " ".join(texts).split()
    rnd = random.Random(11)
    for _ in range(300):
        parts = []
        for _ in range(rnd.randrange(3, 20)):
            if rnd.random() < 0.4:
                phrase = rnd.choice(phrases)
                phrase = phrase.upper() if rnd.random() < 0.2 else phrase
                parts.append(phrase.replace(" ", rnd.choice([" ", "  ", "\n"])))
                if rnd.random() < 0.6:
                    parts.append(str(rnd.randrange(1990, 2031)))
            else:
                parts.append(rnd.choice(vocabulary))
        texts.append(" ".join(parts))
    n = 0
    for text in texts:
        expected = [m.span() for m in whole.finditer(text, 0, len(text), timeout=TIMEOUT)]
        assert [m.span() for m in b.finditer(text, 0, len(text))] == expected, text
        n += len(expected)
    assert n > 100


def test_lead_is_the_first_two_tokens() -> None:
    """`_lead` (one stdlib match) against its definition with str.split, on invented text
    with every kind of whitespace str.split knows."""

    def split_lead(text: str, pos: int, end: int) -> str:
        chunk = text[pos : min(end, pos + bodies.PROBE_CHARS)]
        parts = chunk.split(None, 2)
        if len(parts) < 3:
            return chunk
        return chunk[: chunk.find(parts[1], len(parts[0])) + len(parts[1])]

    rng = random.Random(5)
    pieces = ["Sở", "Nội", "vụ", " ", "\t", "\n", "\u00a0", "\u2003", "\x1c", "x" * 30, ",", "Ủy ban"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 12)))
        for pos in range(len(text)):
            if text[pos].isspace():
                continue  # (a lead starts at a word)
            for end in (len(text), max(pos, len(text) - 3)):
                assert bodies._lead(text, pos, end) == split_lead(text, pos, end), (text, pos, end)
