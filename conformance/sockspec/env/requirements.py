"""What this machine offers the harness: one table of requirements, each with its probe,
what it is for and how to fix it when it is missing.

`tools/sockspec doctor` prints every entry (checks()); `run` asks available(key) for the
harness requirements scenarios list in `requires` (netns, capture, ipv6), which are
answered from the same probes. The platform requirements (linux, af_unix, abstract,
raw, root) are the implementation's and judged from its hello and a probe through its
agent (engine/admission.py); their entries here only tell doctor's reader about this
machine. The probes are real: the namespace probe builds (and removes) an actual
"lan" network, the capture probe opens an AF_PACKET socket inside it. Each probe runs
once per process.
"""

from __future__ import annotations

import functools
import os
import shutil
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass
from typing import Callable

from . import capture, cleanup, netns, tshark

MIN_PYTHON = (3, 11)

Probe = Callable[[], tuple[bool, str]]      # (available, what was found)


@dataclass(frozen=True)
class Requirement:
    name: str            # as doctor prints it
    description: str     # what the harness needs it for
    probe: Probe
    fix: str             # how to get it


# --------------------------------------------------------------------------- probes

def _command_version(argv: list[str]) -> str | None:
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (out.stdout or out.stderr).strip().splitlines()
    return text[0] if text else ""


def command_output(argv: list[str]) -> str | None:
    """What a command prints (stdout, else stderr), or None when it does not run: for
    the layer versions of conformance/impls.toml (`version_command`)."""
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return (out.stdout or out.stderr).strip()


def _tool(argv: list[str]) -> Probe:
    def probe() -> tuple[bool, str]:
        found = _command_version(argv) if shutil.which(argv[0]) else None
        return found is not None, found or "not found"
    return probe


def _userns_allowed() -> bool:
    try:
        with open("/proc/sys/user/max_user_namespaces") as f:
            if int(f.read()) == 0:
                return False
    except (OSError, ValueError):
        return False
    try:
        with open("/proc/sys/kernel/unprivileged_userns_clone") as f:
            return f.read().strip() != "0"
    except OSError:
        return True


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _linux() -> bool:
    return sys.platform.startswith("linux")


def _python() -> tuple[bool, str]:
    version = sys.version_info[:3]
    return version >= MIN_PYTHON, ".".join(map(str, version))


def _root_or_userns() -> tuple[bool, str]:
    if _is_root():
        return True, "root"
    if _userns_allowed():
        return True, "user namespaces allowed"
    return False, "not root, user namespaces disabled"


def _unshare() -> tuple[bool, str]:
    found = bool(shutil.which("unshare") and shutil.which("nsenter"))
    return found, "found" if found else "not found"


def _tshark() -> tuple[bool, str]:
    version = tshark.version()
    return version is not None, version or "not found"


def _tshark_lua() -> tuple[bool, str]:
    if tshark.version() is None:
        return False, "no tshark"
    lua = tshark.has_lua()
    return lua, "Lua support" if lua else "built without Lua"


def _ipv6() -> tuple[bool, str]:
    enabled = socket.has_ipv6 and (not _linux() or os.path.exists("/proc/net/if_inet6"))
    return enabled, "enabled" if enabled else "disabled in the kernel"


@functools.lru_cache(maxsize=1)
def _network_probe() -> tuple[bool, str, bool, str]:
    """Build a real "lan" network (veth pairs and a bridge) and open a capture in it:
    (netns ok, detail, capture ok, detail)."""
    if not _is_root():
        return False, "not root", False, "not root"
    if shutil.which("ip") is None or shutil.which("unshare") is None:
        return False, "ip or unshare missing", False, "no namespaces"
    tag = cleanup.case_tag(cleanup.run_tag(), 0) + "d"
    try:
        network = netns.Network.create("lan", tag=tag)
    except Exception as exc:   # any failure is the answer here
        return False, f"building a test network failed: {exc}", False, "no namespaces"
    try:
        try:
            cap = capture.Capture.start(network, "a", "eth0")
            cap.stop()
            cap_ok, cap_detail = True, "AF_PACKET socket in a namespace"
        except Exception as exc:
            cap_ok, cap_detail = False, f"AF_PACKET capture failed: {exc}"
    finally:
        network.destroy()
    return True, "built and removed a lan network (veth pairs, bridge)", cap_ok, cap_detail


