"""`kehoach extract` end to end: outputs, bad input, atomic writes, stable ids."""

from __future__ import annotations

import json
import os
import shutil
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
import regex
from conftest import RAW
from kehoach.cli import app
from kehoach.export import writer
from kehoach.run import run
from typer.testing import CliRunner

PLAN = RAW / "haiphong-bql-2024-tuyen-truyen-cchc.txt"
TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """Windows-1258 bytes: base letters precomposed (â, ơ, đ), tone marks combining."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        out.append(base + "".join(c for c in parts if c in TONES))
    return "".join(out).encode("cp1258")


def _bad_inputs(folder: Path) -> dict[str, str]:
    """Files of every bad kind, with the reason each must be reported under."""
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 40)
    # 8-bit bytes that are no Vietnamese encoding (Latin-1 German): cannot be decoded
    (folder / "legacy.txt").write_bytes("Größe ½ µ · ¸ ¹ Ö Ë § ¶ ¤ ¥\n".encode("latin-1") * 20)
    # a Windows-1258 Vietnamese plan is converted and processed
    (folder / "cp1258.txt").write_bytes(cp1258(PLAN.read_text(encoding="utf-8")))
    with open(folder / "huge.txt", "wb") as fh:  # 50 MB
        fh.write(b"a" * (50 * 1024 * 1024))
    os.symlink(folder / "loop.txt", folder / "loop.txt")  # unreadable even for root
    shutil.copy(PLAN, folder / "good.txt")
    return {"empty.txt": "empty", "binary.txt": "binary", "legacy.txt": "encoding",
            "huge.txt": "too_large", "loop.txt": "unreadable", "missing.txt": "not_found"}


def test_bad_input_is_reported_and_the_rest_processed(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    expected = _bad_inputs(src)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["extract", str(src), str(src / "missing.txt"), "-o", str(out), "--workers", "2"]
    )
    assert result.exit_code == 1
    errors = pd.read_csv(out / "errors.csv", dtype=str, keep_default_na=False)
    got = {Path(p).name: r for p, r in zip(errors["source_path"], errors["reason"], strict=True)}
    assert got == expected
    for name, message in zip(errors["source_path"], errors["message"], strict=True):
        assert message, name
        assert name in result.output or Path(name).name in result.output  # named on the terminal
    docs = pd.read_csv(out / "documents.csv", dtype=str, keep_default_na=False)
    good = docs[docs["source_path"].str.endswith("good.txt")].iloc[0]
    assert good["status"] == "ok"
    cit = pd.read_csv(out / "citations.csv", dtype=str, keep_default_na=False)
    legacy = docs[docs["source_path"].str.endswith("cp1258.txt")].iloc[0]
    assert (legacy["status"], legacy["encoding"]) == ("ok", "cp1258")
    cit = cit.groupby("doc_id")["instrument_id"].apply(set)
    assert cit[good["doc_id"]] == cit[legacy["doc_id"]] and len(cit[good["doc_id"]]) > 5
    assert "8 documents (2 ok, 6 errors)" in result.output


def test_error_messages_say_what_is_wrong(tmp_path: Path) -> None:
    (tmp_path / "legacy.txt").write_bytes("Größe ½ µ · ¸ ¹ Ö Ë § ¶ ¤ ¥\n".encode("latin-1") * 20)
    (tmp_path / "plan.pdfx").write_text("x")
    summary = run([tmp_path / "legacy.txt", tmp_path / "plan.pdfx"], None, workers=1)
    msgs = {Path(e["source_path"]).name: e["message"] for e in summary.error_rows}
    assert "not valid UTF-8" in msgs["legacy.txt"]
    assert "TCVN3, VNI or Windows-1258" in msgs["legacy.txt"]
    assert "unsupported file type '.pdfx'" in msgs["plan.pdfx"]


def test_outputs_schema_and_formats(dev_out: Path) -> None:
    pkg = json.loads((dev_out / "datapackage.json").read_text(encoding="utf-8"))
    names = {r["name"] for r in pkg["resources"]}
    assert {"citations", "instruments", "documents", "errors"} <= names
    for res in pkg["resources"]:
        header = pd.read_csv(dev_out / res["path"], nrows=0).columns.tolist()
        assert header == [f["name"] for f in res["schema"]["fields"]], res["name"]
        assert all(f.get("description") for f in res["schema"]["fields"]), res["name"]
        parquet = pd.read_parquet(dev_out / f"{res['name']}.parquet")
        assert parquet.columns.tolist() == header
    cit = pd.read_parquet(dev_out / "citations.parquet")
    assert str(cit["year"].dtype) == "Int64" and str(cit["basis"].dtype) == "boolean"
    raw = (dev_out / "citations.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert "Nghị quyết".encode() in raw


def test_citation_offsets_and_evidence_match_the_source(dev_out: Path) -> None:
    """Every numbered citation's source span holds its number and every code of its id
    (compared folded: "ND" is "NĐ", "Ctr" is "CTr") and starts at its type word when the
    row has one written."""
    from kehoach.extract.grammar.codes import codes, fold

    first_words = {fold(w.split()[0]) for w in codes().type_words}

    docs = pd.read_csv(dev_out / "documents.csv", dtype=str, keep_default_na=False)
    cit = pd.read_csv(dev_out / "citations.csv", dtype=str, keep_default_na=False)
    texts = {d: Path(p).read_text(encoding="utf-8")
             for d, p in zip(docs["doc_id"], docs["source_path"], strict=True)}
    checked = 0
    for row in cit[cit["instrument_id"] != ""].itertuples():
        raw = texts[row.doc_id][int(row.start) : int(row.end)]
        folded = fold(raw.replace(" ", "").replace("\n", ""))
        number, *codes_ = regex.split(r"[/-]", row.instrument_id)
        assert number.lstrip("0") in raw, (row.instrument_id, raw)
        for code in codes_:
            assert fold(code) in folded, (row.instrument_id, raw)
        if raw[0].isalpha():  # a span starting with a word starts at a type word
            assert fold(raw.split()[0]) in first_words, (row.instrument_id, raw)
        checked += 1
    assert checked == len(cit[cit["instrument_id"] != ""]) > 80


def test_instrument_key_separates_years_and_provinces(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(
        "KẾ HOẠCH\nTuyên truyền tỉnh Cao Bằng\nThực hiện Kế hoạch số 38/KH-UBND ngày 23/02/2022 "
        "của UBND tỉnh Cao Bằng và Nghị quyết số 01/NQ-CP ngày 08/01/2022 của Chính phủ.\n",
        encoding="utf-8")
    (tmp_path / "b.txt").write_text(
        "KẾ HOẠCH\nTuyên truyền thành phố Hải Phòng\nThực hiện Kế hoạch số 38/KH-UBND ngày "
        "23/02/2022 của UBND thành phố Hải Phòng và Nghị quyết số 01/NQ-CP ngày 06/01/2023 của "
        "Chính phủ; Nghị quyết số 76/NQ-CP ngày 25/7/2021 của Chính phủ.\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text(
        "Căn cứ Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ.\n", encoding="utf-8")
    (tmp_path / "d.txt").write_text(
        "Căn cứ Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ ban hành.\n", encoding="utf-8")
    inst = run([tmp_path], None, workers=1).tables["instruments"].set_index("instrument_key")
    assert {"38/KH-UBND|2022|Cao Bằng", "38/KH-UBND|2022|Hải Phòng",
            "01/NQ-CP|2022|", "01/NQ-CP|2023|"} <= set(inst.index)
    row = inst.loc["76/NQ-CP|2021|"]
    assert (row["n_documents"], row["date"]) == (3, "2021-07-15")
    assert row["conflicts"] == "date: 2021-07-15 (2); 2021-07-25 (1)"
    assert pd.isna(inst.loc["01/NQ-CP|2022|"]["conflicts"])


def test_doc_id_is_content_derived_and_duplicates_flagged(tmp_path: Path) -> None:
    shutil.copy(PLAN, tmp_path / "a.txt")
    shutil.copy(PLAN, tmp_path / "b.txt")
    docs = run([tmp_path], None, workers=1).tables["documents"]
    assert docs["doc_id"].nunique() == 1
    assert list(docs["status"]) == ["ok", "duplicate"]


def test_excel_flag_writes_bom(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["extract", str(PLAN), "-o", str(tmp_path), "--excel", "-w", "1"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "citations.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_interrupted_write_leaves_previous_tables_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run([PLAN], tmp_path, workers=1)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    calls = {"n": 0}
    real = writer.write_table

    def failing(*args: object, **kwargs: object) -> list[Path]:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # the user pressed Ctrl-C in the middle of writing
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(writer, "write_table", failing)
    with pytest.raises(KeyboardInterrupt):
        writer.write_tables(tmp_path, run([RAW], None, workers=1).tables)
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    assert after == before  # nothing half-written
    assert not list(tmp_path.parent.glob(f".{tmp_path.name}.kehoach-tmp-*"))  # no staging folder left


def test_pattern_timeout_is_reported_not_fatal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A regex timeout inside a component becomes a clear error row for that document only."""
    import kehoach.extract.citations.instruments as instruments

    real = instruments.find_mentions

    def slow(ctx):  # type: ignore[no-untyped-def]
        if "timeout-me" in ctx.text:
            raise TimeoutError("regex timed out")
        return real(ctx)

    monkeypatch.setattr(instruments, "find_mentions", slow)
    (tmp_path / "a.txt").write_text("Căn cứ Nghị quyết số 76/NQ-CP. timeout-me", encoding="utf-8")
    shutil.copy(PLAN, tmp_path / "b.txt")
    summary = run([tmp_path], None, workers=1)
    assert (summary.ok, summary.errors) == (1, 1)
    (err,) = summary.error_rows
    assert err["reason"] == "pattern_timeout"
    assert "kehoach.extract.citations.instruments:run" in err["message"]


