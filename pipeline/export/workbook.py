"""check.xlsx: the result of `kehoach check` for a reviewer (openpyxl).

Sheets: Summary (one row per plan: instruments cited, flags, missing), Matrix (plans as rows,
instruments as columns: mentions, bold on a green fill when cited in the legal basis), Flags
(with the sentence of each flag), Missing, Registry. Every sheet has a frozen header, an
autofilter and column widths fitted to the content.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
BASIS_FILL = PatternFill("solid", fgColor="D5EFD5")
MAX_WIDTH = {"sentence": 100, "mention": 50, "title": 60, "description": 60, "source": 50,
             "source_path": 40, "note": 40}


def _cell(value: Any) -> Any:
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):  # numpy / pandas scalars
        value = value.item()
    return value


def _sheet(ws: Worksheet, df: pd.DataFrame, wrap: tuple[str, ...] = ()) -> None:
    cols = list(df.columns)
    ws.append(cols)
    for row in df.itertuples(index=False):
        ws.append([_cell(v) for v in row])
    _format(ws, cols, wrap)


def _format(ws: Worksheet, cols: list[str], wrap: tuple[str, ...] = (), first_col: bool = False) -> None:
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    ws.freeze_panes = "B2" if first_col else "A2"
    if ws.max_row >= 1 and ws.max_column >= 1:
        ws.auto_filter.ref = ws.dimensions
    for i, name in enumerate(cols, 1):
        letter = get_column_letter(i)
        longest = max((len(str(c.value)) for c in ws[letter] if c.value is not None), default=4)
        cap = MAX_WIDTH.get(str(name), 30)
        ws.column_dimensions[letter].width = max(6, min(cap, longest + 2))
        if name in wrap:
            for c in ws[letter][1:]:
                c.alignment = Alignment(wrap_text=True, vertical="top")


def _label(doc: dict[str, Any]) -> str:
    path = str(_cell(doc.get("source_path")) or "")
    return Path(path).name or str(doc.get("doc_id"))


def summary(tables: dict[str, pd.DataFrame], documents: pd.DataFrame) -> pd.DataFrame:
    flags, matrix, missing = tables["flags"], tables["matrix"], tables["missing"]
    rows = []
    docs = documents.to_dict("records") if documents is not None and not documents.empty else []
    for doc in docs:
        if str(_cell(doc.get("status")) or "ok") != "ok":
            continue
        doc_id = doc["doc_id"]
        mine = matrix[matrix["doc_id"] == doc_id] if not matrix.empty else matrix
        fl = flags[flags["doc_id"] == doc_id] if not flags.empty else flags
        rows.append({
            "file": _label(doc), "doc_id": doc_id, "doc_number": _cell(doc.get("doc_number")),
            "issue_date": _cell(doc.get("issue_date")), "issuer": _cell(doc.get("issuer")),
            "title": _cell(doc.get("title")),
            "cited": int(mine["instrument_id"].notna().sum()) if not mine.empty else 0,
            "cited_in_basis": int(mine["in_basis"].astype(bool).sum()) if not mine.empty else 0,
            "flagged": len(fl),
            "flag_kinds": ", ".join(sorted(set(fl["kind"]))) if not fl.empty else "",
            "missing": int((missing["doc_id"] == doc_id).sum()) if not missing.empty else 0,
        })
    return pd.DataFrame(rows, columns=["file", "doc_id", "doc_number", "issue_date", "issuer", "title", "cited",
                                       "cited_in_basis", "flagged", "flag_kinds", "missing"])


def _matrix_sheet(ws: Worksheet, matrix: pd.DataFrame, documents: pd.DataFrame) -> None:
    numbered = matrix[matrix["instrument_id"].notna() & (matrix["instrument_id"].astype(str) != "")] \
        if not matrix.empty else matrix
    order = (numbered.groupby("instrument_key")["doc_id"].nunique().reset_index()
             .sort_values(["doc_id", "instrument_key"], ascending=[False, True]))["instrument_key"].tolist() \
        if not numbered.empty else []
    ids = dict(zip(numbered["instrument_key"], numbered["instrument_id"], strict=False)) if order else {}
    labels = {}
    if documents is not None and not documents.empty:
        labels = {d["doc_id"]: _label(d) for d in documents.to_dict("records") if _cell(d.get("doc_id"))}
    doc_ids = sorted(set(numbered["doc_id"])) if not numbered.empty else []
    header = ["plan", *[ids[k] if list(ids.values()).count(ids[k]) == 1 else k for k in order]]
    ws.append(header)
    col = {k: i + 2 for i, k in enumerate(order)}
    cells = {(r["doc_id"], r["instrument_key"]): r for r in numbered.to_dict("records")}
    for r, doc_id in enumerate(doc_ids, 2):
        ws.cell(row=r, column=1, value=labels.get(doc_id, doc_id))
        for key in order:
            hit = cells.get((doc_id, key))
            if hit is None:
                continue
            c = ws.cell(row=r, column=col[key], value=int(hit["n_mentions"]))
            if bool(hit["in_basis"]):
                c.fill = BASIS_FILL
                c.font = Font(bold=True)
    _format(ws, header, first_col=True)
    ws.column_dimensions["A"].width = min(60, max((len(str(x)) for x in labels.values()), default=20) + 2)
    for i in range(2, len(header) + 1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = max(8, min(22, len(str(header[i - 1])) + 2))
        ws[f"{letter}1"].alignment = Alignment(text_rotation=90, vertical="bottom")
    ws.row_dimensions[1].height = 110


def write_workbook(path: Path, tables: dict[str, pd.DataFrame], documents: pd.DataFrame | None) -> Path:
    documents = documents if documents is not None else pd.DataFrame()
    wb = Workbook()
    ws = wb.active
    ws.title = "Summary"
    _sheet(ws, summary(tables, documents), wrap=("title",))
    _matrix_sheet(wb.create_sheet("Matrix"), tables["matrix"], documents)
    _sheet(wb.create_sheet("Flags"), tables["flags"], wrap=("sentence", "mention", "note"))
    _sheet(wb.create_sheet("Missing"), tables["missing"], wrap=("description", "title"))
    _sheet(wb.create_sheet("Registry"), tables["registry"], wrap=("title",))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    wb.save(tmp)
    tmp.replace(path)
    return path
