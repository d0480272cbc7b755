"""`tools/sockspec behaviours RESULTS.json ...`: the platform-dependent behaviours observed.

Input: one or more runs' results.json (any implementations, any machines). Output
(Markdown, on stdout; docs/platform-behaviours.md is made this way): for every item of
the research list (`record = "ID"` expectations and `platform = [...]` scenario keys),
its title, what the seed permits, the value each run observed (with implementation, OS,
libc and kernel), and the case ids and captures that are the evidence.

Titles are the bold first line of each item of
../shared/research/platform-behaviours.md; ids are the section letter and the item
number (`A1`, `B11`, ...). What the seed permits is read from the scenario files the
results name: the recording step's `one_of` values and `error` names.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
from dataclasses import dataclass, field
from typing import Any

from ..engine import golden
from ..load import impls as impls_mod
from ..load import scenarios as scenario_mod
from ..model.paths import REPO

RESEARCH = os.path.normpath(os.path.join(REPO, "..", "shared", "research",
                                         "platform-behaviours.md"))
_SECTION = re.compile(r"^###\s+([A-Z])\.\s")
_ITEM = re.compile(r"^(\d+)\.\s+\*\*(.*)$")
_ID = re.compile(r"^([A-Z])(\d+)$")


# --------------------------------------------------------------------------- inputs

def research_titles(path: str = RESEARCH) -> dict[str, str]:
    """{"A1": "Does an accepted socket inherit O_NONBLOCK from the listener?", ...}"""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError:
        return {}
    titles, letter = {}, None
    for i, line in enumerate(lines):
        m = _SECTION.match(line)
        if m:
            letter = m.group(1)
            continue
        m = _ITEM.match(line)
        if not m or letter is None:
            continue
        text = m.group(2)
        j = i + 1
        while "**" not in text and j < len(lines) and lines[j].strip():
            text += " " + lines[j].strip()       # a bold title that wraps
            j += 1
        title = text.split("**", 1)[0].strip()
        titles[f"{letter}{m.group(1)}"] = title.replace("`", "")
    return titles


def sort_key(item_id: str) -> tuple:
    m = _ID.match(item_id)
    return (m.group(1), int(m.group(2))) if m else ("~", 0, item_id)


@dataclass
class Run:
    path: str
    label: str                  # column name: "ref 0.1.0" / "cpython 3.11.2"
    platform: str               # "linux 6.1.0-… glibc 2.36"
    doc: dict
    cases: dict[str, dict] = field(default_factory=dict)    # id -> first repeat's result


def load_runs(paths: list[str]) -> list[Run]:
    runs = []
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            raise ValueError(f"{path}: not a readable results.json ({e})") from None
        if doc.get("format") != "sockspec-results":
            raise ValueError(f"{path}: not a sockspec results file")
        run = doc["run"]
        hello = run.get("hello") or {}
        label = f"{run.get('impl')} {hello.get('impl_version') or ''}".strip()
        plat = " ".join(str(x) for x in (run.get("os"), run.get("kernel"), run.get("libc"))
                        if x)
        r = Run(path, label, plat, doc)
        for case in doc.get("cases", []):
            r.cases.setdefault(case["id"], case)
        runs.append(r)
    labels = [r.label for r in runs]
    for r in runs:             # two runs of the same implementation: tell them apart
        if labels.count(r.label) > 1:
            r.label += f" ({r.platform})"
    return runs


_scenario_cache: dict[str, Any] = {}


def scenario_of(case: dict) -> Any:
    path = case.get("file")
    if not path:
        return None
    if path not in _scenario_cache:
        try:
            _scenario_cache[path] = scenario_mod.load(path)
        except (scenario_mod.LoadError, OSError):
            _scenario_cache[path] = None
    return _scenario_cache[path]


def permitted(sc: Any, step_id: str | None) -> str:
    """What the recording step's expectation allows, in words."""
    if sc is None or step_id is None:
        return ""
    step = next((s for s in sc.steps if s.id == step_id), None)
    if step is not None and step.op == "await" and step.expect is None:
        step = next((s for s in sc.steps if s.id == step.await_step), step)
    expect = (step.expect if step is not None else None) or {}
    parts = []
    if "one_of" in expect:
        parts += [short(v, 60) for v in expect["one_of"]]
    if "result" in expect:
        parts.append(short(expect["result"], 60))
    if "error" in expect:
        errors = expect["error"] if isinstance(expect["error"], list) else [expect["error"]]
        parts += [f"error {e}" for e in errors]
    return " \\| ".join(parts)


