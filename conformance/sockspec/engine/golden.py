"""Golden captures: the reference implementation's traffic, kept in captures/.

For every case with capture checks (unless its scenario says `[capture] golden = false`),
`tools/sockspec run --impl ref --record-golden` stores

* captures/<area>/<scenario>/<variants>.pcapng — the capture, every frame cut to SNAPLEN
  bytes (headers only: enough for tshark to dissect flags, lengths and options), and
* captures/<area>/<scenario>/<variants>.flow — its normalised flow, one event a line.

Every other run (any implementation) compares each such case's normalised flow with the
golden one; a difference is a failed capture check named `golden` whose message is a
unified diff. The normalisation (tshark.flows, then normalise() here) keeps only what the
socket calls decide, so that it is the same over repeated runs and across
implementations making the same calls; docs/harness.md ("Golden captures") lists the
rules.

The check batches (checks.py) call apply() once per batch of finished cases; the flows of the batch's cases
(each capture cut where the wire went quiet after its last step was answered, see
steps_only) are computed by one
tshark process over one multi-interface pcapng file, as for the checks.
"""
from __future__ import annotations

import difflib
import os
import re
import struct
from dataclasses import dataclass
from typing import Any

from ..env import pcapng as pcapng_mod
from ..env.capture import CapturedInterface
from ..env.tshark import Tshark
from ..load.topology import address_names
from ..model import status as st
from ..model.paths import CAPTURES as GOLDEN_DIR, REPO
from ..model.results import CheckResult

# The stored capture is evidence for people, not what runs compare (that is the .flow):
# headers only, and for long transfers the first and last frames.
SNAPLEN = 96           # Ethernet + IPv6 + TCP with 22 option bytes (SYN options, timestamps)
KEEP_FIRST, KEEP_LAST = 600, 200
CHECK_ID = "golden"
HEADER = "# normalised flow (docs/harness.md, Golden captures); {case}\n"


# --------------------------------------------------------------------------- naming

def stem(case: Any) -> str:
    """captures/ path of a case without extension: <scenario id>/<variant names joined by
    ','> (',' cannot occur in variant names, and ':' is not portable in file names)."""
    return os.path.join(*case.scenario.id.split("/"), ",".join(case.variant) or "default")


def paths(case: Any, root: str | None = None) -> tuple[str, str]:
    base = os.path.join(root or GOLDEN_DIR, stem(case))
    return base + ".pcapng", base + ".flow"


# --------------------------------------------------------------------------- normalising

_TCP = re.compile(r"^(?P<dir>\S+) TCP (?P<flags>[A-Z]+) len=(?P<len>\d+)"
                  r"(?: opts=(?P<opts>\S+))?(?P<conn> conn=\d+)?$")


def normalise(events: list[str]) -> list[str]:
    """Rules on top of tshark.flows() (which leaves out retransmissions, as tshark's TCP
    analysis flags them, and pure ACKs after the handshake, and merges adjacent data
    segments of a connection). What still depends on timing rather than on the socket
    calls:

    * the interleaving of connections and of the two directions of each (whether the
      peer's echo leaves before or after this side's FIN, how data and replies
      alternate, which of three queued handshakes the stack answers first): the flow is
      written connection after connection (in order of first appearance; all that is
      not TCP counts as one more "connection"), and each connection direction after
      direction (in order of first appearance), each direction in its own order, which
      TCP keeps;
    * segmentation: within a direction, adjacent data events whose flags differ at most
      by PSH are merged (their lengths added);
    * a FIN carried by the last data segment: written as two events, data then "FA";
    * TCP option kinds after the handshake (timestamps, SACK blocks): kept on SYN and
      SYN-ACK only;
    * a reset sent after the same direction's FIN: that side had finished sending, and
      whether a late segment from the peer still draws an RST depends on when the
      harness ends the agents (at the end of the case) — it is dropped;
    * IGMP (IP protocol 2): membership reports are repeated on the kernel's schedule;
    * a datagram or ICMP message repeated back to back in one direction (the same event
      text): written once. How many identical datagrams a stack answers, or how many
      identical ICMP errors it sends, depends on its timers and rate limits; a count the
      scenario cares about is a [checks] entry, which counts exactly."""
    groups: dict[str, dict[str, list[str]]] = {}     # connection -> direction -> events
    for event in events:
        if event.endswith(" IP2"):
            continue
        for piece in _split_fin(event):
            where = piece.split(" ", 1)[0]
            run = groups.setdefault(_connection(piece), {}).setdefault(where, [])
            if _is_reset(piece) and any(_is_fin(e) for e in run):
                continue
            if run and _merge_data(run, piece):
                continue
            if run and run[-1] == piece and not _is_tcp(piece):
                continue
            run.append(piece)
    return [e for directions in groups.values() for run in directions.values() for e in run]