def test_folder_files_of_other_types_are_named_not_read(tmp_path: Path) -> None:
    shutil.copy(PLAN, tmp_path / "plan.txt")
    (tmp_path / "notes.json").write_text("{}", encoding="utf-8")
    (tmp_path / ".hidden").mkdir()
    shutil.copy(PLAN, tmp_path / ".hidden" / "copy.txt")
    result = CliRunner().invoke(app, ["extract", str(tmp_path), "-o", str(tmp_path / "out"), "-w", "1"])
    assert result.exit_code == 0, result.output
    assert "1 file(s) in the folders are not documents kehoach reads (.json)" in result.output
    assert "1 documents (1 ok, 0 errors)" in result.output


def test_instruments_only_pipeline(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["extract", str(PLAN), "-o", str(tmp_path), "-w", "1",
                                      "--pipeline", "pipeline-instruments.yaml"])
    assert result.exit_code == 0, result.output
    cit = pd.read_csv(tmp_path / "citations.csv", dtype=str, keep_default_na=False)
    assert len(cit) > 5
    channels = pd.read_csv(tmp_path / "channels.csv")
    assert channels.empty and "channel" in channels.columns  # written, with its header
    # the profile is an argument of the run, not state left behind: the next run is complete
    # (and no environment variable carries it to the workers)
    assert "KEHOACH_PIPELINE" not in os.environ
    run([PLAN], tmp_path / "full", workers=2)
    assert len(pd.read_csv(tmp_path / "full" / "channels.csv")) > 0
    assert len(pd.read_csv(tmp_path / "full" / "citations.csv")) == len(cit)


def test_a_broken_profile_is_a_usage_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("stages: [extract.bodies]\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(PLAN), "-o", str(tmp_path / "o"), "--pipeline", str(bad)])
    assert result.exit_code == 2 and "needs" in result.output
