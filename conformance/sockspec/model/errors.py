"""The harness's own exceptions, shared by every layer."""
from __future__ import annotations


class LoadError(Exception):
    """A scenario, topology, expectation or implementation file is malformed; the text
    always starts with `file:line:` so that an editor can jump to it."""

    def __init__(self, path: str, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


class Unsupported(Exception):
    """The implementation cannot run this case; the text names what it lacks."""


class SetupError(Exception):
    """The harness could not prepare what a case needs (network, capture, a process)."""
