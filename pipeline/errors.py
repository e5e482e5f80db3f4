"""Errors that name the file and the problem."""

from __future__ import annotations


class DocumentError(Exception):
    """A document could not be processed. `reason` is a short machine-readable code."""

    def __init__(self, path: str, reason: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.reason = reason
        self.message = message
