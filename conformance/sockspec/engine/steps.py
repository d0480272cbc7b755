"""Running a case's steps against its actors and judging each answer.

Every step goes to an actor (env/actors.py) the same way: `request`, then `answer`
within the step's budget (its timeout times the multiplier, never past the case or run
deadline). An `async` step's answer is collected by its `await`. A `spawn` step starts
a program actor. A step timeout kills the actor (TIMEOUT); a dead actor is CRASH; a line
that is not the protocol is ERROR.

No cascades (docs/harness.md, Not-run steps): a step that depends on one that failed or
was not run - its handle was never made, its actor failed, the step it awaits was never
sent, a variable it uses was never saved - is not sent; it is marked not run. An
`unsupported` answer the step's expect does not permit ends the case at once: it is
UNSUPPORTED, every remaining step is not run, and actors still owing an answer are
killed (nobody waits for an answer that cannot come).
"""
from __future__ import annotations

import json
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


def permits_unsupported(expect: dict | None) -> bool:
    """Whether an `unsupported` answer is one of the outcomes `expect` permits."""
    if not expect:
        return False
    if "error" in expect:
        wanted = expect["error"] if isinstance(expect["error"], list) else [expect["error"]]
        return "unsupported" in wanted
    return expect.get("ok") is False


def describe_request(op: str, args: dict | None) -> str:
    """`shutdown how=SHUT_RD`: the operation and its arguments, short."""
    parts = [op]
    for key, value in (args or {}).items():
        text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
        parts.append(f"{key}={text if len(text) <= 40 else text[:37] + '...'}")
    return " ".join(parts)


