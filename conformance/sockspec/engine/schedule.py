"""Scheduling a run: the worker pool, the order cases start in, the run deadline, and
the clean-up of everything live when the run is stopped.

The worker threads live as long as the run, because PR_SET_PDEATHSIG, which kills
agents when the harness dies, fires when the *thread* that created them exits.
"""
from __future__ import annotations

import concurrent.futures
import json
import os
import platform
import threading
import time

from ..env import actors, requirements
from ..load import needs as needs_mod
from ..load import runtime as runtime_mod
from ..model import status as st
from ..model.results import CaseResult, CheckResult, StepResult
from ..model.scenario import Case
from . import admission, verdicts
from .case import CaseExecution
from .checks import CheckBatcher
from .context import CLOSE_GRACE, Options, RunContext
from .environment import Environment
from .resources import LiveCases


class Runner:
    def __init__(self, options: Options, env: Environment):
        self.ctx = RunContext(options, env)
        self.live = LiveCases()
        self._case_counter = 0
        self._counter_lock = threading.Lock()
        self.completed: list[CaseResult] = []   # in completion order (interrupted runs)
        self._finish_lock = threading.Lock()

    # The agent's hello and the run's conditions, shared with every case.
    @property
    def hello(self) -> dict | None:
        return self.ctx.hello

    @hello.setter
    def hello(self, value: dict | None) -> None:
        self.ctx.hello = value

    @property
    def run_info(self) -> dict:
        return self.ctx.run_info

    @run_info.setter
    def run_info(self, value: dict) -> None:
        self.ctx.run_info = value

    # ---- set-up of the run
    def probe(self) -> dict:
        """Start the agent once outside any namespace to read its hello (for results,
        `when` conditions and UNSUPPORTED decisions), and ask it for the platform
        properties the hello and impls.toml do not declare (admission.probe_platform:
        sockets created, an abstract name bound, nothing sent)."""
        os.makedirs(self.ctx.logs_dir, exist_ok=True)
        stderr = os.path.join(self.ctx.logs_dir, "hello.stderr")
        impl = self.ctx.options.impl
        env = actors.launch_env("probe", self.ctx.env.scope)   # the launcher contract
        try:
            agent = self.ctx.env.launcher.start_agent("hello", list(impl.agent),
                                                      stderr_path=stderr, env=env)
            try:
                self.hello = dict(agent.wait_ready(self.ctx.hello_timeout))
                self.probe_platform(agent)
            finally:
                agent.close(grace=CLOSE_GRACE)
        finally:
            self.ctx.env.scope.remove_state_dir()   # the probe's launcher state, if any
        return self.hello

    def probe_platform(self, agent) -> None:
        """Declare the runtime and capabilities from the hello, then ask the agent for
        the platform properties neither the hello nor impls.toml declares."""
        self.declare()
        caps = self.ctx.capabilities
        unknown = [k for k in caps.undeclared_platform() if k != "kernel_settings"]
        if not unknown:
            return
        tag = f"{admission.PROBE_NAME}-{os.getpid()}-{time.monotonic_ns()}"
        try:
            caps.add_probe(admission.probe_platform(
                agent, unknown, self.ctx.hello_timeout, tag, known=caps.platform))
        except actors.ActorError:      # an agent that cannot be asked: left undeclared
            pass

    def declare(self) -> None:
        """The implementation's runtime (hello + impls.toml layers) and capabilities
        (hello + impls.toml platform) from the hello read."""
        impl = self.ctx.options.impl
        layers = [{"name": layer["name"],
                   "version": layer.get("version") or runtime_mod.version_token(
                       requirements.command_output(layer["version_command"])
                       if layer.get("version_command") else None)}
                  for layer in impl.layers]
        self.ctx.runtime = runtime_mod.merged_runtime(self.hello, layers)
        self.ctx.capabilities = needs_mod.capabilities(self.hello, self.ctx.runtime,
                                                       impl.platform)

    def loopback_mode(self) -> bool:
        return self.ctx.loopback

    def make_run_info(self) -> dict:
        """The values `when` conditions are matched against: the implementation and the
        runtime it reported (never the harness machine's), the kernel, the mode."""
        hello = self.hello or {}
        if self.ctx.capabilities is None and self.hello is not None:
            self.declare()
        rt = self.ctx.runtime or runtime_mod.merged_runtime(hello)
        impl_version = hello.get("impl_version")
        self.run_info = {
            "impl": self.ctx.options.impl.name,
            "impl_version": str(impl_version) if impl_version is not None else None,
            "os": rt["os"], "libc": rt["libc"], "arch": rt["arch"],
            "layers": rt["layers"],
            "kernel": platform.release(),
            "mode": "loopback" if self.loopback_mode() else "netns",
            "label": runtime_mod.label(self.ctx.options.impl.name, impl_version
                                       and str(impl_version), rt),
        }
        return self.run_info

    # ---- the run
    def run(self, cases: list[Case]) -> list[CaseResult]:
        """Run every case (repeat times), evaluate checks in batches, apply expectations."""
        o = self.ctx.options
        if o.run_timeout:
            self.ctx.run_deadline = time.monotonic() + o.run_timeout
        if not self.run_info:
            self.make_run_info()
        self.ctx.env.scope.on_exit(self.cleanup_live)
        self.probe_requirements(cases)
        work = [(case, r) for r in range(o.repeat) for case in cases]
        results: list[CaseResult | None] = [None] * len(work)

        def finish(i: int, res: CaseResult) -> None:
            self._finish(i, res, results)
        checker = CheckBatcher(self.ctx, finish, total=len(work), jobs=max(1, o.jobs))
        executor = concurrent.futures.ThreadPoolExecutor(max_workers=max(1, o.jobs),
                                                         thread_name_prefix="case")
        try:
            futures = {executor.submit(self.run_case, *work[i]): i
                       for i in self.longest_first(work)}
            for future in concurrent.futures.as_completed(futures):
                i = futures[future]
                res = future.result()
                if res.captured is not None and res.case.scenario.checks:
                    checker.submit(i, res)
                else:
                    finish(i, res)
                checker.case_finished()
        finally:
            checker.close()
            executor.shutdown(wait=True)
            self.ctx.env.scope.remove_state_dir()   # the launcher contract's SOCKSPEC_STATE
        return [r for r in results if r is not None]

    def probe_requirements(self, cases: list[Case]) -> None:
        """Probe the harness machine once, up front, so that no case's duration
        includes it (platform requirements are the implementation's: probe())."""
        for req in sorted({r for case in cases for r in case.requires}):
            if req in admission.HARNESS_REQUIREMENTS and req != "programs":
                self.ctx.env.available(req)

    def longest_first(self, work: list[tuple[Case, int]]) -> list[int]:
        """The order to start the work in: longest first, by the durations of the last
        run in the same output directory (cases it did not have first of all: they may
        be long), so that no worker is left running a long case alone at the end.
        Without a previous run, the given order. Results keep the given order."""
        previous = previous_durations(self.ctx.options.out_dir)
        if not previous or self.ctx.options.jobs < 2:
            return list(range(len(work)))
        return sorted(range(len(work)),
                      key=lambda i: -previous.get(work[i][0].id, float("inf")))

    def _finish(self, i: int, res: CaseResult, results: list) -> None:
        """Final status, then the result is kept and shown (from the main thread or the
        check batches' thread)."""
        verdicts.finalize(res, self.ctx.options.records, self.run_info)
        res.captured, res.context = None, None
        with self._finish_lock:
            results[i] = res
            self.completed.append(res)
        if self.ctx.options.on_result:
            self.ctx.options.on_result(res)

    # ---- one case
    def run_case(self, case: Case, repeat: int = 0) -> CaseResult:
        slots = self.ctx.options.slots
        if slots is None:
            return self._run_case(case, repeat)
        with slots.hold(self.ctx.options.impl.slots_per_case):
            return self._run_case(case, repeat)

    def _run_case(self, case: Case, repeat: int) -> CaseResult:
        res = CaseResult(case=case, repeat=repeat, started=time.time())
        res.steps = [StepResult(s.id, s.op, s.actor, line=s.line) for s in case.scenario.steps]
        res.checks = [CheckResult(c.id, c.filter) for c in case.scenario.checks]
        t0 = time.monotonic()
        try:
            refused = admission.refusal_detail(self.ctx, case)
            if refused:
                res.problem, res.message, res.missing = refused
            else:
                CaseExecution(self.ctx, case, res, self._next_index(), self.live).run()
        except Exception as e:             # a harness bug must not stop the run
            res.problem = st.ERROR
            res.message = f"harness error: {type(e).__name__}: {e}"
        res.duration = time.monotonic() - t0
        return res

    def _next_index(self) -> int:
        with self._counter_lock:
            index = self._case_counter
            self._case_counter += 1
        return index

    # ---- clean-up of everything live (signals, exit)
    def cleanup_live(self) -> None:
        self.ctx.stopping = True              # no case starts (or keeps its network) now
        self.live.teardown_all()
        self.ctx.env.scope.sweep_own()


def previous_durations(out_dir: str) -> dict[str, float]:
    """Case id -> its longest duration in the results.json an earlier run left in out_dir."""
    try:
        with open(os.path.join(out_dir, "results.json"), encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError):
        return {}
    durations: dict[str, float] = {}
    cases = doc.get("cases") if isinstance(doc, dict) else None
    for c in cases if isinstance(cases, list) else []:
        if isinstance(c, dict) and isinstance(c.get("duration"), (int, float)) \
                and isinstance(c.get("id"), str):
            durations[c["id"]] = max(durations.get(c["id"], 0.0), float(c["duration"]))
    return durations
