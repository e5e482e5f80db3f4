"""Plain text and Markdown exports (.txt, .md)."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import DocumentError
from pipeline.read import ReadResult, register

# Bytes that never occur in text: C0 controls other than tab/newline/CR/form feed.
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(sample.count(bytes([b])) for b in _CONTROL)
    return controls > len(sample) * 0.01


@register(".txt", ".md", name="text", max_mb=20)
def read_text(path: Path, data: bytes) -> ReadResult:
    if _looks_binary(data):
        raise DocumentError(
            str(path), "binary", "binary content (NUL/control bytes), not a text file"
        )
    encoding = "utf-8"
    if data.startswith(b"\xef\xbb\xbf"):
        data, encoding = data[3:], "utf-8-sig"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(
            str(path),
            "encoding",
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "the file looks like a legacy 8-bit encoding (TCVN3/VNI/Windows-1258): "
            "convert it to UTF-8",
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return ReadResult(text=text, info={"encoding": encoding})
