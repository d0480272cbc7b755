"""Self-test of the `wine` implementation's launcher (conformance/agents/wine/launch):
two Wine agents in two namespaces each have a wineserver of their own, so their sockets
live in their own namespaces; and no wineserver (nor any Wine process) is left after.

Skipped without root, without Wine (tools/setup-wine) or without the mingw build."""

import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from env_support import EnvTestCase  # noqa: E402  (sets up sys.path for sockspec)

from sockspec.env.agentproc import AgentProcess  # noqa: E402
from sockspec.load import impls  # noqa: E402

PORT = 40123


def wine_missing() -> str | None:
    if not (shutil.which("wine64") or os.path.exists("/usr/lib/wine/wine64")):
        return "wine64 is not installed (tools/setup-wine)"
    agent = impls.load()["wine"].agent
    if not all(os.path.exists(p) for p in agent):
        return "no mingw build (cmake --workflow --preset mingw)"
    return None


def namespace_pids(ns: str) -> list[str]:
    out = subprocess.run(["ip", "netns", "pids", ns], capture_output=True, text=True)
    return out.stdout.split()


def wine_processes(pids: list[str]) -> list[str]:
    found = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "wine" in cmd or ".exe" in cmd or "C:\\" in cmd:
            found.append(f"{pid} {cmd}")
    return found


@unittest.skipIf(wine_missing(), wine_missing() or "")
class WineNamespaces(EnvTestCase):
    def call(self, agent, op, **fields):
        req = agent.send(op, **fields)
        return agent.receive(req, 20.0)

    def test_each_agent_has_its_sockets_in_its_own_namespace(self):
        net = self.network("pair")
        argv = impls.load()["wine"].agent
        logs = tempfile.mkdtemp(prefix="sockspec-wine-test-")
        self.addCleanup(shutil.rmtree, logs, True)
        agents = {}
        for host in ("a", "b"):
            agents[host] = AgentProcess.start(net.argv(host, argv), hello_timeout=60,
                                              stderr_path=os.path.join(logs, host),
                                              wait_hello=False)
            self.addCleanup(agents[host].kill)
        for agent in agents.values():
            agent.wait_hello(60)
        for host, agent in agents.items():
            own = net.address(host, "v4")
            other = net.address("b" if host == "a" else "a", "v4")
            r = self.call(agent, "socket", as_="l", args={"family": "AF_INET",
                                                          "type": "SOCK_STREAM"})
            self.assertTrue(r["ok"], r)
            # The same port on each host's own address: only possible when each server's
            # sockets are in its host's namespace (the root namespace has neither address).
            r = self.call(agent, "bind", sock="l", args={"address": [own, PORT]})
            self.assertTrue(r["ok"], (host, r))
            r = self.call(agent, "listen", sock="l", args={"backlog": 1})
            self.assertTrue(r["ok"], r)
            r = self.call(agent, "socket", as_="x", args={"family": "AF_INET",
                                                          "type": "SOCK_STREAM"})
            r = self.call(agent, "bind", sock="x", args={"address": [other, 0]})
            self.assertFalse(r["ok"], (host, "bound the other host's address", r))
            self.assertEqual(r["error"].get("errno"), "EADDRNOTAVAIL", r)
        # The kernel agrees: each listener is in its own host's namespace.
        for host in ("a", "b"):
            ss = subprocess.run(["ip", "netns", "exec", net.namespace(host), "ss", "-Hltn"],
                                capture_output=True, text=True).stdout
            self.assertIn(f"{net.address(host, 'v4')}:{PORT}", ss, host)
        # a connects to b across the link.
        r = self.call(agents["a"], "socket", as_="c", args={"family": "AF_INET",
                                                            "type": "SOCK_STREAM"})
        r = self.call(agents["a"], "connect", sock="c",
                      args={"address": [net.address("b", "v4"), PORT]})
        self.assertTrue(r["ok"], r)
        # EOF: each agent exits, and its wineserver and Wine's system processes go by
        # themselves (before the harness's namespace clean-up would kill them).
        for agent in agents.values():
            agent.close(grace=10)
        deadline = time.monotonic() + 15
        left = []
        while time.monotonic() < deadline:
            left = [p for host in ("a", "b")
                    for p in wine_processes(namespace_pids(net.namespace(host)))]
            if not left:
                break
            time.sleep(0.25)
        self.assertEqual(left, [], "Wine processes left in the namespaces")


if __name__ == "__main__":
    unittest.main()
