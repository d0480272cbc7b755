"""Self-tests of sockspec/netns.py: every template builds, its addresses answer, and the
scenario options (mtu, sysctl, filter, neighbour, hosts/services, hostname) take effect."""

import os
import re
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from env_support import EnvTestCase, ping  # noqa: E402  (sets up sys.path for sockspec)

from sockspec.env import cleanup, netns, rtnl  # noqa: E402
from sockspec.load import topology  # noqa: E402


def run_on(network, host, argv):
    proc = subprocess.run(network.argv(host, argv), capture_output=True, text=True, timeout=20)
    return proc.returncode, proc.stdout.strip(), proc.stderr.strip()


class TemplateData(unittest.TestCase):
    def test_every_template_has_a_plan(self):
        for name in topology.TEMPLATES:
            plan = topology.template_hosts(name)
            self.assertIn("a", plan, name)
            self.assertTrue(plan["a"]["v4"], name)

    def test_address_plan_matches_the_architecture(self):
        pair = topology.template_hosts("pair")
        self.assertEqual((pair["a"]["v4"], pair["a"]["v6"], pair["a"]["ll"], pair["a"]["iface"]),
                         ("192.0.2.1", "2001:db8:1::1", "fe80::1", "eth0"))
        self.assertEqual((pair["silent"]["v4"], pair["silent"]["v6"]), ("192.0.2.99", "2001:db8:1::99"))
        routed = topology.template_hosts("routed")
        self.assertEqual(routed["r"]["ifaces"]["eth1"]["v4"], "198.51.100.254")
        self.assertEqual(routed["b"]["v6"], "2001:db8:2::2")
        self.assertEqual(sorted(topology.template_hosts("lan")), ["a", "b", "c"])
        self.assertEqual(topology.template_hosts("single")["a"]["iface"], "lo")

    def test_unknown_template_is_a_value_error(self):
        with self.assertRaises(ValueError):
            topology.template_hosts("mesh")

    def test_loopback_template_changes_nothing(self):
        net = netns.Network.create("loopback", tag=cleanup.case_tag(cleanup.run_tag(), 90))
        self.assertEqual(net.argv("a", ["true"]), ["true"])
        self.assertIsNone(net.capture_default())
        self.assertIsNone(net.namespace("a"))
        self.assertEqual(net.address("a", "v4"), "127.0.0.1")
        net.destroy()


class Templates(EnvTestCase):
    def test_single_has_loopback_only(self):
        net = self.network("single")
        rc, out, _ = run_on(net, "a", ["ip", "-o", "link"])
        self.assertEqual(rc, 0)
        self.assertEqual([line.split(":")[1].strip() for line in out.splitlines()], ["lo"])
        self.assertEqual(ping(net, "a", "127.0.0.1")[1], 0)
        self.assertEqual(ping(net, "a", "::1")[1], 129)
        self.assertEqual(net.capture_default(), ("a", "lo"))

    def test_pair_answers_on_every_address(self):
        net = self.network("pair")
        self.assertEqual(ping(net, "a", "192.0.2.2"), ("192.0.2.2", 0, 0))
        self.assertEqual(ping(net, "a", "2001:db8:1::2"), ("2001:db8:1::2", 129, 0))
        self.assertEqual(ping(net, "b", "fe80::1%eth0")[1:], (129, 0))
        self.assertEqual(net.address("b", "ifindex"), 20)   # fixed indexes
        self.assertEqual(net.capture_default(), ("a", "eth0"))
        # nothing of the network is visible in the root namespace
        root_links = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True).stdout
        self.assertNotIn(net.tag, root_links)

    def test_routed_forwards_and_r_has_no_default_route(self):
        net = self.network("routed")
        self.assertEqual(ping(net, "a", "198.51.100.2"), ("198.51.100.2", 0, 0))
        self.assertEqual(ping(net, "a", "2001:db8:2::2"), ("2001:db8:2::2", 129, 0))
        self.assertEqual(ping(net, "b", "192.0.2.1"), ("192.0.2.1", 0, 0))
        # ICMP destination unreachable (3), net unreachable (0), from r
        self.assertEqual(ping(net, "a", "203.0.113.1"), ("192.0.2.254", 3, 0))
        # ICMPv6 destination unreachable (1), no route (0), from r
        self.assertEqual(ping(net, "a", "2001:db8:ff::1"), ("2001:db8:1::fe", 1, 0))
        rc, out, _ = run_on(net, "r", ["ip", "route", "show", "default"])
        self.assertEqual((rc, out), (0, ""))

    def test_lan_broadcast_reaches_the_other_hosts(self):
        quiet = {"net.ipv4.icmp_echo_ignore_broadcasts": 0}
        net = self.network("lan", sysctl={"b": quiet, "c": quiet})
        self.assertEqual(ping(net, "a", "192.0.2.3"), ("192.0.2.3", 0, 0))
        self.assertEqual(ping(net, "c", "2001:db8:1::2"), ("2001:db8:1::2", 129, 0))
        source, kind, _ = ping(net, "a", "192.0.2.255")
        self.assertIn(source, ("192.0.2.2", "192.0.2.3"))
        self.assertEqual(kind, 0)
        self.assertIn(f"{net.tag}-sw", net.namespaces)

    def test_concurrent_networks_do_not_collide(self):
        # what `-j N` does with threads: several networks built at the same moment
        from concurrent.futures import ThreadPoolExecutor

        def build(index):
            net = netns.Network.create("pair", tag=cleanup.case_tag(cleanup.run_tag(), 40 + index),
                                       hosts_lines=[f"192.0.2.2 case{index % 2}.test"])
            self.addCleanup(net.destroy)
            return net
        with ThreadPoolExecutor(4) as pool:
            nets = list(pool.map(build, range(4)))
        self.assertEqual(len({ns for net in nets for ns in net.namespaces}), 8)
        for index, net in enumerate(nets):
            self.assertEqual(ping(net, "a", "192.0.2.2"), ("192.0.2.2", 0, 0))
            self.assertEqual(run_on(net, "a", ["getent", "hosts", f"case{index % 2}.test"])[1].split(),
                             ["192.0.2.2", f"case{index % 2}.test"])

    def test_destroy_is_idempotent_and_kills_what_runs(self):
        net = netns.Network.create("pair", tag=cleanup.case_tag(cleanup.run_tag(), 1))
        proc = subprocess.Popen(net.argv("b", ["sleep", "1000"]))
        try:
            deadline_pids = []
            for _ in range(2000):
                deadline_pids = cleanup.namespace_pids([net.namespace("b")])[net.namespace("b")]
                if deadline_pids:
                    break
            self.assertEqual(deadline_pids, [proc.pid])   # every step execs the next
        finally:
            net.destroy()
            net.destroy()
        self.assertEqual(proc.wait(timeout=5), -9)
        self.assertFalse(os.path.exists(os.path.join(cleanup.NETNS_DIR, net.namespace("a"))))


