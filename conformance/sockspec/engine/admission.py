"""Whether a case runs at all: the run deadline, an interruption, disabling records,
loopback mode, the harness machine's requirements, programs and what the implementation
declares (its hello, merged with impls.toml, and the platform probe) decide SKIP or
UNSUPPORTED before anything is built.

Two kinds of requirement, judged in two places:
* harness requirements (`netns`, `capture`, `ipv6`, `programs`) are about the machine
  the harness builds networks on: env/requirements.py answers them;
* platform requirements (`linux`, `af_unix`, `abstract`, `raw`, `root`, and
  `kernel_settings` for a case whose topology sets sysctls) are about the
  implementation: its hello (`runtime.os`, `capabilities.platform`), impls.toml's
  `platform`, and where neither says, the probe run through the agent
  (`probe_platform`). Never the harness machine.
"""
from __future__ import annotations

import time

from ..load import expectations as expectations_mod
from ..load import needs as needs_mod
from ..model import status as st
from ..model.errors import Unsupported
from ..model.scenario import Case
from .context import RunContext

HARNESS_REQUIREMENTS = ("netns", "capture", "ipv6", "programs")
PROBE_NAME = "sockspec-probe"     # the abstract AF_UNIX name the probe binds (+ pid)


def refusal(ctx: RunContext, case: Case) -> tuple[st.Status, str] | None:
    """(SKIP or UNSUPPORTED, why) when the case is not to be run, else None."""
    detail = refusal_detail(ctx, case)
    return (detail[0], detail[1]) if detail else None


def refusal_detail(ctx: RunContext, case: Case
                   ) -> tuple[st.Status, str, list[str]] | None:
    """(status, why, the implementation's missing things) or None."""
    if ctx.run_deadline is not None and time.monotonic() >= ctx.run_deadline:
        return st.SKIP, "not started: the run timeout was reached", []
    if ctx.stopping:
        return st.SKIP, "not started: the run was interrupted", []
    disabled = [r for r in expectations_mod.find(ctx.options.records, case, ctx.run_info)
                if r.step is None and st.SKIP in r.statuses]
    if disabled:
        return st.SKIP, f"disabled by {disabled[0].where()}: {disabled[0].reason}", []
    try:
        check_harness(ctx, case)
    except Unsupported as e:
        return st.UNSUPPORTED, str(e), []
    lacking = implementation_missing(ctx, case)
    if lacking:
        return st.UNSUPPORTED, "missing: " + "; ".join(grouped(lacking)), lacking
    return None


def check_supported(ctx: RunContext, case: Case) -> None:
    """Raise Unsupported when the harness machine or the implementation cannot run it."""
    check_harness(ctx, case)
    lacking = implementation_missing(ctx, case)
    if lacking:
        raise Unsupported("missing: " + "; ".join(grouped(lacking)))


def check_harness(ctx: RunContext, case: Case) -> None:
    sc = case.scenario
    loopback = ctx.loopback
    if loopback and sc.template != "single":
        raise Unsupported(f"topology {sc.template!r} needs network namespaces "
                          f"(loopback mode runs only 'single' scenarios)")
    settings = sorted(k for k in sc.topology if k != "template")
    if loopback and settings:
        # They would change this machine's own configuration: namespaces only.
        raise Unsupported(f"topology settings {', '.join(settings)} need network "
                          f"namespaces (loopback mode)")
    for req in case.requires:
        if req not in HARNESS_REQUIREMENTS:
            continue            # a platform requirement: the implementation's
        if req == "netns" and loopback:
            raise Unsupported("requires netns (loopback mode)")
        why = missing(ctx, req, case)
        if why:
            raise Unsupported(why)


def implementation_missing(ctx: RunContext, case: Case) -> list[str]:
    """What the case needs that the implementation lacks (`op fdflags`, ...)."""
    if ctx.capabilities is None:
        return []
    return needs_mod.missing(ctx.needs_of(case), ctx.capabilities)


def grouped(lacking: list[str]) -> list[str]:
    """["op a", "op b", "option X/Y"] -> ["op a, b", "option X/Y"]."""
    kinds: dict[str, list[str]] = {}
    for thing in lacking:
        kind, _, name = thing.partition(" ")
        kinds.setdefault(kind, []).append(name)
    return [f"{kind} {', '.join(names)}" for kind, names in kinds.items()]


