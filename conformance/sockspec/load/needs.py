"""What a case needs from the implementation, and what an implementation declares it has.

`case_needs(case)` reads a case's steps (after variant resolution) and lists the agent
operations, constants, socket options, message flags, families and types it sends, the
(family, type) pairs of the sockets it creates, and the platform properties its premise
rests on. `Capabilities` is what the agent's hello declares (merged with what
`conformance/impls.toml` adds for the implementation); `missing(needs, caps)` names
every need the capabilities do not cover. Anything the hello does not declare counts as
supported ("not declared = supported"); a platform property the hello does not declare
comes from the run's probe through the agent, and is supported when nothing probed it.
Declared families and types mean every pair of them, unless the hello lists the pairs
it can create (`sockets`).

Pure: no processes, no sockets, no files.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..model.scenario import HARNESS_OPS, Case
from . import refs

# ALL-CAPS names of the socket module's constant groups.
CONSTANT = re.compile(
    r"(?:AF|PF|SOCK|SOL|SO|IPPROTO|IP|IPV6|TCP|UDP|MSG|SHUT|AI|NI|EAI|SIO|RCVALL|SCM|"
    r"INADDR|IN6ADDR|ICMP|ICMPV6|BTPROTO|TIPC|CAN|PACKET|NETLINK|HCI)_[A-Z0-9_]+"
    r"|SOMAXCONN|INADDR_ANY|INADDR_NONE")
# Argument values that are data, never constants.
DATA_KEYS = ("data", "hex", "text", "pattern", "host", "hostname", "name", "address",
             "sockaddr", "ip_string", "packed_ip", "string")
# Type modifiers that are OR-ed into `type`; they are constants, not socket types.
TYPE_FLAGS = ("SOCK_NONBLOCK", "SOCK_CLOEXEC")
# The operations that create sockets of a family and type.
SOCKET_MAKERS = ("socket", "socketpair", "fromfd")
# Defaults of socket(): a `socket` step without family/type needs these.
SOCKET_DEFAULTS = {"family": "AF_INET", "type": "SOCK_STREAM"}

# Platform properties: the name a case needs -> the key of the hello's
# capabilities.platform that declares it ("linux" is runtime.os instead).
PLATFORM_KEYS = {"linux": None, "af_unix": "af_unix", "abstract": "abstract_unix",
                 "raw": "raw_sockets", "root": "privileged"}
PLATFORM_NAMES = ("linux", "af_unix", "abstract_unix", "raw_sockets", "privileged",
                  "kernel_settings")
# Which capability list covers each kind of need, and how a need is printed.
KINDS = ("ops", "constants", "options", "flags", "families", "types", "sockets",
         "platform")
SINGULAR = {"ops": "op", "constants": "constant", "options": "option", "flags": "flag",
            "families": "family", "types": "type", "sockets": "socket",
            "platform": "platform"}


@dataclass(frozen=True)
class Needs:
    ops: tuple[str, ...] = ()
    constants: tuple[str, ...] = ()
    options: tuple[tuple[str, str], ...] = ()
    flags: tuple[str, ...] = ()
    families: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    sockets: tuple[tuple[str, str], ...] = ()        # (family, type) of each socket made
    platform: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {k: [list(x) if isinstance(x, tuple) else x for x in getattr(self, k)]
                for k in KINDS}

    def lines(self) -> list[str]:
        """`kind: a, b, c` for every kind the case needs something of."""
        return [f"{k}: {', '.join(thing_name(x) for x in getattr(self, k))}"
                for k in KINDS if getattr(self, k)]


def thing_name(item: Any) -> str:
    """`AF_INET`, and for the pair kinds `IPPROTO_TCP/TCP_NODELAY`, `AF_UNIX/SOCK_DGRAM`."""
    return "/".join(item) if isinstance(item, tuple) else str(item)


# ---------------------------------------------------------------- a case's needs

def case_needs(case: Case) -> Needs:
    sc = case.scenario
    ops: set[str] = set()
    constants: set[str] = set()
    options: set[tuple[str, str]] = set()
    flags: set[str] = set()
    families: set[str] = set()
    types: set[str] = set()
    sockets: set[tuple[str, str]] = set()
    ctx = refs.Context(vars=dict(case.vars), hosts=set(sc.hosts) | set(sc.actors),
                       family=case.family,
                       scenario_vars=set(case.vars) - set(refs.BUILTIN_VARS))
    for step in sc.steps:
        if step.optional or step.op in HARNESS_OPS:
            continue
        actor = sc.actors.get(step.actor)
        if actor is None or actor.kind != "agent":
            continue
        ops.add(step.op)
        if permits_unsupported(step):
            # The scenario itself accepts "this implementation has no such thing" as an
            # answer (e.g. creating an AF_TIPC socket): what the step names is its
            # subject, not a need.
            continue
        args = {k: _resolved(v, ctx) for k, v in step.args.items()}
        if step.op == "socket":
            args = {**SOCKET_DEFAULTS, **{k: v for k, v in args.items() if v is not None}}
        for key, value in args.items():
            if key not in DATA_KEYS:
                constants |= _names(value)
        if step.op in SOCKET_MAKERS:
            # Families and types the agent must create sockets of; elsewhere (a
            # getaddrinfo filter, AF_UNSPEC) a family is only a constant it must know.
            made_families, made_types = created_kinds(args)
            families |= made_families
            types |= made_types
            # Not every family comes with every type (Windows' AF_UNIX is stream
            # only): the pair is a need of its own. A step naming only one of the two
            # (socketpair's family defaults differ by platform) makes no pair.
            sockets |= {(f, t) for f in made_families for t in made_types}
        flags |= {n for n in _names(args.get("flags")) if n.startswith("MSG_")}
        if step.op in ("setsockopt", "getsockopt"):
            level, optname = args.get("level"), args.get("optname")
            if isinstance(level, str) and isinstance(optname, str):
                options.add((level, optname))
    platform = set(platform_needs(case))
    if "AF_UNIX" in families:
        # A socket of the family is created: the platform must have AF_UNIX at all,
        # which is a fact of the system (Windows before 10), not only of the agent.
        platform.add("af_unix")
    return Needs(tuple(sorted(ops)), tuple(sorted(constants)), tuple(sorted(options)),
                 tuple(sorted(flags)), tuple(sorted(families)), tuple(sorted(types)),
                 tuple(sorted(sockets)), tuple(sorted(platform)))


def created_kinds(args: dict) -> tuple[set[str], set[str]]:
    """The families and socket types a socket-making step's arguments name; the
    modifiers OR-ed into `type` (SOCK_NONBLOCK) are constants, not types."""
    families = {n for n in _names(args.get("family")) if n.startswith("AF_")}
    types = {n for n in _names(args.get("type"))
             if n.startswith("SOCK_") and n not in TYPE_FLAGS}
    return families, types


def permits_unsupported(step: Any) -> bool:
    """Whether the step's expectation lists `unsupported` among the errors it permits."""
    errors = (step.expect or {}).get("error")
    return "unsupported" in ([errors] if isinstance(errors, str) else errors or [])


