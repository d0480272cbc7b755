"""Running cases: network, capture, agents, steps, expectations, batched capture checks.

One case runs in one worker thread from start to end (its work is subprocess I/O).
The worker threads live as long as the run, because PR_SET_PDEATHSIG, which kills
agents when the harness dies, fires when the *thread* that created them exits.
"""
from __future__ import annotations

import concurrent.futures
import json
import os
import platform
import re
import shutil
import socket
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from . import expect as expect_mod
from ..load import expectations as expectations_mod
from . import golden
from ..load import refs
from ..model import status as st
from ..load.impls import Impl
from ..model.errors import SetupError, Unsupported
from ..model.results import CaseResult, CheckResult, StepResult
from ..model.scenario import Case, Check, Step

CHECK_BATCH = 32          # capture-carrying cases evaluated by one tshark call (at most)
HELLO_TIMEOUT = 5.0
CLOSE_GRACE = 2.0


@dataclass
class Env:
    """The environment helper's modules; tests substitute stand-ins."""
    netns: Any
    capture: Any
    pcapng: Any
    tshark: Any
    agentproc: Any
    cleanup: Any
    doctor: Any

    @classmethod
    def real(cls) -> "Env":
        from ..env import agentproc, capture, cleanup, doctor, netns, pcapng, tshark
        return cls(netns, capture, pcapng, tshark, agentproc, cleanup, doctor)


@dataclass
class Options:
    impl: Impl
    out_dir: str
    jobs: int = 1
    timeout_multiplier: float = 1.0
    run_timeout: float | None = None
    repeat: int = 1
    loopback: bool = False              # forced; also automatic without namespaces
    records: list = field(default_factory=list)
    reporter: Any = None
    # Golden captures (golden.py): record the reference's flows instead of comparing.
    record_golden: bool = False
    captures_dir: str | None = None     # None: <repo>/captures


# --------------------------------------------------------------------------- the run

