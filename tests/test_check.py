"""`kehoach check`: every flag kind on short plans written for the test, a clean plan without
flag, missing instruments, the workbook read back, and the real mistakes of the development
corpus (read from ../shared/corpus at test time)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from kehoach.resolve.check import check_tables, load_rules, parse_symbol, run_check
from kehoach.run import run
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"


def plan(province: str, number: str, date: str, title: str, body: str) -> str:
    day, month, year = date.split("/")
    return (
        f"ỦY BAN NHÂN DÂN\nTỈNH {province.upper()}\n\nSố: {number}/KH-UBND\n\n"
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n"
        f"{province}, ngày {day} tháng {month} năm {year}\n\nKẾ HOẠCH\n{title}\n\n"
        f"{body}\n\nI. MỤC ĐÍCH, YÊU CẦU\n\n1. Mục đích\n\nNâng cao nhận thức của cán bộ, công chức.\n\n"
        "II. TỔ CHỨC THỰC HIỆN\n\nSở Nội vụ chủ trì, theo dõi, báo cáo kết quả.\n\n"
        "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nNguyễn Văn An\n"
    )


CLEAN = plan(
    "Lạng Sơn", "101", "10/8/2025", "Tuyên truyền cải cách hành chính năm 2025",
    "Căn cứ Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ ban hành Chương trình tổng thể "
    "cải cách hành chính nhà nước giai đoạn 2021 - 2030;\n"
    "Căn cứ Nghị định số 118/2025/NĐ-CP ngày 09/6/2025 của Chính phủ về thực hiện thủ tục hành chính "
    "theo cơ chế một cửa, một cửa liên thông;\n"
    "Thực hiện Chỉ thị số 14/CT-TTg ngày 02/9/2022 của Thủ tướng Chính phủ;\n"
    "Ủy ban nhân dân tỉnh ban hành Kế hoạch như sau:",
)

WRONG = plan(
    "Bắc Ninh", "202", "15/9/2025", "Tuyên truyền cải cách hành chính năm 2025",
    "Căn cứ Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Thủ tướng Chính phủ;\n"
    "Căn cứ Nghị quyết số 71/NQ-CP ngày 01/5/2025 của Chính phủ;\n"
    "Căn cứ Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ về thực hiện cơ chế một cửa;\n"
    "Căn cứ Nghị quyết số 17/NQ-CP ngày 01/4/2025 của Chính phủ;\n"
    "Căn cứ Chỉ thị số 14/CT-TTg ngày 09/02/2022 của Thủ tướng Chính phủ;\n"
    "Căn cứ Chỉ thị số 05/QĐ-TTg ngày 12/3/2024 của Thủ tướng Chính phủ;\n"
    "Căn cứ Quyết định số 30/2019/QĐ-UBND ngày 12/5/2020 của UBND tỉnh;\n"
    "Căn cứ Kế hoạch số 45/KH-UBND ngày 10/3/2024 của UBND tỉnh Bắc Giang;\n"
    "Ủy ban nhân dân tỉnh ban hành Kế hoạch như sau:",
).replace(
    "Nâng cao nhận thức của cán bộ, công chức.",
    "Nâng cao nhận thức của cán bộ, công chức về Kế hoạch số 20/KH-UBND ngày 05/3/2025 của UBND tỉnh. "
    "Triển khai Kế hoạch số 20/KH-UBND ngày 15/3/2025 của UBND tỉnh đúng tiến độ.",
)

# a third plan: the consensus on 14/CT-TTg (two of three say 02/9/2022), and a rule's missing instrument
THIRD = plan(
    "Cao Bằng", "303", "20/10/2025", "Thông tin, tuyên truyền về cải cách hành chính năm 2026",
    "Thực hiện Chỉ thị số 14/CT-TTg ngày 02/9/2022 của Thủ tướng Chính phủ về đẩy mạnh thực hiện "
    "Chương trình tổng thể cải cách hành chính nhà nước;\nỦy ban nhân dân tỉnh ban hành Kế hoạch như sau:",
)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("plans")
    for name, text in (("clean.txt", CLEAN), ("wrong.txt", WRONG), ("third.txt", THIRD)):
        (folder / name).write_text(text, encoding="utf-8")
    tables = run([folder], None, workers=1).tables
    docs = tables["documents"]
    ids = {Path(p).name: d for p, d in zip(docs["source_path"], docs["doc_id"], strict=True)}
    result = check_tables(tables["citations"], docs)
    return {"tables": tables, "result": result, "ids": ids, "folder": folder}


def _flags(small: dict[str, object], name: str) -> pd.DataFrame:
    flags = small["result"]["flags"]  # type: ignore[index]
    return flags[flags["doc_id"] == small["ids"][name]]  # type: ignore[index]


def _one(flags: pd.DataFrame, iid: str, kind: str) -> dict[str, object]:
    hit = flags[(flags["instrument_id"] == iid) & (flags["kind"] == kind)]
    assert len(hit) == 1, flags[["instrument_id", "kind", "cited", "expected"]].to_string()
    return hit.iloc[0].to_dict()


def test_clean_plan_has_no_flag_and_nothing_missing(small):
    assert _flags(small, "clean.txt").empty
    missing = small["result"]["missing"]
    assert small["ids"]["clean.txt"] not in set(missing["doc_id"])


def test_issuer_outside_the_code_authority(small):
    f = _one(_flags(small, "wrong.txt"), "76/NQ-CP", "issuer")
    assert (f["cited"], f["expected"], f["truth_source"]) == ("Thủ tướng Chính phủ", "Chính phủ", "code")
    assert "76/NQ-CP" in f["sentence"]


def test_date_against_the_curated_registry(small):
    f = _one(_flags(small, "wrong.txt"), "71/NQ-CP", "date")
    assert (f["cited"], f["expected"], f["truth_source"]) == ("2025-05-01", "2025-04-01", "curated")


def test_date_against_the_consensus_with_swapped_day_and_month(small):
    f = _one(_flags(small, "wrong.txt"), "14/CT-TTg", "date")
    assert (f["cited"], f["expected"], f["truth_source"]) == ("2022-02-09", "2022-09-02", "consensus")
    assert "day and month swapped" in f["note"] and "2 of 3 documents" in f["note"]


def test_replaced_instrument_cited_after_its_replacement(small):
    f = _one(_flags(small, "wrong.txt"), "61/2018/NĐ-CP", "replaced")
    assert f["expected"].startswith("118/2025/NĐ-CP (from 01/07/2025)")


def test_number_slip(small):
    f = _one(_flags(small, "wrong.txt"), "17/NQ-CP", "number")
    assert f["expected"] == "71/NQ-CP"


def test_type_word_against_the_code(small):
    f = _one(_flags(small, "wrong.txt"), "05/QĐ-TTg", "type")
    assert (f["cited"], f["expected"]) == ("Chỉ thị", "Quyết định")


def test_year_of_the_number_against_the_date(small):
    f = _one(_flags(small, "wrong.txt"), "30/2019/QĐ-UBND", "inconsistent")
    assert "2019" in f["expected"]


def test_former_province_without_cu(small):
    f = _one(_flags(small, "wrong.txt"), "45/KH-UBND", "former_province")
    assert f["cited"] == "tỉnh Bắc Giang" and "Bắc Ninh" in f["expected"]
    text = WRONG.replace("tỉnh Bắc Giang;", "tỉnh Bắc Giang (cũ);")
    assert "former_province" not in set(_check_text(text, "cu.txt")["kind"])


def test_plan_contradicting_itself(small):
    f = _one(_flags(small, "wrong.txt"), "20/KH-UBND", "inconsistent")
    assert {f["cited"], f["expected"]} == {"2025-03-05", "2025-03-15"}


def test_no_other_flag_on_the_wrong_plan(small):
    kinds = set(zip(_flags(small, "wrong.txt")["instrument_id"], _flags(small, "wrong.txt")["kind"], strict=True))
    assert kinds == {
        ("76/NQ-CP", "issuer"), ("71/NQ-CP", "date"), ("14/CT-TTg", "date"), ("61/2018/NĐ-CP", "replaced"),
        ("17/NQ-CP", "number"), ("05/QĐ-TTg", "type"), ("30/2019/QĐ-UBND", "inconsistent"),
        ("45/KH-UBND", "former_province"), ("20/KH-UBND", "inconsistent"),
    }


def test_expired_from_a_user_registry(small, tmp_path):
    reg = tmp_path / "mine.csv"
    reg.write_text("instrument_id,type,date,issuer,status,effective_to,source\n"
                   "14/CT-TTg,Chỉ thị,2022-09-02,Thủ tướng Chính phủ,expired,2025-06-30,a test row\n",
                   encoding="utf-8")
    from kehoach.resolve.registry import read_registry

    tables = small["tables"]
    result = check_tables(tables["citations"], tables["documents"], [read_registry(reg)])
    flags = result["flags"]
    clean = flags[(flags["doc_id"] == small["ids"]["clean.txt"])]
    assert list(clean["kind"]) == ["expired"] and clean.iloc[0]["truth_source"] == "curated"


def test_missing_required_instrument(small):
    missing = small["result"]["missing"]
    assert list(missing["doc_id"]) == [small["ids"]["third.txt"]]
    assert missing.iloc[0]["instrument_id"] == "76/NQ-CP"


def test_rules_file(tmp_path, small):
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - id: one-door\n    description: plans cite the one-door decree\n"
                     "    when: {title_any: [cải cách hành chính], issued_after: 2025-07-01}\n"
                     "    cite_any: [118/2025/NĐ-CP]\n", encoding="utf-8")
    tables = small["tables"]
    missing = check_tables(tables["citations"], tables["documents"], rules=load_rules(rules))["missing"]
    assert set(missing["doc_id"]) == {small["ids"]["wrong.txt"], small["ids"]["third.txt"]}


def test_parse_symbol():
    assert parse_symbol("61/2018/NĐ-CP") == parse_symbol("61/2018/NĐ-CP")
    sym = parse_symbol("80/2015/QH13")
    assert (sym.type_code, sym.issuer_codes, sym.year) == (None, ("QH",), 2015)
    sym = parse_symbol("18-NQ/TW")
    assert (sym.type_code, sym.issuer_codes, sym.party) == ("NQ", ("TW",), True)
    sym = parse_symbol("12/NQ-UBTVQH15")
    assert (sym.type_code, sym.issuer_codes) == ("NQ", ("UBTVQH",))


def test_law_of_the_national_assembly_by_its_standing_committee():
    text = plan("Lai Châu", "77", "10/9/2025", "Triển khai thi hành Luật Thủ đô",
                "Căn cứ Luật số 39/2024/QH15 ngày 28/6/2024 của Ủy ban Thường vụ Quốc hội;\n"
                "Ủy ban nhân dân tỉnh ban hành Kế hoạch như sau:")
    flags = _check_text(text, "qh.txt")
    assert list(zip(flags["instrument_id"], flags["kind"], flags["expected"], strict=True)) == [
        ("39/2024/QH15", "issuer", "Quốc hội")]


def _check_text(text: str, name: str) -> pd.DataFrame:
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        (Path(d) / name).write_text(text, encoding="utf-8")
        tables = run([Path(d)], None, workers=1).tables
    return check_tables(tables["citations"], tables["documents"])["flags"]


def test_check_command_writes_tables_workbook_and_datapackage(small, tmp_path):
    from kehoach.cli import app
    from typer.testing import CliRunner

    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["check", str(small["folder"]), "-o", str(out)])
    assert res.exit_code == 0, res.output
    for name in ("flags", "matrix", "missing", "registry", "citations"):
        assert (out / f"{name}.csv").is_file()
    import json

    names = [r["name"] for r in json.loads((out / "datapackage.json").read_text(encoding="utf-8"))["resources"]]
    assert {"flags", "matrix", "missing", "registry", "citations", "documents"} <= set(names)
    flags = pd.read_csv(out / "flags.csv")
    assert len(flags) == len(small["result"]["flags"])

    # the workbook, read back
    wb = load_workbook(out / "check.xlsx")
    assert wb.sheetnames == ["Summary", "Matrix", "Flags", "Missing", "Registry"]
    for ws in wb.worksheets:
        assert ws.freeze_panes in ("A2", "B2") and ws.auto_filter.ref
    ws = wb["Flags"]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, [c.value for c in r], strict=True)) for r in ws.iter_rows(min_row=2)]
    issuer = next(r for r in rows if r["kind"] == "issuer")
    assert issuer["cited"] == "Thủ tướng Chính phủ"  # Vietnamese intact
    assert "Nghị quyết số 76/NQ-CP" in issuer["sentence"]
    assert ws.column_dimensions["A"].width >= 6
    summary = wb["Summary"]
    head = [c.value for c in summary[1]]
    srows = {r[0].value: dict(zip(head, [c.value for c in r], strict=True)) for r in summary.iter_rows(min_row=2)}
    assert srows["clean.txt"]["flagged"] == 0 and srows["wrong.txt"]["flagged"] == len(rows)
    assert srows["third.txt"]["missing"] == 1
    matrix = wb["Matrix"]
    assert "76/NQ-CP" in [c.value for c in matrix[1]]
    assert {r[0].value for r in matrix.iter_rows(min_row=2)} == {"clean.txt", "wrong.txt", "third.txt"}

    # an existing output folder as input gives the same flags
    again = tmp_path / "again"
    run_check([out], again)
    assert len(pd.read_csv(again / "flags.csv")) == len(flags)


DEV = ["caobang-ubnd-2021-2025-tuyen-truyen-cchc.txt", "014_dongthap-ubnd-2025-ke-hoach-chuyen-doi-so-doanh-nghiep.txt",
       "012_hanoi-ubnd-2025-ke-hoach-tao-lap-du-lieu-chuyen-doi-so.txt",
       "013_dongthap-ubnd-2025-ke-hoach-chuyen-doi-so-ha-tang-giao-thong.txt",
       "015_bacninh-ubnd-2025-ke-hoach-kinh-te-so-xa-hoi-so.txt",
       "duyenhai-ubnd-2022-tuyen-truyen-cchc.txt", "haiphong-sdl-2022-tuyen-truyen-cchc.txt",
       "011_nghean-ubnd-2025-ke-hoach-bao-ve-bi-mat-nha-nuoc.txt", "020_cantho-ubnd-2025-ke-hoach-cong-tac-dan-so.txt"]


# the whole development split: the five seed plans and 006..020 (021..029 are held out)
DEV_ALL = sorted({*DEV, *(p.name for p in CORPUS.glob("*.txt") if p.name[:3].isdigit() and int(p.name[:3]) <= 20),
                  *(p.name for p in CORPUS.glob("*.txt") if not p.name[:3].isdigit())})


@pytest.mark.skipif(not all((CORPUS / f).is_file() for f in DEV),
                    reason="the development corpus ../shared/corpus is absent")
def test_real_mistakes_of_the_development_corpus():
    assert len(DEV_ALL) == 20
    tables = run([CORPUS / f for f in DEV_ALL], None, workers=1).tables
    docs = tables["documents"]
    ids = {Path(p).name: d for p, d in zip(docs["source_path"], docs["doc_id"], strict=True)}
    flags = check_tables(tables["citations"], docs)["flags"]
    # the Cao Bằng plan: 76/NQ-CP "của Thủ tướng Chính phủ" (twice); it was issued by Chính phủ
    cb = flags[(flags["doc_id"] == ids[DEV[0]]) & (flags["instrument_id"] == "76/NQ-CP")]
    assert list(zip(cb["kind"], cb["cited"], cb["expected"], cb["n_mentions"], strict=True)) == [
        ("issuer", "Thủ tướng Chính phủ", "Chính phủ", 2)]
    # 014: 71/NQ-CP "ngày 01/5/2025"; the Government and the other plans date it 01/4/2025
    d14 = flags[(flags["doc_id"] == ids[DEV[1]]) & (flags["instrument_id"] == "71/NQ-CP")]
    assert list(zip(d14["kind"], d14["cited"], d14["expected"], strict=True)) == [("date", "2025-05-01", "2025-04-01")]
    # without the curated row the consensus of the plans gives the same flag
    flags_c = check_tables(tables["citations"], docs, [pd.DataFrame()])["flags"]
    assert len(flags_c[(flags_c["instrument_id"] == "71/NQ-CP")]) == 1
    # no other plan is flagged on these two instruments
    others = flags[flags["instrument_id"].isin(["71/NQ-CP", "76/NQ-CP"])]
    assert set(others["doc_id"]) == {ids[DEV[0]], ids[DEV[1]]}
    # 011 writes "Quyết định số 46/2002/QĐ-UBND ngày 12/09/2022": the number's year contradicts the date
    d11 = flags[flags["doc_id"] == ids[DEV[7]]]
    # (the extractor reads the id as 46/2022/QĐ-UBND from the date; the flag keeps what was written)
    assert list(zip(d11["instrument_id"], d11["kind"], d11["cited"], strict=True)) == [
        ("46/2022/QĐ-UBND", "inconsistent", "46/2002/QĐ-UBND")]
    # 020 (Cần Thơ, November 2025) cites instruments of Hậu Giang and Sóc Trăng without "(cũ)"
    d20 = flags[flags["doc_id"] == ids[DEV[8]]]
    assert set(d20["kind"]) == {"former_province"}
    assert set(d20["cited"]) == {"tỉnh Hậu Giang", "tỉnh Sóc Trăng"} and len(d20) == 5
    # Duyên Hải 26/KH-UBND of 11/02/2022 cites its district's 19/KH-UBND and 20/KH-UBND "ngày 19/02/2022"
    dh = flags[flags["doc_id"] == ids[DEV[5]]]
    assert list(zip(dh["instrument_id"], dh["kind"], dh["expected"], dh["truth_source"], strict=True)) == [
        ("19/KH-UBND", "date", "before 2022-02-11", "plan"), ("20/KH-UBND", "date", "before 2022-02-11", "plan")]
    # and nothing else: every flag on the 20 development plans is a real mistake
    assert len(flags) == len(cb) + len(d14) + len(d11) + len(d20) + len(dh)


def test_number_slip_is_a_transposition_only():
    from kehoach.resolve.check import _slip

    assert _slip("17/NQ-CP", "71/NQ-CP") and _slip("1216/QĐ-BTTTT", "1261/QĐ-BTTTT")
    assert not _slip("02/NQ-CP", "01/NQ-CP") and not _slip("71/NQ-CP", "71/NQ-CP")


def test_replaced_instrument_in_a_report_of_past_results_is_no_flag():
    text = plan("Gia Lai", "88", "20/9/2025", "Cải cách thủ tục hành chính năm 2026",
                "Căn cứ Nghị định số 118/2025/NĐ-CP ngày 09/6/2025 của Chính phủ;\n"
                "Ủy ban nhân dân tỉnh ban hành Kế hoạch như sau:").replace(
        "Nâng cao nhận thức của cán bộ, công chức.",
        "Năm 2024, tỉnh đã tổ chức 12 lớp tập huấn về Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ. "
        "Các sở tiếp tục giải quyết hồ sơ theo Nghị định số 61/2018/NĐ-CP.")
    flags = _check_text(text, "past.txt")
    assert list(zip(flags["instrument_id"], flags["kind"], strict=True)) == [("61/2018/NĐ-CP", "replaced")]
    assert flags.iloc[0]["mention"] == "Nghị định số 61/2018/NĐ-CP"


def _rows(*items: tuple[str, str, str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Citations (doc, instrument_id, date, issuer) of plans dated 2025-09-01, one mention each."""
    cits = []
    for i, (doc, iid, date, issuer) in enumerate(items):
        typ = "Nghị quyết" if "NQ" in iid else "Kế hoạch" if "KH-" in iid else "Quyết định"
        cits.append({"doc_id": doc, "instrument_id": iid, "instrument_key": f"{iid}|{date[:4]}|", "type": typ,
                     "year": int(date[:4]), "date": date, "issuer": issuer, "scope": None, "in_basis": True,
                     "date_cited": date, "issuer_cited": issuer, "mention": f"{typ} số {iid} của {issuer}",
                     "start": 100 + i, "end": 140 + i, "page": None,
                     "sentence": f"Căn cứ {typ} số {iid} của {issuer};"})
    docs = pd.DataFrame([{"doc_id": d, "source_path": f"{d}.txt", "status": "ok", "issue_date": "2025-09-01"}
                         for d in sorted({c["doc_id"] for c in cits})])
    return pd.DataFrame(cits), docs


