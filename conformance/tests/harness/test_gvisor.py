"""Self-tests of the gVisor launcher (conformance/agents/gvisor/launch.py).

Safety: the launcher must refuse to start a networked sandbox anywhere but in a namespace
of the current run (runsc --network=sandbox strips the addresses of every interface it
takes over). These tests use a recording stand-in for runsc (SOCKSPEC_RUNSC): a refusal
must leave it uninvoked. A positive control in a real suite namespace shows that the
stand-in would have recorded a start.

Clean-up: after a small run, and after a SIGKILLed run followed by another run, no
sandbox, gofer or runsc state may be left (needs runsc; skipped without it).
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from env_support import EnvTestCase  # noqa: E402

from sockspec.env import cleanup, netns  # noqa: E402
from sockspec.model.paths import REPO, build_dir  # noqa: E402

LAUNCHER = os.path.join(REPO, "conformance", "agents", "gvisor", "launch.py")
REFUSED = 97

# A stand-in for runsc that only records its argv (one JSON line per call) and exits.
FAKE_RUNSC = """#!/bin/sh
printf '%s\\n' "$*" >> "$SOCKSPEC_FAKE_RUNSC_LOG"
case " $* " in *" state "*) echo '{"pid": 0}' ;; esac
exit 0
"""


class LauncherSafety(EnvTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix="gvisor-selftest-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.fake = os.path.join(self.dir, "runsc")
        with open(self.fake, "w") as f:
            f.write(FAKE_RUNSC)
        os.chmod(self.fake, 0o755)
        self.calls = os.path.join(self.dir, "calls")
        self.state = os.path.join(self.dir, "state")
        os.mkdir(self.state)

    def launch(self, env: dict, prefix: list[str] | None = None) -> subprocess.CompletedProcess:
        full = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "SOCKSPEC_ROLE": "agent",
                "SOCKSPEC_CASE": "x/y", "SOCKSPEC_HOST": "a", "SOCKSPEC_STATE": self.state,
                "SOCKSPEC_RUNSC": self.fake, "SOCKSPEC_FAKE_RUNSC_LOG": self.calls, **env}
        argv = (prefix or []) + [sys.executable, "-S", LAUNCHER, "/bin/true"]
        return subprocess.run(argv, env=full, capture_output=True, text=True, timeout=30)

    def runsc_calls(self) -> list[str]:
        try:
            with open(self.calls) as f:
                return f.read().splitlines()
        except FileNotFoundError:
            return []

    def assert_refused(self, proc: subprocess.CompletedProcess, words: str) -> None:
        self.assertEqual(proc.returncode, REFUSED, proc.stderr)
        self.assertIn("refused", proc.stderr)
        self.assertIn(words, proc.stderr)
        self.assertEqual(self.runsc_calls(), [], "runsc was started after a refusal")
        self.assertEqual(os.listdir(self.state), [], "state was written after a refusal")

    def test_root_namespace_with_a_suite_namespace_named(self):
        # The harness's own namespace (the root one here) naming a real suite namespace.
        run = cleanup.run_tag()
        with netns.Network.create("single", tag=cleanup.case_tag(run, 0)) as net:
            path = netns.netns_path(net.namespace("a"))
            proc = self.launch({"SOCKSPEC_RUN": run, "SOCKSPEC_NETNS": path})
        self.assert_refused(proc, "not in the namespace")

    def test_root_namespace_named_directly(self):
        # A namespace file that IS the root namespace (named outside the run's naming, so
        # that no sweep could ever take it for a dead run's). The identity check refuses.
        name = f"sockspec-selftest-root-{os.getpid()}"
        path = os.path.join(cleanup.NETNS_DIR, name)
        os.makedirs(cleanup.NETNS_DIR, exist_ok=True)
        open(path, "w").close()
        try:
            subprocess.run(["mount", "--bind", "/proc/self/ns/net", path], check=True)
            proc = self.launch({"SOCKSPEC_RUN": cleanup.run_tag(), "SOCKSPEC_NETNS": path})
        finally:
            cleanup.delete_namespace(name)
        self.assert_refused(proc, "root network namespace")

    def test_namespace_not_made_by_the_suite(self):
        name = f"sockspec-scratch-{os.getpid()}"
        subprocess.run(["ip", "netns", "add", name], check=True)
        try:
            proc = self.launch({"SOCKSPEC_RUN": cleanup.run_tag(),
                                "SOCKSPEC_NETNS": netns.netns_path(name)},
                               prefix=["ip", "netns", "exec", name])
        finally:
            subprocess.run(["ip", "netns", "del", name], check=True)
        self.assert_refused(proc, "is not one of run")

    def test_namespace_of_another_run(self):
        run = cleanup.run_tag()
        with netns.Network.create("single", tag=cleanup.case_tag(run, 1)) as net:
            ns = net.namespace("a")
            proc = self.launch({"SOCKSPEC_RUN": "ss1-0000", "SOCKSPEC_NETNS": netns.netns_path(ns)},
                               prefix=["ip", "netns", "exec", ns])
        self.assert_refused(proc, "is not one of run ss1-0000")

    def test_positive_control_in_a_suite_namespace(self):
        run = cleanup.run_tag()
        with netns.Network.create("single", tag=cleanup.case_tag(run, 2)) as net:
            ns = net.namespace("a")
            proc = self.launch({"SOCKSPEC_RUN": run, "SOCKSPEC_NETNS": netns.netns_path(ns)},
                               prefix=["ip", "netns", "exec", ns])
        self.assertEqual(proc.returncode, 0, proc.stderr)
        calls = self.runsc_calls()
        self.assertTrue(any("--network=sandbox" in c and " run " in f" {c} " for c in calls), calls)
        self.assertTrue(any(" exec " in f" {c} " for c in calls), calls)

    def test_each_run_of_a_case_has_a_sandbox_of_its_own(self):
        # The same case and host in two namespaces (two repeats): two container ids.
        run = cleanup.run_tag()
        ids = []
        for index in (3, 4):
            with netns.Network.create("single", tag=cleanup.case_tag(run, index)) as net:
                ns = net.namespace("a")
                proc = self.launch({"SOCKSPEC_RUN": run,
                                    "SOCKSPEC_NETNS": netns.netns_path(ns)},
                                   prefix=["ip", "netns", "exec", ns])
            self.assertEqual(proc.returncode, 0, proc.stderr)
            ids.append([c.split()[-1] for c in self.runsc_calls() if " run " in f" {c} "][-1])
        self.assertNotEqual(ids[0], ids[1])

    def test_loopback_mode_never_asks_for_networking(self):
        proc = self.launch({"SOCKSPEC_RUN": cleanup.run_tag()})
        self.assertEqual(proc.returncode, 0, proc.stderr)
        calls = self.runsc_calls()
        self.assertTrue(calls)
        self.assertFalse(any("--network=sandbox" in c for c in calls), calls)

    def test_probe_never_asks_for_networking(self):
        proc = self.launch({"SOCKSPEC_ROLE": "probe", "SOCKSPEC_RUN": cleanup.run_tag()})
        self.assertEqual(proc.returncode, 0, proc.stderr)
        calls = self.runsc_calls()
        self.assertEqual(len(calls), 1, calls)
        self.assertIn("--network=none", calls[0])
        self.assertIn(" do ", f" {calls[0]} ")


# ----------------------------------------------------------------------------- clean-up

def runsc_leftovers(harness_pid: int) -> list[str]:
    """runsc processes and launcher state of the run of that harness process (its tag is
    ss<pid>-...; other runs may be going on meanwhile)."""
    mark = f"{tempfile.gettempdir()}/{cleanup.TEMP_PREFIX}ss{harness_pid}-"
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                argv = f.read().decode("utf-8", "replace").split("\0")
        except OSError:
            continue
        if argv and argv[0].startswith("runsc") and any(mark in a for a in argv):
            found.append(f"process {entry}: {' '.join(argv)[:200]}")
    tmp = tempfile.gettempdir()
    found += [os.path.join(tmp, n) for n in os.listdir(tmp)
              if os.path.join(tmp, n).startswith(mark) and "-state-" in n]
    return found


CASES = ["echo/tcp-hello:ipv4", "echo/program-echo"]


@unittest.skipUnless(shutil.which("runsc"), "runsc (gVisor) is not installed")
class LauncherCleanup(EnvTestCase):
    def setUp(self) -> None:
        super().setUp()
        if not os.path.exists(os.path.join(build_dir(), "bin", "sockref-agent")):
            self.skipTest("the reference agent is not built")
        self.out = tempfile.mkdtemp(prefix="gvisor-selftest-out-")
        self.addCleanup(shutil.rmtree, self.out, True)

    def run_cli(self, *cases: str, **kwargs) -> subprocess.Popen:
        argv = [sys.executable, os.path.join(REPO, "tools", "sockspec"), "run", "--impl",
                "gvisor", "--out", self.out, *cases]
        return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, **kwargs)

    def test_nothing_left_after_a_run(self):
        proc = self.run_cli(*CASES)
        out, _ = proc.communicate(timeout=300)
        with open(os.path.join(self.out, "results.json")) as f:
            results = json.load(f)
        self.assertEqual(len(results["cases"]), len(CASES), out)
        self.assertTrue(all(c["status"] == "PASS" for c in results["cases"]
                            if c["id"] == "echo/tcp-hello:ipv4"), out)
        self.assertEqual(runsc_leftovers(proc.pid), [])

    def test_nothing_left_after_a_killed_run_and_another(self):
        proc = self.run_cli(*CASES, start_new_session=True)
        deadline = time.monotonic() + 120
        while not any(l.startswith("process") for l in runsc_leftovers(proc.pid)):
            self.assertIsNone(proc.poll(), "the run ended before a sandbox was seen")
            self.assertLess(time.monotonic(), deadline, "no sandbox started")
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)          # the harness only: its helpers stay
        proc.communicate(timeout=30)
        killed = proc.pid
        self.assertTrue(runsc_leftovers(killed), "a killed run should leave something to sweep")
        proc = self.run_cli("echo/tcp-hello:ipv4")
        out, _ = proc.communicate(timeout=300)
        self.assertIn(proc.returncode, (0, 1), out)
        self.assertEqual(runsc_leftovers(killed), [], out)     # swept by the second run
        self.assertEqual(runsc_leftovers(proc.pid), [], out)


if __name__ == "__main__":
    unittest.main()
