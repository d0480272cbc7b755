"""The implementations under test (conformance/impls.toml and --agent NAME='cmd')."""
from __future__ import annotations

import os
import shlex
import sys
import tomllib
from dataclasses import dataclass, field

from ..model.errors import LoadError
from ..model.paths import IMPLS_FILE, REPO, build_dir
from .needs import PLATFORM_NAMES
from .sourcemap import SourceMap


@dataclass
class Impl:
    name: str
    agent: list[str]
    program: list[str] | None = None     # command template with "{program}"
    # What the agent cannot see of its runtime: launcher-level layers
    # ({"name", "version"} or {"name", "version_command": argv}) and platform
    # properties (needs.PLATFORM_NAMES -> bool), merged over the hello.
    layers: list[dict] = field(default_factory=list)
    platform: dict[str, bool] = field(default_factory=dict)
    # Seconds an agent of this implementation gets for its hello (before the run's
    # multiplier); None = the engine's default. For slow starters (wine: a wineserver and
    # Wine's system processes are started for every agent).
    hello_timeout: float | None = None
    # How many of the -j slots one case holds while it runs. A case of an emulation
    # layer is several processes busy at once (a wineserver per agent, a sandbox and its
    # gofer per host): counted as one slot, two such cases oversubscribe a 2-core
    # machine, and the timing judged in other cases (a timeout firing on time) suffers.
    slots_per_case: int = 1

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
            if key not in ("agent", "program", "layers", "platform", "hello_timeout",
                           "slots_per_case"):
                raise LoadError(path, smap.line_of((name, key)), f"unknown key {key!r}")
        program = t.get("program")
        hello_timeout = t.get("hello_timeout")
        if hello_timeout is not None and (isinstance(hello_timeout, bool) or
                                          not isinstance(hello_timeout, (int, float)) or
                                          hello_timeout <= 0):
            raise LoadError(path, smap.line_of((name, "hello_timeout")),
                            "hello_timeout must be a positive number of seconds")
        slots_per_case = t.get("slots_per_case", 1)
        if isinstance(slots_per_case, bool) or not isinstance(slots_per_case, int) \
                or slots_per_case < 1:
            raise LoadError(path, smap.line_of((name, "slots_per_case")),
                            "slots_per_case must be a whole number of at least 1")
        impls[name] = Impl(name, [_expand(p) for p in t["agent"]],
                           [_expand(p) for p in program] if program else None,
                           _layers(t.get("layers", []), path, smap, name),
                           _platform(t.get("platform", {}), path, smap, name),
                           float(hello_timeout) if hello_timeout is not None else None,
                           slots_per_case)
    return impls


def _layers(value, path: str, smap: SourceMap, name: str) -> list[dict]:
    where = smap.line_of((name, "layers"))
    if not isinstance(value, list):
        raise LoadError(path, where, "layers is a list of { name = ..., version = ... } "
                        "or { name = ..., version_command = [argv...] }")
    layers = []
    for layer in value:
        if not isinstance(layer, dict) or not isinstance(layer.get("name"), str) \
                or set(layer) - {"name", "version", "version_command"}:
            raise LoadError(path, where, "each layer is { name = \"...\", version = \"...\" } "
                            "or { name = \"...\", version_command = [argv...] }")
        command = layer.get("version_command")
        if command is not None and (not isinstance(command, list) or not command
                                    or not all(isinstance(p, str) for p in command)):
            raise LoadError(path, where, "version_command is a command line as a list")
        entry = {"name": layer["name"]}
        if "version" in layer:
            entry["version"] = str(layer["version"])
        if command:
            entry["version_command"] = [_expand(p) for p in command]
        layers.append(entry)
    return layers


def _platform(value, path: str, smap: SourceMap, name: str) -> dict[str, bool]:
    where = smap.line_of((name, "platform"))
    if not isinstance(value, dict):
        raise LoadError(path, where, "platform is a table of name = true/false")
    for key, flag in value.items():
        if key not in PLATFORM_NAMES:
            raise LoadError(path, where, f"unknown platform property {key!r} (one of "
                            f"{', '.join(PLATFORM_NAMES)})")
        if not isinstance(flag, bool):
            raise LoadError(path, where, f"platform {key} must be true or false")
    return dict(value)


def parse_agent_option(text: str) -> Impl:
    """--agent NAME='command line' -> an implementation without programs."""
    name, sep, command = text.partition("=")
    if not sep or not name or not command.strip():
        raise ValueError(f"--agent wants NAME='command line', got {text!r}")
    return Impl(name.strip(), shlex.split(command))


def parse_programs_option(text: str) -> tuple[str, list[str]]:
    """--programs NAME='command line with {program}' -> (NAME, the command template).
    The template is split like a shell line; {program} names the example program a
    spawn step asks for (echo-server, ...), as in impls.toml's `program`."""
    name, sep, command = text.partition("=")
    template = shlex.split(command) if sep else []
    if not name.strip() or not template or not any("{program}" in p for p in template):
        raise ValueError(f"--programs wants NAME='command line with {{program}}', got {text!r}")
    return name.strip(), template
