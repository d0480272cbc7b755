"""Whether a case runs at all: the run deadline, an interruption, disabling records,
loopback mode, requirements, programs and the agent's operations decide SKIP or
UNSUPPORTED before anything is built."""
from __future__ import annotations

import time

from ..load import expectations as expectations_mod
from ..model import status as st
from ..model.errors import Unsupported
from ..model.scenario import Case
from .context import RunContext


def refusal(ctx: RunContext, case: Case) -> tuple[st.Status, str] | None:
    """(SKIP or UNSUPPORTED, why) when the case is not to be run, else None."""
    if ctx.run_deadline is not None and time.monotonic() >= ctx.run_deadline:
        return st.SKIP, "not started: the run timeout was reached"
    if ctx.stopping:
        return st.SKIP, "not started: the run was interrupted"
    disabled = [r for r in expectations_mod.find(ctx.options.records, case, ctx.run_info)
                if r.step is None and st.SKIP in r.statuses]
    if disabled:
        return st.SKIP, f"disabled by {disabled[0].where()}: {disabled[0].reason}"
    try:
        check_supported(ctx, case)
    except Unsupported as e:
        return st.UNSUPPORTED, str(e)
    return None


def check_supported(ctx: RunContext, case: Case) -> None:
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
        if req == "netns" and loopback:
            raise Unsupported("requires netns (loopback mode)")
        why = missing(ctx, req, case)
        if why:
            raise Unsupported(why)
    if ctx.hello is not None:
        lacking = sorted(sc.agent_ops() - set(ctx.hello.get("ops", [])))
        if lacking:
            raise Unsupported(f"the agent lacks {', '.join(lacking)}")


def missing(ctx: RunContext, req: str, case: Case) -> str | None:
    if req == "programs":
        impl = ctx.options.impl
        absent = sorted(p for p in case.scenario.programs() if impl.program_argv(p) is None)
        return f"implementation {impl.name!r} has no program " \
               f"{', '.join(absent)}" if absent else None
    if not ctx.env.available(req):
        return f"the platform lacks {req!r}"
    return None
