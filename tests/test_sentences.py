"""Sentence splitting: `split_sentences` gives what underthesea's sent_tokenize gives."""

from __future__ import annotations

import random

from conftest import RAW
from kehoach.normalize import normalize
from kehoach.segment.sentences import Sentences, split_sentences
from underthesea import sent_tokenize


def test_split_sentences_is_sent_tokenize():
    blocks = []
    for path in sorted(RAW.glob("*.txt")):
        text = normalize(path.read_text(encoding="utf-8")).text
        blocks += [b for b in text.split("\n") if b.strip()]
    assert len(blocks) > 100
    rng = random.Random(5)
    chars = list("ab A.?!… \t\n1.2Tp.e.gXyzĐ....")
    blocks += ["".join(rng.choice(chars) for _ in range(rng.randrange(0, 60))) for _ in range(5000)]
    blocks += ["Xin chào. Tôi là An.", "Số 1.500.000 đồng. TP. Hà Nội", "Chờ... Rồi đi!? Xong",
               "v.v... và", "", "   "]
    for block in blocks:
        assert split_sentences(block) == sent_tokenize(block), repr(block)


def test_sentence_at():
    text = "Mục tiêu. Hoàn thành trước ngày 15/12/2026! Báo cáo kết quả\nDòng hai."
    s = Sentences(text)
    start, end = s.sentence_at(text.index("Hoàn"))
    assert text[start:end] == "Hoàn thành trước ngày 15/12/2026!"
    start, end = s.sentence_at(text.index("Dòng"))
    assert text[start:end] == "Dòng hai."
