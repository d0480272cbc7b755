"""Stand-ins for the environment modules (netns, capture, pcapng, tshark, agentproc,
cleanup, doctor), with the signatures of the real ones in sockspec/env/, so that the engine's
self-tests run without namespaces, captures or root. Only the engine tests use them."""
from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import types
from dataclasses import dataclass

HERE = os.path.dirname(os.path.abspath(__file__))
CONFORMANCE = os.path.dirname(os.path.dirname(HERE))
if CONFORMANCE not in sys.path:
    sys.path.insert(0, CONFORMANCE)

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


netns = types.SimpleNamespace(TEMPLATES=tuple(PLANS), template_hosts=template_hosts,
                              Network=FakeNetwork, NetworkError=NetworkError)


# ---------------------------------------------------------------- agentproc
class AgentError(Exception):
    pass


class AgentTimeout(AgentError):
    pass


class AgentCrashed(AgentError):
    def __init__(self, message, returncode=None, stderr_tail=""):
        super().__init__(message)
        self.returncode, self.stderr_tail = returncode, stderr_tail


class AgentProtocolError(AgentError):
    pass


class _Lines:
    """Lines of a pipe, read by a thread so that waits can time out."""

    def __init__(self, stream):
        self.q: queue.Queue = queue.Queue()
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream):
        for line in iter(stream.readline, ""):
            self.q.put(line)
        self.q.put(None)

    def get(self, timeout):
        try:
            return self.q.get(timeout=max(timeout, 0))
        except queue.Empty:
            raise AgentTimeout(f"nothing within {timeout:.3g}s") from None


all_processes: list = []


