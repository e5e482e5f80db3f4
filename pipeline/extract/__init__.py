"""Extractors, by family: grammar/ (dates, number-symbols), metadata/, citations/, assignments/.

`kehoach.extract` is both this package and the public function `kehoach.extract(text)`: once
a submodule is imported Python binds the package to the attribute `kehoach.extract`, so the
package itself is made callable and forwards to kehoach.api.extract.
"""

from __future__ import annotations

import sys
import types
from typing import Any


class _CallableExtract(types.ModuleType):
    def __call__(self, text: str, *, name: str | None = None, rules: Any = None) -> Any:
        from kehoach.api import extract

        return extract(text, name=name, rules=rules)


sys.modules[__name__].__class__ = _CallableExtract
