from __future__ import annotations

from pathlib import Path

import pytest
from kehoach.run import run

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
GOLD = ROOT / "tests" / "gold"


@pytest.fixture(autouse=True)
def _no_limit_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's --limit options write KEHOACH_LIMITS for its workers: set here, so it is
    restored to unset after every test."""
    from kehoach import limits

    monkeypatch.setenv(limits.LIMITS_ENV, "{}")


@pytest.fixture(scope="session")
def dev_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The five development plans extracted once per test session (one worker)."""
    out = tmp_path_factory.mktemp("dev_out")
    summary = run([RAW], out, workers=1)
    assert summary.errors == 0, summary.error_rows
    return out
