"""conformance/expectations/<impl>.toml: recorded differences of one implementation.

```toml
format = 1
impl = "cpython"

[[expect]]
case = "timeouts/recv-timeout:*"     # or scenario = "timeouts/recv-timeout" (fnmatch patterns)
step = "recv"                        # optional: the step (or "check:<id>") that differs
status = "FAIL"                      # or a list of the statuses it shows as
intermittent = true                  # optional: it shows in some runs only (a PASS stays PASS)
when = { os = "linux", libc = "musl", impl_version = ">=3.11,<3.13", kernel = ">=6.1" }
# when = { layer = "wine", layer_version = ">=8" }   # a layer of the runtime
# when = { libc = "musl", libc_version = "==1.2.3" } # the version in the libc's label
# Versions are numbers joined by "." or "~" (Debian's "0.0~20221219.0" is 0.0.20221219.0).
reason = "why"
links = ["https://..."]
```
A record whose status is SKIP disables the matching cases (they are not run).
"""
from __future__ import annotations

import fnmatch
import os
import re
import tomllib
from dataclasses import dataclass, field

from ..model import status as st
from ..model.scenario import Case
from ..model.errors import LoadError
from .sourcemap import SourceMap

WHEN_KEYS = ("os", "libc", "libc_version", "impl_version", "kernel", "arch", "impl", "mode",
             "layer", "layer_version")
VERSION_KEYS = ("impl_version", "kernel", "layer_version", "libc_version")
# Keys judged on another run_info value: the libc's version is the number in its label
# ("musl 1.2.3"), which parse_version finds after the name.
SOURCE_KEY = {"libc_version": "libc"}


# Conditions on the runtime's layers (run_info["layers"]: [{"name", "version"}]).
LAYER_KEYS = {"layer": "name", "layer_version": "version"}


@dataclass
class Record:
    path: str
    line: int
    scenario: str | None
    case: str | None
    step: str | None
    statuses: tuple[st.Status, ...]
    when: dict = field(default_factory=dict)
    reason: str = ""
    links: list[str] = field(default_factory=list)
    # The difference shows in some runs only (a race in the implementation): a run in
    # which it does not show is a PASS, not a stale record (XPASS).
    intermittent: bool = False

    def where(self) -> str:
        return f"{self.path}:{self.line}"

    def matches_case(self, case: Case) -> bool:
        if self.scenario is not None and not fnmatch.fnmatchcase(case.scenario.id, self.scenario):
            return False
        if self.case is not None and not fnmatch.fnmatchcase(case.id, self.case):
            return False
        return True

    def applies(self, run_info: dict) -> bool:
        if not all(condition_holds(key, cond, run_info.get(SOURCE_KEY.get(key, key)))
                   for key, cond in self.when.items() if key not in LAYER_KEYS):
            return False
        if not any(key in self.when for key in LAYER_KEYS):
            return True
        # `layer` and `layer_version` hold of one and the same layer of the runtime.
        return any(all(condition_holds(key, self.when[key], layer.get(LAYER_KEYS[key]))
                       for key in LAYER_KEYS if key in self.when)
                   for layer in run_info.get("layers") or [])

    def to_json(self) -> dict:
        return {"where": self.where(), "scenario": self.scenario, "case": self.case,
                "step": self.step, "status": [s.name for s in self.statuses],
                "intermittent": self.intermittent, "reason": self.reason, "links": self.links}

    def fold(self, observed: st.Status) -> st.Status:
        """The status once this record is applied to what was observed."""
        if self.intermittent and observed is st.PASS:
            return st.PASS
        return st.apply_expectation(observed, self.statuses)


