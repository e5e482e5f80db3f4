"""Output schema: models/schema/<table>.yaml, one Frictionless Table Schema per table.

A schema may name its `group`: `extract` (the default: the tables `kehoach extract` writes)
or `check` (the tables `kehoach check` writes: flags, matrix, missing, registry)."""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml
from kehoach.tables import MODELS_DIR


@cache
def all_schemas() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for path in sorted((MODELS_DIR / "schema").glob("*.yaml")):
        with open(path, encoding="utf-8") as fh:
            spec = yaml.safe_load(fh)
        out[spec["name"]] = spec
    return out


@cache
def schemas(group: str = "extract") -> dict[str, dict[str, Any]]:
    return {name: spec for name, spec in all_schemas().items() if spec.get("group", "extract") == group}


def columns(table: str) -> list[str]:
    return [f["name"] for f in all_schemas()[table]["fields"]]
