"""`tools/sockspec list`: the case ids (and, with --json, what each case is)."""
from __future__ import annotations

import argparse
import json
import os
import sys

from ..load import needs as needs_mod
from ..model.paths import REPO
from .common import EXIT_OK, EXIT_USAGE, add_selection, all_cases, load_catalog, selected


def args_list(p: argparse.ArgumentParser) -> None:
    add_selection(p)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--needs", action="store_true",
                   help="what each case needs from the implementation (ops, constants, "
                        "options, flags, families, types, sockets, platform)")


def cmd_list(args: argparse.Namespace) -> int:
    scenarios, problems = load_catalog(args.scenarios)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    cases = selected(all_cases(scenarios), args)
    if args.json:
        print(json.dumps([{"id": c.id, "scenario": c.scenario.id, "variant": c.variant,
                           "title": c.scenario.title, "file": os.path.relpath(c.scenario.path, REPO),
                           "template": c.scenario.template, "requires": c.requires,
                           "features": c.scenario.features, "seed": c.scenario.seed,
                           "needs": needs_mod.case_needs(c).to_json()}
                          for c in cases], indent=1))
    elif args.needs:
        for c in cases:
            print(c.id)
            for line in needs_mod.case_needs(c).lines():
                print(f"  {line}")
    else:
        for c in cases:
            print(f"{c.id:<50} {c.scenario.title}")
    return EXIT_USAGE if problems else EXIT_OK


COMMAND = ("list", "list cases and their ids", args_list, cmd_list)
