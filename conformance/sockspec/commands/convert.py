"""tools/sockspec convert: rewrite format-1 scenario files in format 2, mechanically.

    tools/sockspec convert FILE…|--all [--check] [--stats]

The converter folds the usual set-up sequences into compound steps (`bound`,
`listener`), writes printable payloads as `{ text = … }`, leaves out what the format-2
defaults give (a socket's `$af` and the scenario's socktype, backlog 1, implied
requirements, the `pair` template's silent neighbour), keeps comments (a step's
comments follow the step) and, before writing, proves that the result loads to the same
scenario as the original (`equivalent`): only names and line numbers may differ.
"""
from __future__ import annotations

import argparse
import collections
import json
import math
import os
import re
import sys
import tempfile
import tomllib
from dataclasses import asdict
from typing import Any

from ..load import format2, scenarios as loader
from ..model.errors import LoadError
from ..model.paths import SCENARIOS
from ..model.scenario import DEFAULT_CASE_TIMEOUT, Scenario

WIDTH = 100                      # a one-line array wider than this is wrapped
SILENT_LLADDR = "02:00:00:00:00:99"
_BARE = re.compile(r"[A-Za-z0-9_-]+")


# --------------------------------------------------------------------------- TOML text

def key(k: str) -> str:
    return k if _BARE.fullmatch(k) else json.dumps(k, ensure_ascii=False)


def value(v: Any) -> str:
    """v as a one-line TOML value."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)   # JSON's escapes are TOML's
    if isinstance(v, list):
        return "[" + ", ".join(value(x) for x in v) + "]"
    if isinstance(v, dict):
        if not v:
            return "{}"
        return "{ " + ", ".join(f"{key(k)} = {value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"no TOML form for {type(v).__name__}")


def assignment(name: str, v: Any, indent: str = "") -> list[str]:
    """`name = v`, wrapping a long list one element a line."""
    line = f"{indent}{name} = {value(v)}"
    if len(line) <= WIDTH or not isinstance(v, list) or len(v) < 2:
        return [line]
    if all(not isinstance(x, (dict, list)) for x in v):     # a list of scalars: fill lines
        out, current = [], f"{indent}{name} = ["
        pad = " " * len(current)
        for i, x in enumerate(v):
            item = value(x) + ("," if i < len(v) - 1 else "]")
            if len(current) + len(item) + 1 > WIDTH and current.strip() not in ("", f"{name} = ["):
                out.append(current.rstrip())
                current = pad
            current += item + " "
        return out + [current.rstrip()]
    return ([f"{indent}{name} = ["] + [f"{indent}  {value(x)}," for x in v] + [f"{indent}]"])


def multiline(name: str, text: str) -> list[str]:
    if '"""' in text or "\r" in text:
        return [f"{name} = {value(text)}"]
    body = text.replace("\\", "\\\\")
    # The text starts on the opening line: TOML would drop a newline there anyway.
    return f'{name} = """{body}"""'.split("\n")


# --------------------------------------------------------------------------- comments

def split_comment(line: str) -> tuple[str, str | None]:
    """(code, comment) of one TOML line; a # inside a one-line string is not a comment."""
    quote = None
    i = 0
    while i < len(line):
        c = line[i]
        if quote:
            if c == "\\" and quote == '"':
                i += 2
                continue
            if c == quote:
                quote = None
        elif c in "\"'":
            quote = c
        elif c == "#":
            return line[:i].rstrip(), line[i:]
        i += 1
    return line, None


_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\"'-]+)\s*\]\]?\s*(#.*)?$")


def comments_of(text: str) -> dict[tuple, list[str]]:
    """Comments by the section they belong to: ("step", i), ("check", i), ("capture",),
    ("top",). A block of comment lines belongs to the section that follows it; a comment
    at the end of a line belongs to the section the line is in."""
    out: dict[tuple, list[str]] = collections.defaultdict(list)
    counts: dict[str, int] = collections.Counter()
    section: tuple = ("top",)
    pending: list[str] = []
    in_string = False
    for line in text.splitlines():
        if in_string:
            in_string = line.count('"""') % 2 == 0
            continue
        stripped = line.strip()
        if stripped.startswith("#"):
            pending.append(stripped)
            continue
        m = _HEADER.match(line)
        if m:
            name = m.group(1)
            if name in ("step", "check") and line.lstrip().startswith("[["):
                section = (name, counts[name])
                counts[name] += 1
            elif name == "capture":
                section = ("capture",)
            else:
                section = ("top",) if name != "scenario" else ("scenario",)
            out[section] += pending
            pending = []
            continue
        if not stripped:
            continue
        out[section] += pending
        pending = []
        code, comment = split_comment(line)
        if code.count('"""') % 2 == 1:
            in_string = True
        if comment and section[0] in ("step", "check"):
            out[section].append(comment)
    out[section] += pending
    return out


