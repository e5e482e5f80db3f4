"""The document's own issuing body (header column, authority line, opening, signature):
find and parse body phrases ("UBND TỈNH CAO BẰNG", "Sở Du lịch thành phố
Hải Phòng", "Ban Quản lý Khu kinh tế Hải Phòng", "GIÁM ĐỐC SỞ XÂY DỰNG KHÁNH HÒA"), map
symbol codes ("SDL" in KH-SDL) to bodies, and resolve a body to its full name, level,
province and parent with the document's locality.

Issuer phrases after a citation ("của UBND tỉnh") are kehoach.extract.citations.issuers.

Tables: models/issuers.yaml (councils, party committees), models/admin_units.csv (unit words),
models/issuers_departments.csv (provincial departments and agencies with their codes),
models/issuers_national.csv (national bodies and their codes).
"""

from __future__ import annotations

from dataclasses import dataclass

import regex
from kehoach.extract.grammar.bodies import Agency, code_key
from kehoach.extract.grammar.bodies import grammar as body_grammar
from kehoach.extract.metadata.locality import Locality
from kehoach.normalize import TIMEOUT
from kehoach.patterns import alternation, first_word_key, word_finditer
from kehoach.places import Province, provinces, unit_level, units
from kehoach.rules import load_yaml, per_rules


@dataclass(frozen=True)
class Body:
    """A body as named in one place of the text (not yet resolved)."""

    kind: str  # ubnd, hdnd, mttq, party, department, national, other
    name: str | None  # canonical name without locality; None when only the kind is known
    unit: str | None = None  # canonical unit word of the locality named with it
    place: str | None = None  # canonical place name named with it
    chair: bool = False  # named as its head's office: "CHỦ TỊCH ỦY BAN NHÂN DÂN ..."
    locality_form: str = "full"
    start: int = -1
    end: int = -1

    def compatible(self, other: Body) -> bool:
        if self.kind != other.kind:
            return False
        if self.name and other.name:
            a, b = self.name.casefold(), other.name.casefold()
            if not (a.startswith(b) or b.startswith(a)):
                return False
        if self.unit and other.unit and self.unit != other.unit:
            return False
        return not (self.place and other.place and self.place != other.place)


@dataclass(frozen=True)
class Resolved:
    issuer: str | None
    level: str | None  # national, province, department, district, commune
    province: str | None
    district_unit: str | None
    district: str | None
    parent: str | None



@dataclass(frozen=True)
class _Tables:
    pattern: regex.Pattern[str]  # a body phrase
    first_words: frozenset[str]  # the first words of its phrases (kehoach.patterns keys)
    councils: dict[str, tuple[str, str]]  # form casefold -> (name, kind)
    units: dict[str, str]  # unit form casefold -> canonical unit
    party: dict[str, str]  # committee casefold -> unit
    party_names: dict[str, str]  # casefold -> canonical
    organs: dict[str, str]
    committee_of_unit: dict[str, str]  # unit -> committee ("tỉnh" -> "Tỉnh ủy")
    heads: tuple[tuple[regex.Pattern[str], str], ...]  # body head word(s) and their casing
    agencies: dict[str, Agency]  # name or alias casefold -> agency
    codes: dict[str, Agency]  # code key -> agency
    unit_re: regex.Pattern[str]
    place_stop: frozenset[str]
    council_organs: dict[str, tuple[str, str, frozenset[str] | None]]  # casefold ->
    # (canonical, level rule, kinds of council that have it; None: all)


