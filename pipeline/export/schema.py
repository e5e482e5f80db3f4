"""Output schema: models/schema/<table>.yaml, one Frictionless Table Schema per table."""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml
from kehoach.tables import MODELS_DIR


@cache
def schemas() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for path in sorted((MODELS_DIR / "schema").glob("*.yaml")):
        with open(path, encoding="utf-8") as fh:
            spec = yaml.safe_load(fh)
        out[spec["name"]] = spec
    return out


def columns(table: str) -> list[str]:
    return [f["name"] for f in schemas()[table]["fields"]]
