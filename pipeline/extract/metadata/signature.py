"""Signature blocks: signing mode, signer's title and name.

A block is a run of title lines ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
followed within a few lines by a personal name, possibly with "(Đã ký)" lines and the
"Nơi nhận" column interleaved. The signer's title is the last title line; the signer's
own mode is the last mode written above it (TM. then KT. -> KT.).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import regex
from kehoach import patterns
from kehoach.extract.grammar.bodies import grammar as body_grammar
from kehoach.extract.metadata.layout import Cell, at_cell_start, collapse, iter_cells
from kehoach.normalize import TIMEOUT
from kehoach.patterns import alternation, first_words
from kehoach.rules import Rules, compiled_for


@dataclass
class Signature:
    title: str | None = None  # "Phó Chủ tịch"
    head_title: str | None = None  # the title the block is headed by, without "Phó"
    mode: str | None = None  # "KT."
    name: str | None = None
    mode_bodies: list[str] = field(default_factory=list)  # "ỦY BAN NHÂN DÂN" of "TM. ..."
    title_bodies: list[str] = field(default_factory=list)  # "SỞ NỘI VỤ" of "GIÁM ĐỐC SỞ NỘI VỤ"
    start: int = -1  # normalized offsets of the block (first title line .. name)
    end: int = -1
    name_start: int = -1
    name_end: int = -1


@dataclass(frozen=True)
class _Rules:
    hit: regex.Pattern[str]  # where a block may start (fast scan of the whole text)
    line: regex.Pattern[str]  # one title/mode cell
    skip: regex.Pattern[str]
    name: regex.Pattern[str]
    titles: dict[str, str]  # casefold -> canonical
    modes: dict[str, str]
    deputy: str
    deputy_modes: frozenset[str]
    window: int
    not_name: regex.Pattern[str]
    hit_words: patterns.LeadWords  # the words a match of `hit` starts with
    # a whole block flattened into one cell ("KT. CHỦ TỊCH PHÓ CHỦ TỊCH (Đã ký) Lê Văn Cường",
    # a scraped table cell whose line breaks were lost): its upper-case part, then the name
    # if it is there ("TM. ỦY BAN NHÂN DÂN CHỦ TỊCH", the name in the next cell)
    flat: regex.Pattern[str]
    flat_parts: regex.Pattern[str]  # where a mode or a title starts inside that part


def compile_rules(tables: Rules) -> _Rules:
    """The signature grammar of one rules folder (models/metadata.yaml; body heads of the
    body-phrase grammar)."""
    cfg = tables.yaml("metadata.yaml")
    heads_of_bodies = list(body_grammar(tables).names.heads)
    titles = {t.casefold(): t for t in cfg["signer_titles"]}
    deputy = cfg["deputy_prefix"]
    modes = {m.rstrip(".").upper(): m for m in cfg["signing_modes"]}
    modes.update({a.upper(): m for a, m in cfg["mode_aliases"].items()})
    mode_alt = "|".join(
        regex.escape(m) + (r"\." if m == "Q" else r"\.?")
        for m in sorted(modes, key=len, reverse=True)
    )
    title_up = alternation([t.upper() for t in titles], r"[ \t]+")
    title_any = alternation(list(titles.values()), r"[ \t]+")
    dep_up, dep_any = regex.escape(deputy.upper()), regex.escape(deputy)
    mode = rf"(?P<mode>(?:{mode_alt}))(?=[ \t]|\p{{Lu}})[ \t]*"
    line = regex.compile(
        rf"(?:{mode})?(?:(?P<dep>{dep_up}[ \t]+)?(?P<title>{title_up})(?!\p{{L}})"
        rf"(?P<more>(?:[ \t,]+[^\s\p{{Ll}}]+)*)"
        rf"|(?P<dep2>(?i:{dep_any})[ \t]+)?(?P<title2>(?i:{title_any})))$"
        rf"|{mode}(?P<body>\p{{Lu}}[^\n]*)$"
    )
    hit = regex.compile(
        rf"(?m)(?:(?:{mode_alt})(?=[ \t]|\p{{Lu}})"
        rf"|(?:{dep_up}[ \t]+)?(?:{title_up})(?!\p{{L}})"
        rf"|(?:{dep_any}[ \t]+)?(?:{title_any})[ \t]*$)"
    )
    skip = regex.compile("|".join(f"(?:{p})" for p in cfg["signature_skip"]))
    prefixes = alternation(cfg["name_prefixes"], r"[ \t]+")
    name = regex.compile(
        rf"(?:(?:{prefixes})[ \t]+)?(?P<n>\p{{Lu}}\p{{Ll}}*(?:[ \t]+\p{{Lu}}\p{{Ll}}*){{1,5}}"
        rf"|\p{{Lu}}+(?:[ \t]+\p{{Lu}}+){{1,5}})[ \t.]*"
    )
    heads = alternation(heads_of_bodies + [t.upper() for t in titles] + list(titles), r"[ \t]+")
    not_name = regex.compile(rf"(?i:{heads})(?!\p{{L}})|(?i:nơi nhận|kính gửi)")
    skips = "|".join(f"(?:{p})" for p in cfg["signature_skip"])
    flat = regex.compile(
        rf"(?P<head>(?:{mode_alt}|[^\p{{Ll}}\n])+?)(?:[ \t]+(?:(?P<skip>{skips})[ \t]+)?"
        rf"(?P<name>(?:(?:{prefixes})[ \t]+)?\p{{Lu}}\p{{Ll}}*(?:[ \t]+\p{{Lu}}\p{{Ll}}*){{1,5}}))?[ \t.]*")
    flat_parts = regex.compile(
        rf"(?<![^ \t])(?:(?P<mode>{mode_alt})(?=[ \t]|\p{{Lu}})[ \t]*|(?:{dep_up}[ \t]+)?(?:{title_up})(?!\p{{L}}))")
    return _Rules(
        flat=flat, flat_parts=flat_parts,
        hit=hit, line=line, skip=skip, name=name, titles=titles, modes=modes, deputy=deputy,
        deputy_modes=frozenset(cfg["deputy_modes"]), window=cfg["name_window_lines"],
        not_name=not_name,
        hit_words=patterns.LeadWords(first_words(
            [*modes, deputy.upper(), deputy, *(t.upper() for t in titles), *titles.values()])),
    )


def rules(tables: Rules | None = None) -> _Rules:
    """The signature grammar compiled from `tables` (the shipped rules by default), once."""
    return compiled_for(tables, "extract.signature", compile_rules)


def _mode(raw: str | None, r: _Rules) -> str | None:
    if not raw:
        return None
    return r.modes.get(raw.rstrip(".").upper())


def _title(raw: str, r: _Rules) -> str:
    return r.titles[collapse(raw).casefold()]


def _is_recipient(cell: Cell) -> bool:
    t = cell.text
    return (
        t[:1] in "-+•*–"
        or t.endswith((";", ","))
        or t.casefold().startswith(("nơi nhận", "lưu"))
    )


def person_name(cell: Cell, r: _Rules | None = None) -> str | None:
    """The cell as a personal name ("Nguyễn Văn Minh", "TRẦN NAM BÌNH" -> title case)."""
    r = r or rules()
    m = r.name.fullmatch(cell.text, timeout=TIMEOUT)
    if not m or len(m.group("n")) > 40 or r.not_name.match(m.group("n"), timeout=TIMEOUT):
        return None
    n = collapse(m.group("n"))
    if n.isupper():
        n = " ".join(w.capitalize() for w in n.split())
    return n


FLAT_MAX = 160  # characters: a longer cell is no flattened signature block


def _unflatten(cells: Iterator[Cell], r: _Rules) -> Iterator[Cell]:
    """The cells, a whole block flattened into one cell given as the cells it was: each mode
    with what follows it ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"), each title ("PHÓ CHỦ TỊCH"),
    a "(Đã ký)" and the name, on lines of their own."""
    for cell in cells:
        if len(cell.text) > FLAT_MAX or (m := r.flat.fullmatch(cell.text, timeout=TIMEOUT)) is None:
            yield cell
            continue
        head = m.group("head")
        cuts = []
        after_mode = -1
        for p in r.flat_parts.finditer(head, timeout=TIMEOUT):
            if p.start() != after_mode:  # a title right after its mode stays with it
                cuts.append(p.start())
            after_mode = p.end() if p.group("mode") else -1  # (a mode's match ends past its spaces)
        if not cuts or cuts[0] != 0 or (len(cuts) == 1 and not m.group("name")):
            yield cell  # not a block, or one line of one
            continue
        spans = [(a, b) for a, b in zip(cuts, [*cuts[1:], len(head)], strict=True)]
        spans += [m.span(g) for g in ("skip", "name") if m.group(g)]
        for k, (a, b) in enumerate(spans):
            piece = cell.text[a:b]
            lead = len(piece) - len(piece.lstrip())
            yield Cell(cell.start + a + lead, cell.start + a + len(piece.rstrip()),
                       piece.strip(), cell.line + k)


def _block(text: str, start: int, r: _Rules) -> tuple[Signature, int] | None:
    """The block whose first line starts at `start`; returns it and where it ends."""
    line_start = text.rfind("\n", 0, start) + 1
    sig = Signature()
    last_line = -1
    n_titles = 0
    deputy_seen = False
    for cell in _unflatten(iter_cells(text, line_start, min(len(text), line_start + 1500)), r):
        if cell.end <= start:
            continue
        m = r.line.match(cell.text, timeout=TIMEOUT)
        if m and (m.group("body") is None or m.group("mode")):
            if last_line >= 0 and cell.line - last_line > 3:
                break
            if sig.start < 0:
                sig.start = cell.start
            mode = _mode(m.group("mode"), r)
            if mode:
                sig.mode = mode
            if m.group("body"):
                sig.mode_bodies.append(collapse(m.group("body")))
            else:
                title = _title(m.group("title") or m.group("title2"), r)
                deputy = bool(m.group("dep") or m.group("dep2"))
                if sig.head_title is None:
                    sig.head_title = title  # the title the block is headed by
                sig.title = f"{r.deputy} {title}" if deputy else title
                n_titles += 1
                deputy_seen = deputy_seen or deputy
                if m.group("more") and m.group("more").strip():
                    sig.title_bodies.append(collapse(m.group("more")))
            sig.end = cell.end
            last_line = cell.line
            continue
        if last_line < 0:
            return None
        if cell.line - last_line > r.window:
            break
        if r.skip.fullmatch(cell.text, timeout=TIMEOUT) or _is_recipient(cell):
            continue
        name = person_name(cell, r)
        if name and n_titles:
            sig.name, sig.name_start, sig.name_end = name, cell.start, cell.end
            sig.end = cell.end
        break
    if not n_titles:
        return None
    if sig.mode in r.deputy_modes and n_titles == 1 and not deputy_seen and sig.title:
        # "KT. GIÁM ĐỐC" with no second line: a deputy signs
        sig.title = f"{r.deputy} {sig.title}"
    return sig, sig.end


def find(text: str, after: int = 0, r: _Rules | None = None) -> Signature | None:
    """The document's signature: the first block after `after` that ends with a name, else
    the last block without one (`r`: the grammar, by default of the shipped rules)."""
    r = r or rules()
    pos = after
    fallback: Signature | None = None
    hits = r.hit_words.starts(text, after)  # where a match of `hit` may start: only there
    while True:                             # is the pattern tried
        m = patterns.words_search(r.hit, text, hits, pos)
        if m is None:
            return fallback
        begin = m.start()
        if not at_cell_start(text, begin):
            pos = m.end()
            continue
        found = _block(text, begin, r)
        if found is None:
            pos = m.end()
            continue
        sig, end = found
        if sig.name:
            return sig
        fallback = sig
        pos = max(end, m.end())
