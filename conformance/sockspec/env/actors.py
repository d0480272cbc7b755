"""Actors: what a case's steps talk to, agents and example programs alike.

The case execution starts actors through a Launcher and then only ever sends a step
(`request`), waits for its answer (`answer`), and ends the actor (`kill`, `close`).
An agent answers with its protocol's response lines; a program's `readline` and `wait`
are answered by the harness with responses shaped like an agent's (`ok`, `result`,
`elapsed` measured here), so that one judging path serves both.

Failures are the process layer's exceptions under actor names: ActorTimeout (no answer
in time), ActorDied (exited, killed, closed its pipe: `returncode`, `stderr_tail`),
ActorProtocolError (a line that is not the protocol), all ActorError.
"""

from __future__ import annotations

import os
import time
from typing import Any

from . import agentproc, cleanup

ActorError = agentproc.AgentError
ActorTimeout = agentproc.AgentTimeout
ActorDied = agentproc.AgentCrashed
ActorProtocolError = agentproc.AgentProtocolError


class Actor:
    """One running agent or program of a case."""

    kind = "actor"

    def __init__(self, name: str, process: Any):
        self.name = name
        self.process = process

    @property
    def stderr_path(self) -> str:
        return self.process.stderr_path

    def request(self, op: str, args: dict | None, *, sock: str | None = None,
                file: str | None = None, as_: Any = None) -> int:
        """Send one step; returns the ticket its answer is collected with."""
        raise NotImplementedError

    def answer(self, ticket: int, timeout: float) -> dict:
        """The response to a request: {"ok", "result" | "error", "elapsed"}."""
        raise NotImplementedError

    def kill(self) -> None:
        self.process.kill()

    def close(self, grace: float) -> None:
        self.process.close(grace=grace)

    def alive(self) -> bool:
        return self.process.returncode is None


class AgentActor(Actor):
    """An agent: requests go out as protocol lines, answers are its response lines."""

    kind = "agent"

    @property
    def hello(self) -> dict:
        return self.process.hello

    def wait_ready(self, timeout: float) -> dict:
        """Read and check the hello line; the agent is killed if that fails."""
        return self.process.wait_hello(timeout)

    def request(self, op, args, *, sock=None, file=None, as_=None) -> int:
        return self.process.send(op, sock=sock, file=file, as_=as_, args=args)

    def answer(self, ticket: int, timeout: float) -> dict:
        return self.process.receive(ticket, timeout)


class ProgramActor(Actor):
    """An example program: `readline` and `wait` are its only operations, answered
    from its stdout and exit status."""

    kind = "program"
    OPS = ("readline", "wait")

    def __init__(self, name: str, process: Any):
        super().__init__(name, process)
        self._pending: dict[int, str] = {}
        self._next = 1

    def request(self, op, args, *, sock=None, file=None, as_=None) -> int:
        if op not in self.OPS:
            raise ValueError(f"a program has no operation {op!r}")
        ticket, self._next = self._next, self._next + 1
        self._pending[ticket] = op
        return ticket

    def answer(self, ticket: int, timeout: float) -> dict:
        op = self._pending.pop(ticket)
        t0 = time.monotonic()
        if op == "readline":
            line = self.process.readline(timeout)
            result: Any = line.rstrip("\r\n") if isinstance(line, str) else line
        else:
            code, rest = self.process.wait(timeout)
            result = {"exit": code, "stdout": rest}
        return {"ok": True, "result": result, "elapsed": round(time.monotonic() - t0, 6)}

    def close(self, grace: float) -> None:
        self.process.kill()          # a program is not asked: its part is over


# --- the launcher contract (docs/agent-protocol.md, "Launchers") ---------------------------
# Every agent and program command is started with these variables, so that a command that
# runs the implementation somewhere else (a sandbox, an emulator) knows what it serves.
# Plain agents ignore them. Stale values inherited from the harness's own environment are
# dropped first: an absent SOCKSPEC_NETNS must mean "no namespace".
CONTRACT_VARS = ("SOCKSPEC_ROLE", "SOCKSPEC_RUN", "SOCKSPEC_CASE", "SOCKSPEC_HOST",
                 "SOCKSPEC_NETNS", "SOCKSPEC_STATE")


def launch_env(role: str, scope: Any, *, case: str | None = None, host: str | None = None,
               network: Any = None, base: dict | None = None) -> dict:
    """The environment for one agent or program: base (default: the harness's) plus the
    contract's variables. role is "probe" (the run's hello probe, outside any test
    network), "agent" or "program"; SOCKSPEC_NETNS is the host's namespace file when the
    network has one (absent in loopback mode)."""
    env = {k: v for k, v in (os.environ if base is None else base).items()
           if k not in CONTRACT_VARS}
    env.update(SOCKSPEC_ROLE=role, SOCKSPEC_RUN=scope.tag, SOCKSPEC_STATE=scope.state_dir())
    if case is not None:
        env["SOCKSPEC_CASE"] = case
    if host is not None:
        env["SOCKSPEC_HOST"] = host
        ns = network.namespace(host) if hasattr(network, "namespace") else None
        if ns:
            env["SOCKSPEC_NETNS"] = os.path.join(cleanup.NETNS_DIR, ns)   # netns.netns_path
    return env


class Launcher:
    """Starts actors. Agents are started without waiting for their hello, so that
    several start side by side (AgentActor.wait_ready collects it)."""

    def start_agent(self, name: str, argv: list[str], *, stderr_path: str,
                    env: dict | None = None) -> AgentActor:
        process = agentproc.AgentProcess.start(argv, stderr_path=stderr_path, wait_hello=False,
                                               env=env)
        return AgentActor(name, process)

    def start_program(self, name: str, argv: list[str], *, stderr_path: str,
                      env: dict | None = None) -> ProgramActor:
        process = agentproc.ProgramProcess.start(argv, stderr_path=stderr_path, env=env)
        return ProgramActor(name, process)


def close_all(actors: list[Actor], grace: float) -> None:
    """End every actor: agents get EOF all at once and share one grace period, then
    anything still running is killed. Never raises."""
    agents = [a.process for a in actors if isinstance(a, AgentActor)]
    try:
        agentproc.close_all(agents, grace=grace)
    except Exception:
        pass                          # killed below
    for actor in actors:
        try:
            actor.kill()
        except Exception:
            pass
