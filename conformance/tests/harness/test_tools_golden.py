"""Golden captures: flow normalisation, the stored files, record/compare in a batch."""
import os
import shutil
import struct
import subprocess
import tempfile
import unittest
from types import SimpleNamespace

from sockspec.engine import golden
from sockspec.env.capture import CapturedInterface
from sockspec.env.tshark import Tshark
from sockspec.model.results import CaseResult, CheckResult, StepResult
from sockspec.env import pcapng
from sockspec.load import scenarios as scenario
from sockspec.model import status as st

SCENARIO = """\
format = 1
[scenario]
id = "area/flow"
title = "t"
seed = ["socket"]
[variants]
ip = [4, 6]
[topology]
template = "pair"
{capture}
[[actor]]
name = "x"
host = "a"
[[step]]
op = "gethostname"
actor = "x"
[[check]]
id = "any"
filter = "tcp"
count_min = 0
"""


class Normalise(unittest.TestCase):
    def test_directions_are_written_one_after_the_other(self):
        one = ["a>b TCP S len=0 opts=2,4", "b>a TCP SA len=0 opts=2,4", "a>b TCP A len=0",
               "a>b TCP PA len=12", "a>b TCP FA len=0", "b>a TCP PA len=12", "b>a TCP FA len=0"]
        other = one[:4] + ["b>a TCP PA len=12", "a>b TCP FA len=0", "b>a TCP FA len=0"]
        self.assertEqual(golden.normalise(one), golden.normalise(other))
        self.assertEqual(golden.normalise(one), [
            "a>b TCP S len=0 opts=2,4", "a>b TCP A len=0", "a>b TCP PA len=12",
            "a>b TCP FA len=0", "b>a TCP SA len=0 opts=2,4", "b>a TCP PA len=12",
            "b>a TCP FA len=0"])

    def test_connections_are_written_one_after_the_other(self):
        # Two handshakes answered in either order: the same flow, connection by connection.
        one = ["a>b TCP S len=0 conn=1", "a>b TCP S len=0 conn=2", "b>a TCP SA len=0 conn=1",
               "a>b TCP A len=0 conn=1", "b>a TCP SA len=0 conn=2", "a>b TCP A len=0 conn=2",
               "a>b TCP PA len=1 conn=1", "a>b TCP PA len=1 conn=2", "a>b TCP PA len=2 conn=1"]
        other = [one[0], one[1], one[4], one[5], one[7], one[2], one[3], one[6], one[8]]
        self.assertEqual(golden.normalise(one), golden.normalise(other))
        self.assertEqual(golden.normalise(one), [
            "a>b TCP S len=0 conn=1", "a>b TCP A len=0 conn=1", "a>b TCP PA len=3 conn=1",
            "b>a TCP SA len=0 conn=1", "a>b TCP S len=0 conn=2", "a>b TCP A len=0 conn=2",
            "a>b TCP PA len=1 conn=2", "b>a TCP SA len=0 conn=2"])
        # What is not TCP is one group of its own, in order of first appearance.
        self.assertEqual(golden.normalise(["a>b UDP len=4", "a>b TCP S len=0",
                                           "b>a ICMP 3/3", "a>b UDP len=5"]),
                         ["a>b UDP len=4", "a>b UDP len=5", "b>a ICMP 3/3",
                          "a>b TCP S len=0"])
        # A FIN with data keeps its connection on both halves.
        self.assertEqual(golden.normalise(["a>b TCP FPA len=5 conn=2"]),
                         ["a>b TCP PA len=5 conn=2", "a>b TCP FA len=0 conn=2"])

    def test_data_split_by_the_other_direction_is_merged(self):
        flow = golden.normalise(["b>a TCP PA len=1000", "a>b TCP FA len=0", "b>a TCP A len=24",
                                 "b>a TCP PA len=10"])
        self.assertEqual(flow, ["b>a TCP PA len=1034", "a>b TCP FA len=0"])

    def test_fin_with_data_is_data_then_fin(self):
        self.assertEqual(golden.normalise(["a>b TCP FPA len=5 opts=1,1,8"]),
                         golden.normalise(["a>b TCP PA len=5", "a>b TCP FA len=0"]))

    def test_options_kept_on_syn_only(self):
        self.assertEqual(golden.normalise(["a>b TCP S len=0 opts=2,4,8",
                                           "a>b TCP PA len=3 opts=1,1,8"]),
                         ["a>b TCP S len=0 opts=2,4,8", "a>b TCP PA len=3"])

    def test_igmp_dropped_repeated_tcp_kept_repeated_datagrams_once(self):
        flow = golden.normalise(["a>b TCP S len=0", "a>b TCP S len=0",
                                 "b>224.0.0.22 IP2", "b>224.0.0.22 IP2",
                                 "a>b UDP len=5", "a>b UDP len=5", "a>b UDP len=6",
                                 "b>a ICMP 0/0", "b>a ICMP 0/0", "b>a ICMP 0/0"])
        self.assertEqual(flow, ["a>b TCP S len=0", "a>b TCP S len=0", "a>b UDP len=5",
                                "a>b UDP len=6", "b>a ICMP 0/0"])
        # Not back to back: each kept, so the order of different datagrams still counts.
        self.assertEqual(golden.normalise(["a>b UDP len=5", "a>b UDP len=6", "a>b UDP len=5"]),
                         ["a>b UDP len=5", "a>b UDP len=6", "a>b UDP len=5"])

    def test_reset_after_own_fin_dropped_but_reset_instead_of_fin_kept(self):
        self.assertEqual(golden.normalise(["a>b TCP FA len=0", "b>a TCP PA len=3",
                                           "a>b TCP R len=0"]),
                         ["a>b TCP FA len=0", "b>a TCP PA len=3"])
        self.assertEqual(golden.normalise(["a>b TCP PA len=3", "a>b TCP RA len=0"]),
                         ["a>b TCP PA len=3", "a>b TCP RA len=0"])

    def test_different_calls_give_different_flows(self):
        self.assertNotEqual(golden.normalise(["a>b TCP PA len=12", "a>b TCP FA len=0"]),
                            golden.normalise(["a>b TCP PA len=6", "a>b TCP FA len=0"]))
        self.assertNotEqual(golden.normalise(["a>b TCP FA len=0"]),
                            golden.normalise(["a>b TCP R len=0"]))


