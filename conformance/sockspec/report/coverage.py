"""`tools/sockspec coverage`: which cases cover each entry of the API manifest.

The manifest (conformance/api/socket-api.toml, read by load.api) lists every function,
socket method, exception, attribute, constant group (`data`) and section of the socket
module reference (Python 3.2). A constant group with several names (`AF_UNIX` /
`AF_INET` / `AF_INET6`, or the `SO_*` / `SOMAXCONN` / `MSG_*` ... group) is ONE entry; a
scenario may name it by any of its names.

Scenario `seed` names must name an entry exactly: a name that matches none is an error
(the typo guard), and an entry no case covers is an error. Both make the exit status 1.
"""
from __future__ import annotations

import argparse
import fnmatch
import json
import os
import sys
from dataclasses import dataclass

from ..load import api
from ..load import scenarios as scenario_mod
from ..model.catalogue import ApiEntry
from ..model.errors import LoadError
from ..model.paths import API_MANIFEST, REPO, SCENARIOS
from ..model.scenario import Scenario


# --------------------------------------------------------------------------- matching

@dataclass
class Report:
    entries: list[ApiEntry]
    covered: dict[str, list[str]]            # entry name -> case ids
    unknown: list[tuple[str, str, str]]      # (scenario file, scenario id, seed name)

    def uncovered(self) -> list[ApiEntry]:
        return [e for e in self.entries if not self.covered[e.name]]

    def ok(self) -> bool:
        return not self.uncovered() and not self.unknown


def suggestion(name: str, entries: list[ApiEntry]) -> str:
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
    return "not an entry of the API manifest"


def compute(entries: list[ApiEntry], scenarios: list[Scenario]) -> Report:
    index = api.index_names(entries)
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
    p.add_argument("--manifest", default=API_MANIFEST,
                   help="the API manifest (default conformance/api/socket-api.toml)")
    p.add_argument("--scenarios", default=SCENARIOS, help=argparse.SUPPRESS)
    p.add_argument("--counts", action="store_true",
                   help="print only each entry's case count, not the case ids")
    p.add_argument("--json", action="store_true", help="machine-readable output")


def run(args: argparse.Namespace) -> int:
    try:
        entries = api.load(args.manifest)
    except LoadError as e:
        print(f"sockspec coverage: {e}", file=sys.stderr)
        return 2
    scenarios, errors = scenario_mod.load_all(args.scenarios)
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    report = compute(entries, scenarios)
    if args.json:
        print(json.dumps(as_json(report, args.manifest, errors), indent=1))
    else:
        print_report(report, args.manifest, counts_only=args.counts)
    if errors:
        return 2
    return 0 if report.ok() else 1


def as_json(report: Report, manifest: str, errors: list) -> dict:
    return {
        "manifest": shown_path(manifest),
        "entries": [{"name": e.name, "kind": e.kind, "line": e.line, "names": e.names,
                     "signature": e.signature, "section": e.section, "summary": e.summary,
                     "cases": report.covered[e.name]} for e in report.entries],
        "unknown": [{"file": f, "scenario": s, "name": n} for f, s, n in report.unknown],
        "load_errors": [str(e) for e in errors]}


def shown_path(path: str) -> str:
    """The manifest as people know it: relative to the repository when inside it."""
    rel = os.path.relpath(os.path.abspath(path), REPO)
    return path if rel.startswith("..") else rel


def print_report(report: Report, manifest: str, counts_only: bool = False,
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
    print(f"\n{len(report.entries)} seed entries ({shown_path(manifest)}), "
          f"{len(report.entries) - len(uncovered)} covered, {len(uncovered)} uncovered.",
          file=out)
    for e in uncovered:
        print(f"error: seed entry {e.label()!r} ({e.kind}, {shown_path(manifest)}:{e.line}) "
              f"is covered by no case", file=out)
    for path, sid, name in report.unknown:
        print(f"error: {path}: scenario {sid} names seed entry {name!r}, which the API "
              f"manifest does not have ({suggestion(name, report.entries)})", file=out)


COMMAND = ("coverage", "entries of the API manifest and the cases that cover them",
           add_arguments, run)