def error_type(response: dict | None) -> str | None:
    if not response or response.get("ok"):
        return None
    return (response.get("error") or {}).get("type")


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
        self.results = {s.id: r for s, r in zip(self.sc.steps, res.steps)}
        # actor -> (why it takes no more steps, the step it happened at)
        self.gone: dict[str, tuple[str, str | None]] = {}
        self.pending: dict[str, tuple[Actor, int, Step, StepResult]] = {}
        # (actor, handle) -> None once made; (why not, the step at fault) when the step
        # that was to make it failed or was not run
        self.handles: dict[tuple[str, str], tuple[str, str] | None] = {}
        self.failed: list[str] = []        # steps that failed, in order
        self.cascaded: list[str] = []      # steps not run because of a failure
        self.stopped: tuple[str, str] | None = None   # (reason, why): the case ended early
        self.seq = 0

    # ---- the sequence
    def run(self, refctx: refs.Context) -> None:
        pairs = list(zip(self.sc.steps, self.res.steps))
        for i, (step, sres) in enumerate(pairs):
            if self.stopped is not None:
                sres.not_run(*self.stopped)
                continue
            if time.monotonic() >= self.deadline:
                self.case_timeout(f"before step {step.id!r}")
                for _, rest in pairs[i:]:
                    rest.not_run("deadline", self.res.message)
                break
            blocked = self.blocked(step)
            if blocked is not None:
                sres.not_run(*blocked)
            else:
                try:
                    self.step(step, sres, refctx)
                except refs.RefError as e:
                    self.unresolved(sres, e)
                except Unsupported as e:
                    sres.verdict, sres.message = st.UNSUPPORTED, f"unsupported: {e}"
                    self.stop(st.UNSUPPORTED, "unsupported", f"{sres.message} (step {step.id!r})")
                except SetupError as e:
                    sres.verdict, sres.message = st.ERROR, str(e)
                    self.stop(st.ERROR, "error", f"{e} (step {step.id!r})")
            self.settled(step, sres)
        self.abandon_pending("the steps ended before it was awaited")

    def step(self, step: Step, sres: StepResult, refctx: refs.Context) -> None:
        if step.op == "await":
            self.await_step(step, sres, refctx)
        elif step.op == "spawn":
            self.spawn_step(step, sres, refctx)
        else:
            self.request_step(step, sres, refctx)

    def blocked(self, step: Step) -> tuple[str, str, str | None] | None:
        """(reason, why, cause) when the step depends on one that failed or was not
        run: it is then not sent (docs/harness.md, Not-run steps)."""
        if step.op == "await":
            origin = step.await_step
            if origin not in self.pending:
                return "cascade", f"step {origin!r}, which it awaits, was not run", \
                    self.results[origin].cause or origin
            actor = self.pending[origin][0].name
            if actor in self.gone:
                why, cause = self.gone[actor]
                _, _, _, ores = self.pending.pop(origin)
                ores.not_run("abandoned", f"sent; actor {actor!r} {why} before the answer "
                             "was collected", cause)
                return "cascade", f"actor {actor!r} {why}", cause
            return None
        if step.actor in self.gone:
            why, cause = self.gone[step.actor]
            return "cascade", f"actor {step.actor!r} {why}", cause
        for handle in (step.sock, step.file):
            broken = self.handles.get((step.actor, handle)) if handle else None
            if broken is not None:
                return "cascade", broken[0], broken[1]
        return None

    def settled(self, step: Step, sres: StepResult) -> None:
        """Book-keeping once a step's verdict is known (or it was not run): the order of
        events (first cause), failures, and the handles it was to make."""
        sres.seq = self.seq
        self.seq += 1
        if sres.verdict in st.FAILURES:
            self.failed.append(step.id)
        elif sres.reason == "cascade":
            self.cascaded.append(step.id)
        if step.op == "await":
            origin = next(s for s in self.sc.steps if s.id == step.await_step)
            ores = self.results[origin.id]
            ores.seq = sres.seq
            self.made(origin, ores)
        elif not (step.async_ and step.id in self.pending):
            self.made(step, sres)

    def made(self, step: Step, sres: StepResult) -> None:
        if step.as_ is None or step.actor is None:
            return
        names = step.as_ if isinstance(step.as_, list) else [step.as_]
        response = sres.response
        if response is not None and response.get("ok"):
            state = None
        else:
            if sres.reason is not None:
                what = "was not run"
            elif response is None:
                what = f"got no answer ({sres.verdict.name})"
            else:
                what = f"answered {expect_mod.describe(response)}"
            cause = sres.cause if sres.reason == "cascade" and sres.cause else step.id
            state = (f"step {step.id!r}, which was to make its handle, {what}", cause)
        for name in names:
            self.handles[(step.actor, name)] = state

    def stop(self, status: st.Status, reason: str, why: str) -> None:
        """End the case now (an unsupported answer, a harness failure): every remaining
        step is not run, and actors that owe an answer are killed at once."""
        self.stopped = (reason, f"the case ended at an earlier step: {why}")
        if self.res.problem is None:
            self.res.problem, self.res.message = status, why
            self.res.problem_seq = self.seq
        self.abandon_pending(why)

    def abandon_pending(self, why: str) -> None:
        """Async requests nobody will collect: their actors are killed, so that neither
        the steps nor the teardown wait for an answer that cannot come."""
        pending, self.pending = list(self.pending.values()), {}
        for actor, _, origin, ores in pending:
            ores.not_run("abandoned", f"sent; its answer was abandoned: {why}")
            if self.stopped is not None or self.failed or self.cascaded \
                    or self.res.problem is not None:
                self.kill(actor.name, f"was killed with a request pending ({why})", origin.id)

    def unresolved(self, sres: StepResult, e: refs.RefError) -> None:
        earlier = (self.failed or self.cascaded)[:1]
        if earlier:
            sres.not_run("cascade", f"{e} (after step {earlier[0]!r} failed)", earlier[0])
        else:
            sres.not_run("reference", str(e))

    def case_timeout(self, where: str) -> None:
        if self.res.problem is st.TIMEOUT:
            return
        self.res.problem = st.TIMEOUT
        self.res.problem_seq = self.seq
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
        actor = self.resources.actors.get(step.actor)
        if self.sc.actors[step.actor].kind == "agent":
            request = {"op": step.op, "sock": step.sock, "file": step.file, "as": step.as_,
                       "args": step.args}
            sres.request = {k: v for k, v in request.items() if v is not None}
        else:
            sres.request = {"op": step.op, "args": step.args} if step.args else {"op": step.op}
        args = refs.resolve(step.args, refctx)
        expect = refs.resolve(step.expect, refctx) if step.expect is not None else None
        if "args" in sres.request:
            sres.request["args"] = args
        if actor is None:
            spawn = next((s.id for s in self.sc.steps if s.op == "spawn"
                          and s.actor == step.actor), None)
            sres.not_run("cascade", f"program {step.actor!r} was never spawned", spawn)
            return
        if step.optional and step.op not in (getattr(actor, "hello", None) or {}).get(
                "ops", [step.op]):
            return self.skip_optional(step, sres, f"the agent lacks {step.op}")
        try:
            ticket = actor.request(step.op, args, sock=step.sock, file=step.file, as_=step.as_)
        except Exception as e:
            self.lost(step.actor, sres, e, step)
            return
        if step.async_:
            self.pending[step.id] = (actor, ticket, step, sres)
            # Judged at its await; if that never comes (actor gone, case ended), it is
            # marked abandoned rather than passing unanswered.
            sres.verdict, sres.message = st.SKIP, "sent; no answer collected"
            return
        response = self.collect(actor, ticket, step.timeout, step, sres)
        if response is not None:
            self.judge(response, expect, step, sres, refctx)

    def await_step(self, step: Step, sres: StepResult, refctx: refs.Context) -> None:
        actor, ticket, origin, ores = self.pending.pop(step.await_step)
        timeout = step.timeout if step.timeout_set else origin.timeout
        spec = step.expect if step.expect is not None else origin.expect
        sres.request = {"await": origin.id}
        sres.awaits = origin.id
        unresolved = None
        try:
            expect = refs.resolve(spec, refctx) if spec is not None else None
        except refs.RefError as e:        # the answer is still read: the stream stays in step
            expect, unresolved = None, e
        response = self.collect(actor, ticket, timeout, step, sres)
        if response is not None:
            if unresolved is not None:
                self.unresolved(sres, unresolved)
            else:
                self.judge(response, expect, step, sres, refctx)
        ores.response, ores.verdict = sres.response, sres.verdict
        ores.reason, ores.cause = sres.reason, sres.cause
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
    def collect(self, actor: Actor, ticket: int, timeout: float, step: Step,
                sres: StepResult) -> dict | None:
        """The answer, or None when there is none (timeout, death: already judged)."""
        budget, case_limited = self.wait_budget(timeout)
        try:
            response = actor.answer(ticket, budget)
        except ActorTimeout:
            self.timed_out(actor.name, sres, budget, case_limited, step)
            return None
        except Exception as e:
            self.lost(actor.name, sres, e, step)
            return None
        sres.response = response
        if self.killed_by_signal(actor, step, sres):
            return None
        return response

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
        self.gone[actor.name] = (f"was killed by signal {-code} at step {step.id!r}", step.id)
        return True

    def judge(self, response: dict, expect: dict | None, step: Step, sres: StepResult,
              refctx: refs.Context) -> None:
        if step.optional and (response.get("error") or {}).get("type") == "unsupported":
            return self.skip_optional(step, sres, f"the agent answered unsupported to {step.op}")
        kind = error_type(response)
        if kind == "unsupported" and not permits_unsupported(expect):
            self.unsupported(response, step, sres)
            return
        j = expect_mod.judge(expect, response, multiplier=self.ctx.multiplier)
        if not j.passed and kind == "protocol":
            self.protocol_answer(response, sres)
            return
        sres.verdict = st.PASS if j.passed else st.FAIL
        sres.message = j.message
        if j.record:
            j.record["step"] = step.id
            sres.record = j.record
            self.res.records.append(j.record)
        if step.save and response.get("ok"):
            self.save(step, sres, response, refctx)

    def skip_optional(self, step: Step, sres: StepResult, why: str) -> None:
        sres.verdict, sres.message = st.SKIP, f"skipped (optional): {why}"
        self.res.skipped.append(f"{step.id}: {why}")
    def unsupported(self, response: dict, step: Step, sres: StepResult) -> None:
        """The implementation lacks what the step uses: the case is UNSUPPORTED."""
        request = self.results[step.await_step].request if step.op == "await" \
            else sres.request
        request = request or {}
        text = (response.get("error") or {}).get("message") or "no message"
        sres.verdict = st.UNSUPPORTED
        sres.message = (f"unsupported: {describe_request(request.get('op', step.op), request.get('args'))}"
                        f": {text}")
        self.stop(st.UNSUPPORTED, "unsupported", f"{sres.message} (step {step.id!r})")

    def protocol_answer(self, response: dict, sres: StepResult) -> None:
        """The agent found the request malformed. After an earlier failure the request
        was a cascade the harness should not have sent (an unknown handle): not run.
        Otherwise the agent refused a request of the catalog: the step fails."""
        text = (response.get("error") or {}).get("message") or "no message"
        earlier = (self.failed or self.cascaded)[:1]
        if earlier:
            sres.not_run("cascade", f"the agent rejected the request ({text}) after step "
                         f"{earlier[0]!r} failed", earlier[0])
        else:
            sres.verdict = st.FAIL
            sres.message = f"protocol: the agent rejected the request as malformed: {text}"

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
        self.kill(actor, f"timed out at step {step.id!r}", step.id)

    def lost(self, actor: str, sres: StepResult, e: Exception, step: Step) -> None:
        if isinstance(e, ActorProtocolError):
            sres.verdict = st.ERROR
            sres.message = f"protocol violation by {actor!r}: {e}"
            why = "broke the protocol"
        elif isinstance(e, ActorDied):
            sres.verdict, sres.message = st.CRASH, death_message(actor, e)
            why = "died"
        elif isinstance(e, OSError):      # its pipe broke under us
            sres.verdict, sres.message = st.CRASH, f"actor {actor!r} died: {e}"
            why = "died"
        else:
            sres.verdict = st.ERROR
            sres.message = f"{type(e).__name__}: {e}"
            why = "was lost to a harness error"
        self.kill(actor, f"{why} at step {step.id!r}", step.id)

    def kill(self, name: str, why: str, cause: str | None) -> None:
        self.gone.setdefault(name, (why, cause))
        actor = self.resources.actors.get(name)
        if actor is not None:
            try:
                actor.kill()
            except Exception:
                pass
