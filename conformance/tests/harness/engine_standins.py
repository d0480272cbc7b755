"""Stand-ins for the engine's collaborators (engine/environment.py), so that the engine's
self-tests run without namespaces, captures, tshark or root. Each implements the real
interface: networks and captures have the methods the engine calls on netns.Network and
capture.Capture, the tshark and run-scope stand-ins subclass the real classes, and the
actors are the real ones (env/actors.py) over real processes (the fake agents), only
recorded so that the tests can prove none is left running."""
from __future__ import annotations

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CONFORMANCE = os.path.dirname(os.path.dirname(HERE))
if CONFORMANCE not in sys.path:
    sys.path.insert(0, CONFORMANCE)

from sockspec.engine.environment import Environment  # noqa: E402
from sockspec.env import actors, cleanup  # noqa: E402
from sockspec.env.capture import CapturedInterface  # noqa: E402
from sockspec.env.tshark import Check, Tshark, Verdict  # noqa: E402

PLANS = {
    "single": {"a": {"v4": "127.0.0.1", "v6": "::1", "iface": "lo"}},
    "loopback": {"a": {"v4": "127.0.0.1", "v6": "::1", "iface": "lo"}},
    "pair": {"a": {"v4": "192.0.2.1", "v6": "2001:db8:1::1", "ll": "fe80::1", "iface": "eth0"},
             "b": {"v4": "192.0.2.2", "v6": "2001:db8:1::2", "ll": "fe80::2", "iface": "eth0"},
             "silent": {"v4": "192.0.2.99", "v6": "2001:db8:1::99"}},
    "routed": {"a": {"v4": "192.0.2.1", "v6": "2001:db8:1::1", "ll": "fe80::1", "iface": "eth0"},
               "r": {"v4": "192.0.2.254", "v6": "2001:db8:1::fe", "ll": "fe80::fe",
                     "iface": "eth0"},
               "b": {"v4": "198.51.100.2", "v6": "2001:db8:2::2", "ll": "fe80::2",
                     "iface": "eth0"}},
    "lan": {h: {"v4": f"192.0.2.{i}", "v6": f"2001:db8:1::{i}", "ll": f"fe80::{i}",
                "iface": "eth0"} for i, h in ((1, "a"), (2, "b"), (3, "c"))},
}


def template_hosts(template: str) -> dict:
    if template not in PLANS:
        raise ValueError(f"unknown template {template!r}")
    return {h: dict(v) for h, v in PLANS[template].items()}


# ---------------------------------------------------------------- netns
class NetworkError(RuntimeError):
    pass


class FakeNetwork:
    """netns.Network's interface, over the machine itself (commands run unchanged)."""
    created: list = []        # every network made, to prove destroy() ran
    fail_next = False

    @classmethod
    def create(cls, template, *, tag, mtu=1500, sysctl=None, filters=None, neighbours=None,
               hosts_lines=None, services_lines=None, hostnames=None):
        if cls.fail_next:
            cls.fail_next = False
            raise NetworkError("stand-in: cannot create namespaces")
        net = cls()
        net.template, net.tag, net.destroyed = template, tag, False
        net.hosts = list(template_hosts(template))
        net.kwargs = dict(mtu=mtu, sysctl=sysctl, filters=filters, neighbours=neighbours,
                          hosts_lines=hosts_lines, services_lines=services_lines)
        cls.created.append(net)
        return net

    def address(self, host, kind):
        if kind == "ifindex":
            return 1
        return PLANS[self.template][host][kind]

    def argv(self, host, argv):
        return list(argv)

    def capture_default(self):
        return ("a", "lo")

    def destroy(self):
        self.destroyed = True


# ---------------------------------------------------------------- actors
class RecordingLauncher(actors.Launcher):
    """The real launcher; every actor it starts is remembered."""

    def __init__(self):
        self.started: list = []

    def start_agent(self, name, argv, *, stderr_path, env=None):
        actor = super().start_agent(name, argv, stderr_path=stderr_path, env=env)
        self.started.append(actor)
        return actor

    def start_program(self, name, argv, *, stderr_path, env=None):
        actor = super().start_program(name, argv, stderr_path=stderr_path, env=env)
        self.started.append(actor)
        return actor


launchers: list = []


def live_processes() -> list:
    """Actors started through any stand-in environment that still run."""
    return [a for launcher in launchers for a in launcher.started if a.alive()]


# ---------------------------------------------------------------- capture and tshark
class FakeCapture:
    """capture.Capture's interface; the packets are made up by the test:
    `packets_for(network)` decides them."""
    packets_for = staticmethod(lambda network: [])
    started: list = []
    fail_stop = False

    def __init__(self, network, host, iface):
        self.network, self.name, self.stopped = network, f"{host}/{iface}", False

    @classmethod
    def start(cls, network, host, iface):
        c = cls(network, host, iface)
        cls.started.append(c)
        return c

    def wait_quiet(self):
        return True

    def stop(self):
        self.stopped = True
        if FakeCapture.fail_stop:
            raise RuntimeError("stand-in: capture broke")
        return CapturedInterface(self.name, 1, FakeCapture.packets_for(self.network))


class FakeTshark(Tshark):
    """Each fake 'packet' is a dict of field -> value; a filter 'f == v' matches on it.
    The 'pcapng' files are JSON the fake reads back (the engine never parses them)."""
    calls: list = []

    @staticmethod
    def write_pcapng(path, interfaces):
        with open(path, "w") as f:
            json.dump([[name, iface.packets] for name, iface in interfaces], f)

    @classmethod
    def evaluate(cls, path, checks):
        cls.calls.append((path, len(checks)))
        with open(path) as f:
            data = json.load(f)
        return {c.key: cls._verdict(c, data[c.interface][1]) for c in checks}

    @staticmethod
    def _verdict(check: Check, packets: list) -> Verdict:
        if "==" not in check.filter:
            return Verdict(check.key, error=f"bad filter {check.filter!r}")
        field, value = (x.strip() for x in check.filter.split("==", 1))
        matching = [p for p in packets if str(p.get(field)) == value]
        if check.fields:
            return Verdict(check.key, values=[",".join(str(p.get(f)) for f in check.fields)
                                              for p in matching])
        return Verdict(check.key, count=len(matching))

    @staticmethod
    def flows(path, interfaces, names):
        return {i: [] for i in interfaces}

    @staticmethod
    def version():
        return "stand-in 0"


# ---------------------------------------------------------------- run scope
class FakeScope(cleanup.RunScope):
    """The real scope with a tag of its own (t<pid>: the tests find their temp dirs by
    it) and no signal handlers: exit hooks are only recorded."""
    exit_callbacks: list = []

    def __init__(self):
        super().__init__(tag=f"t{os.getpid()}")

    def on_exit(self, callback):
        FakeScope.exit_callbacks.append(callback)


def env() -> Environment:
    launcher = RecordingLauncher()
    launchers.append(launcher)
    return Environment(create_network=FakeNetwork.create, start_capture=FakeCapture.start,
                       launcher=launcher, tshark=FakeTshark(), available=lambda req: True,
                       scope=FakeScope())


# ---------------------------------------------------------------- leftovers
def processes_with_env(key: str, value: str) -> list[int]:
    """Pids whose environment holds key=value: how the tests find the processes they
    started (and only those, while other runs go on in parallel)."""
    needle = f"{key}={value}".encode()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as f:
                if needle in f.read().split(b"\0"):
                    found.append(int(entry))
        except OSError:
            pass
    return found
