"""The implementations under test (conformance/impls.toml and --agent NAME='cmd')."""
from __future__ import annotations

import os
import shlex
import sys
import tomllib
from dataclasses import dataclass

from ..model.errors import LoadError
from ..model.paths import IMPLS_FILE, REPO, build_dir
from .sourcemap import SourceMap



@dataclass
class Impl:
    name: str
    agent: list[str]
    program: list[str] | None = None     # command template with "{program}"
    # Seconds an agent of this implementation gets for its hello (before the run's
    # multiplier); None = the engine's default. For slow starters (wine: a wineserver and
    # Wine's system processes are started for every agent).
    hello_timeout: float | None = None

    def program_argv(self, program: str) -> list[str] | None:
        """The command that runs that example program, or None if there is none."""
        if not self.program:
            return None
        for spelling in (program, program.replace("-", "_")):
            argv = [part.replace("{program}", spelling) for part in self.program]
            paths = [a for a, t in zip(argv, self.program) if "{program}" in t]
            if all(os.path.exists(p) for p in paths):
                return argv
        return None


def _expand(part: str) -> str:
    return (part.replace("{build}", build_dir()).replace("{root}", REPO)
            .replace("{python}", sys.executable))


def load(path: str = IMPLS_FILE) -> dict[str, Impl]:
    with open(path, "rb") as f:
        text = f.read().decode("utf-8")
    data = tomllib.loads(text)
    smap = SourceMap(text)
    impls = {}
    for name, t in data.items():
        if not isinstance(t, dict) or not isinstance(t.get("agent"), list):
            raise LoadError(path, smap.line_of((name,)), f"[{name}] needs agent = [argv...]")
        for key in t:
            if key not in ("agent", "program", "hello_timeout"):
                raise LoadError(path, smap.line_of((name, key)), f"unknown key {key!r}")
        program = t.get("program")
        hello_timeout = t.get("hello_timeout")
        if hello_timeout is not None and (isinstance(hello_timeout, bool) or
                                          not isinstance(hello_timeout, (int, float)) or
                                          hello_timeout <= 0):
            raise LoadError(path, smap.line_of((name, "hello_timeout")),
                            "hello_timeout must be a positive number of seconds")
        impls[name] = Impl(name, [_expand(p) for p in t["agent"]],
                           [_expand(p) for p in program] if program else None,
                           float(hello_timeout) if hello_timeout is not None else None)
    return impls


def parse_agent_option(text: str) -> Impl:
    """--agent NAME='command line' -> an implementation without programs."""
    name, sep, command = text.partition("=")
    if not sep or not name or not command.strip():
        raise ValueError(f"--agent wants NAME='command line', got {text!r}")
    return Impl(name.strip(), shlex.split(command))