class Backends(EnvTestCase):
    """The in-process rtnetlink set-up and the `ip -batch` one build the same network."""

    def state(self, net) -> dict:
        seen = {}
        for ns in net.namespaces:
            commands = [["-br", "addr"], ["route"], ["-6", "route"],
                        ["neigh", "show", "nud", "permanent"], ["-d", "-o", "link"]]
            out = []
            for command in commands:
                text = subprocess.run(["ip", "-n", ns, *command], capture_output=True,
                                      text=True, check=True).stdout
                # link-netns names, timers and the moment the kernel's link watcher
                # gets to a bridge differ by run; keep what the set-up decides
                text = re.sub(r"link-netns \S+|\w*_timer\s+\S+|state \S+|<[^>]*>|"
                              r"\b(UP|UNKNOWN|DOWN)\b", "", text)
                text = re.sub(r"[ \t]+", " ", text)
                out.append(text)
            seen[ns[len(net.tag):]] = out
        return seen

    maxDiff = None

    def test_builds_are_reproducible(self):
        # Two networks of one template, built side by side over rtnetlink, end up with
        # the same links, addresses, routes and neighbours: nothing depends on timing.
        options = dict(neighbours=[{"host": "a", "address": "192.0.2.99", "lladdr": "02:00:00:00:00:99"}])
        for template in ("routed", "lan"):
            with self.subTest(template=template):
                first = self.network(template, index=20, **options)
                first_state = self.state(first)
                first.destroy()
                second = self.network(template, index=21, **options)
                self.assertEqual(self.state(second), first_state)
                second.destroy()

    def test_netlink_errors_are_clear(self):
        net = self.network("pair")

        def attempts():
            errors = []
            with rtnl.Netlink() as nl:
                for call in (lambda: nl.add_address("eth0", "192.0.2.1/24"),   # exists
                             lambda: nl.add_route("203.0.113.0/24 dev eth0"),  # unsupported
                             lambda: nl.set_up("eth9")):                       # no such link
                    try:
                        call()
                    except (OSError, ValueError) as exc:
                        errors.append(str(exc))
            return errors
        errors = netns.run_in_namespace(net.namespace("a"), attempts)
        self.assertEqual(len(errors), 3)
        self.assertIn("address 192.0.2.1/24 on eth0: File exists", errors[0])
        self.assertIn("only 'DEST via GATEWAY [dev IF]'", errors[1])


