"""Numbered instruments cited in a plan: "Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ".

One pass of one compiled pattern finds every number-symbol (state "61/2018/NĐ-CP",
"76/NQ-CP", "1234/UBND-KGVX", "80/2015/QH13"; party "18-NQ/TW") with the type word before it;
each hit is then validated against the code tables, given its canonical id, and extended
with the date and issuer phrases that directly follow it. Lists sharing one type word, date
or issuer ("Nghị quyết số 18-NQ/TW, 19-NQ/TW ngày 25/10/2017") are grouped. The result is a
list of `Mention`s in ctx.instrument_mentions; kehoach.resolve.instruments turns
them into citation rows.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import regex
from kehoach.context import DocContext
from kehoach.extract.citations.issuers import IssuerMatch, issuer_at
from kehoach.extract.grammar import dates
from kehoach.extract.grammar.codes import MAX_YEAR, MIN_YEAR, Codes, codes, read_symbol, symbol_pattern, valid_year
from kehoach.normalize import TIMEOUT
from kehoach.patterns import alternation
from kehoach.rules import Rules, compiled_for
from kehoach.segment.boundary import document_span

OPENING_CHARS = 3000
PREFIX_WINDOW = 60  # characters searched before a symbol for its type word
ISSUER_BEFORE_WINDOW = 160  # characters before a type word searched for "của <issuer> tại"
_SYMBOL_IN_NAME = regex.compile(r"\d\s*/")  # a name holding another number-symbol is a list
# the rest of a symbol and a list connector up to the next type word: "...QH15, Luật Nhà ở"
_LIST_AFTER_SYMBOL = regex.compile(r"[\p{L}\d/\-.]*(?:\s+ngày\s+[\d/]+)?\s*(?:,|và|,\s*và)\s*\p{Lu}")


@dataclass
class Mention:
    start: int  # normalized offsets of the whole mention (type word .. issuer phrase)
    end: int
    sym_start: int
    sym_end: int
    instrument_id: str
    year: int | None  # from the number
    type_word: str | None  # as written (canonical spelling), None when only the code
    type_code: str | None
    issuer_code: str | None
    party: bool
    issuer_codes: tuple[str, ...] = ()  # every issuer code of the symbol (joint documents)
    date: str | None = None  # ISO, as written in this mention
    year_cited: int | None = None  # "01/NQ-CP năm 2023": a year written without a date
    issuer: IssuerMatch | None = None
    in_basis: bool = False
    list_member: bool = False  # type word inherited from the previous item of a list


@dataclass(frozen=True)
class _Grammar:
    symbol: regex.Pattern[str]
    prefix: regex.Pattern[str]  # REVERSE: `match(text, window, symbol_start)`
    compound: regex.Pattern[str]  # REVERSE, as `prefix`
    fuzzy_prefix: regex.Pattern[str]
    fuzzy_types: tuple[str, ...]
    date: regex.Pattern[str]
    year_after: regex.Pattern[str]
    type_before: regex.Pattern[str]
    own_number: regex.Pattern[str]
    connector: regex.Pattern[str]
    body_start: regex.Pattern[str]
    basis_cue: regex.Pattern[str]
    not_basis: regex.Pattern[str]
    url_context: regex.Pattern[str]
    issuer_before: regex.Pattern[str]  # "của <issuer> tại" right before the type word
    issuer_before_link: regex.Pattern[str]
    tables: Rules  # the rules it was compiled from (codes, dates, issuer phrases)
    codes: Codes


def grammar(tables: Rules | None = None) -> _Grammar:
    """The citation grammar of `tables` (the shipped rules by default), compiled once."""
    return compiled_for(tables, "extract.instruments", compile_grammar)


def compile_grammar(tables: Rules) -> _Grammar:
    """The citation grammar of one rules folder (models/instruments.yaml, the code tables)."""
    cfg = tables.yaml("instruments.yaml")
    c = codes(tables)
    type_words = alternation(list(c.type_words))
    number_words = alternation(cfg["number_words"])
    # type word, "số", an optional stray dash ("số -1/2018/TT-VPCP"), ending where the symbol
    # starts: matched backwards from each symbol (REVERSE, anchored at the symbol), in a short
    # window; the same match as a forward search of the window, without trying every start
    prefix = regex.compile(
        rf"(?<!\p{{L}})(?P<tw>(?i:{type_words}))\s*(?:(?:{number_words})(?!\p{{L}})\s*:?\s*)?(?:-\s*)?\Z",
        regex.REVERSE,
    )
    # the number-symbol grammar shared with the header reader (kehoach.extract.grammar.codes)
    symbol = symbol_pattern()
    words = cfg["date_words"]
    issued = alternation(words["issued"])
    year = alternation(words["year"])
    # what may stand between a symbol and its date or year: ", ", "(", "ban hành" (gaps bounded,
    # so a run of spaces after a citation costs nothing); the date itself is read by the one
    # date grammar (kehoach.extract.grammar.dates)
    lead = rf"[ \t\n]{{0,4}},?[ \t\n]{{0,4}}(?:\([ \t\n]{{0,2}})?(?:(?:{issued})[ \t\n]{{1,3}})?"
    date = regex.compile(lead)
    type_before = regex.compile(
        rf"(?<!\p{{L}})(?P<tw>(?i:{type_words}))(?P<name>[^.;:\n]{{0,160}}?)\s+(?:{number_words})\s*$"
    )
    body = "|".join(f"(?:{p})" for p in cfg["body_start"])
    # OCR-tolerant type words: each written type word (6+ letters) with up to
    # `fuzzy_errors` edits, only where "số" and a validated symbol follow
    fuzzy_types = tuple(sorted({t for t in c.type_words.values() if len(t) >= 6},
                               key=lambda t: (-len(t), t)))  # one order in every process
    budget = cfg["fuzzy_errors"]
    fuzzy_alts = "|".join(
        f"(?P<f{i}>(?:{regex.escape(t)}){{{budget['long'] if len(t) >= 10 else budget['short']}}})"
        for i, t in enumerate(fuzzy_types)
    )
    fuzzy_prefix = regex.compile(
        rf"(?<!\p{{L}})(?:{fuzzy_alts})\s+(?:{alternation(cfg['fuzzy_number_words'])})\s*:?\s*\Z",
        regex.BESTMATCH,
    )
    return _Grammar(
        symbol=symbol,
        prefix=prefix,
        compound=regex.compile(rf"(?i)(?<!\p{{L}})(?:{alternation(cfg['not_type_words'])})\Z",
                               regex.REVERSE),
        fuzzy_prefix=fuzzy_prefix,
        fuzzy_types=fuzzy_types,
        date=date,
        year_after=regex.compile(
            rf"{lead}(?:{year})[ \t\n]{{1,3}}(?P<y>\d{{4}})(?![ \t]{{0,3}}[-/][ \t]{{0,3}}\d)(?:[ \t]{{0,3}}\))?"
        ),
        type_before=type_before,
        own_number=regex.compile(r"(?:^|\n)[ \t]*(?:Số|SỐ|So)\s*:?[ \t]*$"),
        # items of one list: "18-NQ/TW, 19-NQ/TW", "... và Nghị định số 108/..." (a ";" ends
        # a citation: what follows it is another one)
        connector=regex.compile(r"\s*(?:,|và|hoặc|,\s*và)\s*"),
        body_start=regex.compile(body, regex.MULTILINE),
        basis_cue=regex.compile(
            rf"[\s\-+•*]*(?!(?:{alternation(cfg['not_basis_cues'])})(?!\p{{L}}))"
            rf"(?:{alternation(cfg['basis_cues'])})(?!\p{{L}})"
        ),
        not_basis=regex.compile(
            rf"[\s\-+•*]*(?:{alternation(cfg['not_basis_cues'])})(?!\p{{L}})"
        ),
        url_context=regex.compile(r"(?:https?://|www\.)\S*$"),
        issuer_before=regex.compile(rf"(?<!\p{{L}})(?:{alternation(cfg['issuer_lead_words'])})[ ]"),
        issuer_before_link=regex.compile(rf"\s+(?:{alternation(cfg['issuer_before_links'])})\s+"),
        tables=tables,
        codes=c,
    )


_CLOSE = regex.compile(r"[ \t]{0,3}\)")


def _date_after(text: str, pos: int, g: _Grammar) -> dates.DateMatch | None:
    """The issue date written right after a citation ("ngày 15/7/2021", ", ngày 15 tháng 7,
    năm 2021", "(ban hành ngày ...)"): a full day with its day word."""
    lead = g.date.match(text, pos, None, None, False, TIMEOUT)
    if lead is None:
        return None
    dm = dates.date_at(text, lead.end(), tables=g.tables)
    if dm is None or not dm.day_word or dm.precision != "day" or dm.year is None:
        return None
    return dm


def _own_number(ctx: DocContext, g: _Grammar, m: regex.Match[str]) -> bool:
    """A document's own "Số: 26/KH-UBND" line: the file's header, or the header of the plan
    a decision issues (its own number is not a citation either)."""
    line_start = ctx.text.rfind("\n", 0, m.start()) + 1
    return bool(g.own_number.search(ctx.text[max(0, line_start - 1) : m.start()], timeout=TIMEOUT))


def _opening_end(ctx: DocContext, g: _Grammar) -> int:
    """Where the opening (title, legal basis) ends: the first section heading; a text with
    no heading at all is given its first OPENING_CHARS characters."""
    m = g.body_start.search(ctx.text, timeout=TIMEOUT)
    return m.start() if m else min(len(ctx.text), OPENING_CHARS)


def find_mentions(ctx: DocContext) -> list[Mention]:
    g, text = grammar(ctx.rules), ctx.text
    # a web page's menu before the document and its related-document lists and notices
    # after it cite other documents: only the document proper is read
    doc_start, doc_end = document_span(text)
    opening_end = _opening_end(ctx, g)
    own_ids: set[str] = set()
    mentions: list[Mention] = []
    corrected: dict[str, str] = {}  # a number whose year is a typo -> the dated one
    # matches are collected first: a finditer timeout would also count the work in the loop
    for m in list(g.symbol.finditer(text, doc_start, doc_end, timeout=TIMEOUT)):
        window = max(0, m.start() - PREFIX_WINDOW)
        pm = g.prefix.match(text, window, m.start(), None, False, TIMEOUT)
        if pm and g.compound.match(text, max(0, pm.end("tw") - 20), pm.end("tw"), None, False, TIMEOUT):
            pm = None  # "pháp luật số 14/...": part of a name, not the type word
        tw = pm.group("tw") if pm else None
        if pm is None:  # OCR noise in the type word: "Nghị đinh số", "Quyêt định số"
            pm = g.fuzzy_prefix.search(text, window, m.start(), timeout=TIMEOUT)
            if pm is not None:
                tw = g.fuzzy_types[int(pm.lastgroup[1:])]
        start = pm.start() if pm else m.start()
        if not pm and m.start() > 0 and text[m.start() - 1] == "-":
            continue  # "-1/2018/..." is only a number with a type word before it
        if pm is None:  # "Luật Ban hành văn bản ... số 80/2015/QH13": type word before a name
            found = _type_before_name(text, g, m.start())
            if found:
                tw, start = found
        url_from = max(0, m.start() - 200)
        if (text.find("http", url_from, m.start()) >= 0 or text.find("www.", url_from, m.start()) >= 0) \
                and g.url_context.search(text, url_from, m.start(), timeout=TIMEOUT):
            continue  # (the pattern needs one of the two words: only then is it run)
        sym = read_symbol(m, tw is not None, g.codes)
        if sym is None or sym.id is None:
            continue
        mention = Mention(start, sym.end, sym.start, sym.end, sym.id, sym.year, tw,
                          sym.type_code, sym.issuer_code, sym.party, sym.issuer_codes)
        if tw is None and _own_number(ctx, g, m):
            own_ids.add(mention.instrument_id)
            continue
        _trailing(ctx, g, mention)
        if mention.issuer is None and pm is not None:
            _leading_issuer(ctx, g, mention)
        typo = _year_typo(mention)
        if typo:
            corrected[typo[0]] = typo[1]
        mention.in_basis = mention.start < opening_end and _in_basis_paragraph(ctx, g, mention)
        mentions.append(mention)
    for mt in mentions:  # other mentions of a corrected number, written without the date
        if mt.instrument_id in corrected and mt.date is None:
            mt.instrument_id = corrected[mt.instrument_id]
            mt.year = int(mt.instrument_id.split("/")[1])
    # the document's own number cited again ("Kế hoạch số 24/KH-UBND được triển khai", the
    # attached plan's "(Ban hành kèm theo Quyết định số 1234/QĐ-UBND ... của UBND tỉnh)") is
    # not a citation, unless another issuer is named with it
    if ctx.document.get("doc_number"):
        own_ids.add(str(ctx.document["doc_number"]))
    own_issuer = ctx.document.get("issuer")
    own_year = str(ctx.document.get("issue_date") or "")[:4]

    def is_own(mt: Mention) -> bool:
        if mt.instrument_id not in own_ids:
            return False
        if mt.issuer is not None and _body(mt.issuer.issuer) != _body(own_issuer):
            return False  # the same number from another body (its chair is the body itself)
        cited_year = mt.date[:4] if mt.date else str(mt.year_cited or mt.year or "")
        return not (own_year and cited_year and cited_year != own_year)  # last year's plan

    mentions = [mt for mt in mentions if not is_own(mt)]
    _group_lists(ctx, g, mentions)
    return mentions


def _body(issuer: str | None) -> str | None:
    """The body an issuer acts for: "Chủ tịch Ủy ban nhân dân tỉnh X" issues a decision of
    "Ủy ban nhân dân tỉnh X" (the decision's own number cited in its annex)."""
    return issuer.removeprefix("Chủ tịch ") if issuer else issuer


def _type_before_name(text: str, g: _Grammar, pos: int) -> tuple[str, int] | None:
    """(type word, its offset) when the symbol at `pos` follows "<type word> <name> số"."""
    window_start = max(0, pos - 170)
    window = text[window_start:pos]
    at = 0
    # the first type word whose name holds no other number-symbol: "Luật Đất đai số
    # 31/2024/QH15, Luật Nhà ở số 27/2023/QH15" -> "Luật" (Nhà ở) for the second. Inside
    # such a list of laws the mention keeps starting at its symbol (the list may be the
    # title of an amending law, which the named-instrument extractor reads as a whole).
    # A citation followed by other words ("Luật Xây dựng số 50/2014/QH13, được sửa đổi, bổ sung
    # tại Luật ...") is no list: the next type word starts afresh. In an amending law's title
    # listing several numbered laws the numbers are the inner laws': "Luật sửa đổi ... của
    # Luật Đất đai số 31/..., Luật Nhà ở số 27/..." -> "Luật Đất đai" (the named-instrument
    # extractor reads the amending law); with one inner law it is the amending law's number.
    first = True
    found = None
    while (m := g.type_before.search(window, at, timeout=TIMEOUT)) is not None:
        name = m.group("name")
        if found is not None:
            if (m.group("tw")[0].isupper() and not _SYMBOL_IN_NAME.search(name, timeout=TIMEOUT)
                    and _LIST_AFTER_SYMBOL.match(text, pos, timeout=TIMEOUT)):
                found = m  # a type word inside the first one's name: the inner law
        elif not _SYMBOL_IN_NAME.search(name, timeout=TIMEOUT):
            if not first:
                return m.group("tw"), pos
            found = m
        else:
            sym = list(_SYMBOL_IN_NAME.finditer(name, timeout=TIMEOUT))[-1]
            rest = window[m.start("name") + sym.end() : ]
            first = not _LIST_AFTER_SYMBOL.match(rest, timeout=TIMEOUT)
        at = m.start() + 1
    return (found.group("tw"), window_start + found.start()) if found is not None else None


def _trailing(ctx: DocContext, g: _Grammar, mention: Mention) -> None:
    """Date and issuer phrases directly after the symbol, in either order."""
    text, pos = ctx.text, mention.end
    after_date = False
    for _ in range(2):
        if mention.date is None and mention.year_cited is None:
            dm = _date_after(text, pos, g)
            if dm is not None:
                mention.date = dm.iso() if MIN_YEAR <= (dm.year or 0) <= MAX_YEAR else None
                close = _CLOSE.match(text, dm.end, None, None, False, TIMEOUT)
                pos, after_date = (close.end() if close else dm.end), True
                continue
            ym = g.year_after.match(text, pos, timeout=TIMEOUT)
            if ym and valid_year(ym.group("y")):
                mention.year_cited = int(ym.group("y"))
                pos, after_date = ym.end(), True
                continue
        if mention.issuer is None:
            im = issuer_at(text, pos, ctx.locality, bare=after_date, tables=g.tables)
            if im and _compatible(mention, im, g.codes, same_body=False):
                mention.issuer = im
                pos = im.end
                continue
        break
    mention.end = pos


def _leading_issuer(ctx: DocContext, g: _Grammar, mention: Mention) -> None:
    """An issuer phrase written before the citation it issued: "ý kiến chỉ đạo của Bộ Chính
    trị tại Kết luận số ...", "Theo đề nghị của Sở Tư pháp tại Tờ trình số ..."."""
    text, start = ctx.text, mention.start
    window = max(0, start - ISSUER_BEFORE_WINDOW)
    for lm in list(g.issuer_before.finditer(text, window, start, timeout=TIMEOUT)):
        im = issuer_at(text, lm.start(), ctx.locality, tables=g.tables)
        if im is None or not g.issuer_before_link.fullmatch(text, im.end, start, timeout=TIMEOUT):
            continue
        if _compatible(mention, im, g.codes, same_body=False):
            mention.issuer = im
        return


def _year_typo(mention: Mention) -> tuple[str, str] | None:
    """The year of a number is the year of issue: "46/2002/QĐ-UBND ngày 12/09/2022" has a
    one-digit typo in the number, certain from its own date; the id takes the date's year
    (GUIDELINE: typos corrected when another statement makes the number certain)."""
    if mention.year is None or mention.date is None or mention.party:
        return None
    written, dated = str(mention.year), mention.date[:4]
    if written == dated or sum(a != b for a, b in zip(written, dated, strict=True)) != 1:
        return None
    old = mention.instrument_id
    mention.instrument_id = old.replace(f"/{written}/", f"/{dated}/", 1)
    mention.year = int(dated)
    return old, mention.instrument_id


def _in_basis_paragraph(ctx: DocContext, g: _Grammar, mention: Mention) -> bool:
    block = ctx.sentences.block_at(mention.start)
    if block is None:
        return False
    text = ctx.text
    # a hard-wrapped paragraph is several blocks: go back while the previous block ends
    # mid-sentence ("... về việc phê duyệt\nChiến lược hạ tầng số ...")
    # ("... về việc phê duyệt\nChiến lược hạ tầng số ..."), or the list of a cue continues
    # after ";" ("Thực hiện Chỉ thị số 27/CT-TTg ...;\nCông văn số 6676/BYT-CDS ...")
    for _ in range(10):
        if g.not_basis.match(text, block[0], block[1], timeout=TIMEOUT):
            return False
        if g.basis_cue.match(text, block[0], block[1], timeout=TIMEOUT):
            return True
        prev = ctx.sentences.block_at(block[0] - 2) if block[0] >= 2 else None
        if prev is None or prev == block:
            return False
        tail = text[prev[0] : prev[1]].rstrip()
        if not tail or tail[-1] in ".:!?" or "\n\n" in text[prev[1] : block[0] + 1]:
            return False
        block = prev
    return False


def _group_lists(ctx: DocContext, g: _Grammar, mentions: list[Mention]) -> None:
    """Items of one list share the type word (when not repeated), the date (when the items
    have no own type word) and the issuer phrase after the last item."""
    text = ctx.text
    i = 0
    while i < len(mentions):
        j = i
        while j + 1 < len(mentions) and g.connector.fullmatch(
                text, mentions[j].end, mentions[j + 1].start, None, False, TIMEOUT
        ) and mentions[j].date is None and mentions[j].issuer is None:
            j += 1
        if j > i:
            group = mentions[i : j + 1]
            last = group[-1]
            for prev, item in itertools.pairwise(group):
                if item.type_word is None and prev.type_word is not None:
                    item.type_word = prev.type_word
                    item.list_member = True
            for item in group[:-1]:
                if item.issuer is None and _compatible(item, last.issuer, g.codes):
                    item.issuer = last.issuer
                if item.date is None and (last.list_member or item.list_member) and (
                    item.year is None or (last.date or "")[:4] == str(item.year)
                ):
                    item.date = last.date
        i = j + 1


def _compatible(item: Mention, issuer: IssuerMatch | None, c: Codes, same_body: bool = True) -> bool:
    """May an issuer phrase apply to `item`? Never a local body for a national code or the
    reverse ("Thông tư 01/2021/TT-BNV, Sở Nội vụ ..."). A list's trailing phrase
    (`same_body`) must moreover name the very body a national code stands for ("Chỉ thị
    23/CT-TTg, văn bản 567/BNV-CCHC của Bộ Nội vụ"); a mention's own phrase may name it
    otherwise ("của Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ" for TT-VPCP)."""
    if issuer is None or item.issuer_code is None:
        return issuer is not None
    known = c.issuers.get(item.issuer_code)
    if known is None or not known.template:
        return True  # TW, HU...: the code alone does not say which body
    if known.level == "national":
        return issuer.level == "national" and (not same_body or issuer.issuer == known.template)
    return issuer.level != "national"


def run(ctx: DocContext) -> None:
    ctx.instrument_mentions = find_mentions(ctx)
