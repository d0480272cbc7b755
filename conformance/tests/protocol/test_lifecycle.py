"""End of input, the exit helper, the order of answers."""

import socket
import unittest

from agentclient import Agent, AgentTestCase, skip_if_unsupported


class LifecycleTest(unittest.TestCase):
    def test_end_of_input_exits_0_and_closes_sockets(self):
        agent = Agent()
        try:
            self.assertIn("listen", agent.hello["ops"])
            for req in (("socket", dict(as_="l", args={"family": "AF_INET"})),
                        ("bind", dict(sock="l", args={"address": ["127.0.0.1", 0]})),
                        ("listen", dict(sock="l", args={"backlog": 1}))):
                reply = agent.request(req[0], **req[1])
                skip_if_unsupported(self, req[0], req[1], reply)
                self.assertTrue(reply["ok"], reply)
            port = agent.request("getsockname", sock="l")["result"][1]
            # The port accepts while the agent runs ...
            with socket.create_connection(("127.0.0.1", port), timeout=5):
                pass
        finally:
            code = agent.close()
        self.assertEqual(code, 0, "exit status after end of input")
        # ... and not once it has gone: its sockets were closed.
        with socket.socket() as probe:
            self.assertNotEqual(probe.connect_ex(("127.0.0.1", port)), 0,
                                "the agent's listening port still accepts after exit")

    def test_exit_answers_then_exits_0(self):
        agent = Agent()
        try:
            if "exit" not in agent.hello["ops"]:
                self.skipTest("agent does not list exit")
            reply = agent.request("exit")
            self.assertTrue(reply["ok"], reply)
            self.assertIsNone(reply["result"])
            # stdin is still open: the agent must leave on its own.
            self.assertEqual(agent.proc.wait(10), 0)
        finally:
            agent.close()

    def test_pipelined_requests_are_answered_in_order(self):
        agent = Agent()
        try:
            ids = [agent.send("gethostname") for _ in range(20)]
            for req_id in ids:
                reply = agent.receive(req_id)
                skip_if_unsupported(self, "gethostname", {}, reply)
                self.assertTrue(reply["ok"], reply)
        finally:
            self.assertEqual(agent.close(), 0)


class ElapsedTest(AgentTestCase):
    def test_sleep_elapsed_is_never_early(self):
        reply = self.response("sleep", args={"seconds": 0.2})
        self.assertTrue(reply["ok"], reply)
        self.assertIsNone(reply["result"])
        self.assertGreaterEqual(reply["elapsed"], 0.2)
        self.assertLess(reply["elapsed"], 5.0)
