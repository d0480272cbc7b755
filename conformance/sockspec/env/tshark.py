"""Capture checks and normalised flows, with tshark doing all of the dissection.

evaluate() runs ONE tshark process per file, whatever the number of checks: a small Lua
script (checks.lua) gives every check its own tap listener with its own display filter
(`frame.interface_id == K && (FILTER)`), and prints one line per matching packet with the
requested field values. A filter or field tshark rejects is reported for that check only
(each filter is compiled on its own first), the others are evaluated normally.

flows() runs ONE `tshark -T fields` process for all the interfaces asked for.

tshark always runs with -n (no name resolution: nothing ever leaves the machine).
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from . import pcapng

LUA_SCRIPT = Path(__file__).with_name("checks.lua")
TSHARK_TIMEOUT = 300.0
FLAG_LETTERS = "FSRPAUEC"     # bit 0 (FIN) .. bit 7 (CWR)
PSEUDO_FIELDS = ("tcp.flagset", "dir")


# What tshark's TCP analysis flags as a repeat of a segment already sent. No check counts
# these unless it asks (retransmissions = true): a FIN counted once is one FIN even when the
# stack had to send it twice (loss under load, another stack's timers). Duplicate ACKs are
# not repeats (each is a new segment the receiver chose to send) and are not left out.
RETRANSMISSIONS = ("tcp.analysis.retransmission || tcp.analysis.fast_retransmission"
                   " || tcp.analysis.spurious_retransmission")


@dataclass
class Check:
    key: str
    interface: int
    filter: str
    fields: list[str] | None = None
    names: dict[str, str] | None = None
    retransmissions: bool = False      # count TCP retransmissions too
    until_ns: int | None = None        # only frames captured at or before this time


@dataclass
class Verdict:
    key: str
    count: int | None = None
    values: list[str] | None = None
    error: str | None = None


def tshark_path() -> str | None:
    return shutil.which(os.environ.get("SOCKSPEC_TSHARK", "tshark"))


_version_lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def _version_output() -> str | None:
    """`tshark --version` (run once: it costs a tshark start-up, ~0.2 s)."""
    path = tshark_path()
    if path is None:
        return None
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout


def _version_text() -> str | None:
    with _version_lock:              # concurrent first callers wait for one run
        return _version_output()


def version() -> str | None:
    """tshark's version ("4.0.17"), or None when there is no usable tshark."""
    text = _version_text()
    match = re.search(r"TShark \(Wireshark\) (\d+\.\d+\.\d+)", text or "")
    return match.group(1) if match else None


def has_lua() -> bool:
    text = _version_text()
    return text is not None and "with Lua" in text and "without Lua" not in text


def warm_up() -> None:
    """Ask tshark for its version on a background thread, so that the first caller
    (the run's header, the capture requirement, the first batch) finds it ready."""
    threading.Thread(target=_version_text, name="tshark-version", daemon=True).start()


def flagset(value: str) -> str:
    """tcp.flags ("0x0012") -> "SA"; "" when the packet has no TCP header."""
    if not value:
        return ""
    bits = int(value.split(",")[0], 0)
    return "".join(letter for i, letter in enumerate(FLAG_LETTERS) if bits & (1 << i))


def direction(value: str, names: dict[str, str] | None) -> str:
    """"192.0.2.1>192.0.2.2" -> "a>b" (addresses without a name stay as they are)."""
    if ">" not in value:
        return value
    src, dst = value.split(">", 1)
    names = names or {}
    return f"{names.get(src, src)}>{names.get(dst, dst)}"


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"t": "\t", "n": "\n", "r": "\r"}.get(m.group(1), m.group(1)),
                  text)


def _run_tshark(argv: list[str]) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.setdefault("LC_ALL", "C.UTF-8")
    return subprocess.run(argv, capture_output=True, text=True, timeout=TSHARK_TIMEOUT,
                          env=env, errors="replace")


def _tshark_error(proc: subprocess.CompletedProcess) -> str:
    lines = [line for line in proc.stderr.splitlines()
             if line.strip() and not line.startswith("Running as user")]
    return "tshark exit %d: %s" % (proc.returncode, " ".join(lines)[:2000] or "no message")


