"""The rule tables under models/, loaded once as one object: `Rules`.

A `Rules` is one folder of rule tables (the shipped `kehoach.models`, or a user's edited copy
named by KEHOACH_MODELS, or the tables saved with a spaCy pipeline). It reads each table once
and keeps what each extractor compiles from the tables (`compiled`), so a process holds one
compiled copy per folder. Every document carries the `Rules` it is analysed with
(`DocContext.rules`), and the stages compile from that object and pass the result down
(`compiled_for(rules, key, build)`); while a document is analysed its rules are also the rules
in force (`using`, a context variable), which the grammars shared deep inside the stages read
(`compiled_for(None, ...)`, `per_rules`, `load_yaml`). The spaCy pipeline saves every table
with `save` and analyses with the `Rules` of its own folder.
"""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, TypeVar

import yaml

T = TypeVar("T")
# libyaml's safe loader when installed (10x faster at startup), else the pure-Python one
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# The rule tables ship inside the package (kehoach.models, the repository's models/ folder);
# KEHOACH_MODELS points at another copy, e.g. a user's edited tables.
MODELS_DIR = Path(os.environ.get("KEHOACH_MODELS") or str(files("kehoach.models")))

# What a saved copy of the rules leaves out: code, caches and the saved spaCy pipeline itself.
_NOT_RULES = shutil.ignore_patterns("__pycache__", "*.py", "*.pyc", "spacy_pipeline")


class Rules:
    """One folder of rule tables, read once; `compiled` memoises what is built from them."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        self._yaml: dict[str, Any] = {}
        self._csv: dict[str, tuple[dict[str, str], ...]] = {}
        self._compiled: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"Rules({str(self.folder)!r})"

    @classmethod
    def default(cls) -> Rules:
        """The shipped tables (or KEHOACH_MODELS): one object per process."""
        return _default()

    @classmethod
    def active(cls) -> Rules:
        """The rules in force: those of the document being analysed (`using`), else the
        shipped ones."""
        return _ACTIVE.get() or _default()

    def path(self, name: str) -> Path:
        """A table of this folder, or `name` itself when it is a path to an existing file."""
        p = Path(name)
        if (p.is_absolute() or p.parent != Path(".")) and p.exists():
            return p
        return self.folder / name

    def yaml(self, name: str) -> Any:
        if name not in self._yaml:
            with open(self.path(name), encoding="utf-8") as fh:
                self._yaml[name] = yaml.load(fh, Loader=_SAFE_LOADER)
        return self._yaml[name]

    def csv(self, name: str) -> tuple[dict[str, str], ...]:
        if name not in self._csv:
            with open(self.path(name), encoding="utf-8", newline="") as fh:
                self._csv[name] = tuple(dict(row) for row in csv.DictReader(fh))
        return self._csv[name]

    def compiled(self, key: str, build: Callable[[Rules], T]) -> T:
        """What `build` makes of these tables (patterns, lexicons), built on first use."""
        if key not in self._compiled:
            self._compiled[key] = build(self)
        return self._compiled[key]  # type: ignore[no-any-return]

    def save(self, dest: str | os.PathLike[str]) -> Path:
        """Copy every rule table of this folder to `dest` (e.g. inside a saved spaCy pipeline)."""
        dest = Path(dest)
        shutil.copytree(self.folder, dest, ignore=_NOT_RULES, dirs_exist_ok=True)
        return dest


@cache
def _default() -> Rules:
    return Rules(MODELS_DIR)


# The rules of the document being analysed, for code deep inside the grammars that is not
# handed them as an argument: `kehoach.components.analyse` sets them for the duration of a
# document. None: the shipped rules (the fast path, memoised per process).
_ACTIVE: ContextVar[Rules | None] = ContextVar("kehoach_rules", default=None)


@contextmanager
def using(rules: Rules | None) -> Iterator[None]:
    """Make `rules` the rules in force inside the block (None or the shipped ones: those)."""
    token = _ACTIVE.set(None if rules is None or rules is _default() else rules)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def compiled_for(tables: Rules | None, key: str, build: Callable[[Rules], T]) -> T:
    """What `build` compiles from `tables`, else from the rules in force, else from the
    shipped rules; memoised per `Rules` object under `key`."""
    if tables is None:
        tables = _ACTIVE.get() or _default()
    return tables.compiled(key, build)


def per_rules(build: Callable[[], T]) -> Callable[[], T]:
    """A table-reading builder without arguments (`@cache def rules(): ... load_yaml(...)`),
    memoised once for the shipped rules and once per other `Rules` in force: `build` runs
    with those rules in force, so its `load_yaml`/`load_csv` read them."""
    key = f"{build.__module__}.{build.__qualname__}"
    shipped = cache(build)

    def get() -> T:
        rules = _ACTIVE.get()
        if rules is None:
            return shipped()
        return rules.compiled(key, lambda _r: build())

    get.__doc__ = build.__doc__
    get.__wrapped__ = build  # type: ignore[attr-defined]
    return get


def model_path(name: str) -> Path:
    """A table of the rules in force, or `name` itself when it is a path to an existing file."""
    return Rules.active().path(name)


def load_yaml(name: str) -> Any:
    """A YAML table of the rules in force (each read once per rules folder)."""
    return Rules.active().yaml(name)


def load_csv(name: str) -> tuple[dict[str, str], ...]:
    """A CSV table of the rules in force (each read once per rules folder), rows as dicts."""
    return Rules.active().csv(name)
