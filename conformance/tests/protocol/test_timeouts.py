"""Timeout mode, non-blocking mode, and the elapsed the agent reports."""

import unittest

from agentclient import AgentTestCase

TIMEOUT = 0.3
SLACK = 3.0   # generous: loaded CI machines; the lower bound is exact


class TimeoutTest(AgentTestCase):
    def assert_timed_out(self, reply, timeout):
        self.assertFalse(reply["ok"], reply)
        self.assertEqual(reply["error"]["type"], "timeout", reply)
        self.assertEqual(reply["error"].get("message"), "timed out", reply)
        self.assertGreaterEqual(reply["elapsed"], timeout, "timed out early")
        self.assertLess(reply["elapsed"], timeout + SLACK)

    def test_recv_times_out(self):
        _, client, _ = self.tcp_connection()
        self.call("settimeout", sock=client, args={"value": TIMEOUT})
        self.assert_timed_out(self.response("recv", sock=client, args={"bufsize": 10}), TIMEOUT)

    def test_accept_times_out(self):
        listener = self.handle("l")
        self.call("socket", as_=listener)
        self.call("bind", sock=listener, args={"address": ["127.0.0.1", 0]})
        self.call("listen", sock=listener, args={"backlog": 1})
        self.call("settimeout", sock=listener, args={"value": TIMEOUT})
        self.assert_timed_out(self.response("accept", sock=listener, as_=self.handle()), TIMEOUT)

    def test_recvfrom_times_out_and_socket_stays_usable(self):
        handle = self.udp_socket()
        self.call("settimeout", sock=handle, args={"value": TIMEOUT})
        self.assert_timed_out(self.response("recvfrom", sock=handle, args={"bufsize": 10}),
                              TIMEOUT)
        self.call("sendto", sock=handle, args={"data": {"hex": "01"},
                                               "address": self.call("getsockname", sock=handle)})
        self.assertEqual(self.call("recvfrom", sock=handle, args={"bufsize": 10})["data"],
                         {"hex": "01"})

    def test_create_connection_timeout_sets_the_socket_timeout(self):
        listener = self.handle("l")
        self.call("socket", as_=listener)
        self.call("bind", sock=listener, args={"address": ["127.0.0.1", 0]})
        self.call("listen", sock=listener, args={"backlog": 1})
        port = self.call("getsockname", sock=listener)[1]
        client = self.handle("c")
        self.call("create_connection", as_=client,
                  args={"address": ["127.0.0.1", port], "timeout": 2.5})
        self.assertEqual(self.call("gettimeout", sock=client), 2.5)
        other = self.handle("c")
        self.call("create_connection", as_=other,
                  args={"address": ["127.0.0.1", port], "timeout": None,
                        "source_address": ["127.0.0.1", 0]})
        self.assertIsNone(self.call("gettimeout", sock=other))
        self.assertEqual(self.call("getsockname", sock=other)[0], "127.0.0.1")

    def test_timeout_mode_is_nonblocking_at_os_level(self):
        self.require("fdflags")
        handle = self.handle()
        self.call("socket", as_=handle)
        flags = self.call("fdflags", sock=handle)
        self.assertEqual(set(flags), {"nonblocking", "cloexec"})
        self.assertIsInstance(flags["cloexec"], bool)
        self.assertFalse(flags["nonblocking"])
        self.call("settimeout", sock=handle, args={"value": 5})
        self.assertTrue(self.call("fdflags", sock=handle)["nonblocking"])
        self.call("setblocking", sock=handle, args={"flag": True})
        self.assertFalse(self.call("fdflags", sock=handle)["nonblocking"])
        self.call("setblocking", sock=handle, args={"flag": False})
        self.assertTrue(self.call("fdflags", sock=handle)["nonblocking"])


class NonBlockingTest(AgentTestCase):
    def test_recv_would_block(self):
        _, client, _ = self.tcp_connection()
        self.call("setblocking", sock=client, args={"flag": False})
        self.assert_os_error(self.error("recv", "error", sock=client, args={"bufsize": 10}),
                             "EAGAIN")

    def test_accept_would_block(self):
        listener = self.handle("l")
        self.call("socket", as_=listener)
        self.call("bind", sock=listener, args={"address": ["127.0.0.1", 0]})
        self.call("listen", sock=listener, args={"backlog": 1})
        self.call("setblocking", sock=listener, args={"flag": False})
        self.assert_os_error(self.error("accept", "error", sock=listener, as_=self.handle()),
                             "EAGAIN")


if __name__ == "__main__":
    unittest.main()
