"""conformance/api/socket-api.toml: the entries of the socket API the suite checks.

Each `[[entry]]` is one function, method, exception, attribute, constant group (`data`)
or section (address forms, the timeout notes, the example programs) of the socket
module reference (Python 3.2). Scenario `seed` keys name these entries. The schema is
in docs/catalogue.md; every error raised here is a LoadError starting `file:line:`.
"""
from __future__ import annotations

from ..model.catalogue import API_KINDS, ApiEntry
from ..model.errors import LoadError
from ..model.paths import API_MANIFEST
from .tomldoc import TomlDoc

FORMAT = 1
_TOP_KEYS = {"format": int, "title": str, "entry": list}
_ENTRY_KEYS = {"name": str, "kind": str, "names": list, "signature": str, "section": str,
               "summary": str}
_CALLABLE = ("function", "method")


def load(path: str = API_MANIFEST) -> list[ApiEntry]:
    """Every entry, in file order (the order of the reference)."""
    doc = TomlDoc(path)
    doc.check_keys(doc.data, (), _TOP_KEYS, required=("format", "title", "entry"))
    if doc.data["format"] != FORMAT:
        raise doc.fail(("format",), f"format must be {FORMAT}, not {doc.data['format']}")
    entries = [_entry(doc, table, i) for i, table in enumerate(doc.array_of_tables("entry"))]
    _check_unique_names(doc, entries)
    return entries


def _entry(doc: TomlDoc, table: dict, index: int) -> ApiEntry:
    where = ("entry", index)
    doc.check_keys(table, where, _ENTRY_KEYS, required=("name", "kind", "section", "summary"))
    kind = table["kind"]
    if kind not in API_KINDS:
        raise doc.fail(where + ("kind",), f"unknown kind {kind!r} (one of "
                       f"{', '.join(API_KINDS)})")
    names = table.get("names", [table["name"]])
    if not names or not all(isinstance(n, str) and n for n in names):
        raise doc.fail(where + ("names",), "names must be a non-empty list of strings")
    if names[0] != table["name"]:
        raise doc.fail(where + ("names",), f"names must start with the entry's name "
                       f"{table['name']!r}")
    if len(names) > 1 and kind != "data":
        raise doc.fail(where + ("names",), "only a constant group (kind data) has "
                       "several names")
    signature = table.get("signature", "")
    # Functions and methods are known by how they are called; nothing else is.
    if (kind in _CALLABLE) != bool(signature):
        raise doc.fail(where + ("signature",) if signature else where,
                       f"a {kind} {'needs' if kind in _CALLABLE else 'has no'} signature")
    return ApiEntry(name=table["name"], kind=kind,
                    section=doc.one_line(table["section"], where + ("section",)),
                    summary=doc.one_line(table["summary"], where + ("summary",)),
                    line=doc.line(where), names=list(names), signature=signature)


def _check_unique_names(doc: TomlDoc, entries: list[ApiEntry]) -> None:
    """A scenario's seed name must lead to exactly one entry."""
    seen: dict[str, ApiEntry] = {}
    for entry in entries:
        for name in entry.names:
            if name in seen:
                raise LoadError(doc.path, entry.line, f"name {name!r} is already used by "
                                f"the entry at line {seen[name].line}")
            seen[name] = entry


def index_names(entries: list[ApiEntry]) -> dict[str, ApiEntry]:
    """Every name a scenario may use -> its entry."""
    return {name: entry for entry in entries for name in entry.names}
