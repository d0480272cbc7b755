"""`tools/sockspec coverage`: which cases cover each entry of the seed (socket.rst).

The seed is parsed into its entries: every `.. function::`, `.. method::`,
`.. exception::`, `.. attribute::` and `.. data::` directive, and seven sections
(`families`, `notes:timeouts`, `notes:connect`, `notes:accept`, `example:echo`,
`example:echo-dual`, `example:sniffer`). A `.. data::` directive that lists several
names (`AF_UNIX` / `AF_INET` / `AF_INET6`, or the `SO_*` / `SOMAXCONN` / `MSG_*` ...
group) is ONE entry; a scenario may name it by any of its names.

Scenario `seed` names must name an entry exactly: a name that matches none is an error
(the typo guard), and an entry no case covers is an error. Both make the exit status 1.
"""
from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import sys
from dataclasses import dataclass, field

from ..load import impls as impls_mod
from ..load import scenarios as scenario_mod
from ..model.scenario import Scenario
from ..model.paths import REPO, SCENARIOS

DEFAULT_SEED = os.path.normpath(os.path.join(REPO, "..", "shared", "seed", "socket.rst"))

DIRECTIVES = ("function", "method", "exception", "attribute", "data")
_DIRECTIVE = re.compile(r"^\.\. (%s):: *(\S[^(]*?)\s*(\(.*)?$" % "|".join(DIRECTIVES))
# A further name of a multi-name data directive: an indented line holding one constant
# name or name pattern (`AF_INET`, `MSG_*`).
_MORE_NAMES = re.compile(r"^\s+([A-Za-z_][A-Za-z0-9_]*\*?)\s*$")
_UNDERLINE = re.compile(r"^([-=^~\"'`#*+])\1{2,}\s*$")

# Section titles of socket.rst -> entry names (titles compared without markup).
SECTIONS = {
    "Socket families": "families",
    "Notes on socket timeouts": "notes:timeouts",
    "Timeouts and the connect method": "notes:connect",
    "Timeouts and the accept method": "notes:accept",
}
# The Example section shows five programs in three groups; each group is introduced by
# a paragraph that says which programs follow.
EXAMPLE_SECTION = "Example"
EXAMPLE_GROUPS = (("first two examples", "example:echo"),
                  ("next two examples", "example:echo-dual"),
                  ("last example", "example:sniffer"))


@dataclass
class Entry:
    name: str                 # canonical name: what coverage prints first
    kind: str                 # function, method, exception, attribute, data, section
    line: int                 # 1-based line in the seed
    names: list[str] = field(default_factory=list)   # every name a scenario may use

    def label(self) -> str:
        return ", ".join(self.names)


class SeedError(ValueError):
    pass


