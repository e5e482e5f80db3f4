"""Stages that compile from the document's own rules (DocContext.rules): an edited copy of
the tables changes what they read, the shipped rules are left as they are."""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml
from kehoach.components import analyse
from kehoach.context import DocContext
from kehoach.document import SourceText
from kehoach.rules import Rules

# an invented plan whose list of recipients is labelled with a word the shipped table lacks
PLAN = """ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
XÃ BÌNH MINH\tĐộc lập - Tự do - Hạnh phúc
Số: 15/KH-UBND\tBình Minh, ngày 03 tháng 4 năm 2025

KẾ HOẠCH
Tuyên truyền cải cách hành chính năm 2025

I. MỤC ĐÍCH, YÊU CẦU
1. Nâng cao nhận thức của cán bộ, công chức về cải cách hành chính.

Nơi chuyển:\tTM. ỦY BAN NHÂN DÂN
- Văn phòng UBND xã;\tCHỦ TỊCH
- Các thôn (để t/h);
- Lưu: VT.\tLê Văn Hòa
"""


def _ctx(rules: Rules) -> DocContext:
    source = SourceText("plan.txt", hashlib.sha256(PLAN.encode()).hexdigest(), PLAN)
    return analyse(DocContext.from_source(source, rules=rules))


def _edited(tmp_path: Path) -> Rules:
    folder = Rules.default().save(tmp_path / "rules")
    table = folder / "recipients.yaml"
    cfg = yaml.safe_load(table.read_text(encoding="utf-8"))
    cfg["labels"].append("Nơi chuyển")
    table.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    return Rules(folder)


def test_an_edited_table_changes_the_recipients(tmp_path: Path) -> None:
    shipped = _ctx(Rules.default())
    assert shipped.tables.get("recipients", []) == []
    assert shipped.document["n_recipients"] == 0

    edited = _ctx(_edited(tmp_path))
    rows = edited.tables["recipients"]
    assert [r["recipient"] for r in rows] == ["Văn phòng UBND xã", "Các thôn", "Lưu: VT"]
    assert [r["kind"] for r in rows] == ["recipient", "recipient", "archive"]
    assert rows[1]["purpose"] == "để t/h"

    # the shipped rules are untouched: a new context with them reads no list again
    assert _ctx(Rules.default()).tables.get("recipients", []) == []
    assert "Nơi chuyển" not in Rules.default().yaml("recipients.yaml")["labels"]


def test_an_edited_signer_title_is_read(tmp_path: Path) -> None:
    folder = Rules.default().save(tmp_path / "rules")
    table = folder / "metadata.yaml"
    cfg = yaml.safe_load(table.read_text(encoding="utf-8"))
    assert "Chủ tịch" in cfg["signer_titles"]
    titles = cfg["signer_titles"]  # a mapping (title -> its forms) or a list of titles
    cfg["signer_titles"] = ({t: v for t, v in titles.items() if t != "Chủ tịch"} if isinstance(titles, dict)
                            else [t for t in titles if t != "Chủ tịch"])
    table.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    shipped, edited = _ctx(Rules.default()), _ctx(Rules(folder))
    assert shipped.document["signer_title"] == "Chủ tịch"
    assert edited.document["signer_title"] != "Chủ tịch"


LOCAL_PLAN = """ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH XỨ LẠNG\tĐộc lập - Tự do - Hạnh phúc
Số: 27/KH-UBND\tXứ Lạng, ngày 10 tháng 3 năm 2025

KẾ HOẠCH
Chuyển đổi số tỉnh Xứ Lạng năm 2025

Căn cứ tình hình thực tế của tỉnh Xứ Lạng, Ủy ban nhân dân tỉnh ban hành Kế hoạch.
"""


def test_an_edited_province_alias_changes_the_locality(tmp_path: Path) -> None:
    folder = Rules.default().save(tmp_path / "rules")
    table = folder / "admin_units.csv"
    rows = table.read_text(encoding="utf-8").splitlines()
    i = next(i for i, r in enumerate(rows) if r.startswith("province,Lạng Sơn,"))
    cells = rows[i].split(",")
    assert cells[4] == ""  # no alias in the shipped table
    cells[4] = "Xứ Lạng"
    rows[i] = ",".join(cells)
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")

    source = SourceText("local.txt", hashlib.sha256(LOCAL_PLAN.encode()).hexdigest(), LOCAL_PLAN)
    shipped = analyse(DocContext.from_source(source))
    edited = analyse(DocContext.from_source(source, rules=Rules(folder)))
    assert shipped.document["province_context"] is None
    assert edited.document["province_context"] == "Lạng Sơn"
    # the shipped rules still know no such alias
    assert analyse(DocContext.from_source(source)).document["province_context"] is None


