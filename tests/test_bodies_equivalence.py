"""The optimised body finder (per-anchor branch subsets) finds exactly what the full body
pattern finds at every anchor: same spans, same types. Random word soup from the body
lexicon (fixed seed) and the development plans."""

from __future__ import annotations

import random

import pytest
from conftest import RAW

from pipeline.extract import bodies
from pipeline.normalize import TIMEOUT, normalize

WORDS = [
    "ban", "Nội", "vụ", "Tư", "pháp", "nhân", "dân", "tỉnh", "huyện", "xã", "phường", "thị", "trấn",
    "Khánh", "Hòa", "ngành", "sở,", "ban,", "chuyên", "môn", "đơn", "vị", "sự", "nghiệp", "trực",
    "thuộc", "Chỉ", "đạo", "huy", "Quân", "phận", "Một", "cửa", "Phát", "thanh", "và", "Truyền",
    "hình", "Mặt", "trận", "Tổ", "quốc", "Việt", "Nam", "chủ", "trì", "phối", "hợp", "-", ",", ";",
    "\n", "các", "cơ", "quan", "chính", "trị", "hội", "đảng", "Kiểm", "tra", "Đoàn", "Thanh", "niên",
    "UBND", "HĐND", "cấp", "ủy",
]


def reference(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """The finder as it was: the whole compiled body pattern tried at every anchor."""
    r = bodies.rules()
    end = len(text) if end is None else end
    out, last = [], start
    for pos in bodies._candidates(text, start, end, r.anchors):
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