def load(path: str) -> list[Record]:
    """The records of one file; a missing file means no records."""
    if not os.path.exists(path):
        return []
    with open(path, "rb") as f:
        text = f.read().decode("utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"at line (\d+)", str(e))
        raise LoadError(path, int(m.group(1)) if m else 1, f"TOML syntax: {e}") from None
    smap = SourceMap(text)

    def fail(where: tuple, message: str) -> LoadError:
        return LoadError(path, smap.line_of(where), message)

    for key in data:
        if key not in ("format", "impl", "expect"):
            raise fail((key,), f"unknown key {key!r} (allowed: format, impl, expect)")
    if data.get("format") != 1:
        raise fail(("format",), "format must be 1")
    records = []
    allowed = {"scenario", "case", "step", "status", "when", "reason", "links", "intermittent"}
    for i, t in enumerate(data.get("expect", [])):
        w = ("expect", i)
        if not isinstance(t, dict):
            raise fail(w, "each [[expect]] is a table")
        for key in t:
            if key not in allowed:
                raise fail(w + (key,), f"unknown key {key!r} in [[expect]] "
                           f"(allowed: {', '.join(sorted(allowed))})")
        if "scenario" not in t and "case" not in t:
            raise fail(w, "a record needs scenario or case (a pattern)")
        for key in ("scenario", "case", "step", "reason"):
            if key in t and not isinstance(t[key], str):
                raise fail(w + (key,), f"{key} must be a string")
        if not t.get("reason"):
            raise fail(w, "a record needs a reason")
        raw = t.get("status")
        if raw is None:
            raise fail(w, "a record needs status (FAIL, TIMEOUT, CRASH, ERROR, UNSUPPORTED, SKIP)")
        names = raw if isinstance(raw, list) else [raw]
        statuses = []
        for name in names:
            try:
                s = st.parse(name) if isinstance(name, str) else None
            except ValueError as e:
                raise fail(w + ("status",), str(e))
            if s not in st.RECORDABLE:
                raise fail(w + ("status",), f"status {name!r} cannot be recorded (one of "
                           f"{', '.join(x.name for x in st.RECORDABLE)})")
            statuses.append(s)
        when = t.get("when", {})
        if not isinstance(when, dict):
            raise fail(w + ("when",), "when is a table")
        for key, cond in when.items():
            if key not in WHEN_KEYS:
                raise fail(w + ("when", key), f"unknown condition {key!r} (one of "
                           f"{', '.join(WHEN_KEYS)})")
            conds = cond if isinstance(cond, list) else [cond]
            for c in conds:
                if not isinstance(c, str):
                    raise fail(w + ("when", key), f"condition {key} must be a string or a list")
                if key in VERSION_KEYS:
                    try:
                        parse_range(c)
                    except ValueError as e:
                        raise fail(w + ("when", key), str(e))
        links = t.get("links", [])
        if not isinstance(links, list) or not all(isinstance(x, str) for x in links):
            raise fail(w + ("links",), "links is a list of strings")
        intermittent = t.get("intermittent", False)
        if not isinstance(intermittent, bool):
            raise fail(w + ("intermittent",), "intermittent is true or false")
        if intermittent and st.SKIP in statuses:
            raise fail(w + ("intermittent",), "a SKIP record disables cases: it cannot be "
                       "intermittent")
        records.append(Record(path, smap.line_of(w), t.get("scenario"), t.get("case"),
                              t.get("step"), tuple(statuses), when, t["reason"], links,
                              intermittent))
    return records


def validate(records: list[Record], cases: list[Case]) -> list[LoadError]:
    """Records that name no existing case, or a step the matched scenarios lack."""
    errors = []
    for r in records:
        matched = [c for c in cases if r.matches_case(c)]
        if not matched:
            pattern = r.case if r.case is not None else r.scenario
            errors.append(LoadError(r.path, r.line, f"record matches no case: {pattern!r}"))
            continue
        if r.step is not None:
            for c in matched:
                names = {s.id for s in c.scenario.steps} | {f"check:{k.id}" for k in c.scenario.checks}
                if c.scenario.golden:
                    names.add("check:golden")
                if r.step not in names:
                    errors.append(LoadError(r.path, r.line, f"scenario {c.scenario.id!r} has no "
                                            f"step {r.step!r}"))
                    break
    return errors


def find(records: list[Record], case: Case, run_info: dict) -> list[Record]:
    """The records that apply to this case in this run (first match per step wins)."""
    chosen: dict[str | None, Record] = {}
    for r in records:
        if r.matches_case(case) and r.applies(run_info) and r.step not in chosen:
            chosen[r.step] = r
    return list(chosen.values())


# ---------------------------------------------------------------- conditions

def condition_holds(key: str, cond, value) -> bool:
    conds = cond if isinstance(cond, list) else [cond]
    if value is None:
        return False
    for c in conds:
        if key in VERSION_KEYS:
            if version_in(str(value), c):
                return True
        elif key == "libc":
            # "glibc" matches "glibc 2.36"; "glibc 2.36" matches exactly.
            if str(value) == c or str(value).startswith(c + " "):
                return True
        elif str(value) == c:
            return True
    return False


# Numbers joined by "." or by Debian's "~" (runsc's "0.0~20221219.0": gVisor's releases are
# dates, packaged under a 0.0 upstream version).
_VERSION = r"\d+(?:[.~]\d+)*"


def _numbers(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.split(r"[.~]", text))


def parse_version(text: str) -> tuple[int, ...]:
    m = re.match(rf"\D*({_VERSION})", text)
    if not m:
        raise ValueError(f"no version number in {text!r}")
    return _numbers(m.group(1))


def parse_range(text: str) -> list[tuple[str, tuple[int, ...]]]:
    parts = []
    for clause in text.split(","):
        m = re.fullmatch(rf"\s*(>=|<=|==|!=|>|<)?\s*({_VERSION})\s*", clause)
        if not m:
            raise ValueError(f"bad version condition {clause.strip()!r} (use e.g. "
                             f"\">=3.11,<3.13\")")
        parts.append((m.group(1) or "==", _numbers(m.group(2))))
    return parts


def version_in(version: str, spec: str) -> bool:
    try:
        v = parse_version(version)
    except ValueError:
        return False
    for op, bound in parse_range(spec):
        n = max(len(v), len(bound))
        a, b = v + (0,) * (n - len(v)), bound + (0,) * (n - len(bound))
        if op == "==" and len(bound) < len(v):
            a = v[:len(bound)]            # "==3.11" matches 3.11.7
            b = bound
        ok = {">=": a >= b, "<=": a <= b, "==": a == b, "!=": a != b, ">": a > b,
              "<": a < b}[op]
        if not ok:
            return False
    return True
