"""The public API: typed results whose fields are the table columns, with their evidence."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import kehoach
import pandas as pd
import pytest
from conftest import RAW
from kehoach.export.schema import columns
from kehoach.model import RECORDS

PLAN = """ỦY BAN NHÂN DÂN
TỈNH SƠN LA
Số: 57/KH-UBND
Sơn La, ngày 03 tháng 3 năm 2025

KẾ HOẠCH
Tuyên truyền chuyển đổi số năm 2025

Căn cứ Nghị quyết số 52/NQ-CP ngày 22/4/2022 của Chính phủ về phát triển nguồn nhân lực;
Căn cứ Quyết định số 411/QĐ-TTg ngày 31/3/2022 của Thủ tướng Chính phủ;

I. TỔ CHỨC THỰC HIỆN
1. Sở Khoa học và Công nghệ chủ trì tổ chức tuyên truyền trên Cổng thông tin điện tử tỉnh;
báo cáo kết quả trước ngày 15/12/2025.
"""


def test_extract_returns_typed_rows_with_evidence() -> None:
    doc = kehoach.extract(PLAN, name="sonla.txt")
    assert isinstance(doc, kehoach.Document)
    assert doc.metadata.source_path == "sonla.txt"
    assert doc.metadata.doc_number == "57/KH-UBND"
    assert doc.metadata.issue_date == "2025-03-03"
    ids = {c.instrument_id: c for c in doc.citations}
    assert set(ids) == {"52/NQ-CP", "411/QĐ-TTg"}
    c = ids["52/NQ-CP"]
    assert isinstance(c, kehoach.Citation)
    assert (c.type, c.date, c.issuer, c.basis) == ("Nghị quyết", "2022-04-22", "Chính phủ", True)
    assert isinstance(c.start, int) and isinstance(c.basis, bool)
    # the evidence is the exact span of the source text
    ev = c.evidence
    assert ev.doc_id == doc.doc_id
    assert " ".join(PLAN[ev.start:ev.end].split()) == ev.text
    assert "52/NQ-CP" in ev.text
    assert {i.instrument_id for i in doc.instruments} == {"52/NQ-CP", "411/QĐ-TTg"}
    assert any(d.date == "2025-12-15" for d in doc.deadlines)
    assert any(b.body.startswith("Sở Khoa học và Công nghệ") and b.role == "lead" for b in doc.bodies)
    assert any(ch.channel == "web_portal" for ch in doc.channels)


@pytest.mark.parametrize("table", sorted(RECORDS))
def test_record_fields_are_the_table_columns(table: str) -> None:
    assert [f.name for f in dataclasses.fields(RECORDS[table])] == columns(table)


def test_record_rejects_a_column_the_schema_lacks() -> None:
    with pytest.raises(ValueError, match="not columns of citations"):
        kehoach.Citation.from_row({"doc_id": "x", "no_such_column": 1})


def test_extract_is_callable_after_the_extract_package_is_imported() -> None:
    import kehoach.extract.citations.instruments  # binds the package to the attribute kehoach.extract

    assert kehoach.extract(PLAN).metadata.doc_number == "57/KH-UBND"


def test_extract_rejects_bytes() -> None:
    with pytest.raises(TypeError, match="extract_file"):
        kehoach.extract(PLAN.encode())  # type: ignore[arg-type]


def test_extract_file_names_the_file_in_its_error(tmp_path: Path) -> None:
    missing = tmp_path / "khong-co.txt"
    with pytest.raises(kehoach.DocumentError, match=r"khong-co\.txt"):
        kehoach.extract_file(missing)


def test_extract_file_equals_the_batch_tables(dev_out: Path) -> None:
    """One file through the API gives the rows `kehoach extract` wrote for it."""
    path = RAW / "khanhhoa-sxd-2023-tuyen-truyen-cchc.txt"
    doc = kehoach.extract_file(path)
    written = pd.read_csv(dev_out / "citations.csv", dtype=str, keep_default_na=False)
    written = written[written.doc_id == doc.doc_id]
    assert len(doc.citations) == len(written) > 0
    got = sorted((c.instrument_key or c.name or "", c.start, c.end) for c in doc.citations)
    want = sorted((r.instrument_key or r.name, int(r.start), int(r.end)) for r in written.itertuples())
    assert got == want
    docs = pd.read_csv(dev_out / "documents.csv", dtype=str, keep_default_na=False)
    row = docs[docs.doc_id == doc.doc_id].iloc[0]
    assert (doc.metadata.issuer or "", doc.metadata.doc_number or "") == (row.issuer, row.doc_number)


def test_extract_batch_returns_the_tables(tmp_path: Path) -> None:
    bad = tmp_path / "hong.pdf"
    bad.write_bytes(b"%PDF-1.4 not really")
    good = tmp_path / "plan.txt"
    good.write_text(PLAN, encoding="utf-8")
    data = kehoach.extract_batch([tmp_path], workers=1)
    assert set(data.documents.status) == {"ok", "error"}
    assert "hong.pdf" in data.errors.source_path.iloc[0]
    assert set(data.citations.instrument_id) == {"52/NQ-CP", "411/QĐ-TTg"}
    assert str(data.citations.start.dtype) == "Int64"
    with pytest.raises(AttributeError, match="no table"):
        _ = data.nonexistent


def test_extract_with_an_edited_copy_of_the_rules(tmp_path: Path) -> None:
    """`rules=` takes a folder of tables: an extra channel phrase there is found, the shipped
    rules (the default) do not know it; a folder that does not exist is a clear error."""
    from kehoach.rules import Rules

    text = ("KẾ HOẠCH\nTuyên truyền năm 2025\n\nII. HÌNH THỨC\n"
            "Phát động phong trào qua hệ thống chuông gió khu phố.\n")
    folder = Rules.default().save(tmp_path / "rules")
    with open(folder / "channels.jsonl", "a", encoding="utf-8") as fh:
        fh.write('{"label": "radio", "pattern": "chuông gió"}\n')
    assert {c.channel for c in kehoach.extract(text).channels} == set()
    assert {c.channel for c in kehoach.extract(text, rules=folder).channels} == {"radio"}
    assert {c.channel for c in kehoach.extract(text).channels} == set()
    with pytest.raises(FileNotFoundError, match="no-such-folder"):
        kehoach.extract(text, rules=tmp_path / "no-such-folder")