def evaluate(pcapng_path: str, checks: list[Check]) -> dict[str, Verdict]:
    """Evaluate every check over one file with a single tshark process."""
    verdicts = {c.key: Verdict(c.key) for c in checks}
    if not checks:
        return verdicts
    path = tshark_path()
    problem = None
    if path is None:
        problem = "tshark is not installed"
    elif not has_lua():
        problem = "this tshark has no Lua support (needed to batch checks)"
    elif not os.path.isfile(pcapng_path):
        problem = f"no capture file {pcapng_path}"
    if problem:
        for v in verdicts.values():
            v.error = problem
        return verdicts

    lines = []
    for index, check in enumerate(checks):
        if not isinstance(check.interface, int) or check.interface < 0:
            verdicts[check.key].error = f"bad interface index {check.interface!r}"
            continue
        text = check.filter.strip() or "frame"
        fields = ",".join(f.encode().hex() for f in (check.fields or []))
        # The exclusion is added by checks.lua, after the filter alone has compiled (so
        # that a filter cannot close the parentheses it is put in).
        exclude = "" if check.retransmissions else RETRANSMISSIONS
        until = "" if check.until_ns is None else f"{check.until_ns / 1e9:.9f}"
        lines.append(f"{index}\t{check.interface}\t{text.encode().hex()}\t{fields}\t"
                     f"{exclude.encode().hex()}\t{until}\n")
        verdicts[check.key].count = 0
        if check.fields is not None:
            verdicts[check.key].values = []
    if not lines:
        return verdicts
    # Next to the capture (the run's output directory), not in /tmp: a run killed
    # mid-batch then leaves nothing outside its own output behind.
    with tempfile.NamedTemporaryFile("w", prefix="checks-", suffix=".txt",
                                     dir=os.path.dirname(os.path.abspath(pcapng_path))) as spec:
        spec.writelines(lines)
        spec.flush()
        try:
            proc = _run_tshark([path, "-n", "-q", "-r", pcapng_path,
                                "-X", f"lua_script:{LUA_SCRIPT}", "-X", f"lua_script1:{spec.name}"])
        except subprocess.TimeoutExpired:
            proc = None
    if proc is None or proc.returncode != 0:
        message = "tshark timed out" if proc is None else _tshark_error(proc)
        for v in verdicts.values():
            if v.error is None:
                v.count, v.values, v.error = None, None, message
        return verdicts

    if f"READY\t{len(lines)}" not in proc.stdout.splitlines():
        message = "tshark did not run the check script: " + _tshark_error(proc)
        for v in verdicts.values():
            if v.error is None:
                v.count, v.values, v.error = None, None, message
        return verdicts
    for line in proc.stdout.splitlines():
        parts = line.split("\t")
        if len(parts) < 2 or not parts[1].isdigit() or int(parts[1]) >= len(checks):
            continue
        check = checks[int(parts[1])]
        verdict = verdicts[check.key]
        if parts[0] == "E":
            verdict.count, verdict.values = None, None
            verdict.error = _unescape("\t".join(parts[2:]))
        elif parts[0] == "M" and verdict.error is None:
            verdict.count += 1
            if check.fields is not None:
                verdict.values.append(_row_value(check, [_unescape(p) for p in parts[3:]]))
    return verdicts


def _row_value(check: Check, raw: list[str]) -> str:
    values = []
    for name, value in zip(check.fields or [], raw):
        if name == "tcp.flagset":
            value = flagset(value)
        elif name == "dir":
            value = direction(value, check.names)
        values.append(value)
    return ",".join(values)


# --- normalised flows (golden captures) ----------------------------------------------------

_FLOW_FIELDS = ["frame.interface_id", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "ip.proto",
                "ipv6.nxt", "tcp.flags", "tcp.len", "tcp.option_kind", "udp.length",
                "icmp.type", "icmp.code", "icmpv6.type", "icmpv6.code", "eth.type",
                "tcp.stream", "tcp.seq", "tcp.nxtseq", "tcp.srcport", "tcp.dstport",
                "tcp.seq_raw"]
# ICMPv6 that the stack sends on its own schedule (neighbour discovery, MLD): not part of
# what a scenario does, and its timing varies.
_ICMPV6_NOISE = {130, 131, 132, 133, 134, 135, 136, 137, 143}


