from __future__ import annotations

from pathlib import Path

from helpers import run_text
from kehoach.evaluate import evaluate_dir
from kehoach.evaluate.assignments import body_key
from kehoach.extract.assignments import bodies
from kehoach.rules import load_csv

GOLD = Path(__file__).resolve().parent / "gold"

HEAD = "KẾ HOẠCH\nTuyên truyền cải cách hành chính tỉnh Khánh Hòa năm 2026\n\n"


def roles(text: str) -> set[tuple[str, str]]:
    return {(r["body"], r["role"]) for r in run_text(HEAD + text).tables.get("bodies", [])}


def test_lead_body_floor(dev_out: Path) -> None:
    metric = evaluate_dir(GOLD, dev_out).section(
        "Assignments (channels, lead bodies, deadlines)").metric("lead-body F1")
    assert metric.value is not None and metric.value >= 0.85, metric.detail


def test_organisation_section_heading_is_lead() -> None:
    got = roles("""IV. TỔ CHỨC THỰC HIỆN
1. Sở Thông tin và Truyền thông
- Chủ trì, phối hợp với Sở Nội vụ và các sở, ban, ngành liên quan triển khai.
2. Ủy ban nhân dân các huyện, thị xã, thành phố
- Báo cáo kết quả về Sở Nội vụ trước ngày 15/12.
""")
    assert ("Sở Thông tin và Truyền thông", "lead") in got
    assert ("Sở Nội vụ", "support") in got
    assert ("Các sở, ban, ngành liên quan", "support") in got
    assert ("Ủy ban nhân dân các huyện, thị xã, thành phố", "lead") in got
    assert ("Sở Nội vụ", "report_to") in got


