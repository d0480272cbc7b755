"""Format 2, the short form of a scenario (docs/scenario-format.md), desugared into the
tables of format 1, which load/scenarios.py validates: one validator for both formats.

What is format 2's own is checked here (the shape of a step, its shorthands, compound
steps); everything else is passed on. `desugar` also returns a LineMap, which gives
for any format-1 path the validator names (("step", 7, "sock")) the line of the
format-2 text it came from, so that every error still reads `file:line: message`.
"""
from __future__ import annotations

from typing import Any

from ..model.errors import LoadError
from .sourcemap import SourceMap

# Top-level keys, and the format-1 [scenario] keys among them.
SCENARIO_KEYS = ("title", "description", "seed", "features", "requires", "timeout",
                 "platform")
TOP_KEYS = ("format", *SCENARIO_KEYS, "variants", "vars", "topology", "actors",
            "socktype", "steps", "checks", "capture")
# Keys a step may hold besides its `<actor> = "<op>"`; any other key is an argument.
STEP_KEYS = ("id", "await", "async", "on", "file", "as", "args", "expect", "err", "is",
             "save", "within", "optional")
AWAIT_KEYS = ("await", "id", "expect", "err", "is", "save", "within")
# Compound steps: one line for the usual set-up of a socket (socket, bind, and
# optionally getsockname to learn the port; `listener` then listens).
COMPOUNDS = ("bound", "listener")
COMPOUND_KEYS = {"bound": ("as", "at", "family", "type", "proto", "save_port"),
                 "listener": ("as", "at", "family", "type", "proto", "save_port", "backlog")}
DEFAULT_SOCKTYPE = "SOCK_STREAM"
DEFAULT_BACKLOG = 1
# Format-1 step keys and the format-2 keys that say the same (for line numbers).
F2_KEY = {"sock": "on", "timeout": "within", "step": "await", "error": "err", "result": "is"}


class LineMap:
    """line_of(format-1 path) for a desugared format-2 file."""

    def __init__(self, smap: SourceMap):
        self.smap = smap
        self.step_spans: list[tuple[int, int]] = smap.array_items("steps")
        self.step_origin: list[tuple[int, dict[str, str]]] = []   # (element, key map)
        self.actor_names: list[str] = []
        self.check_ids: list[str] = []
        self.topology_is_name = False

    def element(self, j: int) -> tuple[int, int]:
        if j < len(self.step_spans):
            return self.step_spans[j]
        line = self.smap.line_of(("steps",))
        return line, line

    def in_element(self, j: int, keys: list[str]) -> int:
        """The line of the last key of keys found inside element j, else its first line."""
        first, last = self.element(j)
        for key in reversed(keys):
            found = self.smap.find_key(key, first, last)
            if found is not None:
                return found
        return first

    def line_of(self, path: tuple) -> int:
        head, rest = (path[0], path[1:]) if path else (None, ())
        if head == "step" and rest and isinstance(rest[0], int):
            if rest[0] >= len(self.step_origin):
                return self.smap.line_of(("steps",))
            j, keymap = self.step_origin[rest[0]]
            keys = [k for k in rest[1:] if isinstance(k, str)]
            return self.in_element(j, [keymap.get(k, F2_KEY.get(k, k)) for k in keys])
        if head == "scenario":
            # Format 2 has no [scenario] table: its keys are top-level, led by format.
            return self.smap.line_of(rest if rest and rest[0] != "id" else ("format",))
        if head == "topology" and self.topology_is_name:
            return self.smap.line_of(("topology",))
        if head == "actor" and rest and isinstance(rest[0], int) \
                and rest[0] < len(self.actor_names):
            return self.smap.line_of(("actors", self.actor_names[rest[0]], *rest[1:]))
        if head == "check" and rest and isinstance(rest[0], int) \
                and rest[0] < len(self.check_ids):
            return self.smap.line_of(("checks", self.check_ids[rest[0]], *rest[1:]))
        return self.smap.line_of(path)


