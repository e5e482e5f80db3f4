"""The regex speed machinery of kehoach.patterns against the plain calls it stands for."""

from __future__ import annotations

import random

import regex
from kehoach.extract.assignments import bodies, deadlines
from kehoach.patterns import EndCue, Led, ends_anchored, is_word_char, lead_literals, word_starts


def test_ends_anchored_reads_the_top_level_only():
    yes = [r"trước\s*$", r"(?:a|b)\s+$", r"(?<![\p{L}])của\s*$", r"[)\]]x$"]
    no = [r"a|b$", r"(a$)", r"[$]", r"\$", r"(?m)a$", r"a(?=b)$", r"a\b$", r"a"]
    assert all(ends_anchored(regex.compile(p)) for p in yes)
    assert not any(ends_anchored(regex.compile(p)) for p in no)


def test_end_cue_finds_what_search_finds():
    """On random windows of invented sentences, the backwards try at the end of the window
    says what `search` says, for every cue of the deadline and body rules."""
    words = ["trước", "ngày", "hoàn", "thành", "trong", "năm", "đến", "hết", "Phấn", "đấu",
             "phối", "hợp", "với", "đề", "nghị", "báo", "cáo", "về", "trình", "của", "giao",
             "cho", "Giám", "đốc", "thời", "gian", "thực", "hiện", ":", "(", ";", ".", "\n",
             "Sở", "Nội", "vụ", "Quý", "II/2026", "15/12/2026", "2030", "  ", "**"]
    rng = random.Random(7)
    text = " ".join(rng.choice(words) for _ in range(6000))
    r, b = deadlines.rules(), bodies.rules()
    cues = [r.cue_before, r.year_cue_before, r.target_before, r.not_target_before,
            r.label_before, r.link_before, *b.cues_before.values()]
    assert all(c.reverse is not None for c in cues)
    hits = 0
    for _ in range(3000):
        end = rng.randrange(len(text) + 1)
        start = max(0, end - rng.choice([0, 5, 30, 60, 80]))
        for c in cues:
            want = c.pattern.search(text, start, end) is not None
            assert c.found(text, start, end) == want, (c.pattern.pattern, text[start:end])
            assert c.found(text[start:end]) == (c.pattern.search(text[start:end]) is not None)
            hits += want
    assert hits > 100  # the windows do hold cues


def test_end_cue_falls_back_to_search():
    cue = EndCue(regex.compile(r"a|b$"))
    assert cue.reverse is None
    assert cue.found("xa y") and not cue.found("xy")


def test_lead_literals():
    read = {
        r"(?i:(?<![\p{L}])(?:cơ\s+quan|đơn\s+vị))": (("cơ", "đơn"), True),
        r"(?<![\p{L}])Báo\s+\p{Lu}": (("Báo",), False),
        r"(?:ab|cd)e": (("ab", "cd"), False),
        r"ab?c": (("a",), False),
        r"\.vn": ((".vn",), False),
    }
    for p, want in read.items():
        assert lead_literals(regex.compile(p)) == want, p
    for p in [r"a|b", r"(?:ab|\s)e", r"(?:ab)*c", r"[ab]c", r"\sab", r"(?i:σα)"]:
        assert lead_literals(regex.compile(p)) is None, p


