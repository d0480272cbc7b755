"""Self-tests of agentproc.py with fake agents that misbehave in every way we know."""

import os
import shutil
import signal
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from env_support import FAKES, EnvTestCase  # noqa: E402

from sockspec.env import agentproc  # noqa: E402
from sockspec.env.agentproc import (AgentCrashed, AgentProcess, AgentProtocolError,  # noqa: E402
                                AgentTimeout, ProgramProcess)

FAKE_AGENT = os.path.join(FAKES, "env_agent.py")
FAKE_PROGRAM = os.path.join(FAKES, "env_program.py")


class AgentTests(EnvTestCase):
    needs_root = False

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.mkdtemp(prefix="sockspec-agentproc-test-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def start(self, *mode, **kw):
        agent = AgentProcess.start([sys.executable, FAKE_AGENT, *mode],
                                   stderr_path=os.path.join(self.tmp, "stderr"), **kw)
        self.addCleanup(agent.kill)
        return agent

    def test_good_agent_round_trip_and_clean_exit(self):
        agent = self.start("good")
        self.assertEqual(agent.hello["hello"], 1)
        self.assertEqual(agent.hello["ops"], ["sleep", "big", "exit"])
        first = agent.send("socket", as_="s1", args={"family": "AF_INET"})
        second_id = first + 1
        response = agent.receive(first, timeout=5)
        self.assertEqual(response["result"]["request"],
                         {"id": first, "op": "socket", "as": "s1", "args": {"family": "AF_INET"}})
        self.assertEqual(agent.send("recv", sock="s1", args={"bufsize": 1}), second_id)
        self.assertEqual(agent.receive(second_id, timeout=5)["result"]["request"]["sock"], "s1")
        self.assertEqual(agent.close(grace=5), 0)   # EOF on stdin: the agent exits 0

    def test_side_by_side_start_and_close(self):
        agents = [self.start("good", wait_hello=False) for _ in range(3)]
        self.assertEqual([a.wait_hello(5)["impl"] for a in agents], ["fake"] * 3)
        self.assertEqual(agentproc.close_all(agents + [self.start("ignore-eof")], grace=1.0),
                         [0, 0, 0, -signal.SIGKILL])

    def test_lines_of_any_length(self):
        agent = self.start("good")
        rid = agent.send("big", args={"size": 3 << 20})
        self.assertEqual(len(agent.receive(rid, timeout=20)["result"]["hex"]), 6 << 20)

    def test_crash_after_hello(self):
        agent = self.start("crash")
        rid = agent.send("socket")
        with self.assertRaises(AgentCrashed) as caught:
            agent.receive(rid, timeout=5)
        self.assertEqual(caught.exception.returncode, -signal.SIGABRT)
        self.assertEqual(caught.exception.signal, signal.SIGABRT)
        self.assertIn("about to crash", caught.exception.stderr_tail)
        self.assertIn("SIGABRT", str(caught.exception))

    def test_exit_status_is_reported(self):
        agent = self.start("exit3")
        rid = agent.send("socket")
        with self.assertRaises(AgentCrashed) as caught:
            agent.receive(rid, timeout=5)
        self.assertEqual(caught.exception.returncode, 3)
        self.assertIsNone(caught.exception.signal)

    def test_no_hello_is_a_timeout_with_the_stderr_tail(self):
        with self.assertRaises(AgentTimeout) as caught:
            self.start("nohello", hello_timeout=0.5)
        self.assertIn("no hello within 0.5 s", str(caught.exception))
        self.assertIn("fake agent starting, mode nohello", caught.exception.stderr_tail)

    def test_a_slow_hello_within_the_timeout_is_fine(self):
        agent = self.start("latehello", "0.2", hello_timeout=5)
        self.assertEqual(agent.hello["impl"], "fake")

    def test_first_line_must_be_a_hello(self):
        with self.assertRaisesRegex(AgentProtocolError, "not a hello"):
            self.start("badhello")

    def test_missing_program_is_a_crash(self):
        with self.assertRaises(AgentCrashed):
            AgentProcess.start([os.path.join(self.tmp, "no-such-agent")],
                               stderr_path=os.path.join(self.tmp, "stderr"))

    def test_garbage_line(self):
        agent = self.start("garbage")
        rid = agent.send("socket")
        with self.assertRaisesRegex(AgentProtocolError, "not a JSON line"):
            agent.receive(rid, timeout=5)

    def test_wrong_id(self):
        agent = self.start("wrongid")
        rid = agent.send("socket")
        with self.assertRaisesRegex(AgentProtocolError, f"answered id {rid + 100}"):
            agent.receive(rid, timeout=5)

    def test_slow_answer_times_out_then_arrives(self):
        agent = self.start("good")
        rid = agent.send("sleep", args={"seconds": 0.4})
        with self.assertRaises(AgentTimeout):
            agent.receive(rid, timeout=0.05)
        self.assertTrue(agent.receive(rid, timeout=5)["ok"])   # nothing was lost

    def test_hang_is_a_timeout_and_close_kills(self):
        agent = self.start("hang")
        rid = agent.send("socket")
        with self.assertRaises(AgentTimeout):
            agent.receive(rid, timeout=0.2)
        self.assertEqual(agent.close(grace=5), 0)   # it still exits on EOF

    def test_close_kills_an_agent_that_ignores_eof(self):
        agent = self.start("ignore-eof")
        self.assertEqual(agent.close(grace=0.2), -signal.SIGKILL)

    def test_kill_takes_the_whole_process_group(self):
        # the agent starts a grandchild in its group; kill() must take both
        script = ("import json,subprocess,sys,time;"
                  "p=subprocess.Popen(['sleep','1000']);"
                  "print(json.dumps({'hello':1,'ops':[],'child':p.pid}),flush=True);time.sleep(1000)")
        agent = AgentProcess.start([sys.executable, "-c", script],
                                   stderr_path=os.path.join(self.tmp, "stderr"))
        grandchild = agent.hello["child"]
        agent.kill()
        deadline = time.monotonic() + 5
        while os.path.exists(f"/proc/{grandchild}") and time.monotonic() < deadline:
            with open(f"/proc/{grandchild}/stat") as f:
                if f.read().split(")")[1].split()[0] == "Z":
                    break
            time.sleep(0.01)
        alive = os.path.exists(f"/proc/{grandchild}")
        if alive:
            with open(f"/proc/{grandchild}/stat") as f:
                alive = f.read().split(")")[1].split()[0] != "Z"
        self.assertFalse(alive)

    def test_own_session_and_death_signal(self):
        agent = self.start("good")
        self.assertEqual(os.getpgid(agent.pid), agent.pid)
        self.assertNotEqual(os.getsid(agent.pid), os.getsid(0))
        rid = agent.send("pdeathsig")
        self.assertEqual(agent.receive(rid, timeout=5)["result"], signal.SIGKILL)
        rid = agent.send("exit")
        agent.receive(rid, timeout=5)
        self.assertEqual(agent.close(grace=5), 0)

    def test_death_signal_without_setpriv(self):
        # Where util-linux's setpriv is missing, the signal is armed between fork and exec.
        agentproc._setpriv.cache_clear()
        self.addCleanup(agentproc._setpriv.cache_clear)
        os.environ["SOCKSPEC_NO_SETPRIV"] = "1"
        self.addCleanup(os.environ.pop, "SOCKSPEC_NO_SETPRIV", None)
        self.assertIsNone(agentproc._setpriv())
        agent = self.start("good")
        rid = agent.send("pdeathsig")
        self.assertEqual(agent.receive(rid, timeout=5)["result"], signal.SIGKILL)
        self.assertEqual(agent.close(grace=5), 0)

    def test_harness_death_kills_the_agent(self):
        # A middle process starts the agent with agentproc, prints its pid, then is
        # SIGKILLed: the death signal must take the agent with it.
        here = os.path.dirname(os.path.abspath(__file__))
        script = (f"import sys; sys.path.insert(0, {here!r}); import env_support;"
                  "from sockspec.env.agentproc import AgentProcess;"
                  f"a=AgentProcess.start([sys.executable,{FAKE_AGENT!r},'hang'],"
                  f"stderr_path={os.path.join(self.tmp, 'inner')!r});"
                  "print(a.pid, flush=True); import time; time.sleep(1000)")
        middle = ProgramProcess.start([sys.executable, "-c", script],
                                      stderr_path=os.path.join(self.tmp, "middle"))
        agent_pid = int(middle.readline(timeout=10))
        os.kill(middle.pid, signal.SIGKILL)
        middle.wait(timeout=5)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and os.path.exists(f"/proc/{agent_pid}"):
            time.sleep(0.01)
        self.assertFalse(os.path.exists(f"/proc/{agent_pid}"))


class ProgramTests(EnvTestCase):
    needs_root = False

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.mkdtemp(prefix="sockspec-agentproc-test-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def start(self, *args):
        program = ProgramProcess.start([sys.executable, FAKE_PROGRAM, *args],
                                       stderr_path=os.path.join(self.tmp, "stderr"))
        self.addCleanup(program.kill)
        return program

    def test_readline_then_eof(self):
        program = self.start("lines", "3")
        self.assertEqual([program.readline(5) for _ in range(4)], ["line 0", "line 1", "line 2", None])
        self.assertEqual(program.wait(5), (0, ""))

    def test_wait_returns_the_rest_of_stdout(self):
        program = self.start("lines", "3")
        self.assertEqual(program.readline(5), "line 0")
        self.assertEqual(program.wait(5), (0, "line 1\nline 2"))

    def test_exit_code(self):
        self.assertEqual(self.start("exit", "7").wait(5), (7, "bye\n"))

    def test_timeouts(self):
        program = self.start("hang")
        self.assertEqual(program.readline(5), "ready")
        with self.assertRaises(AgentTimeout):
            program.readline(0.1)
        with self.assertRaises(AgentTimeout):
            program.wait(0.1)
        program.kill()
        self.assertEqual(program.returncode, -signal.SIGKILL)


if __name__ == "__main__":
    unittest.main()