def test_issuer_of_a_ministry_code_and_against_the_curated_registry():
    cits, docs = _rows(("a", "1216/QĐ-BTTTT", "2021-08-13", "Bộ Nội vụ"),
                       ("a", "57-NQ/TW", "2024-12-22", "Ban Chấp hành Trung ương"),
                       ("b", "1216/QĐ-BTTTT", "2021-08-13", "Bộ Thông tin và Truyền thông"),
                       ("b", "57-NQ/TW", "2024-12-22", "Bộ Chính trị"))
    flags = check_tables(cits, docs)["flags"]
    got = set(zip(flags["doc_id"], flags["instrument_id"], flags["cited"], flags["expected"], flags["truth_source"],
                  strict=True))
    assert got == {("a", "1216/QĐ-BTTTT", "Bộ Nội vụ", "Bộ Thông tin và Truyền thông", "code"),
                   ("a", "57-NQ/TW", "Ban Chấp hành Trung ương", "Bộ Chính trị", "curated")}


def test_consensus_needs_enough_documents():
    two = _rows(("a", "15/NQ-CP", "2024-03-01", "Chính phủ"), ("b", "15/NQ-CP", "2024-03-10", "Chính phủ"))
    assert check_tables(*two)["flags"].empty  # one against one: no truth
    four = _rows(("a", "15/NQ-CP", "2024-03-01", "Chính phủ"), ("b", "15/NQ-CP", "2024-03-10", "Chính phủ"),
                 ("c", "15/NQ-CP", "2024-03-01", "Chính phủ"), ("d", "15/NQ-CP", "2024-03-01", "Chính phủ"))
    flags = check_tables(*four)["flags"]
    assert list(zip(flags["doc_id"], flags["kind"], flags["expected"], flags["note"], strict=True)) == [
        ("b", "date", "2024-03-01", "3 of 4 documents")]
    assert flags.iloc[0]["confidence"] == 0.75


def test_instrument_dated_after_the_plan_itself():
    cits, docs = _rows(("a", "31/KH-UBND", "2025-09-15", "Ủy ban nhân dân tỉnh Gia Lai"),
                       ("a", "30/KH-UBND", "2025-08-15", "Ủy ban nhân dân tỉnh Gia Lai"))
    flags = check_tables(cits, docs)["flags"]  # the plan is dated 2025-09-01
    assert list(zip(flags["instrument_id"], flags["kind"], flags["expected"], strict=True)) == [
        ("31/KH-UBND", "date", "before 2025-09-01")]