class Files(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="sockspec-golden-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def test_flow_round_trip_ignores_comments(self):
        path = os.path.join(self.dir, "x", "y.flow")
        golden.write_flow(path, "x/y:ipv4", ["a>b TCP S len=0", "b>a TCP SA len=0"])
        with open(path) as f:
            self.assertTrue(f.readline().startswith("#"))
        self.assertEqual(golden.read_flow(path), ["a>b TCP S len=0", "b>a TCP SA len=0"])

    def test_truncated_capture_keeps_original_lengths(self):
        frames = [(1_000_000_000 + i, bytes(range(256)) * 2) for i in range(5)]
        captured = SimpleNamespace(name="a/eth0", linktype=1, packets=frames)
        path = os.path.join(self.dir, "c.pcapng")
        golden.write_truncated(path, "case:id", captured, snaplen=64)
        interfaces, packets = pcapng.read(path)
        self.assertEqual(interfaces[0]["name"], "case:id")
        self.assertEqual([len(p[2]) for p in packets], [64] * 5)
        self.assertEqual(packets[0][2], frames[0][1][:64])
        with open(path, "rb") as f:
            data = f.read()
        # every Enhanced Packet Block still says the frame was 512 bytes long
        self.assertEqual(data.count(struct.pack("<II", 64, 512)), 5)

    def test_long_capture_keeps_first_and_last_frames(self):
        n = golden.KEEP_FIRST + golden.KEEP_LAST + 7
        captured = SimpleNamespace(linktype=1, packets=[(i, struct.pack("<I", i) * 4)
                                                        for i in range(n)])
        path = os.path.join(self.dir, "long.pcapng")
        golden.write_truncated(path, "long", captured)
        _, packets = pcapng.read(path)
        kept = [struct.unpack_from("<I", p[2])[0] for p in packets]
        self.assertEqual(kept, list(range(golden.KEEP_FIRST)) +
                         list(range(n - golden.KEEP_LAST, n)))
        with open(path, "rb") as f:
            self.assertIn(b"left out", f.read())

    def test_tshark_reads_the_truncated_file(self):
        if not shutil.which("tshark"):
            self.skipTest("no tshark")
        eth = b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00"
        payload = b"x" * 400
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + 8 + len(payload), 1, 0, 64, 17, 0,
                         bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2]))
        udp = struct.pack("!HHHH", 1000, 2000, 8 + len(payload), 0)
        captured = SimpleNamespace(linktype=1, packets=[(10**18, eth + ip + udp + payload)])
        path = os.path.join(self.dir, "udp.pcapng")
        golden.write_truncated(path, "udp", captured)
        out = subprocess.run(["tshark", "-n", "-r", path, "-T", "fields", "-e", "frame.len",
                              "-e", "frame.cap_len", "-e", "udp.length"],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.stdout.split(), [str(14 + 28 + 400), str(golden.SNAPLEN), "408"])


class FakeTshark(Tshark):
    """The real pcapng writing; flows made up by the test."""

    def __init__(self, flows):
        self.flows_by_iface = flows
        self.calls = []

    def flows(self, path, interfaces, names):
        self.calls.append((path, list(interfaces), names))
        return {i: self.flows_by_iface[i] for i in interfaces}


