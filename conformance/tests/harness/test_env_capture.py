"""Self-tests of capture.py, pcapng.py and tshark.py on real traffic in real namespaces."""

import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from env_support import EnvTestCase, ping  # noqa: E402

from sockspec.env import capture, cleanup, netns, pcapng, tshark  # noqa: E402
from sockspec.engine import golden  # noqa: E402

NAMES = {"192.0.2.1": "a", "192.0.2.2": "b", "2001:db8:1::1": "a", "2001:db8:1::2": "b"}
HAVE_TSHARK = tshark.version() is not None and tshark.has_lua()


def tcp_exchange(net, payload: bytes, reply: bytes = b"") -> int:
    """a connects to b, sends payload, half-closes; b counts, answers reply, closes.
    Sockets are made inside the namespaces and used from ordinary threads."""
    server = netns.run_in_namespace(net.namespace("b"), socket.create_server, ("192.0.2.2", 0))
    client = netns.run_in_namespace(net.namespace("a"), socket.socket)
    received = []

    def serve():
        conn, _ = server.accept()
        with conn:
            total = 0
            while chunk := conn.recv(1 << 16):
                total += len(chunk)
            received.append(total)
            conn.sendall(reply)
    thread = threading.Thread(target=serve)
    thread.start()
    with client, server:
        client.settimeout(10)
        client.connect(("192.0.2.2", server.getsockname()[1]))
        client.sendall(payload)
        client.shutdown(socket.SHUT_WR)
        while client.recv(1 << 16):
            pass
        thread.join(10)
    return received[0]