def parse_seed(path: str) -> list[Entry]:
    """Every entry of the seed, in file order. Raises SeedError if the file cannot be
    read or lacks one of the expected sections."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise SeedError(f"cannot read the seed {path}: {e.strerror or e}") from None
    entries = _directives(lines) + _sections(lines)
    missing = (set(SECTIONS.values()) | {name for _, name in EXAMPLE_GROUPS}) - \
        {e.name for e in entries if e.kind == "section"}
    if missing:
        raise SeedError(f"{path}: sections not found: {', '.join(sorted(missing))}")
    return sorted(entries, key=lambda e: e.line)


def _directives(lines: list[str]) -> list[Entry]:
    entries = []
    for i, text in enumerate(lines):
        m = _DIRECTIVE.match(text)
        if not m:
            continue
        kind, name = m.group(1), m.group(2).strip()
        entry = Entry(name, kind, i + 1, [name])
        if kind == "data":
            for more in lines[i + 1:]:
                extra = _MORE_NAMES.match(more)
                if not extra:
                    break
                entry.names.append(extra.group(1))
        entries.append(entry)
    return entries


def _plain(title: str) -> str:
    return re.sub(r"``|\*\*|\*|:\w+:`~?([^`]*)`", lambda m: m.group(1) or "", title).strip()


def _sections(lines: list[str]) -> list[Entry]:
    """Section entries, from titles (a line followed by an underline of its length)."""
    entries = []
    headings = [(i, _plain(lines[i])) for i in range(len(lines) - 1)
                if lines[i].strip() and _UNDERLINE.match(lines[i + 1])
                and len(lines[i + 1].rstrip()) >= len(lines[i].rstrip())]
    for i, title in headings:
        if title in SECTIONS:
            name = SECTIONS[title]
            entries.append(Entry(name, "section", i + 1, [name]))
    example = next((i for i, title in headings if title == EXAMPLE_SECTION), None)
    if example is not None:
        end = next((i for i, _ in headings if i > example), len(lines))
        for j in range(example, end):
            lowered = lines[j].lower()
            for phrase, name in EXAMPLE_GROUPS:
                if phrase in lowered and name not in {e.name for e in entries}:
                    entries.append(Entry(name, "section", j + 1, [name]))
    return entries


# --------------------------------------------------------------------------- matching

@dataclass
class Report:
    entries: list[Entry]
    covered: dict[str, list[str]]            # entry name -> case ids
    unknown: list[tuple[str, str, str]]      # (scenario file, scenario id, seed name)

    def uncovered(self) -> list[Entry]:
        return [e for e in self.entries if not self.covered[e.name]]

    def ok(self) -> bool:
        return not self.uncovered() and not self.unknown


def index_names(entries: list[Entry]) -> dict[str, Entry]:
    index: dict[str, Entry] = {}
    for e in entries:
        for n in e.names:
            index.setdefault(n, e)
    return index


def suggestion(name: str, entries: list[Entry]) -> str:
    """A hint for a seed name that matches no entry: the group whose pattern it fits
    (`SO_REUSEADDR` -> `SO_*`), or an entry spelt alike (`recv` -> `socket.recv`)."""
    for e in entries:
        for n in e.names:
            if "*" in n and fnmatch.fnmatchcase(name, n):
                return f"the constant group is named {n!r}"
    for e in entries:
        for n in e.names:
            if n.split(".")[-1] == name.split(".")[-1] and n != name:
                return f"did you mean {n!r}?"
    return "not an entry of the seed"


def compute(entries: list[Entry], scenarios: list[Scenario]) -> Report:
    index = index_names(entries)
    covered: dict[str, list[str]] = {e.name: [] for e in entries}
    unknown = []
    for sc in scenarios:
        case_ids = [c.id for c in sc.cases()]
        for name in sc.seed:
            entry = index.get(name)
            if entry is None:
                unknown.append((os.path.relpath(sc.path, REPO), sc.id, name))
                continue
            for cid in case_ids:
                if cid not in covered[entry.name]:
                    covered[entry.name].append(cid)
    return Report(entries, covered, unknown)


# --------------------------------------------------------------------------- command

def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--seed", default=DEFAULT_SEED,
                   help="the seed document (default ../shared/seed/socket.rst from the repo)")
    p.add_argument("--scenarios", default=SCENARIOS, help=argparse.SUPPRESS)
    p.add_argument("--counts", action="store_true",
                   help="print only each entry's case count, not the case ids")
    p.add_argument("--json", action="store_true", help="machine-readable output")


def run(args: argparse.Namespace) -> int:
    try:
        entries = parse_seed(args.seed)
    except SeedError as e:
        print(f"sockspec coverage: {e}", file=sys.stderr)
        return 2
    scenarios, errors = scenario_mod.load_all(args.scenarios)
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    report = compute(entries, scenarios)
    if args.json:
        print(json.dumps({
            "seed": args.seed,
            "entries": [{"name": e.name, "kind": e.kind, "line": e.line, "names": e.names,
                         "cases": report.covered[e.name]} for e in entries],
            "unknown": [{"file": f, "scenario": s, "name": n} for f, s, n in report.unknown],
            "load_errors": [str(e) for e in errors]}, indent=1))
    else:
        print_report(report, args.seed, counts_only=args.counts)
    if errors:
        return 2
    return 0 if report.ok() else 1


def print_report(report: Report, seed_path: str, counts_only: bool = False,
                 out=None) -> None:
    out = out or sys.stdout
    width = max(len(e.label()) for e in report.entries)
    width = min(width, 40)
    for e in report.entries:
        cases = report.covered[e.name]
        mark = "   " if cases else "!! "
        line = f"{mark}{e.kind:<9} {e.label():<{width}} {len(cases):>4} case(s)"
        if cases and not counts_only:
            line += ": " + " ".join(cases)
        print(line, file=out)
    uncovered = report.uncovered()
    print(f"\n{len(report.entries)} seed entries ({os.path.basename(seed_path)}), "
          f"{len(report.entries) - len(uncovered)} covered, {len(uncovered)} uncovered.",
          file=out)
    for e in uncovered:
        print(f"error: seed entry {e.label()!r} ({e.kind}, line {e.line}) is covered by no "
              f"case", file=out)
    for path, sid, name in report.unknown:
        print(f"error: {path}: scenario {sid} names seed entry {name!r}, which the seed "
              f"does not have ({suggestion(name, report.entries)})", file=out)


COMMAND = ("coverage", "seed entries of socket.rst and the cases that cover them",
           add_arguments, run)
