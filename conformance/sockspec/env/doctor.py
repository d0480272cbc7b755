"""What this machine can do for the harness, and how to fix what is missing.

checks() returns one entry per requirement: {"name", "ok", "detail", "fix"}. The probes
are real: a namespace set-up builds (and removes) an actual "lan" network, the capture
probe opens an AF_PACKET socket inside it.
"""

from __future__ import annotations

import functools
import os
import shutil
import socket
import subprocess
import sys

from . import cleanup, tshark

MIN_PYTHON = (3, 11)


def _entry(name: str, ok: bool, detail: str, fix: str = "") -> dict:
    return {"name": name, "ok": bool(ok), "detail": detail, "fix": "" if ok else fix}


def _command_version(argv: list[str]) -> str | None:
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (out.stdout or out.stderr).strip().splitlines()
    return text[0] if text else ""


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


@functools.lru_cache(maxsize=1)
def _network_probe() -> tuple[bool, str, bool, str]:
    """Build a real "lan" network (veth pairs and a bridge) and open a capture in it:
    (netns ok, detail, capture ok, detail)."""
    if os.geteuid() != 0:
        return False, "not root", False, "not root"
    if shutil.which("ip") is None or shutil.which("unshare") is None:
        return False, "ip or unshare missing", False, "no namespaces"
    from . import capture, netns
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


def netns_available() -> bool:
    """Root, iproute2, and a test network actually builds here."""
    return _network_probe()[0]


def capture_available() -> bool:
    """Packets can be captured in a namespace AND tshark (with Lua) can check them."""
    return _network_probe()[2] and tshark.version() is not None and tshark.has_lua()


def checks() -> list[dict]:
    results = []
    version = sys.version_info[:3]
    results.append(_entry("python", version >= MIN_PYTHON, ".".join(map(str, version)),
                          "install Python 3.11 or newer (apt-get install python3)"))
    root = os.geteuid() == 0
    results.append(_entry("root or user namespaces", root or _userns_allowed(),
                          "root" if root else ("user namespaces allowed" if _userns_allowed()
                                                else "not root, user namespaces disabled"),
                          "run as root (sudo), or enable user namespaces "
                          "(sysctl kernel.unprivileged_userns_clone=1)"))
    ip = _command_version(["ip", "-V"]) if shutil.which("ip") else None
    results.append(_entry("ip", ip is not None, ip or "not found", "apt-get install iproute2"))
    unshare = shutil.which("unshare") and shutil.which("nsenter")
    results.append(_entry("unshare/nsenter", bool(unshare), "found" if unshare else "not found",
                          "apt-get install util-linux"))
    nft = _command_version(["nft", "--version"]) if shutil.which("nft") else None
    results.append(_entry("nft", nft is not None, nft or "not found", "apt-get install nftables"))
    tv = tshark.version()
    results.append(_entry("tshark", tv is not None, tv or "not found", "apt-get install tshark"))
    if tv is not None:
        results.append(_entry("tshark lua", tshark.has_lua(),
                              "Lua support" if tshark.has_lua() else "built without Lua",
                              "install a tshark built with Lua (Debian's tshark package is)"))
    ipv6 = os.path.exists("/proc/net/if_inet6")
    results.append(_entry("ipv6", ipv6, "enabled" if ipv6 else "disabled in the kernel",
                          "boot without ipv6.disable=1"))
    ok, detail, cap_ok, cap_detail = _network_probe()
    results.append(_entry("veth/bridge namespaces", ok, detail,
                          "run as root with iproute2 installed; the kernel needs veth and "
                          "bridge support (modprobe veth bridge)"))
    results.append(_entry("AF_PACKET capture", cap_ok, cap_detail,
                          "run as root; the kernel needs CONFIG_PACKET (modprobe af_packet)"))
    try:
        socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).close()
        unix = True
    except OSError:
        unix = False
    results.append(_entry("AF_UNIX", unix, "available" if unix else "unavailable",
                          "a kernel with Unix domain sockets"))
    return results


def main() -> int:
    failed = 0
    for item in checks():
        mark = "ok " if item["ok"] else "MISSING"
        print(f"{mark:8} {item['name']:24} {item['detail']}")
        if not item["ok"]:
            failed += 1
            print(f"{'':8} {'':24} fix: {item['fix']}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
