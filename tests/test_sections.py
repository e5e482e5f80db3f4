from __future__ import annotations

from kehoach.normalize import normalize
from kehoach.segment.sections import build

PLAN = """KẾ HOẠCH
Tuyên truyền năm 2026

I. MỤC ĐÍCH
1. Mục đích
- Nâng cao nhận thức.
II. NỘI DUNG
1. Nội dung
a) Đối với cán bộ
- Tuyên truyền.
đ) Đối với người dân
3. Hình thức
3.1. Qua hội nghị
- Tổ chức hội nghị.
IV. TỔ CHỨC THỰC HIỆN
2. Sở Nội vụ
- Chủ trì.
Nơi nhận:
- Như trên;
"""


def test_paths_and_headings() -> None:
    text = normalize(PLAN).text
    tree = build(text)
    assert [s.path for s in tree.sections] == [
        "I", "I.1", "II", "II.1", "II.1.a", "II.1.đ", "II.3", "II.3.1", "IV", "IV.2", "closing"
    ]
    assert tree.at(text.index("Tổ chức hội nghị")) == ("II.3.1", "Qua hội nghị")
    assert tree.at(text.index("Chủ trì")) == ("IV.2", "Sở Nội vụ")
    assert tree.at(text.index("Tuyên truyền năm")) == ("", "")
    assert tree.in_closing(text.index("Như trên"))
    assert not tree.in_closing(text.index("Chủ trì"))


def test_table_one_cell_per_line() -> None:
    text = normalize("""III. NHIỆM VỤ CỤ THỂ
TT
Nội dung
Cơ quan chủ trì
Cơ quan phối hợp
Thời gian thực hiện
1
Tuyên truyền trên Cổng thông tin điện tử
Sở Nội vụ
Các sở, ban, ngành
Quý II/2026
2
Tổ chức hội nghị
Sở Tư pháp
Ủy ban nhân dân các huyện
Tháng 9/2026
IV. KINH PHÍ
""").text
    tree = build(text)
    assert len(tree.rows) == 2
    first = tree.rows[0]
    assert first.label == "1"
    assert first.cell("lead").text == "Sở Nội vụ"
    assert first.cell("time").text == "Quý II/2026"
    assert tree.rows[1].cell("support").text == "Ủy ban nhân dân các huyện"
    assert tree.at(text.index("Tổ chức hội nghị"))[0] == "III[2]"
    assert tree.at(text.index("KINH PHÍ"))[0] == "IV"


def test_table_pipes() -> None:
    text = normalize("""II. PHÂN CÔNG
| STT | Nhiệm vụ | Đơn vị chủ trì | Đơn vị phối hợp | Thời hạn |
|---|---|---|---|---|
| 1 | Xây dựng chuyên mục | Văn phòng Sở | Các phòng chuyên môn | Tháng 3/2026 |
| 2 | Báo cáo sơ kết | Phòng Tổ chức | Văn phòng | 30/6/2026 |
""").text
    tree = build(text)
    assert [r.label for r in tree.rows] == ["1", "2"]
    assert tree.rows[0].cell("task").text == "Xây dựng chuyên mục"
    assert tree.rows[1].cell("lead").text == "Phòng Tổ chức"
    assert tree.rows[1].cell("time").text == "30/6/2026"


def test_more_lines_than_columns_go_to_the_task() -> None:
    text = normalize("""TT
Nội dung
Cơ quan chủ trì
1
Tuyên truyền qua báo chí
- tin, bài
- phóng sự
Sở Văn hóa
""").text
    row = build(text).rows[0]
    assert row.cell("lead").text == "Sở Văn hóa"
    assert "phóng sự" in row.cell("task").text


def test_web_table_group_rows_and_page_after() -> None:
    """A "|" table of web text, one cell per line: a numbered group row between "|" lines
    stays inside the table; a long run of lines without "|" after it is not a cell."""
    cells = ["STT", "Nội dung", "Cơ quan chủ trì", "Thời gian", "",
             "I. TRUYỀN THÔNG", "", "1", "Tuyên truyền", "Sở Y tế", "Quý I", "",
             "II. ĐÀO TẠO", "", "2", "Tập huấn", "Sở Nội vụ", "Quý II", ""]
    page = "\n".join(f"Dòng {k} của trang web" for k in range(20))
    tree = build(normalize("III. NHIỆM VỤ\n" + "\n|\n".join(cells) + "\n" + page).text)
    assert [(row.label, row.cell("lead").text) for row in tree.rows] == [
        ("1", "Sở Y tế"), ("2", "Sở Nội vụ")]
    assert not any("trang web" in c.text for row in tree.rows for c in row.cells)


def test_web_table_cells_between_bars() -> None:
    """In a "|" table the lines between two "|" lines are one cell (hard-wrapped with a
    capital letter), and two "|" lines with nothing between them an empty cell."""
    lines = ["TT", "|", "Nội dung", "|", "Cơ quan chủ trì", "|", "Cơ quan phối hợp", "|",
             "Thời gian", "|", "Sản phẩm", "|", "|",
             "1", "|", "Ban hành quy chế", "|", "Sở Nội vụ", "|", "Văn phòng", "Ủy ban nhân dân",
             "|", "Năm 2026", "|", "Quyết định của", "UBND tỉnh", "|", "|",
             "2", "|", "Tập huấn", "|", "Sở Y tế", "|", "|", "Quý III", "|", "Báo cáo", "|"]
    tree = build(normalize("III. NHIỆM VỤ\n" + "\n".join(lines) + "\n").text)
    got = [(row.cell("lead").text, row.cell("support").text, row.cell("time").text)
           for row in tree.rows]
    assert got == [("Sở Nội vụ", "Văn phòng Ủy ban nhân dân", "Năm 2026"),
                   ("Sở Y tế", "", "Quý III")]