def _plain_null(value: Any) -> Any:
    """The scenario files' `{ null = true }` is JSON null."""
    if isinstance(value, dict):
        if value == {"null": True}:
            return None
        return {k: _plain_null(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_null(v) for v in value]
    return value


def short(value: Any, limit: int = 40) -> str:
    value = _plain_null(value)
    if isinstance(value, dict) and set(value) == {"error"}:
        text = f"error {value['error']}"
    elif isinstance(value, dict) and set(value) == {"hex"}:
        text = f"hex:{value['hex']}"
    else:
        text = json.dumps(value, separators=(",", ":"))
    text = text.replace("|", "\\|")
    return text if len(text) <= limit else text[:limit - 1] + "…"


def evidence_capture(case: dict) -> str | None:
    """The golden capture if there is one (it is in the repository), else the run's,
    named relative to the run's output directory (which is not kept anywhere)."""
    sc = scenario_of(case)
    if sc is not None:
        for c in sc.cases():
            if c.id == case["id"]:
                pcap, _ = golden.paths(c)
                if os.path.exists(pcap):
                    return os.path.relpath(pcap, REPO)
    path = case.get("pcapng")
    return f"<run output>/pcap/{os.path.basename(path)}" if path else None


# --------------------------------------------------------------------------- report

@dataclass
class Observation:
    case_id: str
    step: str | None
    permitted: str
    values: dict[str, str]       # run label -> observed (or status)
    capture: str | None


def collect(runs: list[Run]) -> dict[str, list[Observation]]:
    items: dict[str, dict[tuple, Observation]] = {}
    case_ids = []
    for r in runs:
        for cid in r.cases:
            if cid not in case_ids:
                case_ids.append(cid)
    for cid in case_ids:
        for r in runs:
            case = r.cases.get(cid)
            if case is None:
                continue
            sc = scenario_of(case)
            for rec in case.get("records", []):
                key = (cid, rec.get("step"))
                obs = items.setdefault(rec["id"], {}).setdefault(key, Observation(
                    cid, rec.get("step"), permitted(sc, rec.get("step")), {}, None))
                value = short(rec.get("observed"))
                if not rec.get("permitted", True):
                    value += " (not permitted)"
                obs.values[r.label] = value
                obs.capture = obs.capture or evidence_capture(case)
            recorded = {rec["id"] for rec in case.get("records", [])}
            for item in (sc.platform if sc is not None else []):
                if item in recorded:
                    continue
                key = (cid, None)
                obs = items.setdefault(item, {}).setdefault(
                    key, Observation(cid, None, "the case's expectations", {}, None))
                obs.values[r.label] = f"case {case['status']}"
                obs.capture = obs.capture or evidence_capture(case)
    return {k: list(v.values()) for k, v in sorted(items.items(), key=lambda kv: sort_key(kv[0]))}


def render(runs: list[Run], titles: dict[str, str]) -> str:
    items = collect(runs)
    out = ["# Platform-dependent behaviours observed", "",
           "Generated by `tools/sockspec behaviours` from the results of these runs; do not "
           "edit by hand. Item ids and titles are those of the research list "
           "(`shared/research/platform-behaviours.md`); what the seed permits comes from the "
           "recording step of each scenario (`one_of` values, `error` names). A value is what "
           "the implementation returned (or the error it raised); `case PASS` means the case "
           "checks the behaviour without recording a value and held.", "",
           "| run | implementation | platform | suite |", "| --- | --- | --- | --- |"]
    for r in runs:
        run = r.doc["run"]
        hello = run.get("hello") or {}
        out.append(f"| {r.label} | {hello.get('impl')} {hello.get('impl_version')} | "
                   f"{r.platform} | {run.get('suite_revision')} |")
    out += ["", f"{len(items)} research items observed by "
            f"{sum(len(v) for v in items.values())} case steps.", ""]
    differing = [(item, o) for item, observations in items.items() for o in observations
                 if len(runs) > 1 and len({o.values.get(r.label, "—") for r in runs}) > 1]
    if differing:
        out += ["## Where the runs differ", "",
                "| item | case | step | " + " | ".join(r.label for r in runs) + " |",
                "|" + " --- |" * (3 + len(runs))]
        out += [f"| {item} | `{o.case_id}` | {o.step or ''} | "
                + " | ".join(f"`{o.values.get(r.label, '—')}`" for r in runs) + " |"
                for item, o in differing]
        out.append("")
    for item, observations in items.items():
        out += [f"## {item}: {titles.get(item, '(no title in the research list)')}", ""]
        header = "| case | step | seed permits | " + " | ".join(r.label for r in runs) + " |"
        out += [header, "|" + " --- |" * (3 + len(runs))]
        for o in observations:
            cells = [o.values.get(r.label, "—") for r in runs]
            out.append(f"| `{o.case_id}` | {o.step or ''} | {o.permitted} | "
                       + " | ".join(f"`{c}`" if c != "—" else c for c in cells) + " |")
        captures = sorted({o.capture for o in observations if o.capture})
        if captures:
            out += ["", "Captures: " + ", ".join(f"`{c}`" for c in captures)]
        out.append("")
    missing = sorted(set(titles) - set(items), key=sort_key)
    if missing:
        out += ["## Research items no case observes", ""]
        out += [f"- {m}: {titles[m]}" for m in missing]
        out.append("")
    return "\n".join(out)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("results", nargs="+", metavar="RESULTS.json")
    p.add_argument("--research", default=RESEARCH, help="the research list (titles)")


def run(args: argparse.Namespace) -> int:
    try:
        runs = load_runs(args.results)
    except ValueError as e:
        print(f"sockspec behaviours: {e}", file=sys.stderr)
        return 2
    sys.stdout.write(render(runs, research_titles(args.research)))
    return 0


COMMAND = ("behaviours", "Markdown list of the platform-dependent behaviours runs observed",
           add_arguments, run)
