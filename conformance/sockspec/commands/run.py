"""`tools/sockspec run`: run cases and write results.json, junit.xml, summary.md."""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import threading

from ..engine.environment import Environment
from ..engine.context import Options
from ..engine.schedule import Runner
from ..engine.slots import FairSlots
from ..env import cleanup, tshark
from ..load import expectations as expectations_mod
from ..load import scenarios as scenario_mod
from ..model import status as st
from ..model.paths import EXPECTATIONS, REPO
from ..model.results import CaseResult
from ..model.scenario import Case
from ..report import matrix, progress
from ..report.behaviours import load_runs
from ..report import results as results_mod
from .common import (EXIT_OK, EXIT_UNEXPECTED, EXIT_USAGE, add_selection, all_cases,
                     choose_impls, load_catalog, selected)


def args_run(p: argparse.ArgumentParser) -> None:
    add_selection(p)
    p.add_argument("-j", "--jobs", type=int, default=1, help="cases in parallel (default 1)")
    p.add_argument("--impl", action="append", default=[], metavar="NAME",
                   help="implementation from conformance/impls.toml (default ref); repeat "
                        "it to run several side by side, sharing the -j workers")
    p.add_argument("--agent", action="append", default=[], metavar="NAME='CMD'",
                   help="an agent command line for implementation NAME")
    p.add_argument("--programs", action="append", default=[], metavar="NAME='CMD'",
                   help="the example programs of implementation NAME: a command line in "
                        "which {program} stands for the program's name (echo-server, ...)")
    p.add_argument("--out", help="results directory (default out/<impl>; with several "
                                 "implementations, one folder each under it (default out/) "
                                 "and a combined matrix.md)")
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


def prepare_out_dir(directory: str) -> str:
    directory = os.path.abspath(directory)
    os.makedirs(directory, exist_ok=True)
    for sub in ("pcap", "logs"):       # a previous run's files would be mistaken for ours
        shutil.rmtree(os.path.join(directory, sub), ignore_errors=True)
    return directory


def sweep_dead_runs() -> None:
    swept = cleanup.sweep()
    if swept:
        print(f"cleaned up after dead runs: {', '.join(swept)}", file=sys.stderr)


def cmd_run(args: argparse.Namespace) -> int:
    problem = usage_problem(args)
    try:
        impls = [] if problem else choose_impls(args)
    except ValueError as e:
        problem = str(e)
    if problem is None:
        problem = combination_problem(args, impls)
    if problem:
        print(f"sockspec: {problem}", file=sys.stderr)
        return EXIT_USAGE
    if not args.list_only:
        tshark.warm_up()        # its ~0.2 s start-up overlaps the catalog's loading
    plans = [(impl, *load_selection(args, impl.name)) for impl in impls]
    if args.list_only:
        for case in plans[0][1]:
            print(case.id)
        return EXIT_USAGE if any(plan[4] for plan in plans) else EXIT_OK
    if not plans[0][1]:
        print("sockspec: no case matches the selection", file=sys.stderr)
        return EXIT_USAGE
    sweep_dead_runs()
    live = {"auto": None, "live": True, "plain": False}[args.progress]
    side_by_side = len(impls) > 1
    display = progress.Reporter(sum(len(p[1]) for p in plans) * args.repeat, live=live)
    # One pool of -j slots for every implementation: side by side, they share the
    # machine as one run would.
    slots = FairSlots(args.jobs)
    sessions = [(RunSession(args, Runner(run_options(args, impl, records, display, slots,
                                                     out_dir(args, impl.name)),
                                         Environment.real()),
                            display, exp_path, problems), cases)
                for impl, cases, records, exp_path, problems in plans]
    if not side_by_side:
        session, cases = sessions[0]
        return session.run(cases)
    return run_side_by_side(args, sessions, display)


def combination_problem(args: argparse.Namespace, impls: list) -> str | None:
    names = [impl.name for impl in impls]
    if args.record_golden and names != ["ref"]:
        return "golden captures are recorded with the reference implementation (--impl ref)"
    if len(impls) > 1 and args.expectations:
        return "--expectations names one implementation's records: not with several --impl"
    return None


def out_dir(args: argparse.Namespace, impl_name: str) -> str:
    """out/<impl> (or --out) for one implementation; <--out or out>/<impl> for several."""
    if len(args.impl) > 1:
        return prepare_out_dir(os.path.join(args.out or os.path.join(REPO, "out"), impl_name))
    return prepare_out_dir(args.out or os.path.join(REPO, "out", impl_name))


def run_options(args: argparse.Namespace, impl, records: list, display: progress.Reporter,
                slots: FairSlots, directory: str) -> Options:
    label = impl.name if len(args.impl) > 1 else None
    return Options(impl=impl, out_dir=directory, jobs=args.jobs,
                   timeout_multiplier=args.timeout_multiplier, run_timeout=args.run_timeout,
                   repeat=args.repeat, loopback=args.loopback, records=records,
                   on_result=lambda res: display.case_done(res, label),
                   record_golden=args.record_golden, captures_dir=args.captures, slots=slots)


def run_side_by_side(args: argparse.Namespace, sessions: list, display: progress.Reporter
                     ) -> int:
    """Every implementation's run at once, in its own thread (its workers share the -j
    slots); then one matrix over all of them next to their results folders."""
    codes: list[int] = [EXIT_UNEXPECTED] * len(sessions)

    def one(i: int) -> None:
        session, cases = sessions[i]
        codes[i] = session.run(cases, finish_display=False)
    threads = [threading.Thread(target=one, args=(i,), name=f"impl-{i}")
               for i in range(len(sessions))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    display.finish()
    base = os.path.dirname(sessions[0][0].out_dir)
    runs = load_runs([os.path.join(s.out_dir, "results.json") for s, _ in sessions])
    with open(os.path.join(base, "matrix.md"), "w", encoding="utf-8") as f:
        f.write(matrix.render(runs))
    print(f"combined matrix: {os.path.join(base, 'matrix.md')}")
    return max(codes)


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

    def run(self, cases: list[Case], finish_display: bool = True) -> int:
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
        if finish_display:
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
