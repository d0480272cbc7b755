"""Judging one observed answer against a step's `expect` table (scenario-format.md).

`judge` gets the expect table with references already resolved and the agent's
response object; it returns whether the seed permits what was observed, and why not.
"""
from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass, field
from typing import Any

# elapsed = { timeout = V } (docs/scenario-format.md): a timeout that fires is never early
# and never much late. Never early: at least V less the agents' clock granularity (they
# report elapsed rounded to the microsecond or, some, the millisecond: 1.300 s is a 1.3 s
# timeout that fired on time). Never much late: at most V plus a fixed 25 ms (scheduling,
# one timer tick, the agent's own bookkeeping) plus 10 % of V (timer slack grows with the
# value); --timeout-multiplier scales this slack only, never V itself. So a timeout firing
# at 2V + 20 ms fails for every V above 5.6 ms (2V + 0.02 > V + 0.025 + 0.1 V), and the
# catalog's smallest, 10 ms, may overshoot by at most 26 ms.
CLOCK_GRANULARITY = 0.001
TIMEOUT_SLACK = 0.025
TIMEOUT_SLACK_RELATIVE = 0.10

SUCCESS_KEYS = ("result", "one_of", "contains", "type", "len", "regex", "address")
ERRNO_ALIASES = {"EWOULDBLOCK": "EAGAIN"}


@dataclass
class Judgement:
    passed: bool
    problems: list[str] = field(default_factory=list)
    record: dict | None = None       # {"id": "A1", "observed": ...} for `record`

    @property
    def message(self) -> str:
        return "; ".join(self.problems)


def judge(expect: dict | None, response: dict, *, multiplier: float = 1.0) -> Judgement:
    expect = expect or {}
    problems: list[str] = []
    ok = bool(response.get("ok"))
    success_keys = [k for k in SUCCESS_KEYS if k in expect]
    wants_error = "error" in expect

    if "ok" in expect and expect["ok"] != ok:
        problems.append(f"expected {'success' if expect['ok'] else 'failure'}, got "
                        f"{describe(response)}")
    elif success_keys and wants_error:
        # Both outcomes permitted (behaviour the seed leaves open): either side may hold.
        problems += _success(expect, response) if ok else _error(expect, response)
    elif wants_error:
        problems += _error(expect, response) if not ok else [
            f"expected error {_names(expect['error'])}, got success {short(response.get('result'))}"]
    elif ok or "ok" in expect:
        if ok:
            problems += _success(expect, response)
    else:
        problems.append(f"expected success, got {describe(response)}")

    if "elapsed" in expect:
        problems += _elapsed(expect["elapsed"], response, multiplier)
    record = None
    if "record" in expect:
        record = {"id": expect["record"], "observed": observed_value(response),
                  "permitted": not problems}
    return Judgement(not problems, problems, record)


def _success(expect: dict, response: dict) -> list[str]:
    result = response.get("result")
    problems = []
    if "result" in expect and not equal(expect["result"], result):
        problems.append(f"result {short(result)} != expected {short(expect['result'])}")
    if "one_of" in expect and not any(equal(v, result) for v in expect["one_of"]):
        problems.append(f"result {short(result)} is none of {short(expect['one_of'])}")
    if "contains" in expect:
        if not isinstance(result, dict):
            problems.append(f"result {short(result)} is not a table")
        else:
            for key, value in expect["contains"].items():
                if key not in result:
                    problems.append(f"result has no {key!r}")
                elif not equal(value, result[key]):
                    problems.append(f"result[{key!r}] = {short(result[key])}, expected "
                                    f"{short(value)}")
    if "type" in expect and json_type(result) not in _type_accepts(expect["type"]):
        problems.append(f"result {short(result)} is {json_type(result)}, expected "
                        f"{expect['type']}")
    if "len" in expect:
        n = length(result)
        if n is None:
            problems.append(f"result {short(result)} has no length")
        elif n != expect["len"]:
            problems.append(f"length {n} != expected {expect['len']}")
    if "regex" in expect:
        if not isinstance(result, str):
            problems.append(f"result {short(result)} is not a string")
        elif not re.search(expect["regex"], result):
            problems.append(f"{result!r} does not match /{expect['regex']}/")
    if "address" in expect:
        problems += _address(expect["address"], result)
    return problems


