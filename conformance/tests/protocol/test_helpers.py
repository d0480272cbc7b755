"""The helpers: poll, drain, echo, patterns; bulk transfer between two agents."""

import hashlib
import unittest

from agentclient import Agent, AgentTestCase, pattern


class PollTest(AgentTestCase):
    def test_poll_readiness(self):
        first, second = self.tcp_connection()[1:]
        self.assertEqual(self.call("poll", sock=first, args={"events": ["in"], "timeout": 0}), [])
        self.assertEqual(self.call("poll", sock=first, args={"events": ["out"], "timeout": 0}),
                         ["out"])
        self.call("sendall", sock=second, args={"data": {"hex": "00"}})
        self.assertEqual(self.call("poll", sock=first, args={"events": ["in"], "timeout": 5}),
                         ["in"])
        both = self.call("poll", sock=first, args={"events": ["in", "out"], "timeout": 5})
        self.assertEqual(sorted(both), ["in", "out"])

    def test_poll_waits_its_timeout(self):
        first = self.tcp_connection()[1]
        reply = self.response("poll", sock=first, args={"events": ["in"], "timeout": 0.2})
        self.assertTrue(reply["ok"], reply)
        self.assertEqual(reply["result"], [])
        self.assertGreaterEqual(reply["elapsed"], 0.2)
        self.assertLess(reply["elapsed"], 3.2)


class DrainEchoTest(AgentTestCase):
    def test_drain_until_end_of_file(self):
        first, second = self.tcp_connection()[1:]
        self.call("sendall", sock=first, args={"data": {"pattern": 100000}})
        self.call("shutdown", sock=first, args={"how": "SHUT_WR"})
        self.assertEqual(self.call("drain", sock=second, args={"bufsize": 4096}),
                         {"count": 100000, "sha256": hashlib.sha256(pattern(100000)).hexdigest()})

    def test_drain_limit(self):
        first, second = self.tcp_connection()[1:]
        data = b"0123456789" * 10
        self.call("sendall", sock=first, args={"data": {"hex": data.hex()}})
        self.assertEqual(self.call("drain", sock=second, args={"bufsize": 16, "limit": 40}),
                         {"count": 40, "sha256": hashlib.sha256(data[:40]).hexdigest()})
        self.assertEqual(self.call("recv", sock=second, args={"bufsize": 100}),
                         {"hex": data[40:].hex()})

    def test_echo_loop(self):
        first, second = self.tcp_connection()[1:]
        message = b"Hello, world, in pieces"
        self.call("sendall", sock=first, args={"data": {"hex": message.hex()}})
        self.call("shutdown", sock=first, args={"how": "SHUT_WR"})
        self.assertEqual(self.call("echo", sock=second, args={"bufsize": 4}),
                         {"count": len(message)})
        self.assertEqual(self.call("drain", sock=first,
                                   args={"bufsize": 1024, "limit": len(message)}),
                         {"count": len(message), "sha256": hashlib.sha256(message).hexdigest()})


class BulkTransferTest(AgentTestCase):
    """64 MiB of pattern from one agent process to another, checked by sha256."""

    SIZE = 64 * 1024 * 1024

    def test_pattern_between_two_agents(self):
        receiver = self.agent
        sender = Agent()
        self.addCleanup(sender.close)
        self.require("sendall", "drain", agent=sender)
        listener = self.handle("l")
        self.call("socket", agent=receiver, as_=listener)
        self.call("bind", agent=receiver, sock=listener, args={"address": ["127.0.0.1", 0]})
        self.call("listen", agent=receiver, sock=listener, args={"backlog": 1})
        port = self.call("getsockname", agent=receiver, sock=listener)[1]
        self.call("create_connection", agent=sender, as_="out",
                  args={"address": ["127.0.0.1", port]})
        self.call("accept", agent=receiver, sock=listener, as_="in")
        # Both run at once: each agent works on its own request.
        send_args = {"data": {"pattern": self.SIZE}}
        drain_args = {"bufsize": 65536}
        send_id = sender.send("sendall", sock="out", args=send_args)
        drain_id = receiver.send("drain", sock="in", args=drain_args)
        sent = sender.receive(send_id, timeout=120)
        self.check_unsupported("sendall", {"args": send_args}, sent)
        self.assertTrue(sent["ok"], sent)
        self.call("close", agent=sender, sock="out")
        drained = receiver.receive(drain_id, timeout=120)
        self.check_unsupported("drain", {"args": drain_args}, drained)
        self.assertTrue(drained["ok"], drained)
        self.assertEqual(drained["result"],
                         {"count": self.SIZE,
                          "sha256": hashlib.sha256(pattern(self.SIZE)).hexdigest()})


if __name__ == "__main__":
    unittest.main()
