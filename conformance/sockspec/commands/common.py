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


def choose_impls(args: argparse.Namespace) -> list[impls_mod.Impl]:
    """The implementations a command runs: every --impl in the order given (several run
    side by side), else the first --agent, else ref. --agent NAME='cmd' adds or replaces
    an implementation's agent; --programs NAME='cmd with {program}' gives it example
    programs."""
    known = impls_mod.load()
    for text in args.agent:
        impl = impls_mod.parse_agent_option(text)
        if impl.name in known:                 # --agent ref=... keeps ref's programs
            impl.program = known[impl.name].program
        known[impl.name] = impl
    for text in args.programs:
        name, template = impls_mod.parse_programs_option(text)
        if name not in known:
            raise ValueError(f"--programs {name}=...: no implementation {name!r} "
                             f"(give --agent {name}='command' too)")
        known[name].program = template
    names = list(args.impl) or [impls_mod.parse_agent_option(args.agent[0]).name
                                if args.agent else "ref"]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f"unknown implementation {unknown[0]!r} (known: "
                         f"{', '.join(known)}; or give --agent {unknown[0]}='command')")
    if len(set(names)) != len(names):
        raise ValueError("an implementation is named twice")
    return [known[n] for n in names]