def test_led_finds_what_finditer_finds():
    """On invented text in mixed case (with "ſ" and "İ", which a case-insensitive pattern
    matches as "s" and "i"), `Led.finditer` lists the matches of `finditer`, overlapped too."""
    words = ["Cơ", "quan", "CƠ", "QUAN", "chủ", "trì", "đơn", "vị", "ĐƠN", "VỊ", "thực", "hiện",
             ":", "Báo", "Nhân", "Dân", "báo", "chí", "so", "ſo", "chİ", "chi", "thường", "xuyên",
             "với", "kế", "hoạch", "\n", ",", "-", "phí", "kinh"]
    rng = random.Random(3)
    text = " ".join(rng.choice(words) for _ in range(5000))
    labels = ["Cơ quan chủ trì:", "ĐƠN VỊ THỰC HIỆN:", "cơ quan, đơn vị chủ trì thực hiện :"]
    parts = text.split("\n")
    text = "\n".join(p + (" " + rng.choice(labels) if rng.random() < 0.3 else "") for p in parts)
    pats = [bodies.rules().lead_labels, regex.compile(r"(?<![\p{L}])Báo\s+\p{Lu}"),
            regex.compile(r"(?i:so|chi)(?:\s+\w+)?"), regex.compile(r"(?i:ngân|kinh)\s+phí")]
    for pat in pats:
        led = Led(pat)
        assert led.leads is not None, pat.pattern
        found = 0
        for start, end in [(0, len(text)), (7, len(text) // 2), (len(text) // 3, len(text))]:
            for overlapped in (False, True):
                want = [m.span() for m in pat.finditer(text, start, end, overlapped=overlapped)]
                got = [m.span() for m in led.finditer(text, start, end, overlapped=overlapped)]
                assert got == want, pat.pattern
                found += len(want)
        assert found, pat.pattern


def _plain_word_starts(text: str, start: int, end: int, anchors: tuple[str, ...]) -> list[int]:
    """Every position of text[start:end] where an anchor starts as a whole word (word
    characters: `is_word_char`, marks included), one str.find loop per anchor."""
    out = set()
    for a in anchors:
        pos = text.find(a, start, end)
        while pos >= 0:
            after = pos + len(a)
            if (pos == 0 or not is_word_char(text[pos - 1])) and (
                    after >= len(text) or not is_word_char(text[after])):
                out.add(pos)
            pos = text.find(a, pos + 1, end)
    return sorted(out)


def test_word_starts_finds_every_whole_word_anchor():
    """The capital-run scan of `word_starts` against one search per anchor, on invented
    text with anchors glued to letters, digits, "_" and combining marks (a word character
    the stdlib's \\w refuses), in every window; anchors that are not plain word characters
    take the search one anchor at a time."""
    anchors = tuple(sorted({"Ban", "Bộ", "Sở", "UBND", "MTTQ", "MTTQVN", "Ủy", "các",
                            "cơ", "tổ", "Đoàn", "Thị", "Thành"}))
    pieces = ["Ban", "Bộ", "Sở", "UBND", "MTTQ", "MTTQVN", "Ủy", "ủy", "các", "cơ", "tổ", "tổng",
              "Đoàn", "Thị", "Thành", "Thànhh", "xBan", "Ban_", "2Bộ", "\u0301", "a\u0301",
              "Ban\u0301", " ", " ", "\n", ",", "(", "-", "Nội", "vụ", "\u00a0"]
    rng = random.Random(11)
    for _ in range(300):
        text = "".join(rng.choice(pieces) + rng.choice(["", " ", " "]) for _ in range(40))
        for start, end in [(0, len(text)), (3, len(text) - 2), (len(text) // 2, len(text))]:
            want = _plain_word_starts(text, start, end, anchors)
            assert word_starts(text, start, end, anchors) == want, (text, start, end)
    odd = ("Ban", "Ban-Bộ", "cơ")  # "-" is no word character: searched one anchor at a time
    text = "Ban-Bộ và Ban, cơ quan"
    assert word_starts(text, 0, len(text), odd) == _plain_word_starts(text, 0, len(text), odd)


def test_end_cue_skips_windows_without_its_literals():
    """A cue whose matches start with known literals is not tried on a window that lacks
    them, in any case of their letters ("CỦA", "ſ" for "s"), and says what search says."""
    cue = EndCue(regex.compile(r"(?i:(?<![\p{L}])(?:của|so|chi))\s*$"))
    assert cue.leads == ("chi", "của", "so") and cue.folded
    for text in ["theo đề nghị của ", "THEO ĐỀ NGHỊ CỦA  ", "Của", "ſo ", "xcủa ", "của Sở",
                 "", "so\n", "sở ", "chİ ", "CHI", "chı "]:
        for start in range(len(text) + 1):
            want = cue.pattern.search(text, start) is not None
            assert cue.found(text, start) == want, (text, start)


def test_lower_keeps_the_last_long_text_only_for_that_text():
    """`lower` hands back the kept lower case of the last long text when given the same
    text again (the same object, not recomputed), and never for another text of the same
    length; offsets stay those of the text ("İ" keeps one character)."""
    from kehoach.patterns import LOWER_KEPT, lower

    a = "Sở Nội Vụ " * (LOWER_KEPT // 5)
    b = a[:-3] + "İÂ "
    low_a = lower(a)
    copy = (a + "x")[:-1]  # an equal text, another object
    assert copy is not a and low_a == a.lower() and lower(copy) is low_a
    low_b = lower(b)
    assert len(low_b) == len(b) and low_b[:-3] == a.lower()[:-3] and low_b[-3:] == "İâ "
    assert lower(a) == a.lower() and lower(b) == low_b
    assert lower("ĐỀ NGHỊ") == "đề nghị"


def test_word_set_is_every_maximal_run_of_word_characters():
    """`word_set` (whitespace split, punctuation stripped and split) against the runs of
    `is_word_char` read one character at a time, on invented text with codes, dates,
    "_", combining marks and symbols that are not ASCII punctuation."""
    from kehoach.patterns import word_set

    def runs(text: str) -> frozenset[str]:
        out, cur = set(), []
        for c in text + " ":
            if is_word_char(c):
                cur.append(c)
            elif cur:
                out.add("".join(cur))
                cur = []
        return frozenset(out)

    pieces = ["sở", "nội", "vụ", "327/qđ-ubnd", "14/9/2021", "(báo", "chí),", "a_b", "x\u0301y",
              "tin\u0301/bài", "·", "ab·cd/x", "2021–2025", "--", "v.v.", "đài/", "«tin»", "\t", "\n", " ", "/", "3²"]
    rng = random.Random(2)
    for _ in range(500):
        text = "".join(rng.choice(pieces) + rng.choice([" ", "", "\n"]) for _ in range(30))
        got = word_set.__wrapped__(text)
        assert got is None or got == runs(text), text
        assert got is not None


def test_lead_skeleton():
    """The leading words of a pattern with the spaces between them, as a stdlib pattern."""
    from kehoach.patterns import lead_skeleton

    read = {
        r"(?i:(?<![\p{L}])(?:cơ\s+quan|đơn\s+vị)(?:\s*,\s*đơn\s+vị)?\s+chủ\s+trì)": r"(?:(?:cơ\s+quan|đơn\s+vị))",
        r"(?i:phối\s+hợp(?:\s+với)?|Giao\s+cho)\s*$": r"(?:phố[iİ]\s+hợp|g[iİ]ao\s+cho)",
        r"(?<![\p{L}])Báo\s+\p{Lu}": r"Báo\s+",
        r"ab?c": "a",
        r"Sở\s*-\s*Ban": r"Sở\s*\-\s*Ban",
    }
    for p, want in read.items():
        got = lead_skeleton(regex.compile(p))
        assert got is not None and got.pattern == want, (p, got)
    for p in [r"a|b", r"\sab", r"(?:ab)*c", r"(?i:σα)", r"(?V1)abc"]:
        assert lead_skeleton(regex.compile(p)) is None, p


def test_end_cue_with_words_and_spaces_between():
    """A cue whose leading words are separated by any space the regex module's \\s takes
    (no-break, em space, line break) is found as search finds it."""
    cue = EndCue(regex.compile(r"(?i:(?<!theo\s)đề\s+nghị|xin\s+ý\s+kiến)\s*$"))
    assert cue.scan is not None and r"\s+" in cue.scan.pattern
    for text in ["Đề nghị ", "đề\u00a0nghị", "ĐỀ\u2003\nNGHỊ  ", "theo đề nghị ", "đề xuất ", "đềnghị",
                 "XİN Ý KIẾN", "xin  ý\tkiến\n", "xin ý", "đề\x1cnghị"]:
        for start in range(len(text) + 1):
            assert cue.found(text, start) == (cue.pattern.search(text, start) is not None), (text, start)
