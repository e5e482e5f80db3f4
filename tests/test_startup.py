"""Start-up: what a process imports and compiles before its first document."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import regex
from conftest import RAW
from kehoach.patterns import CODE_CACHE_ENV, _load_code, code_cache, code_cache_path
from underthesea import sent_tokenize

REAL_COMPILE = regex._main._compile

BLOCKS = ["Xin chào. Tôi là An.", "Số 1.500.000 đồng. TP. Hà Nội", "Chờ... Rồi đi!? Xong",
          "v.v... và", "Ông A.B. Nguyễn đến. Bà C đi?", ""]


def _python(code: str) -> str:
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    return res.stdout


def test_sentence_splitting_does_not_import_underthesea() -> None:
    """The tokenizer module is loaded from its file alone (not underthesea's whole NLP
    stack), and splits as underthesea's sent_tokenize does."""
    out = _python(
        "import json, sys\n"
        "from kehoach.segment.sentences import _punkt, split_sentences\n"
        "assert _punkt() is not None\n"
        f"print(json.dumps([sorted(m for m in sys.modules if m.startswith('underthesea')), "
        f"[split_sentences(b) for b in {BLOCKS!r}]]))\n")
    loaded, split = json.loads(out)
    assert loaded == []
    assert split == [sent_tokenize(b) for b in BLOCKS]


# ------------------------------------------------------------------ regex code kept between processes

PATTERNS = [
    (r"(?P<số>\d{1,4})/(?P<năm>\d{4})/(?P<loại>[A-ZĐ]+(?:-[A-ZĐ]+)*)", 0),
    (r"(?i:kế\s+hoạch|quyết\s+định)\s+số", 0),
    (r"(?<!\p{L})(?:Hà\s+Nội|Hải\s+Phòng|Đà\s+Nẵng)(?!\p{L})", 0),
    (r"[[\p{L}\p{N}\p{M}_]--[\d]]+", regex.V1),
    (r"(\w+)\s+\1", regex.IGNORECASE),
    (r"(?:ngày){e<=1}", 0),
    (r"trước\s+ngày\s*$", regex.REVERSE),
    (r"^\s*[IVX]+\.\s+\p{Lu}.*$", regex.MULTILINE),
]
TEXTS = ["Kế hoạch số 12/2025/KH-UBND của Hà Nội, ngáy 5; trước ngày ",
         "QUYẾT ĐỊNH SỐ 3/2024/QĐ-TTg Hải   Phòng Đà Nẵngx\nII. Tổ chức thực hiện\nthe the end"]


def _behaviour(pattern: regex.Pattern[str]) -> list[object]:
    out: list[object] = [pattern.pattern, int(pattern.flags), dict(pattern.groupindex), pattern.groups]
    for text in TEXTS:
        out.append([(m.span(), m.groups()) for m in pattern.finditer(text, overlapped=True)])
        out.append(pattern.sub("_", text))
    return out