class CaptureBasics(EnvTestCase):
    def setUp(self):
        super().setUp()
        self.tmp = tempfile.mkdtemp(prefix=f"sockspec-{cleanup.run_tag()}-test-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def capture(self, net, host="a", iface="eth0", **kw):
        cap = capture.Capture.start(net, host, iface, **kw)
        self.addCleanup(cap.stop)
        return cap

    def test_wait_quiet_waits_for_a_late_frame(self):
        net = self.network("pair")
        cap = self.capture(net)
        ping(net, "a", "192.0.2.2")
        cap.wait_quiet()
        before = len(cap._packets)
        # A frame leaves 30 ms after the wait began (a user-space stack's late reaction):
        # the wait ends only after it has been captured, and not at the limit.
        late = threading.Timer(0.03, ping, (net, "a", "192.0.2.2"))
        late.start()
        self.addCleanup(late.join)
        t0 = time.monotonic()
        self.assertTrue(cap.wait_quiet(quiet=0.1, limit=2.0))
        waited = time.monotonic() - t0
        late.join()
        self.assertGreaterEqual(len(cap._packets), before + 2)      # request and reply
        self.assertLess(waited, 2.0)
        self.assertGreaterEqual(waited, 0.1)

    def test_wait_quiet_gives_up_at_its_limit(self):
        net = self.network("pair")
        cap = self.capture(net)
        stop = threading.Event()

        def chatter():
            while not stop.is_set():
                ping(net, "a", "192.0.2.2")
                stop.wait(0.01)
        talker = threading.Thread(target=chatter)
        talker.start()
        try:
            self.assertFalse(cap.wait_quiet(quiet=0.1, limit=0.4))
        finally:
            stop.set()
            talker.join()

    def test_capture_sees_a_ping_and_stop_is_idempotent(self):
        net = self.network("pair")
        cap = self.capture(net)
        self.assertEqual(ping(net, "a", "192.0.2.2")[1], 0)
        first = cap.stop()
        self.assertIs(cap.stop(), first)
        self.assertEqual(first.name, "a/eth0")
        self.assertEqual(first.linktype, 1)
        self.assertEqual(first.drops, 0)
        icmp = [frame for _, frame in first.packets if frame[12:14] == b"\x08\x00" and frame[23] == 1]
        self.assertEqual([frame[34] for frame in icmp], [8, 0])   # request out, reply in
        stamps = [ts for ts, _ in first.packets]
        self.assertEqual(stamps, sorted(stamps))
        self.assertGreater(stamps[0], 1_000_000_000 * 1_000_000_000)   # ns since the epoch

    def test_loopback_capture_keeps_one_copy_per_packet(self):
        net = self.network("single")
        cap = self.capture(net, "a", "lo")
        self.assertEqual(ping(net, "a", "127.0.0.1")[1], 0)
        frames = [f for _, f in cap.stop().packets if f[12:14] == b"\x08\x00" and f[23] == 1]
        self.assertEqual([f[34] for f in frames], [8, 0])

    def test_no_capture_without_namespaces(self):
        net = netns.Network.create("loopback", tag=cleanup.case_tag(cleanup.run_tag(), 91))
        with self.assertRaises(capture.CaptureError):
            capture.Capture.start(net, "a", "lo")

    def test_capture_on_a_missing_interface_fails_clearly(self):
        net = self.network("pair")
        with self.assertRaisesRegex(capture.CaptureError, "a/eth7"):
            capture.Capture.start(net, "a", "eth7")

    def test_pcapng_is_valid_and_names_each_interface(self):
        net = self.network("pair")
        cap1 = self.capture(net)
        ping(net, "a", "192.0.2.2")
        first = cap1.stop()
        cap2 = self.capture(net, "b", "eth0")
        ping(net, "b", "2001:db8:1::1")
        second = cap2.stop()
        path = os.path.join(self.tmp, "two.pcapng")
        pcapng.write(path, [("echo/one:ipv4", first), ("echo/two:ipv6", second)])
        interfaces, packets = pcapng.read(path)
        self.assertEqual([i["name"] for i in interfaces], ["echo/one:ipv4", "echo/two:ipv6"])
        self.assertEqual([i["tsresol"] for i in interfaces], [9, 9])
        self.assertEqual(len(packets), len(first.packets) + len(second.packets))
        self.assertEqual(packets[0], (0, first.packets[0][0], first.packets[0][1]))
        if not HAVE_TSHARK:
            self.skipTest("no tshark")
        out = subprocess.run(["tshark", "-n", "-r", path, "-T", "fields", "-e", "frame.interface_id",
                              "-e", "frame.interface_name", "-e", "frame.time_epoch"],
                             capture_output=True, text=True, check=True).stdout.splitlines()
        rows = [line.split("\t") for line in out]
        self.assertEqual(len(rows), len(packets))
        self.assertEqual({(r[0], r[1]) for r in rows},
                         {("0", "echo/one:ipv4"), ("1", "echo/two:ipv6")})
        # nanosecond timestamps survive the round trip
        ts = first.packets[0][0]
        self.assertEqual(rows[0][2], f"{ts // 10**9}.{ts % 10**9:09d}")

    def test_large_transfer_is_captured_whole_in_wire_sized_frames(self):
        net = self.network("pair")
        cap = self.capture(net)
        size = 8 << 20
        self.assertEqual(tcp_exchange(net, b"x" * size), size)
        got = cap.stop()
        self.assertEqual(got.drops, 0)
        self.assertEqual(got.truncated, 0)
        self.assertLessEqual(max(len(f) for _, f in got.packets), 1514)
        # every payload byte a sent is in some frame: the data frames cover the sequence
        # space from the SYN to the FIN (retransmissions may repeat some of it)
        covered, syn, fin = set(), None, None
        for _, f in got.packets:
            if f[12:14] == b"\x08\x00" and f[23] == 6 and f[26:30] == bytes([192, 0, 2, 1]):
                ihl = (f[14] & 0x0F) * 4
                tcp = f[14 + ihl:]
                seq = int.from_bytes(tcp[4:8], "big")
                length = int.from_bytes(f[16:18], "big") - ihl - (tcp[12] >> 4) * 4
                if tcp[13] & 0x02:
                    syn = seq
                if tcp[13] & 0x01:
                    fin = seq + length   # the FIN comes after the segment's data
                if length:
                    covered.add((seq, length))
        self.assertEqual((fin - syn - 1) % 2**32, size)
        offsets = sorted(((seq - syn - 1) % 2**32, length) for seq, length in covered)
        reach = 0
        for offset, length in offsets:
            self.assertLessEqual(offset, reach, "a hole in the captured data")
            reach = max(reach, offset + length)
        self.assertEqual(reach, size)

    def test_stop_waits_for_frames_the_peer_sent(self):
        # Frames from b reach a's capture from the receive softirq, after b's send has
        # returned (under load, from ksoftirqd, later still); stop() must not lose them.
        net = self.network("pair")
        cap = self.capture(net)
        count = 200

        def blast():
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                for i in range(count):
                    s.sendto(i.to_bytes(4, "big"), ("192.0.2.1", 9))
        netns.run_in_namespace(net.namespace("b"), blast)
        got = cap.stop()
        udp = [f for _, f in got.packets
               if f[12:14] == b"\x08\x00" and f[23] == 17 and f[26:30] == bytes([192, 0, 2, 2])]
        self.assertEqual(len(udp) + got.drops, count)
        self.assertNotIn("settle_missing", got.meta)

    def test_background_reader_captures_too(self):
        net = self.network("pair")
        cap = self.capture(net, background=True)
        self.assertEqual(tcp_exchange(net, b"y" * (1 << 20)), 1 << 20)
        got = cap.stop()
        self.assertEqual(got.drops, 0)
        self.assertGreater(len(got.packets), (1 << 20) // 1448)


@unittest.skipUnless(HAVE_TSHARK, "tshark with Lua is needed")
class TsharkChecks(EnvTestCase):
    @classmethod
    def setUpClass(cls):
        """One capture for all the checks: a ping, an IPv6 ping, a TCP exchange."""
        if os.geteuid() != 0:
            raise unittest.SkipTest("needs root")
        cls.tmp = tempfile.mkdtemp(prefix=f"sockspec-{cleanup.run_tag()}-test-")
        net = netns.Network.create("pair", tag=cleanup.case_tag(cleanup.run_tag(), 50))
        try:
            cap = capture.Capture.start(net, "a", "eth0")
            ping(net, "a", "192.0.2.2")
            ping(net, "a", "2001:db8:1::2")
            tcp_exchange(net, b"hello" * 1000, b"bye")
            cls.captured = cap.stop()
        finally:
            net.destroy()
        cls.path = os.path.join(cls.tmp, "checks.pcapng")
        empty = capture.CapturedInterface("empty", 1, [])
        pcapng.write(cls.path, [("other-case", empty), ("this-case", cls.captured)])

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_batch_with_a_bad_filter_and_a_bad_field(self):
        checks = [
            tshark.Check("pings", 1, "icmp"),
            tshark.Check("broken", 1, "tcp.flags.syn == "),
            tshark.Check("nosuchfield", 1, "tcp", ["tcp.no_such_field"]),
            tshark.Check("syn", 1, "tcp.flags.syn == 1 && tcp.flags.ack == 0"),
            tshark.Check("other-interface", 0, "icmp"),
            tshark.Check("escape", 1, "icmp) || (tcp"),
            tshark.Check("handshake", 1, "tcp", ["tcp.flagset", "dir"], NAMES),
            tshark.Check("v6", 1, "icmpv6.type == 128 || icmpv6.type == 129", ["dir", "icmpv6.type"], NAMES),
        ]
        verdicts = tshark.evaluate(self.path, checks)
        self.assertEqual(set(verdicts), {c.key for c in checks})
        self.assertEqual((verdicts["pings"].count, verdicts["pings"].error), (2, None))
        self.assertIsNone(verdicts["broken"].count)
        self.assertIn("tcp.flags.syn", verdicts["broken"].error)
        self.assertIn("tcp.no_such_field", verdicts["nosuchfield"].error)
        self.assertEqual(verdicts["syn"].count, 1)
        self.assertEqual(verdicts["other-interface"].count, 0)
        self.assertIsNotNone(verdicts["escape"].error)   # filters cannot break out of ( )
        self.assertEqual(verdicts["handshake"].values[:3], ["S,a>b", "SA,b>a", "A,a>b"])
        self.assertEqual(verdicts["handshake"].count, len(verdicts["handshake"].values))
        self.assertIn("FA,a>b", verdicts["handshake"].values)
        self.assertEqual(verdicts["v6"].values, ["a>b,128", "b>a,129"])

    def test_values_look_like_tshark_fields_output(self):
        fields = ["ip.src", "tcp.flags", "tcp.flags.syn", "frame.len", "eth.src", "tcp.option_kind",
                  "tcp.srcport", "ip.ttl"]
        verdict = tshark.evaluate(self.path, [tshark.Check("v", 1, "tcp", fields)])["v"]
        argv = ["tshark", "-n", "-r", self.path, "-Y", "frame.interface_id == 1 && tcp",
                "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,"]
        for f in fields:
            argv += ["-e", f]
        out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
        expected = [line.replace("\t", ",") for line in out.splitlines()]
        self.assertEqual(verdict.values, expected)

    def test_flows_are_normalised(self):
        flows = tshark.flows(self.path, [1], {1: NAMES})[1]
        self.assertEqual(flows[:4], ["a>b ICMP 8/0", "b>a ICMP 0/0", "a>b ICMPv6 128/0",
                                     "b>a ICMPv6 129/0"])
        tcp = flows[4:]
        self.assertEqual(tcp[0], "a>b TCP S len=0 opts=2,4,8,1,3")
        self.assertEqual(tcp[1], "b>a TCP SA len=0 opts=2,4,8,1,3")
        self.assertEqual(tcp[2], "a>b TCP A len=0 opts=1,1,8")
        self.assertEqual(tcp[3], "a>b TCP PA len=5000 opts=1,1,8")   # merged segments
        self.assertIn("b>a TCP PA len=3 opts=1,1,8", tcp)
        self.assertEqual(sum(1 for e in tcp if " F" in e), 2)
        for event in flows:   # direction, protocol, flags, length, options: nothing else
            self.assertRegex(event, r"^[a-z]+>[a-z]+ (ICMP|ICMPv6|TCP)( [A-Z/0-9]+)?( len=\d+)?( opts=[\d,]+)?$")

    def test_unreadable_file_fails_every_check(self):
        bad = os.path.join(self.tmp, "bad.pcapng")
        with open(bad, "wb") as f:
            f.write(b"not a capture")
        verdicts = tshark.evaluate(bad, [tshark.Check("x", 0, "tcp"), tshark.Check("y", 0, "udp")])
        self.assertTrue(all(v.error and v.count is None for v in verdicts.values()))

    def test_pseudo_field_helpers(self):
        self.assertEqual(tshark.flagset("0x0012"), "SA")
        self.assertEqual(tshark.flagset("0x0018"), "PA")
        self.assertEqual(tshark.flagset("0x0011"), "FA")
        self.assertEqual(tshark.flagset("0x0014"), "RA")
        self.assertEqual(tshark.flagset(""), "")
        self.assertEqual(tshark.direction("192.0.2.1>203.0.113.9", NAMES), "a>203.0.113.9")

    def test_version(self):
        self.assertRegex(tshark.version(), r"^\d+\.\d+\.\d+$")


def tcp_frame(src: str, dst: str, sport: int, dport: int, seq: int, ack: int, flags: int,
              payload: bytes = b"", ttl: int = 64) -> bytes:
    """An Ethernet + IPv4 + TCP frame (checksums left 0: tshark does not verify them)."""
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 64240, 0, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(payload), 1, 0x4000, ttl,
                     6, 0, socket.inet_aton(src), socket.inet_aton(dst))
    eth = bytes.fromhex("020000000200" "020000000100") + struct.pack("!H", 0x0800)
    return eth + ip + tcp + payload


FIN, SYN, RST, ACK = 0x01, 0x02, 0x04, 0x10
T0 = 1_700_000_000_000_000_000


class CraftedRetransmission(unittest.TestCase):
    """A closing handshake whose FIN a>b is sent twice (the first one lost, say)."""

    @classmethod
    def setUpClass(cls):
        if not HAVE_TSHARK:
            raise unittest.SkipTest("needs tshark with Lua")
        a, b = "192.0.2.1", "192.0.2.2"
        ms = 1_000_000
        cls.frames = [
            (T0, tcp_frame(a, b, 40000, 9, 100, 0, SYN)),
            (T0 + 1 * ms, tcp_frame(b, a, 9, 40000, 500, 101, SYN | ACK)),
            (T0 + 2 * ms, tcp_frame(a, b, 40000, 9, 101, 501, ACK)),
            (T0 + 10 * ms, tcp_frame(a, b, 40000, 9, 101, 501, FIN | ACK)),
            (T0 + 210 * ms, tcp_frame(a, b, 40000, 9, 101, 501, FIN | ACK)),   # again
            (T0 + 211 * ms, tcp_frame(b, a, 9, 40000, 501, 102, ACK)),
            # the peer's FIN after the agents went away, answered on behalf of no socket
            (T0 + 900 * ms, tcp_frame(b, a, 9, 40000, 501, 102, FIN | ACK)),
            (T0 + 901 * ms, tcp_frame(a, b, 40000, 9, 102, 502, ACK)),
        ]
        cls.tmp = tempfile.mkdtemp(prefix="sockspec-test-retrans-")
        cls.path = os.path.join(cls.tmp, "retrans.pcapng")
        pcapng.write(cls.path, [("case", capture.CapturedInterface("a/eth0", 1, cls.frames))])

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_tshark_flags_the_second_fin(self):
        out = subprocess.run(["tshark", "-n", "-r", self.path, "-Y",
                              "tcp.analysis.retransmission", "-T", "fields", "-e", "frame.number"],
                             capture_output=True, text=True, check=True).stdout.split()
        self.assertEqual(out, ["5"])

    def test_retransmissions_are_not_counted_unless_asked(self):
        fin = "ip.src == 192.0.2.1 && tcp.flags.fin == 1"
        verdicts = tshark.evaluate(self.path, [
            tshark.Check("fin", 0, fin, ["tcp.flagset"]),
            tshark.Check("fin-all", 0, fin, retransmissions=True),
            tshark.Check("all", 0, "tcp"),
            tshark.Check("asked", 0, "tcp.analysis.retransmission", retransmissions=True),
            tshark.Check("not-asked", 0, "tcp.analysis.retransmission"),
            tshark.Check("escape", 0, "tcp) || (tcp"),
        ])
        self.assertEqual((verdicts["fin"].count, verdicts["fin"].values), (1, ["FA"]))
        self.assertEqual(verdicts["fin-all"].count, 2)
        self.assertEqual(verdicts["all"].count, len(self.frames) - 1)
        self.assertEqual(verdicts["asked"].count, 1)
        self.assertEqual(verdicts["not-asked"].count, 0)
        self.assertIsNotNone(verdicts["escape"].error)

    def test_icmp_answering_retransmissions_is_one_flow_event(self):
        a, r, far = "192.0.2.1", "192.0.2.254", "203.0.113.5"
        syn = tcp_frame(a, far, 40001, 9, 700, 0, SYN)

        def unreachable(quoted: bytes) -> bytes:
            inner = quoted[14:]
            icmp = struct.pack("!BBHI", 3, 0, 0, 0) + inner
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), 2, 0, 64, 1, 0,
                             socket.inet_aton(r), socket.inet_aton(a))
            return bytes.fromhex("020000000100" "020000000200") + b"\x08\x00" + ip + icmp
        udp = bytes.fromhex("020000000200" "020000000100") + b"\x08\x00" + struct.pack(
            "!BBHHHBBH4s4s", 0x45, 0, 33, 3, 0, 64, 17, 0, socket.inet_aton(a),
            socket.inet_aton(far)) + struct.pack("!HHHH", 40002, 9, 13, 0) + b"probe"
        ms = 1_000_000
        frames = [(T0, syn), (T0 + ms, unreachable(syn)),
                  (T0 + 1000 * ms, syn), (T0 + 1001 * ms, unreachable(syn)),    # retry
                  (T0 + 3000 * ms, syn), (T0 + 3001 * ms, unreachable(syn)),    # retry
                  (T0 + 3100 * ms, udp), (T0 + 3101 * ms, unreachable(udp)),
                  (T0 + 3200 * ms, udp), (T0 + 3201 * ms, unreachable(udp))]
        path = os.path.join(self.tmp, "unreachable.pcapng")
        pcapng.write(path, [("case", capture.CapturedInterface("a/eth0", 1, frames))])
        names = {a: "a", r: "r"}
        flow = tshark.flows(path, [0], {0: names})[0]
        # one SYN (its retries are retransmissions), one ICMP for it; both datagrams
        # and both of their ICMP errors (datagrams are never retransmissions)
        self.assertEqual(flow, ["a>203.0.113.5 TCP S len=0", "r>a ICMP 3/0",
                                "a>203.0.113.5 UDP len=5", "r>a ICMP 3/0",
                                "a>203.0.113.5 UDP len=5", "r>a ICMP 3/0"])

    def test_interleaved_connections_give_one_flow(self):
        """Three queued handshakes towards one listener, answered in two different
        orders: each TCP event names its connection (numbered by first SYN), and the
        handshake ACK and merged data are judged within their own connection."""
        a, b = "192.0.2.1", "192.0.2.2"

        def frames(answer_order):
            out, t = [], T0
            for n in range(3):            # three SYNs, one after another
                out.append((t, tcp_frame(a, b, 41000 + n, 9, 100 * n, 0, SYN)))
                t += 1_000_000
            for n in answer_order:        # SYN-ACK, ACK, one byte of data, per connection
                port, seq = 41000 + n, 100 * n
                out += [(t, tcp_frame(b, a, 9, port, 900, seq + 1, SYN | ACK)),
                        (t + 1, tcp_frame(a, b, port, 9, seq + 1, 901, ACK)),
                        (t + 2, tcp_frame(a, b, port, 9, seq + 1, 901, ACK, b"x"))]
                t += 1_000_000
            return out
        flows = []
        for order in ([0, 1, 2], [2, 0, 1]):
            path = os.path.join(self.tmp, f"queued-{order[0]}.pcapng")
            pcapng.write(path, [("case", capture.CapturedInterface("a/eth0", 1, frames(order)))])
            flows.append(tshark.flows(path, [0], {0: {a: "a", b: "b"}})[0])
        for flow in flows:
            self.assertEqual(sorted(set(flow)), sorted({
                f"{d} TCP {f} len={n} conn={c}" for c in (1, 2, 3)
                for d, f, n in (("a>b", "S", 0), ("b>a", "SA", 0), ("a>b", "A", 0),
                                ("a>b", "A", 1))}))
            self.assertEqual(len(flow), 12)
        self.assertNotEqual(flows[0], flows[1])               # captured order differs ...
        self.assertEqual(golden.normalise(flows[0]), golden.normalise(flows[1]))   # ... not the form
        self.assertEqual(golden.normalise(flows[0])[:4], [
            "a>b TCP S len=0 conn=1", "a>b TCP A len=0 conn=1", "a>b TCP A len=1 conn=1",
            "b>a TCP SA len=0 conn=1"])

    def test_frames_read_out_of_order_are_put_in_timestamp_order(self):
        """The peer's data (stamped first) read after this side's ACK of it: as read,
        tshark calls the data a spurious retransmission; in timestamp order it is not."""
        a, b = "192.0.2.1", "192.0.2.2"
        us = 1_000
        data = (T0 + 100 * us, tcp_frame(b, a, 9, 41000, 501, 101, ACK | 0x08, b"hello"))
        ack = (T0 + 200 * us, tcp_frame(a, b, 41000, 9, 101, 506, ACK))
        handshake = [(T0, tcp_frame(a, b, 41000, 9, 100, 0, SYN)),
                     (T0 + 10 * us, tcp_frame(b, a, 9, 41000, 500, 101, SYN | ACK)),
                     (T0 + 20 * us, tcp_frame(a, b, 41000, 9, 101, 501, ACK))]
        as_read = handshake + [ack, data]
        self.assertEqual(capture.chronological(as_read), handshake + [data, ack])

        def retransmissions(frames):
            path = os.path.join(self.tmp, "order.pcapng")
            pcapng.write(path, [("case", capture.CapturedInterface("a/eth0", 1, frames))])
            return tshark.evaluate(path, [tshark.Check(
                "r", 0, "tcp.analysis.retransmission || tcp.analysis.spurious_retransmission",
                retransmissions=True)])["r"].count
        self.assertEqual(retransmissions(as_read), 1)
        self.assertEqual(retransmissions(capture.chronological(as_read)), 0)

    def test_a_window_leaves_out_what_came_later(self):
        end = T0 + 500 * 1_000_000          # the steps ended (and the wire was quiet) here
        verdicts = tshark.evaluate(self.path, [
            tshark.Check("steps", 0, "ip.src == 192.0.2.2", until_ns=end),
            tshark.Check("case", 0, "ip.src == 192.0.2.2"),
            tshark.Check("boundary", 0, "tcp", until_ns=T0 + 211 * 1_000_000),
        ])
        self.assertEqual(verdicts["steps"].count, 2)
        self.assertEqual(verdicts["case"].count, 3)
        self.assertEqual(verdicts["boundary"].count, 5)     # 6 frames, 1 retransmission


if __name__ == "__main__":
    unittest.main()
