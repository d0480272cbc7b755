"""`tools/sockspec show`: a case's scenario file, its last result and its capture."""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys

from ..model.paths import REPO, SCENARIOS
from .common import EXIT_OK, EXIT_USAGE


def args_show(p: argparse.ArgumentParser) -> None:
    p.add_argument("case", help="a case id (or a scenario id)")
    p.add_argument("--impl", default="ref")
    p.add_argument("--out", help="results directory (default out/<impl>)")
    p.add_argument("--scenarios", default=SCENARIOS, help=argparse.SUPPRESS)


def cmd_show(args: argparse.Namespace) -> int:
    scenario_id = args.case.split(":", 1)[0]
    path = os.path.join(args.scenarios, scenario_id + ".toml")
    if not os.path.exists(path):
        print(f"sockspec: no scenario file {path}", file=sys.stderr)
        return EXIT_USAGE
    print(f"== {os.path.relpath(path, REPO)}")
    with open(path, encoding="utf-8") as f:
        print(f.read().rstrip())
    out_dir = args.out or os.path.join(REPO, "out", args.impl)
    results_path = os.path.join(out_dir, "results.json")
    try:
        with open(results_path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        print(f"\n== no results in {results_path} ({e})")
        return EXIT_OK
    found = [c for c in doc.get("cases", [])
             if c["id"] == args.case or (":" not in args.case and c["scenario"] == args.case)]
    if not found:
        print(f"\n== {results_path} has no result for {args.case}")
        return EXIT_OK
    for c in found:
        print(f"\n== last result ({doc['run'].get('impl')}, {doc['run'].get('suite_revision')}): "
              f"{c['id']} {c['status']} (expected {'/'.join(c['expected'])}) "
              f"{c['duration']:.2f}s")
        if c.get("message"):
            print(f"   {c['message']}")
        for s in c["steps"]:
            resp = s.get("response") or {}
            shown = resp.get("result") if resp.get("ok") else resp.get("error")
            print(f"   {s['verdict']:<7} {s['id']:<20} {json.dumps(shown)[:70]}"
                  + (f"  -- {s['message']}" if s["message"] and s["verdict"] != "PASS" else ""))
        for k in c["checks"]:
            print(f"   {k['verdict']:<7} check:{k['id']:<14} count={k['count']} "
                  f"{k['message']}")
        for rec in c.get("records", []):
            print(f"   record {rec['id']}: {json.dumps(rec['observed'])}")
        if c.get("pcapng"):
            print(f"\n== capture {c['pcapng']}")
            tshark = shutil.which("tshark")
            if tshark and os.path.exists(c["pcapng"]):
                out = subprocess.run([tshark, "-n", "-r", c["pcapng"]], capture_output=True,
                                     text=True, timeout=60)
                print(out.stdout.rstrip() or out.stderr.rstrip())
            else:
                print("   (tshark or the file is missing)")
    return EXIT_OK


COMMAND = ("show", "a case's scenario, last result and capture", args_show, cmd_show)