@per_rules
def tables() -> _Tables:
    """The header's body phrase, composed from the body-phrase grammar
    (kehoach.extract.grammar.bodies) as a header writes it: names in capitals on one line
    ("UBND TỈNH CAO BẰNG", "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN HÒA AN")."""
    cfg = load_yaml("issuers.yaml")
    g = body_grammar()
    nm = g.names
    party = {k.casefold(): v for k, v in nm.committees.items()}
    party_names = {k.casefold(): k for k in nm.committees}
    organs = {o.casefold(): o for o in nm.party_organs}
    committee_of_unit = {u: nm.default_committee for u in units()}
    committee_of_unit.update({u: c for c, u in nm.committees.items()})
    heads = tuple(
        (regex.compile(rf"(?i:{regex.escape(h)})(?!\p{{L}})"), h)
        for h in sorted(nm.heads, key=len, reverse=True)
    )
    place_stop = frozenset(w.casefold() for w in cfg.get("place_stop_words", []))
    prov_ci = g.province()
    place = g.place()
    unit = g.unit_word()
    loc = (
        rf"(?:[ \t]+(?P<unit>{unit})(?:[ \t]+(?P<place>{place}))?"
        rf"|[ \t]+(?P<pplace>(?i:{prov_ci})))"
    )
    sep = r"[ \t]+"
    committee = g.committee()
    organ = alternation(list(nm.party_organs))
    # every alternative starts with a capital letter at a word start: positions that do
    # not are rejected before the large alternations are tried
    body = (
        rf"(?<![\p{{L}}\d])(?=\p{{Lu}})(?P<chair>(?i:chủ{sep}tịch|phó{sep}chủ{sep}tịch){sep})?"
        rf"(?:(?P<council>(?i:{g.council()}))(?!\p{{L}})(?:{loc})?"
        rf"|(?P<so>(?i:sở){sep}(?i:{g.department()}))(?!\p{{L}})(?:{loc})?"
        rf"|(?=\p{{Lu}})(?P<agency>(?i:{g.agency()}))(?!\p{{L}})(?:{loc})?"
        rf"|(?P<organ>(?=\p{{Lu}})(?i:{organ}){sep})?(?=\p{{Lu}})(?P<party>(?i:{committee}))"
        rf"(?!\p{{L}})(?:[ \t]+(?P<partyplace>{place}))?"
        rf"|(?=\p{{Lu}})(?P<branch>(?i:{alternation(list(nm.branch_words))}))(?!\p{{L}})(?:{loc})"
        rf"|(?=\p{{Lu}})(?P<national>(?i:{g.national()}))(?!\p{{L}}))"
    )
    phrases = [*nm.councils, "sở", *nm.agency_names(), *organs, *party,
               *nm.branch_words, *nm.national_names(), "chủ", "phó"]
    return _Tables(
        pattern=regex.compile(body),
        first_words=frozenset(first_word_key(p) for p in phrases),
        councils=nm.councils,
        units=nm.unit_words,
        party=party,
        party_names=party_names,
        organs=organs,
        committee_of_unit=committee_of_unit,
        heads=heads,
        agencies=nm.agencies,
        codes=nm.codes,
        unit_re=regex.compile(g.locality()),
        place_stop=place_stop,
        council_organs={" ".join(o.split()).casefold(): (o, v["level"], frozenset(v["of"]) if v.get("of") else None)
                        for o, v in (cfg.get("council_organs") or {}).items()},
    )


def canonical_place(name: str) -> str:
    """"CAO BẰNG" -> "Cao Bằng" (provinces table), "DUYÊN HẢI" -> "Duyên Hải"."""
    name = " ".join(name.split())
    prov = provinces().lookup(name)
    if prov:
        return prov.name
    if name.isupper():
        return " ".join(w.capitalize() for w in name.split())
    return name


def _trim_place(place: str | None, tb: _Tables) -> str | None:
    """Drop trailing words that are not part of a place name ("Duyên Hải NĂM")."""
    if not place:
        return None
    words = place.split()
    while words and words[-1].casefold() in tb.place_stop:
        words.pop()
    return " ".join(words) or None


def _from_match(m: regex.Match[str], tb: _Tables) -> Body:
    def g(name: str) -> str | None:
        try:
            return m.group(name)
        except IndexError:
            return None

    unit = tb.units.get(" ".join(g("unit").split()).casefold()) if g("unit") else None
    place = _trim_place(g("place") or g("pplace"), tb)
    if place:
        place = canonical_place(place)
    chair = bool(g("chair"))
    if g("council"):
        name, kind = tb.councils[" ".join(g("council").split()).casefold()]
        return Body(kind, name, unit, place, chair, start=m.start(), end=m.end())
    if g("so") or g("agency"):
        phrase = " ".join((g("so") or g("agency") or "").split()).casefold()
        ag = tb.agencies[phrase]
        return Body("department", ag.name, unit, place, locality_form=ag.locality,
                    start=m.start(), end=m.end())
    if g("branch"):
        return Body("party", tb.committee_of_unit.get(unit or "", None), unit, place,
                    start=m.start(), end=m.end())
    if g("party"):
        committee = " ".join(g("party").split()).casefold()
        organ = tb.organs[" ".join(g("organ").split()).casefold()] if g("organ") else None
        name = tb.party_names[committee]
        if organ:
            name = f"{organ} {name}"
        pplace = _trim_place(g("partyplace"), tb)
        unit = tb.party[committee]
        if pplace:  # "ĐẢNG ỦY XÃ TÂN HIỆP", "ĐẢNG ỦY ĐẶC KHU CÔN ĐẢO": the unit word is named
            low = pplace.casefold()
            for form in sorted(tb.units, key=len, reverse=True):
                if low.startswith(form + " "):
                    unit, pplace = tb.units[form], pplace[len(form) + 1:]
                    break
        return Body("party", name, unit,
                    canonical_place(pplace) if pplace else None, start=m.start(), end=m.end())
    ag = tb.agencies[" ".join((g("national") or "").split()).casefold()]
    return Body("national", ag.name, start=m.start(), end=m.end())


