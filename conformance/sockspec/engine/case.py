"""Executing one case: network, capture, agents, steps, and the teardown that always
follows. Runs in one worker thread from start to end (its work is subprocess I/O); the
thread outlives the agents it starts, as PR_SET_PDEATHSIG requires."""
from __future__ import annotations

import os
import time
from typing import Any

from ..env.actors import ActorError, AgentActor, launch_env
from ..load import refs
from ..model import status as st
from ..model.errors import SetupError, Unsupported
from ..model.paths import REPO, case_file_name
from ..model.results import CaseResult, CheckResult
from ..model.scenario import Case
from . import golden
from .context import RunContext
from .resources import CaseResources, LiveCases, add_time
from .scopeids import ScopeIds
from .steps import StepRunner


class CaseExecution:
    """Everything one case owns while it runs (CaseResources), torn down in `finally`."""

    def __init__(self, ctx: RunContext, case: Case, res: CaseResult, index: int, live: LiveCases):
        self.ctx = ctx
        self.case = case
        self.sc = case.scenario
        self.res = res
        self.index = index
        self.live = live
        self.deadline = time.monotonic() + self.sc.timeout * ctx.multiplier
        self.run_limited = ctx.run_deadline is not None and ctx.run_deadline < self.deadline
        if self.run_limited:
            self.deadline = ctx.run_deadline
        self.resources = CaseResources()
        self.log_dir = os.path.join(ctx.logs_dir, case_file_name(case.id, res.repeat))
        self.scope_ids = ScopeIds(case, ctx.multiplier)     # @host.ifindex (scopeids.py)

    def run(self) -> None:
        self.live.add(self.index, self.resources)
        self.resources.tmp = self.ctx.env.scope.temp_dir()
        refctx = self.reference_context(self.resources.tmp)
        self.res.context = refctx
        try:
            os.makedirs(self.log_dir, exist_ok=True)
            self.setup(refctx)
            self.run_steps(refctx)
        except Unsupported as e:
            self.res.problem, self.res.message = st.UNSUPPORTED, str(e)
        except SetupError as e:
            self.res.problem, self.res.message = st.ERROR, str(e)
        finally:
            self.resources.teardown(timings=self.res.timings)
            self.live.remove(self.index)
            self.keep_capture()

    def reference_context(self, tmp: str) -> refs.Context:
        return refs.Context(vars={**self.case.vars, "tmp": tmp}, hosts=set(self.sc.hosts),
                            family=self.case.family, address=self.address,
                            scenario_vars=set(self.case.vars) - set(refs.BUILTIN_VARS))

    def address(self, host: str, kind: str) -> Any:
        if kind == "ifindex" and host in self.scope_ids.found:
            return self.scope_ids.found[host]
        static = self.sc.hosts.get(host, {})
        if kind in static:
            return static[kind]
        if self.resources.network is None:
            raise refs.RefError(f"@{host}.{kind} is only known once the network exists")
        return self.resources.network.address(host, kind)

    def run_steps(self, refctx: refs.Context) -> None:
        t0 = time.monotonic()
        try:
            StepRunner(self.ctx, self.case, self.res, self.resources, self.deadline,
                       self.run_limited, self.log_dir).run(refctx)
            self.scope_ids.annotate(self.sc.steps, self.res.steps)
            if self.resources.capture is not None:      # the last call's wire reaction
                self.resources.capture.wait_quiet()
            self.res.steps_end_ns = time.time_ns()
        finally:
            add_time(self.res.timings, "steps", t0)

    def keep_capture(self) -> None:
        captured = self.resources.captured
        if self.res.problem in (st.UNSUPPORTED, st.ERROR):
            self.checks_not_run()
        elif captured:
            self.res.captured = captured[0]
        elif self.sc.checks and self.res.problem is None:
            # Checks that cannot be evaluated must not let the case pass.
            self.res.problem = st.ERROR
            self.res.message = "the capture could not be stopped: checks not evaluated"

    def checks_not_run(self) -> None:
        """An UNSUPPORTED case (or one whose set-up broke) has nothing to judge: its
        capture checks and golden comparison are not evaluated, and say so."""
        reason = "unsupported" if self.res.problem is st.UNSUPPORTED else "error"
        why = f"the case is {self.res.problem.name}: {self.res.message}"
        for cres in self.res.checks:
            cres.not_run(reason, why)
        if self.ctx.loopback or not self.sc.golden:
            return
        flow = golden.paths(self.case, self.ctx.options.captures_dir)[1]
        if os.path.exists(flow):
            cres = CheckResult(golden.CHECK_ID, f"normalised flow = {os.path.relpath(flow, REPO)}")
            cres.not_run(reason, why)
            self.res.checks.append(cres)

    # ---- set-up
    def setup(self, refctx: refs.Context) -> None:
        self.create_network(refctx)
        if self.ctx.stopping:                  # interrupted while the network was made
            raise SetupError("the run was interrupted")
        if self.sc.checks:
            self.start_capture()
        t0 = time.monotonic()
        try:
            self.start_agents()
            if self.scope_ids.hosts:
                self.scope_ids.prepare(self.resources.network, self.resources.actors)
        finally:
            add_time(self.res.timings, "agents", t0)

    def topology_settings(self, refctx: refs.Context) -> dict:
        """The scenario's [topology] settings as Network.create's keyword arguments."""
        topo = self.sc.topology
        try:
            filters = [refs.resolve(f, refctx) for f in topo.get("filter", [])]
            neighbours = [refs.resolve(n, refctx) for n in topo.get("neighbour", [])]
            hosts_lines = [f"{refs.resolve(h['address'], refctx)} {' '.join(h['names'])}"
                           for h in topo.get("hosts", [])]
        except refs.RefError as e:
            raise SetupError(f"topology: {e}")
        services_lines = [f"{s['name']} {s['port']}/{s['proto']} "
                          f"{' '.join(s.get('aliases', []))}".rstrip()
                          for s in topo.get("services", [])]
        return dict(mtu=topo.get("mtu", 1500), sysctl=topo.get("sysctl") or None,
                    filters=filters or None, neighbours=neighbours or None,
                    hosts_lines=hosts_lines or None, services_lines=services_lines or None,
                    hostnames=topo.get("hostname") or None)

    def template(self) -> str:
        return "loopback" if self.ctx.loopback else self.sc.template

    def create_network(self, refctx: refs.Context) -> None:
        settings = self.topology_settings(refctx)
        template = self.template()
        t0 = time.monotonic()
        try:
            self.resources.network = self.ctx.env.create_network(
                template, tag=self.ctx.env.scope.case_tag(self.index), **settings)
        except Exception as e:
            raise SetupError(f"network {template!r} could not be created: {e}")
        finally:
            add_time(self.res.timings, "netns", t0)

    def capture_point(self) -> tuple[str, str] | None:
        cap = self.sc.capture
        default = self.resources.network.capture_default()
        if "host" in cap or "iface" in cap:
            host = cap.get("host") or (default[0] if default else "a")
            iface = cap.get("iface") or (default[1] if default and default[0] == host
                                         else "eth0")
            return host, iface
        return default

    def start_capture(self) -> None:
        where = self.capture_point()
        if where is None:
            raise Unsupported(f"no capture point in topology {self.template()!r}")
        t0 = time.monotonic()
        try:
            self.resources.capture = self.ctx.env.start_capture(self.resources.network, *where)
        except Exception as e:
            raise SetupError(f"capture on {where[0]}/{where[1]} failed: {e}")
        finally:
            add_time(self.res.timings, "capture", t0)

    def start_agents(self) -> None:
        """One agent per agent actor, started side by side: every process is launched
        first, then each hello is awaited, so their start-up times overlap."""
        started = [self.launch_agent(actor) for actor in self.sc.actors.values()
                   if actor.kind == "agent"]
        for agent in started:
            try:
                agent.wait_ready(self.ctx.hello_timeout)
            except ActorError as e:
                raise SetupError(f"agent for actor {agent.name!r} did not start: {e}")
            if self.res.hello is None:
                self.res.hello = agent.hello
            ops = agent.hello.get("ops")      # not declared: every op (admission)
            missing = sorted(self.sc.agent_ops() - set(ops)) if isinstance(ops, list) else []
            if missing:
                raise Unsupported(f"the agent lacks {', '.join(missing)}")

    def launch_agent(self, actor: Any) -> AgentActor:
        stderr = os.path.join(self.log_dir, f"{actor.name}.stderr")
        self.res.logs[actor.name] = stderr
        argv = self.resources.network.argv(actor.host, list(self.ctx.options.impl.agent))
        try:
            env = launch_env("agent", self.ctx.env.scope, case=self.case.id, host=actor.host,
                             network=self.resources.network)   # the launcher contract
            agent = self.ctx.env.launcher.start_agent(actor.name, argv, stderr_path=stderr,
                                                      env=env)
        except ActorError as e:
            raise SetupError(f"agent for actor {actor.name!r} did not start: {e}")
        self.resources.actors[actor.name] = agent
        return agent
