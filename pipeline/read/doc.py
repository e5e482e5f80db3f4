"""Legacy Word .doc (and .rtf, .odt): converted to DOCX by LibreOffice headless, then read
as DOCX. Without LibreOffice these files fail with a message saying what to install."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from kehoach.errors import DocumentError
from kehoach.read import ReadResult, register
from kehoach.read.docx import read_docx_bytes

TIMEOUT_S = 180
INSTALL_HINT = (
    "LibreOffice is needed to read .doc files: install it with "
    "`apt-get install libreoffice-writer-nogui` (or save the file as .docx or PDF)"
)


def soffice_cmd() -> str | None:
    """Path of LibreOffice's soffice (KEHOACH_SOFFICE overrides), or None."""
    return shutil.which(os.environ.get("KEHOACH_SOFFICE", "soffice")) or (
        None if "KEHOACH_SOFFICE" in os.environ else shutil.which("libreoffice")
    )


@register(".doc", ".rtf", ".odt", name="doc", max_mb=50)
def read_doc(path: Path, data: bytes) -> ReadResult:
    cmd = soffice_cmd()
    if cmd is None:
        raise DocumentError(str(path), "converter_unavailable", INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="kehoach-doc-") as tmp:
        src = Path(tmp) / f"input{path.suffix.lower()}"
        src.write_bytes(data)
        try:
            proc = subprocess.run(
                [cmd, f"-env:UserInstallation=file://{tmp}/profile", "--headless",
                 "--convert-to", "docx", "--outdir", tmp, str(src)],
                capture_output=True, timeout=TIMEOUT_S, check=False,
            )
        except subprocess.TimeoutExpired:
            raise DocumentError(
                str(path), "convert_failed",
                f"LibreOffice did not convert the file within {TIMEOUT_S} s",
            ) from None
        out = Path(tmp) / "input.docx"
        if proc.returncode != 0 or not out.exists():
            detail = proc.stderr.decode("utf-8", "replace").strip()[:200] or "no output"
            raise DocumentError(str(path), "convert_failed",
                                f"LibreOffice could not convert the file (damaged or not a Word "
                                f"document): {detail}")
        result = read_docx_bytes(path, out.read_bytes())
    result.info["converted_by"] = "libreoffice"
    return result
