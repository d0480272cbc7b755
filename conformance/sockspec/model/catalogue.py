"""The two catalogues the suite is built on: the entries of the API it checks
(conformance/api/socket-api.toml) and the platform-dependent behaviours it records
(conformance/api/behaviours.toml). docs/catalogue.md describes both files."""
from __future__ import annotations

from dataclasses import dataclass, field

# The kinds of API entry, in the words `tools/sockspec coverage` prints.
API_KINDS = ("function", "method", "exception", "attribute", "data", "section")


@dataclass
class ApiEntry:
    name: str                 # the canonical name: what coverage prints first
    kind: str                 # one of API_KINDS
    section: str              # the part of the reference that documents it
    summary: str              # one line, in the project's words
    line: int                 # 1-based line of the entry in the manifest
    names: list[str] = field(default_factory=list)   # every name a scenario may use
    signature: str = ""       # functions and methods: how they are called

    def label(self) -> str:
        return ", ".join(self.names)


@dataclass
class Behaviour:
    id: str                   # "A1" … "H50", or a short name of the project's own
    group: str                # the group's title ("Blocking, non-blocking and timeout model")
    title: str                # the question, one line
    documented: str           # what the reference says about it, or leaves open
    varies: str               # why platforms answer differently
    line: int                 # 1-based line of the item in the catalogue
