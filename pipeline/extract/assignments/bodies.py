"""Responsible bodies and their roles: lead, support, requested, report_to, approve.

Body mentions are found with one pattern built from models/bodies.yaml (collective
phrases such as "các sở, ban, ngành") and the gazetteer of heads models/body_types.csv (HEAD
NAME LOCALITY: "Sở Nội vụ", "Phòng Văn hóa và Thông tin thị xã", "Ủy ban nhân dân các xã,
phường"), tried where an anchor word starts; only its branches that can start with the first
two words there are run (same matches). Lead bodies also come from the structure of the plan
(`structural`): labelled fields ("Đơn vị chủ trì: X"), the lead column of task tables and
the subjects of the items of the assignment sections.
Mentions joined by commas or "và" form one enumeration, which takes its role from the words
around it ("chủ trì", "giao ... tham mưu", "phối hợp với", "đề nghị", "báo cáo về", "trình"),
from the task-table column it sits in, or from the heading of the numbered section under
TỔ CHỨC THỰC HIỆN it is addressed to.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

import regex
from kehoach import places
from kehoach.context import DocContext
from kehoach.extract.assignments import common
from kehoach.extract.grammar.bodies import grammar as body_grammar
from kehoach.normalize import TIMEOUT
from kehoach.patterns import EndCue, Led, split_top, word_starts, word_starts_at
from kehoach.rules import Rules, compiled_for
from kehoach.segment.sections import SectionTree

SYL_CAP = r"\p{Lu}[\p{L}\p{M}]*"
_DASH = regex.compile(r"\s*-\s*")
_PLACE = regex.compile(r"[ ]+(\p{Lu}[\p{L}\p{M}]*(?:[ ]\p{Lu}[\p{L}\p{M}]*){0,3})")  # after a unit
# per-document helpers, compiled once
_PARENTHESIS = regex.compile(r"\s*\([^()]*\)")
_LIST_SEP = regex.compile(r"\s*(?:,|[ ]và[ ])\s*")
_FULL_STOP = regex.compile(r"\.(?:\s|$)")
_CLAUSE_END = regex.compile(r"[;]|\.(?:\s|$)")
_SENTENCE_STOP = regex.compile(r"[.;:](?:\s|$)")
SYL_LOW = r"\p{Ll}[\p{Ll}\p{M}]*"
WINDOW = 120  # characters of context read before/after an enumeration


@dataclass(frozen=True)
class BodyRules:
    # the body pattern's branches, in order: "(?P<c0>...)", "(?P<h3>...)"; the pattern is
    # their alternation between BOUND_BEFORE and BOUND_AFTER
    alternatives: tuple[str, ...]
    anchors: tuple[str, ...]  # first words of bodies: where the pattern is tried
    # each branch's first part followed by anything: text on which it has no (partial)
    # match cannot start that branch
    starts: tuple[regex.Pattern[str], ...]
    group_types: dict[str, str]  # named group -> body type ("c3", "h5")
    group_heads: dict[str, str]  # named group -> head kind ("collective", "name", ...)
    bare_heads: dict[str, regex.Pattern[str]]  # group -> the head alone ("Văn phòng")
    abbrev: regex.Pattern[str]
    abbrev_map: dict[str, str]
    level_names: dict[str, str]  # places level -> the level word of a body type
    roles: dict[str, regex.Pattern[str]]
    # the cues right before a body of `roles` ("phối hợp với "), tried from their end
    cues_before: dict[str, EndCue]
    organisation: tuple[str, ...]
    by_body: tuple[str, ...]
    heading_prefix: regex.Pattern[str]
    requested_heading: regex.Pattern[str]
    units: regex.Pattern[str]
    lead_labels: regex.Pattern[str] | None = None
    lead_label_scan: Led | None = None  # lead_labels, tried where its first words are
    subject_prefix: regex.Pattern[str] | None = None
    group_start: regex.Pattern[str] | None = None
    boilerplate: regex.Pattern[str] | None = None
    split_at: regex.Pattern[str] | None = None
    value_lines: int = 3
    name_tail: int = 6
    group_words: int = 25
    referring: regex.Pattern[str] | None = None
    predicate: regex.Pattern[str] | None = None
    apposition: regex.Pattern[str] | None = None
    run_in: regex.Pattern[str] | None = None
    norm_drop: regex.Pattern[str] | None = None
    opening_clause: regex.Pattern[str] | None = None
    distributive: regex.Pattern[str] | None = None
    member: regex.Pattern[str] | None = None
    distributive_types: dict[str, str] = field(default_factory=dict)
    # (casefolded) headings containing one of `organisation`, of `organisation` less
    # `by_body`, of `by_body`: one stdlib search for the literals of each list
    organisation_scan: re.Pattern[str] | None = None
    organisation_only_scan: re.Pattern[str] | None = None
    by_body_scan: re.Pattern[str] | None = None
    _patterns: dict[tuple[int, ...], regex.Pattern[str]] = field(default_factory=dict)
    _leads: dict[str, tuple[regex.Pattern[str], ...]] = field(default_factory=dict)

    def pattern_for(self, alts: tuple[int, ...]) -> regex.Pattern[str]:
        """The body pattern with only the branches `alts` (same order, same group names),
        compiled once."""
        pat = self._patterns.get(alts)
        if pat is None:
            body = "|".join(self.alternatives[i] for i in alts)
            pat = self._patterns[alts] = regex.compile(
                f"{BOUND_BEFORE}(?:{body}){BOUND_AFTER}", regex.V1)
        return pat

    @property
    def pattern(self) -> regex.Pattern[str]:
        """The whole body pattern (every branch)."""
        return self.pattern_for(tuple(range(len(self.alternatives))))

    def branches_at(self, lead: str) -> tuple[int, ...]:
        """The branches that may match text starting with `lead`: those whose first part
        matches it or is cut short by its end (partial match). A branch left out cannot
        match there."""
        return tuple(i for i, st in enumerate(self.starts)
                     if st.match(lead, partial=True, timeout=TIMEOUT) is not None)

    def patterns_at(self, lead: str) -> tuple[regex.Pattern[str], ...]:
        """Patterns to try in turn on text starting with `lead`: its branches in order, runs
        of short ones as one pattern, each long one (a head with its NAME, slow to compile)
        alone, so that each is compiled once whatever the lead. Trying `(?:a|b)X`, then
        `(?:c)X` finds the first match `(?:a|b|c)X` finds."""
        found = self._leads.get(lead)
        if found is None:
            if len(self._leads) >= LEAD_CACHE:
                self._leads.clear()
            runs: list[list[int]] = []
            for i in self.branches_at(lead):
                short = len(self.alternatives[i]) < SHORT_BRANCH
                if short and runs and len(self.alternatives[runs[-1][-1]]) < SHORT_BRANCH:
                    runs[-1].append(i)
                else:
                    runs.append([i])
            found = self._leads[lead] = tuple(self.pattern_for(tuple(run)) for run in runs)
        return found


SHORT_BRANCH = 2000  # characters: shorter branches are compiled together
BOUND_BEFORE = r"(?<![\p{L}\p{M}])"
BOUND_AFTER = r"(?![\p{L}\p{M}])"
ANY = r"[\s\S]*"
LEAD_CACHE = 20000  # distinct leads ("Sở Nội", "các cơ") remembered


def _alt(items: list[str]) -> str:
    return "|".join(sorted(items, key=len, reverse=True))


def _top_alternatives(pattern: str) -> list[str]:
    """The top-level branches of a regex alternation ("A|B(?:C|D)" -> ["A", "B(?:C|D)"])."""
    return split_top(pattern) or [pattern]


def compile_rules(rules: Rules) -> BodyRules:
    """The body finder of a rules folder: bodies.yaml and the heads of body_types.csv."""
    cfg: dict[str, Any] = rules.yaml("bodies.yaml")
    g = body_grammar(rules)
    heads = rules.csv("body_types.csv")
    # names with lower-case words or "và" kept whole ("Giáo dục và Đào tạo"): those of
    # bodies.yaml and the names of departments and ministries (grammar.bodies)
    named = [*cfg["name_phrases"], *g.names.departments,
             *(m.removeprefix("Bộ ") for m in g.names.ministries)]
    esc = [regex.escape(p).replace(r"\ ", " ") for p in dict.fromkeys(named)]
    phrases = _alt(esc)
    stop = _alt([regex.escape(s) for s in cfg["stop_syllables"]])
    low = f"(?:[ ](?!(?:{stop})(?![\\p{{L}}\\p{{M}}])){SYL_LOW})"
    cap_word = f"{SYL_CAP}(?<!(?<![\\p{{L}}])(?:Sở|Ban|Bộ|Phòng))"
    ref = "(?<![\\p{L}])(?:Sở|Ban|Bộ|Phòng)"
    word = f"(?:{phrases}|{cap_word}{low}{{0,{int(cfg['max_lower'])}}}|{ref})"
    head_starts = _alt([h["head"] for h in heads])
    name = (
        f"(?:{word}(?:[ ]+(?={SYL_CAP}){word}"
        # ("Sở Tài chính - Kế hoạch"; not "Sở Tài chính - Cơ quan thường trực ...": an apposition)
        f"|[ ]*-[ ]*(?!(?:{head_starts})(?![\\p{{L}}]))(?={SYL_CAP}){word}"
        f"|(?:,[ ]+|[ ]+và[ ]+)(?!(?:{head_starts})(?![\\p{{L}}]))(?={SYL_CAP}){word})*)"
    )
    # unit words, any case of their first letter ("thành phố", "Thành phố")
    # unit words of models/admin_units.csv, any case of their first letter ("thành phố",
    # "Thành phố", "TP.")
    units = g.unit("first")
    party = g.committee(abbreviations=True, space=" ")
    place = f"(?-i:{g.place(sep='[ ]', province='no')})"
    levels = f"cấp[ ]+(?:{units})(?:,[ ]*cấp[ ]+(?:{units}))*(?![\\p{{L}}])"  # "cấp tỉnh, cấp xã"
    loc = (f"(?:[ ]+(?:{levels}|{cfg['all_levels']}|(?:{units})(?![\\p{{L}}])(?:[ ]+{place})?"
           f"|(?:{party})(?![\\p{{L}}])))")
    unit_list = (
        f"(?:{units})(?:\\s*(?:,|và)\\s*(?:các\\s+)?(?:{units}))*(?![\\p{{L}}])"
        f"(?:[ ]+{place})?"
    )
    owner = f"(?:{cfg['owners']})(?:{loc})?"
    alts: list[str] = []
    starts: list[str] = []  # each alternative with its parts after the head left free
    group_types: dict[str, str] = {}
    group_heads: dict[str, str] = {}
    bare_heads: dict[str, regex.Pattern[str]] = {}
    for i, c in enumerate(cfg["collectives"]):
        pat = (c["pattern"].replace("{GROUPS}", cfg["groups"]).replace("{LOC}", f"(?:{loc})?")
               .replace("{UNITS}", unit_list)
               .replace("{OWNER}", owner))
        alts.append(f"(?P<c{i}>(?i:{pat}))")
        free = c["pattern"]
        for slot in ("{GROUPS}", "{LOC}", "{UNITS}", "{OWNER}"):
            free = free.replace(slot, ANY)
        starts.append(f"(?i:{free})")
        group_types[f"c{i}"] = c["type"]
        group_heads[f"c{i}"] = "collective"
    region = r"(?:[ ]+khu[ ]+vực[ ]+(?:[IVXL]+|\d+))"
    central = r"(?:[ ]+trực[ ]+thuộc[ ]+(?:T|t)rung[ ]+ương)"  # "các tỉnh, thành phố trực thuộc .."
    for i, h in enumerate(heads):
        kind = h["name"]
        head = f"(?:{h['head']})"
        if kind == "required":
            body = f"{head}[ ]+{name}{loc}?"
        elif kind == "optional":
            body = f"{head}(?:[ ]+{name})?{loc}?"
        elif kind == "locality":
            body = f"{head}(?:[ ]+(?:các[ ]+)?(?:cấp[ ]+)?{unit_list}{central}?|{loc})?"
        elif kind == "region":
            body = f"{head}(?:{region}|{loc})?"
        elif kind == "place":
            body = f"{head}{loc}"
        else:
            body = head
        alts.append(f"(?P<h{i}>{body})")
        starts.append(head)
        group_types[f"h{i}"] = h["type"]
        group_heads[f"h{i}"] = kind
        bare_heads[f"h{i}"] = regex.compile(head)
    # first words of the heads ("Kho bạc nhà nước" -> "Kho") and of the collectives
    head_words = {regex.split(r"[ (?:)|\\]", alt, maxsplit=1)[0]
                  for h in heads for alt in _top_alternatives(h["head"])}
    anchors = tuple(sorted(set(cfg["anchors"]) | {w for w in head_words if w}))
    abbrev = cfg["abbreviations"]
    abbrev_re = regex.compile(
        r"(?<![\p{L}&])(?:" + _alt([regex.escape(k) for k in abbrev]) + r")(?![\p{L}&])"
    )
    roles = {k: regex.compile(v) for k, v in cfg["roles"].items()}
    organisation = tuple(h.casefold() for h in cfg["organisation_headings"])
    by_body = tuple(h.casefold() for h in cfg["by_body_headings"])
    cues_before = {k: EndCue(v) for k, v in roles.items() if k.endswith("_before")}
    return BodyRules(
        alternatives=tuple(alts),
        anchors=anchors,
        starts=tuple(regex.compile(f"(?:{st}){ANY}", regex.V1) for st in starts),
        group_types=group_types,
        group_heads=group_heads,
        bare_heads=bare_heads,
        abbrev=abbrev_re,
        abbrev_map=dict(abbrev),
        level_names=dict(cfg["level_names"]),
        roles=roles,
        cues_before=cues_before,
        organisation=organisation,
        by_body=by_body,
        organisation_scan=_literals(organisation),
        organisation_only_scan=_literals([h for h in organisation if h not in by_body]),
        by_body_scan=_literals(by_body),
        run_in=regex.compile(cfg["run_in"]),
        norm_drop=regex.compile(cfg["norm_drop"]),
        opening_clause=regex.compile(cfg["opening_clause"]),
        heading_prefix=regex.compile(cfg["heading_prefix"]),
        requested_heading=regex.compile(cfg["requested_heading"]),
        units=regex.compile(rf"(?<![\p{{L}}])(?:{units})(?![\p{{L}}])"),
        lead_labels=regex.compile(cfg["lead_labels"]),
        lead_label_scan=Led(regex.compile(cfg["lead_labels"])),
        subject_prefix=regex.compile(cfg["subject_prefix"]),
        group_start=regex.compile(cfg["group_start"]),
        boilerplate=regex.compile(cfg["boilerplate"]),
        split_at=regex.compile(cfg["split_at"]),
        value_lines=int(cfg["value_lines"]),
        name_tail=int(cfg["name_tail"]),
        group_words=int(cfg["group_words"]),
        referring=regex.compile(cfg["referring"]),
        predicate=regex.compile(cfg["predicate"]),
        apposition=regex.compile(cfg["apposition"]),
        distributive=regex.compile(cfg["distributive"]["pattern"]),
        distributive_types=dict(cfg["distributive"]["types"]),
        member=regex.compile(rf"(?:{phrases}|\p{{Lu}}[^,;().:\n]{{0,40}}?)"
                             r"(?=[ \t]*(?:,|[ ]và[ ]|[;().:\n]|$))"),
    )


def _literals(words: list[str] | tuple[str, ...]) -> re.Pattern[str] | None:
    """A stdlib pattern whose `search` finds whether a text contains one of `words` (None:
    no words, nothing is found)."""
    return re.compile("|".join(re.escape(w) for w in words)) if words else None


def _contains(scan: re.Pattern[str] | None, text: str) -> bool:
    return scan is not None and scan.search(text) is not None


def rules(source: Rules | None = None) -> BodyRules:
    """The body finder compiled from `source` (default: the shipped rules), once per rules
    folder."""
    return compiled_for(source, "extract.bodies", compile_rules)


@dataclass
class Mention:
    start: int  # normalized offsets
    end: int
    text: str
    type: str
    head: str  # collective / required / optional / locality / none
    bare: bool = False  # a head without its name ("Văn phòng")


@dataclass
class Assignment:
    mention: Mention
    role: str


def _lead(text: str, pos: int, end: int) -> str:
    """The text from `pos` (a word start) to the end of its second whitespace-separated
    token when a third one follows within PROBE_CHARS (never past `end`), else those
    PROBE_CHARS: what decides whether a body may start at `pos`."""
    stop = min(end, pos + PROBE_CHARS)
    m = _TWO_TOKENS.match(text, pos, stop)
    return m.group() if m is not None else text[pos:stop]


PROBE_CHARS = 40
# two tokens with a third after them (the stdlib's \s and \S are str.split's whitespace)
_TWO_TOKENS = re.compile(r"\S+\s+\S+(?=\s+\S)")


def find_mentions(text: str, start: int = 0, end: int | None = None,
                  r: BodyRules | None = None) -> list[Mention]:
    r = r or rules()
    end = len(text) if end is None else end
    out = []
    last = start
    # `_mention_at` spelled out for the many anchors no branch can start with ("các hoạt
    # động", "thủ tục"): their lead is looked up in the cache of `patterns_at` directly
    two_tokens, leads = _TWO_TOKENS.match, r._leads
    for pos in word_starts(text, start, end, r.anchors):
        if pos < last:
            continue
        stop = min(end, pos + PROBE_CHARS)
        m = two_tokens(text, pos, stop)
        lead = m.group() if m is not None else text[pos:stop]
        pats = leads.get(lead)
        if pats is None:
            pats = r.patterns_at(lead)
        if not pats:
            continue
        found = _mention_with(text, pos, end, r, pats)
        if found is not None:
            last = found.end
            out.append(found)
    return out


def _mention_at(text: str, pos: int, end: int, r: BodyRules) -> Mention | None:
    """The body starting at `pos` (where an anchor word starts), if any."""
    return _mention_with(text, pos, end, r, r.patterns_at(_lead(text, pos, end)))


def _mention_with(text: str, pos: int, end: int, r: BodyRules,
                  pats: tuple[regex.Pattern[str], ...]) -> Mention | None:
    """The body starting at `pos` found by the first of `pats` (`patterns_at`) that matches."""
    for pat in pats:
        m = pat.match(text, pos, end, None, False, TIMEOUT)
        if m is not None:
            break
    else:
        return None
    group = m.lastgroup or ""
    kind = r.group_heads.get(group, "")
    mtext = " ".join(m.group().split())
    head = r.bare_heads.get(group)
    bare = kind == "optional" and head is not None and \
        head.fullmatch(mtext, None, None, None, False, TIMEOUT) is not None
    return Mention(m.start(), m.end(), mtext, r.group_types.get(group, ""), kind, bare)


def mention_starting(text: str, start: int, end: int, skip: str,
                     r: BodyRules | None = None) -> Mention | None:
    """`find_mentions(text, start, end)[0]` if only characters of `skip` come before it,
    else None, without searching the rest: that first mention can only start at the first
    character not in `skip` (anchors are words), so only that position is tried."""
    r = r or rules()
    pos = start
    while pos < end and text[pos] in skip:
        pos += 1
    if pos >= end:
        return None
    if not word_starts_at(text, pos, end, r.anchors):
        return None
    return _mention_at(text, pos, end, r)


def expand(text: str, r: BodyRules | None = None) -> str:
    """Abbreviations expanded, whitespace collapsed, first letter upper-cased."""
    r = r or rules()
    out = r.abbrev.sub(lambda m: r.abbrev_map[m.group()], " ".join(text.split()))
    return out[:1].upper() + out[1:]


def normalise(text: str, ctx: DocContext, r: BodyRules | None = None) -> str:
    """Canonical name: abbreviations expanded, the plan's own locality name dropped
    ("Sở Xây dựng tỉnh Khánh Hòa" -> "Sở Xây dựng tỉnh")."""
    r = r or rules()
    out = expand(text, r)
    loc = ctx.locality
    names = [n for n in (getattr(loc, "province", None), getattr(loc, "district", None)) if n]
    for n in names:
        out = _own_place(r.units.pattern, n).sub("", out, 0, None, None, None, TIMEOUT)
    return " ".join(out.split())


def canonical(body: str, r: BodyRules | None = None) -> str:
    """A key to count one body across plans: the GUIDELINE name with the plural marker and
    "(có) liên quan" dropped and dashes spaced ("Các tổ chức chính trị-xã hội có liên quan"
    -> "Tổ chức chính trị - xã hội")."""
    r = r or rules()
    out = r.norm_drop.sub("", body, 0, None, None, None, TIMEOUT)
    if "-" in out:
        out = _DASH.sub(" - ", out, timeout=TIMEOUT)
    out = " ".join(out.split())
    return out[:1].upper() + out[1:] if out else body


@lru_cache(maxsize=256)
def _own_place(units: str, name: str) -> regex.Pattern[str]:
    """The plan's own place name after a unit word ("tỉnh Khánh Hòa")."""
    return regex.compile(rf"(?<=(?:{units})\s+){regex.escape(name)}(?![\p{{L}}])")


