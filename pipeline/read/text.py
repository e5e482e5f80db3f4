"""Plain text and Markdown exports (.txt, .md), in UTF-8 or a legacy Vietnamese encoding.

UTF-8 is taken as it is, except lines that hold TCVN3/VNI glyph codes (legacy text pasted
into a Unicode file), which are converted. Other bytes are decoded as TCVN3, VNI or
Windows-1258, whichever reads as Vietnamese (pipeline/read/legacy.py).
"""

from __future__ import annotations

import re
from pathlib import Path

from kehoach.errors import DocumentError
from kehoach.read import ReadResult, legacy, register

# Bytes that never occur in text: C0 controls other than tab/newline/CR/form feed. NUL bytes
# count too: a few are removed (and noted) by read_document, many mean a binary file.
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
_BOMS = (  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (b"\xff\xfe\x00\x00", "utf-32-le", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "utf-32"),
    (b"\xff\xfe", "utf-16-le", "utf-16"),
    (b"\xfe\xff", "utf-16-be", "utf-16"),
)
# A file that is not valid UTF-8 is still read as UTF-8 (bad bytes replaced by U+FFFD and
# noted) when its valid multi-byte characters outnumber the bad bytes this many times.
UTF8_GOOD_PER_BAD = 10
# A character above U+00FF: a line holding one is real Unicode, never legacy glyph codes.
_WIDE = re.compile("[\u0100-\U0010ffff]")


def _may_hold_glyphs(text: str) -> bool:
    """Whether some line is non-ASCII with no character above U+00FF: the only lines
    legacy.fix_glyph_lines may convert (a quick test; it decides)."""
    return any(not line.isascii() and not _WIDE.search(line) for line in text.split("\n"))


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    controls = len(sample) - len(sample.translate(None, _CONTROL))  # one pass: bytes deleted
    return controls > len(sample) * 0.01


def _mostly_utf8(data: bytes) -> tuple[str, int] | None:
    """(text, bad bytes replaced) when `data` is UTF-8 with a few damaged bytes, else None."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    good = sum(1 for ch in text if ch > "\x7f" and ch != "\ufffd")
    if bad and good >= UTF8_GOOD_PER_BAD * bad:
        return text, bad
    return None


def decode_text(path: Path, data: bytes, notes: list[str] | None = None) -> tuple[str, str]:
    """Bytes of a text file -> (Unicode text with \\n line ends, source encoding). What was
    repaired (invalid bytes replaced) is appended to `notes`."""
    notes = [] if notes is None else notes
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            text = data[len(bom):].decode(codec, errors="replace")
            bad = text.count("\ufffd")
            if bad:
                notes.append(f"{bad} invalid {name} sequences replaced by U+FFFD")
            return text.replace("\r\n", "\n").replace("\r", "\n"), name
    encoding = "utf-8"
    if data.startswith(b"\xef\xbb\xbf"):
        data, encoding = data[3:], "utf-8-sig"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        damaged = _mostly_utf8(data)
        found = None if damaged else legacy.detect(data)
        if damaged is not None:
            text, bad = damaged
            notes.append(f"{bad} invalid UTF-8 bytes replaced by U+FFFD (first at byte offset {exc.start})")
        elif found is None:
            raise DocumentError(
                str(path),
                "encoding",
                f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}) and not "
                "readable as TCVN3, VNI or Windows-1258 Vietnamese: convert it to UTF-8",
            ) from None
        else:
            text, encoding = found.text, found.encoding
    if encoding.startswith("utf-8") and _may_hold_glyphs(text):
        text, used = legacy.fix_glyph_lines(text)
        if used:
            encoding = "+".join([encoding, *sorted(used)])
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


@register(".txt", ".md", name="text", max_mb=20)
def read_text(path: Path, data: bytes) -> ReadResult:
    if not data.startswith(tuple(bom for bom, _, _ in _BOMS)) and _looks_binary(data):
        raise DocumentError(
            str(path), "binary", "binary content (NUL/control bytes), not a text file"
        )
    notes: list[str] = []
    text, encoding = decode_text(path, data, notes)
    return ReadResult(text=text, info={"encoding": encoding, "notes": notes})