def _namespaces() -> tuple[bool, str]:
    ok, detail, _, _ = _network_probe()
    return ok, detail


def _af_packet() -> tuple[bool, str]:
    _, _, ok, detail = _network_probe()
    return ok, detail


def _af_unix() -> tuple[bool, str]:
    try:
        socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).close()
    except (OSError, AttributeError):
        return False, "unavailable"
    return True, "available"


def _flag(test: Callable[[], bool], yes: str, no: str) -> Probe:
    return lambda: (test(), yes if test() else no)


# --------------------------------------------------------------------------- the table

REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement("python", "the harness itself (tomllib)", _python,
                "install Python 3.11 or newer (apt-get install python3)"),
    Requirement("root or user namespaces", "creating network namespaces", _root_or_userns,
                "run as root (sudo), or enable user namespaces "
                "(sysctl kernel.unprivileged_userns_clone=1)"),
    Requirement("root", "scenarios that require root", _flag(_is_root, "root", "not root"),
                "run as root (sudo)"),
    Requirement("ip", "running agents in namespaces (ip netns exec)", _tool(["ip", "-V"]),
                "apt-get install iproute2"),
    Requirement("unshare/nsenter", "per-host hostnames, nftables rules", _unshare,
                "apt-get install util-linux"),
    Requirement("nft", "scenarios with filter rules", _tool(["nft", "--version"]),
                "apt-get install nftables"),
    Requirement("tshark", "capture checks", _tshark, "apt-get install tshark"),
    Requirement("tshark lua", "capture checks (the batch evaluator is a Lua script)",
                _tshark_lua, "install a tshark built with Lua (Debian's tshark package is)"),
    Requirement("ipv6", "IPv6 variants", _ipv6, "boot without ipv6.disable=1"),
    Requirement("veth/bridge namespaces", "every topology but loopback", _namespaces,
                "run as root with iproute2 installed; the kernel needs veth and "
                "bridge support (modprobe veth bridge)"),
    Requirement("AF_PACKET capture", "capturing traffic in a namespace", _af_packet,
                "run as root; the kernel needs CONFIG_PACKET (modprobe af_packet)"),
    Requirement("raw sockets", "scenarios using SOCK_RAW",
                _flag(lambda: _linux() and _is_root(), "available", "needs root on Linux"),
                "run as root on Linux"),
    Requirement("linux", "Linux-only scenarios (abstract AF_UNIX names, ...)",
                _flag(_linux, sys.platform, sys.platform), "run on Linux"),
    Requirement("AF_UNIX", "AF_UNIX scenarios", _af_unix, "a kernel with Unix domain sockets"),
)

BY_NAME = {r.name: r for r in REQUIREMENTS}

# The names scenarios use in `requires`, and the table entries each one needs.
KEYS: dict[str, tuple[str, ...]] = {
    "netns": ("veth/bridge namespaces",),
    "capture": ("AF_PACKET capture", "tshark", "tshark lua"),
    "ipv6": ("ipv6",),
    "root": ("root",),
    "raw": ("raw sockets",),
    "af_unix": ("AF_UNIX",),
    "linux": ("linux",),
    "abstract": ("linux",),
}


def probe(name: str) -> tuple[bool, str]:
    """(available, detail) of one table entry; probed once per process. Serialised:
    runs side by side ask from several threads at once, and two first calls must not
    build the same probe network together."""
    with _probe_lock:
        return _probe_once(name)


_probe_lock = threading.Lock()


@functools.lru_cache(maxsize=None)
def _probe_once(name: str) -> tuple[bool, str]:
    ok, detail = BY_NAME[name].probe()
    return bool(ok), detail


def available(key: str) -> bool:
    """Whether a scenario requirement (`requires = [...]`) holds here; unknown: no."""
    names = KEYS.get(key)
    return names is not None and all(probe(name)[0] for name in names)


def checks() -> list[dict]:
    """Every entry as {"name", "ok", "detail", "fix"} (fix empty when ok)."""
    entries = []
    for req in REQUIREMENTS:
        ok, detail = probe(req.name)
        entries.append({"name": req.name, "ok": ok, "detail": detail,
                        "fix": "" if ok else req.fix})
    return entries