def find(text: str, start: int = 0, end: int | None = None) -> list[Body]:
    """Body phrases in text[start:end]."""
    tb = tables()
    end = len(text) if end is None else end
    # the pattern tried only at capitalised words that may start a body phrase
    return [_from_match(m, tb) for m in word_finditer(tb.pattern, text, tb.first_words, pos=start, endpos=end)]


def parse_phrase(phrase: str, text: str = "") -> Body | None:
    """A whole phrase naming one body (a header line). Unknown bodies ("BAN QUẢN LÝ DỰ ÁN
    ...") are kept as kind "other" with their casing restored from `text` when it has the
    name in lower case, else in sentence case."""
    tb = tables()
    phrase = " ".join(phrase.split()).strip(" .,:;")
    if not phrase:
        return None
    m = tb.pattern.match(phrase, timeout=TIMEOUT)
    if m and m.end() >= len(phrase) - 1:
        return _from_match(m, tb)
    name = restore_case(phrase, text)
    kind = "department" if m and (m.group("so") or m.group("agency")) else "other"
    place = None
    for prov_m in provinces().pattern.finditer(name, timeout=TIMEOUT):
        place = prov_m.group()
    return Body(kind, name, None, canonical_place(place) if place else None,
                locality_form="short" if place else "full")


def restore_case(phrase: str, text: str) -> str:
    """Casing of an upper-case phrase: as the text writes it elsewhere, else sentence case
    with province names restored."""
    if not phrase.isupper():
        return phrase
    if text:
        pat = regex.compile(
            r"(?<!\p{L})" + r"\s+".join(regex.escape(w) for w in phrase.split()) + r"(?!\p{L})",
            regex.IGNORECASE,
        )
        for m in pat.finditer(text, timeout=TIMEOUT):
            if not m.group().isupper():
                return " ".join(m.group().split())
    return _restore_provinces(sentence_case(phrase))


def sentence_case(phrase: str) -> str:
    """Vietnamese body-name casing of an upper-case phrase: the head word(s) as in the
    tables ("Trung tâm", "Ban") and the first word of the name proper upper, the rest lower;
    a word after "-" or "," starts a new name part ("Phòng Tài chính - Kế hoạch")."""
    words = phrase.lower().split()
    head_len = 0
    for pat, canon in tables().heads:
        if pat.match(phrase, timeout=TIMEOUT):
            head = canon.split()
            words[: len(head)] = head
            head_len = len(head)
            break
    abbreviations, proper_after = _abbreviations()
    units = tables().units
    out = []
    proper = False  # inside a proper name after "THPT", "TNCS" ...
    for i, w in enumerate(words):
        if w.upper() in abbreviations:
            out.append(abbreviations[w.upper()] or w.upper())
            proper = proper or w.upper() in proper_after
            continue
        if proper or i == 0 or (i == head_len and w not in units) or (
                i > 0 and (words[i - 1] == "-" or words[i - 1].endswith(","))):
            w = w[:1].upper() + w[1:]
        out.append(w)
    return " ".join(out)


@per_rules
def _abbreviations() -> tuple[dict[str, str], frozenset[str]]:
    """Abbreviations of names with their expansion ("" keeps them), and those a proper
    name follows (issuers.yaml name_abbreviations, proper_name_after)."""
    cfg = load_yaml("issuers.yaml")
    return ({a.upper(): e or "" for a, e in (cfg.get("name_abbreviations") or {}).items()},
            frozenset(a.upper() for a in cfg.get("proper_name_after") or []))


@per_rules
def _provinces_any_case() -> regex.Pattern[str]:
    return regex.compile(rf"(?i:{provinces().pattern.pattern})")


def _restore_provinces(s: str) -> str:
    return _provinces_any_case().sub(lambda m: canonical_place(m.group()), s, timeout=TIMEOUT)


@per_rules
def _code_bodies() -> dict[str, Body]:
    """Codes of councils ("UBND", "HĐND") and party committees ("TU", "HU": initials)."""
    tb = tables()
    out: dict[str, Body] = {}
    for form, (name, kind) in tb.councils.items():
        out.setdefault(code_key(form), Body(kind, name))
    for committee, unit in tb.party.items():
        initials = code_key("".join(w[0] for w in committee.split()))
        out.setdefault(initials, Body("party", tb.party_names[committee], unit))
    return out