# --------------------------------------------------------------------------- payloads

def hex_to_text(v: Any) -> Any:
    """{ hex = … } of printable ASCII as { text = … } (only a lowercase hex, so that the
    loaded bytes are spelled exactly as before)."""
    if isinstance(v, dict):
        if v.keys() == {"hex"} and isinstance(v["hex"], str) and _printable(v["hex"]):
            return {"text": bytes.fromhex(v["hex"]).decode("ascii")}
        return {k: hex_to_text(x) for k, x in v.items()}
    if isinstance(v, list):
        return [hex_to_text(x) for x in v]
    return v


def _printable(h: str) -> bool:
    if h != h.lower() or not re.fullmatch(r"(?:[0-9a-f]{2})+", h):
        return False
    return all(0x20 <= b < 0x7f or b == 0x0a for b in bytes.fromhex(h))


# --------------------------------------------------------------------------- steps

class StepWriter:
    def __init__(self, actors: list[str], socktype: str):
        self.actors = actors
        self.socktype = socktype

    def socket_args(self, args: dict) -> dict:
        out: dict[str, Any] = {}
        family, stype = args.get("family", False), args.get("type", False)
        if family != "$af":
            out["family"] = family
        if stype != self.socktype:
            out["type"] = stype
        out.update((k, v) for k, v in args.items() if k not in ("family", "type"))
        return out

    def step(self, t: dict) -> dict:
        if t["op"] == "await":
            out: dict[str, Any] = {"await": t["step"]}
            if "id" in t:
                out["id"] = t["id"]
        else:
            out = {t["actor"]: t["op"]}
            if t.get("async"):
                out["async"] = t["id"]
            elif "id" in t:
                out["id"] = t["id"]
            for f1, f2 in (("sock", "on"), ("file", "file"), ("as", "as")):
                if f1 in t:
                    out[f2] = t[f1]
            args = t.get("args", {})
            if t["op"] == "socket":
                args = self.socket_args(args)
            args = hex_to_text(args)
            nested = {k: v for k, v in args.items()
                      if k in format2.STEP_KEYS or k in self.actors}
            out.update((k, v) for k, v in args.items() if k not in nested)
            if nested:
                out["args"] = nested
        if "expect" in t:
            expect = hex_to_text(t["expect"])
            if expect.keys() == {"error"}:
                out["err"] = expect["error"]
            elif expect.keys() == {"result"}:
                out["is"] = expect["result"]
            else:
                out["expect"] = expect
        if "save" in t:
            out["save"] = t["save"]
        if "timeout" in t:
            out["within"] = t["timeout"]
        return out

    def fold(self, steps: list[dict], i: int) -> tuple[dict, int] | None:
        """A compound step for steps[i:], and how many steps it replaces; or None."""
        s = steps[i]
        if s["op"] != "socket" or not _plain(s, {"as", "args"}) or not isinstance(s.get("as"), str) \
                or not set(s.get("args", {})) <= {"family", "type", "proto"}:
            return None
        actor, handle = s["actor"], s["as"]

        def next_is(j: int, op: str, keys: set) -> dict | None:
            if j < len(steps) and steps[j]["op"] == op and steps[j].get("actor") == actor \
                    and steps[j].get("sock") == handle and _plain(steps[j], keys | {"sock"}):
                return steps[j]
            return None

        bind = next_is(i + 1, "bind", {"args"})
        address = (bind or {}).get("args", {}).get("address")
        if bind is None or bind["args"].keys() != {"address"} or not isinstance(address, list) \
                or len(address) != 2:
            return None
        at = address[0] if address[1] == 0 and isinstance(address[0], str) else address
        out: dict[str, Any] = {actor: "bound", "as": handle, "at": at}
        out.update(self.socket_args(s.get("args", {})))
        n = 2
        name = next_is(i + n, "getsockname", {"save"})
        save = (name or {}).get("save", {})
        if name is not None and len(save) == 1 and list(save.values()) == [[1]]:
            out["save_port"] = next(iter(save))
            n += 1
        listen = next_is(i + n, "listen", {"args"})
        if listen is not None and set(listen.get("args", {})) <= {"backlog"}:
            out[actor] = "listener"
            backlog = listen.get("args", {}).get("backlog", False)
            if backlog != format2.DEFAULT_BACKLOG:
                out["backlog"] = backlog
            n += 1
        return out, n


def _plain(step: dict, keys: set) -> bool:
    """Only actor, op and these keys: nothing a compound step could not say."""
    return "actor" in step and set(step) - {"actor", "op"} <= keys


