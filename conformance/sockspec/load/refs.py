"""References inside scenario values: $var, ${var}, @host forms, {null = true}.

The same grammar is used twice: at load time to find unknown variables and hosts
(`check`), and when a step runs to produce the agent's arguments (`resolve`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

NAME = r"[A-Za-z_][A-Za-z0-9_]*"
WHOLE_VAR = re.compile(rf"\$({NAME})")
HOST_REF = re.compile(rf"@({NAME})(?:\.(v4|v6|ll|ifindex))?")
# In longer strings: $$, ${name}, or a bare $name (an error: ambiguous).
INTERP = re.compile(rf"\$\$|\$\{{([^}}]*)\}}|\$({NAME})")
# In capture filters, host references may appear anywhere in the text.
FILTER_HOST = re.compile(rf"@@|@({NAME})(?:\.(v4|v6|ll|ifindex))?")

BUILTIN_VARS = ("ip", "af", "tmp")


class RefError(ValueError):
    """A reference that cannot be resolved; the message names the reference."""


@dataclass
class Context:
    """What references resolve against in one case."""
    vars: dict[str, Any]
    hosts: set[str]
    family: int = 4
    # address(host, kind) -> str | int; kind is v4, v6, ll or ifindex.
    address: Callable[[str, str], Any] | None = None
    # Variables that will exist later (saved by a step), known only by name (load time).
    pending: set[str] = field(default_factory=set)
    # Variables whose values the scenario wrote ([vars], [variants]): they may hold
    # references themselves ("@b.v4", "${tmp}/x", {null = true}), resolved on use.
    # Values saved from results are taken literally and never listed here.
    scenario_vars: set[str] = field(default_factory=set)
    _resolving: set[str] = field(default_factory=set)

    def lookup(self, name: str) -> Any:
        if name in self.vars:
            if name not in self.scenario_vars:
                return self.vars[name]
            if name in self._resolving:
                raise RefError(f"${name} refers to itself")
            self._resolving.add(name)
            try:
                return resolve(self.vars[name], self)
            finally:
                self._resolving.discard(name)
        if name in self.pending:
            raise RefError(f"${name} is saved by a step that has not run "
                           f"(or failed) before this use")
        raise RefError(f"unknown variable ${name}")

    def save(self, name: str, value: Any) -> None:
        """A value taken from a result: literal from now on."""
        self.vars[name] = value
        self.scenario_vars.discard(name)

    def host(self, host: str, kind: str | None) -> Any:
        if host not in self.hosts:
            raise RefError(f"unknown host @{host} (hosts: {', '.join(sorted(self.hosts))})")
        kind = kind or ("v6" if self.family == 6 else "v4")
        if self.address is None:
            return f"@{host}.{kind}"
        value = self.address(host, kind)
        if value is None:
            raise RefError(f"host @{host} has no {kind} address")
        return value


def is_null_form(value: Any) -> bool:
    return isinstance(value, dict) and value.keys() == {"null"} and value["null"] is True


def resolve(value: Any, ctx: Context) -> Any:
    """A copy of a scenario value with every reference replaced."""
    if is_null_form(value):
        return None
    if isinstance(value, dict):
        return {k: resolve(v, ctx) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, ctx) for v in value]
    if isinstance(value, str):
        return resolve_string(value, ctx)
    return value


def resolve_string(text: str, ctx: Context) -> Any:
    if text.startswith("@@"):
        return text[1:]
    if text.startswith("@"):
        m = HOST_REF.fullmatch(text)
        if not m:
            raise RefError(f"{text!r} is not a host reference (@host, @host.v4, @host.v6, "
                           f"@host.ll, @host.ifindex; write @@ for a literal @)")
        return ctx.host(m.group(1), m.group(2))
    m = WHOLE_VAR.fullmatch(text)
    if m:
        return ctx.lookup(m.group(1))
    if "$" not in text:
        return text
    return INTERP.sub(lambda m: _interpolate(m, ctx, text), text)


def _interpolate(m: re.Match, ctx: Context, text: str) -> str:
    if m.group(0) == "$$":
        return "$"
    if m.group(2) is not None:
        raise RefError(f"in {text!r}: write ${{{m.group(2)}}} to interpolate a variable "
                       f"into a longer string (or $$ for a literal $)")
    name = m.group(1)
    if not re.fullmatch(NAME, name):
        raise RefError(f"in {text!r}: ${{{name}}} is not a variable name")
    return _as_text(ctx.lookup(name))


def _as_text(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def resolve_filter(text: str, ctx: Context) -> str:
    """A capture filter with ${var} and @host forms replaced textually."""
    def host(m: re.Match) -> str:
        if m.group(0) == "@@":
            return "@"
        return _as_text(ctx.host(m.group(1), m.group(2)))

    def var(m: re.Match) -> str:
        if m.group(0) == "$$":
            return "$"
        if m.group(2) is not None:          # bare $name: leave to tshark (macros use ${})
            return m.group(0)
        return _as_text(ctx.lookup(m.group(1)))

    return FILTER_HOST.sub(host, INTERP.sub(var, text))


def check(value: Any, ctx: Context) -> None:
    """Raise RefError for the first unknown variable or host inside value."""
    resolve(value, ctx)


def check_filter(text: str, ctx: Context) -> None:
    resolve_filter(text, ctx)