class Apply(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="sockspec-golden-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    @property
    def batch(self):
        return os.path.join(self.dir, "batch.pcapng")

    def cases(self, capture=""):
        os.makedirs(os.path.join(self.dir, "area"), exist_ok=True)
        path = os.path.join(self.dir, "area", "flow.toml")
        with open(path, "w") as f:
            f.write(SCENARIO.format(capture=capture))
        return scenario.load(path).cases()

    def result(self, case, verdict=st.PASS):
        res = CaseResult(case=case)
        res.steps = [StepResult("1-gethostname", "gethostname", "x", verdict=verdict)]
        res.checks = [CheckResult("any", "tcp", verdict=st.PASS)]
        res.captured = CapturedInterface("a/eth0", 1, [(1, b"\0" * 60)])
        return res

    def fake_runner(self, flows, record=False, loopback=False):
        """(golden.apply's settings and tshark) for one batch."""
        tshark = FakeTshark(flows)
        return golden.Settings(record=record, root=self.dir, loopback=loopback), tshark

    FLOW = ["a>b TCP S len=0", "b>a TCP SA len=0", "a>b TCP A len=0", "a>b TCP PA len=5"]

    def test_record_then_compare(self):
        v4, v6 = self.cases()
        batch = [self.result(v4), self.result(v6, verdict=st.FAIL)]
        r, tshark = self.fake_runner({0: self.FLOW, 1: self.FLOW}, record=True)
        golden.apply(batch, self.batch, r, tshark)
        self.assertEqual(tshark.calls[0][1], [0])      # the failed case is not recorded
        pcap, flow = golden.paths(v4, self.dir)
        self.assertEqual(flow, os.path.join(self.dir, "area", "flow", "ipv4.flow"))
        self.assertEqual(golden.read_flow(flow), golden.normalise(self.FLOW))
        self.assertTrue(os.path.exists(pcap))
        self.assertFalse(os.path.exists(golden.paths(v6, self.dir)[1]))
        self.assertEqual(batch[0].checks[-1].id, "golden")
        self.assertEqual(batch[0].checks[-1].verdict, st.PASS)
        self.assertEqual([c.id for c in batch[1].checks], ["any"])

        # the same flow passes; another one fails with a diff naming the golden file
        same = [self.result(v4)]
        r, tshark = self.fake_runner({0: self.FLOW})
        golden.apply(same, self.batch, r, tshark)
        self.assertEqual(same[0].checks[-1].verdict, st.PASS)
        other = [self.result(v4)]
        r, tshark = self.fake_runner({0: self.FLOW[:3] + ["a>b TCP PA len=4"]})
        golden.apply(other, self.batch, r, tshark)
        check = other[0].checks[-1]
        self.assertEqual((check.id, check.verdict), ("golden", st.FAIL))
        self.assertIn("-a>b TCP PA len=5", check.message)
        self.assertIn("+a>b TCP PA len=4", check.message)

    def test_what_follows_the_last_step_is_left_out(self):
        v4, _ = self.cases()
        res = self.result(v4)
        res.captured = CapturedInterface("a/eth0", 1, [(100, b"\1" * 60), (200, b"\2" * 60),
                                                       (300, b"\3" * 60)])
        res.steps_end_ns = 200
        r, tshark = self.fake_runner({0: self.FLOW}, record=True)
        golden.apply([res], self.batch, r, tshark)
        _, packets = pcapng.read(golden.paths(v4, self.dir)[0])
        self.assertEqual([p[1] for p in packets], [100, 200])
        self.assertFalse(os.path.exists(tshark.calls[0][0]))     # its own file, removed

    def test_no_golden_file_means_no_check_and_no_tshark(self):
        v4, _ = self.cases()
        batch = [self.result(v4)]
        r, tshark = self.fake_runner({0: self.FLOW})
        golden.apply(batch, self.batch, r, tshark)
        self.assertEqual(tshark.calls, [])
        self.assertEqual([c.id for c in batch[0].checks], ["any"])

    def test_opt_out_and_loopback(self):
        v4, _ = self.cases(capture="[capture]\ngolden = false")
        self.assertFalse(v4.scenario.golden)
        batch = [self.result(v4)]
        r, tshark = self.fake_runner({0: self.FLOW}, record=True)
        golden.apply(batch, self.batch, r, tshark)
        self.assertEqual(tshark.calls, [])
        v4, _ = self.cases()
        r, tshark = self.fake_runner({0: self.FLOW}, record=True, loopback=True)
        golden.apply([self.result(v4)], self.batch, r, tshark)
        self.assertEqual(tshark.calls, [])

    def test_golden_key_must_be_boolean(self):
        with self.assertRaisesRegex(scenario.LoadError, "golden must be true or false"):
            self.cases(capture='[capture]\ngolden = "no"')


if __name__ == "__main__":
    unittest.main()