class _Desugar:
    def __init__(self, path: str, smap: SourceMap, scenario_id: str):
        self.path = path
        self.lines = LineMap(smap)
        self.scenario_id = scenario_id

    def fail(self, line: int, message: str) -> LoadError:
        return LoadError(self.path, line, message)

    def top_fail(self, key: str, message: str) -> LoadError:
        return self.fail(self.lines.smap.line_of((key,)), message)

    def run(self, data: dict) -> dict:
        for key in data:
            if key not in TOP_KEYS:
                raise self.top_fail(key, f"unknown key {key!r} (format 2 allows: "
                                    f"{', '.join(TOP_KEYS)})")
        out: dict[str, Any] = {"format": 1}
        out["scenario"] = {"id": self.scenario_id,
                           **{k: data[k] for k in SCENARIO_KEYS if k in data}}
        if "variants" in data:
            out["variants"] = variant_texts(data["variants"])
        if "vars" in data:
            out["vars"] = variable_texts(data["vars"])
        if "capture" in data:
            out["capture"] = data["capture"]
        out["topology"] = self.topology(data.get("topology", "single"))
        actors = self.actors(data.get("actors", {}))
        out["actor"] = actors
        socktype = data.get("socktype", DEFAULT_SOCKTYPE)
        if not isinstance(socktype, str):
            raise self.top_fail("socktype", "socktype must be a string (a SOCK_* name or $var)")
        steps = data.get("steps", [])
        if not isinstance(steps, list):
            raise self.top_fail("steps", "steps must be an array of inline tables, one a line")
        names = [a["name"] for a in actors]
        out["step"] = [s for j, t in enumerate(steps) for s in self.step(j, t, names, socktype)]
        out["check"] = self.checks(data.get("checks", {}))
        return out

    # ---- top-level tables
    def topology(self, value: Any) -> dict:
        if isinstance(value, str):
            self.lines.topology_is_name = True
            return {"template": value}
        if not isinstance(value, dict):
            raise self.top_fail("topology", "topology is a template name or a table")
        return value

    def actors(self, value: Any) -> list[dict]:
        if not isinstance(value, dict):
            raise self.top_fail("actors", 'actors must be a table: { name = "host", … }')
        out = []
        for name, spec in value.items():
            line = self.lines.smap.line_of(("actors", name))
            if name in STEP_KEYS:
                raise self.fail(line, f"actor name {name!r} is a step key; choose another")
            if isinstance(spec, str):
                out.append({"name": name, "host": spec})
            elif isinstance(spec, dict):
                out.append({"name": name, **spec})
            else:
                raise self.fail(line, f"actor {name!r} is a host name or "
                                      f'{{ host = "…", kind = "program" }}')
            self.lines.actor_names.append(name)
        return out

    def checks(self, value: Any) -> list[dict]:
        if not isinstance(value, dict):
            raise self.top_fail("checks", "checks must be a table: [checks] name = { … }")
        out = []
        for cid, spec in value.items():
            if not isinstance(spec, dict):
                raise self.fail(self.lines.smap.line_of(("checks", cid)),
                                f"check {cid!r} must be a table {{ filter = …, count = … }}")
            if "id" in spec:
                raise self.fail(self.lines.smap.line_of(("checks", cid, "id")),
                                "a check's id is its key in [checks]")
            out.append({"id": cid, **spec})
            self.lines.check_ids.append(cid)
        return out

    # ---- steps
    def step(self, j: int, t: Any, actors: list[str], socktype: str) -> list[dict]:
        first = self.lines.element(j)[0]
        if not isinstance(t, dict):
            raise self.fail(first, 'a step is an inline table: { actor = "op", … }')
        if "await" in t:
            return [self.await_step(j, t, actors)]
        who = [k for k in t if k in actors]
        if len(who) != 1:
            raise self.fail(first, "a step names exactly one actor as a key "
                            f'({{ {actors[0] if actors else "actor"} = "op", … }}) '
                            f"or is an await; this one names {len(who)}: {', '.join(who)}"
                            if who else "a step names its actor as a key "
                            f'({{ {actors[0] if actors else "actor"} = "op", … }}) or is '
                            f'{{ await = "<async id>" }}; actors: {", ".join(actors) or "none"}')
        actor = who[0]
        op = t[actor]
        if not isinstance(op, str) or not op:
            raise self.fail(first, f"{actor} = … names the operation, a string")
        if op in COMPOUNDS:
            return self.compound(j, t, actor, op, socktype)
        step: dict[str, Any] = {"actor": actor, "op": op}
        keymap = {"actor": actor, "op": actor, "args": "args"}
        for key, f1 in (("id", "id"), ("on", "sock"), ("file", "file"), ("as", "as"),
                        ("save", "save"), ("within", "timeout"), ("optional", "optional")):
            if key in t:
                step[f1] = t[key]
        if "async" in t:
            if not isinstance(t["async"], str):
                raise self.at_key(j, "async", 'async = "<id>" names the step for its await')
            if "id" in t:
                raise self.at_key(j, "id", "an async step is named by async = \"<id>\"; drop id")
            step["id"], step["async"] = t["async"], True
            keymap["id"] = "async"
        args = self.args(j, t, actors)
        for arg in args:
            keymap[arg] = arg
        if op == "socket":
            args = socket_defaults(args, socktype)
        step["args"] = args
        self.expectation(j, t, step)
        self.lines.step_origin.append((j, keymap))
        return [step]

    def args(self, j: int, t: dict, actors: list[str]) -> dict:
        args = t.get("args", {})
        if not isinstance(args, dict):
            raise self.at_key(j, "args", "args must be a table")
        args = dict(args)
        for key, value in t.items():
            if key in STEP_KEYS or key in actors:
                continue
            if key in args:
                raise self.at_key(j, key, f"argument {key!r} is given twice (in args too)")
            args[key] = value
        return texts_to_hex(args)

    def expectation(self, j: int, t: dict, step: dict) -> None:
        """expect, with the shorthands err = … (error) and is = … (result) merged in."""
        if "expect" not in t and "err" not in t and "is" not in t:
            return
        expect = t.get("expect", {})
        if not isinstance(expect, dict):
            raise self.at_key(j, "expect", "expect must be a table")
        expect = dict(expect)
        for short, key in (("err", "error"), ("is", "result")):
            if short in t:
                if key in expect:
                    raise self.at_key(j, short, f"{short} = … and expect.{key} say the same; "
                                      f"keep one")
                expect[key] = t[short]
        step["expect"] = texts_to_hex(expect)

    def await_step(self, j: int, t: dict, actors: list[str]) -> dict:
        for key in t:
            if key not in AWAIT_KEYS:
                what = "an actor" if key in actors else f"{key!r}"
                raise self.at_key(j, key, f"an await step takes no {what} (it collects the "
                                  f"answer of its async step; allowed: {', '.join(AWAIT_KEYS)})")
        step = {"op": "await", "step": t["await"]}
        for key, f1 in (("id", "id"), ("save", "save"), ("within", "timeout")):
            if key in t:
                step[f1] = t[key]
        self.expectation(j, t, step)
        self.lines.step_origin.append((j, {}))
        return step

    def compound(self, j: int, t: dict, actor: str, op: str, socktype: str) -> list[dict]:
        allowed = COMPOUND_KEYS[op]
        for key in t:
            if key != actor and key not in allowed:
                raise self.at_key(j, key, f"{op!r} is a compound step and takes only "
                                  f"{', '.join(allowed)}, not {key!r}")
        for key in ("as", "at"):
            if key not in t:
                raise self.fail(self.lines.element(j)[0], f"{op!r} needs {key!r}")
        handle, at = t["as"], t["at"]
        if not isinstance(handle, str):
            raise self.at_key(j, "as", f"{op!r} creates one socket: as is a handle name")
        if not isinstance(at, (str, list)):
            raise self.at_key(j, "at", 'at is a host ("@b": any port) or an address list')
        address = [at, 0] if isinstance(at, str) else at
        sock_args = {k: t[k] for k in ("family", "type", "proto") if k in t}
        steps: list[dict] = [
            {"actor": actor, "op": "socket", "as": handle,
             "args": socket_defaults(sock_args, socktype)},
            {"actor": actor, "op": "bind", "sock": handle, "args": {"address": address}}]
        keymaps = [{"args": "family"}, {"args": "at", "address": "at"}]
        if "save_port" in t:
            var = t["save_port"]
            if not isinstance(var, str):
                raise self.at_key(j, "save_port", "save_port names a variable (no $)")
            steps.append({"actor": actor, "op": "getsockname", "sock": handle,
                          "save": {var: [1]}})
            keymaps.append({"save": "save_port", var: "save_port"})
        if op == "listener":
            backlog = t.get("backlog", DEFAULT_BACKLOG)
            steps.append({"actor": actor, "op": "listen", "sock": handle,
                          "args": {} if backlog is False else {"backlog": backlog}})
            keymaps.append({"args": "backlog"})
        for keymap in keymaps:
            keymap.update({"actor": actor, "op": actor, "sock": "as"})
            self.lines.step_origin.append((j, keymap))
        return steps

    def at_key(self, j: int, key: str, message: str) -> LoadError:
        return self.fail(self.lines.in_element(j, [key]), message)


