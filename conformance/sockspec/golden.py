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

The runner calls apply() once per batch of finished cases, with the batch's
multi-interface pcapng file: one tshark process per batch, as for the checks.
"""
from __future__ import annotations

import difflib
import os
import re
import struct
from typing import Any

from . import impls as impls_mod
from . import pcapng as pcapng_mod
from . import status as st

REPO = impls_mod.REPO
GOLDEN_DIR = os.path.join(REPO, "captures")
SNAPLEN = 128          # Ethernet + IPv6 + TCP with the longest options is 114 bytes
CHECK_ID = "golden"
HEADER = "# normalised flow (docs/harness.md, Golden captures); {case}\n"


# --------------------------------------------------------------------------- naming

def enabled(scenario: Any) -> bool:
    """A scenario takes part when it has capture checks and does not opt out."""
    return bool(scenario.checks) and scenario.capture.get("golden", True) is not False


def stem(case: Any) -> str:
    """captures/ path of a case without extension: <scenario id>/<variant names joined by
    ','> (',' cannot occur in variant names, and ':' is not portable in file names)."""
    return os.path.join(*case.scenario.id.split("/"), ",".join(case.variant) or "default")


def paths(case: Any, root: str | None = None) -> tuple[str, str]:
    base = os.path.join(root or GOLDEN_DIR, stem(case))
    return base + ".pcapng", base + ".flow"


# --------------------------------------------------------------------------- normalising

_TCP = re.compile(r"^(?P<dir>\S+) TCP (?P<flags>[A-Z]+) len=(?P<len>\d+)(?: opts=(?P<opts>\S+))?$")


def normalise(events: list[str]) -> list[str]:
    """Rules on top of tshark.flows() (which already drops pure ACKs after the handshake
    and merges data segments). What remains that depends on timing, not on the calls:

    * retransmissions: a SYN, SYN-ACK or FIN event identical to the event just before it
      (sent again because the answer was slow or never came) is dropped, so the number of
      SYNs a timed-out connect sends does not matter;
    * a FIN carried by the last data segment or sent right after it: data and FIN in one
      direction are written as two events, "PA len=N" then "FA len=0";
    * TCP option kinds are kept on SYN and SYN-ACK only (timestamps and SACK blocks on
      other segments come and go with timing);
    * the order of the two directions' FIN-or-RST events at the very end may swap when
      both sides close at about the same time: the trailing run of FIN/RST events is
      sorted."""
    out: list[str] = []
    for event in events:
        for piece in _split_fin(event):
            if out and out[-1] == piece and _retransmittable(piece):
                continue
            out.append(piece)
    return _sort_trailing_teardown(out)


def _split_fin(event: str) -> list[str]:
    m = _TCP.match(event)
    if not m:
        return [event]
    flags, length = m["flags"], int(m["len"])
    keep_opts = "S" in flags
    text = f"{m['dir']} TCP {flags} len={length}" + (f" opts={m['opts']}" if keep_opts and
                                                       m["opts"] else "")
    if "F" in flags and length > 0:
        data_flags = flags.replace("F", "")
        return [f"{m['dir']} TCP {data_flags} len={length}", f"{m['dir']} TCP FA len=0"]
    if flags == "FPA" and length == 0:
        return [f"{m['dir']} TCP FA len=0"]
    return [text]


def _retransmittable(event: str) -> bool:
    m = _TCP.match(event)
    return bool(m) and ("S" in m["flags"] or "F" in m["flags"])


def _sort_trailing_teardown(events: list[str]) -> list[str]:
    tail = len(events)
    while tail > 0 and _is_teardown(events[tail - 1]):
        tail -= 1
    return events[:tail] + sorted(events[tail:])


def _is_teardown(event: str) -> bool:
    m = _TCP.match(event)
    return bool(m) and int(m["len"]) == 0 and ("F" in m["flags"] or "R" in m["flags"])


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
    length stays in each packet block, so tshark still knows the real sizes)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    idb = struct.pack("<HHI", captured.linktype, 0, snaplen)
    idb += pcapng_mod._option(pcapng_mod.IF_NAME, name.encode())
    idb += pcapng_mod._option(pcapng_mod.IF_TSRESOL, bytes([9]))
    idb += pcapng_mod._option(pcapng_mod.OPT_ENDOFOPT, b"")
    blocks = [pcapng_mod._section_header(), pcapng_mod._block(pcapng_mod.IDB, idb)]
    for ts, frame in captured.packets:
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


def apply(runner: Any, batch: list, batch_path: str) -> None:
    """Record or compare golden flows for the cases of one batch (interface i of
    batch_path is batch[i]). Adds a `golden` check result to each case concerned."""
    from .runner import CheckResult, address_names
    options = runner.o
    record = getattr(options, "record_golden", False)
    root = getattr(options, "captures_dir", None) or GOLDEN_DIR
    if runner.loopback_mode():
        return          # the machine's own loopback carries other traffic too
    wanted: list[tuple[int, Any, str, str]] = []
    for index, res in enumerate(batch):
        if res.captured is None or not enabled(res.case.scenario):
            continue
        pcap_path, flow_path = paths(res.case, root)
        if record:
            if res.repeat == 0 and passed(res):
                wanted.append((index, res, pcap_path, flow_path))
        elif os.path.exists(flow_path):
            wanted.append((index, res, pcap_path, flow_path))
    if not wanted:
        return
    names = {index: address_names(res.case.scenario.hosts) for index, res, _, _ in wanted}
    try:
        flows = runner.env.tshark.flows(batch_path, sorted(names), names)
    except Exception as e:
        for _, res, _, flow_path in wanted:
            res.checks.append(CheckResult(CHECK_ID, f"normalised flow = {_rel(flow_path)}",
                                          st.ERROR, message=f"tshark flows: {e}"))
        return
    for index, res, pcap_path, flow_path in wanted:
        observed = normalise(flows.get(index, []))
        check = CheckResult(CHECK_ID, f"normalised flow = {_rel(flow_path)}",
                            values=observed, count=len(observed))
        if record:
            write_truncated(pcap_path, res.case.id, res.captured)
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
