"""Scenario files: load, validate, and multiply into cases (docs/scenario-format.md).

Every error raised here is a LoadError whose text starts with `file:line:`. A format-2
file is first desugared into format 1's tables (load/format2.py); the validation below
is the only one, for both formats.
"""
from __future__ import annotations

import os
import re
import tomllib
from typing import Any, Callable

from ..model.errors import LoadError
from ..model.scenario import (CHECK_WINDOWS, DEFAULT_CASE_TIMEOUT, DEFAULT_STEP_TIMEOUT,
                              EXPECT_TYPES, HARNESS_OPS, IDENT, MATCH_MODES, PROGRAM_OPS, REQUIREMENTS,
                              TEMPLATES, VARIANT_NAME, Actor, Axis, Check, Scenario, Step)
from . import format2, refs
from .sourcemap import SourceMap
from .topology import template_hosts


# --------------------------------------------------------------------------- loading

class _Loader:
    def __init__(self, path: str, lines: Any, hosts_of: Callable[[str], dict]):
        self.path = path
        self.map = lines          # a SourceMap, or format 2's LineMap: line_of(path)
        self.hosts_of = hosts_of

    def fail(self, where: tuple, message: str) -> LoadError:
        return LoadError(self.path, self.map.line_of(where), message)

    # ---- small typed accessors: each error names the key's line
    def table(self, data: dict, where: tuple, allowed: dict[str, Any],
              required: tuple[str, ...] = ()) -> dict:
        if not isinstance(data, dict):
            raise self.fail(where, f"{_name(where)} must be a table")
        for key in data:
            if key not in allowed:
                raise self.fail(where + (key,), f"unknown key {key!r} in {_name(where)} "
                                f"(allowed: {', '.join(allowed)})")
        for key in required:
            if key not in data:
                raise self.fail(where, f"{_name(where)} needs {key!r}")
        for key, kind in allowed.items():
            if key in data and kind is not None and not _is(data[key], kind):
                raise self.fail(where + (key,), f"{_name(where + (key,))} must be "
                                f"{_kind_name(kind)}, not {_toml_type(data[key])}")
        return data

    def load(self, data: dict) -> Scenario:
        self.table(data, (), {"format": int, "scenario": dict, "variants": dict, "vars": dict,
                              "topology": dict, "actor": list, "step": list, "check": list,
                              "capture": dict}, required=("format", "scenario"))
        if data["format"] != 1:
            raise self.fail(("format",), f"format must be 1 or 2, not {data['format']}")
        sc = self.scenario_table(data["scenario"])
        sc.topology = self.topology(data.get("topology", {"template": "single"}))
        try:
            sc.hosts = self.hosts_of(sc.template)
        except ValueError as e:
            raise self.fail(("topology", "template"), str(e))
        sc.axes = self.variants(data.get("variants", {}))
        sc.vars = self.vars(data.get("vars", {}), sc.axes)
        sc.capture = self.capture(data.get("capture", {}), sc)
        sc.actors = self.actors(data.get("actor", []), sc)
        sc.steps = self.steps(data.get("step", []), sc)
        sc.checks = self.checks(data.get("check", []), sc)
        self.topology_refs(sc)
        self.add_implied_requirements(sc)
        return sc

    def scenario_table(self, t: dict) -> Scenario:
        w = ("scenario",)
        self.table(t, w, {"id": str, "title": str, "description": str, "seed": list,
                          "features": list, "requires": list, "timeout": (int, float),
                          "platform": list}, required=("id", "title", "seed"))
        expected_id = _id_from_path(self.path)
        if expected_id and t["id"] != expected_id:
            raise self.fail(w + ("id",), f"scenario id {t['id']!r} must be {expected_id!r} "
                            f"(<area>/<file name without .toml>)")
        for key in ("seed", "features", "requires", "platform"):
            if key in t:
                self.strings(t[key], w + (key,))
        if not t["seed"]:
            raise self.fail(w + ("seed",), "seed must name at least one entry of socket.rst")
        for r in t.get("requires", []):
            if r not in REQUIREMENTS:
                raise self.fail(w + ("requires",), f"unknown requirement {r!r} "
                                f"(known: {', '.join(REQUIREMENTS)})")
        timeout = float(t.get("timeout", DEFAULT_CASE_TIMEOUT))
        if timeout <= 0:
            raise self.fail(w + ("timeout",), "timeout must be positive")
        return Scenario(path=self.path, id=t["id"], title=t["title"], seed=t["seed"],
                        description=t.get("description", ""), features=t.get("features", []),
                        requires=list(t.get("requires", [])), timeout=timeout,
                        platform=t.get("platform", []))

    def strings(self, value: list, where: tuple) -> None:
        if not all(isinstance(v, str) for v in value):
            raise self.fail(where, f"{_name(where)} must be a list of strings")

    def topology(self, t: dict) -> dict:
        w = ("topology",)
        self.table(t, w, {"template": str, "mtu": int, "sysctl": dict, "filter": list,
                          "neighbour": list, "hosts": list, "services": list,
                          "hostname": dict}, required=("template",))
        if t["template"] not in TEMPLATES:
            raise self.fail(w + ("template",), f"unknown template {t['template']!r} "
                            f"(one of {', '.join(TEMPLATES)})")
        if "mtu" in t and not 68 <= t["mtu"] <= 65535:
            raise self.fail(w + ("mtu",), "mtu must be within 68..65535")
        for host, table in t.get("sysctl", {}).items():
            if not isinstance(table, dict):
                raise self.fail(w + ("sysctl", host), f"sysctl.{host} must be a table")
            for key, value in table.items():
                if not isinstance(value, (int, str)):
                    raise self.fail(w + ("sysctl", host), f"sysctl {key} must be an integer "
                                    f"or a string")
        specs = {"filter": ({"host": str, "chain": str, "rule": str}, ("host", "chain", "rule")),
                 "neighbour": ({"host": str, "address": str, "lladdr": str},
                               ("host", "address", "lladdr")),
                 "hosts": ({"address": str, "names": list}, ("address", "names")),
                 "services": ({"name": str, "port": int, "proto": str, "aliases": list},
                              ("name", "port", "proto"))}
        for key, (allowed, required) in specs.items():
            for i, entry in enumerate(t.get(key, [])):
                self.table(entry, w + (key, i), allowed, required)
        for entry in t.get("filter", []):
            if entry["chain"] not in ("input", "output", "forward"):
                raise self.fail(w + ("filter",), f"chain must be input, output or forward, "
                                f"not {entry['chain']!r}")
        for host, name in t.get("hostname", {}).items():
            if not isinstance(name, str):
                raise self.fail(w + ("hostname", host), "a hostname must be a string")
        return t

    def topology_refs(self, sc: Scenario) -> None:
        t = sc.topology
        w = ("topology",)
        hosts = set(sc.hosts)
        for key in ("sysctl", "hostname"):
            for host in t.get(key, {}):
                if host not in hosts:
                    raise self.fail(w + (key, host), f"unknown host {host!r} in topology.{key}")
        for key in ("filter", "neighbour"):
            for i, entry in enumerate(t.get(key, [])):
                if entry["host"] not in hosts:
                    raise self.fail(w + (key, i, "host"), f"unknown host {entry['host']!r}")
        ctx = self.context(sc, set())
        for key in ("filter", "neighbour", "hosts"):
            for i, entry in enumerate(t.get(key, [])):
                self.refs(entry, ctx, w + (key, i))

    def variants(self, t: dict) -> list[Axis]:
        axes = []
        for axis, spec in t.items():
            w = ("variants", axis)
            if not IDENT.fullmatch(axis) or axis in ("af", "tmp"):
                raise self.fail(w, f"axis name {axis!r} must be an identifier other than af/tmp")
            variants: list[tuple[str, dict]] = []
            if axis == "ip":
                if not isinstance(spec, list) or not spec or any(v not in (4, 6) for v in spec):
                    raise self.fail(w, "ip must be a list of 4 and/or 6")
                variants = [(f"ipv{v}", {"ip": v, "af": "AF_INET6" if v == 6 else "AF_INET"})
                            for v in spec]
            elif isinstance(spec, list):
                if not spec:
                    raise self.fail(w, f"axis {axis!r} has no variants")
                for v in spec:
                    if isinstance(v, (dict, list)):
                        raise self.fail(w, f"axis {axis!r}: a list axis holds scalars; use "
                                        f"[variants.{axis}] with named tables for structures")
                    variants.append((_variant_name(v), {axis: v}))
            elif isinstance(spec, dict):
                if not spec:
                    raise self.fail(w, f"axis {axis!r} has no variants")
                for name, values in spec.items():
                    if not isinstance(values, dict):
                        raise self.fail(w + (name,), f"variant {axis}.{name} must be a table "
                                        f"of variables")
                    for var in values:
                        if not IDENT.fullmatch(var) or var in refs.BUILTIN_VARS:
                            raise self.fail(w + (name, var), f"{var!r} is not a usable "
                                            f"variable name")
                    variants.append((name, dict(values)))
            else:
                raise self.fail(w, f"axis {axis!r} must be a list or a table of variants")
            for name, _ in variants:
                if not VARIANT_NAME.fullmatch(name):
                    raise self.fail(w, f"variant name {name!r} may hold letters, digits, "
                                    f"'.', '_', '+', '-' only")
            names = [n for n, _ in variants]
            dup = {n for n in names if names.count(n) > 1}
            if dup:
                raise self.fail(w, f"axis {axis!r} has duplicate variant names {sorted(dup)}")
            axes.append(Axis(axis, variants))
        return axes

    def vars(self, t: dict, axes: list[Axis]) -> dict:
        axis_vars = {v for axis in axes for _, vs in axis.variants for v in vs}
        for name in t:
            if not IDENT.fullmatch(name) or name in refs.BUILTIN_VARS:
                raise self.fail(("vars", name), f"{name!r} is not a usable variable name")
            if name in axis_vars:
                raise self.fail(("vars", name), f"${name} is also set by a variant")
        return dict(t)

    def capture(self, t: dict, sc: Scenario) -> dict:
        # golden = false: the case's flow is timing-dependent; no golden capture (golden.py)
        self.table(t, ("capture",), {"host": str, "iface": str, "golden": bool})
        if "host" in t and t["host"] not in sc.hosts:
            raise self.fail(("capture", "host"), f"unknown host {t['host']!r}")
        return t

    def actors(self, items: list, sc: Scenario) -> dict[str, Actor]:
        actors: dict[str, Actor] = {}
        for i, t in enumerate(items):
            w = ("actor", i)
            self.table(t, w, {"name": str, "host": str, "kind": str}, required=("name", "host"))
            if t["name"] in actors:
                raise self.fail(w + ("name",), f"duplicate actor {t['name']!r}")
            if not IDENT.fullmatch(t["name"]):
                raise self.fail(w + ("name",), f"actor name {t['name']!r} must be an identifier")
            if t["host"] not in sc.hosts or "v4" not in sc.hosts[t["host"]] or \
                    t["host"] == "silent":
                raise self.fail(w + ("host",), f"unknown host {t['host']!r} for template "
                                f"{sc.template!r} (hosts: {', '.join(_real_hosts(sc))})")
            kind = t.get("kind", "agent")
            if kind not in ("agent", "program"):
                raise self.fail(w + ("kind",), f"kind must be 'agent' or 'program', not {kind!r}")
            actors[t["name"]] = Actor(t["name"], t["host"], kind)
        return actors

    def context(self, sc: Scenario, saved: set[str], pending: set[str] = frozenset()) -> refs.Context:
        names = {"ip": 4, "af": "AF_INET", "tmp": "/tmp"}
        names.update(sc.vars)
        for axis in sc.axes:
            for _, values in axis.variants:
                names.update(values)
        written = set(names) - set(refs.BUILTIN_VARS)   # values that may hold references
        names.update({n: f"${n}" for n in saved})
        return refs.Context(vars=names, hosts=set(sc.hosts), pending=set(pending) - set(names),
                            scenario_vars=written - set(saved))

    def refs(self, value: Any, ctx: refs.Context, where: tuple, is_filter: bool = False) -> None:
        try:
            if is_filter:
                refs.check_filter(value, ctx)
            else:
                refs.check(value, ctx)
        except refs.RefError as e:
            # Point at the innermost key that holds the bad reference.
            raise self.fail(_locate_ref(value, where, ctx, is_filter), str(e))

    def steps(self, items: list, sc: Scenario) -> list[Step]:
        steps: list[Step] = []
        ids: dict[str, Step] = {}
        saved: set[str] = set()
        handles: dict[str, set[str]] = {name: set() for name in sc.actors}
        pending_async: dict[str, Step] = {}      # actor -> its unanswered async step
        awaited: set[str] = set()
        all_saves = {v for t in items if isinstance(t, dict) and isinstance(t.get("save"), dict)
                     for v in t["save"]}
        derived: dict[str, int] = {}            # default name -> times used so far
        for i, t in enumerate(items):
            w = ("step", i)
            self.table(t, w, {"id": str, "actor": str, "op": str, "sock": str, "file": str,
                              "as": (str, list), "args": dict, "expect": dict, "save": dict,
                              "async": bool, "timeout": (int, float), "step": str,
                              "optional": bool},
                       required=("op",))
            op = t["op"]
            sid = t["id"] if "id" in t else default_step_id(t, derived)
            step = Step(index=i + 1, id=sid, op=op, line=self.map.line_of(w))
            if step.id in ids:
                raise self.fail(w + ("id",), f"duplicate step id {step.id!r} (also step "
                                f"{ids[step.id].index})")
            if step.id.startswith("check:"):
                raise self.fail(w + ("id",), "step ids must not start with 'check:'")
            timeout = float(t.get("timeout", DEFAULT_STEP_TIMEOUT))
            if timeout <= 0:
                raise self.fail(w + ("timeout",), "timeout must be positive")
            step.timeout = timeout
            step.timeout_set = "timeout" in t
            ctx = self.context(sc, saved, all_saves)
            if op == "await":
                for key in ("actor", "sock", "file", "as", "args", "async"):
                    if key in t:
                        raise self.fail(w + (key,), f"an await step takes no {key!r} (it "
                                        f"collects the answer of the step named by 'step')")
                target = t.get("step")
                if target is None:
                    raise self.fail(w, "await needs step = \"<id of an async step>\"")
                if target not in ids or not ids[target].async_:
                    raise self.fail(w + ("step",), f"await names {target!r}, which is not an "
                                    f"earlier async step")
                if target in awaited:
                    raise self.fail(w + ("step",), f"step {target!r} is already awaited")
                awaited.add(target)
                pending_async.pop(ids[target].actor, None)
                step.await_step = target
                origin = ids[target]
                step.actor = origin.actor
            else:
                if "step" in t:
                    raise self.fail(w + ("step",), "only await steps take 'step'")
                actor_name = t.get("actor")
                if actor_name is None:
                    raise self.fail(w, f"step {step.id!r} needs an actor")
                if actor_name not in sc.actors:
                    raise self.fail(w + ("actor",), f"unknown actor {actor_name!r} (actors: "
                                    f"{', '.join(sc.actors) or 'none'})")
                actor = sc.actors[actor_name]
                step.actor = actor_name
                if actor.kind == "program" and op not in PROGRAM_OPS:
                    raise self.fail(w + ("op",), f"program actor {actor_name!r} takes only "
                                    f"{', '.join(PROGRAM_OPS)}, not {op!r}")
                if actor.kind == "agent" and op in PROGRAM_OPS:
                    raise self.fail(w + ("op",), f"{op!r} is for program actors; "
                                    f"{actor_name!r} is an agent")
                if actor_name in pending_async:
                    raise self.fail(w + ("actor",), f"actor {actor_name!r} still has async step "
                                    f"{pending_async[actor_name].id!r} unanswered: await it "
                                    f"before sending it anything else")
                if t.get("async"):
                    if actor.kind != "agent":
                        raise self.fail(w + ("async",), "only agent operations can be async")
                    if "id" not in t:
                        raise self.fail(w + ("async",), "an async step needs an id (await "
                                        "names it)")
                    pending_async[actor_name] = step
                    step.async_ = True
                for key in ("sock", "file"):
                    handle = t.get(key)
                    if handle is not None and handle not in handles[actor_name]:
                        raise self.fail(w + (key,), f"unknown handle {handle!r} for actor "
                                        f"{actor_name!r} (no earlier step of that actor "
                                        f"creates it with 'as')")
                step.sock, step.file = t.get("sock"), t.get("file")
                if "as" in t:
                    names = t["as"] if isinstance(t["as"], list) else [t["as"]]
                    if not all(isinstance(n, str) and n for n in names):
                        raise self.fail(w + ("as",), "'as' is a handle name or a list of them")
                    handles[actor_name].update(names)
                    step.as_ = t["as"]
                step.args = t.get("args", {})
                self.refs(step.args, ctx, w + ("args",))
                if op == "spawn":
                    self.spawn_args(step.args, w)
            if "expect" in t:
                self.expect(t["expect"], w + ("expect",))
                self.refs(t["expect"], ctx, w + ("expect",))
                step.expect = t["expect"]
            if "save" in t:
                if step.async_:
                    raise self.fail(w + ("save",), "an async step's answer arrives at its "
                                    "await: put 'save' on the await step")
                for var, p in t["save"].items():
                    if not IDENT.fullmatch(var) or var in refs.BUILTIN_VARS:
                        raise self.fail(w + ("save", var), f"{var!r} is not a usable variable name")
                    if not isinstance(p, list) or not all(isinstance(x, (str, int)) for x in p):
                        raise self.fail(w + ("save", var), f"save path for ${var} must be a list "
                                        f"of keys and indexes ([] = the whole result)")
                step.save = t["save"]
                saved.update(t["save"])
            if t.get("optional"):
                self.optional_step(t, step, sc, w)
            ids[step.id] = step
            steps.append(step)
        for step in steps:
            if step.async_ and step.id not in awaited:
                raise self.fail(("step", step.index - 1, "async"),
                                f"async step {step.id!r} is never awaited")
        return steps

    def optional_step(self, t: dict, step: Step, sc: Scenario, w: tuple) -> None:
        """An optional step may be skipped, so nothing later may depend on it: it is an
        agent operation that creates no handle, saves no variable and is not async."""
        if step.op in HARNESS_OPS or sc.actors[step.actor].kind != "agent":
            raise self.fail(w + ("optional",), f"only agent operations can be optional, "
                            f"not {step.op!r}")
        for key, what in (("as", "creates a handle"), ("save", "saves a variable"),
                          ("async", "is async")):
            if t.get(key):
                raise self.fail(w + ("optional",), f"an optional step may be skipped, so it "
                                f"must not be one later steps depend on; this one {what}")
        step.optional = True

    def spawn_args(self, args: dict, w: tuple) -> None:
        self.table(args, w + ("args",), {"program": str, "argv": list, "env": dict},
                   required=("program",))

    def expect(self, t: dict, w: tuple) -> None:
        self.table(t, w, {"ok": bool, "result": None, "one_of": list, "error": (str, list),
                          "contains": dict, "type": str, "len": int, "regex": str,
                          "address": list, "elapsed": (list, dict), "record": str})
        if "type" in t and t["type"] not in EXPECT_TYPES:
            raise self.fail(w + ("type",), f"unknown type {t['type']!r} (one of "
                            f"{', '.join(EXPECT_TYPES)})")
        if "error" in t and isinstance(t["error"], list) and not all(
                isinstance(e, str) for e in t["error"]):
            raise self.fail(w + ("error",), "error must be a name or a list of names")
        if "address" in t and not 1 <= len(t["address"]) <= 2:
            raise self.fail(w + ("address",), "address is [host] or [host, port]")
        if "elapsed" in t and isinstance(t["elapsed"], dict):
            e = t["elapsed"]
            value = e.get("timeout")
            if set(e) != {"timeout"} or isinstance(value, bool) or \
                    not isinstance(value, (int, float)) or value <= 0:
                raise self.fail(w + ("elapsed",), "elapsed is [min, max] in seconds or "
                                "{ timeout = seconds } (a timeout firing), a positive number")
        elif "elapsed" in t:
            e = t["elapsed"]
            if len(e) != 2 or not all(isinstance(x, (int, float)) and not isinstance(x, bool)
                                      for x in e):
                raise self.fail(w + ("elapsed",), "elapsed is [min, max] in seconds (-1: no bound)")
        if "regex" in t:
            try:
                re.compile(t["regex"])
            except re.error as e:
                raise self.fail(w + ("regex",), f"bad regex: {e}")
        if t.get("ok") is True and "error" in t and not ("one_of" in t or "result" in t):
            raise self.fail(w + ("ok",), "ok = true contradicts error")
        if "record" in t and not ("one_of" in t or "error" in t):
            raise self.fail(w + ("record",), "record needs one_of and/or error listing what "
                            "the seed permits")

    def checks(self, items: list, sc: Scenario) -> list[Check]:
        checks = []
        ids: set[str] = set()
        ctx = self.context(sc, {s for step in sc.steps for s in step.save})
        for i, t in enumerate(items):
            w = ("check", i)
            self.table(t, w, {"id": str, "filter": str, "count": int, "count_min": int,
                              "count_max": int, "fields": list, "sequence": list, "match": str,
                              "retransmissions": bool, "window": str},
                       required=("id", "filter"))
            if t["id"] in ids:
                raise self.fail(w + ("id",), f"duplicate check id {t['id']!r}")
            ids.add(t["id"])
            for key in ("fields", "sequence"):
                if key in t:
                    self.strings(t[key], w + (key,))
            if "sequence" in t and "fields" not in t:
                raise self.fail(w + ("sequence",), "sequence needs fields (what to read from "
                                "each packet)")
            if not any(k in t for k in ("count", "count_min", "count_max", "sequence")):
                raise self.fail(w, f"check {t['id']!r} asserts nothing: give count, count_min, "
                                f"count_max or sequence")
            if t.get("match", "exact") not in MATCH_MODES:
                raise self.fail(w + ("match",), f"match must be one of {', '.join(MATCH_MODES)}")
            if t.get("window", "case") not in CHECK_WINDOWS:
                raise self.fail(w + ("window",), f"window must be one of "
                                f"{', '.join(CHECK_WINDOWS)}")
            self.refs(t["filter"], ctx, w + ("filter",), is_filter=True)
            checks.append(Check(id=t["id"], filter=t["filter"], count=t.get("count"),
                                count_min=t.get("count_min"), count_max=t.get("count_max"),
                                fields=t.get("fields"), sequence=t.get("sequence"),
                                match=t.get("match", "exact"),
                                retransmissions=t.get("retransmissions", False),
                                window=t.get("window", "case"), line=self.map.line_of(w)))
        return checks

    def add_implied_requirements(self, sc: Scenario) -> None:
        implied = set(sc.requires)
        if sc.checks:
            implied.add("capture")
        if sc.template != "single":
            implied.add("netns")
        if any(a.kind == "program" for a in sc.actors.values()):
            implied.add("programs")
        sc.requires = sorted(implied)