class Runner:
    def __init__(self, options: Options, env: Env):
        self.o = options
        self.env = env
        self.mult = options.timeout_multiplier
        self.run_deadline: float | None = None
        self.hello: dict | None = None
        self.run_info: dict = {}
        self._live: dict[int, dict] = {}      # case index -> resources to clean on exit
        self._live_lock = threading.Lock()
        self._tag = env.cleanup.run_tag()
        self._case_counter = 0
        self._counter_lock = threading.Lock()
        self._platform_cache: dict[str, str | None] = {}
        self.completed: list[CaseResult] = []   # in completion order (interrupted runs)
        self._finish_lock = threading.Lock()
        self.stopping = False                   # set on the way out (signal, exit)

    # ---- set-up of the run
    def probe(self) -> dict:
        """Start the agent once outside any namespace to read its hello (for results,
        `when` conditions and UNSUPPORTED decisions)."""
        os.makedirs(self.logs_dir(), exist_ok=True)
        stderr = os.path.join(self.logs_dir(), "hello.stderr")
        proc = self.env.agentproc.AgentProcess.start(
            list(self.o.impl.agent), stderr_path=stderr, hello_timeout=HELLO_TIMEOUT * self.mult)
        try:
            self.hello = dict(proc.hello)
        finally:
            proc.close(grace=CLOSE_GRACE)
        return self.hello

    def loopback_mode(self) -> bool:
        return self.o.loopback or not self._available("netns")

    def make_run_info(self) -> dict:
        runtime = (self.hello or {}).get("runtime", {}) or {}
        self.run_info = {
            "impl": self.o.impl.name,
            "impl_version": (self.hello or {}).get("impl_version"),
            "os": runtime.get("os") or sys.platform,
            "libc": runtime.get("libc") or " ".join(platform.libc_ver()).strip() or None,
            "arch": runtime.get("arch") or platform.machine(),
            "kernel": platform.release(),
            "mode": "loopback" if self.loopback_mode() else "netns",
        }
        return self.run_info

    def logs_dir(self) -> str:
        return os.path.join(self.o.out_dir, "logs")

    def pcap_dir(self) -> str:
        return os.path.join(self.o.out_dir, "pcap")

    def run(self, cases: list[Case]) -> list[CaseResult]:
        """Run every case (repeat times), evaluate checks in batches, apply expectations."""
        if self.o.run_timeout:
            self.run_deadline = time.monotonic() + self.o.run_timeout
        if not self.run_info:
            self.make_run_info()
        self.env.cleanup.on_exit(self.cleanup_live)
        # Probe the platform once, up front, so that no case's duration includes it.
        for req in sorted({r for case in cases for r in case.requires}):
            if req != "programs":
                self._available(req)
        work = [(case, r) for r in range(self.o.repeat) for case in cases]
        results: list[CaseResult | None] = [None] * len(work)
        checker = CheckEvaluator(self, results, total=len(work), jobs=max(1, self.o.jobs))
        executor = concurrent.futures.ThreadPoolExecutor(max_workers=max(1, self.o.jobs),
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
                    self._finish(i, res, results)
                checker.case_finished()
        finally:
            checker.close()
            executor.shutdown(wait=True)
        return [r for r in results if r is not None]

    def longest_first(self, work: list[tuple[Case, int]]) -> list[int]:
        """The order to start the work in: longest first, by the durations of the last
        run in the same output directory (cases it did not have first of all: they may
        be long), so that no worker is left running a long case alone at the end.
        Without a previous run, the given order. Results keep the given order."""
        previous = self._previous_durations()
        if not previous or self.o.jobs < 2:
            return list(range(len(work)))
        return sorted(range(len(work)),
                      key=lambda i: -previous.get(work[i][0].id, float("inf")))

    def _previous_durations(self) -> dict[str, float]:
        try:
            with open(os.path.join(self.o.out_dir, "results.json"), encoding="utf-8") as f:
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

    def _finish(self, i: int, res: CaseResult, results: list) -> None:
        self.finalize(res)
        res.captured, res.context = None, None
        with self._finish_lock:              # the main thread and the check evaluator
            results[i] = res
            self.completed.append(res)
        if self.o.reporter:
            self.o.reporter.case_done(res)

    def _flush(self, waiting: list, results: list) -> None:
        if not waiting:
            return
        batch = [res for _, res in waiting]
        t0 = time.monotonic()
        try:
            self.evaluate_checks(batch)
        except Exception as e:            # tshark broke: the checks' cases cannot be judged
            for res in batch:
                res.problem = st.ERROR
                res.message = res.message or f"capture evaluation failed: {e}"
        # The batch's cost (pcapng files, tshark, golden flows), shared by its cases.
        share = (time.monotonic() - t0) / len(batch)
        for res in batch:
            res.timings["checks"] = res.timings.get("checks", 0.0) + share
        for i, res in waiting:
            self._finish(i, res, results)
        waiting.clear()

    # ---- one case
    def run_case(self, case: Case, repeat: int = 0) -> CaseResult:
        res = CaseResult(case=case, repeat=repeat, started=time.time())
        res.steps = [StepResult(s.id, s.op, s.actor, line=s.line) for s in case.scenario.steps]
        res.checks = [CheckResult(c.id, c.filter) for c in case.scenario.checks]
        t0 = time.monotonic()
        try:
            self._run_case(case, res)
        except Exception as e:             # a harness bug must not stop the run
            res.problem = st.ERROR
            res.message = f"harness error: {type(e).__name__}: {e}"
        res.duration = time.monotonic() - t0
        return res

    def _run_case(self, case: Case, res: CaseResult) -> None:
        if self.run_deadline is not None and time.monotonic() >= self.run_deadline:
            res.problem, res.message = st.SKIP, "not started: the run timeout was reached"
            return
        if self.stopping:
            res.problem, res.message = st.SKIP, "not started: the run was interrupted"
            return
        disabled = [r for r in expectations_mod.find(self.o.records, case, self.run_info)
                    if r.step is None and st.SKIP in r.statuses]
        if disabled:
            res.problem, res.message = st.SKIP, f"disabled by {disabled[0].where()}: " \
                                                f"{disabled[0].reason}"
            return
        try:
            self.check_supported(case, self.hello)
        except Unsupported as e:
            res.problem, res.message = st.UNSUPPORTED, str(e)
            return
        with self._counter_lock:
            index = self._case_counter
            self._case_counter += 1
        CaseExecution(self, case, res, index).run()

    def check_supported(self, case: Case, hello: dict | None) -> None:
        sc = case.scenario
        loopback = self.loopback_mode()
        if loopback and sc.template != "single":
            raise Unsupported(f"topology {sc.template!r} needs network namespaces "
                              f"(loopback mode runs only 'single' scenarios)")
        settings = sorted(k for k in sc.topology if k != "template")
        if loopback and settings:
            # They would change this machine's own configuration: namespaces only.
            raise Unsupported(f"topology settings {', '.join(settings)} need network "
                              f"namespaces (loopback mode)")
        for req in case.requires:
            if req == "netns" and loopback:
                raise Unsupported("requires netns (loopback mode)")
            why = self._missing(req, case)
            if why:
                raise Unsupported(why)
        if hello is not None:
            missing = sorted(sc.agent_ops() - set(hello.get("ops", [])))
            if missing:
                raise Unsupported(f"the agent lacks {', '.join(missing)}")

    def _missing(self, req: str, case: Case) -> str | None:
        if req == "programs":
            absent = sorted(p for p in case.scenario.programs()
                            if self.o.impl.program_argv(p) is None)
            return f"implementation {self.o.impl.name!r} has no program " \
                   f"{', '.join(absent)}" if absent else None
        if not self._available(req):
            return f"the platform lacks {req!r}"
        return None

    def _available(self, req: str) -> bool:
        if req not in self._platform_cache:
            self._platform_cache[req] = self._probe_requirement(req)
        return bool(self._platform_cache[req])

    def _probe_requirement(self, req: str) -> bool:
        linux = sys.platform.startswith("linux")
        if req == "netns":
            return bool(self.env.doctor.netns_available())
        if req == "capture":
            return bool(self.env.doctor.capture_available()) and \
                self.env.tshark.version() is not None
        if req == "ipv6":
            return socket.has_ipv6 and (not linux or os.path.exists("/proc/net/if_inet6"))
        if req == "root":
            return hasattr(os, "geteuid") and os.geteuid() == 0
        if req == "raw":
            return linux and hasattr(os, "geteuid") and os.geteuid() == 0
        if req == "af_unix":
            return hasattr(socket, "AF_UNIX")
        if req in ("linux", "abstract"):
            return linux
        return False

    # ---- clean-up of everything live (signals, exit)
    def register(self, index: int, resources: dict) -> None:
        with self._live_lock:
            self._live[index] = resources

    def unregister(self, index: int) -> None:
        with self._live_lock:
            self._live.pop(index, None)

    def cleanup_live(self, *_: Any) -> None:
        self.stopping = True                  # no case starts (or keeps its network) now
        with self._live_lock:
            live = list(self._live.values())
            self._live.clear()
        for resources in live:
            teardown(resources, fast=True)
        self._sweep_own()

    def _sweep_own(self) -> None:
        """Remove namespaces and temp dirs of this run that no case holds any more: a
        signal can arrive while a worker is still creating a network, before the case
        knows it has one. (Used on the way out only: live cases would lose theirs.)"""
        c = self.env.cleanup
        needed = ("NETNS_DIR", "kill_namespace_processes", "delete_namespace", "remove_etc_netns")
        if all(hasattr(c, n) for n in needed):
            try:
                ours = [n for n in os.listdir(c.NETNS_DIR) if n.startswith(self._tag + "-")]
            except OSError:
                ours = []
            try:
                c.kill_namespace_processes(ours)
            except Exception:
                pass
            for name in ours:
                try:
                    c.delete_namespace(name)
                    c.remove_etc_netns(name)
                except Exception:
                    pass
        tmp = tempfile.gettempdir()
        for name in os.listdir(tmp):
            if name.startswith(f"sockspec-{self._tag}-"):
                shutil.rmtree(os.path.join(tmp, name), ignore_errors=True)

    # ---- capture checks, batched
    def evaluate_checks(self, batch: list[CaseResult]) -> None:
        os.makedirs(self.pcap_dir(), exist_ok=True)
        interfaces, checks, owners = [], [], {}
        for res in batch:
            index = len(interfaces)
            interfaces.append((res.case.id, res.captured))
            res.pcapng = os.path.join(self.pcap_dir(), safe_name(res.case.id, res.repeat)
                                      + ".pcapng")
            self.env.pcapng.write(res.pcapng, [(res.case.id, res.captured)])
            names = address_names(res.case.scenario.hosts)
            for spec, cres in zip(res.case.scenario.checks, res.checks):
                try:
                    cres.filter = refs.resolve_filter(spec.filter, res.context)
                except refs.RefError as e:
                    cres.verdict, cres.message = st.SKIP, f"not evaluated: {e}"
                    continue
                key = f"{index}/{spec.id}"
                owners[key] = (spec, cres)
                checks.append(self.env.tshark.Check(key=key, interface=index, filter=cres.filter,
                                                    fields=spec.fields, names=names))
        fd, batch_path = tempfile.mkstemp(prefix="batch-", suffix=".pcapng", dir=self.pcap_dir())
        os.close(fd)
        try:
            self.env.pcapng.write(batch_path, interfaces)
            verdicts = self.env.tshark.evaluate(batch_path, checks) if checks else {}
            for key, (spec, cres) in owners.items():
                verdict = verdicts.get(key)
                if verdict is None:
                    cres.verdict, cres.message = st.ERROR, "tshark returned no verdict"
                    continue
                judge_check(spec, cres, verdict)
            # Golden captures: record or compare normalised flows (needs the batch file
            # and the judged checks, so it runs here, before the file is removed).
            golden.apply(self, batch, batch_path)
        finally:
            os.unlink(batch_path)

    # ---- statuses and expectations
    def finalize(self, res: CaseResult) -> None:
        records = expectations_mod.find(self.o.records, res.case, self.run_info)
        by_step = {r.step: r for r in records if r.step is not None}
        case_record = next((r for r in records if r.step is None), None)
        verdicts: list[st.Status] = []
        for item in [*res.steps, *res.checks]:
            name = item.id if isinstance(item, StepResult) else f"check:{item.id}"
            # An await carries its async step's answer: a record on either covers both.
            rec = by_step.get(name) or by_step.get(getattr(item, "awaits", None))
            if rec is not None and res.problem not in (st.UNSUPPORTED, st.SKIP):
                item.verdict = st.apply_expectation(item.verdict, rec.statuses)
                if item.verdict in (st.XFAIL, st.XPASS):
                    item.message = (item.message + "; " if item.message else "") + \
                        f"recorded at {rec.where()}: {rec.reason}"
            if item.verdict is not st.SKIP:
                verdicts.append(item.verdict)
        if res.problem is not None:
            verdicts.append(res.problem)
        observed = st.worst(*verdicts) if verdicts else st.PASS
        if res.problem in (st.UNSUPPORTED, st.SKIP):
            observed = res.problem
        res.observed = observed
        expected = case_record.statuses if case_record else None
        res.status = st.apply_expectation(observed, expected)
        res.expected = [s.name for s in expected] if expected else ["PASS"]
        if by_step and not case_record:
            res.expected = sorted({s.name for r in by_step.values() for s in r.statuses}) \
                if observed is not st.PASS else ["PASS"]
        res.records_applied = [r.to_json() for r in records]
        if case_record and res.status in (st.XFAIL, st.XPASS):
            note = f"recorded at {case_record.where()}: {case_record.reason}"
            res.message = f"{res.message}; {note}" if res.message else note
        if not res.message:
            res.message = first_problem(res)


class CheckEvaluator:
    """Evaluates capture checks in batches on a thread of its own, while cases go on.

    tshark costs a fixed ~0.4 s per call (start-up, Lua, the golden flows' second call),
    so cases are batched: a batch is sent once CHECK_BATCH cases wait, and otherwise
    only when the run is about to end - once every case still unfinished is running
    (at most `jobs` of them), whatever waits is sent, so that the last batch holds just
    the last few cases and the run does not end with a long tshark call. Finished
    batches are reported from this thread (Runner._finish is thread-safe)."""

    def __init__(self, runner: "Runner", results: list, total: int, jobs: int):
        self.runner = runner
        self.results = results
        self.unfinished = total            # cases whose run_case has not returned
        self.jobs = jobs
        self.waiting: list[tuple[int, CaseResult]] = []
        self.closed = False
        self.cond = threading.Condition()
        self.thread: threading.Thread | None = None

    def submit(self, i: int, res: CaseResult) -> None:
        with self.cond:
            self.waiting.append((i, res))
            if self.thread is None:
                self.thread = threading.Thread(target=self._loop, name="checks", daemon=True)
                self.thread.start()
            self.cond.notify()

    def case_finished(self) -> None:
        with self.cond:
            self.unfinished -= 1
            self.cond.notify()

    def close(self) -> None:
        """Evaluate what is left and wait for it (also on the way out of a failed run)."""
        with self.cond:
            self.closed = True
            self.cond.notify()
        if self.thread is not None:
            self.thread.join()

    def _ready(self) -> bool:
        return bool(self.waiting) and (len(self.waiting) >= CHECK_BATCH or self.closed
                                       or self.unfinished <= self.jobs)

    def _loop(self) -> None:
        while True:
            with self.cond:
                while not self._ready() and not (self.closed and not self.waiting):
                    self.cond.wait()
                if not self.waiting:
                    return
                batch = self.waiting[:CHECK_BATCH]
                del self.waiting[:CHECK_BATCH]
            try:
                self.runner._flush(batch, self.results)
            except Exception as e:       # a harness bug: report the cases, keep going
                for i, res in batch:
                    if self.results[i] is None:
                        res.problem = st.ERROR
                        res.message = f"harness error evaluating checks: {e}"
                        try:
                            self.runner._finish(i, res, self.results)
                        except Exception:
                            pass


class CaseExecution:
    """Everything one case owns while it runs, torn down in `finally`."""

    def __init__(self, runner: Runner, case: Case, res: CaseResult, index: int):
        self.r = runner
        self.case = case
        self.sc = case.scenario
        self.res = res
        self.index = index
        self.mult = runner.mult
        self.deadline = time.monotonic() + self.sc.timeout * self.mult
        self.run_limited = runner.run_deadline is not None and runner.run_deadline < self.deadline
        if self.run_limited:
            self.deadline = runner.run_deadline
        self.resources: dict[str, Any] = {"network": None, "capture": None, "agents": {},
                                          "programs": {}, "tmp": None, "captured": [],
                                          "close_all": getattr(runner.env.agentproc,
                                                               "close_all", None)}
        self.gone: set[str] = set()
        self.pending: dict[str, tuple[int, Step, StepResult]] = {}
        self.log_dir = os.path.join(runner.logs_dir(), safe_name(case.id, res.repeat))
        self.network = None

    # ---- references
    def address(self, host: str, kind: str) -> Any:
        static = self.sc.hosts.get(host, {})
        if kind in static:
            return static[kind]
        if self.network is None:
            raise refs.RefError(f"@{host}.{kind} is only known once the network exists")
        return self.network.address(host, kind)

    def run(self) -> None:
        r = self.r
        r.register(self.index, self.resources)
        tmp = tempfile.mkdtemp(prefix=f"sockspec-{r._tag}-")
        self.resources["tmp"] = tmp
        ctx = refs.Context(vars={**self.case.vars, "tmp": tmp}, hosts=set(self.sc.hosts),
                           family=self.case.family, address=self.address,
                           scenario_vars=set(self.case.vars) - set(refs.BUILTIN_VARS))
        self.res.context = ctx
        try:
            os.makedirs(self.log_dir, exist_ok=True)
            self.setup(ctx)
            t0 = time.monotonic()
            try:
                self.steps(ctx)
                self.res.steps_end_ns = time.time_ns()
            finally:
                add_time(self.res.timings, "steps", t0)
        except Unsupported as e:
            self.res.problem, self.res.message = st.UNSUPPORTED, str(e)
        except SetupError as e:
            self.res.problem, self.res.message = st.ERROR, str(e)
        finally:
            teardown(self.resources, timings=self.res.timings)
            r.unregister(self.index)
            captured = self.resources["captured"]
            if captured and self.res.problem not in (st.UNSUPPORTED, st.ERROR):
                self.res.captured = captured[0]
            elif self.sc.checks and self.res.problem is None:
                # Checks that cannot be evaluated must not let the case pass.
                self.res.problem = st.ERROR
                self.res.message = "the capture could not be stopped: checks not evaluated"

    def setup(self, ctx: refs.Context) -> None:
        r, sc = self.r, self.sc
        topo = sc.topology
        template = "loopback" if r.loopback_mode() else sc.template
        try:
            filters = [refs.resolve(f, ctx) for f in topo.get("filter", [])]
            neighbours = [refs.resolve(n, ctx) for n in topo.get("neighbour", [])]
            hosts_lines = [f"{refs.resolve(h['address'], ctx)} {' '.join(h['names'])}"
                           for h in topo.get("hosts", [])]
        except refs.RefError as e:
            raise SetupError(f"topology: {e}")
        services_lines = [f"{s['name']} {s['port']}/{s['proto']} {' '.join(s.get('aliases', []))}"
                          .rstrip() for s in topo.get("services", [])]
        t0 = time.monotonic()
        try:
            self.network = r.env.netns.Network.create(
                template, tag=r.env.cleanup.case_tag(r._tag, self.index),
                mtu=topo.get("mtu", 1500), sysctl=topo.get("sysctl") or None,
                filters=filters or None, neighbours=neighbours or None,
                hosts_lines=hosts_lines or None, services_lines=services_lines or None,
                hostnames=topo.get("hostname") or None)
        except Exception as e:
            raise SetupError(f"network {template!r} could not be created: {e}")
        finally:
            add_time(self.res.timings, "netns", t0)
        self.resources["network"] = self.network
        if r.stopping:                        # interrupted while the network was made
            raise SetupError("the run was interrupted")
        if sc.checks:
            where = self.capture_point()
            if where is None:
                raise Unsupported(f"no capture point in topology {template!r}")
            t0 = time.monotonic()
            try:
                self.resources["capture"] = r.env.capture.Capture.start(self.network, *where)
            except Exception as e:
                raise SetupError(f"capture on {where[0]}/{where[1]} failed: {e}")
            finally:
                add_time(self.res.timings, "capture", t0)
        t0 = time.monotonic()
        try:
            self.start_agents()
        finally:
            add_time(self.res.timings, "agents", t0)

    def start_agents(self) -> None:
        """One agent per agent actor, started side by side: every process is launched
        first, then each hello is awaited, so their start-up times overlap. (This runs
        in the case's worker thread, which outlives the agents: PR_SET_PDEATHSIG.)"""
        r, sc = self.r, self.sc
        ap = r.env.agentproc
        started = []
        for actor in sc.actors.values():
            if actor.kind != "agent":
                continue
            stderr = os.path.join(self.log_dir, f"{actor.name}.stderr")
            self.res.logs[actor.name] = stderr
            try:
                proc = ap.AgentProcess.start(
                    self.network.argv(actor.host, list(r.o.impl.agent)), stderr_path=stderr,
                    hello_timeout=HELLO_TIMEOUT * self.mult, wait_hello=False)
            except ap.AgentError as e:
                raise SetupError(f"agent for actor {actor.name!r} did not start: {e}")
            self.resources["agents"][actor.name] = proc
            started.append((actor, proc))
        for actor, proc in started:
            try:
                proc.wait_hello(HELLO_TIMEOUT * self.mult)
            except ap.AgentError as e:
                raise SetupError(f"agent for actor {actor.name!r} did not start: {e}")
            if self.res.hello is None:
                self.res.hello = proc.hello
            missing = sorted(sc.agent_ops() - set(proc.hello.get("ops", [])))
            if missing:
                raise Unsupported(f"the agent lacks {', '.join(missing)}")

    def capture_point(self) -> tuple[str, str] | None:
        cap = self.sc.capture
        default = self.network.capture_default()
        if "host" in cap or "iface" in cap:
            host = cap.get("host") or (default[0] if default else "a")
            iface = cap.get("iface") or (default[1] if default and default[0] == host
                                         else "eth0")
            return host, iface
        return default

    # ---- steps
    def steps(self, ctx: refs.Context) -> None:
        for step, sres in zip(self.sc.steps, self.res.steps):
            if time.monotonic() >= self.deadline:
                self.case_timeout(f"before step {step.id!r}")
                return
            if step.actor in self.gone:
                sres.message = f"not run: actor {step.actor!r} is gone"
                continue
            try:
                self.step(step, sres, ctx)
            except refs.RefError as e:
                sres.verdict, sres.message = st.SKIP, f"not run: {e}"

    def case_timeout(self, where: str) -> None:
        if self.res.problem is st.TIMEOUT:
            return
        self.res.problem = st.TIMEOUT
        if self.run_limited:
            self.res.message = f"run timeout reached {where}"
        else:
            self.res.message = f"case timeout ({self.sc.timeout * self.mult:g}s) reached {where}"

    def wait_budget(self, step_timeout: float) -> tuple[float, bool]:
        """Seconds to wait for an answer, and whether the case deadline is what limits it."""
        step_budget = step_timeout * self.mult
        remaining = max(0.0, self.deadline - time.monotonic())
        return min(step_budget, remaining), remaining < step_budget

    def step(self, step: Step, sres: StepResult, ctx: refs.Context) -> None:
        if step.op == "await":
            self.await_step(step, sres, ctx)
        elif step.op in ("spawn", "readline", "wait"):
            self.program_step(step, sres, ctx)
        else:
            self.agent_step(step, sres, ctx)

    def agent_step(self, step: Step, sres: StepResult, ctx: refs.Context) -> None:
        request = {"op": step.op, "sock": step.sock, "file": step.file, "as": step.as_,
                   "args": refs.resolve(step.args, ctx)}
        expect = refs.resolve(step.expect, ctx) if step.expect is not None else None
        sres.request = {k: v for k, v in request.items() if v is not None}
        proc = self.resources["agents"][step.actor]
        try:
            req_id = proc.send(step.op, sock=step.sock, file=step.file, as_=step.as_,
                               args=request["args"])
        except Exception as e:
            self.lost(step.actor, sres, e)
            return
        if step.async_:
            self.pending[step.id] = (req_id, step, sres)
            # Judged at its await; if that never comes (actor gone, case timeout), it
            # stays "not run" rather than passing unanswered.
            sres.verdict, sres.message = st.SKIP, "sent; no answer collected"
            return
        self.collect(step.actor, req_id, step.timeout, expect, step, sres, ctx)

    def await_step(self, step: Step, sres: StepResult, ctx: refs.Context) -> None:
        req_id, origin, ores = self.pending.pop(step.await_step)
        timeout = step.timeout if step.timeout_set else origin.timeout
        spec = step.expect if step.expect is not None else origin.expect
        expect = refs.resolve(spec, ctx) if spec is not None else None
        sres.request = {"await": origin.id}
        sres.awaits = origin.id
        self.collect(origin.actor, req_id, timeout, expect, step, sres, ctx)
        ores.response, ores.verdict = sres.response, sres.verdict
        ores.message = sres.message or "answered"

    def collect(self, actor: str, req_id: int, timeout: float, expect: dict | None,
                step: Step, sres: StepResult, ctx: refs.Context) -> None:
        ap = self.r.env.agentproc
        proc = self.resources["agents"][actor]
        budget, case_limited = self.wait_budget(timeout)
        try:
            response = proc.receive(req_id, budget)
        except ap.AgentTimeout:
            self.timed_out(actor, sres, budget, case_limited, step)
            return
        except Exception as e:
            self.lost(actor, sres, e)
            return
        sres.response = response
        self.judge(response, expect, step, sres, ctx)

    def judge(self, response: dict, expect: dict | None, step: Step, sres: StepResult,
              ctx: refs.Context) -> None:
        j = expect_mod.judge(expect, response, multiplier=self.mult)
        sres.verdict = st.PASS if j.passed else st.FAIL
        sres.message = j.message
        if not j.passed and (response.get("error") or {}).get("type") == "protocol":
            # The agent says the request itself was malformed (unknown handle, missing
            # field): the case could not be run as written, nothing was judged.
            sres.verdict = st.ERROR
            sres.message = f"the agent rejected the request: {j.message}"
        if j.record:
            j.record["step"] = step.id
            sres.record = j.record
            self.res.records.append(j.record)
        if step.save and response.get("ok"):
            for var, path in step.save.items():
                try:
                    ctx.save(var, extract(response.get("result"), path))
                except (KeyError, IndexError, TypeError):
                    sres.verdict = st.FAIL
                    sres.message = (sres.message + "; " if sres.message else "") + \
                        f"cannot save ${var}: the result has no {path}"

    def timed_out(self, actor: str, sres: StepResult, budget: float, case_limited: bool,
                  step: Step) -> None:
        sres.verdict = st.TIMEOUT
        sres.message = f"no answer within {budget:.3g}s; actor {actor!r} killed"
        if case_limited:
            self.case_timeout(f"during step {step.id!r}")
        self.kill(actor)

    def lost(self, actor: str, sres: StepResult, e: Exception) -> None:
        ap = self.r.env.agentproc
        if isinstance(e, ap.AgentProtocolError):
            sres.verdict = st.ERROR
            sres.message = f"protocol violation by {actor!r}: {e}"
        elif isinstance(e, (ap.AgentCrashed, OSError)):
            sres.verdict = st.CRASH
            tail = getattr(e, "stderr_tail", "") or ""
            code = getattr(e, "returncode", None)
            sres.message = f"actor {actor!r} died" + (f" (exit {code})" if code is not None
                                                       else "") + f": {e}" + \
                (f" | stderr: {tail.strip()[-300:]}" if tail.strip() else "")
        else:
            sres.verdict = st.ERROR
            sres.message = f"{type(e).__name__}: {e}"
        self.kill(actor)

    def kill(self, actor: str) -> None:
        self.gone.add(actor)
        for group in ("agents", "programs"):
            proc = self.resources[group].get(actor)
            if proc is not None:
                try:
                    proc.kill()
                except Exception:
                    pass

    def program_step(self, step: Step, sres: StepResult, ctx: refs.Context) -> None:
        ap = self.r.env.agentproc
        args = refs.resolve(step.args, ctx)
        expect = refs.resolve(step.expect, ctx) if step.expect is not None else None
        sres.request = {"op": step.op, "args": args} if args else {"op": step.op}
        actor = self.sc.actors[step.actor]
        budget, case_limited = self.wait_budget(step.timeout)
        t0 = time.monotonic()
        if step.op == "spawn":
            base = self.r.o.impl.program_argv(args["program"])
            if base is None:
                raise Unsupported(f"implementation {self.r.o.impl.name!r} has no program "
                                  f"{args['program']!r}")
            argv = base + [str(a) for a in args.get("argv", [])[1:]]
            stderr = os.path.join(self.log_dir, f"{actor.name}.stderr")
            self.res.logs[actor.name] = stderr
            env = dict(os.environ, **{k: str(v) for k, v in args.get("env", {}).items()}) \
                if args.get("env") else None
            try:
                proc = ap.ProgramProcess.start(self.network.argv(actor.host, argv),
                                               stderr_path=stderr, env=env)
            except Exception as e:
                raise SetupError(f"program {args['program']!r} did not start: {e}")
            self.resources["programs"][actor.name] = proc
            result: Any = None
        else:
            proc = self.resources["programs"].get(actor.name)
            if proc is None:
                sres.verdict, sres.message = st.SKIP, "not run: the program was never spawned"
                return
            try:
                if step.op == "readline":
                    line = proc.readline(budget)
                    result = line.rstrip("\r\n") if isinstance(line, str) else line
                else:
                    code, rest = proc.wait(budget)
                    if code is not None and code < 0:
                        self.res.logs.setdefault(actor.name, "")
                        sres.verdict = st.CRASH
                        sres.message = f"program {actor.name!r} killed by signal {-code}"
                        sres.response = {"ok": True, "result": {"exit": code, "stdout": rest}}
                        self.gone.add(actor.name)
                        return
                    result = {"exit": code, "stdout": rest}
            except ap.AgentTimeout:
                self.timed_out(actor.name, sres, budget, case_limited, step)
                return
            except Exception as e:
                self.lost(actor.name, sres, e)
                return
        response = {"ok": True, "result": result, "elapsed": round(time.monotonic() - t0, 6)}
        sres.response = response
        self.judge(response, expect, step, sres, ctx)


def add_time(timings: dict | None, phase: str, since: float) -> None:
    if timings is not None:
        timings[phase] = timings.get(phase, 0.0) + (time.monotonic() - since)


def teardown(resources: dict, fast: bool = False, timings: dict | None = None) -> None:
    """Close agents, stop the capture, destroy the network, remove temp files.
    Idempotent and never raises: it runs in `finally` and from signal handlers
    (`fast`: kill agents at once instead of letting them close their sockets).
    `timings` receives the seconds spent: capture stop under "capture", the rest
    under "teardown"."""
    t0 = time.monotonic()
    agents = list(resources.get("agents", {}).values())
    close_all = resources.get("close_all")
    if agents and not fast and close_all is not None:
        # Side by side: every agent sees EOF at once and the grace period is shared.
        try:
            close_all(agents, grace=CLOSE_GRACE)
            agents = []
        except Exception:
            pass                          # fall through: close (or kill) one by one
    for proc in agents:
        try:
            if fast:
                proc.kill()
            else:
                proc.close(grace=CLOSE_GRACE)
        except Exception:
            try:
                proc.kill()
            except Exception:
                pass
    resources["agents"] = {}
    for proc in list(resources.get("programs", {}).values()):
        try:
            proc.kill()
        except Exception:
            pass
    resources["programs"] = {}
    cap = resources.get("capture")
    if cap is not None:
        resources["capture"] = None
        add_time(timings, "teardown", t0)
        t0 = time.monotonic()
        try:
            resources.setdefault("captured", []).append(cap.stop())
        except Exception:
            pass
        add_time(timings, "capture", t0)
        t0 = time.monotonic()
    net = resources.get("network")
    if net is not None:
        resources["network"] = None
        try:
            net.destroy()
        except Exception:
            pass
    tmp = resources.get("tmp")
    if tmp:
        resources["tmp"] = None
        shutil.rmtree(tmp, ignore_errors=True)
    add_time(timings, "teardown", t0)


# --------------------------------------------------------------------------- helpers

def extract(value: Any, path: list) -> Any:
    for key in path:
        value = value[key]
    return value


def judge_check(spec: Check, cres: CheckResult, verdict: Any) -> None:
    if verdict.error:
        cres.verdict, cres.message = st.ERROR, f"tshark: {verdict.error}"
        return
    values = verdict.values
    count = verdict.count if verdict.count is not None else (len(values) if values is not None
                                                             else None)
    cres.count, cres.values = count, values
    problems = []
    if spec.count is not None and count != spec.count:
        problems.append(f"{count} packets match, expected {spec.count}")
    if spec.count_min is not None and (count or 0) < spec.count_min:
        problems.append(f"{count} packets match, expected at least {spec.count_min}")
    if spec.count_max is not None and (count or 0) > spec.count_max:
        problems.append(f"{count} packets match, expected at most {spec.count_max}")
    if spec.sequence is not None and not sequence_matches(spec.sequence, values or [], spec.match):
        problems.append(f"sequence {values} does not match {spec.sequence} ({spec.match})")
    cres.verdict = st.FAIL if problems else st.PASS
    cres.message = "; ".join(problems)


def sequence_matches(expected: list[str], values: list[str], mode: str) -> bool:
    if mode == "exact":
        return values == expected
    if mode == "prefix":
        return values[:len(expected)] == expected
    it = iter(values)                     # subsequence: in order, gaps allowed
    return all(any(v == e for v in it) for e in expected)


def address_names(hosts: dict[str, dict]) -> dict[str, str]:
    names = {}
    for host, plan in hosts.items():
        for kind in ("v4", "v6", "ll"):
            if isinstance(plan.get(kind), str):
                names.setdefault(plan[kind], host)
    return names


def safe_name(case_id: str, repeat: int = 0) -> str:
    name = re.sub(r"[^A-Za-z0-9._+-]+", "_", case_id.replace("/", "__").replace(":", "."))
    return f"{name}.r{repeat}" if repeat else name


def first_problem(res: CaseResult) -> str:
    for item in [*res.steps, *res.checks]:
        if item.verdict in st.FAILURES or item.verdict is st.XPASS:
            kind = "step" if isinstance(item, StepResult) else "check"
            return f"{kind} {item.id!r}: {item.verdict.name}: {item.message}"
    return ""