def test_requested_and_giao() -> None:
    got = roles("""I. NỘI DUNG
- Giao Sở Tư pháp chủ trì, phối hợp với Sở Tài chính tham mưu Ủy ban nhân dân tỉnh tổ chức.
- Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh và các tổ chức chính trị - xã hội phối hợp tuyên truyền.
- Theo đề nghị của Sở Nội vụ, Văn phòng chủ trì tổng hợp báo cáo.
""")
    assert ("Sở Tư pháp", "lead") in got
    assert ("Sở Tài chính", "support") in got
    assert ("Ủy ban nhân dân tỉnh", "approve") in got
    assert ("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "requested") in got
    assert ("Các tổ chức chính trị - xã hội", "requested") in got
    assert not any(b == "Sở Nội vụ" and r == "requested" for b, r in got)


def test_abbreviations_and_locality() -> None:
    ctx = run_text(HEAD + "I. TỔ CHỨC THỰC HIỆN\n- UBND các xã, phường chủ trì thực hiện.\n"
                   "- Sở Xây dựng tỉnh Khánh Hòa chủ trì kiểm tra.\n")
    rows = {r["body"]: r for r in ctx.tables["bodies"]}
    assert rows["Ủy ban nhân dân các xã, phường"]["body_type"] == "ubnd cấp xã"
    assert rows["Sở Xây dựng tỉnh"]["mention"] == "Sở Xây dựng tỉnh Khánh Hòa"  # own locality omitted
    assert rows["Sở Xây dựng tỉnh"]["section"] == "I"


def test_table_lead_column() -> None:
    got = roles("""III. NHIỆM VỤ
TT
Nội dung
Cơ quan chủ trì
Cơ quan phối hợp
Thời gian thực hiện
1
Tuyên truyền trên báo chí
Sở Văn hóa, Thể thao và Du lịch
Báo Khánh Hòa
Quý II/2026
""")
    assert ("Sở Văn hóa, Thể thao và Du lịch", "lead") in got
    assert ("Báo Khánh Hòa", "support") in got


def test_body_key() -> None:
    assert body_key("Các Sở, Ban ngành tỉnh") == body_key("các sở,ban ngành")
    assert body_key("UBND các xã, phường") == body_key("Ủy ban nhân dân các xã, phường")
    assert body_key("Phòng Tài chính-Kế hoạch thị xã") == body_key("Phòng Tài chính - Kế hoạch")
    assert body_key("Sở Nội vụ") != body_key("Sở Tư pháp")


def leads(text: str) -> set[str]:
    return {b for b, role in roles(text) if role == "lead"}


def test_body_types_examples() -> None:
    """Every example of the gazetteer (models/body_types.csv) is found whole, with its type."""
    for row in load_csv("body_types.csv"):
        for example in row["examples"].split(";"):
            found = bodies.find_mentions(example)
            assert [(m.text, m.type) for m in found] == [(example, row["type"])], example


def test_labelled_field_is_lead() -> None:
    got = leads("""II. NHIỆM VỤ
1. Xây dựng cơ sở dữ liệu về đất đai
- Cơ quan chủ trì: Sở
Khoa học và Công nghệ; UBND các xã, phường.
- Cơ quan phối hợp: Sở Nội vụ.
2. Tập huấn cho cán bộ
Đơn vị thực hiện: Các sở, ban, ngành, đơn vị liên quan
Thời gian: Quý III/2026
""")
    assert "Sở Khoa học và Công nghệ" in got
    assert "Ủy ban nhân dân các xã, phường" in got
    assert "Các sở, ban, ngành, đơn vị liên quan" in got
    assert "Sở Nội vụ" not in got


def test_subjects_of_assignment_items_are_lead() -> None:
    got = leads("""V. PHÂN CÔNG TRÁCH NHIỆM
1. Các doanh nghiệp bưu chính, viễn thông trên địa bàn
- Chủ động đầu tư hạ tầng.
- Các phòng chuyên môn thuộc Sở, căn cứ nhiệm vụ được giao, có trách nhiệm phối hợp với Sở Tư pháp.
2. Đề nghị Hội Nông dân tỉnh và Tỉnh đoàn
- Tuyên truyền đến hội viên.
3. Liên đoàn Lao động tỉnh, Sở Y tế tỉnh Khánh Hòa
a) Theo dõi, đôn đốc.
4. Thủ trưởng các sở, ban, ngành và UBND các phường, đặc khu chịu trách nhiệm thực hiện Kế hoạch.
5. Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các cơ quan phản ánh về Sở Tư pháp.
6. Sở Tài chính phối hợp với Sở Nội vụ bố trí kinh phí thực hiện.
7. Các cơ quan, đơn vị được giao chủ trì có trách nhiệm hoàn thành nhiệm vụ đúng tiến độ.
""")
    assert got == {
        "Các doanh nghiệp bưu chính, viễn thông trên địa bàn", "Hội Nông dân tỉnh", "Tỉnh đoàn",
        "Liên đoàn Lao động tỉnh", "Sở Y tế tỉnh", "Các sở, ban, ngành", "Sở Tài chính",
        "Ủy ban nhân dân các phường, đặc khu"}


def test_items_outside_assignment_sections_are_not_lead() -> None:
    got = leads("""I. MỤC ĐÍCH, YÊU CẦU
1. Các cơ quan, đơn vị nâng cao nhận thức về chuyển đổi số.
- Sở Tài chính bảo đảm kinh phí.
""")
    assert got == set()


def test_lead_cue_after_an_aside() -> None:
    got = roles("""III. KINH PHÍ
3. Sở Tài chính, trên cơ sở đề xuất của các cơ quan, đơn vị, chủ trì tổng hợp dự toán.
""")
    assert ("Sở Tài chính", "lead") in got


def test_lead_column_cell_is_a_name_list() -> None:
    got = leads("""III. NHIỆM VỤ
TT
Nội dung
Cơ quan chủ trì
Cơ quan phối hợp
Thời gian thực hiện
1
Khảo sát hạ tầng viễn thông
Ban Quản lý các khu công nghệ cao và khu công nghiệp
Sở Tài chính
Quý II/2026
2
Công bố dữ liệu mở
Sở Nội vụ chủ trì hướng dẫn; Các sở, ngành, UBND cấp xã thực hiện
Sở Tư pháp
Hằng năm
""")
    assert got == {"Ban Quản lý các khu công nghệ cao và khu công nghiệp", "Sở Nội vụ",
                   "Các sở, ngành", "Ủy ban nhân dân cấp xã"}


def test_distributive_list_gives_one_body_each() -> None:
    got = leads("""IV. NHIỆM VỤ CỤ THỂ
1. Các cơ quan tham mưu quản lý ngành (gồm các Sở: Xây dựng, Nông nghiệp và Môi trường, Văn hóa, Thể thao và Du lịch)
- Hướng dẫn kiểm kê tài sản.
2. Sở Tài chính - Cơ quan thường trực Ban Chỉ đạo
- Tổng hợp kết quả.
""")
    assert got == {"Sở Xây dựng", "Sở Nông nghiệp và Môi trường", "Sở Văn hóa, Thể thao và Du lịch",
                   "Sở Tài chính"}


def test_run_in_heading_and_bullets_after_phoi_hop() -> None:
    got = roles("""V. TỔ CHỨC THỰC HIỆN
1. Các cơ quan, đơn vị, địa phương thuộc tỉnh: Căn cứ Kế hoạch này, xây dựng kế hoạch.
2. Công an tỉnh
b) Chủ trì, phối hợp
- Sở Xây dựng, Sở Y tế rà soát cơ sở vật chất.
3. Thời gian thực hiện: Năm 2026.
- Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh vận động Nhân dân.
""")
    leads_ = {b for b, role in got if role == "lead"}
    assert "Các cơ quan, đơn vị, địa phương thuộc tỉnh" in leads_
    assert "Công an tỉnh" in leads_
    assert "Sở Xây dựng" not in leads_ and "Sở Y tế" not in leads_
    assert "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh" in leads_


def test_content_section_counts_only_when_headed_by_bodies() -> None:
    got = leads("""II. NỘI DUNG THỰC HIỆN
1. Hình thức tuyên truyền
- Đề nghị các tổ chức chính trị - xã hội tuyên truyền đến hội viên.
III. NỘI DUNG THỰC HIỆN
1. Sở Nội vụ
- Hướng dẫn khen thưởng.
""")
    assert got == {"Sở Nội vụ"}


def test_body_norm_and_ubnd_levels() -> None:
    assert bodies.canonical("Các tổ chức chính trị-xã hội có liên quan") == "Tổ chức chính trị - xã hội"
    r = bodies.rules()
    types = {m.text: bodies.body_type(m, r) for m in bodies.find_mentions(
        "Ủy ban nhân dân thành phố Cần Thơ; UBND TP. Thủ Dầu Một; Ủy ban nhân dân Thành phố; "
        "UBND các xã, phường")}
    assert types == {"Ủy ban nhân dân thành phố Cần Thơ": "ubnd cấp tỉnh",
                     "UBND TP. Thủ Dầu Một": "ubnd cấp huyện",
                     "Ủy ban nhân dân Thành phố": "ubnd cấp tỉnh/huyện",
                     "UBND các xã, phường": "ubnd cấp xã"}


def test_subject_after_an_opening_clause_of_basis() -> None:
    got = leads("""VI. TỔ CHỨC THỰC HIỆN
1. Căn cứ Kế hoạch này, các sở, ban, ngành tỉnh, Ủy ban nhân dân các xã, phường xây dựng kế hoạch.
2. Căn cứ tình hình thực tế, kịp thời điều chỉnh nội dung.
""")
    assert got == {"Các sở, ban, ngành tỉnh", "Ủy ban nhân dân các xã, phường"}