def choose_socktype(steps: list[dict]) -> str:
    types = collections.Counter(s.get("args", {}).get("type") for s in steps
                                if s["op"] == "socket"
                                and isinstance(s.get("args", {}).get("type"), str))
    stream, dgram = types.get("SOCK_STREAM", 0), types.get("SOCK_DGRAM", 0)
    return "SOCK_DGRAM" if dgram > stream else format2.DEFAULT_SOCKTYPE


# --------------------------------------------------------------------------- files

def convert_text(text: str) -> str:
    """Format-1 text -> format-2 text (no check here; see `equivalent`)."""
    data = tomllib.loads(text)
    comments = comments_of(text)
    sc = data["scenario"]
    topology = dict(data.get("topology", {"template": "single"}))
    actors = data.get("actor", [])
    steps = data.get("step", [])
    out = ["format = 2"]
    out += assignment("title", sc["title"])
    if "description" in sc:
        out += multiline("description", sc["description"])
    implied = implied_requirements(data, topology)
    requires = [r for r in sc.get("requires", []) if r not in implied]
    for name, v in (("seed", sc["seed"]), ("features", sc.get("features")),
                    ("requires", requires), ("platform", sc.get("platform"))):
        if v:
            out += assignment(name, v)
    if float(sc.get("timeout", DEFAULT_CASE_TIMEOUT)) != DEFAULT_CASE_TIMEOUT:
        out += assignment("timeout", sc["timeout"])
    out += comments.get(("top",), []) + comments.get(("scenario",), [])
    out += tables("variants", {axis: ({n: {v: hex_to_text(x) for v, x in table.items()}
                                       for n, table in spec.items()}
                                      if isinstance(spec, dict) else spec)
                               for axis, spec in data.get("variants", {}).items()})
    out += tables("vars", {v: hex_to_text(x) for v, x in data.get("vars", {}).items()})
    out += topology_lines(topology)
    if "capture" in data:
        out += comments.get(("capture",), [])
        out += assignment("capture", data["capture"])
    out += assignment("actors", {a["name"]: a["host"] if a.get("kind", "agent") == "agent"
                                 else {"host": a["host"], "kind": a["kind"]} for a in actors})
    socktype = choose_socktype(steps)
    if socktype != format2.DEFAULT_SOCKTYPE:
        out += assignment("socktype", socktype)
    writer = StepWriter([a["name"] for a in actors], socktype)
    out.append("steps = [")
    i = 0
    while i < len(steps):
        folded = writer.fold(steps, i)
        line, n = folded if folded else (writer.step(steps[i]), 1)
        notes = [c for k in range(i, i + n) for c in comments.get(("step", k), [])]
        out += step_lines(line, notes)
        i += n
    out.append("]")
    if data.get("check"):
        out += ["", "[checks]"]
        for k, c in enumerate(data["check"]):
            body = {x: v for x, v in c.items() if x != "id" and not (x == "match" and v == "exact")}
            out += comments.get(("check", k), [])
            out += assignment(key(c["id"]), body)
    return "\n".join(out) + "\n"


def step_lines(step: dict, notes: list[str]) -> list[str]:
    """One line per step; its comments before it (a lone end-of-line comment stays there)."""
    line = f"  {value(step)},"
    if len(notes) == 1 and len(line) + len(notes[0]) < 110:
        return [f"{line}  {notes[0]}"]
    return [f"  {n}" for n in notes] + [line]


def tables(name: str, t: dict) -> list[str]:
    if not t:
        return []
    line = assignment(name, t)
    if len(line) == 1 and len(line[0]) <= WIDTH:
        return line
    out = []
    for k, v in t.items():
        if isinstance(v, dict) and v:
            for sub, x in v.items():
                out += assignment(f"{name}.{key(k)}.{key(sub)}", x)
        else:
            out += assignment(f"{name}.{key(k)}", v)
    return out


def topology_lines(t: dict) -> list[str]:
    if t.get("template") == "pair" and "neighbour" in t:
        # The pair template gives host a its static entries for @silent (both families).
        kept = [n for n in t["neighbour"] if not (
            n.get("host") == "a" and n.get("lladdr") == SILENT_LLADDR
            and n.get("address") in ("@silent", "@silent.v4", "@silent.v6"))]
        t = dict(t, neighbour=kept) if kept else {k: v for k, v in t.items() if k != "neighbour"}
    if set(t) == {"template"}:
        return [] if t["template"] == "single" else assignment("topology", t["template"])
    return tables("topology", t)


def implied_requirements(data: dict, topology: dict) -> set[str]:
    implied = set()
    if data.get("check"):
        implied.add("capture")
    if topology.get("template", "single") != "single":
        implied.add("netns")
    if any(a.get("kind") == "program" for a in data.get("actor", [])):
        implied.add("programs")
    return implied


# --------------------------------------------------------------------------- proof