def flows(pcapng_path: str, interfaces: list[int],
          names: dict[int, dict[str, str]]) -> dict[int, list[str]]:
    """A normalised flow per interface, one string per event ("a>b TCP SA len=0
    opts=2,4,8,1,3"): direction, protocol, flags, payload length, TCP option kinds.
    No ports, sequence numbers or times. Where an interface carried more than one TCP
    connection, each TCP event ends in " conn=N", N numbering the connections in the
    order their first segment was captured. Consecutive TCP data segments of one
    connection in one direction with the same flags (PSH aside) are merged, their
    lengths added. ARP, neighbour discovery and MLD are left out (their timing is the
    kernel's, not the scenario's); see _add_flow_event for the rules about ACKs and
    data."""
    result: dict[int, list[list]] = {i: [] for i in interfaces}
    if not interfaces:
        return result
    path = tshark_path()
    if path is None:
        raise RuntimeError("tshark is not installed")
    wanted = " || ".join(f"frame.interface_id == {int(i)}" for i in interfaces)
    # Retransmitted SYNs and FINs (tshark's TCP analysis) are left out: how many there are
    # depends on timing, not on the socket calls (golden captures must be stable). Data
    # retransmissions are handled by sequence numbers (_new_bytes).
    wanted = f"({wanted}) && (ip || ipv6) && !(tcp.len == 0 && (tcp.analysis.retransmission" \
             " || tcp.analysis.fast_retransmission || tcp.analysis.spurious_retransmission))"
    # occurrence=a: every occurrence, comma-joined (option kinds need them all; for
    # the other fields the outermost, first one is used).
    argv = [path, "-n", "-r", pcapng_path, "-Y", wanted, "-T", "fields",
            "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=,"]
    for name in _FLOW_FIELDS:
        argv += ["-e", name]
    proc = _run_tshark(argv)
    if proc.returncode != 0:
        raise RuntimeError(_tshark_error(proc))
    highest: dict[tuple, int] = {}
    quoted: set[tuple] = set()
    connections: dict[int, dict[str, int]] = {}     # interface -> tcp.stream -> N
    last_of: dict[tuple, list] = {}                 # (interface, N) -> its last event
    for line in proc.stdout.splitlines():
        cols = dict(zip(_FLOW_FIELDS, line.split("\t")))
        iface = int(cols["frame.interface_id"].split(",")[0])
        event = _flow_event(cols, names.get(iface, {}))
        quoted_seq = _first(cols.get("tcp.seq_raw", "")) or _first(cols.get("tcp.seq", ""))
        if event is not None and event[1] in ("ICMP", "ICMPv6") and quoted_seq:
            # An ICMP error quoting a TCP segment another ICMP error of the same kind
            # already quoted (same ports, same sequence number) answers a retransmission
            # of it: how many there were is the socket's timers and how long it lingered,
            # not the calls. One event stands for them all.
            key = (iface, event[0], event[2], _first(cols.get("tcp.srcport", "")),
                   _first(cols.get("tcp.dstport", "")), quoted_seq,
                   _first(cols.get("tcp.flags", "")))
            if key in quoted:
                continue
            quoted.add(key)
        if event is not None and event[1] == "TCP" and event[3] > 0:
            event[3] = _new_bytes(highest, (iface, event[0], cols), event)
            if event[3] == 0:
                continue          # nothing this direction had not sent already
        if event is None:
            continue
        if event[1] == "TCP":
            numbers = connections.setdefault(iface, {})
            stream = _first(cols.get("tcp.stream", ""))
            event.append(numbers.setdefault(stream, len(numbers) + 1))
        else:
            event.append(0)
        _add_flow_event(result.setdefault(iface, []), event, last_of, iface)
    return {iface: [_flow_text(e, len(connections.get(iface, {})) > 1) for e in events]
            for iface, events in result.items()}


def _new_bytes(highest: dict, where: tuple, event: list) -> int:
    """Payload bytes of a data segment beyond the highest (relative) sequence number its
    direction of its connection reached so far: a retransmission counts nothing, and
    when the capture missed a segment (dropped before the tap under load) the next one
    counts the gap, so the data lengths are those the program sent, whatever happened
    on the way. Without sequence numbers the payload length stands."""
    iface, direction, cols = where
    seq, nxt = _first(cols.get("tcp.seq", "")), _first(cols.get("tcp.nxtseq", ""))
    if not (seq.isdigit() and nxt.isdigit()):
        return event[3]
    end = int(nxt) - (1 if "F" in event[2] else 0)      # a FIN takes one sequence number
    key = (iface, _first(cols.get("tcp.stream", "")), direction)
    start = highest.get(key, 1)                          # data starts at relative seq 1
    highest[key] = max(start, end)
    return max(0, end - start)