@cache
def _province_units() -> frozenset[str]:
    """Unit words of provinces ("tỉnh", "thành phố")."""
    return frozenset(p.unit for p in places.provinces().by_key.values())


def _level(u: regex.Match[str], text: str, r: BodyRules) -> str:
    """Level word of a unit word in a body name (models/admin_units.csv through
    kehoach.places): "xã" -> "xã", "thành phố Cần Thơ" -> "tỉnh"; "thành phố" with no place
    after it, a unit of provinces and of districts alike, -> "tỉnh/huyện"."""
    unit = places.unit_of(u.group())
    if unit is None:
        return ""
    place = _PLACE.match(text, u.end(), timeout=TIMEOUT)
    if place is None and unit.name in _province_units() and unit.level != "province":
        return "/".join(r.level_names[lv] for lv in ("province", unit.level))
    return r.level_names.get(places.unit_level(unit.name, place.group(1) if place else None) or "", "")


def body_type(m: Mention, r: BodyRules) -> str:
    if m.type == "ubnd":
        levels = {_level(u, m.text, r) for u in r.units.finditer(m.text, timeout=TIMEOUT)}
        levels.discard("")
        if len(levels) == 1:
            return f"ubnd cấp {levels.pop()}"
        return "ubnd"
    return m.type


def _chains(text: str, mentions: list[Mention], r: BodyRules) -> Iterator[list[Mention]]:
    """Enumerations: mentions separated only by commas, "và", "các"."""
    chain: list[Mention] = []
    for m in mentions:
        if chain and "\n" not in text[chain[-1].end : m.start] \
                and r.roles["glue"].match(text[chain[-1].end : m.start], None, None, None, False, TIMEOUT):
            chain.append(m)
            continue
        if chain:
            yield chain
        chain = [m]
    if chain:
        yield chain