def _with_parent_place(name: str, parent: Resolved, tb: _Tables) -> str | None:
    """`name` completed with the place of the committee above it when it ends with a party
    committee word ("Ủy ban Kiểm tra Tỉnh ủy" + "Đồng Nai") or a unit word ("Đảng ủy Ủy ban
    nhân dân tỉnh" + "Đồng Nai"); None otherwise."""
    words = name.split()
    place = parent.district
    prov = provinces().lookup(parent.province) if parent.province and not place else None
    for n in (2, 1):
        if len(words) <= n:
            continue
        tail = " ".join(words[-n:]).casefold()
        if tail in tb.party:  # "tỉnh ủy": cased as the committee is named
            where = place or (prov.in_body_name if prov else None)
            return f"{' '.join(words[:-n])} {tb.party_names[tail]} {where}" if where else None
        if tail in tb.units:
            where = place or (prov.name if prov else None)
            return f"{name} {where}" if where else None
    return None


def by_code(code: str) -> Body | None:
    """An issuer code of a symbol: "UBND", "SDL", "SXD", "BQL", "TU", "BNV"."""
    body = _code_bodies().get(code_key(code))
    if body is not None:
        return body
    ag = tables().codes.get(code_key(code))
    if ag is None:
        return None
    if ag.kind == "national":
        return Body("national", ag.name)
    return Body("department", ag.name, locality_form=ag.locality)


def unit_of(text: str, place: str) -> str | None:
    """The unit word the text most often puts before `place` ("thị xã" for Duyên Hải)."""
    tb = tables()
    counts: dict[str, int] = {}
    for m in tb.unit_re.finditer(text, timeout=TIMEOUT):
        if canonical_place(_trim_place(m.group("place"), tb) or "") == place:
            unit = tb.units.get(" ".join(m.group("unit").split()).casefold())
            if unit:
                counts[unit] = counts.get(unit, 0) + 1
    return max(counts, key=lambda u: counts[u]) if counts else None


def _unit_level(unit: str | None, place: str | None, tb: _Tables) -> str | None:
    return unit_level(unit, place)


def _council_name(name: str, unit: str | None, place: str | None) -> str:
    return " ".join(x for x in (name, unit, place) if x)


