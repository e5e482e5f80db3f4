"""Communication channels (GUIDELINE "channels", 22 codes) of communication plans.

The lexicon is models/channels.jsonl, one spaCy-EntityRuler-style pattern a line:
`{"label": "radio", "pattern": "truyền thanh"}` (a phrase, matched case-insensitively as whole
words, any whitespace between words), `{"label": ..., "regex": ...}` (a regular expression,
for URLs and names) and `"platform"` for named social networks. A regex may name literals one
of which every match contains (`"requires"`, `"requires_any"`: it is not tried on text without
them) and say that no match includes or looks at a line break (`"one_line": true`: only the
lines holding such a literal are searched). Label "-" marks phrases that
are not channels ("ứng dụng công nghệ thông tin"): a channel phrase inside one is ignored.

Only plans whose subject is communication get channels (models/channel_rules.yaml), and only
the body of the plan counts: not the title and legal basis, not cited instruments, not the
recipients list.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

import regex
from kehoach.context import DocContext
from kehoach.extract.assignments import common
from kehoach.normalize import TIMEOUT
from kehoach.patterns import PhraseIndex, fold_spaces, lower, match_phrases, phrase_index
from kehoach.rules import Rules, compiled_for, model_path

NEGATIVE = "-"


WORD = regex.compile(r"\w+")


@dataclass(frozen=True)
class ChannelRules:
    phrases: PhraseIndex  # channel phrases by first word, longest first
    negatives: PhraseIndex  # phrases that are not channels
    by_phrase: dict[str, tuple[tuple[str, str | None], ...]]  # folded -> (label, platform)
    # (label, platform, pattern, literals one of which every match contains, whether a
    # match stays within one line)
    regexes: tuple[tuple[str, str | None, regex.Pattern[str], tuple[str, ...], bool], ...]
    subject: regex.Pattern[str]
    title_chars: int
    patterns: tuple[dict[str, Any], ...]  # the lexicon as loaded (saved with the spaCy model)


def compile_rules(rules: Rules) -> ChannelRules:
    """The channel finder of a rules folder: channels.jsonl and channel_rules.yaml."""
    return compile_lexicon(load_patterns(str(rules.path("channels.jsonl"))),
                           rules.yaml("channel_rules.yaml"))


def compile_lexicon(patterns: list[dict[str, Any]], cfg: dict[str, Any]) -> ChannelRules:
    by_phrase: dict[str, list[tuple[str, str | None]]] = {}
    regexes = []
    for p in patterns:
        if "pattern" in p:
            entry = (p["label"], p.get("platform"))
            labels = by_phrase.setdefault(fold_spaces(p["pattern"]), [])
            if entry not in labels:
                labels.append(entry)
        elif "regex" in p:
            needs = tuple(p.get("requires_any") or ([p["requires"]] if "requires" in p else []))
            regexes.append((p["label"], p.get("platform"), regex.compile(p["regex"]), needs,
                            bool(p.get("one_line"))))
    index = phrase_index

    negative = [k for k, v in by_phrase.items() if any(lab == NEGATIVE for lab, _ in v)]
    positive = [k for k, v in by_phrase.items() if any(lab != NEGATIVE for lab, _ in v)]
    cues = "|".join(regex.escape(c).replace(r"\ ", r"\s+") for c in cfg["subject_cues"])
    return ChannelRules(
        phrases=index(positive),
        negatives=index(negative),
        by_phrase={k: tuple(v) for k, v in by_phrase.items()},
        regexes=tuple(regexes),
        subject=regex.compile(rf"(?i)(?<![\p{{L}}])(?:{cues})(?![\p{{L}}])"),
        title_chars=int(cfg["title_chars"]),
        patterns=tuple(patterns),
    )


def load_patterns(path: str | None = None) -> list[dict[str, Any]]:
    with open(path or model_path("channels.jsonl"), encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def rules(source: Rules | None = None) -> ChannelRules:
    """The channel finder compiled from `source` (default: the shipped rules), once per
    rules folder."""
    return compiled_for(source, "extract.channels", compile_rules)


def title_text(ctx: DocContext, r: ChannelRules) -> str:
    title = ctx.document.get("title")
    if title:
        return str(title)
    first = common.tree(ctx).first_section_start() or r.title_chars
    end = min(first, r.title_chars)
    basis = common.basis_line(ctx.rules).search(ctx.text, 0, end, timeout=TIMEOUT)
    return ctx.text[: basis.start() if basis else end]


def is_communication_plan(ctx: DocContext, r: ChannelRules | None = None) -> bool:
    r = r or rules(ctx.rules)
    return r.subject.search(title_text(ctx, r), timeout=TIMEOUT) is not None


@dataclass
class ChannelMention:
    start: int
    end: int
    channel: str
    platform: str | None
    url: str | None


def find(text: str, start: int, end: int, r: ChannelRules) -> list[ChannelMention]:
    out: list[ChannelMention] = []
    low = lower(text[start:end])
    negatives = [(start + s, start + e) for s, e, _ in match_phrases(low, r.negatives, True)]
    for s, e, key in match_phrases(low, r.phrases, False):
        for label, platform in r.by_phrase.get(key, ()):
            if label != NEGATIVE:
                out.append(ChannelMention(start + s, start + e, label, platform, None))
    taken: list[tuple[int, int]] = []
    for label, platform, pat, needs, one_line in r.regexes:
        if needs and not any(n in text for n in needs):
            continue
        ranges = _lines_with(text, start, end, needs) if one_line and needs else [(start, end)]
        for m in (m for a, b in ranges for m in pat.finditer(text, a, b, timeout=TIMEOUT)):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            taken.append(m.span())
            if label == NEGATIVE:
                negatives.append(m.span())
                continue
            url = m.group().rstrip(".,;:") if label == "web_portal" else None
            out.append(ChannelMention(m.start(), m.start() + len(url or m.group()), label,
                                      platform, url))
    if negatives:
        # a phrase overlapping a non-channel phrase is dropped, unless it contains it
        # ("báo cáo viên" keeps, "các báo" in "các báo cáo" goes); the negatives that may
        # overlap a phrase start less than the longest negative before its end
        negatives.sort()
        starts = [s for s, _ in negatives]
        longest = max(e - s for s, e in negatives)
        out = [c for c in out if not any(
            s < c.end and c.start < e and not (c.start <= s and e <= c.end)
            for s, e in negatives[bisect_left(starts, c.start - longest) : bisect_left(starts, c.end)]
        )]
    out.sort(key=lambda c: (c.start, c.channel))
    return out


def _lines_with(text: str, start: int, end: int, literals: tuple[str, ...]) -> list[tuple[int, int]]:
    """The lines (without their line break, cut to start..end) holding one of `literals`,
    in text order."""
    found = set()
    for lit in literals:
        pos = text.find(lit, start, end)
        while pos >= 0:
            a = text.rfind("\n", start, pos) + 1 or start
            b = text.find("\n", pos, end)
            found.add((max(a, start), end if b < 0 else b))
            pos = text.find(lit, pos + 1, end)
    return sorted(found)


def run(ctx: DocContext) -> None:
    r = rules(ctx.rules)
    if not is_communication_plan(ctx, r):
        return
    t = common.tree(ctx)
    cites = common.citation_spans(ctx)
    begin = t.first_section_start()
    for c in find(ctx.text, begin, len(ctx.text), r):
        if t.in_closing(c.start):
            continue
        base = common.base_row(ctx, c.start, c.end)  # (its source offsets: those of the span)
        if cites.overlaps(base["start"], base["end"]):
            continue
        ctx.add("channels", {
            "channel": c.channel,
            "mention": " ".join(ctx.text[c.start : c.end].split()),
            "platform": c.platform,
            "url": c.url,
            "task": common.task_text(ctx, c.start),
            **base,
        })