def _organisation_section(t: SectionTree, pos: int, r: BodyRules):
    """The numbered section addressed by its heading under TỔ CHỨC THỰC HIỆN, if `pos` is in
    that heading."""
    i = t.index_at(pos)
    if i is None:
        return None
    sec = t.sections[i]
    if sec.kind not in ("num", "subnum", "letter") or pos < sec.body_start:
        return None
    line = t.line_at(sec.start)
    if line is None or pos >= line.end:
        return None
    top = [a for a in t.ancestors(sec.parent) if a.kind in ("roman", "part", "num")]
    if not top:
        return None
    heading = top[0].heading.casefold()
    if not _contains(r.organisation_scan, heading):  # (`organisation` is case folded)
        return None
    return sec


def extract(ctx: DocContext, r: BodyRules | None = None) -> list[tuple[Assignment, str]]:
    """Assignments with the table/heading cue they came from."""
    r = r or rules()
    text = ctx.text
    t = common.tree(ctx)
    cites = common.citation_spans(ctx)
    out: list[tuple[Assignment, str]] = []
    begin = t.first_section_start()
    all_mentions = find_mentions(text, 0, None, r)
    ctx.body_mentions = all_mentions
    mentions = [  # (cheap tests first)
        m for m in all_mentions if m.start >= begin
        and not t.in_closing(m.start)
        and not cites.overlaps(*ctx.norm.span_to_source(m.start, m.end))
        and not r.cues_before["possessive_before"].found(text, max(0, m.start - 10), m.start,
                                                         timeout=TIMEOUT)
        and not r.cues_before["exclude_before"].found(text, max(0, m.start - 30), m.start, timeout=TIMEOUT)
    ]
    # addressed headings, keyed by section start
    for chain in _chains(text, mentions, r):
        first, last = chain[0], chain[-1]
        block_start, block_end = t.block(first.start)
        before = text[max(block_start, first.start - WINDOW) : first.start]
        after = text[last.end : min(block_end, last.end + WINDOW)]
        roles: list[str] = []
        row = t.row_at(first.start)
        cell_role = None
        if row is not None:
            for c in row.cells:
                if c.start <= first.start < c.end + 1:
                    cell_role = c.role
        sec = _organisation_section(t, first.start, r)
        if cell_role in ("lead", "support"):
            roles.append(cell_role)
        elif sec is not None and r.heading_prefix.sub(
            "", text[sec.body_start : first.start], timeout=TIMEOUT
        ).strip(" :-") in ("", "các", "Các") and not _first_predicate_is_support(
                text, last.end, block_end, r) and not r.referring.match(
                text, last.end, block_end, timeout=TIMEOUT):
            roles.append("lead")
            if r.requested_heading.match(text[sec.body_start : first.start], timeout=TIMEOUT):
                roles.append("requested")
        elif (r.roles["lead_after"].match(after, None, None, None, False, TIMEOUT)
              or r.roles["lead_aside"].match(after, None, None, None, False, TIMEOUT)) or (
            r.roles["assign_after"].match(after, None, None, None, False, TIMEOUT)  # (a match: cheaper first)
            and r.cues_before["assign_before"].found(before, timeout=TIMEOUT)
        ):
            roles.append("lead")
        elif r.cues_before["requested_before"].found(before, timeout=TIMEOUT):
            roles.append("requested")
        elif (r.cues_before["support_before"].found(before, timeout=TIMEOUT)
              or r.roles["support_after"].match(after, None, None, None, False, TIMEOUT)):
            roles.append("support")
        elif r.cues_before["approve_before"].found(before, timeout=TIMEOUT):
            roles.append("approve")
        elif r.cues_before["report_before"].found(before, timeout=TIMEOUT):
            clause = before[max(before.rfind(";"), before.rfind(". ")) + 1 :]
            if r.roles["report_context"].search(clause, timeout=TIMEOUT):
                roles.append("report_to")
        for role in roles:
            for m in chain:
                out.append((Assignment(m, role), cell_role or ("heading" if sec else "text")))
    return out


