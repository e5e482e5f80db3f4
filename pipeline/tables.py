"""Rule tables under models/: loaded once per process, never scattered through code."""

from __future__ import annotations

import csv
import os
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

# The rule tables ship inside the package (kehoach.models, the repository's models/ folder);
# KEHOACH_MODELS points at another copy, e.g. a user's edited tables.
MODELS_DIR = Path(os.environ.get("KEHOACH_MODELS") or str(files("kehoach.models")))


def model_path(name: str) -> Path:
    """A table under models/, or `name` itself when it is a path to an existing file."""
    p = Path(name)
    if (p.is_absolute() or p.parent != Path(".")) and p.exists():
        return p
    return MODELS_DIR / name


@cache
def load_yaml(name: str) -> Any:
    with open(model_path(name), encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@cache
def load_csv(name: str) -> tuple[dict[str, str], ...]:
    with open(model_path(name), encoding="utf-8", newline="") as fh:
        return tuple(dict(row) for row in csv.DictReader(fh))