def _add_flow_event(events: list, event: list, last_of: dict, iface: int) -> None:
    """Append one packet's event, applying the normalisation rules of flows() within
    the event's TCP connection (`last_of` keeps each connection's last event, so that
    segments of other connections captured in between change nothing):

    * a pure ACK (flags "A", no payload) is kept only when it completes a handshake (the
      connection's previous event is a SYN-ACK the other way); the number and place of
      the others depend on delayed-ACK timing, not on what the program did;
    * a data segment merges into the connection's previous event when that is data in
      the same direction whose flags differ at most by PSH (the merged event has P if
      any had)."""
    where, proto, flags, length, _opts, connection = event
    previous = last_of.get((iface, connection)) if proto == "TCP" else None
    if proto == "TCP" and flags == "A" and length == 0:
        if not (previous and previous[1] == "TCP" and previous[2] == "SA"
                and previous[0] == _reverse(where)):
            return
    if (proto == "TCP" and length > 0 and previous is not None and previous[1] == "TCP"
            and previous[0] == where and previous[3] > 0
            and previous[2].replace("P", "") == flags.replace("P", "")):
        previous[3] += length
        if "P" in flags and "P" not in previous[2]:
            previous[2] = flagset_union(previous[2], flags)
        return
    events.append(event)
    if proto == "TCP":
        last_of[(iface, connection)] = event


def _reverse(where: str) -> str:
    src, _, dst = where.partition(">")
    return f"{dst}>{src}"


def flagset_union(a: str, b: str) -> str:
    letters = set(a) | set(b)
    return "".join(letter for letter in FLAG_LETTERS if letter in letters)


def _first(value: str) -> str:
    return value.split(",")[0] if value else ""


def _flow_event(cols: dict[str, str], names: dict[str, str]) -> list | None:
    src, dst = _first(cols.get("ip.src", "")), _first(cols.get("ip.dst", ""))
    proto = _first(cols.get("ip.proto", ""))
    if not src:
        src, dst = _first(cols.get("ipv6.src", "")), _first(cols.get("ipv6.dst", ""))
        proto = _first(cols.get("ipv6.nxt", ""))
    where = f"{names.get(src, src)}>{names.get(dst, dst)}"
    # ICMP first: an ICMP error quotes the offending packet, whose TCP or UDP header
    # tshark dissects too (those fields belong to the quote, not to this packet).
    if cols.get("icmpv6.type"):
        kind = int(_first(cols["icmpv6.type"]))
        if kind in _ICMPV6_NOISE:
            return None
        return [where, "ICMPv6", f"{kind}/{_first(cols.get('icmpv6.code', '')) or 0}", -1, ""]
    if cols.get("icmp.type"):
        return [where, "ICMP", f"{_first(cols['icmp.type'])}/{_first(cols.get('icmp.code', '')) or 0}",
                -1, ""]
    if cols.get("tcp.flags"):
        kinds = cols.get("tcp.option_kind", "")
        return [where, "TCP", flagset(cols["tcp.flags"]), int(_first(cols.get("tcp.len", "")) or 0),
                kinds]
    if cols.get("udp.length"):
        return [where, "UDP", "", int(_first(cols["udp.length"])) - 8, ""]
    return [where, f"IP{proto}", "", -1, ""]


def _flow_text(event: list, several_connections: bool) -> str:
    where, proto, flags, length, opts, connection = event
    text = f"{where} {proto}"
    if flags:
        text += f" {flags}"
    if length >= 0:
        text += f" len={length}"
    if proto == "TCP" and opts:
        text += f" opts={opts}"
    if proto == "TCP" and several_connections:
        text += f" conn={connection}"
    return text


class Tshark:
    """What the engine judges captures with: pcapng files written, check filters
    evaluated in one call per batch, normalised flows computed."""

    Check = Check

    @staticmethod
    def write_pcapng(path: str, interfaces: list) -> None:
        pcapng.write(path, interfaces)

    @staticmethod
    def evaluate(pcapng_path: str, checks: list[Check]) -> dict[str, Verdict]:
        return evaluate(pcapng_path, checks)

    @staticmethod
    def flows(pcapng_path: str, interfaces: list[int], names: dict) -> dict[int, list[str]]:
        return flows(pcapng_path, interfaces, names)

    @staticmethod
    def version() -> str | None:
        return version()