# a plan citing a document by a generic word ("văn bản"): its type is what its type code says
CODE_PLAN = """ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH CAO BẰNG\tĐộc lập - Tự do - Hạnh phúc
Số: 31/KH-UBND\tCao Bằng, ngày 12 tháng 5 năm 2025

KẾ HOẠCH
Phát triển du lịch cộng đồng năm 2025

Thực hiện Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ và văn bản
12/KHTT-UBND ngày 02/3/2025 của UBND tỉnh, Ủy ban nhân dân tỉnh ban hành Kế hoạch.
"""


def test_an_edited_type_code_changes_the_citations(tmp_path: Path) -> None:
    folder = Rules.default().save(tmp_path / "rules")
    table = folder / "instrument_types.csv"
    text = table.read_text(encoding="utf-8")
    assert "\nKế hoạch,KH,Ke hoach,KH," in text and "KHTT" not in text
    table.write_text(text.replace("\nKế hoạch,KH,", "\nKế hoạch,KH;KHTT,"), encoding="utf-8")

    source = SourceText("code.txt", hashlib.sha256(CODE_PLAN.encode()).hexdigest(), CODE_PLAN)

    def cited(rules: Rules | None) -> dict[str, str | None]:
        ctx = analyse(DocContext.from_source(source, rules=rules))
        return {r["instrument_id"]: r["type"] for r in ctx.tables["citations"] if r["instrument_id"]}

    shipped = {"61/2018/NĐ-CP": "Nghị định", "12/KHTT-UBND": None}  # an unknown type code
    assert cited(None) == shipped
    assert cited(Rules(folder)) == {"61/2018/NĐ-CP": "Nghị định", "12/KHTT-UBND": "Kế hoạch"}
    assert cited(Rules.default()) == shipped  # the shipped rules unchanged


NAMED_PLAN = """KẾ HOẠCH
Tuyên truyền pháp luật năm 2025

Căn cứ Luật Tổ chức chính quyền địa phương và Đề án Phát triển du lịch xanh của tỉnh,
các cơ quan triển khai Sổ tay Chuyển đổi số trên địa bàn.
"""


def test_an_edited_named_rule_changes_the_named_instruments(tmp_path: Path) -> None:
    folder = Rules.default().save(tmp_path / "rules")
    table = folder / "named_instruments.yaml"
    cfg = yaml.safe_load(table.read_text(encoding="utf-8"))
    # a new kind of named act: "Sổ tay" followed by a capitalised name
    cfg["rules"].append({"type": "Sổ tay", "pattern": r"Sổ tay\s+(?=\p{Lu}){name}"})
    table.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    source = SourceText("named.txt", hashlib.sha256(NAMED_PLAN.encode()).hexdigest(), NAMED_PLAN)

    def named(rules: Rules | None) -> list[str]:
        ctx = analyse(DocContext.from_source(source, rules=rules))
        return sorted(r["name"] for r in ctx.named_instrument_rows)

    shipped = named(None)
    assert "Luật Tổ chức chính quyền địa phương" in shipped
    assert not any(n.startswith("Sổ tay") for n in shipped)
    assert "Sổ tay Chuyển đổi số" in named(Rules(folder))
    assert named(Rules.default()) == shipped


def test_an_edited_header_table_reaches_the_header_readers(tmp_path: Path) -> None:
    """The metadata family reads the rules in force (kehoach.rules.using, set by analyse): a
    type word added to a copy's metadata.yaml is a header type for documents given that copy,
    and stays unknown to the shipped rules, before and after."""
    import kehoach

    folder = Rules.default().save(tmp_path / "rules")
    table = folder / "metadata.yaml"
    text = table.read_text(encoding="utf-8")
    assert "  - Kế hoạch\n" in text and "Lịch công tác" not in text
    table.write_text(text.replace("  - Kế hoạch\n", "  - Kế hoạch\n  - Lịch công tác\n", 1), encoding="utf-8")
    plan = ("ỦY BAN NHÂN DÂN\nTỈNH BẮC NINH\nSố: 12/LCT-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "Độc lập - Tự do - Hạnh phúc\nBắc Ninh, ngày 10 tháng 3 năm 2025\n\nLỊCH CÔNG TÁC\n"
            "Tuần 11 năm 2025\n")
    assert kehoach.extract(plan).metadata.doc_type != "Lịch công tác"
    assert kehoach.extract(plan, rules=folder).metadata.doc_type == "Lịch công tác"
    assert kehoach.extract(plan).metadata.doc_type != "Lịch công tác"


def test_a_copy_never_changes_the_runs_profile(tmp_path: Path) -> None:
    """The stages of a run come from its profile in the shipped rules: a document analysed
    first with a copy whose pipeline.yaml lists fewer stages still runs every stage."""
    import kehoach.components as components

    folder = Rules.default().save(tmp_path / "rules")
    (folder / "pipeline.yaml").write_text("stages:\n  - segment.sections\n", encoding="utf-8")
    components._document_components.cache_clear()
    try:
        ctx = _ctx(Rules(folder))
        assert ctx.document.get("doc_type") == "Kế hoạch", "the metadata stage ran"
        assert ctx.document.get("signer_name") == "Lê Văn Hòa"
    finally:
        components._document_components.cache_clear()
