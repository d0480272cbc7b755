"""Packet capture inside a host's namespace, with an AF_PACKET socket (no tcpdump).

The socket is opened in a short-lived thread that entered the host's namespace; a socket
keeps its namespace for life, so the thread can end at once. Bound to the interface, the
socket is *armed*: every frame from then on waits in its receive buffer (forced to 64 MiB,
the kernel doubles that for bookkeeping) until stop() drains it. Nothing runs during the
case. For transfers whose frames could exceed the buffer, start(background=True) adds a
reader thread that moves frames into memory as they come.

Frames are taken as the interface sees them. Segmentation offload is limited when the
links are made (netns.py sets gso_max_segs 1 on every veth, as ethtool is not installed),
so TCP data leaves in wire-sized segments; flows() merges data segments anyway.
"""

from __future__ import annotations

import os
import select
import socket
import struct
import threading
import time
from dataclasses import dataclass, field

from . import netns as netns_mod

ETH_P_ALL = 0x0003
SOL_PACKET = 263
PACKET_STATISTICS = 6
PACKET_OUTGOING = 4
ARPHRD_LOOPBACK = 772
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
SO_RCVBUFFORCE = getattr(socket, "SO_RCVBUFFORCE", 33)
LINKTYPE_ETHERNET = 1
SNAPLEN = 262144
RCVBUF = 64 << 20
# stop() waits at most this long for frames the interface has counted but the capture
# has not yet received (see Capture.stop).
SETTLE_TIMEOUT = 0.5
# wait_quiet(): the wire is quiet once no frame has come for QUIET seconds (and every frame
# the interface counted has arrived); never waits longer than QUIET_LIMIT. A user-space
# stack's wire reaction to the last call (its FIN, its RST, a datagram) may come after
# the call's answer; timer-driven repeats (SYN retries, 1 s and more apart) do not hold
# the wait up, and the flow normalisation collapses them anyway.
QUIET = 0.05
QUIET_LIMIT = 0.5


class CaptureError(RuntimeError):
    """Capture is unavailable here (no namespace, no AF_PACKET) or failed."""


@dataclass
class CapturedInterface:
    name: str                              # e.g. "a/eth0"
    linktype: int                          # pcap LINKTYPE_ (1 = Ethernet)
    packets: list[tuple[int, bytes]]       # (ns since the epoch, frame)
    drops: int = 0                         # frames the kernel dropped (buffer full)
    truncated: int = 0                     # frames longer than SNAPLEN (cut)
    meta: dict = field(default_factory=dict)


def _open_bound(iface: str) -> socket.socket:
    # Protocol 0 at creation: the socket receives nothing until bind() names the
    # interface, so no frame of another interface slips in before.
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    try:
        try:
            sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, RCVBUF)
        except PermissionError:       # not root: take what the normal limit allows
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RCVBUF)
        sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        sock.bind((iface, ETH_P_ALL))
        sock.setblocking(False)
        return sock
    except BaseException:
        sock.close()
        raise


