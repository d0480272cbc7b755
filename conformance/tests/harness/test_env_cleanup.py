"""Self-tests of cleanup.py: run tags, clean-up on the way out, and sweeping dead runs."""

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

# A harness stand-in: builds a pair network, makes a temp dir, starts `sleep` inside b
# (deliberately WITHOUT the death signal, as a leaked process would be), registers the
# network's destruction with on_exit, reports what it made, then waits to be killed.
CHILD = f"""
import os, subprocess, sys, time
sys.path.insert(0, {HERE!r})
import env_support
from sockspec.env import cleanup, netns
run = cleanup.run_tag()
net = netns.Network.create("pair", tag=cleanup.case_tag(run, 3))
cleanup.on_exit(net.destroy)
tmp = cleanup.temp_dir(cleanup.case_tag(run, 3), "case")
sleeper = subprocess.Popen(net.argv("b", ["sleep", "1000"]), start_new_session=True)
while sleeper.pid not in cleanup.namespace_pids([net.namespace("b")])[net.namespace("b")]:
    time.sleep(0.001)   # like an agent's hello: it runs inside b from now on
print(run, tmp, sleeper.pid, " ".join(net.namespaces), flush=True)
if sys.argv[1] == "exit":
    sys.exit(0)
time.sleep(1000)
"""


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def wait_dead(pid: int, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


class Tags(unittest.TestCase):
    def test_tags_embed_the_pid_and_parse_back(self):
        run = cleanup.run_tag()
        self.assertEqual(run, cleanup.run_tag())   # stable for the process
        self.assertRegex(run, rf"^ss{os.getpid()}-[0-9a-f]{{4}}$")
        case = cleanup.case_tag(run, 12)
        self.assertEqual(cleanup.parse_run(f"{case}-sw"), (run, os.getpid()))
        self.assertIsNone(cleanup.parse_run("cat1-a"))
        self.assertIsNone(cleanup.parse_run("ss12x-abcd-1-a"))
        self.assertTrue(cleanup.run_is_live(run, os.getpid()))


class OnExitAndSweep(EnvTestCase):
    def start_child(self, mode: str = "wait"):
        child = subprocess.Popen([sys.executable, "-c", CHILD, mode], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        self.addCleanup(child.stderr.close)
        self.addCleanup(child.stdout.close)
        self.addCleanup(child.wait)
        self.addCleanup(lambda: child.poll() is None and child.kill())
        line = child.stdout.readline().split()
        self.assertTrue(line, child.stderr.read() if child.poll() is not None else "no output")
        run, tmp, sleeper, namespaces = line[0], line[1], int(line[2]), line[3:]
        self.addCleanup(lambda: alive(sleeper) and os.kill(sleeper, signal.SIGKILL))
        return child, run, tmp, sleeper, namespaces

    def exists(self, namespaces):
        return [ns for ns in namespaces
                if os.path.exists(os.path.join(cleanup.NETNS_DIR, ns))
                or os.path.lexists(os.path.join(cleanup.ETC_NETNS_DIR, ns))]

    def test_sweep_removes_what_a_killed_run_left(self):
        # a live network of our own must survive the sweep
        mine = self.network("pair", index=7)
        child, run, tmp, sleeper, namespaces = self.start_child()
        self.assertEqual(len(namespaces), 2)
        self.assertTrue(cleanup.run_is_live(run, child.pid))
        self.assertNotIn(run, " ".join(cleanup.sweep()))   # never touches a live run

        child.send_signal(signal.SIGKILL)
        self.assertEqual(child.wait(10), -signal.SIGKILL)
        self.assertEqual(self.exists(namespaces), namespaces)   # left behind...
        self.assertTrue(alive(sleeper))
        self.assertTrue(os.path.isdir(tmp))
        self.assertFalse(cleanup.run_is_live(run, child.pid))

        removed = cleanup.sweep()
        self.assertIn(f"process {sleeper}", removed)
        for ns in namespaces:
            self.assertIn(f"namespace {ns}", removed)
        self.assertIn(tmp, removed)
        self.assertEqual(self.exists(namespaces), [])
        self.assertFalse(os.path.exists(tmp))
        self.assertTrue(wait_dead(sleeper))
        self.assertFalse(os.path.exists(os.path.join(cleanup.lock_dir(), run + ".lock")))
        self.assertEqual([n for n in os.listdir(cleanup.etc_cache_dir()) if n.startswith(run)], [])
        # ours is untouched and still works
        self.assertTrue(os.path.exists(os.path.join(cleanup.NETNS_DIR, mine.namespace("a"))))
        self.assertEqual(cleanup.sweep(), [])   # nothing more to do

    def test_signals_make_a_run_clean_up_after_itself(self):
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            with self.subTest(signal=signum.name):
                child, run, tmp, sleeper, namespaces = self.start_child()
                child.send_signal(signum)
                self.assertEqual(child.wait(10), -signum)   # dies of the same signal
                self.assertEqual(self.exists(namespaces), [])
                self.assertTrue(wait_dead(sleeper))   # killed with its namespace
                cleanup.sweep()   # the temp dir is the caller's job; sweep takes it

    def test_normal_exit_runs_the_callbacks(self):
        child, run, tmp, sleeper, namespaces = self.start_child("exit")
        self.assertEqual(child.wait(10), 0)
        self.assertEqual(self.exists(namespaces), [])
        self.assertTrue(wait_dead(sleeper))
        self.assertFalse(os.path.exists(os.path.join(cleanup.lock_dir(), run + ".lock")))
        cleanup.sweep()
        self.assertFalse(os.path.exists(tmp))

    def test_half_built_network_is_undone(self):
        # an nft rule that fails comes after namespaces, links and addresses exist
        tag = cleanup.case_tag(cleanup.run_tag(), 8)
        with self.assertRaises(netns.NetworkError):
            netns.Network.create("lan", tag=tag, filters=[
                {"host": "c", "chain": "forward", "rule": "this is not nft"}])
        self.assertEqual([n for n in os.listdir(cleanup.NETNS_DIR) if n.startswith(tag + "-")], [])

    def test_temp_dirs_carry_the_tag(self):
        path = cleanup.temp_dir(cleanup.case_tag(cleanup.run_tag(), 4), "x")
        self.addCleanup(os.rmdir, path)
        self.assertTrue(os.path.basename(path).startswith(f"sockspec-{cleanup.run_tag()}-4-x-"))
        self.assertEqual(os.path.dirname(path), tempfile.gettempdir())


class ScopesOfOneProcess(unittest.TestCase):
    def test_runs_side_by_side_name_their_cases_apart(self):
        first, second = cleanup.RunScope(), cleanup.RunScope()
        self.assertEqual(first.tag, second.tag)          # one process, one lock
        self.assertNotEqual(first.case_tag(0), second.case_tag(0))
        for scope in (first, second):
            # Still names of this run, for the sweep and the launchers' checks.
            self.assertEqual(cleanup.parse_run(scope.case_tag(3) + "-a")[0], scope.tag)

    def test_one_scope_clears_only_its_own_on_the_way_out(self):
        # Scopes until one's prefix is the start of another's (as "-r1" of "-r10").
        scopes = [cleanup.RunScope()]
        while not any(s.prefix == scopes[-1].prefix[:-1] for s in scopes):
            scopes.append(cleanup.RunScope())
        longer = scopes[-1]
        shorter = next(s for s in scopes if s.prefix == longer.prefix[:-1])
        kept, swept = longer.temp_dir(), shorter.temp_dir()
        for path in (kept, swept):
            self.addCleanup(shutil.rmtree, path, True)
        shorter.sweep_own()
        self.assertFalse(os.path.isdir(swept))
        self.assertTrue(os.path.isdir(kept))
        for one in scopes:          # no scope's names fall under another's prefix
            for other in scopes:
                if other is not one:
                    self.assertFalse(other.case_tag(0).startswith(one.prefix + "-"))

if __name__ == "__main__":
    unittest.main()
