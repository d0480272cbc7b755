"""tools/sockspec: the command line. Subcommands live in COMMANDS; adding one is adding
an entry there (a function that declares its options and one that runs it)."""
from __future__ import annotations

import argparse
import fnmatch
import json
import os
import shutil
import subprocess
import sys
from typing import Callable

from .load import expectations as expectations_mod
from .load import impls as impls_mod
from .report import results as results_mod
from .load import scenarios as scenario_mod
from .model import status as st
from .model.scenario import Case, Scenario
from .model.paths import EXPECTATIONS, REPO, SCENARIOS


EXIT_OK, EXIT_UNEXPECTED, EXIT_USAGE = 0, 1, 2


# --------------------------------------------------------------------------- shared

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


# --------------------------------------------------------------------------- run

def args_run(p: argparse.ArgumentParser) -> None:
    add_selection(p)
    p.add_argument("-j", "--jobs", type=int, default=1, help="cases in parallel (default 1)")
    p.add_argument("--impl", help="implementation from conformance/impls.toml (default ref)")
    p.add_argument("--agent", action="append", default=[], metavar="NAME='CMD'",
                   help="an agent command line for implementation NAME (no programs)")
    p.add_argument("--out", help="results directory (default out/<impl>)")
    p.add_argument("--repeat", type=int, default=1,
                   help="run every case N times; report cases whose status varies")
    p.add_argument("--loopback", action="store_true",
                   help="no namespaces: run 'single' scenarios on this machine's loopback")
    p.add_argument("--timeout-multiplier", type=float, default=1.0,
                   help="scale every step and case timeout and elapsed upper bound")
    p.add_argument("--run-timeout", type=float, default=None,
                   help="seconds for the whole run; cases not started by then are SKIP")
    p.add_argument("--list-only", action="store_true", help="print the selected ids and stop")
    p.add_argument("--expectations", help="expectations file (default "
                   "conformance/expectations/<impl>.toml)")
    p.add_argument("--progress", choices=("auto", "live", "plain"), default="auto",
                   help=argparse.SUPPRESS)
    p.add_argument("--record-golden", action="store_true",
                   help="store each capture-checked case's capture and normalised flow in "
                        "captures/ (reference implementation only; see golden.py)")
    p.add_argument("--captures", help=argparse.SUPPRESS)   # golden captures dir (tests)


def cmd_run(args: argparse.Namespace) -> int:
    from .engine.runner import Env, Options, Runner
    if args.jobs < 1 or args.repeat < 1 or args.timeout_multiplier <= 0:
        print("sockspec: -j, --repeat and --timeout-multiplier must be positive", file=sys.stderr)
        return EXIT_USAGE
    try:
        impl = choose_impl(args)
    except ValueError as e:
        print(f"sockspec: {e}", file=sys.stderr)
        return EXIT_USAGE
    if args.record_golden and impl.name != "ref":
        print("sockspec: golden captures are recorded with the reference implementation "
              "(--impl ref)", file=sys.stderr)
        return EXIT_USAGE
    if not args.list_only:
        from .env import tshark
        tshark.warm_up()        # its ~0.2 s start-up overlaps the catalog's loading
    scenarios, problems = load_catalog(args.scenarios)
    catalog = all_cases(scenarios)
    cases = selected(catalog, args)
    exp_path = args.expectations or os.path.join(EXPECTATIONS, f"{impl.name}.toml")
    try:
        records = expectations_mod.load(exp_path)
        problems += [str(e) for e in expectations_mod.validate(records, catalog)]
    except scenario_mod.LoadError as e:
        records, problems = [], problems + [str(e)]
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if args.list_only:
        for case in cases:
            print(case.id)
        return EXIT_USAGE if problems else EXIT_OK
    if not cases:
        print("sockspec: no case matches the selection", file=sys.stderr)
        return EXIT_USAGE
    out_dir = os.path.abspath(args.out or os.path.join(REPO, "out", impl.name))
    os.makedirs(out_dir, exist_ok=True)
    for sub in ("pcap", "logs"):       # a previous run's files would be mistaken for ours
        shutil.rmtree(os.path.join(out_dir, sub), ignore_errors=True)
    env = Env.real()
    swept = env.cleanup.sweep()
    if swept:
        print(f"cleaned up after dead runs: {', '.join(swept)}", file=sys.stderr)
    live = {"auto": None, "live": True, "plain": False}[args.progress]
    reporter = results_mod.Reporter(len(cases) * args.repeat, live=live)
    options = Options(impl=impl, out_dir=out_dir, jobs=args.jobs,
                      timeout_multiplier=args.timeout_multiplier, run_timeout=args.run_timeout,
                      repeat=args.repeat, loopback=args.loopback, records=records,
                      reporter=reporter, record_golden=args.record_golden,
                      captures_dir=args.captures)
    runner = Runner(options, env)
    hello_error = None
    try:
        runner.probe()
    except Exception as e:
        hello_error = f"the {impl.name} agent did not start ({' '.join(impl.agent)}): {e}"
        print(f"error: {hello_error}", file=sys.stderr)
    runner.make_run_info()

    def header() -> dict:
        return results_mod.run_header(
            REPO, impl, runner.hello, runner.run_info, safe_tshark_version(env),
            {"jobs": args.jobs, "repeat": args.repeat, "loopback": runner.loopback_mode(),
             "timeout_multiplier": args.timeout_multiplier, "run_timeout": args.run_timeout,
             "argv": sys.argv[1:], "expectations": exp_path})

    finished = []
    early_header = header()     # computed now: a signal handler must not run git or tshark

    def write_interrupted() -> None:
        # SIGINT/SIGTERM (or an exception) before the end: release everything first,
        # keep what was finished, and release again what workers made meanwhile.
        if finished:
            return
        runner.cleanup_live()
        results_mod.write_all(out_dir, early_header, list(runner.completed),
                              problems + ["interrupted: results are incomplete"])
        runner.cleanup_live()
    env.cleanup.on_exit(write_interrupted)
    if hello_error:
        results = [agent_missing_result(c, hello_error) for c in cases]
        for r in results:
            reporter.case_done(r)
        problems.append(hello_error)
    else:
        results = runner.run(cases)
    reporter.finish()
    run_problems = list(problems)
    if args.run_timeout and any(r.message.startswith("not started: the run timeout")
                                for r in results):
        run_problems.append(f"the run timeout ({args.run_timeout:g}s) stopped the run early")
    finished.append(True)
    doc = results_mod.write_all(out_dir, header(), results, run_problems)
    counts = ", ".join(f"{n} {k}" for k, n in doc["summary"].items() if n)
    print(f"{len(results)} results: {counts}. Unexpected: {len(doc['unexpected'])}."
          + (f" Unstable: {len(doc['unstable'])}." if doc["unstable"] else "")
          + f" Output: {out_dir}")
    if doc["unexpected"] or doc["unstable"] or run_problems:
        return EXIT_UNEXPECTED
    return EXIT_OK


