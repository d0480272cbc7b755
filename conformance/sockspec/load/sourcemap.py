"""Line numbers for semantic errors in TOML files.

tomllib reports line numbers only for syntax errors. To name the line of a key that
is valid TOML but wrong for sockspec, we scan the source text for table headers
(`[topology]`, the N-th `[[step]]`, `[variants.mode]`) and then for the key inside
that table's lines. A path is a tuple such as ("step", 3, "args", "family"): strings
are keys, integers index arrays of tables.
"""
from __future__ import annotations

import re

_BARE_KEY = r'[A-Za-z0-9_-]+|"[^"]*"|\'[^\']*\''
_HEADER = re.compile(rf'^\s*(\[\[?)\s*((?:{_BARE_KEY})(?:\s*\.\s*(?:{_BARE_KEY}))*)\s*(\]\]?)\s*(#.*)?$')
_KEY_PART = re.compile(_BARE_KEY)


def _split_key(dotted: str) -> list[str]:
    return [p.strip("\"'") for p in _KEY_PART.findall(dotted)]


class SourceMap:
    def __init__(self, text: str):
        self.lines = text.splitlines()
        # (path, first line, last line), 1-based, the root table first.
        self.tables: list[tuple[tuple, int, int]] = []
        self._scan()

    def _scan(self) -> None:
        array_index: dict[tuple, int] = {}
        current: tuple = ()
        start = 1
        in_multiline: str | None = None
        for number, line in enumerate(self.lines, start=1):
            if in_multiline:
                if line.count(in_multiline) % 2 == 1:
                    in_multiline = None
                continue
            for quote in ('"""', "'''"):
                if line.count(quote) % 2 == 1:
                    in_multiline = quote
            m = _HEADER.match(line)
            if not m or in_multiline:
                continue
            self.tables.append((current, start, number - 1))
            parts = _split_key(m.group(2))
            path: list = []
            # A sub-table of an array of tables belongs to the array's last element.
            for part in parts[:-1]:
                path.append(part)
                if tuple(path) in array_index:
                    path.append(array_index[tuple(path)])
            path.append(parts[-1])
            if m.group(1) == "[[":
                key = tuple(path)
                array_index[key] = array_index.get(key, -1) + 1
                path.append(array_index[key])
            current, start = tuple(path), number
        self.tables.append((current, start, len(self.lines)))

    def line_of(self, path: tuple) -> int:
        """The best line for path: the key's own line, else its nearest ancestor's."""
        best: tuple[tuple, int, int] | None = None
        for table in self.tables:
            tpath = table[0]
            if path[:len(tpath)] == tpath and (best is None or len(tpath) > len(best[0])):
                best = table
        if best is None:
            return 1
        tpath, first, last = best
        rest = [p for p in path[len(tpath):]]
        line = first
        if not rest:
            return first if tpath else 1
        # The first key starts its own line inside the table (maybe as a dotted key).
        key = rest.pop(0)
        if not isinstance(key, str):
            return line
        found = self._find(rf'^\s*(?:{_quoted(key)})\s*[=.]', first, last)
        if found is None:
            return line
        line = found
        # Deeper keys live in inline tables: on the same line or the lines that follow.
        for key in rest:
            if not isinstance(key, str):
                continue
            found = self._find(rf'(?:^|[\s{{,.])(?:{_quoted(key)})\s*=', line, last)
            if found is None:
                break
            line = found
        return line

    def _find(self, pattern: str, first: int, last: int) -> int | None:
        regex = re.compile(pattern)
        for number in range(max(first, 1), min(last, len(self.lines)) + 1):
            text = self.lines[number - 1]
            if text.lstrip().startswith("#"):
                continue
            if regex.search(text):
                return number
        return None


def _quoted(key: str) -> str:
    k = re.escape(key)
    return rf'{k}|"{k}"|\'{k}\''
