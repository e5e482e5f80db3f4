"""The assignment stages compile from the rules folder each document carries (`ctx.rules`):
an edited copy of the tables changes what they find, the shipped tables stay in use
elsewhere in the same process."""

from __future__ import annotations

import hashlib

from kehoach.components import analyse
from kehoach.context import DocContext
from kehoach.document import SourceText
from kehoach.extract.assignments import bodies
from kehoach.rules import Rules

PLAN = (
    "ỦY BAN NHÂN DÂN TỈNH AN BÌNH\n\nKẾ HOẠCH\nTriển khai công tác bảo trợ năm 2026\n\n"
    "I. MỤC ĐÍCH, YÊU CẦU\nBảo đảm các nhiệm vụ được triển khai đúng tiến độ.\n\n"
    "II. TỔ CHỨC THỰC HIỆN\n"
    "1. Quỹ Bảo trợ Trẻ em tỉnh chủ trì, phối hợp với Sở Tài chính triển khai Kế hoạch; "
    "hoàn thành trước ngày 15/12/2026.\n"
)


def _analyse(rules: Rules | None) -> DocContext:
    source = SourceText(path="plan.txt", sha256=hashlib.sha256(PLAN.encode()).hexdigest(), text=PLAN)
    return analyse(DocContext.from_source(source, rules))


def _leads(ctx: DocContext) -> set[str]:
    return {r["body"] for r in ctx.tables.get("bodies", []) if r["role"] == "lead"}


def test_edited_body_table_is_used(tmp_path):
    shipped = _leads(_analyse(None))
    assert not any(b.startswith("Quỹ") for b in shipped)
    folder = Rules.default().save(tmp_path / "rules")
    with open(folder / "body_types.csv", "a", encoding="utf-8") as fh:
        fh.write("Quỹ Bảo trợ Trẻ em,quỹ,locality,Quỹ Bảo trợ Trẻ em tỉnh\n")
    edited = Rules(folder)
    ctx = _analyse(edited)
    assert "Quỹ Bảo trợ Trẻ em tỉnh" in _leads(ctx)
    assert bodies.rules(edited) is not bodies.rules()  # one compiled finder per folder
    # the shipped tables are unchanged for the next document
    assert _leads(_analyse(None)) == shipped
    # the deadline stage runs with the same folder (its rows name the edited body)
    rows = ctx.tables.get("deadlines", [])
    assert any(r["date"] == "2026-12-15" and r["body"] == "Quỹ Bảo trợ Trẻ em tỉnh" for r in rows)
