"""`tools/sockspec mutants`: deliberately broken implementations the catalog must catch.

conformance/mutants/mutants.toml declares each mutant:

    [[mutant]]
    name = "shutdown-noop"
    description = "shutdown() succeeds and does nothing"
    base = "ref"                      # the implementation it breaks: ref or cpython
    shim = "shutdown-noop"            # LD_PRELOAD <build>/mutants/<shim>.so (shims/<shim>.c)
    # python = "py/recv-truncating.py"  # or: a CPython agent wrapper that patches `socket`
    catches = ["shutdown-close/shutdown-wr-fin:*"]   # case id patterns that must FAIL

For every mutant, the cases its `catches` select are run with the mutant as the agent
(`run --agent <base>='<mutant command>'`, so the base's programs and expectations file
apply). A case *catches* the mutant when its status is a failure (FAIL, ERROR, TIMEOUT,
CRASH, or XPASS); PASS or XFAIL means the mutant survived that case, and UNSUPPORTED or
SKIP means the case proved nothing. The same cases are first run with the unmodified
base implementation, which must PASS them all: otherwise the catch would prove nothing.
Exit status 0 only when every mutant is caught by every case of its `catches` and the
bases pass.
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field

from ..load import impls as impls_mod
from ..load import scenarios as scenario_mod
from ..load.sourcemap import SourceMap
from ..model.errors import LoadError
from ..model.paths import CLI, MUTANTS_DIR, REPO, SCENARIOS
from .common import matches

MUTANTS_FILE = os.path.join(MUTANTS_DIR, "mutants.toml")
BASES = ("ref", "cpython")
CAUGHT = ("FAIL", "ERROR", "TIMEOUT", "CRASH", "XPASS")
SURVIVED = ("PASS", "XFAIL")


@dataclass
class Mutant:
    name: str
    description: str
    base: str
    catches: list[str]
    shim: str | None = None
    python: str | None = None
    line: int = 0
    cases: list[str] = field(default_factory=list)     # filled by select_cases

    def how(self) -> str:
        return f"LD_PRELOAD shims/{self.shim}.c" if self.shim else f"wrapper {self.python}"


def load(path: str = MUTANTS_FILE) -> list[Mutant]:
    """Parse and validate mutants.toml; errors name the file and line."""
    try:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8")
        data = tomllib.loads(text)
    except OSError as e:
        raise LoadError(path, 0, f"cannot read: {e.strerror or e}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise LoadError(path, getattr(e, "lineno", 0) or 0, f"not valid TOML: {e}") from None
    smap = SourceMap(text)
    if set(data) - {"format", "mutant"}:
        key = sorted(set(data) - {"format", "mutant"})[0]
        raise LoadError(path, smap.line_of((key,)), f"unknown key {key!r}")
    items = data.get("mutant", [])
    if not isinstance(items, list) or not items:
        raise LoadError(path, 0, "no [[mutant]] entries")
    mutants, names = [], set()
    allowed = {"name": str, "description": str, "base": str, "shim": str, "python": str,
               "catches": list}
    for i, t in enumerate(items):
        where = ("mutant", i)
        line = smap.line_of(where)

        def fail(key: str | None, message: str) -> LoadError:
            return LoadError(path, smap.line_of(where + (key,)) if key else line, message)

        for key, value in t.items():
            if key not in allowed:
                raise fail(key, f"unknown key {key!r} (allowed: {', '.join(allowed)})")
            if not isinstance(value, allowed[key]):
                raise fail(key, f"{key} must be a {allowed[key].__name__}")
        for key in ("name", "description", "base", "catches"):
            if key not in t:
                raise fail(None, f"mutant needs {key!r}")
        if t["name"] in names:
            raise fail("name", f"duplicate mutant name {t['name']!r}")
        names.add(t["name"])
        if t["base"] not in BASES:
            raise fail("base", f"base must be one of {', '.join(BASES)}")
        if ("shim" in t) == ("python" in t):
            raise fail(None, "a mutant has exactly one of shim = NAME or python = PATH")
        if "shim" in t and not os.path.isfile(os.path.join(MUTANTS_DIR, "shims",
                                                           t["shim"] + ".c")):
            raise fail("shim", f"no file shims/{t['shim']}.c")
        if "python" in t:
            if t["base"] != "cpython":
                raise fail("python", "a python wrapper mutant has base = \"cpython\"")
            if not os.path.isfile(os.path.join(MUTANTS_DIR, t["python"])):
                raise fail("python", f"no file {t['python']} under conformance/mutants/")
        if not t["catches"] or not all(isinstance(c, str) and c for c in t["catches"]):
            raise fail("catches", "catches must list case id patterns")
        mutants.append(Mutant(t["name"], t["description"], t["base"], list(t["catches"]),
                              t.get("shim"), t.get("python"), line))
    return mutants


def shim_path(shim: str) -> str:
    return os.path.join(impls_mod.build_dir(), "mutants", shim + ".so")


def agent_argv(mutant: Mutant, known: dict) -> list[str]:
    """The command that starts the mutant's agent."""
    base = known[mutant.base].agent
    if mutant.shim:
        so = shim_path(mutant.shim)
        if not os.path.isfile(so):
            raise FileNotFoundError(f"{so} is missing: build the shims (cmake --build "
                                    f"<build dir>; SOCKSPEC_BUILD_DIR names it)")
        # env sets LD_PRELOAD for the agent only, inside the namespace, never for the harness.
        return ["env", f"LD_PRELOAD={so}"] + list(base)
    return [base[0], os.path.join(MUTANTS_DIR, mutant.python)]