def comparable(sc: Scenario) -> dict:
    """What a case runs: everything but names, positions and line numbers (and the
    silent neighbour, which the pair template now provides)."""
    d = asdict(sc)
    d.pop("path")
    topo = dict(d["topology"])
    if topo.get("template") == "pair":
        kept = [n for n in topo.get("neighbour", []) if not (
            n.get("lladdr") == SILENT_LLADDR and str(n.get("address")).startswith("@silent"))]
        topo.pop("neighbour", None)
        if kept:
            topo["neighbour"] = kept
    d["topology"] = topo
    for s in d["steps"]:
        for k in ("id", "index", "line"):
            s.pop(k)
    for c in d["checks"]:
        c.pop("line")
    d["cases"] = [(c.id, c.variant, c.vars, c.requires) for c in sc.cases()]
    return d


def equivalent(path: str, original: str, converted: str, tmpdir: str) -> str | None:
    """None when both texts load to the same scenario; else what differs."""
    a = _load_text(path, original, tmpdir)
    b = _load_text(path, converted, tmpdir)
    if isinstance(b, str):
        return f"the converted file does not load: {b}"
    if isinstance(a, str):
        return f"the original does not load: {a}"
    ca, cb = comparable(a), comparable(b)
    for k in ca:
        if ca[k] != cb[k]:
            if k == "steps":
                for i, (x, y) in enumerate(zip(ca[k], cb[k])):
                    if x != y:
                        return f"step {i + 1} differs: {x} != {y}"
            return f"{k} differs: {ca[k]!r} != {cb[k]!r}"
    async_a = [s.id for s in a.steps if s.async_]
    async_b = [s.id for s in b.steps if s.async_]
    return None if async_a == async_b else f"async step ids differ: {async_a} != {async_b}"


def _load_text(path: str, text: str, tmpdir: str) -> Scenario | str:
    # The loader takes the scenario id from the path: keep <area>/<name>.toml.
    area = os.path.basename(os.path.dirname(os.path.abspath(path)))
    target = os.path.join(tmpdir, area, os.path.basename(path))
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "w") as f:
        f.write(text)
    try:
        return loader.load(target)
    except LoadError as e:
        return str(e)


def file_format(text: str) -> int | None:
    try:
        return tomllib.loads(text).get("format")
    except tomllib.TOMLDecodeError:
        return None


# --------------------------------------------------------------------------- metrics

def stats(paths: list[str]) -> dict:
    """Lines per file and per loaded step (docs/scenario-format.md, "Size")."""
    lines = steps = 0
    for path in paths:
        with open(path) as f:
            lines += len(f.read().splitlines())
        steps += len(loader.load(path).steps)
    return {"files": len(paths), "lines": lines, "steps": steps,
            "lines_per_file": lines / max(len(paths), 1), "lines_per_step": lines / max(steps, 1)}


# --------------------------------------------------------------------------- command

def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="*", metavar="FILE", help="format-1 scenario files")
    p.add_argument("--all", action="store_true", help="every file of the catalog")
    p.add_argument("--check", action="store_true",
                   help="write nothing: convert in memory and prove each result equivalent")
    p.add_argument("--stats", action="store_true",
                   help="print lines per file and per step of the files (or the catalog)")
    p.add_argument("--scenarios", default=SCENARIOS, help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    paths = loader.discover(args.scenarios) if args.all or (args.stats and not args.files) \
        else args.files
    if not paths:
        print("convert: name files or give --all", file=sys.stderr)
        return 2
    if args.stats:
        s = stats(paths)
        print(f"{s['files']} files, {s['lines']} lines, {s['steps']} steps: "
              f"{s['lines_per_file']:.1f} lines per file, {s['lines_per_step']:.2f} per step")
        return 0
    failed = 0
    with tempfile.TemporaryDirectory(prefix="sockspec-convert-") as tmp:
        for path in paths:
            with open(path) as f:
                text = f.read()
            if file_format(text) == 2:
                continue
            try:
                new = convert_text(text)
            except (KeyError, TypeError, tomllib.TOMLDecodeError) as e:
                print(f"{path}: cannot convert: {e!r} (does it load?)", file=sys.stderr)
                failed += 1
                continue
            problem = equivalent(path, text, new, tmp)
            if problem:
                print(f"{path}: not converted: {problem}", file=sys.stderr)
                failed += 1
                continue
            before, after = len(text.splitlines()), len(new.splitlines())
            if not args.check:
                with open(path, "w") as f:
                    f.write(new)
            print(f"{path}: {before} -> {after} lines{' (checked)' if args.check else ''}")
    return 1 if failed else 0


COMMAND = ("convert", "rewrite format-1 scenario files in format 2 (--check: prove only)",
           add_arguments, run)
