"""The regex speed machinery of kehoach.patterns against the plain calls it stands for."""

from __future__ import annotations

import random

import regex
from kehoach.extract import bodies, deadlines
from kehoach.patterns import EndCue, ends_anchored


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