def _in_organisation(t: SectionTree, i: int | None, r: BodyRules) -> bool:
    """Whether section `i` lies under a heading of `organisation_headings` (one of
    `by_body_headings` only when the item under it is headed by a body)."""
    inner = None  # the section on the path just under `sec`
    for sec in t.ancestors(i):
        if sec.kind in ("roman", "part", "num", "subnum"):
            heading = sec.heading.casefold()
            if _contains(r.organisation_only_scan, heading):
                return True
            if inner is not None and _contains(r.by_body_scan, heading):
                line = t.line_at(inner.start)
                if mention_starting(t.text, inner.body_start, line.end if line else inner.body_start,
                                    " \t", r) is not None:
                    return True
        inner = sec
    return False


def _names(text: str, start: int, end: int, r: BodyRules, whole: bool,
           label: bool = False, groups: bool | None = None) -> list[Mention]:
    """The bodies a name list `text[start:end]` gives, split at ";" and at a comma or "và"
    followed by a body with its own head. With `whole`, each part is the name as written
    ("Các doanh nghiệp viễn thông, tổ chức, cá nhân có liên quan"); else the body mention
    it starts with. Parts that start with no body (nor a group, with `whole`) end the list."""
    if groups is None:  # groups outside the gazetteer: only in item headings
        groups = whole and not label
    lists = [(d, _members(text, d, r)) for d in r.distributive.finditer(text, start, end,
                                                                        timeout=TIMEOUT)]
    lists = [(d, ms) for d, ms in lists if ms]
    cuts = [start]
    first = mention_starting(text, start, end, " \t", r)
    inside = first.end if first is not None else start  # never cut inside a body's name
    for m in r.split_at.finditer(text, start, end, timeout=TIMEOUT):
        if m.start() < inside or any(d.start() <= m.start() < ms[-1].end for d, ms in lists):
            continue
        nxt = mention_starting(text, m.end(), end, "", r)
        if m.group().strip() == ";" or nxt is not None \
                or (groups and r.group_start.match(text[m.end():end], timeout=TIMEOUT)
                    and text.startswith(("các ", "Các "), m.end())):
            cuts.append(m.start())
            cuts.append(m.end())
            inside = nxt.end if nxt is not None else m.end()
    cuts.append(end)
    out: list[Mention] = []
    for a, b in zip(cuts[::2], cuts[1::2], strict=False):
        members = [mm for d, ms in lists if a <= d.start() < b for mm in ms]
        if members:  # "(gồm) các Sở: Tài chính, Xây dựng": the bodies listed
            out += members
            continue
        m = first if (a, b) == (start, end) else mention_starting(text, a, b, " \t", r)
        tail = len(text[m.end : b].split()) if m is not None else 0
        if m is not None and (not whole or (label and tail > r.name_tail) or (
                tail and r.predicate.search(text, m.end, b, timeout=TIMEOUT))
                or r.apposition.match(text, m.end, b, timeout=TIMEOUT)):
            out.append(m)  # (a longer tail with a verb is a predicate, not part of the name)
            continue
        part = text[a:b]
        part = _PARENTHESIS.sub("", part, timeout=TIMEOUT).strip(" \t.:;,")
        if not part:
            continue
        if m is None and not (groups and r.group_start.match(part, timeout=TIMEOUT)):
            break
        out.append(Mention(a, a + len(text[a:b].rstrip(" \t.:;,")), " ".join(part.split()),
                           m.type if m else "nhóm", m.head if m else "collective"))
    return out