def _error(expect: dict, response: dict) -> list[str]:
    wanted = expect["error"] if isinstance(expect["error"], list) else [expect["error"]]
    err = response.get("error") or {}
    got = {err.get("type"), err.get("errno")} - {None}
    wanted_norm = {ERRNO_ALIASES.get(w, w) for w in wanted}
    if got & wanted_norm:
        return []
    return [f"expected error {_names(wanted)}, got {describe(response)}"]


def timeout_bounds(value: float, multiplier: float = 1.0) -> tuple[float, float]:
    """[min, max] seconds for a timeout of `value` seconds firing (see TIMEOUT_SLACK)."""
    slack = (TIMEOUT_SLACK + TIMEOUT_SLACK_RELATIVE * value) * multiplier
    return value - CLOCK_GRANULARITY, value + slack


def _elapsed(bounds: list | dict, response: dict, multiplier: float) -> list[str]:
    elapsed = response.get("elapsed")
    if not isinstance(elapsed, (int, float)):
        return ["the answer carries no elapsed time"]
    if isinstance(bounds, dict):
        value = bounds["timeout"]
        low, high = timeout_bounds(value, multiplier)
        if elapsed < low:
            return [f"elapsed {elapsed:.4f}s: the {value:g}s timeout fired early "
                    f"(minimum {low:.4f}s)"]
        if elapsed > high:
            return [f"elapsed {elapsed:.4f}s: the {value:g}s timeout fired late "
                    f"(maximum {high:.4f}s)"]
        return []
    low, high = bounds
    # Lower bounds are what the seed promises; upper bounds are tolerance and scale.
    if low != -1 and elapsed < low:
        return [f"elapsed {elapsed:.3f}s < minimum {low}s"]
    if high != -1 and elapsed > high * multiplier:
        return [f"elapsed {elapsed:.3f}s > maximum {high * multiplier:g}s"]
    return []


def _address(expected: list, result: Any) -> list[str]:
    address = result.get("address") if isinstance(result, dict) else result
    if isinstance(address, str) or (isinstance(expected[0], dict)):
        if equal(expected[0], address):
            return []
        return [f"address {short(address)} != {short(expected[0])}"]
    if not isinstance(address, list) or len(address) < 2:
        return [f"{short(address)} is not an address"]
    problems = []
    if not same_host(expected[0], address[0]):
        problems.append(f"address host {address[0]!r} != expected {expected[0]!r}")
    if len(expected) > 1 and expected[1] != address[1]:
        problems.append(f"address port {address[1]!r} != expected {expected[1]!r}")
    return problems


def same_host(a: Any, b: Any) -> bool:
    try:
        return ipaddress.ip_address(a) == ipaddress.ip_address(b)
    except ValueError:
        return a == b


def equal(expected: Any, actual: Any) -> bool:
    """Equality of JSON values, where booleans are not numbers and hex is case-free."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return expected == actual
    if isinstance(expected, dict) and isinstance(actual, dict):
        if expected.keys() == {"hex"} == actual.keys() and all(
                isinstance(x["hex"], str) for x in (expected, actual)):
            return expected["hex"].lower() == actual["hex"].lower()
        return expected.keys() == actual.keys() and all(
            equal(v, actual[k]) for k, v in expected.items())
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(map(equal, expected, actual))
    return type(expected) is type(actual) and expected == actual


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "bytes" if value.keys() == {"hex"} else "dict"
    return type(value).__name__


def _type_accepts(name: str) -> set[str]:
    return {"number": {"int", "float"}, "dict": {"dict", "bytes"}}.get(name, {name})


def length(value: Any) -> int | None:
    if isinstance(value, dict) and value.keys() == {"hex"}:
        return len(value["hex"]) // 2
    if isinstance(value, (list, str)):
        return len(value)
    return None


def observed_value(response: dict) -> Any:
    """What a platform record keeps: the result, or the error's name."""
    if response.get("ok"):
        return response.get("result")
    err = response.get("error") or {}
    return {"error": err.get("errno") or err.get("type")}


def describe(response: dict) -> str:
    if response.get("ok"):
        return f"success {short(response.get('result'))}"
    err = response.get("error") or {}
    name = err.get("errno") or err.get("type") or "?"
    text = f"error {name}"
    if err.get("message"):
        text += f" ({err['message']})"
    return text


def short(value: Any, limit: int = 120) -> str:
    text = json.dumps(value, sort_keys=False)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _names(value: Any) -> str:
    return "/".join(value) if isinstance(value, list) else str(value)
