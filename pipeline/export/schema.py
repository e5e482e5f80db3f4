"""Output schema: models/schema/<table>.yaml, one Frictionless Table Schema per table.

A schema may name its `group`: `extract` (the default: the tables `kehoach extract` writes)
or `check` (the tables `kehoach check` writes: flags, matrix, missing, registry)."""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml
from kehoach.rules import MODELS_DIR


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


# Version of the output contract (every table's columns and types), written to
# datapackage.json and kehoach.sqlite. Semantic versioning: a removed, renamed or retyped
# column is a major change, an added column or table a minor one, a description fix a patch.
# After a change: bump it, record the new fingerprint below and add a line to README's CHANGELOG.
SCHEMA_VERSION = "1.0.0"
SCHEMA_FINGERPRINT = "039063124beae4a6"


def schema_fingerprint() -> str:
    """Short hash of every table's column names and types, in order (not descriptions)."""
    import hashlib

    parts = [f"{name}:" + ",".join(f"{f['name']}={f['type']}" for f in spec["fields"])
             for name, spec in sorted(all_schemas().items())]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]
