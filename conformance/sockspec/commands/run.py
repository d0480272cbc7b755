"""`tools/sockspec run`: run cases and write results.json, junit.xml, summary.md."""
from __future__ import annotations

import argparse
import os
import shutil
import sys

from ..engine.environment import Environment
from ..engine.context import Options
from ..engine.schedule import Runner
from ..env import cleanup, tshark
from ..load import expectations as expectations_mod
from ..load import scenarios as scenario_mod
from ..model import status as st
from ..model.paths import EXPECTATIONS, REPO
from ..model.results import CaseResult
from ..model.scenario import Case
from ..report import progress
from ..report import results as results_mod
from .common import (EXIT_OK, EXIT_UNEXPECTED, EXIT_USAGE, add_selection, all_cases,
                     choose_impl, load_catalog, selected)


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


def usage_problem(args: argparse.Namespace) -> str | None:
    if args.jobs < 1 or args.repeat < 1 or args.timeout_multiplier <= 0:
        return "-j, --repeat and --timeout-multiplier must be positive"
    return None


def load_selection(args: argparse.Namespace, impl_name: str
                   ) -> tuple[list[Case], list, str, list[str]]:
    """(selected cases, expectation records, expectations path, problems); problems are
    printed as they are found."""
    scenarios, problems = load_catalog(args.scenarios)
    catalog = all_cases(scenarios)
    exp_path = args.expectations or os.path.join(EXPECTATIONS, f"{impl_name}.toml")
    try:
        records = expectations_mod.load(exp_path)
        problems += [str(e) for e in expectations_mod.validate(records, catalog)]
    except scenario_mod.LoadError as e:
        records, problems = [], problems + [str(e)]
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return selected(catalog, args), records, exp_path, problems


def prepare_out_dir(args: argparse.Namespace, impl_name: str) -> str:
    out_dir = os.path.abspath(args.out or os.path.join(REPO, "out", impl_name))
    os.makedirs(out_dir, exist_ok=True)
    for sub in ("pcap", "logs"):       # a previous run's files would be mistaken for ours
        shutil.rmtree(os.path.join(out_dir, sub), ignore_errors=True)
    return out_dir


def sweep_dead_runs() -> None:
    swept = cleanup.sweep()
    if swept:
        print(f"cleaned up after dead runs: {', '.join(swept)}", file=sys.stderr)


def cmd_run(args: argparse.Namespace) -> int:
    problem = usage_problem(args)
    try:
        impl = None if problem else choose_impl(args)
    except ValueError as e:
        problem = str(e)
    if problem is None and args.record_golden and impl.name != "ref":
        problem = "golden captures are recorded with the reference implementation (--impl ref)"
    if problem:
        print(f"sockspec: {problem}", file=sys.stderr)
        return EXIT_USAGE
    if not args.list_only:
        tshark.warm_up()        # its ~0.2 s start-up overlaps the catalog's loading
    cases, records, exp_path, problems = load_selection(args, impl.name)
    if args.list_only:
        for case in cases:
            print(case.id)
        return EXIT_USAGE if problems else EXIT_OK
    if not cases:
        print("sockspec: no case matches the selection", file=sys.stderr)
        return EXIT_USAGE
    out_dir = prepare_out_dir(args, impl.name)
    sweep_dead_runs()
    live = {"auto": None, "live": True, "plain": False}[args.progress]
    display = progress.Reporter(len(cases) * args.repeat, live=live)
    options = Options(impl=impl, out_dir=out_dir, jobs=args.jobs,
                      timeout_multiplier=args.timeout_multiplier, run_timeout=args.run_timeout,
                      repeat=args.repeat, loopback=args.loopback, records=records,
                      on_result=display.case_done, record_golden=args.record_golden,
                      captures_dir=args.captures)
    return RunSession(args, Runner(options, Environment.real()), display, exp_path,
                      problems).run(cases)