def _members(text: str, d: regex.Match[str], r: BodyRules) -> list[Mention]:
    """The bodies of a distributive list ("các Sở: Tài chính, Nội vụ và Y tế" -> "Sở Tài
    chính", "Sở Nội vụ", "Sở Y tế"): the head before each name of the list."""
    head = d.group("head")
    head = head[0].upper() + head[1:]
    out: list[Mention] = []
    pos, end = d.end(), len(text)
    while pos < end:
        m = r.member.match(text, pos, end, timeout=TIMEOUT)
        if m is None:
            break
        name = " ".join(m.group().split())
        out.append(Mention(m.start(), m.end(), f"{head} {name}", r.distributive_types[head.casefold()],
                           "required"))
        sep = _LIST_SEP.match(text, m.end(), end, timeout=TIMEOUT)
        if sep is None:
            break
        pos = sep.end()
    return out


def _label_value_end(t: SectionTree, text: str, pos: int, r: BodyRules) -> int:
    """Where the value of a labelled field starting at `pos` ends: its line, continued over
    the next lines of a hard-wrapped paragraph (no blank line, no bullet, marker or label
    between) up to `value_lines` lines, cut at the first full stop."""
    line = t.line_at(pos)
    end = line.end if line is not None else min(len(text), pos + 200)
    for _ in range(r.value_lines - 1):
        if text[end - 1 : end] in (".", ";") or text[end : end + 1] != "\n":
            break
        nxt = t.line_at(end + 1)
        if nxt is None or nxt.start != end + 1 or nxt.bullet or t.index_at(nxt.start) is None:
            break
        sec = t.sections[t.index_at(nxt.start)]
        first = text[nxt.start : min(nxt.end, nxt.start + 50)]
        if sec.start == nxt.start or ":" in first or r.lead_labels.match(text, nxt.start,
                                                                          timeout=TIMEOUT):
            break
        end = nxt.end
    stop = _FULL_STOP.search(text, pos, end, timeout=TIMEOUT)
    return stop.start() if stop else end


