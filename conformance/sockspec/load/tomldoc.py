"""Reading one TOML data file of the repository so that every error names `file:line`."""
from __future__ import annotations

import re
import tomllib
from typing import Any

from ..model.errors import LoadError
from .sourcemap import SourceMap


class TomlDoc:
    """A parsed TOML file and its source map: `fail(path, message)` builds the error
    for a key path such as ("entry", 3, "kind")."""

    def __init__(self, path: str):
        self.path = path
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except OSError as e:
            raise LoadError(path, 1, f"cannot read: {e.strerror or e}") from None
        except UnicodeDecodeError as e:
            raise LoadError(path, 1, f"not UTF-8: {e}") from None
        try:
            self.data: dict[str, Any] = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            m = re.search(r"at line (\d+)", str(e))
            raise LoadError(path, int(m.group(1)) if m else 1, f"TOML syntax: {e}") from None
        self.map = SourceMap(text)

    def fail(self, where: tuple, message: str) -> LoadError:
        return LoadError(self.path, self.line(where), message)

    def line(self, where: tuple) -> int:
        line = self.map.line_of(where)
        if line == 1 and where:
            # An array of tables ([[entry]]) has no line of its own: name its first header.
            headers = [first for path, first, _ in self.map.tables
                       if path[:len(where)] == where]
            return min(headers, default=line)
        return line

    def check_keys(self, table: Any, where: tuple, allowed: dict[str, type],
                   required: tuple[str, ...]) -> dict:
        """The table itself, once its keys are known, present and of the right type."""
        if not isinstance(table, dict):
            raise self.fail(where, f"{_name(where)} must be a table")
        for key, value in table.items():
            if key not in allowed:
                raise self.fail(where + (key,), f"unknown key {key!r} (allowed: "
                                f"{', '.join(allowed)})")
            if not isinstance(value, allowed[key]):
                raise self.fail(where + (key,), f"{key} must be {_type_name(allowed[key])}")
        for key in required:
            if key not in table:
                raise self.fail(where, f"{_name(where)} needs {key!r}")
        return table

    def array_of_tables(self, key: str) -> list:
        value = self.data.get(key, [])
        if not isinstance(value, list):
            raise self.fail((key,), f"{key} must be an array of tables ([[{key}]])")
        return value

    def one_line(self, value: str, where: tuple) -> str:
        """Summaries and titles are one line of text: no line break, not empty."""
        text = value.strip()
        if not text or "\n" in text:
            raise self.fail(where, f"{where[-1]} must be one non-empty line")
        return text


def _name(where: tuple) -> str:
    if not where:
        return "the file"
    parts = [p for p in where if isinstance(p, str)]
    number = next((p + 1 for p in reversed(where) if isinstance(p, int)), None)
    return f"{'.'.join(parts)} #{number}" if number else ".".join(parts)


def _type_name(kind: type) -> str:
    return {str: "a string", int: "an integer", list: "a list", dict: "a table"}.get(
        kind, kind.__name__)