class RunSession:
    """One `run` from the agent's hello to the results files, including the files an
    interrupted run writes on its way out."""

    def __init__(self, args: argparse.Namespace, runner: Runner, display: progress.Reporter,
                 exp_path: str, problems: list[str]):
        self.args = args
        self.runner = runner
        self.display = display
        self.exp_path = exp_path
        self.problems = problems
        self.out_dir = runner.ctx.options.out_dir
        self.impl = runner.ctx.options.impl
        self.finished = False

    def run(self, cases: list[Case]) -> int:
        hello_error = self.probe()
        self.runner.make_run_info()
        print(f"running {len(cases)} case{'s' if len(cases) != 1 else ''} against "
              f"{self.runner.run_info['label']}", file=sys.stderr)
        # Computed now: a signal handler must not run git or tshark.
        self.early_header = self.header()
        self.runner.ctx.env.scope.on_exit(self.write_interrupted)
        if hello_error:
            results = [agent_missing_result(c, hello_error) for c in cases]
            for r in results:
                self.display.case_done(r)
            self.problems.append(hello_error)
        else:
            results = self.runner.run(cases)
        self.display.finish()
        return self.write_results(results)

    def probe(self) -> str | None:
        """Read the agent's hello; the error message when it does not start."""
        try:
            self.runner.probe()
        except Exception as e:
            error = f"the {self.impl.name} agent did not start ({' '.join(self.impl.agent)}): {e}"
            print(f"error: {error}", file=sys.stderr)
            return error
        return None

    def header(self) -> dict:
        a = self.args
        return results_mod.run_header(
            REPO, self.impl, self.runner.hello, self.runner.run_info,
            safe_tshark_version(self.runner.ctx.env),
            {"jobs": a.jobs, "repeat": a.repeat, "loopback": self.runner.loopback_mode(),
             "timeout_multiplier": a.timeout_multiplier, "run_timeout": a.run_timeout,
             "argv": sys.argv[1:], "expectations": self.exp_path},
            capabilities=(self.runner.ctx.capabilities.to_json()
                          if self.runner.ctx.capabilities is not None else None))

    def write_interrupted(self) -> None:
        # SIGINT/SIGTERM (or an exception) before the end: release everything first,
        # keep what was finished, and release again what workers made meanwhile.
        if self.finished:
            return
        self.runner.cleanup_live()
        results_mod.write_all(self.out_dir, self.early_header, list(self.runner.completed),
                              self.problems + ["interrupted: results are incomplete"])
        self.runner.cleanup_live()

    def write_results(self, results: list[CaseResult]) -> int:
        run_timeout = self.args.run_timeout
        run_problems = list(self.problems)
        if run_timeout and any(r.message.startswith("not started: the run timeout")
                               for r in results):
            run_problems.append(f"the run timeout ({run_timeout:g}s) stopped the run early")
        self.finished = True
        doc = results_mod.write_all(self.out_dir, self.header(), results, run_problems)
        counts = ", ".join(f"{n} {k}" for k, n in doc["summary"].items() if n)
        print(f"{doc['run']['label']}: {len(results)} results: {counts}. "
              f"Unexpected: {len(doc['unexpected'])}."
              + (f" Unstable: {len(doc['unstable'])}." if doc["unstable"] else "")
              + f" Output: {self.out_dir}")
        if doc["missing"]:
            print("what the implementation is missing, by cases it would unlock "
                  "(a case missing several things counts for each):")
        for line in results_mod.missing_lines(doc["missing"]):
            print(line)
        if doc["unexpected"] or doc["unstable"] or run_problems:
            return EXIT_UNEXPECTED
        return EXIT_OK


def agent_missing_result(case: Case, message: str) -> CaseResult:
    return CaseResult(case=case, status=st.ERROR, observed=st.ERROR, message=message)


def safe_tshark_version(env: Environment) -> str | None:
    try:
        return env.tshark.version()
    except Exception:
        return None


COMMAND = ("run", "run cases and write results.json, junit.xml, summary.md", args_run, cmd_run)
