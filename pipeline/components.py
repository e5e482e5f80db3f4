"""Loads the component lists of models/pipeline.yaml once."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache
from typing import Any

from pipeline.context import DocContext
from pipeline.tables import load_yaml

DocComponent = Callable[[DocContext], None]
RunComponent = Callable[[dict[str, Any]], dict[str, Any]]


def _resolve(ref: str) -> Callable[..., Any]:
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


@cache
def document_components() -> tuple[tuple[str, DocComponent], ...]:
    return tuple((ref, _resolve(ref)) for ref in load_yaml("pipeline.yaml")["document"])


@cache
def run_components() -> tuple[tuple[str, RunComponent], ...]:
    return tuple((ref, _resolve(ref)) for ref in load_yaml("pipeline.yaml").get("run") or [])