def resolve(body: Body, loc: Locality, place_line: str | None = None,
            text: str = "", parent_body: Body | None = None) -> Resolved:
    """Full name, level, province and parent of `body`, filling what the phrase leaves
    open from the document's locality `loc` and the place of its date line."""
    tb = tables()
    table = provinces()
    if body.kind == "national":
        return Resolved(body.name, "national", None, None, None, None)
    if parent_body is not None and parent_body.kind == "national" and body.name and \
            body.kind in {"department", "other"}:
        # a unit of a ministry ("BỘ TÀI CHÍNH / CỤC THUẾ") is central, whatever the date line
        return Resolved(body.name, "national", None, None, None, parent_body.name)
    place_prov: Province | None = table.lookup(place_line) if place_line else None
    unit, place = body.unit, body.place
    if place and unit is None:
        prov = table.lookup(place)
        if prov:
            unit = prov.unit
    level = _unit_level(unit, place, tb)
    if body.kind in {"ubnd", "hdnd", "mttq", "party"} and level is None:
        # "UBND" from a symbol or signature only: a district body when the date line
        # names a place that is not a province and the text names its unit
        if place_line and not place_prov:
            d_unit = unit_of(text, place_line) if text else None
            d_unit = d_unit or (loc.district_unit if loc.district == place_line else None)
            if d_unit and _unit_level(d_unit, place_line, tb) in {"district", "commune"}:
                unit, place = d_unit, place_line
                level = _unit_level(unit, place, tb)
        if level is None and loc.district and body.kind != "party" and not place_prov:
            unit, place, level = loc.district_unit, loc.district, "district"
        if level is None:
            prov = place_prov or (table.lookup(loc.province) if loc.province else None)
            if prov:
                unit, place, level = prov.unit, prov.name, "province"
    province: Province | None = None
    district_unit = district = None
    if level == "province" and place:
        province = table.lookup(place)
    elif level in {"district", "commune"}:
        district_unit, district = unit, place
        province = table.lookup(loc.province) if loc.province else place_prov
    elif level == "province":  # "UBND tỉnh" without the name
        province = place_prov or (table.lookup(loc.province) if loc.province else None)
        place = province.name if province else None
    if body.kind == "department":
        if province is None:
            province = (table.lookup(place) if place else None) or place_prov or (
                table.lookup(loc.province) if loc.province else None)
        level = "department"
    if body.kind == "other" and province is None:
        province = (table.lookup(place) if place else None) or place_prov or (
            table.lookup(loc.province) if loc.province else None)
    pname = province.name if province else None
    parent_res = None
    if parent_body is not None and parent_body.kind != "national":
        parent_res = resolve(parent_body, loc, place_line, text)
    parent = parent_res.issuer if parent_res else None
    organ = tb.council_organs.get(" ".join((body.name or "").split()).casefold())
    if parent_res and parent_body is not None and parent_body.kind in {"ubnd", "hdnd", "mttq"} \
            and organ and (organ[2] is None or parent_body.kind in organ[2]) and parent_res.issuer:
        # an organ of the council under its line: "Thường trực Hội đồng nhân dân tỉnh X"
        organ_name, rule, _of = organ
        lvl = "department" if rule == "department" and parent_res.level == "province" else parent_res.level
        return Resolved(f"{organ_name} {parent_res.issuer}", lvl, parent_res.province,
                        parent_res.district_unit, parent_res.district, parent_res.issuer)
    if parent_res and body.kind in {"department", "other"} and body.name:
        if parent_body is not None and parent_body.kind in {"department", "other"} and \
                parent_res.issuer and " ".join(body.name.split()).casefold() in tb.organs:
            # the standing organ of a mass organisation under its line: "HỘI LIÊN HIỆP PHỤ NỮ
            # TỈNH X / BAN THƯỜNG VỤ" -> "Ban Thường vụ Hội Liên hiệp Phụ nữ tỉnh X"
            return Resolved(f"{body.name} {parent_res.issuer}", parent_res.level, parent_res.province,
                            parent_res.district_unit, parent_res.district, parent_res.issuer)
        if parent_body is not None and parent_body.kind == "party":
            # an organ of a party committee: "Ban Tuyên giáo Tỉnh ủy Quảng Nam"; a name that
            # ends with the committee or the unit ("ỦY BAN KIỂM TRA TỈNH ỦY", "ĐẢNG ỦY CÁC CƠ
            # QUAN ĐẢNG TỈNH") takes only the committee's place after it
            lvl = "department" if parent_res.level == "province" else parent_res.level
            name = _with_parent_place(body.name, parent_res, tb) or f"{body.name} {parent_res.issuer}"
            return Resolved(name, lvl, parent_res.province,
                            parent_res.district_unit, parent_res.district, parent_res.issuer)
        if parent_res.level in {"district", "commune"} and parent_res.district:
            # an office of a district: "Phòng Nội vụ huyện Đông Anh"
            name = f"{body.name} {parent_res.district_unit} {parent_res.district}"
            return Resolved(name, parent_res.level, parent_res.province,
                            parent_res.district_unit, parent_res.district, parent_res.issuer)
        if province is None and parent_res.province:
            province = table.lookup(parent_res.province)
            pname = province.name if province else None

    if body.kind in {"ubnd", "hdnd", "mttq"}:
        # a decision of the Chủ tịch is filed under the body, as a Giám đốc's under the Sở
        issuer = _council_name(body.name or "", unit, place)
        if level == "commune" and parent is None and loc.district and loc.district != place:
            parent = _council_name(body.name or "", loc.district_unit, loc.district)
        if level in {"district", "commune"} and province and parent is None:
            parent = _council_name(body.name or "", province.unit, province.name)
        return Resolved(issuer, level, pname, district_unit, district, parent)
    if body.kind == "party":
        if level == "province" and province and place == province.name:
            place = province.in_body_name
        issuer = " ".join(x for x in (body.name, place) if x)
        if body.name == tb.committee_of_unit.get("xã") and unit and place:
            issuer = f"{body.name} {unit} {place}"  # "Đảng ủy xã Tân Hiệp": the unit is no part of the name
        if level in {"district", "commune"} and province and parent is None:
            committee = "Thành ủy" if province.unit == "thành phố" else "Tỉnh ủy"
            parent = f"{committee} {province.in_body_name}"
        return Resolved(issuer, level, pname, district_unit, district, parent)
    # departments and other bodies
    name = body.name
    if name and province and province.name.casefold() not in name.casefold():
        short = body.locality_form == "short"
        name = (f"{name} {province.in_body_name}" if short
                else f"{name} {province.unit} {province.name}")
    if parent is None and province:
        parent = f"Ủy ban nhân dân {province.unit} {province.name}"
    lvl = "department" if body.kind in {"department", "other"} else level
    return Resolved(name, lvl, pname, None, None, parent)