def agent_missing_result(case, message: str):
    from .engine.runner import CaseResult
    res = CaseResult(case=case, status=st.ERROR, observed=st.ERROR, message=message)
    return res


def safe_tshark_version(env) -> str | None:
    try:
        return env.tshark.version()
    except Exception:
        return None


# --------------------------------------------------------------------------- list

def args_list(p: argparse.ArgumentParser) -> None:
    add_selection(p)
    p.add_argument("--json", action="store_true", help="machine-readable output")


def cmd_list(args: argparse.Namespace) -> int:
    scenarios, problems = load_catalog(args.scenarios)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    cases = selected(all_cases(scenarios), args)
    if args.json:
        print(json.dumps([{"id": c.id, "scenario": c.scenario.id, "variant": c.variant,
                           "title": c.scenario.title, "file": os.path.relpath(c.scenario.path, REPO),
                           "template": c.scenario.template, "requires": c.requires,
                           "features": c.scenario.features, "seed": c.scenario.seed}
                          for c in cases], indent=1))
    else:
        for c in cases:
            print(f"{c.id:<50} {c.scenario.title}")
    return EXIT_USAGE if problems else EXIT_OK


# --------------------------------------------------------------------------- doctor

def args_doctor(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true")


def cmd_doctor(args: argparse.Namespace) -> int:
    from .env import doctor
    checks = doctor.checks()
    if args.json:
        print(json.dumps(checks, indent=1))
    else:
        for c in checks:
            mark = "ok  " if c.get("ok") else ("MISSING" if c.get("required", True) else "absent")
            print(f"{mark:<8} {c.get('name')}: {c.get('detail', '')}")
            if not c.get("ok") and c.get("fix"):
                print(f"         fix: {c['fix']}")
    missing = [c for c in checks if not c.get("ok") and c.get("required", True)]
    return EXIT_UNEXPECTED if missing else EXIT_OK


# --------------------------------------------------------------------------- show

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


# --------------------------------------------------------------------------- table

COMMANDS: dict[str, tuple[str, Callable, Callable]] = {
    "run": ("run cases and write results.json, junit.xml, summary.md", args_run, cmd_run),
    "list": ("list cases and their ids", args_list, cmd_list),
    "doctor": ("check what this machine offers the harness", args_doctor, cmd_doctor),
    "show": ("a case's scenario, last result and capture", args_show, cmd_show),
}


def register(name: str, help_text: str, add_args: Callable, handler: Callable) -> None:
    """For later subcommands (coverage, golden captures): one call adds one command."""
    COMMANDS[name] = (help_text, add_args, handler)


# The catalog tools live in their own modules, each exporting
# COMMAND = (name, help, add_arguments, handler).
def _register_catalog_tools() -> None:
    from .report import behaviours, coverage, matrix
    from . import convert, mutants
    for module in (coverage, mutants, behaviours, matrix, convert):
        register(*module.COMMAND)


_register_catalog_tools()


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="sockspec", description="socket API conformance harness")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (help_text, add_args, _) in COMMANDS.items():
        add_args(sub.add_parser(name, help=help_text, description=help_text))
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return COMMANDS[args.command][2](args)
