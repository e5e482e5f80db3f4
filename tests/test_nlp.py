from __future__ import annotations

from pathlib import Path

import kehoach.nlp as kh_nlp
import spacy
from kehoach.rules import Rules

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
PLAN = RAW / "haiphong-bql-2024-tuyen-truyen-cchc.txt"


def test_tokenizer_keeps_the_text() -> None:
    nlp = kh_nlp.build()
    text = "## **KẾ HOẠCH**\n\nỦy ban nhân dân  thị xã\tDuyên Hải ban hành.\n\n"
    doc = nlp.make_doc(text)
    assert doc.text == text
    assert any(" " in t.text for t in doc)  # underthesea words ("Ủy ban", "nhân dân")


def test_spans_match_the_source_and_saved_pipeline_loads(tmp_path: Path) -> None:
    text = PLAN.read_text(encoding="utf-8")
    path = kh_nlp.save(tmp_path / "spacy_pipeline")
    assert (path / "kehoach_extract" / "channels.jsonl").exists()
    nlp = spacy.load(path)
    assert nlp.lang == "vi"
    doc = nlp(text)
    assert doc.text == text
    for kind in ("instrument", "channel", "body", "deadline"):
        assert len(doc.spans[kind]) > 0, kind
        for span in doc.spans[kind]:
            row = span._.kh
            assert span.start_char <= row["start"] < row["end"] <= span.end_char
    deadlines = {s._.kh["date"] for s in doc.spans["deadline"] if s._.kh["date"]}
    assert "2024-11-03" in deadlines
    first = doc.spans["instrument"][0]
    assert text[first._.kh["start"] : first._.kh["end"]].startswith("Nghị quyết")


def test_saved_tables_are_used(tmp_path: Path) -> None:
    path = kh_nlp.save(tmp_path / "p")
    lexicon = path / "kehoach_extract" / "channels.jsonl"
    lexicon.write_text('{"label": "print", "pattern": "khẩu hiệu"}\n', encoding="utf-8")
    doc = spacy.load(path)(PLAN.read_text(encoding="utf-8"))
    assert {s.label_ for s in doc.spans["channel"]} == {"print"}


def test_saved_pipeline_holds_every_rule_table(tmp_path: Path) -> None:
    """The saved pipeline carries the whole rules folder, so it runs without the package's tables."""
    path = kh_nlp.save(tmp_path / "p")
    nlp = spacy.load(path)
    assert nlp.pipe_names == ["kehoach_extract", "kehoach_instrument", "kehoach_channel",
                              "kehoach_body", "kehoach_deadline"]
    shipped = Rules.default().folder
    tables = sorted(p.relative_to(shipped) for p in shipped.rglob("*")
                    if p.is_file() and p.suffix in {".yaml", ".csv", ".jsonl", ".txt"})
    assert len(tables) > 20
    saved = path / "kehoach_extract"
    for rel in tables:
        assert (saved / rel).read_bytes() == (shipped / rel).read_bytes(), rel
    assert nlp.get_pipe("kehoach_extract").rules.folder == saved