def _open_bound_with_counters(iface: str) -> tuple[socket.socket, int | None]:
    """The armed socket, and /proc/net/dev of the calling thread's namespace, opened
    here: the open file keeps reading that namespace's counters after the thread has
    gone (each read from offset 0 regenerates it)."""
    sock = _open_bound(iface)
    try:
        fd = os.open("/proc/thread-self/net/dev", os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        fd = None
    return sock, fd


def _read_counters(fd: int, iface: str) -> tuple[int, int] | None:
    """(received, transmitted) packets of iface from a /proc/net/dev file descriptor."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        chunks = []
        while True:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            chunks.append(chunk)
    except OSError:
        return None
    for line in b"".join(chunks).decode("ascii", "replace").splitlines()[2:]:
        name, _, numbers = line.partition(":")
        if name.strip() == iface:
            fields = numbers.split()
            try:
                return int(fields[1]), int(fields[9])
            except (IndexError, ValueError):
                return None
    return None


def _close_later(sock: socket.socket) -> None:
    """Close a packet socket off the caller's path: the kernel waits for an RCU grace
    period (synchronize_net) when a packet socket is released, about 10 ms."""
    # Detach the capture first, so nothing more is queued while the close waits.
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 0)
    except OSError:
        pass
    threading.Thread(target=sock.close, name="capture-close", daemon=True).start()


def chronological(packets: list[tuple[int, bytes]]) -> list[tuple[int, bytes]]:
    """The frames in the order of their kernel timestamps (stable: ties keep the order
    they were read in). The socket does not always deliver them in that order: an
    arriving frame is stamped when the interface receives it but can reach the packet
    socket after a frame that left later (seen under gVisor: the peer's data, stamped
    0.1 ms before this side's ACK of it, was read after the ACK). Read in that order,
    tshark takes the data for a spurious retransmission, and every check that leaves
    retransmissions out misses it."""
    return sorted(packets, key=lambda packet: packet[0])


class Capture:
    """An armed capture on one interface of one host."""

    def __init__(self, sock: socket.socket, name: str, background: bool,
                 counters_fd: int | None = None, iface: str = ""):
        self._sock = sock
        self.name = name
        self._iface = iface
        self._counters_fd = counters_fd
        self._counters_at_start = (_read_counters(counters_fd, iface)
                                   if counters_fd is not None else None)
        self._packets: list[tuple[int, bytes]] = []
        self._truncated = 0
        self._drops = 0
        self.settle_missing = 0            # frames still due when _settle gave up
        self._buf = bytearray(SNAPLEN)
        self._result: CapturedInterface | None = None
        self._lock = threading.Lock()
        self._stop_reader = threading.Event()
        self._reader: threading.Thread | None = None
        if background:
            self._reader = threading.Thread(target=self._read_loop, name=f"capture-{name}",
                                            daemon=True)
            self._reader.start()

    @classmethod
    def start(cls, network, host: str, iface: str, *, background: bool = False) -> "Capture":
        """Open and bind the socket in the host's namespace; returns once armed."""
        ns = network.namespace(host)
        if ns is None:
            raise CaptureError(f"no capture on the {network.template} template (no namespace)")
        try:
            sock, fd = netns_mod.run_in_namespace(ns, _open_bound_with_counters, iface)
        except OSError as exc:
            raise CaptureError(f"capture on {host}/{iface}: {exc}") from exc
        return cls(sock, f"{host}/{iface}", background, fd, iface)

    def _drain_once(self) -> bool:
        """Take every queued frame; False once the socket is closed."""
        view = memoryview(self._buf)
        cmsg_space = socket.CMSG_SPACE(16)
        while True:
            try:
                n, ancdata, flags, addr = self._sock.recvmsg_into([view], cmsg_space,
                                                                   socket.MSG_TRUNC)
            except BlockingIOError:
                return True
            except OSError:
                return False
            # On a loopback interface every frame shows up twice (leaving and arriving);
            # keep the arriving copy, as libpcap does.
            if addr[2] == PACKET_OUTGOING and addr[3] == ARPHRD_LOOPBACK:
                continue
            ts = 0
            for level, kind, data in ancdata:
                if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(data) >= 16:
                    sec, nsec = struct.unpack("qq", data[:16])
                    ts = sec * 1_000_000_000 + nsec
            if n > SNAPLEN:
                self._truncated += 1
                n = SNAPLEN
            self._packets.append((ts, bytes(view[:n])))

    def _read_loop(self) -> None:
        while not self._stop_reader.is_set():
            try:
                ready, _, _ = select.select([self._sock], [], [], 0.05)
            except (OSError, ValueError):
                return
            if ready:
                with self._lock:
                    if not self._drain_once():
                        return

    def _statistics_drops(self) -> int:
        try:
            data = self._sock.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8)
            return struct.unpack("II", data)[1]
        except OSError:
            return 0

    def _expected_frames(self) -> int | None:
        """Frames the interface has handled since the capture was armed, by its own
        counters. A frame a peer sends is counted when the peer transmits it, but
        reaches this interface's capture later, from the receive softirq (under load,
        from ksoftirqd, milliseconds later): the count says how many are still due."""
        if self._counters_fd is None or self._counters_at_start is None:
            return None
        now = _read_counters(self._counters_fd, self._iface)
        if now is None:
            return None
        rx = now[0] - self._counters_at_start[0]
        tx = now[1] - self._counters_at_start[1]
        # On loopback only the arriving copy of each frame is kept.
        return rx if self._iface == "lo" else rx + tx

    def _settle(self) -> None:
        """Drain until every frame the interface counted has arrived (bounded)."""
        expected = self._expected_frames()
        if expected is None:
            return
        deadline = time.monotonic() + SETTLE_TIMEOUT
        while True:
            self._drops += self._statistics_drops()
            if len(self._packets) + self._drops >= expected:
                return
            left = deadline - time.monotonic()
            if left <= 0:
                self.settle_missing = expected - len(self._packets) - self._drops
                return
            try:
                select.select([self._sock], [], [], min(left, 0.01))
            except (OSError, ValueError):
                return
            if not self._drain_once():
                return

    def wait_quiet(self, quiet: float = QUIET, limit: float = QUIET_LIMIT) -> bool:
        """Block until no new frame has reached the capture for `quiet` seconds and the
        interface's counters owe none, at most `limit` seconds; True if it went quiet.
        Wakes on frames (select on the capture socket), not on a blind sleep."""
        start = time.monotonic()
        deadline = start + limit
        seen, since = -1, start
        while True:
            with self._lock:
                if self._result is not None or not self._drain_once():
                    return False
                count = len(self._packets)
            now = time.monotonic()
            if count != seen:
                seen, since = count, now
            elif now - since >= quiet:
                expected = self._expected_frames()
                self._drops += self._statistics_drops()     # reading resets the kernel's
                if expected is None or count + self._drops >= expected:
                    return True
            if now >= deadline:
                return False
            wait = min(max(quiet - (now - since), 0.005), deadline - now)
            try:
                select.select([self._sock], [], [], wait)
            except (OSError, ValueError):
                return False

    def stop(self) -> CapturedInterface:
        """Drain every queued frame and close; idempotent (returns the same result)."""
        if self._result is not None:
            return self._result
        if self._reader is not None:
            self._stop_reader.set()
            self._reader.join()
        with self._lock:
            if self._result is None:
                self._drain_once()
                self._settle()
                drops = self._drops + self._statistics_drops()
                _close_later(self._sock)
                if self._counters_fd is not None:
                    os.close(self._counters_fd)
                    self._counters_fd = None
                self._result = CapturedInterface(self.name, LINKTYPE_ETHERNET,
                                                 chronological(self._packets),
                                                 drops, self._truncated)
                if self.settle_missing:
                    self._result.meta["settle_missing"] = self.settle_missing
        return self._result

    def __enter__(self) -> "Capture":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
