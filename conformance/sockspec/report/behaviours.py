"""`tools/sockspec behaviours RESULTS.json ...`: the platform-dependent behaviours observed.

Input: one or more runs' results.json (any implementations, any machines). Output
(Markdown, on stdout; docs/platform-behaviours.md is made this way): for every item of
the behaviours catalogue that a case observes (`record = "ID"` expectations and
`platform = [...]` scenario keys), its question, what the reference says and why
platforms differ (conformance/api/behaviours.toml, read by load.behaviours), what the
recording step permits, the value each run observed (with implementation, OS, libc and
kernel), and the case ids and captures that are the evidence.

What the recording step permits is read from the scenario files the results name: its
`one_of` values and `error` names.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass, field
from typing import Any

from ..engine import golden
from ..load import behaviours as catalogue
from ..load import runtime as runtime_mod
from ..load import scenarios as scenario_mod
from ..model.catalogue import Behaviour
from ..model.errors import LoadError
from ..model.paths import BEHAVIOURS, REPO

sort_key = catalogue.sort_key


@dataclass
class Run:
    path: str
    label: str                  # column name: "ref 0.1.0 (linux/glibc 2.36 x86_64)"
    platform: str               # "linux/glibc 2.36 x86_64, kernel 6.1.0-…"
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
        label, plat = run_label(doc["run"])
        r = Run(path, label, plat, doc)
        for case in doc.get("cases", []):
            r.cases.setdefault(case["id"], case)
        runs.append(r)
    labels = [r.label for r in runs]
    seen: dict[str, int] = {}
    for r in runs:             # two runs on the same runtime: number them
        if labels.count(r.label) > 1:
            seen[r.label] = seen.get(r.label, 0) + 1
            r.label += f" #{seen[r.label]}"
    return runs


def run_label(run: dict) -> tuple[str, str]:
    """(label, platform) of a run from what the implementation reported: the label
    results.json carries, or (older files) one made from the hello's runtime; the
    platform is the runtime and the kernel, never the harness machine."""
    hello = run.get("hello") if isinstance(run.get("hello"), dict) else {}
    rt = run.get("runtime") if isinstance(run.get("runtime"), dict) \
        else runtime_mod.merged_runtime(hello)
    impl_version = run.get("impl_version") or hello.get("impl_version")
    label = run.get("label") or runtime_mod.label(
        str(run.get("impl")), str(impl_version) if impl_version else None, rt)
    plat = runtime_mod.runtime_text(rt) + (f", kernel {run['kernel']}"
                                           if run.get("kernel") else "")
    return label, plat


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


def render(runs: list[Run], items_by_id: dict[str, Behaviour]) -> str:
    items = collect(runs)
    out = ["# Platform-dependent behaviours observed", "",
           "Generated by `tools/sockspec behaviours` from the results of these runs; do not "
           "edit by hand. Items, their questions and the notes on what the reference says "
           "and why platforms differ come from the behaviours catalogue "
           "(`conformance/api/behaviours.toml`, described in `docs/catalogue.md`); what "
           "the seed permits comes from the recording step of each scenario (`one_of` "
           "values, `error` names). A value is what the implementation returned (or the "
           "error it raised); `case PASS` means the case checks the behaviour without "
           "recording a value and held.", "",
           "| run | implementation | platform | suite |", "| --- | --- | --- | --- |"]
    for r in runs:
        run = r.doc["run"]
        hello = run.get("hello") or {}
        out.append(f"| {r.label} | {hello.get('impl')} {hello.get('impl_version')} | "
                   f"{r.platform} | {run.get('suite_revision')} |")
    out += ["", f"{len(items)} catalogue items observed by "
            f"{sum(len(v) for v in items.values())} case steps.", ""]
    out += differences(runs, items)
    for item_id, observations in items.items():
        out += item_section(item_id, items_by_id.get(item_id), observations, runs)
    missing = sorted(set(items_by_id) - set(items), key=sort_key)
    if missing:
        out += ["## Catalogue items no case observes", ""]
        out += [f"- {m}: {items_by_id[m].title}" for m in missing]
        out.append("")
    return "\n".join(out)


def differences(runs: list[Run], items: dict[str, list[Observation]]) -> list[str]:
    """The table of case steps whose observed values are not the same in every run."""
    differing = [(item, o) for item, observations in items.items() for o in observations
                 if len(runs) > 1 and len({o.values.get(r.label, "—") for r in runs}) > 1]
    if not differing:
        return []
    out = ["## Where the runs differ", "",
           "| item | case | step | " + " | ".join(r.label for r in runs) + " |",
           "|" + " --- |" * (3 + len(runs))]
    out += [f"| {item} | `{o.case_id}` | {o.step or ''} | "
            + " | ".join(f"`{o.values.get(r.label, '—')}`" for r in runs) + " |"
            for item, o in differing]
    return out + [""]


def item_section(item_id: str, item: Behaviour | None, observations: list[Observation],
                 runs: list[Run]) -> list[str]:
    """One item: its question and notes from the catalogue, then every observation."""
    if item is None:
        out = [f"## {item_id}: (not in the behaviours catalogue)", ""]
    else:
        out = [f"## {item_id}: {item.title}", "",
               f"*The reference:* {item.documented}", "",
               f"*Why it varies:* {item.varies}", ""]
    out += ["| case | step | seed permits | " + " | ".join(r.label for r in runs) + " |",
            "|" + " --- |" * (3 + len(runs))]
    for o in observations:
        cells = [o.values.get(r.label, "—") for r in runs]
        out.append(f"| `{o.case_id}` | {o.step or ''} | {o.permitted} | "
                   + " | ".join(f"`{c}`" if c != "—" else c for c in cells) + " |")
    captures = sorted({o.capture for o in observations if o.capture})
    if captures:
        out += ["", "Captures: " + ", ".join(f"`{c}`" for c in captures)]
    return out + [""]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("results", nargs="+", metavar="RESULTS.json")
    p.add_argument("--catalogue", default=BEHAVIOURS,
                   help="the behaviours catalogue (default conformance/api/behaviours.toml)")


def run(args: argparse.Namespace) -> int:
    try:
        runs = load_runs(args.results)
        items = {item.id: item for item in catalogue.load(args.catalogue)}
    except (ValueError, LoadError) as e:
        print(f"sockspec behaviours: {e}", file=sys.stderr)
        return 2
    sys.stdout.write(render(runs, items))
    return 0


COMMAND = ("behaviours", "Markdown list of the platform-dependent behaviours runs observed",
           add_arguments, run)