def _first_predicate_is_support(text: str, start: int, end: int, r: BodyRules) -> bool:
    """Whether the first verb of the clause after a subject (`predicate`, "có/chịu trách
    nhiệm" and "chủ động" passed over) is "phối hợp"."""
    stop = _CLAUSE_END.search(text, start, end, timeout=TIMEOUT)
    for m in r.predicate.finditer(text, start, stop.start() if stop else end, timeout=TIMEOUT):
        verb = m.group().casefold()
        if "trách" in verb or verb.startswith("chủ động"):
            continue
        return r.roles["support_cue"].match(m.group(), timeout=TIMEOUT) is not None
    return False


def structural(ctx: DocContext, r: BodyRules) -> list[Mention]:
    """Lead bodies read from the structure of the plan: labelled fields ("Đơn vị chủ trì:
    X") and the subjects of the items of the assignment sections ("1. Sở Tài chính chủ trì",
    "2. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "3. Các doanh nghiệp công nghệ số")."""
    text = ctx.text
    t = common.tree(ctx)
    begin = t.first_section_start()
    out: list[Mention] = []
    for m in r.lead_label_scan.finditer(text, begin, timeout=TIMEOUT):
        if t.in_closing(m.start()):
            continue
        end = _label_value_end(t, text, m.end(), r)
        # the value's line breaks are wraps ("Sở\nKhoa học và Công nghệ"): same length
        value = text[m.end() : end].replace("\n", " ")
        if r.roles["support_cue"].search(value, timeout=TIMEOUT):
            continue  # a sentence with its own cues ("X chủ trì ...; Y phối hợp"): cue words
        for found in _names(value, 0, len(value), r, whole=True, label=True):
            found.start += m.end()
            found.end += m.end()
            out.append(found)
    for row in t.rows:  # the lead column of task tables: a name list like a labelled value
        cell = row.cell("lead")
        if cell is not None and cell.text:
            value = text[cell.start : cell.end].replace("\n", " ")
            if r.roles["support_cue"].search(value, timeout=TIMEOUT):
                continue
            for found in _names(value, 0, len(value), r, whole=True, groups=False):
                found.start += cell.start
                found.end += cell.start
                out.append(found)
    mentions = ctx.body_mentions or []
    starts = {mm.start: k for k, mm in enumerate(mentions)}
    in_org: dict[int, bool] = {}  # section index -> under an assignment heading
    lead_in = -1  # the line the bullets follow: does it end in "phối hợp" ("b) Chủ trì, phối hợp:")
    lead_in_support: dict[int, bool] = {}
    for n, line in enumerate(t.lines):
        if not line.bullet:
            lead_in = n
        if line.start < begin or line.section is None:
            continue
        sec = t.sections[line.section]
        if sec.start == line.start and sec.kind in ("num", "subnum", "letter"):
            pos, heading = sec.body_start, sec.kind != "letter"
        elif line.bullet:
            pos, heading = line.start + 1, False
            while pos < line.end and text[pos] in " \t":
                pos += 1  # ("- Đề nghị X": the prefix after the bullet's space)
            if lead_in >= 0 and lead_in not in lead_in_support:
                li = t.lines[lead_in]
                tail = text[max(li.start, li.end - 40) : li.end].rstrip(" \t:")
                lead_in_support[lead_in] = r.cues_before["support_before"].found(
                    tail, timeout=TIMEOUT)
            if lead_in_support.get(lead_in):
                continue  # the bullets name the co-operating bodies
        elif sec.kind in ("roman", "part") and line.start > sec.start:
            # a paragraph right under the assignment heading, no item of its own ("IV. TỔ
            # CHỨC THỰC HIỆN / Các sở, ban, ngành căn cứ Kế hoạch này triển khai ..."): its
            # subject, as an item's
            pos, heading = line.start, False
        else:
            continue
        org = in_org.get(line.section)
        if org is None:
            org = in_org[line.section] = (sec.kind != "row" and not t.in_closing(pos)
                                          and _in_organisation(t, line.section, r))
        if not org:
            continue
        item = text[pos : line.end]
        if r.boilerplate.search(item, None, None, None, False, TIMEOUT):
            continue
        pre = r.subject_prefix.match(text, pos, line.end, None, False, TIMEOUT)
        q = pre.end() if pre else pos
        while q < line.end and text[q] in " \t:":
            q += 1
        opening = r.opening_clause.match(text, q, line.end, None, False, TIMEOUT)
        if opening is not None and mention_starting(text, opening.end(), line.end, "", r):
            q = opening.end()  # ("Căn cứ Kế hoạch này, các sở, ban, ngành xây dựng ...")
        # a heading that is only a name list (no full stop, the item's text on the next
        # lines): the whole heading
        nxt = t.lines[n + 1] if n + 1 < len(t.lines) else None
        name_only = (heading and line.end - q <= 200 and nxt is not None
                     and nxt.section is not None
                     and any(a is sec for a in t.ancestors(nxt.section))
                     and not _SENTENCE_STOP.search(r.distributive.sub(
                         "", text[q : line.end].rstrip(" :"), timeout=TIMEOUT), timeout=TIMEOUT))
        first = mention_starting(text, q, line.end, "", r)
        if first is not None and r.referring.match(text, first.end, line.end, timeout=TIMEOUT):
            continue  # ("Các cơ quan được giao chủ trì ...": bodies named elsewhere)
        if name_only and (first is not None or r.group_start.match(text, q, line.end)):
            words = len(text[q : line.end].split())
            if first is not None or words <= r.group_words or r.distributive.search(
                    text, q, line.end, timeout=TIMEOUT):
                out += _names(text, q, line.end, r, whole=True)
                continue
        # a run-in heading "3. Các cơ quan, đơn vị thuộc tỉnh: Căn cứ ...": the name before
        # the colon, whole
        colon = r.run_in.match(text, q, line.end, None, False, TIMEOUT)
        if colon is not None and (first is not None or r.group_start.match(
                text, q, line.end)) and not r.predicate.search(text, q, colon.end(), timeout=TIMEOUT):
            out += _names(text, q, colon.end() - 1, r, whole=True, groups=True)
            continue
        if first is None:
            continue
        chain = [first]
        k = starts.get(first.start)
        if k is not None:
            for nxt in mentions[k + 1 :]:
                gap = text[chain[-1].end : nxt.start]
                if nxt.start >= line.end or "\n" in gap or not r.roles["glue"].match(
                        gap, timeout=TIMEOUT):
                    break
                chain.append(nxt)
        if not heading and _first_predicate_is_support(text, chain[-1].end, line.end, r):
            continue  # ("- X, căn cứ ..., có trách nhiệm phối hợp với Y": X supports)
        out += chain
    return out


