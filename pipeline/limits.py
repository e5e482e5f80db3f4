"""Per-document limits (models/limits.yaml), overridable on the command line.

The limits in force travel to worker processes in the environment variable KEHOACH_LIMITS
(JSON of the overrides), so forked, spawned and Dask workers all see the same values.
A reader past a limit raises `LimitError`: an errors.csv row with reason "limit_<name>" and a
message naming the limit and how to raise it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

from kehoach.errors import DocumentError
from kehoach.rules import load_yaml

LIMITS_ENV = "KEHOACH_LIMITS"


@dataclass(frozen=True)
class Limits:
    wall_seconds: float
    memory_mb: float
    input_mb: float
    text_mchars: float
    pages: int
    page_mpixels: float
    docx_part_mb: float
    list_number: int
    label_chars: int

    @property
    def input_bytes(self) -> int:
        return int(self.input_mb * 1024 * 1024)

    @property
    def docx_part_bytes(self) -> int:
        return int(self.docx_part_mb * 1024 * 1024)

    @property
    def page_pixels(self) -> int:
        return int(self.page_mpixels * 1_000_000)

    @property
    def text_chars(self) -> int:
        return int(self.text_mchars * 1_000_000)


def defaults() -> dict[str, float]:
    return {name: spec["value"] for name, spec in load_yaml("limits.yaml")["limits"].items()}


def names() -> list[str]:
    return list(defaults())


def parse_overrides(items: list[str]) -> dict[str, float]:
    """["pages=10", "memory_mb=512"] -> {"pages": 10, "memory_mb": 512}; ValueError naming the
    problem for an unknown name or a value that is not a positive number."""
    known = defaults()
    out: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or name not in known:
            raise ValueError(f"--limit {item!r}: expected NAME=VALUE with NAME one of {', '.join(known)}")
        try:
            number = float(value)
        except ValueError:
            raise ValueError(f"--limit {item!r}: {value!r} is not a number") from None
        if not number > 0:
            raise ValueError(f"--limit {item!r}: a limit must be above 0")
        out[name] = number
    return out


def set_overrides(overrides: dict[str, float]) -> None:
    """Make `overrides` the limits of this process and of the workers it starts."""
    if overrides:
        os.environ[LIMITS_ENV] = json.dumps(overrides, sort_keys=True)
    else:
        os.environ.pop(LIMITS_ENV, None)


def current() -> Limits:
    values: dict[str, Any] = defaults()
    raw = os.environ.get(LIMITS_ENV)
    if raw:
        values.update(json.loads(raw))
    values["pages"] = int(values["pages"])
    values["list_number"] = int(values["list_number"])
    values["label_chars"] = int(values["label_chars"])
    return Limits(**values)


class LimitError(DocumentError):
    """A document past one of the limits."""

    def __init__(self, path: str, name: str, message: str) -> None:
        super().__init__(path, f"limit_{name}",
                         f"{message} (limit {name}={getattr(current(), name):g}; "
                         f"raise it with --limit {name}=VALUE)")
        self.limit = name
