"""conformance/api/behaviours.toml: the catalogue of platform-dependent behaviours.

Each `[[behaviour]]` is one question the socket module reference (Python 3.2) leaves to
the platform or the implementation. Scenarios name items in `platform = [...]` and in
`record = "ID"`; `tools/sockspec behaviours` reports what runs observed for each. The
schema is in docs/catalogue.md; every error raised here is a LoadError starting
`file:line:`.
"""
from __future__ import annotations

import re

from ..model.catalogue import Behaviour
from ..model.errors import LoadError
from ..model.paths import BEHAVIOURS
from .tomldoc import TomlDoc

FORMAT = 1
_TOP_KEYS = {"format": int, "title": str, "groups": dict, "behaviour": list}
_ITEM_KEYS = {"id": str, "group": str, "title": str, "documented": str, "varies": str}
# A group letter and a number (`A1`, `H50`), or a short name of the project's own
# (`seed-herror`), which then names its group explicitly.
LETTERED_ID = re.compile(r"^([A-Z])([1-9][0-9]*)$")
OWN_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)+$")


def load(path: str = BEHAVIOURS) -> list[Behaviour]:
    """Every item, in file order."""
    doc = TomlDoc(path)
    doc.check_keys(doc.data, (), _TOP_KEYS,
                   required=("format", "title", "groups", "behaviour"))
    if doc.data["format"] != FORMAT:
        raise doc.fail(("format",), f"format must be {FORMAT}, not {doc.data['format']}")
    groups = _groups(doc)
    items = [_item(doc, table, i, groups)
             for i, table in enumerate(doc.array_of_tables("behaviour"))]
    _check_unique_ids(doc, items)
    return items


def _groups(doc: TomlDoc) -> dict[str, str]:
    groups = doc.data["groups"]
    for key, title in groups.items():
        if not re.fullmatch(r"[A-Z]", key):
            raise doc.fail(("groups", key), f"a group is named by one capital letter, "
                           f"not {key!r}")
        if not isinstance(title, str):
            raise doc.fail(("groups", key), f"group {key} needs a title (a string)")
        doc.one_line(title, ("groups", key))
    return groups


def _item(doc: TomlDoc, table: dict, index: int, groups: dict[str, str]) -> Behaviour:
    where = ("behaviour", index)
    doc.check_keys(table, where, _ITEM_KEYS,
                   required=("id", "title", "documented", "varies"))
    item_id = table["id"]
    group = _group_of(doc, item_id, table.get("group"), where)
    if group not in groups:
        raise doc.fail(where + ("group",) if "group" in table else where + ("id",),
                       f"group {group!r} is not in [groups]")
    return Behaviour(id=item_id, group=groups[group],
                     title=doc.one_line(table["title"], where + ("title",)),
                     documented=_text(doc, table["documented"], where + ("documented",)),
                     varies=_text(doc, table["varies"], where + ("varies",)),
                     line=doc.line(where))


def _group_of(doc: TomlDoc, item_id: str, group: str | None, where: tuple) -> str:
    """A lettered id belongs to its letter's group; an id of the project's own names one."""
    lettered = LETTERED_ID.match(item_id)
    if lettered:
        if group is not None and group != lettered.group(1):
            raise doc.fail(where + ("group",), f"{item_id} belongs to group "
                           f"{lettered.group(1)}, not {group}")
        return lettered.group(1)
    if not OWN_ID.match(item_id):
        raise doc.fail(where + ("id",), f"id {item_id!r} must be a letter and a number "
                       f"(A1) or a short lower-case name with dashes (seed-herror)")
    if group is None:
        raise doc.fail(where, f"{item_id} needs a group (a key of [groups])")
    return group


def _text(doc: TomlDoc, value: str, where: tuple) -> str:
    """Prose may wrap over several lines in the file; it is one paragraph."""
    text = " ".join(value.split())
    if not text:
        raise doc.fail(where, f"{where[-1]} must not be empty")
    return text


def _check_unique_ids(doc: TomlDoc, items: list[Behaviour]) -> None:
    seen: dict[str, Behaviour] = {}
    for item in items:
        if item.id in seen:
            raise LoadError(doc.path, item.line, f"id {item.id!r} is already used by the "
                            f"item at line {seen[item.id].line}")
        seen[item.id] = item


def sort_key(item_id: str) -> tuple:
    """Lettered ids by letter and number (A2 before A10), then the project's own names."""
    m = LETTERED_ID.match(item_id)
    return (0, m.group(1), int(m.group(2)), "") if m else (1, "", 0, item_id)