def _connection(event: str) -> str:
    """The group an event is written in: its TCP connection ("conn=N", or "TCP" when the
    flow had one), or "" for everything that is not TCP."""
    if not _is_tcp(event):
        return ""
    m = _TCP.match(event)
    return (m["conn"] or "TCP") if m else "TCP"


def _is_tcp(event: str) -> bool:
    return event.split(" ", 2)[1:2] == ["TCP"]


def _split_fin(event: str) -> list[str]:
    m = _TCP.match(event)
    if not m:
        return [event]
    flags, length, conn = m["flags"], int(m["len"]), m["conn"] or ""
    text = f"{m['dir']} TCP {flags} len={length}"
    if "S" in flags and m["opts"]:
        text += f" opts={m['opts']}"
    if "F" in flags and length > 0:
        return [f"{m['dir']} TCP {flags.replace('F', '')} len={length}{conn}",
                f"{m['dir']} TCP FA len=0{conn}"]
    if flags == "FPA":
        return [f"{m['dir']} TCP FA len=0{conn}"]
    return [text + conn]


def _merge_data(run: list[str], event: str) -> bool:
    """Add a data event to the direction's previous one if both are data with the same
    flags apart from PSH; True if merged."""
    last, new = _TCP.match(run[-1]), _TCP.match(event)
    if not (last and new and int(last["len"]) > 0 and int(new["len"]) > 0):
        return False
    if last["flags"].replace("P", "") != new["flags"].replace("P", ""):
        return False
    flags = last["flags"] if "P" in last["flags"] or "P" not in new["flags"] else new["flags"]
    run[-1] = (f"{last['dir']} TCP {flags} len={int(last['len']) + int(new['len'])}"
               f"{last['conn'] or ''}")
    return True


def _is_reset(event: str) -> bool:
    m = _TCP.match(event)
    return bool(m) and "R" in m["flags"]


def _is_fin(event: str) -> bool:
    m = _TCP.match(event)
    return bool(m) and "F" in m["flags"]


# --------------------------------------------------------------------------- files

def read_flow(path: str) -> list[str]:
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f if line.strip() and not line.startswith("#")]


def write_flow(path: str, case_id: str, events: list[str]) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(HEADER.format(case=case_id))
        f.writelines(e + "\n" for e in events)
    os.replace(tmp, path)


