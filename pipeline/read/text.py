"""Plain text and Markdown exports (.txt, .md), in UTF-8 or a legacy Vietnamese encoding.

UTF-8 is taken as it is, except lines that hold TCVN3/VNI glyph codes (legacy text pasted
into a Unicode file), which are converted. Other bytes are decoded as TCVN3, VNI or
Windows-1258, whichever reads as Vietnamese (pipeline/read/legacy.py).
"""

from __future__ import annotations

from pathlib import Path

from kehoach.errors import DocumentError
from kehoach.read import ReadResult, legacy, register

# Bytes that never occur in text: C0 controls other than tab/newline/CR/form feed.
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(sample.count(bytes([b])) for b in _CONTROL)
    return controls > len(sample) * 0.01


def decode_text(path: Path, data: bytes) -> tuple[str, str]:
    """Bytes of a text file -> (Unicode text with \\n line ends, source encoding)."""
    encoding = "utf-8"
    if data.startswith(b"\xef\xbb\xbf"):
        data, encoding = data[3:], "utf-8-sig"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        found = legacy.detect(data)
        if found is None:
            raise DocumentError(
                str(path),
                "encoding",
                f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}) and not "
                "readable as TCVN3, VNI or Windows-1258 Vietnamese: convert it to UTF-8",
            ) from None
        text, encoding = found.text, found.encoding
    else:
        text, used = legacy.fix_glyph_lines(text)
        if used:
            encoding = "+".join([encoding, *sorted(used)])
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


@register(".txt", ".md", name="text", max_mb=20)
def read_text(path: Path, data: bytes) -> ReadResult:
    if _looks_binary(data):
        raise DocumentError(
            str(path), "binary", "binary content (NUL/control bytes), not a text file"
        )
    text, encoding = decode_text(path, data)
    return ReadResult(text=text, info={"encoding": encoding})
