"""What several commands share: case selection, loading the catalog, choosing the
implementation, exit statuses."""
from __future__ import annotations

import argparse
import fnmatch

from ..load import impls as impls_mod
from ..load import scenarios as scenario_mod
from ..model.paths import SCENARIOS
from ..model.scenario import Case, Scenario

EXIT_OK, EXIT_UNEXPECTED, EXIT_USAGE = 0, 1, 2


def add_selection(p: argparse.ArgumentParser) -> None:
    p.add_argument("patterns", nargs="*", metavar="ID",
                   help="case id patterns (fnmatch, e.g. 'echo/*:ipv6'; a plain prefix such "
                        "as 'echo/' or 'echo/tcp-hello' also selects)")
    p.add_argument("--area", action="append", default=[], help="only this area (repeatable)")
    p.add_argument("--feature", action="append", default=[],
                   help="only scenarios with this feature tag (repeatable)")
    p.add_argument("--scenarios", default=SCENARIOS, help=argparse.SUPPRESS)


def load_catalog(root: str) -> tuple[list[Scenario], list[str]]:
    scenarios, errors = scenario_mod.load_all(root)
    return scenarios, [str(e) for e in errors]


def selected(cases: list[Case], args: argparse.Namespace) -> list[Case]:
    out = []
    for case in cases:
        sc = case.scenario
        if args.area and sc.area not in args.area:
            continue
        if args.feature and not set(args.feature) & set(sc.features):
            continue
        if args.patterns and not any(matches(case.id, p) for p in args.patterns):
            continue
        out.append(case)
    return out


def matches(case_id: str, pattern: str) -> bool:
    if fnmatch.fnmatchcase(case_id, pattern):
        return True
    # Prefix selection stops at a boundary: "echo/tcp" does not select "echo/tcp-hello".
    return case_id.startswith(pattern) and (
        pattern.endswith(("/", ":")) or case_id[len(pattern):][:1] in ("", ":", "/"))


def all_cases(scenarios: list[Scenario]) -> list[Case]:
    return [c for sc in scenarios for c in sc.cases()]


def choose_impl(args: argparse.Namespace) -> impls_mod.Impl:
    known = impls_mod.load()
    extra = {}
    for text in args.agent:
        impl = impls_mod.parse_agent_option(text)
        if impl.name in known:                 # --agent ref=... keeps ref's programs
            impl.program = known[impl.name].program
        extra[impl.name] = impl
    name = args.impl or (next(iter(extra)) if extra else "ref")
    if name in extra:
        return extra[name]
    if name not in known:
        raise ValueError(f"unknown implementation {name!r} (known: "
                         f"{', '.join(known)}; or give --agent {name}='command')")
    return known[name]
