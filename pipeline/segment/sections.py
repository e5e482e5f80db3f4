"""Section tree of a plan: Roman numerals, numbers, 3.1., letters, bullets and task tables.

Works line by line on normalized text (wrapped lines are already joined by normalization).
Markers and table column names are data (models/sections.yaml). The result is computed once
per document and kept in `ctx.sections`; `SectionTree.at(pos)` gives the section
path ("IV.2.b") and heading of a normalized offset.

Task tables come in two text shapes: one cell per line (the export of a Word table) and rows
of tab-separated cells (normalization turns `|` into tabs). Both give `TableRow`s whose cells
carry normalized offsets and a column role (task, lead, support, time, ...).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

import regex
from kehoach.context import DocContext
from kehoach.normalize import TIMEOUT
from kehoach.rules import Rules, compiled_for


@dataclass
class Section:
    kind: str  # part, article, roman, num, subnum, letter, row, closing
    label: str
    path: str
    heading: str
    start: int  # normalized offset of the marker line
    body_start: int  # offset after the marker
    level: int
    parent: int | None  # index in SectionTree.sections
    end: int = -1  # where the next section of the same or an outer level starts


@dataclass
class Cell:
    role: str
    start: int
    end: int
    text: str


@dataclass
class TableRow:
    table: int
    label: str
    section: int  # index of the row's Section
    cells: list[Cell]
    start: int
    end: int

    def cell(self, role: str) -> Cell | None:
        for c in self.cells:
            if c.role == role:
                return c
        return None


@dataclass
class Line:
    start: int
    end: int
    bullet: bool
    section: int | None


@dataclass
class SectionTree:
    text: str
    sections: list[Section] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    rows: list[TableRow] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list)
    _line_starts: list[int] = field(default_factory=list)
    _row_index: tuple[int, list[int] | None] = (-1, None)  # (rows seen, their starts)

    def index_at(self, pos: int) -> int | None:
        """Index of the innermost section containing normalized offset `pos`."""
        i = bisect_right(self._starts, pos) - 1
        while i >= 0:
            s = self.sections[i]
            if s.end < 0 or pos < s.end:
                return i
            i = s.parent if s.parent is not None else -1
        return None

    def at(self, pos: int) -> tuple[str, str]:
        """(path, heading) of the innermost section containing `pos`; ("", "") before any."""
        i = self.index_at(pos)
        if i is None:
            return "", ""
        s = self.sections[i]
        return s.path, s.heading

    def ancestors(self, i: int | None) -> list[Section]:
        out: list[Section] = []
        while i is not None:
            out.append(self.sections[i])
            i = self.sections[i].parent
        return out

    def in_closing(self, pos: int) -> bool:
        i = self.index_at(pos)
        while i is not None:
            if self.sections[i].kind == "closing":
                return True
            i = self.sections[i].parent
        return False

    def line_at(self, pos: int) -> Line | None:
        i = bisect_right(self._line_starts, pos) - 1
        if i < 0 or pos > self.lines[i].end:
            return None
        return self.lines[i]

    def row_at(self, pos: int) -> TableRow | None:
        starts = self._row_starts()
        if starts is not None:
            # rows in text order, none overlapping: only the last one starting at or
            # before `pos` may contain it
            i = bisect_right(starts, pos) - 1
            if i >= 0 and pos < self.rows[i].end:
                return self.rows[i]
            return None
        for row in self.rows:
            if row.start <= pos < row.end:
                return row
        return None

    def _row_starts(self) -> list[int] | None:
        """Row starts when the rows are in text order and do not overlap, else None."""
        key = len(self.rows)
        if self._row_index[0] != key:
            ordered = all(a.end <= b.start for a, b in zip(self.rows, self.rows[1:], strict=False)) \
                and all(r.start <= r.end for r in self.rows)
            self._row_index = (key, [r.start for r in self.rows] if ordered else None)
        return self._row_index[1]

    def block(self, pos: int) -> tuple[int, int]:
        """The unit an assignment belongs to: the table row, else the line (bullet, paragraph)."""
        row = self.row_at(pos)
        if row is not None:
            return row.start, row.end
        line = self.line_at(pos)
        return (line.start, line.end) if line else (pos, pos)

    def first_section_start(self) -> int:
        for s in self.sections:
            if s.kind in ("roman", "part", "num", "article"):
                return s.start
        return 0


@dataclass(frozen=True)
class _Rules:
    markers: tuple[tuple[str, int, regex.Pattern[str]], ...]
    bullets: tuple[str, ...]
    heading_max: int
    closing: regex.Pattern[str]
    columns: dict[str, str]  # folded column name -> role
    row_label: regex.Pattern[str]
    max_column_name: int
    cell_lines: int
    # first character of a line -> (whether the closing pattern may match, the markers that
    # may match), from partial matches on that character
    _by_first: dict[str, tuple[bool, tuple[tuple[str, int, regex.Pattern[str]], ...]]] = field(
        default_factory=dict)

    def at_first(self, c: str) -> tuple[bool, tuple[tuple[str, int, regex.Pattern[str]], ...]]:
        """Which line patterns may match a line starting with character `c`: a pattern with no
        (partial) match on `c` cannot match a line starting with it."""
        found = self._by_first.get(c)
        if found is None:
            closing = self.closing.match(c, partial=True, timeout=TIMEOUT) is not None
            markers = tuple(mk for mk in self.markers
                            if mk[2].match(c, partial=True, timeout=TIMEOUT) is not None)
            found = self._by_first[c] = (closing, markers)
        return found


_NOT_NAME = regex.compile(r"[^\p{L}\d/ ]+")


def _fold(s: str) -> str:
    return " ".join(_NOT_NAME.sub(" ", s, 0, None, None, None, TIMEOUT).split()).casefold()


def compile_rules(rules: Rules) -> _Rules:
    """The section grammar of a rules folder (sections.yaml)."""
    cfg = rules.yaml("sections.yaml")
    markers = tuple(
        (m["kind"], int(m["level"]), regex.compile(m["pattern"])) for m in cfg["markers"]
    )
    closing = "|".join(regex.escape(c) for c in cfg["closing"])
    columns = {_fold(name): role for role, names in cfg["table_columns"].items() for name in names}
    return _Rules(
        markers=markers,
        bullets=tuple(cfg["bullets"]),
        heading_max=int(cfg["heading_max"]),
        closing=regex.compile(rf"(?:{closing})\s*:?"),
        columns=columns,
        row_label=regex.compile(r"(?:\d{1,3}(?:\.\d{1,2})*|[IVX]{1,5})\.?"),
        max_column_name=max(len(k) for k in columns) + 8,
        cell_lines=int(cfg["cell_lines"]),
    )


def rules(source: Rules | None = None) -> _Rules:
    """The section grammar compiled from `source` (default: the shipped rules), once per
    rules folder."""
    return compiled_for(source, "segment.sections", compile_rules)


def _heading(line: str, limit: int) -> str:
    text = " ".join(line.split()).strip(" :;.")
    if len(text) <= limit:
        return text
    cut = text[:limit]
    stop = max(cut.rfind(". "), cut.rfind(": "), cut.rfind("; "))
    if stop > limit // 3:
        return cut[:stop]
    return cut.rsplit(" ", 1)[0] + "…"


def _lines(text: str) -> list[tuple[int, int]]:
    out = []
    pos = 0
    for raw in text.split("\n"):
        if raw.strip():
            lead = len(raw) - len(raw.lstrip())
            out.append((pos + lead, pos + len(raw.rstrip())))
        pos += len(raw) + 1
    return out


def _column_role(cell: str, r: _Rules) -> str | None:
    return r.columns.get(_fold(cell))


def _table_header(text: str, lines: list[tuple[int, int]], i: int, r: _Rules):
    """A task-table header at line i: (roles, n_lines, tabbed) or None."""
    s, e = lines[i]
    line = text[s:e]
    if "\t" in line:
        cells = [c.strip() for c in line.split("\t")]
        while cells and not cells[0]:
            cells.pop(0)
        while cells and not cells[-1]:
            cells.pop()
        roles = [_column_role(c, r) for c in cells]
        if sum(x is not None for x in roles) >= 2 and {"lead", "time", "support"} & set(roles):
            return [x or "other" for x in roles], 1, True
        return None
    roles = []
    j = i
    while j < len(lines) and lines[j][1] - lines[j][0] <= r.max_column_name:
        role = _column_role(text[lines[j][0] : lines[j][1]], r)
        if role is None:
            break
        roles.append(role)
        j += 1
    if len(roles) >= 2 and {"lead", "time", "support"} & set(roles):
        return roles, len(roles), False
    return None


def _split_tabbed(text: str, s: int, e: int) -> list[tuple[int, int]]:
    cells = []
    pos = s
    for part in text[s:e].split("\t"):
        a = pos + len(part) - len(part.lstrip())
        b = pos + len(part.rstrip())
        cells.append((a, max(a, b)))
        pos += len(part) + 1
    while cells and cells[0][0] == cells[0][1]:
        cells.pop(0)
    while cells and cells[-1][0] == cells[-1][1]:
        cells.pop()
    return cells


def _marker(text: str, s: int, e: int, r: _Rules) -> tuple[str, int, str, int] | None:
    for kind, level, pat in r.at_first(text[s])[1]:
        m = pat.match(text, s, e, None, False, TIMEOUT)
        if m:
            return kind, level, m.group("label"), m.end()
    return None


def build(text: str, r: _Rules | None = None) -> SectionTree:
    r = r or rules()
    tree = SectionTree(text)
    lines = _lines(text)
    stack: list[int] = []  # indices of open sections, outermost first

    def open_section(kind: str, level: int, label: str, start: int, body: int, heading: str) -> int:
        while stack and (
            tree.sections[stack[-1]].level >= level or tree.sections[stack[-1]].kind == "closing"
        ):
            tree.sections[stack.pop()].end = start
        parent = stack[-1] if stack else None
        if kind == "row":
            ppath = tree.sections[parent].path if parent is not None else ""
            path = f"{ppath}[{label}]"
        elif kind == "closing":
            path = "closing"
        else:
            anchor = parent
            if (kind == "subnum" and anchor is not None
                    and tree.sections[anchor].kind == "num"
                    and label.startswith(tree.sections[anchor].label + ".")):
                anchor = tree.sections[anchor].parent  # "3.1" under "3": II.3.1, not II.3.3.1
            ppath = tree.sections[anchor].path if anchor is not None else ""
            if ppath == "closing":
                ppath = ""
            path = f"{ppath}.{label}" if ppath else label
        tree.sections.append(Section(kind, label, path, heading, start, body, level, parent))
        stack.append(len(tree.sections) - 1)
        return stack[-1]

    i = 0
    n_tables = 0
    while i < len(lines):
        s, e = lines[i]
        head = _table_header(text, lines, i, r)
        if head is not None:
            roles, n_head, tabbed = head
            i = _read_table(tree, text, lines, i + n_head, roles, tabbed, n_tables, r,
                            open_section, stack)
            n_tables += 1
            continue
        line = text[s:e]
        if r.at_first(line[0])[0] and r.closing.match(line, timeout=TIMEOUT):
            open_section("closing", 0, "closing", s, s, "Nơi nhận")
        else:
            mk = _marker(text, s, e, r)
            if mk is not None:
                kind, level, label, body = mk
                open_section(kind, level, label, s, body, _heading(text[body:e], r.heading_max))
        tree.lines.append(Line(s, e, line.startswith(r.bullets), stack[-1] if stack else None))
        i += 1
    tree._starts = [sec.start for sec in tree.sections]
    tree._line_starts = [ln.start for ln in tree.lines]
    return tree


def _read_table(tree, text, lines, i, roles, tabbed, table_no, r, open_section, stack) -> int:
    """Read rows after a header; returns the index of the first line after the table."""
    n = len(roles)
    base_level = 5
    # close any earlier table row
    while stack and tree.sections[stack[-1]].kind == "row":
        tree.sections[stack.pop()].end = lines[i - 1][0] if i - 1 < len(lines) else len(text)
    groups: list[list[tuple[int, int]]] = []
    if tabbed:
        while i < len(lines):
            s, e = lines[i]
            if "\t" not in text[s:e]:
                break
            groups.append(_split_tabbed(text, s, e))
            i += 1
    else:
        has_stt = roles[0] == "stt"
        current: list[tuple[int, int]] = []
        # web text gives a table one cell per line with "|" lines between cells: once such
        # separators were seen, a run of more than `cell_lines` lines without one is text
        # after the table (the page around the document), not a cell
        separators = sum("\t" in text[lines[j - 1][1] : lines[j][0]]
                         for j in range(max(1, i - n + 1), min(i + 1, len(lines))))
        run_start = (i, 0)  # (line index, len(current)) after the last separator
        while i < len(lines):
            s, e = lines[i]
            line = text[s:e]
            seps = text.count("\t", lines[i - 1][1], s) if i else 0
            if seps:
                separators += 1
                run_start = (i, len(current))
            elif separators >= n and i - run_start[0] > r.cell_lines:
                del current[run_start[1] :]
                i = run_start[0]
                break
            if (r.at_first(line[0])[0] and r.closing.match(line, timeout=TIMEOUT)) \
                    or _table_header(text, lines, i, r) is not None:
                break
            mk = _marker(text, s, e, r)
            if mk is not None and mk[0] in ("roman", "part", "article"):
                if separators < n:
                    break
                # between "|" lines a numbered heading is a group row of the table
                if current:
                    groups.append(current)
                    current = []
                i += 1
                continue
            if has_stt and r.row_label.fullmatch(line.strip(), None, None, None, False, TIMEOUT):
                if current:
                    groups.append(current)
                current = [(s, e)]
            elif has_stt and not current:
                if separators < n:
                    break  # text after the table
                # (a group row before the first numbered row of a "|" table)
            elif separators >= n and has_stt and current:
                # a "|" table: the lines between two "|" lines are one cell (hard-wrapped),
                # "|" lines with nothing between them are empty cells
                if seps:
                    current += [(s, s)] * (seps - 1) + [(s, e)]
                else:
                    current[-1] = (current[-1][0], e)
            else:
                current.append((s, e))
                if not has_stt and len(current) == n:
                    groups.append(current)
                    current = []
            i += 1
        if current:
            groups.append(current)
    for k, cells in enumerate(groups):
        cells = _fit(cells, roles)
        if not cells:
            continue
        label = text[cells[0][1][0] : cells[0][1][1]].strip().rstrip(".") if roles[0] == "stt" \
            else str(k + 1)
        label = label or str(k + 1)
        start, end = cells[0][1][0], cells[-1][1][1]
        sec = open_section("row", base_level, label, start, start, "")
        row_cells = [Cell(role, a, b, " ".join(text[a:b].split())) for role, (a, b) in cells]
        task = next((c for c in row_cells if c.role == "task"), None)
        tree.sections[sec].heading = _heading(task.text, r.heading_max) if task else ""
        tree.rows.append(TableRow(table_no, label, sec, row_cells, start, end))
        for a, b in (span for _, span in cells):
            for ls, le in _lines(text[a:b]):
                tree.lines.append(Line(a + ls, a + le, False, sec))
    if stack and tree.sections[stack[-1]].kind == "row":
        end = tree.rows[-1].end if tree.rows else lines[min(i, len(lines) - 1)][0]
        tree.sections[stack.pop()].end = end
    return i


def _fit(cells: list[tuple[int, int]], roles: list[str]) -> list[tuple[str, tuple[int, int]]]:
    """Assign cell spans to roles; extra lines go into the task (or widest) column."""
    n = len(roles)
    if len(cells) <= n:
        return list(zip(roles, cells, strict=False))
    wide = roles.index("task") if "task" in roles else 0
    head = cells[:wide]
    tail_n = n - wide - 1
    tail = cells[len(cells) - tail_n :] if tail_n else []
    middle = cells[wide : len(cells) - tail_n]
    merged = (middle[0][0], middle[-1][1])
    return list(zip(roles, [*head, merged, *tail], strict=True))


def get(ctx: DocContext) -> SectionTree:
    """The document's section tree, built once."""
    tree = ctx.sections
    if tree is None:
        tree = build(ctx.text, rules(ctx.rules))
        ctx.sections = tree
    return tree


def run(ctx: DocContext) -> None:
    get(ctx)
