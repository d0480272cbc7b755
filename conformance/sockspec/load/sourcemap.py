"""Line numbers for semantic errors in TOML files.

tomllib reports line numbers only for syntax errors. To name the line of a key that
is valid TOML but wrong for sockspec, we scan the source text for table headers
(`[topology]`, the N-th `[[step]]`, `[variants.mode]`) and then for the key inside
that table's lines. A path is a tuple such as ("step", 3, "args", "family"): strings
are keys, integers index arrays of tables.

Format 2 keeps its steps in an array of inline tables (`steps = [ {...}, {...} ]`),
one element per line or more: `array_items` finds the lines each element spans.
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
            # `=` for `key = …`, `.` for a dotted key (`variants.size.one = …`).
            found = self._find(rf'(?:^|[\s{{,.])(?:{_quoted(key)})\s*[=.]', line, last)
            if found is None:
                break
            line = found
        return line

    def find_key(self, key: str, first: int, last: int) -> int | None:
        """The first line within first..last where `key =` appears (inline or not)."""
        return self._find(rf'(?:^|[\s{{,.])(?:{_quoted(key)})\s*=', first, last)

    def array_items(self, key: str) -> list[tuple[int, int]]:
        """(first line, last line) of each element of the root table's array `key = [`.

        Scans characters, so strings, comments and nested brackets inside an element are
        skipped correctly; an element may span lines (a nested array), several may
        share one."""
        root = next(((first, last) for path, first, last in self.tables if path == ()),
                    (1, len(self.lines)))
        start = self._find(rf'^\s*(?:{_quoted(key)})\s*=\s*\[', root[0], root[1])
        if start is None:
            return []
        text = "\n".join(self.lines[start - 1:])
        pos = text.index("[", text.index("=")) + 1
        return _scan_elements(text, pos, start)

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


def _scan_elements(text: str, pos: int, line: int) -> list[tuple[int, int]]:
    """Elements of the TOML array whose `[` ends just before text[pos]."""
    items: list[tuple[int, int]] = []
    depth = 0                      # brackets open inside the current element
    first: int | None = None
    last = line                    # where the current element's last character is
    i = pos
    while i < len(text):
        c = text[i]
        if c == "\n":
            line += 1
        elif c == "#":
            while i < len(text) and text[i] != "\n":
                i += 1
            continue
        elif c in "\"'":
            quote = text[i:i + 3] if text[i:i + 3] in ('"""', "'''") else c
            if first is None:
                first = line
            end = i + len(quote)
            while end < len(text) and not text.startswith(quote, end):
                end += 2 if (text[end] == "\\" and quote[0] == '"') else 1
            line += text[i:end].count("\n")
            last = line
            i = end + len(quote)
            continue
        elif depth == 0 and c in ",]":
            if first is not None:
                items.append((first, last))
                first = None
            if c == "]":
                return items
        elif not c.isspace():
            if first is None:
                first = line
            last = line
            if c in "[{":
                depth += 1
            elif c in "]}":
                depth -= 1
        i += 1
    return items
