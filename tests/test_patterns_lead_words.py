"""kehoach.patterns (LeadWords, words_finditer, word_finditer) finds exactly what the pattern's own scan finds."""

from __future__ import annotations

import regex
from kehoach import patterns
from kehoach.patterns import LeadWords, first_word_key, first_words, word_finditer

TEXT = (
    "UBND tỉnh Lạng Sơn; Tỉnh ủy Lạng Sơn và thành phố Cần Thơ.\n"
    "hoàn thành kế hoạch của TỈNH LẠNG SƠN, tỉnh\nLạng Sơn; thành\nphố Cần Thơ; tỉnhX Lạng Sơn"
)
# a pattern led by an alternation of unit words, case-sensitive
UNIT = regex.compile(r"(?<!\p{L})(?:thành\s+phố|tỉnh|Tỉnh ủy|TỈNH)(?!\p{L})\s*"
                     r"(?P<name>\p{Lu}\p{Ll}*(?:\s+\p{Lu}\p{Ll}*)?)")
UNIT_WORDS = ["thành phố", "tỉnh", "Tỉnh ủy", "TỈNH"]


def spans(matches: list[regex.Match[str]]) -> list[tuple[tuple[int, int], str]]:
    return [(m.span(), m.group()) for m in matches]


def test_first_words_of_phrases() -> None:
    assert first_words(UNIT_WORDS) == ("TỈNH", "Tỉnh", "thành", "tỉnh")
    assert first_word_key("BCĐ389 tỉnh") == "bcđ"


def test_words_found_where_they_start_even_inside_another() -> None:
    w = LeadWords(["TTL", "TL", "ab"])
    assert w.starts("x TTL. abab") == [2, 3, 7, 9]
    assert w.starts("x TTL. abab", 3, 9) == [3, 7]
    assert LeadWords([]).starts("anything") == []


def test_finditer_is_the_pattern_scan() -> None:
    words = LeadWords(first_words(UNIT_WORDS))
    for pos, end in ((0, None), (5, None), (10, 70), (0, 40)):
        e = len(TEXT) if end is None else end
        expected = spans(list(UNIT.finditer(TEXT, pos, e)))
        assert spans(patterns.words_finditer(UNIT, TEXT, words, pos, e)) == expected
    assert len(spans(patterns.words_finditer(UNIT, TEXT, words))) == 6


def test_a_word_left_out_loses_its_matches() -> None:
    # the scan is only as good as its words: without "thành" the city is not found
    words = LeadWords(["tỉnh", "Tỉnh", "TỈNH"])
    found = [m.group("name") for m in patterns.words_finditer(UNIT, TEXT, words)]
    assert "Cần Thơ" not in found and "Lạng Sơn" in found


def test_search_from_a_position() -> None:
    words = LeadWords(first_words(UNIT_WORDS))
    starts = words.starts(TEXT)
    for pos in range(0, len(TEXT), 7):
        m = UNIT.search(TEXT, pos)
        got = patterns.words_search(UNIT, TEXT, starts, pos)
        assert (m and m.span()) == (got and got.span())


def test_word_finditer_case_insensitive_phrases() -> None:
    phrases = ["Sở Tư pháp", "Ủy ban nhân dân", "Ban Quản lý Khu kinh tế", "BCĐ389 tỉnh"]
    body = regex.compile(
        r"(?<![\p{L}\d])(?=\p{Lu})(?i:" + "|".join(p.replace(" ", r"\s+") for p in phrases) + r")(?!\p{L})"
    )
    keys = frozenset(first_word_key(p) for p in phrases)
    text = ("Theo đề nghị của SỞ TƯ PHÁP, Ủy ban nhân dân và Ban quản lý khu kinh tế; "
            "BCĐ389 TỈNH, ban Quản lý (lower case: no), XSở Tư pháp")
    expected = spans(list(body.finditer(text)))
    assert len(expected) == 4
    assert spans(word_finditer(body, text, keys)) == expected
    assert spans(word_finditer(body, text, keys, pos=30, endpos=90)) == spans(list(body.finditer(text, 30, 90)))