def _resolve_bare(ctx: DocContext, m: Mention, named: list[Mention]) -> str:
    """A bare head ("Văn phòng") takes the full name used in the same block, else the most
    frequent full name with that head in the document."""
    t = common.tree(ctx)
    bs, be = t.block(m.start)
    same = [n for n in named if n.text.startswith(m.text + " ") and bs <= n.start < be]
    if same:
        return same[0].text
    counts: dict[str, int] = {}
    for n in named:
        if n.text.startswith(m.text + " ") and n.head != "collective":
            counts[n.text] = counts.get(n.text, 0) + 1
    if counts:
        return max(counts, key=lambda k: (counts[k], -len(k)))
    return m.text


def _as_written(ctx: DocContext, m: Mention) -> str:
    """The mention's text in the source (tone marks where the plan puts them: "Văn hoá"),
    when it is the same name (same length, no markup), else the normalized text; "Các"
    before a plural of named bodies."""
    a, b = ctx.norm.span_to_source(m.start, m.end)
    src = " ".join(ctx.norm.source[a:b].split())
    name = src if len(src) == len(m.text) and not any(c in src for c in "*#\\|_") else m.text
    if m.head in ("required", "optional") and ctx.text[max(0, m.start - 4) : m.start] in (
            "các ", "Các "):
        name = "Các " + name  # a plural of named bodies ("các Ban Xây dựng Đảng")
    return name