def write_truncated(path: str, name: str, captured: Any, snaplen: int = SNAPLEN) -> None:
    """A one-interface pcapng file whose frames are cut to `snaplen` bytes (the original
    length stays in each packet block, so tshark still knows the real sizes). Of a long
    capture only the first KEEP_FIRST and last KEEP_LAST frames are kept; the interface's
    comment says how many were left out."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    packets = list(captured.packets)
    comment = ""
    if len(packets) > KEEP_FIRST + KEEP_LAST:
        left_out = len(packets) - KEEP_FIRST - KEEP_LAST
        comment = (f"sockspec golden capture: frames {KEEP_FIRST + 1}-{KEEP_FIRST + left_out} "
                   f"of {len(packets)} left out")
        packets = packets[:KEEP_FIRST] + packets[-KEEP_LAST:]
    idb = struct.pack("<HHI", captured.linktype, 0, snaplen)
    if comment:
        idb += pcapng_mod._option(pcapng_mod.OPT_COMMENT, comment.encode())
    idb += pcapng_mod._option(pcapng_mod.IF_NAME, name.encode())
    idb += pcapng_mod._option(pcapng_mod.IF_TSRESOL, bytes([9]))
    idb += pcapng_mod._option(pcapng_mod.OPT_ENDOFOPT, b"")
    blocks = [pcapng_mod._section_header(), pcapng_mod._block(pcapng_mod.IDB, idb)]
    for ts, frame in packets:
        cut = frame[:snaplen]
        body = struct.pack("<IIIII", 0, (ts >> 32) & 0xFFFFFFFF, ts & 0xFFFFFFFF,
                           len(cut), len(frame)) + cut + b"\0" * ((-len(cut)) % 4)
        blocks.append(pcapng_mod._block(pcapng_mod.EPB, body))
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(b"".join(blocks))
    os.replace(tmp, path)


def diff(expected: list[str], observed: list[str], golden_path: str) -> str:
    rel = os.path.relpath(golden_path, REPO) if golden_path.startswith(REPO) else golden_path
    lines = difflib.unified_diff(expected, observed, fromfile=rel, tofile="this run",
                                 lineterm="", n=2)
    return "\n".join(lines)


# --------------------------------------------------------------------------- the hook

def passed(res: Any) -> bool:
    """Only a case whose every step and check passed is worth recording."""
    return res.problem is None and all(
        item.verdict is st.PASS for item in [*res.steps, *res.checks]
        if item.verdict is not st.SKIP) and any(s.verdict is st.PASS for s in res.steps)


def steps_only(res: Any) -> Any:
    """The case's capture without what came after its last step was answered and the
    wire went quiet (Capture.wait_quiet: a stack's reaction to the last call is kept;
    timer-driven repeats that come later are retransmissions, left out or collapsed
    anyway): the harness then ends the agents, and the FINs and RSTs their exit puts on the wire,
    and whether the peer's answers are still captured, are the clean-up's timing."""
    captured = res.captured
    end = res.steps_end_ns
    if end is None:
        return captured
    return CapturedInterface(captured.name, captured.linktype,
                             [(ts, frame) for ts, frame in captured.packets if ts <= end])


@dataclass
class Settings:
    record: bool = False           # record the flows (--record-golden) instead of comparing
    root: str | None = None        # None: <repo>/captures
    loopback: bool = False         # loopback mode: nothing is recorded or compared


def apply(batch: list, batch_path: str, settings: Settings, tshark: Tshark) -> None:
    """Record or compare golden flows for the cases of one batch (batch_path, the batch's
    pcapng file, names the temporary file of flows). Adds a `golden` check result to
    each case concerned."""
    record = settings.record
    root = settings.root or GOLDEN_DIR
    if settings.loopback:
        return          # the machine's own loopback carries other traffic too
    wanted: list[tuple[int, Any, str, str]] = []
    for index, res in enumerate(batch):
        if res.captured is None or not res.case.scenario.golden:
            continue
        pcap_path, flow_path = paths(res.case, root)
        if record:
            if res.repeat == 0 and passed(res):
                wanted.append((index, res, pcap_path, flow_path))
        elif os.path.exists(flow_path):
            wanted.append((index, res, pcap_path, flow_path))
    if not wanted:
        return
    # The flows are computed over the captures cut where the last step was answered, in
    # one file of their own (interface i = wanted[i]).
    cut = [steps_only(res) for _, res, _, _ in wanted]
    names = {i: address_names(res.case.scenario.hosts) for i, (_, res, _, _) in enumerate(wanted)}
    flows_path = batch_path + ".golden.pcapng"
    try:
        tshark.write_pcapng(flows_path, [(res.case.id, c) for (_, res, _, _), c
                                         in zip(wanted, cut)])
        flows = tshark.flows(flows_path, sorted(names), names)
    except Exception as e:
        for _, res, _, flow_path in wanted:
            res.checks.append(CheckResult(CHECK_ID, f"normalised flow = {_rel(flow_path)}",
                                          st.ERROR, message=f"tshark flows: {e}"))
        return
    finally:
        if os.path.exists(flows_path):
            os.unlink(flows_path)
    for i, (_, res, pcap_path, flow_path) in enumerate(wanted):
        observed = normalise(flows.get(i, []))
        check = CheckResult(CHECK_ID, f"normalised flow = {_rel(flow_path)}",
                            values=observed, count=len(observed))
        if record:
            write_truncated(pcap_path, res.case.id, cut[i])
            write_flow(flow_path, res.case.id, observed)
            check.verdict, check.message = st.PASS, f"recorded {_rel(flow_path)}"
        else:
            try:
                expected = read_flow(flow_path)
            except OSError as e:
                check.verdict, check.message = st.ERROR, f"cannot read {flow_path}: {e}"
            else:
                if expected == observed:
                    check.verdict = st.PASS
                else:
                    check.verdict = st.FAIL
                    check.message = "the flow differs from the golden capture:\n" + \
                        diff(expected, observed, flow_path)
        res.checks.append(check)


def _rel(path: str) -> str:
    return os.path.relpath(path, REPO) if path.startswith(REPO + os.sep) else path