def default_step_id(t: dict, seen: dict[str, int]) -> str:
    """The name of a step without an id: `<actor>.<op>.<handle>` (the handle it works on,
    else the one it creates), `await.<async id>` for an await. A name used again gets
    `~2`, `~3`…: inserting an unrelated step renames nothing, and no name depends on a
    step's position (docs/scenario-format.md, "Step names")."""
    if t["op"] == "await":
        base = f"await.{t.get('step')}"
    else:
        handle = t.get("sock") or t.get("file") or t.get("as")
        if isinstance(handle, list):
            handle = handle[0] if handle else None
        base = ".".join(str(p) for p in (t.get("actor"), t["op"], handle) if p)
    seen[base] = seen.get(base, 0) + 1
    return base if seen[base] == 1 else f"{base}~{seen[base]}"


def _locate_ref(value: Any, where: tuple, ctx: refs.Context, is_filter: bool) -> tuple:
    """The path of the innermost key in value whose reference is bad."""
    if isinstance(value, dict) and not refs.is_null_form(value):
        for k, v in value.items():
            try:
                if is_filter:
                    refs.check_filter(v, ctx)
                else:
                    refs.check(v, ctx)
            except refs.RefError:
                return _locate_ref(v, where + (k,), ctx, is_filter)
    return where