def run(ctx: DocContext) -> None:
    r = rules(ctx.rules)
    found = extract(ctx, r)
    leads = {(a.mention.start, a.mention.text) for a, _ in found if a.role == "lead"}
    whole = {}  # start -> the name read from the structure, which may go on after the mention
    for m in structural(ctx, r):
        if (m.start, m.text) not in leads:
            leads.add((m.start, m.text))
            found.append((Assignment(m, "lead"), "structure"))
            whole[m.start] = m.text
    # a lead mention cut short where the structure gives the whole name ("Ban Quản lý" of
    # "Ban Quản lý các khu công nghệ cao và khu công nghiệp") gives no row of its own
    found = [(a, cue) for a, cue in found if not (
        a.role == "lead" and cue != "structure" and whole.get(a.mention.start, a.mention.text)
        != a.mention.text and whole[a.mention.start].startswith(a.mention.text))]
    named = ctx.body_mentions or []
    rows = []
    spans = []
    names: dict[str, tuple[str, str]] = {}  # written -> (name, canonical name), once each
    types: dict[tuple[str, str], str] = {}
    for a, cue in found:
        m = a.mention
        written = _resolve_bare(ctx, m, named) if m.bare else _as_written(ctx, m)
        got = names.get(written)
        if got is None:
            name = normalise(written, ctx, r)
            got = names[written] = (name, canonical(name, r))
        name = got[0]
        kind = types.get((m.type, m.text))
        if kind is None:
            kind = types[m.type, m.text] = body_type(m, r)
        row = {
            "body": name,
            "body_norm": got[1],
            "body_type": kind,
            "role": a.role,
            "mention": m.text,
            "task": common.task_text(ctx, m.start),
            **common.base_row(ctx, m.start, m.end),
        }
        rows.append(row)
        spans.append((m.start, m.end, a.role, row["body"], cue))
        ctx.add("bodies", row)
    # normalized spans (start, end, role, body, cue) for the deadline extractor
    ctx.body_spans = spans


def body_for(ctx: DocContext, pos: int) -> str | None:
    """The body a task at `pos` is assigned to: the lead named in the same bullet or table
    row, else the body the enclosing section under TỔ CHỨC THỰC HIỆN is addressed to, else
    the first body the bullet names as support, else the body the bullet starts with."""
    t = common.tree(ctx)
    r = rules(ctx.rules)
    spans = ctx.body_spans or []
    bs, be = t.block(pos)
    in_block = [s for s in spans if bs <= s[0] < be]
    for s in in_block:
        if s[2] == "lead":
            return s[3]
    i = t.index_at(pos)
    for sec in t.ancestors(i):
        line = t.line_at(sec.start)
        if line is None:
            continue
        for s in spans:
            if sec.body_start <= s[0] < line.end and s[4] == "heading" and s[2] == "lead":
                return s[3]
    for s in in_block:
        if s[2] == "support":
            return s[3]
    # the subject of the bullet: a body right at its start ("- Các phòng ... hoàn thành")
    found = mention_starting(ctx.text, bs, min(be, bs + 200), " -+•*\t", r)
    return expand(found.text, r) if found is not None else None