def select_cases(mutants: list[Mutant], scenarios_root: str) -> list[str]:
    """Fill each mutant's cases from its patterns; returns problems (patterns that select
    nothing, scenario load errors)."""
    scenarios, errors = scenario_mod.load_all(scenarios_root)
    problems = [str(e) for e in errors]
    ids = [c.id for sc in scenarios for c in sc.cases()]
    for m in mutants:
        for pattern in m.catches:
            chosen = [cid for cid in ids if matches(cid, pattern)]
            if not chosen:
                problems.append(f"mutant {m.name}: catches pattern {pattern!r} selects no case")
            m.cases += [cid for cid in chosen if cid not in m.cases]
    return problems


# --------------------------------------------------------------------------- running

def run_cases(impl_option: list[str], cases: list[str], out_dir: str, jobs: int) -> dict:
    """One `tools/sockspec run` over exactly these cases; returns {case id: status}."""
    argv = [sys.executable, CLI, "run", *impl_option, "-j", str(jobs), "--out", out_dir,
            "--progress", "plain", *cases]
    log = out_dir + ".log"
    os.makedirs(out_dir, exist_ok=True)
    with open(log, "w", encoding="utf-8") as f:
        subprocess.run(argv, stdout=f, stderr=subprocess.STDOUT, timeout=3600)
    try:
        with open(os.path.join(out_dir, "results.json"), encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        raise RuntimeError(f"the run left no results ({e}); see {log}") from None
    return {c["id"]: c["status"] for c in doc["cases"]}


def judge(mutant: Mutant, statuses: dict[str, str]) -> dict:
    caught = [c for c in mutant.cases if statuses.get(c) in CAUGHT]
    survived = [c for c in mutant.cases if statuses.get(c) in SURVIVED]
    not_run = [c for c in mutant.cases if c not in caught and c not in survived]
    return {"name": mutant.name, "base": mutant.base, "how": mutant.how(),
            "description": mutant.description,
            "verdict": "caught" if caught and not survived and not not_run else "SURVIVED",
            "caught_by": {c: statuses[c] for c in caught},
            "survived": {c: statuses.get(c) for c in survived},
            "not_run": {c: statuses.get(c, "missing") for c in not_run}}


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("names", nargs="*", metavar="MUTANT", help="only these mutants")
    p.add_argument("--file", default=MUTANTS_FILE, help="the mutants file")
    p.add_argument("-j", "--jobs", type=int, default=2, help="cases in parallel per run")
    p.add_argument("--out", default=os.path.join(REPO, "out", "mutants"),
                   help="results directory: one sub-directory per run, mutants.json")
    p.add_argument("--list", action="store_true", help="list the mutants and their cases")
    p.add_argument("--no-base", action="store_true",
                   help="do not check that the base implementations pass the cases")
    p.add_argument("--scenarios", default=SCENARIOS, help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    try:
        mutants = load(args.file)
    except LoadError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    unknown = sorted(set(args.names) - {m.name for m in mutants})
    if unknown:
        print(f"sockspec mutants: unknown mutant(s) {', '.join(unknown)}", file=sys.stderr)
        return 2
    if args.names:
        mutants = [m for m in mutants if m.name in args.names]
    problems = select_cases(mutants, args.scenarios)
    for p in problems:
        print(f"error: {p}", file=sys.stderr)
    if args.list:
        for m in mutants:
            print(f"{m.name:<30} {m.base:<8} {m.how()}\n    {m.description}\n    "
                  f"catches: {' '.join(m.cases) or '(nothing)'}")
        return 2 if problems else 0
    if problems:
        return 2
    known = impls_mod.load()
    out = os.path.abspath(args.out)
    report: dict = {"mutants": [], "base": {}}
    failed = False
    if not args.no_base:
        for base in BASES:
            cases = sorted({c for m in mutants if m.base == base for c in m.cases})
            if not cases:
                continue
            print(f"base {base}: {len(cases)} case(s) ...", flush=True)
            statuses = run_cases(["--impl", base], cases, os.path.join(out, f"base-{base}"),
                                 args.jobs)
            bad = {c: statuses.get(c, "missing") for c in cases if statuses.get(c) != "PASS"}
            report["base"][base] = {"cases": len(cases), "not_passing": bad}
            for c, s in bad.items():
                failed = True
                print(f"error: the unmodified {base} does not PASS {c} ({s}): a mutant it "
                      f"catches proves nothing", file=sys.stderr)
    for m in mutants:
        try:
            argv = agent_argv(m, known)
        except FileNotFoundError as e:
            print(f"error: mutant {m.name}: {e}", file=sys.stderr)
            failed = True
            continue
        command = f"{m.base}={shlex.join(argv)}"
        statuses = run_cases(["--impl", m.base, "--agent", command], m.cases,
                             os.path.join(out, m.name), args.jobs)
        verdict = judge(m, statuses)
        report["mutants"].append(verdict)
        print_verdict(verdict)
        failed |= verdict["verdict"] != "caught"
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "mutants.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, indent=1)
    killed = sum(v["verdict"] == "caught" for v in report["mutants"])
    print(f"{killed} of {len(mutants)} mutants caught. Details: {out}/mutants.json")
    return 1 if failed else 0


def print_verdict(v: dict) -> None:
    print(f"{v['verdict']:<9} {v['name']} ({v['base']}, {v['how']})", flush=True)
    for c, s in v["caught_by"].items():
        print(f"    caught by {c}: {s}")
    for c, s in v["survived"].items():
        print(f"    SURVIVED {c}: {s}")
    for c, s in v["not_run"].items():
        print(f"    not run  {c}: {s} (proves nothing)")


COMMAND = ("mutants", "run the catalog's cases against deliberately broken implementations",
           add_arguments, run)
