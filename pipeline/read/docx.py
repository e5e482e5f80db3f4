"""DOCX: paragraphs with Word's automatic numbering, tables, footnotes, headers/footers.

Word numbering ("I.", "1.", "a)") is not text in the file: it is rendered here from
numbering.xml (the level's format and lvlText, with counters), because section
segmentation needs it. docx2python and python-docx either drop it or print every number
as "1)", so the WordprocessingML is read directly with lxml.

- Layout tables (at most 2 columns and 4 rows: the "issuer | motto" header, the
  "Nơi nhận | signature" block) are emitted column by column: left block, then right block.
- Other tables: one line per row, cells separated by " | ".
- Runs in TCVN3 (.VnTime...) or VNI (VNI-Times...) fonts are converted to Unicode
  (models/encodings/fonts.yaml).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from kehoach.errors import DocumentError
from kehoach.limits import LimitError, current
from kehoach.read import ReadResult, legacy, register
from kehoach.rules import load_yaml
from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
LAYOUT_MAX_ROWS = 4
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)

_ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def _roman(n: int) -> str:
    out = ""
    for value, sym in _ROMAN:
        while n >= value:
            out, n = out + sym, n - value
    return out


def _letter(n: int) -> str:
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperLetter":
        return _letter(n).upper()
    if fmt == "lowerLetter":
        return _letter(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


def _ilvl(value: str) -> int:
    """A list level (0-8 in Word); damaged values are read as 0, out-of-range ones clamped."""
    v = value.strip()
    return min(int(v), 9) if v.isdigit() and len(v) < 4 else 0


@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1


@dataclass
class _Styles:
    parent: dict[str, str] = field(default_factory=dict)
    numpr: dict[str, tuple[str, int]] = field(default_factory=dict)
    font: dict[str, str] = field(default_factory=dict)
    default_font: str = ""


@cache
def _font_rules() -> tuple[tuple[str, str, str, bool], ...]:
    return tuple(
        (f["prefix"].lower(), f.get("suffix", "").lower(), f["encoding"], bool(f.get("upper")))
        for f in load_yaml("encodings/fonts.yaml")["fonts"]
    )


def legacy_font(name: str) -> tuple[str, bool] | None:
    """(encoding, upper) for a font name of a legacy Vietnamese font, else None."""
    low = name.strip().lower()
    for prefix, suffix, encoding, upper in _font_rules():
        if low.startswith(prefix) and low.endswith(suffix):
            return encoding, upper
    return None


def _fonts_of(rpr: etree._Element | None) -> str | None:
    if rpr is None:
        return None
    fonts = rpr.find(f"{W}rFonts")
    if fonts is None:
        return None
    return fonts.get(f"{W}hAnsi") or fonts.get(f"{W}ascii")


class _Reader:
    def __init__(self, path: Path, zf: zipfile.ZipFile) -> None:
        self.path = path
        self.zf = zf
        self.limits = current()
        self.styles = self._styles()
        self.levels, self.num_abstract = self._numbering()
        self.counters: dict[str, list[int]] = {}
        self.encodings: set[str] = set()

    def _part(self, name: str) -> bytes | None:
        """Bytes of one archive member, never more than the docx_part_mb limit: the size in
        the zip directory is checked first, and the read stops past the limit (the directory
        may lie)."""
        limit = self.limits.docx_part_bytes
        try:
            info = self.zf.getinfo(name)
        except KeyError:
            return None
        if info.file_size > limit:
            raise LimitError(str(self.path), "docx_part_mb",
                             f"DOCX part {name} expands to {info.file_size / 1048576:.0f} MB "
                             f"({info.compress_size / 1048576:.1f} MB compressed): a zip bomb or not a plan")
        try:
            with self.zf.open(info) as fh:
                data = fh.read(limit + 1)
        except (zipfile.BadZipFile, EOFError, OSError, RuntimeError, NotImplementedError) as exc:
            raise DocumentError(str(self.path), "corrupt", f"damaged DOCX: {name}: {exc}") from None
        if len(data) > limit:
            raise LimitError(str(self.path), "docx_part_mb",
                             f"DOCX part {name} expands past the limit (its zip entry understates its size)")
        return data

    def _xml(self, name: str) -> etree._Element | None:
        data = self._part(name)
        if data is None:
            return None
        try:
            return etree.fromstring(data, _PARSER)
        except etree.XMLSyntaxError as exc:
            raise DocumentError(str(self.path), "corrupt", f"damaged DOCX: {name}: {exc}") from None

    def _styles(self) -> _Styles:
        out = _Styles()
        root = self._xml("word/styles.xml")
        if root is None:
            return out
        default = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
        out.default_font = _fonts_of(default) or ""
        for style in root.iter(f"{W}style"):
            sid = style.get(f"{W}styleId", "")
            based = style.find(f"{W}basedOn")
            if based is not None:
                out.parent[sid] = based.get(f"{W}val", "")
            numpr = style.find(f"{W}pPr/{W}numPr")
            if numpr is not None:
                num = numpr.find(f"{W}numId")
                ilvl = numpr.find(f"{W}ilvl")
                if num is not None:
                    lvl = _ilvl(ilvl.get(f"{W}val", "0")) if ilvl is not None else 0
                    out.numpr[sid] = (num.get(f"{W}val", ""), lvl)
            font = _fonts_of(style.find(f"{W}rPr"))
            if font:
                out.font[sid] = font
        return out

    def _numbering(self) -> tuple[dict[str, dict[int, _Level]], dict[str, str]]:
        root = self._xml("word/numbering.xml")
        abstract: dict[str, dict[int, _Level]] = {}
        levels: dict[str, dict[int, _Level]] = {}
        num_abstract: dict[str, str] = {}
        if root is None:
            return levels, num_abstract
        for an in root.iter(f"{W}abstractNum"):
            abstract[an.get(f"{W}abstractNumId", "")] = {
                _ilvl(lvl.get(f"{W}ilvl", "0")): self._level(lvl) for lvl in an.iter(f"{W}lvl")
            }
        for num in root.iter(f"{W}num"):
            nid = num.get(f"{W}numId", "")
            ref = num.find(f"{W}abstractNumId")
            aid = ref.get(f"{W}val", "") if ref is not None else ""
            lv = dict(abstract.get(aid, {}))
            for override in num.iter(f"{W}lvlOverride"):
                ilvl = _ilvl(override.get(f"{W}ilvl", "0"))
                lvl = override.find(f"{W}lvl")
                if lvl is not None:
                    lv[ilvl] = self._level(lvl)
                start = override.find(f"{W}startOverride")
                if start is not None and ilvl in lv:
                    base = lv[ilvl]
                    lv[ilvl] = _Level(base.fmt, base.text, self._int(start.get(f"{W}val", "1"), "start value"))
            levels[nid] = lv
            num_abstract[nid] = aid
        return levels, num_abstract

    def _int(self, value: str, what: str) -> int:
        """A numbering attribute as an int within the list_number limit."""
        try:
            n = int(value.strip()[:40])
        except ValueError:
            raise DocumentError(str(self.path), "corrupt",
                                f"damaged DOCX numbering: {what} {value[:40]!r} is not a number") from None
        if abs(n) > self.limits.list_number:
            raise LimitError(str(self.path), "list_number", f"DOCX numbering {what} is {n}")
        return n

    def _level(self, lvl: etree._Element) -> _Level:
        def val(tag: str, default: str) -> str:
            el = lvl.find(f"{W}{tag}")
            return el.get(f"{W}val", default) if el is not None else default

        return _Level(val("numFmt", "decimal"), val("lvlText", ""), self._int(val("start", "1"), "start value"))

    # ------------------------------------------------------------------ paragraphs

    def _style_chain(self, sid: str | None) -> list[str]:
        chain = []
        while sid and sid not in chain and len(chain) < 20:
            chain.append(sid)
            sid = self.styles.parent.get(sid)
        return chain

    def _numbering_label(self, p: etree._Element) -> str:
        ppr = p.find(f"{W}pPr")
        num_id, ilvl = None, 0
        numpr = ppr.find(f"{W}numPr") if ppr is not None else None
        if numpr is not None:
            nid = numpr.find(f"{W}numId")
            lvl = numpr.find(f"{W}ilvl")
            num_id = nid.get(f"{W}val") if nid is not None else None
            ilvl = _ilvl(lvl.get(f"{W}val", "0")) if lvl is not None else 0
        else:
            pstyle = ppr.find(f"{W}pStyle") if ppr is not None else None
            for sid in self._style_chain(pstyle.get(f"{W}val") if pstyle is not None else None):
                if sid in self.styles.numpr:
                    num_id, ilvl = self.styles.numpr[sid]
                    break
        if not num_id or num_id == "0" or num_id not in self.levels:
            return ""
        levels = self.levels[num_id]
        key = self.num_abstract.get(num_id, num_id)
        counts = self.counters.setdefault(key, [0] * 10)
        ilvl = min(ilvl, 9)
        if counts[ilvl] == 0:
            counts[ilvl] = levels.get(ilvl, _Level()).start
        else:
            counts[ilvl] += 1
        if counts[ilvl] > self.limits.list_number:
            raise LimitError(str(self.path), "list_number", f"DOCX list counter reached {counts[ilvl]}")
        for deeper in range(ilvl + 1, 10):
            counts[deeper] = 0
        level = levels.get(ilvl, _Level())
        if level.fmt == "none":
            return ""
        if level.fmt == "bullet":
            bullet = level.text
            return ("•" if not bullet or any("\ue000" <= c <= "\uf8ff" for c in bullet)
                    else bullet) + " "
        label = level.text
        if len(label) > self.limits.label_chars:
            raise LimitError(str(self.path), "label_chars",
                             f"DOCX list label pattern of {len(label)} characters")
        for k in range(ilvl + 1):
            lk = levels.get(k, _Level())
            n = counts[k] or lk.start
            label = label.replace(f"%{k + 1}", format_number(n, lk.fmt))
            if len(label) > self.limits.label_chars:
                raise LimitError(str(self.path), "label_chars",
                                 f"DOCX list label of {len(label)} characters ({label[:20]}...)")
        return label + " " if label else ""

    def _run_font(self, r: etree._Element, para_style: str | None) -> str:
        rpr = r.find(f"{W}rPr")
        font = _fonts_of(rpr)
        if font:
            return font
        rstyle = rpr.find(f"{W}rStyle") if rpr is not None else None
        chain = self._style_chain(rstyle.get(f"{W}val") if rstyle is not None else None)
        chain += self._style_chain(para_style or "Normal")
        for sid in chain:
            if sid in self.styles.font:
                return self.styles.font[sid]
        return self.styles.default_font

    def paragraph(self, p: etree._Element) -> str:
        ppr = p.find(f"{W}pPr")
        pstyle = ppr.find(f"{W}pStyle") if ppr is not None else None
        para_style = pstyle.get(f"{W}val") if pstyle is not None else None
        parts: list[str] = []
        for r in p.iter(f"{W}r"):
            if any(a.tag == f"{W}del" for a in r.iterancestors()):
                continue
            chunk: list[str] = []
            for el in r:
                tag = el.tag
                if tag == f"{W}t":
                    chunk.append(el.text or "")
                elif tag == f"{W}tab":
                    chunk.append("\t")
                elif tag in (f"{W}br", f"{W}cr"):
                    chunk.append("\n")
                elif tag == f"{W}noBreakHyphen":
                    chunk.append("-")
                elif tag == f"{W}softHyphen":
                    chunk.append("\xad")  # in a TCVN3 run this is the letter "ư" (0xAD)
            text = "".join(chunk)
            if not text:
                continue
            found = legacy_font(self._run_font(r, para_style))
            if found:
                encoding, upper = found
                text = legacy.to_unicode(text, encoding)
                text = text.upper() if upper else text
                self.encodings.add(encoding)
            parts.append(text.replace("\xad", ""))
        body = "".join(parts)
        label = self._numbering_label(p)
        return label + body if body.strip() or label else body

    def block(self, el: etree._Element) -> list[str]:
        """Lines of a body-level element (paragraph, table, content control)."""
        if el.tag == f"{W}p":
            return [self.paragraph(el)]
        if el.tag == f"{W}tbl":
            return self.table(el)
        if el.tag == f"{W}sdt":
            content = el.find(f"{W}sdtContent")
            return [ln for child in (content if content is not None else []) for ln in
                    self.block(child)]
        return []

    def cell_lines(self, tc: etree._Element) -> list[str]:
        return [ln for child in tc for ln in self.block(child) if ln.strip()]

    def table(self, tbl: etree._Element) -> list[str]:
        rows = [[self.cell_lines(tc) for tc in tr.iter(f"{W}tc") if tc.getparent() is tr]
                for tr in tbl.iter(f"{W}tr") if tr.getparent() is tbl]
        rows = [r for r in rows if any(r)]
        if not rows:
            return []
        width = max(len(r) for r in rows)
        if width <= 2 and len(rows) <= LAYOUT_MAX_ROWS:
            return [ln for col in range(width) for r in rows if col < len(r) for ln in r[col]]
        return [" | ".join(" ".join(" ".join(c).split()) for c in r) for r in rows]

    def part_lines(self, name: str, tag: str) -> list[str]:
        root = self._xml(name)
        if root is None:
            return []
        out = []
        for item in root.iter(f"{W}{tag}"):
            if item.get(f"{W}type") in ("separator", "continuationSeparator"):
                continue
            out += [ln for child in item for ln in self.block(child) if ln.strip()]
        return out

    def read(self) -> str:
        root = self._xml("word/document.xml")
        if root is None:
            raise DocumentError(str(self.path), "corrupt",
                                "not a Word document: the archive has no word/document.xml")
        body = root.find(f"{W}body")
        lines = [ln for el in (body if body is not None else []) for ln in self.block(el)]
        lines += self.part_lines("word/footnotes.xml", "footnote")
        lines += self.part_lines("word/endnotes.xml", "endnote")
        for name in sorted(n for n in self.zf.namelist()
                           if n.startswith(("word/header", "word/footer")) and n.endswith(".xml")):
            lines += self.part_lines(name, "hdr" if "header" in name else "ftr")
        return "\n".join(ln.rstrip() for ln in lines)


def read_docx_bytes(path: Path, data: bytes) -> ReadResult:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise DocumentError(str(path), "corrupt",
                            "not a DOCX file (not a zip archive; damaged, or an old .doc "
                            "renamed to .docx)") from None
    with zf:
        reader = _Reader(path, zf)
        text = reader.read()
    info: dict[str, object] = {}
    if reader.encodings:
        info["encoding"] = "+".join(["utf-8", *sorted(reader.encodings)])
    return ReadResult(text=text, info=info)


@register(".docx", name="docx", max_mb=50)
def read_docx(path: Path, data: bytes) -> ReadResult:
    return read_docx_bytes(path, data)
