"""kehoach: Vietnamese government plan documents -> research-grade dataset.

Data flow (one folder per step):
    read -> normalize -> segment -> extract -> resolve -> export

Public API (typed results, kehoach.model):
    kehoach.extract(text, name=None) -> Document
    kehoach.extract_file(path) -> Document
    kehoach.extract_batch(paths, workers=None) -> Dataset (pandas tables)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Body", "Channel", "Citation", "Dataset", "Deadline", "Document", "DocumentError", "Evidence",
    "Instrument", "Link", "Metadata", "Recipient", "__version__", "extract", "extract_batch",
    "extract_file",
]

_LAZY = {
    "extract": "kehoach.api", "extract_file": "kehoach.api", "extract_batch": "kehoach.api",
    "Dataset": "kehoach.api", "DocumentError": "kehoach.errors",
    **{name: "kehoach.model" for name in (
        "Document", "Metadata", "Citation", "Instrument", "Body", "Deadline", "Channel",
        "Recipient", "Link", "Evidence")},
}

if TYPE_CHECKING:
    from kehoach.api import Dataset, extract, extract_batch, extract_file
    from kehoach.errors import DocumentError
    from kehoach.model import (
        Body,
        Channel,
        Citation,
        Deadline,
        Document,
        Evidence,
        Instrument,
        Link,
        Metadata,
        Recipient,
    )


def __getattr__(name: str) -> Any:
    """The API is imported on first use, so `import kehoach` stays light (CLI start-up,
    worker processes) while `kehoach.extract` works as expected."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kehoach' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
