"""`tools/sockspec doctor`: what this machine offers the harness, from the one table of
requirements (env/requirements.py) that `run` also decides UNSUPPORTED by."""
from __future__ import annotations

import argparse
import json

from ..env import requirements
from .common import EXIT_OK, EXIT_UNEXPECTED


def args_doctor(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true")


def cmd_doctor(args: argparse.Namespace) -> int:
    checks = requirements.checks()
    if args.json:
        print(json.dumps(checks, indent=1))
    else:
        for c in checks:
            mark = "ok  " if c["ok"] else "MISSING"
            print(f"{mark:<8} {c['name']}: {c['detail']}")
            if not c["ok"] and c["fix"]:
                print(f"         fix: {c['fix']}")
    return EXIT_OK if all(c["ok"] for c in checks) else EXIT_UNEXPECTED


COMMAND = ("doctor", "check what this machine offers the harness", args_doctor, cmd_doctor)