def socket_defaults(args: dict, socktype: str) -> dict:
    """A socket's family defaults to the case's ($af), its type to the scenario's
    socktype; `false` leaves the argument out (the implementation's own default)."""
    out = {"family": args.get("family", "$af"), "type": args.get("type", socktype)}
    out.update((k, v) for k, v in args.items() if k not in out)
    return {k: v for k, v in out.items() if v is not False}


def texts_to_hex(value: Any) -> Any:
    """{ text = "…" } is bytes written as UTF-8 text: the same as { hex = "…" }."""
    if isinstance(value, dict):
        if value.keys() == {"text"} and isinstance(value["text"], str):
            return {"hex": value["text"].encode("utf-8").hex()}
        return {k: texts_to_hex(v) for k, v in value.items()}
    if isinstance(value, list):
        return [texts_to_hex(v) for v in value]
    return value


def variable_texts(table: Any) -> Any:
    """A table of variables with each value's { text = … } forms desugared (the table
    itself is names, never a payload: a variable may be called `text`)."""
    if not isinstance(table, dict):
        return table
    return {name: texts_to_hex(v) for name, v in table.items()}


def variant_texts(axes: Any) -> Any:
    if not isinstance(axes, dict):
        return axes
    return {axis: ({name: variable_texts(v) for name, v in spec.items()}
                   if isinstance(spec, dict) else spec) for axis, spec in axes.items()}


def desugar(data: dict, smap: SourceMap, path: str, scenario_id: str) -> tuple[dict, LineMap]:
    """Format-1 tables for a format-2 file, and the map from their paths to its lines."""
    d = _Desugar(path, smap, scenario_id)
    return d.run(data), d.lines
