"""`@host.ifindex` from the implementation: the scope id its own getaddrinfo gives a
link-local address on the host's interface, asked of an agent on that host once the
agents have started (before any step, so that no request of the case is pending on
it). The kernel's interface index is the fallback when no agent there can answer; the
steps that use the reference then say so in their message.

Lazy: only a case that names `@x.ifindex` somewhere asks anything.
"""
from __future__ import annotations

from typing import Any

from ..env.actors import AgentActor
from ..load import refs
from ..model.results import StepResult
from ..model.scenario import Case, Step

QUERY_TIMEOUT = 5.0     # seconds (times the multiplier)


def _strings(value: Any):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def ifindex_hosts(value: Any) -> set[str]:
    """Hosts whose `@host.ifindex` appears anywhere inside value."""
    return {m.group(1) for text in _strings(value) for m in refs.FILTER_HOST.finditer(text)
            if m.group(2) == "ifindex"}


def case_ifindex_hosts(case: Case) -> set[str]:
    sc = case.scenario
    found = ifindex_hosts([[s.args, s.expect] for s in sc.steps])
    found |= ifindex_hosts([c.filter for c in sc.checks]) | ifindex_hosts(case.vars)
    return found


class ScopeIds:
    """The scope ids of one case, host -> int, found by prepare()."""

    def __init__(self, case: Case, multiplier: float):
        self.case = case
        self.multiplier = multiplier
        self.hosts = case_ifindex_hosts(case)
        self.found: dict[str, int] = {}
        self.notes: dict[str, str] = {}     # host -> why the kernel's index was used

    def prepare(self, network: Any, actors: dict) -> None:
        for host in sorted(self.hosts):
            agent = self._agent_on(host, actors)
            if agent is None:
                self.notes[host] = f"no agent on {host} can answer getaddrinfo"
                continue
            try:
                iface = network.address(host, "iface")
                self.found[host] = self._ask(agent, iface)
            except Exception as e:         # any failure: the kernel's index, said so
                self.notes[host] = f"the agent on {host} gave no scope id ({e})"

    def _agent_on(self, host: str, actors: dict) -> AgentActor | None:
        for name, actor in self.case.scenario.actors.items():
            agent = actors.get(name)
            if actor.host != host or not isinstance(agent, AgentActor):
                continue
            ops = agent.hello.get("ops")
            if isinstance(ops, list) and "getaddrinfo" not in ops:
                continue
            return agent
        return None

    def _ask(self, agent: AgentActor, iface: str) -> int:
        args = {"host": f"fe80::1%{iface}", "port": 0, "family": "AF_INET6",
                "type": "SOCK_DGRAM", "proto": 0, "flags": ["AI_NUMERICHOST"]}
        response = agent.answer(agent.request("getaddrinfo", args),
                                QUERY_TIMEOUT * self.multiplier)
        if not response.get("ok"):
            error = response.get("error") or {}
            raise ValueError(f"getaddrinfo answered {error.get('type')} "
                             f"{error.get('errno') or error.get('message') or ''}".strip())
        try:
            scope = response["result"][0][4][3]
        except (KeyError, IndexError, TypeError):
            raise ValueError(f"unexpected getaddrinfo result {response.get('result')!r}")
        if not isinstance(scope, int) or isinstance(scope, bool):
            raise ValueError(f"scope id {scope!r} is not an integer")
        return scope

    def annotate(self, steps: list[Step], results: list[StepResult]) -> None:
        """Say, in the message of every step using a fallen-back @host.ifindex, that it
        is the kernel's interface index."""
        if not self.notes:
            return
        for step, sres in zip(steps, results):
            used = ifindex_hosts([step.args, step.expect]) & set(self.notes)
            for host in sorted(used):
                note = (f"@{host}.ifindex is the kernel's interface index: "
                        f"{self.notes[host]}")
                sres.message = f"{sres.message}; {note}" if sres.message else note