def missing(ctx: RunContext, req: str, case: Case) -> str | None:
    """Why a harness requirement does not hold on this machine, or None."""
    if req == "programs":
        impl = ctx.options.impl
        absent = sorted(p for p in case.scenario.programs() if impl.program_argv(p) is None)
        return f"implementation {impl.name!r} has no program " \
               f"{', '.join(absent)}" if absent else None
    if not ctx.env.available(req):
        return f"the harness machine lacks {req!r}"
    return None


# ---------------------------------------------------------------- the platform probe

def probe_requests(keys: list[str], tag: str) -> list[tuple[str, str, dict, str | None, str]]:
    """The requests that find the platform properties keys, as (key it decides, op,
    args, sock, as): sockets are created and an abstract name is bound, nothing is
    sent on any network."""
    plan: list[tuple[str, str, dict, str | None, str]] = []
    if "af_unix" in keys or "abstract_unix" in keys:
        plan.append(("af_unix", "socket", {"family": "AF_UNIX", "type": "SOCK_STREAM"},
                     None, "probe_unix"))
    if "abstract_unix" in keys:
        plan.append(("abstract_unix", "bind", {"address": {"abstract": tag}},
                     "probe_unix", ""))
    if "raw_sockets" in keys or "privileged" in keys:
        plan.append(("raw_sockets", "socket", {"family": "AF_INET", "type": "SOCK_RAW",
                                               "proto": "IPPROTO_ICMP"}, None, "probe_raw"))
    return plan


def privilege_from_raw(answer: dict | None) -> bool | None:
    """What a raw socket's creation says about privilege: it opened (privileged), or it
    was refused for lack of permission (not privileged). Anything else (no raw sockets
    at all, `unsupported`, another error) says nothing about privilege: undecided."""
    if not answer:
        return None
    if answer.get("ok"):
        return True
    error = answer.get("error") or {}
    return False if error.get("errno") in ("EPERM", "EACCES") else None


def probe_platform(agent, keys: list[str], timeout: float, tag: str,
                   known: dict[str, bool] | None = None) -> dict[str, bool]:
    """Ask the agent (outside any namespace) for the platform properties its hello does
    not declare. A property whose request fails, or that the agent cannot be asked
    (no `socket` op), is absent. `linux` without runtime.os is taken from whether an
    abstract name binds (abstract names are Linux's); `privileged` from a raw socket:
    opened, or refused for lack of permission (otherwise undecided, so supported). kernel_settings cannot be probed: it stays undeclared (supported).
    `known` holds what is declared already: no AF_UNIX socket is made to find out
    about abstract names where AF_UNIX is declared missing."""
    ops = agent.hello.get("ops") if isinstance(agent.hello, dict) else None
    found: dict[str, bool] = dict(known or {})
    made: set[str] = set()
    answers: dict[str, dict] = {}
    wanted = set(keys)
    if "linux" in wanted:
        wanted.add("abstract_unix")
    if "privileged" in wanted:
        wanted.add("raw_sockets")
    for key, op, args, sock, as_ in probe_requests(sorted(wanted), tag):
        deciding_privilege = key == "raw_sockets" and "privileged" in keys
        if key in found and key not in keys and (not found[key] or not deciding_privilege):
            continue      # declared, and what it decides follows from the declaration
        if isinstance(ops, list) and op not in ops:
            found[key] = False
            continue
        if key == "abstract_unix" and not found.get("af_unix"):
            found[key] = False
            continue
        response = agent.answer(agent.request(op, args, sock=sock, as_=as_ or None), timeout)
        found[key] = bool(response.get("ok"))
        answers[key] = response
        made.add(key)
    for handle in ("probe_unix", "probe_raw"):
        if (handle == "probe_unix" and found.get("af_unix") and "af_unix" in made) or \
                (handle == "probe_raw" and found.get("raw_sockets") and "raw_sockets" in made):
            if not isinstance(ops, list) or "close" in ops:
                agent.answer(agent.request("close", {}, sock=handle), timeout)
    if "privileged" in keys:
        privileged = privilege_from_raw(answers.get("raw_sockets"))
        if privileged is not None:
            found["privileged"] = privileged
    if "linux" in keys:
        found["linux"] = found.get("abstract_unix", False)
    return {k: v for k, v in found.items() if k in keys}