def platform_needs(case: Case) -> tuple[str, ...]:
    """The platform properties a case rests on: its platform `requires`, and
    kernel_settings when its topology sets sysctls (its premise is a kernel setting)."""
    out = {PLATFORM_KEYS[r] or r for r in case.requires if r in PLATFORM_KEYS}
    if case.scenario.topology.get("sysctl"):
        out.add("kernel_settings")
    return tuple(sorted(out))


def _resolved(value: Any, ctx: refs.Context) -> Any:
    """The value with variables resolved where they can be (a value saved by an earlier
    step is not known before the run: it is left as written)."""
    if isinstance(value, dict):
        return {k: (v if k in DATA_KEYS else _resolved(v, ctx)) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolved(v, ctx) for v in value]
    if isinstance(value, str) and not value.startswith("@"):
        try:
            return refs.resolve(value, ctx)
        except refs.RefError:
            return value
    return value


def _names(value: Any) -> set[str]:
    """Every constant name inside an argument value (lists and nested tables too)."""
    if isinstance(value, str):
        return {value} if CONSTANT.fullmatch(value) else set()
    if isinstance(value, list):
        return {n for v in value for n in _names(v)}
    if isinstance(value, dict):
        return {n for k, v in value.items() if k not in DATA_KEYS for n in _names(v)}
    return set()


# ---------------------------------------------------------------- what the agent has

