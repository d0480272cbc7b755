"""Shared helpers of the environment self-tests (test_env_*.py): path set-up, leak checks,
and a tiny ICMP echo done from inside a namespace (ping is not installed everywhere)."""

from __future__ import annotations

import os
import select
import socket
import struct
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CONFORMANCE = os.path.dirname(os.path.dirname(HERE))
if CONFORMANCE not in sys.path:
    sys.path.insert(0, CONFORMANCE)

from sockspec.env import cleanup, netns  # noqa: E402

FAKES = os.path.join(HERE, "fakes")


def is_root() -> bool:
    return os.geteuid() == 0


def our_leftovers() -> list[str]:
    """Namespaces and /etc/netns dirs of THIS process's run tag that still exist."""
    tag = cleanup.run_tag()
    found = []
    for directory in (cleanup.NETNS_DIR, cleanup.ETC_NETNS_DIR):
        try:
            found += [os.path.join(directory, n) for n in os.listdir(directory)
                      if n.startswith(tag + "-")]
        except FileNotFoundError:
            pass
    return found


def _checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def _echo(dst: str, timeout: float, ident: int) -> tuple[str, int, int] | None:
    """Send one ICMP(v6) echo request to dst; return (source, type, code) of the first
    ICMP message about it (reply or error), None if nothing came in time."""
    v6 = ":" in dst
    if v6:
        sock = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
        header = struct.pack("!BBHHH", 128, 0, 0, ident, 1)   # kernel fills the checksum
    else:
        sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        header = struct.pack("!BBHHH", 8, 0, 0, ident, 1)
    payload = b"sockspec-echo"
    if not v6:
        header = struct.pack("!BBHHH", 8, 0, _checksum(header + payload), ident, 1)
    with sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        sock.sendto(header + payload, (dst, 0))
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([sock], [], [], left)[0]:
                return None
            data, addr = sock.recvfrom(65535)
            if not v6:
                data = data[(data[0] & 0x0F) * 4:]
            kind, code = data[0], data[1]
            if kind in (0, 129):            # echo reply: must be ours
                if struct.unpack("!H", data[4:6])[0] == ident:
                    return addr[0], kind, code
            elif kind in ((1, 3) if v6 else (3, 11)):   # unreachable / time exceeded
                return addr[0], kind, code


def ping(network, host: str, dst: str, timeout: float = 2.0) -> tuple[str, int, int] | None:
    """ICMP echo from inside host's namespace."""
    ident = os.getpid() & 0xFFFF
    return netns.run_in_namespace(network.namespace(host), _echo, dst, timeout, ident)


def child_pids() -> list[int]:
    """Live (non-zombie) children of this process."""
    me = os.getpid()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == me and fields[0] != "Z":
            found.append(int(entry))
    return found


import unittest  # noqa: E402


class EnvTestCase(unittest.TestCase):
    """Skips without root; after every test, nothing of ours may be left."""

    needs_root = True

    def setUp(self) -> None:
        if self.needs_root and not is_root():
            self.skipTest("needs root (network namespaces)")
        # Cleanups run last-in first-out: registered first, this check runs after every
        # network, agent and capture of the test has been cleaned up.
        self.addCleanup(self._check_nothing_left)

    def _check_nothing_left(self) -> None:
        self.assertEqual(our_leftovers(), [], "namespaces or /etc/netns dirs left behind")
        self.assertEqual(child_pids(), [], "child processes left behind")

    def network(self, template: str, index: int = 0, **options):
        net = netns.Network.create(template, tag=cleanup.case_tag(cleanup.run_tag(), index),
                                   **options)
        self.addCleanup(net.destroy)
        return net
