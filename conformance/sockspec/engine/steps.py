"""Running a case's steps against its actors and judging each answer.

Every step goes to an actor (env/actors.py) the same way: `request`, then `answer`
within the step's budget (its timeout times the multiplier, never past the case or run
deadline). An `async` step's answer is collected by its `await`. A `spawn` step starts
a program actor. A step timeout kills the actor (TIMEOUT); a dead actor is CRASH; a line
that is not the protocol is ERROR; the actor's later steps are not run.
"""
from __future__ import annotations

import os
import time
from typing import Any

from ..env.actors import (Actor, ActorDied, ActorProtocolError, ActorTimeout, ProgramActor,
                          launch_env)
from ..load import refs
from ..model import status as st
from ..model.errors import SetupError, Unsupported
from ..model.results import CaseResult, StepResult
from ..model.scenario import Case, Step
from . import expect as expect_mod
from .context import RunContext
from .resources import CaseResources


def extract(value: Any, path: list) -> Any:
    for key in path:
        value = value[key]
    return value


def death_message(actor: str, e: ActorDied) -> str:
    tail = (e.stderr_tail or "").strip()
    return (f"actor {actor!r} died" + (f" (exit {e.returncode})" if e.returncode is not None
                                       else "")
            + f": {e}" + (f" | stderr: {tail[-300:]}" if tail else ""))