class Options(EnvTestCase):
    def test_mtu_applies_to_every_link(self):
        net = self.network("routed", mtu=1280)
        for host, iface in (("a", "eth0"), ("r", "eth1"), ("b", "eth0")):
            rc, out, _ = run_on(net, host, ["cat", f"/sys/class/net/{iface}/mtu"])
            self.assertEqual((rc, out), (0, "1280"), host)

    def test_sysctl_is_set_in_that_namespace_only(self):
        net = self.network("pair", sysctl={"a": {"net.ipv4.tcp_syn_retries": 1}})

        def read():
            with open("/proc/sys/net/ipv4/tcp_syn_retries") as f:
                return f.read().strip()
        self.assertEqual(netns.run_in_namespace(net.namespace("a"), read), "1")
        self.assertNotEqual(netns.run_in_namespace(net.namespace("b"), read), "1")

    def test_sysctl_outside_net_is_refused(self):
        with self.assertRaisesRegex(netns.NetworkError, "only net"):
            self.network("pair", sysctl={"a": {"kernel.hostname": "x"}})

    def test_filter_rules_take_effect(self):
        net = self.network("pair", filters=[
            {"host": "b", "chain": "input", "rule": "icmp type echo-request drop"}])
        self.assertIsNone(ping(net, "a", "192.0.2.2", timeout=0.3))
        self.assertEqual(ping(net, "a", "2001:db8:1::2")[1], 129)
        rc, out, _ = run_on(net, "b", ["nft", "list", "table", "inet", "sockspec"])
        self.assertEqual(rc, 0)
        for chain in ("input", "output", "forward"):
            self.assertIn(f"chain {chain}", out)

    def test_bad_filter_rule_is_a_clear_error_and_leaves_nothing(self):
        with self.assertRaisesRegex(netns.NetworkError, "nftables rules of host b"):
            self.network("pair", filters=[{"host": "b", "chain": "input", "rule": "tcp dport nine drop"}])

    def test_unknown_host_in_options_is_refused(self):
        with self.assertRaisesRegex(netns.NetworkError, "unknown host 'z'"):
            self.network("pair", neighbours=[{"host": "z", "address": "192.0.2.99",
                                              "lladdr": "02:00:00:00:00:99"}])

    def test_static_neighbour_is_permanent(self):
        net = self.network("pair", neighbours=[
            {"host": "a", "address": "192.0.2.99", "lladdr": "02:00:00:00:00:99"},
            {"host": "a", "address": "2001:db8:1::99", "lladdr": "02:00:00:00:00:99"}])
        rc, out, _ = run_on(net, "a", ["ip", "neigh", "show", "192.0.2.99"])
        self.assertEqual(rc, 0)
        self.assertIn("lladdr 02:00:00:00:00:99 PERMANENT", out)
        self.assertIsNone(ping(net, "a", "192.0.2.99", timeout=0.2))

    def test_hosts_services_hostname_and_dns(self):
        net = self.network("pair", hosts_lines=["192.0.2.2\tmulti.test alias.test"],
                           services_lines=["sockspec-echo\t7007/tcp"],
                           hostnames={"b": "bee"})
        self.assertEqual(run_on(net, "a", ["getent", "hosts", "alias.test"])[1],
                         "192.0.2.2       multi.test alias.test")
        self.assertEqual(run_on(net, "a", ["getent", "ahostsv4", "b"])[1].split()[0], "192.0.2.2")
        self.assertEqual(run_on(net, "a", ["getent", "services", "sockspec-echo"])[1].split(),
                         ["sockspec-echo", "7007/tcp"])
        self.assertEqual(run_on(net, "a", ["getent", "protocols", "tcp"])[1].split()[:2], ["tcp", "6"])
        self.assertEqual(run_on(net, "a", ["hostname"])[1], "a")
        self.assertEqual(run_on(net, "b", ["hostname"])[1], "bee")
        fqdn = [sys.executable, "-c", "import socket; print(socket.gethostname(), socket.getfqdn())"]
        self.assertEqual(run_on(net, "a", fqdn)[1], "a a.sockspec.test")
        byaddr = [sys.executable, "-c", "import socket; print(socket.gethostbyaddr('192.0.2.1'))"]
        self.assertEqual(run_on(net, "b", byaddr)[1], "('a.sockspec.test', ['a'], ['192.0.2.1'])")
        # a name that is in no file goes to DNS, which is refused inside the namespace
        rc, out, _ = run_on(net, "a", ["getent", "hosts", "nowhere.example"])
        self.assertEqual((rc, out), (2, ""))
        # the machine's own hostname is untouched
        self.assertEqual(subprocess.run(["hostname"], capture_output=True, text=True).stdout.strip(),
                         os.uname().nodename)

    def test_single_host_files(self):
        net = self.network("single")
        fqdn = [sys.executable, "-c", "import socket; print(socket.getfqdn())"]
        self.assertEqual(run_on(net, "a", fqdn)[1], "a.sockspec.test")
        # (not ahosts: getent asks AI_ADDRCONFIG, which a loopback-only host fails)
        self.assertEqual(run_on(net, "a", ["getent", "hosts", "a"])[1].split(),
                         ["::1", "a.sockspec.test", "a"])

    def test_bad_hostname_is_refused(self):
        with self.assertRaisesRegex(netns.NetworkError, "bad hostname"):
            self.network("pair", hostnames={"a": "x y"})


if __name__ == "__main__":
    unittest.main()
