"""What a scenario is once loaded: its steps, checks, actors, variant axes, and the
cases it multiplies into (docs/scenario-format.md). Plain data: no file I/O here."""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

HARNESS_OPS = ("await", "spawn", "readline", "wait")
PROGRAM_OPS = ("spawn", "readline", "wait")
REQUIREMENTS = ("netns", "ipv6", "raw", "af_unix", "capture", "root", "linux", "abstract",
                "programs")
TEMPLATES = ("single", "pair", "routed", "lan")
EXPECT_TYPES = ("int", "float", "number", "str", "list", "dict", "null", "bool", "bytes")
MATCH_MODES = ("exact", "prefix", "subsequence")
CHECK_WINDOWS = ("case", "steps")
DEFAULT_CASE_TIMEOUT = 20.0
DEFAULT_STEP_TIMEOUT = 10.0
VARIANT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]*")
IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass
class Step:
    index: int                 # 1-based position in the file
    id: str
    op: str
    actor: str | None = None
    sock: str | None = None
    file: str | None = None
    as_: str | list | None = None
    args: dict = field(default_factory=dict)
    expect: dict | None = None
    save: dict = field(default_factory=dict)
    async_: bool = False
    timeout: float = DEFAULT_STEP_TIMEOUT
    timeout_set: bool = False       # given in the file (an await inherits its async step's)
    await_step: str | None = None   # for op = "await"
    # A helper or cross-check, not the case's subject: skipped (not failed) when the
    # agent lacks its op or answers `unsupported` (docs/scenario-format.md, optional).
    optional: bool = False
    line: int = 0


@dataclass
class Check:
    id: str
    filter: str
    count: int | None = None
    count_min: int | None = None
    count_max: int | None = None
    fields: list[str] | None = None
    sequence: list[str] | None = None
    match: str = "exact"
    # Count TCP retransmissions too (by default the batched evaluation leaves them out).
    retransmissions: bool = False
    # "steps": only frames captured until the steps ended and the wire went quiet (not
    # what the agents' exit puts on the wire); "case" (default): the whole capture.
    window: str = "case"
    line: int = 0


@dataclass
class Actor:
    name: str
    host: str
    kind: str = "agent"


@dataclass
class Axis:
    name: str
    variants: list[tuple[str, dict[str, Any]]]   # (variant name, variables it sets)


@dataclass
class Scenario:
    path: str
    id: str
    title: str
    seed: list[str]
    description: str = ""
    features: list[str] = field(default_factory=list)
    requires: list[str] = field(default_factory=list)
    timeout: float = DEFAULT_CASE_TIMEOUT
    platform: list[str] = field(default_factory=list)
    axes: list[Axis] = field(default_factory=list)
    vars: dict[str, Any] = field(default_factory=dict)
    topology: dict[str, Any] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    capture: dict[str, str] = field(default_factory=dict)
    hosts: dict[str, dict] = field(default_factory=dict)

    @property
    def area(self) -> str:
        return self.id.split("/", 1)[0]

    @property
    def template(self) -> str:
        return self.topology.get("template", "single")

    @property
    def golden(self) -> bool:
        """Whether its cases are compared with golden flows (engine/golden.py, the
        implicit check `golden`): when it has capture checks and does not opt out."""
        return bool(self.checks) and self.capture.get("golden", True) is not False

    def agent_ops(self) -> set[str]:
        """The agent operations this scenario needs (for UNSUPPORTED decisions): an
        optional step's op is not needed (the step is skipped without it)."""
        return {s.op for s in self.steps if s.op not in HARNESS_OPS and not s.optional
                and self.actors[s.actor].kind == "agent"}

    def programs(self) -> set[str]:
        return {s.args.get("program") for s in self.steps if s.op == "spawn"}

    def cases(self) -> list["Case"]:
        combos = itertools.product(*[axis.variants for axis in self.axes]) if self.axes else [()]
        cases = []
        for combo in combos:
            names = [name for name, _ in combo]
            values: dict[str, Any] = {"ip": 4, "af": "AF_INET"}
            values.update(self.vars)
            for _, axis_vars in combo:
                values.update(axis_vars)
            requires = set(self.requires)
            if values["ip"] == 6:
                requires.add("ipv6")
            case_id = ":".join([self.id] + names)
            cases.append(Case(self, case_id, names, values, sorted(requires)))
        return cases


@dataclass
class Case:
    scenario: Scenario
    id: str
    variant: list[str]
    vars: dict[str, Any]
    requires: list[str]

    @property
    def family(self) -> int:
        return 6 if self.vars.get("ip") == 6 else 4