class StepRunner:
    """The steps of one case, in order, with the case's deadline."""

    def __init__(self, ctx: RunContext, case: Case, res: CaseResult, resources: CaseResources,
                 deadline: float, run_limited: bool, log_dir: str):
        self.ctx = ctx
        self.sc = case.scenario
        self.res = res
        self.resources = resources
        self.deadline = deadline
        self.run_limited = run_limited     # the run deadline comes before the case's own
        self.log_dir = log_dir
        self.gone: set[str] = set()
        self.pending: dict[str, tuple[Actor, int, Step, StepResult]] = {}

    # ---- the sequence
    def run(self, refctx: refs.Context) -> None:
        for step, sres in zip(self.sc.steps, self.res.steps):
            if time.monotonic() >= self.deadline:
                self.case_timeout(f"before step {step.id!r}")
                return
            if step.actor in self.gone:
                sres.message = f"not run: actor {step.actor!r} is gone"
                continue
            try:
                self.step(step, sres, refctx)
            except refs.RefError as e:
                sres.verdict, sres.message = st.SKIP, f"not run: {e}"

    def step(self, step: Step, sres: StepResult, refctx: refs.Context) -> None:
        if step.op == "await":
            self.await_step(step, sres, refctx)
        elif step.op == "spawn":
            self.spawn_step(step, sres, refctx)
        else:
            self.request_step(step, sres, refctx)

    def case_timeout(self, where: str) -> None:
        if self.res.problem is st.TIMEOUT:
            return
        self.res.problem = st.TIMEOUT
        if self.run_limited:
            self.res.message = f"run timeout reached {where}"
        else:
            self.res.message = (f"case timeout ({self.sc.timeout * self.ctx.multiplier:g}s) "
                                f"reached {where}")

    def wait_budget(self, step_timeout: float) -> tuple[float, bool]:
        """Seconds to wait for an answer, and whether the case deadline is what limits it."""
        step_budget = step_timeout * self.ctx.multiplier
        remaining = max(0.0, self.deadline - time.monotonic())
        return min(step_budget, remaining), remaining < step_budget

    # ---- the kinds of step
    def request_step(self, step: Step, sres: StepResult, refctx: refs.Context) -> None:
        args = refs.resolve(step.args, refctx)
        expect = refs.resolve(step.expect, refctx) if step.expect is not None else None
        actor = self.resources.actors.get(step.actor)
        if self.sc.actors[step.actor].kind == "agent":
            request = {"op": step.op, "sock": step.sock, "file": step.file, "as": step.as_,
                       "args": args}
            sres.request = {k: v for k, v in request.items() if v is not None}
        else:
            sres.request = {"op": step.op, "args": args} if args else {"op": step.op}
        if actor is None:
            sres.verdict, sres.message = st.SKIP, "not run: the program was never spawned"
            return
        try:
            ticket = actor.request(step.op, args, sock=step.sock, file=step.file, as_=step.as_)
        except Exception as e:
            self.lost(step.actor, sres, e)
            return
        if step.async_:
            self.pending[step.id] = (actor, ticket, step, sres)
            # Judged at its await; if that never comes (actor gone, case timeout), it
            # stays "not run" rather than passing unanswered.
            sres.verdict, sres.message = st.SKIP, "sent; no answer collected"
            return
        self.collect(actor, ticket, step.timeout, expect, step, sres, refctx)

    def await_step(self, step: Step, sres: StepResult, refctx: refs.Context) -> None:
        actor, ticket, origin, ores = self.pending.pop(step.await_step)
        timeout = step.timeout if step.timeout_set else origin.timeout
        spec = step.expect if step.expect is not None else origin.expect
        expect = refs.resolve(spec, refctx) if spec is not None else None
        sres.request = {"await": origin.id}
        sres.awaits = origin.id
        self.collect(actor, ticket, timeout, expect, step, sres, refctx)
        ores.response, ores.verdict = sres.response, sres.verdict
        ores.message = sres.message or "answered"

    def spawn_step(self, step: Step, sres: StepResult, refctx: refs.Context) -> None:
        args = refs.resolve(step.args, refctx)
        expect = refs.resolve(step.expect, refctx) if step.expect is not None else None
        sres.request = {"op": step.op, "args": args} if args else {"op": step.op}
        t0 = time.monotonic()
        self.resources.actors[step.actor] = self.start_program(self.sc.actors[step.actor], args)
        response = {"ok": True, "result": None, "elapsed": round(time.monotonic() - t0, 6)}
        sres.response = response
        self.judge(response, expect, step, sres, refctx)

    def start_program(self, actor: Any, args: dict) -> ProgramActor:
        impl = self.ctx.options.impl
        base = impl.program_argv(args["program"])
        if base is None:
            raise Unsupported(f"implementation {impl.name!r} has no program {args['program']!r}")
        argv = base + [str(a) for a in args.get("argv", [])[1:]]
        stderr = os.path.join(self.log_dir, f"{actor.name}.stderr")
        self.res.logs[actor.name] = stderr
        env = launch_env("program", self.ctx.env.scope, case=self.res.case.id, host=actor.host,
                         network=self.resources.network)   # the launcher contract
        env.update({k: str(v) for k, v in args.get("env", {}).items()})
        try:
            return self.ctx.env.launcher.start_program(
                actor.name, self.resources.network.argv(actor.host, argv), stderr_path=stderr,
                env=env)
        except Exception as e:
            raise SetupError(f"program {args['program']!r} did not start: {e}")

    # ---- answers
    def collect(self, actor: Actor, ticket: int, timeout: float, expect: dict | None,
                step: Step, sres: StepResult, refctx: refs.Context) -> None:
        budget, case_limited = self.wait_budget(timeout)
        try:
            response = actor.answer(ticket, budget)
        except ActorTimeout:
            self.timed_out(actor.name, sres, budget, case_limited, step)
            return
        except Exception as e:
            self.lost(actor.name, sres, e)
            return
        sres.response = response
        if self.killed_by_signal(actor, step, sres):
            return
        self.judge(response, expect, step, sres, refctx)

    def killed_by_signal(self, actor: Actor, step: Step, sres: StepResult) -> bool:
        """A program whose exit status is a signal crashed, whatever its step expected."""
        if not isinstance(actor, ProgramActor) or step.op != "wait":
            return False
        code = sres.response["result"]["exit"]
        if code is None or code >= 0:
            return False
        self.res.logs.setdefault(actor.name, "")
        sres.verdict = st.CRASH
        sres.message = f"program {actor.name!r} killed by signal {-code}"
        self.gone.add(actor.name)
        return True

    def judge(self, response: dict, expect: dict | None, step: Step, sres: StepResult,
              refctx: refs.Context) -> None:
        j = expect_mod.judge(expect, response, multiplier=self.ctx.multiplier)
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
            self.save(step, sres, response, refctx)

    @staticmethod
    def save(step: Step, sres: StepResult, response: dict, refctx: refs.Context) -> None:
        for var, path in step.save.items():
            try:
                refctx.save(var, extract(response.get("result"), path))
            except (KeyError, IndexError, TypeError):
                sres.verdict = st.FAIL
                sres.message = (sres.message + "; " if sres.message else "") + \
                    f"cannot save ${var}: the result has no {path}"

    # ---- actors that fail
    def timed_out(self, actor: str, sres: StepResult, budget: float, case_limited: bool,
                  step: Step) -> None:
        sres.verdict = st.TIMEOUT
        sres.message = f"no answer within {budget:.3g}s; actor {actor!r} killed"
        if case_limited:
            self.case_timeout(f"during step {step.id!r}")
        self.kill(actor)

    def lost(self, actor: str, sres: StepResult, e: Exception) -> None:
        if isinstance(e, ActorProtocolError):
            sres.verdict = st.ERROR
            sres.message = f"protocol violation by {actor!r}: {e}"
        elif isinstance(e, ActorDied):
            sres.verdict, sres.message = st.CRASH, death_message(actor, e)
        elif isinstance(e, OSError):      # its pipe broke under us
            sres.verdict, sres.message = st.CRASH, f"actor {actor!r} died: {e}"
        else:
            sres.verdict = st.ERROR
            sres.message = f"{type(e).__name__}: {e}"
        self.kill(actor)

    def kill(self, name: str) -> None:
        self.gone.add(name)
        actor = self.resources.actors.get(name)
        if actor is not None:
            try:
                actor.kill()
            except Exception:
                pass