class _Proc:
    def _spawn(self, argv, stderr_path, env):
        self.stderr_path = stderr_path
        with open(stderr_path, "w") as err:
            self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=err, text=True, start_new_session=True, env=env)
        self.pid = self.p.pid
        self.lines = _Lines(self.p.stdout)
        all_processes.append(self)

    def kill(self):
        try:
            os.killpg(self.p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.p.wait()

    def _crashed(self):
        code = self.p.wait(timeout=5)
        with open(self.stderr_path) as f:
            tail = f.read()[-500:]
        return AgentCrashed(f"exited with {code}", code, tail)


class AgentProcess(_Proc):
    @classmethod
    def start(cls, argv, *, stderr_path, hello_timeout=5.0, env=None, wait_hello=True):
        self = cls()
        self._spawn(argv, stderr_path, env)
        self.next_id = 0
        self.hello = None
        if wait_hello:
            self.wait_hello(hello_timeout)
        return self

    def wait_hello(self, hello_timeout=5.0):
        if self.hello is not None:
            return self.hello
        try:
            line = self.lines.get(hello_timeout)
        except AgentTimeout:
            self.kill()
            raise AgentProtocolError(f"no hello within {hello_timeout}s")
        if line is None:
            raise self._crashed()
        try:
            self.hello = json.loads(line)
            assert self.hello.get("hello") == 1
        except (ValueError, AssertionError):
            self.kill()
            raise AgentProtocolError(f"not a hello line: {line[:80]!r}")
        return self.hello

    def send(self, op, *, sock=None, file=None, as_=None, args=None):
        self.next_id += 1
        req = {"id": self.next_id, "op": op}
        for k, v in (("sock", sock), ("file", file), ("as", as_)):
            if v is not None:
                req[k] = v
        req["args"] = args or {}
        try:
            self.p.stdin.write(json.dumps(req) + "\n")
            self.p.stdin.flush()
        except (BrokenPipeError, OSError):
            raise self._crashed()
        return self.next_id

    def receive(self, req_id, timeout):
        line = self.lines.get(timeout)
        if line is None:
            raise self._crashed()
        try:
            resp = json.loads(line)
        except ValueError:
            raise AgentProtocolError(f"not JSON: {line[:80]!r}")
        if not isinstance(resp, dict) or resp.get("id") != req_id:
            raise AgentProtocolError(f"answer for the wrong id: {line[:80]!r}")
        return resp

    def close(self, grace=2.0):
        try:
            self.p.stdin.close()
        except OSError:
            pass
        try:
            return self.p.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.kill()
            return None


class ProgramProcess(_Proc):
    @classmethod
    def start(cls, argv, *, stderr_path, env=None):
        self = cls()
        self._spawn(argv, stderr_path, env)
        return self

    def readline(self, timeout):
        line = self.lines.get(timeout)
        return line

    def wait(self, timeout):
        rest = []
        deadline = time.monotonic() + timeout
        while True:
            line = self.lines.get(deadline - time.monotonic())
            if line is None:
                break
            rest.append(line)
        return self.p.wait(timeout=max(0.1, deadline - time.monotonic())), "".join(rest)


def close_all(agents, grace=2.0):
    """Like agentproc.close_all: EOF to every agent first, one shared grace period."""
    for agent in agents:
        try:
            agent.p.stdin.close()
        except OSError:
            pass
    deadline = time.monotonic() + grace
    return [agent.close(max(0.0, deadline - time.monotonic())) for agent in agents]


agentproc = types.SimpleNamespace(AgentError=AgentError, AgentTimeout=AgentTimeout,
                                  AgentCrashed=AgentCrashed, AgentProtocolError=AgentProtocolError,
                                  AgentProcess=AgentProcess, ProgramProcess=ProgramProcess,
                                  close_all=close_all)


def live_processes() -> list:
    return [p for p in all_processes if p.p.poll() is None]


# ---------------------------------------------------------------- capture/pcapng/tshark
@dataclass
class CapturedInterface:
    name: str
    linktype: int
    packets: list


class FakeCapture:
    """Packets are made up by the test: `packets_for(network)` decides them."""
    packets_for = staticmethod(lambda network: [])
    started: list = []

    @classmethod
    def start(cls, network, host, iface):
        c = cls()
        c.network, c.name, c.stopped = network, f"{host}/{iface}", False
        cls.started.append(c)
        return c

    fail_stop = False

    def stop(self):
        self.stopped = True
        if FakeCapture.fail_stop:
            raise RuntimeError("stand-in: capture broke")
        return CapturedInterface(self.name, 1, FakeCapture.packets_for(self.network))


def write_pcapng(path, interfaces):
    # Not pcapng: a JSON file the fake tshark reads back (the engine never parses it).
    with open(path, "w") as f:
        json.dump([[name, iface.packets] for name, iface in interfaces], f)


@dataclass
class Check:
    key: str
    interface: int
    filter: str
    fields: list | None = None
    names: dict | None = None


@dataclass
class Verdict:
    key: str
    count: int | None = None
    values: list | None = None
    error: str | None = None


class FakeTshark:
    """Each fake 'packet' is a dict of field -> value; a filter 'f == v' matches on it."""
    calls: list = []
    Check = Check
    Verdict = Verdict

    @staticmethod
    def version():
        return "stand-in 0"

    @classmethod
    def evaluate(cls, path, checks):
        cls.calls.append((path, len(checks)))
        with open(path) as f:
            data = json.load(f)
        out = {}
        for c in checks:
            if "==" not in c.filter:
                out[c.key] = Verdict(c.key, error=f"bad filter {c.filter!r}")
                continue
            field, value = (x.strip() for x in c.filter.split("==", 1))
            packets = [p for p in data[c.interface][1] if str(p.get(field)) == value]
            if c.fields:
                out[c.key] = Verdict(c.key, values=[",".join(str(p.get(f)) for f in c.fields)
                                                    for p in packets])
            else:
                out[c.key] = Verdict(c.key, count=len(packets))
        return out


capture = types.SimpleNamespace(Capture=FakeCapture, CapturedInterface=CapturedInterface)
pcapng = types.SimpleNamespace(write=write_pcapng)


# ---------------------------------------------------------------- cleanup/doctor
class FakeCleanup:
    exit_callbacks: list = []

    @staticmethod
    def run_tag():
        return f"t{os.getpid()}"

    @staticmethod
    def case_tag(run, index):
        return f"{run}c{index}"

    @staticmethod
    def sweep():
        return []

    @classmethod
    def on_exit(cls, callback):
        cls.exit_callbacks.append(callback)


doctor = types.SimpleNamespace(netns_available=lambda: True, capture_available=lambda: True,
                               checks=lambda: [])


def env():
    from sockspec.engine.runner import Env
    return Env(netns=netns, capture=capture, pcapng=pcapng, tshark=FakeTshark,
               agentproc=agentproc, cleanup=FakeCleanup, doctor=doctor)


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