def _is(value: Any, kind: Any) -> bool:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool):
        return bool in kinds
    return isinstance(value, kinds)


def _kind_name(kind: Any) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {int: "an integer", float: "a number", str: "a string", list: "a list",
             dict: "a table", bool: "true or false"}
    if set(kinds) == {int, float}:
        return "a number"
    return " or ".join(names[k] for k in kinds)


def _toml_type(value: Any) -> str:
    return {bool: "a boolean", int: "an integer", float: "a float", str: "a string",
            list: "a list", dict: "a table"}.get(type(value), type(value).__name__)


def _name(where: tuple) -> str:
    """("step", 2, "args") -> "step #3.args" (people count steps from 1)."""
    if not where:
        return "the file"
    out = ""
    for p in where:
        out += f" #{p + 1}" if isinstance(p, int) else ("." if out else "") + p
    return out


def _variant_name(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _real_hosts(sc: Scenario) -> list[str]:
    return [h for h in sc.hosts if h != "silent"]


def _id_from_path(path: str) -> str | None:
    parts = os.path.normpath(os.path.abspath(path)).split(os.sep)
    if len(parts) < 2 or not parts[-1].endswith(".toml"):
        return None
    return f"{parts[-2]}/{parts[-1][:-5]}"


def default_hosts_of(template: str) -> dict:
    return template_hosts(template)


def load(path: str, hosts_of: Callable[[str], dict] | None = None) -> Scenario:
    """Load and validate one scenario file; raise LoadError naming file:line."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise LoadError(path, 0, f"cannot read: {e.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise LoadError(path, raw[:e.start].count(b"\n") + 1, "not UTF-8") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"\(at line (\d+), column \d+\)", str(e))
        line = int(m.group(1)) if m else 1
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(e)) if m else str(e)
        raise LoadError(path, line, f"TOML syntax: {message}") from None
    smap = SourceMap(text)
    lines: Any = smap
    version = data.get("format")
    if "format" in data and (isinstance(version, bool) or version not in (1, 2)):
        raise LoadError(path, smap.line_of(("format",)), f"format must be 1 or 2, not "
                        f"{version!r}")
    if version == 2:
        data, lines = format2.desugar(data, smap, path, _id_from_path(path) or "")
    return _Loader(path, lines, hosts_of or default_hosts_of).load(data)


def discover(root: str) -> list[str]:
    """Scenario files under root (conformance/scenarios), in a stable order."""
    found = []
    for area in sorted(os.listdir(root)) if os.path.isdir(root) else []:
        adir = os.path.join(root, area)
        if not os.path.isdir(adir):
            continue
        for name in sorted(os.listdir(adir)):
            if name.endswith(".toml"):
                found.append(os.path.join(adir, name))
    return found


def load_all(root: str, hosts_of: Callable[[str], dict] | None = None
             ) -> tuple[list[Scenario], list[LoadError]]:
    scenarios, errors = [], []
    for path in discover(root):
        try:
            scenarios.append(load(path, hosts_of))
        except LoadError as e:
            errors.append(e)
    return scenarios, errors