def test_kept_code_gives_the_patterns_the_regex_module_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "code.marshal"
    fresh = [_behaviour(regex.compile(p, f)) for p, f in PATTERNS]
    regex.purge()  # (else found in the regex module's own cache of this process)
    with code_cache(path):
        first = [_behaviour(regex.compile(p, f)) for p, f in PATTERNS]
    assert first == fresh and path.is_file()
    assert regex._main._compile is REAL_COMPILE  # the hook is gone on the way out

    def no_parsing(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("parsed again")

    with monkeypatch.context() as m:
        m.setattr(regex._main, "_parse_pattern", no_parsing)
        regex.purge()
        with code_cache(path):
            kept = [_behaviour(regex.compile(p, f)) for p, f in PATTERNS]
            # the module functions find them through the regex module's own cache too
            assert regex.search(PATTERNS[0][0], TEXTS[0]).group("năm") == "2025"  # type: ignore[union-attr]
        assert regex.search(PATTERNS[0][0], TEXTS[1]).group("loại") == "QĐ-TT"  # type: ignore[union-attr]
    assert kept == fresh


def test_named_lists_and_damaged_files_are_compiled_as_usual(tmp_path: Path) -> None:
    path = tmp_path / "code.marshal"
    path.write_bytes(b"\x00" * 40 + b"not marshal data")
    regex.purge()
    with code_cache(path):
        words = regex.compile(r"\L<words>", words=["kế hoạch", "đề án"])
        assert words.findall("đề án và kế hoạch") == ["đề án", "kế hoạch"]
        assert regex.compile(r"a+b").fullmatch("aab")
    assert len(_load_code(path)) == 1  # replaced, without the named list
    regex.purge()
    with code_cache(path):
        assert regex.compile(r"a+b").fullmatch("aab")


def test_the_cache_file_follows_the_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CODE_CACHE_ENV, "off")
    assert code_cache_path() is None
    monkeypatch.setenv(CODE_CACHE_ENV, str(tmp_path / "x.marshal"))
    assert code_cache_path() == tmp_path / "x.marshal"
    monkeypatch.delenv(CODE_CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    found = code_cache_path()
    assert found is not None and found.parent == tmp_path / "kehoach"


ANALYSE = (
    "import json, sys\n"
    "from kehoach.components import analyse, warm_up\n"
    "from kehoach.context import DocContext\n"
    "from kehoach.read import read_document\n"
    "warm_up()\n"
    "ctx = analyse(DocContext.from_source(read_document(sys.argv[1])))\n"
    "print(json.dumps([ctx.document, ctx.tables], sort_keys=True, default=str))\n"
)


def test_a_process_starting_from_kept_code_extracts_the_same(tmp_path: Path) -> None:
    plan = str(sorted(RAW.glob("*.txt"))[0])

    def run(setting: str) -> str:
        env = {**os.environ, CODE_CACHE_ENV: setting}
        res = subprocess.run([sys.executable, "-c", ANALYSE, plan], capture_output=True, text=True,
                             timeout=300, env=env)
        assert res.returncode == 0, res.stderr
        return res.stdout

    kept = tmp_path / "code.marshal"
    plain = run("off")
    assert not kept.exists()
    assert run(str(kept)) == plain  # compiled, code kept
    assert len(_load_code(kept)) > 100
    assert run(str(kept)) == plain  # from the kept code


def test_word_class_is_is_word_char() -> None:
    """The class built at start-up (from two scans of every code point) matches exactly the
    characters `is_word_char` accepts."""
    from kehoach.patterns import is_word_char, word_class

    every = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, sys.maxunicode + 1)))
    pattern = regex.compile(word_class(), regex.V1)
    matched = "".join(pattern.findall(every))
    assert matched == "".join(c for c in every if is_word_char(c))


def test_code_of_other_patterns_is_kept_within_bounds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A save keeps what this process compiled, and the newest of the rest of the file
    within OTHER_CODE_BYTES: patterns built in another order every time (from a set) do not
    make the file grow for ever."""
    import kehoach.patterns as patterns

    path = tmp_path / "code.marshal"
    for i in range(6):  # six processes, each compiling its own new pattern
        regex.purge()
        with code_cache(path):
            regex.compile(rf"run{i}\d+(?:abc|def)")
    assert [k[0] for k in _load_code(path)] == [rf"run{i}\d+(?:abc|def)" for i in range(6)]
    monkeypatch.setattr(patterns, "OTHER_CODE_BYTES", 1)  # room for what this one compiles only
    regex.purge()
    with code_cache(path):
        regex.compile(r"last\d+")
    assert [k[0] for k in _load_code(path)] == [r"last\d+"]


def test_a_worker_keeps_the_code_of_what_it_compiled_at_document_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kehoach import supervise
    from kehoach.components import warm_up
    from kehoach.limits import current

    warm_up()  # compiled here: the forked worker compiles only at document time
    kept = tmp_path / "code.marshal"
    monkeypatch.setenv(CODE_CACHE_ENV, str(kept))
    real = supervise.process_path

    def process_path(path: str, on_stage=None):  # type: ignore[no-untyped-def]
        regex.compile(r"compiled(?:at|during)document\d+time")
        return real(path, on_stage=on_stage)

    monkeypatch.setattr(supervise, "process_path", process_path)
    doc = tmp_path / "a.txt"
    doc.write_text("Kế hoạch số 1/KH-UBND\n", encoding="utf-8")
    results = list(supervise.Supervisor(1, current()).run([str(doc)]))
    assert [r.error for r in results] == [None]
    assert r"compiled(?:at|during)document\d+time" in {k[0] for k in _load_code(kept)}
