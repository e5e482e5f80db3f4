"""Start-up: what a process imports and compiles before its first document."""

from __future__ import annotations

import json
import subprocess
import sys

from underthesea import sent_tokenize

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