@dataclass
class Capabilities:
    """What an implementation declares; None for a kind means "not declared"."""
    ops: frozenset[str] | None = None
    constants: frozenset[str] | None = None
    options: frozenset[tuple[str, str]] | None = None
    flags: frozenset[str] | None = None
    families: frozenset[str] | None = None
    types: frozenset[str] | None = None
    # The (family, type) pairs it can create; None: every declared family with every
    # declared type.
    sockets: frozenset[tuple[str, str]] | None = None
    # Platform properties: declared by the hello or impls.toml, else probed, else
    # absent (supported).
    platform: dict[str, bool] = field(default_factory=dict)
    platform_source: dict[str, str] = field(default_factory=dict)   # "hello", "impls.toml", "probe"

    def undeclared_platform(self) -> list[str]:
        return [p for p in PLATFORM_NAMES if p not in self.platform]

    def add_probe(self, found: dict[str, bool]) -> None:
        for key, value in found.items():
            if key not in self.platform:
                self.platform[key] = bool(value)
                self.platform_source[key] = "probe"

    def to_json(self) -> dict:
        out: dict[str, Any] = {}
        for kind in KINDS[:-1]:
            declared = getattr(self, kind)
            out[kind] = None if declared is None else \
                sorted(list(x) if isinstance(x, tuple) else x for x in declared)
        out["platform"] = {k: {"value": v, "from": self.platform_source.get(k)}
                           for k, v in sorted(self.platform.items())}
        return out


def _string_set(value: Any) -> frozenset[str] | None:
    if not isinstance(value, list):
        return None
    return frozenset(v for v in value if isinstance(v, str))


def _pair_set(value: Any) -> frozenset[tuple[str, str]] | None:
    """The `[name, name]` pairs of a list (options, sockets). Like the name lists, a
    value that is not a list declares nothing and an entry of another shape is left
    out (the protocol tests' test_shapes reports both to the agent's author)."""
    if not isinstance(value, list):
        return None
    return frozenset((v[0], v[1]) for v in value
                     if isinstance(v, list) and len(v) == 2
                     and all(isinstance(x, str) for x in v))


def capabilities(hello: dict | None, runtime: dict, impl_platform: dict | None = None
                 ) -> Capabilities:
    """Capabilities from the hello (`ops`, `capabilities`), the merged runtime's os, and
    the implementation's own `platform` table from impls.toml (which wins)."""
    hello = hello if isinstance(hello, dict) else {}
    caps = hello.get("capabilities") if isinstance(hello.get("capabilities"), dict) else {}
    c = Capabilities(
        ops=_string_set(hello.get("ops")),
        constants=_string_set(caps.get("constants")),
        options=_pair_set(caps.get("options")),
        flags=_string_set(caps.get("flags")),
        families=_string_set(caps.get("families")),
        types=_string_set(caps.get("types")),
        sockets=_pair_set(caps.get("sockets")))
    if runtime.get("os"):
        c.platform["linux"] = runtime["os"] == "linux"
        c.platform_source["linux"] = "runtime.os"
    platform = caps.get("platform") if isinstance(caps.get("platform"), dict) else {}
    for source, table in (("hello", platform), ("impls.toml", impl_platform or {})):
        for key, value in table.items():
            if key in PLATFORM_NAMES and isinstance(value, bool):
                c.platform[key] = value
                c.platform_source[key] = source
    return c


def missing(needs: Needs, caps: Capabilities) -> list[str]:
    """Every need the capabilities lack, as `kind name` (`op fdflags`,
    `option IPPROTO_IPV6/IPV6_V6ONLY`, `socket AF_UNIX/SOCK_DGRAM`, `platform af_unix`),
    in the order of KINDS."""
    out: list[str] = []
    named = set()           # names declared in any list count as known constants
    for kind in ("constants", "flags", "families", "types"):
        named |= getattr(caps, kind) or set()
    named |= {n for pair in (caps.options or set()) | (caps.sockets or set()) for n in pair}
    for kind in KINDS[:-1]:
        declared = getattr(caps, kind)
        if declared is None:
            continue
        have = named if kind == "constants" else declared
        lacking = [x for x in getattr(needs, kind) if x not in have]
        if kind == "sockets":
            lacking = [pair for pair in lacking if not _lacks_family_or_type(pair, caps)]
        out += [f"{SINGULAR[kind]} {thing_name(x)}" for x in lacking]
    out += [f"platform {p}" for p in needs.platform if caps.platform.get(p) is False]
    return out


def _lacks_family_or_type(pair: tuple[str, str], caps: Capabilities) -> bool:
    """Whether the pair's family or type is missing by itself: `family AF_INET6` already
    says it, and naming `socket AF_INET6/SOCK_DGRAM` too would count the gap twice."""
    family, type_ = pair
    return (caps.families is not None and family not in caps.families) or \
        (caps.types is not None and type_ not in caps.types)
