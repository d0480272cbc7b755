"""Answer lines arrive whole, however slowly the harness reads them.

A pipe holds 64 KiB by default (and a sandbox's may hold less); an answer line can
be longer (a 64 KiB datagram is 128 KiB of hex). The agent must then wait until the
reader drains the pipe and write the rest, also when the pipe was made non-blocking
by whoever set it up (the flag lives on the pipe, so the agent inherits it): a writer
that ignores a short write or EAGAIN cuts the line.
"""

import array
import fcntl
import os
import select
import time
import unittest

from agentclient import Agent, AgentTestCase, pattern

# The largest UDP payload over IPv4: recv answers it as one line of some 128 KiB.
DATAGRAM = 65507
# The smallest pipe Linux makes (one page): the answer then needs 30-odd refills.
SMALL_PIPE = 4096
FILL_DEADLINE = 10.0


def small_pipe(nonblocking_writer):
    """(read_fd, write_fd, capacity) of a pipe shrunk to one page."""
    if not hasattr(fcntl, "F_SETPIPE_SZ"):
        raise unittest.SkipTest("this platform cannot size a pipe (F_SETPIPE_SZ)")
    read_fd, write_fd = os.pipe()
    fcntl.fcntl(write_fd, fcntl.F_SETPIPE_SZ, SMALL_PIPE)
    if nonblocking_writer:
        flags = fcntl.fcntl(write_fd, fcntl.F_GETFL)
        fcntl.fcntl(write_fd, fcntl.F_SETFL, flags | os.O_NONBLOCK)
    return read_fd, write_fd, fcntl.fcntl(write_fd, fcntl.F_GETPIPE_SZ)


def bytes_waiting(fd):
    import termios
    count = array.array("i", [0])
    fcntl.ioctl(fd, termios.FIONREAD, count, True)
    return count[0]


class LargeAnswerTest(AgentTestCase):
    """One agent per test: each gets its own stdout pipe."""

    @classmethod
    def setUpClass(cls):
        cls.counter = 0     # no shared agent: the tests start their own

    def start(self, nonblocking_writer):
        read_fd, write_fd, capacity = small_pipe(nonblocking_writer)
        agent = Agent(stdout_pipe=(read_fd, write_fd))
        self.addCleanup(agent.close)
        return agent, capacity

    def wait_until_full(self, agent, capacity):
        """The agent has filled the pipe and must now wait for this reader (polling
        the pipe's fill level: nothing else tells a reader that a pipe is full)."""
        deadline = time.monotonic() + FILL_DEADLINE
        while bytes_waiting(agent.stdout.fileno()) < capacity:
            if time.monotonic() > deadline:
                self.fail("the agent wrote only %d bytes of its answer into the pipe"
                          % bytes_waiting(agent.stdout.fileno()))
            time.sleep(0.01)

    def read_slowly(self, agent):
        """One line, a page at a time."""
        fd, data = agent.stdout.fileno(), b""
        while not data.endswith(b"\n"):
            ready, _, _ = select.select([fd], [], [], FILL_DEADLINE)
            self.assertTrue(ready, "the agent stopped writing after %d bytes" % len(data))
            chunk = os.read(fd, SMALL_PIPE // 2)
            self.assertTrue(chunk, "the agent closed its output after %d bytes"
                            % len(data))
            data += chunk
        return data

    def check_large_answer(self, nonblocking_writer):
        agent, capacity = self.start(nonblocking_writer)
        self.require("socket", "bind", "sendto", "recv", agent=agent)
        udp = self.udp_socket(agent=agent)
        address = self.call("getsockname", agent=agent, sock=udp)
        self.call("sendto", agent=agent, sock=udp,
                  args={"data": {"pattern": DATAGRAM}, "address": address})
        self.assertEqual(agent.pending, b"")   # nothing else unread: the next line is the answer
        recv_args = {"bufsize": DATAGRAM}
        req_id = agent.send("recv", sock=udp, args=recv_args)
        self.wait_until_full(agent, capacity)
        line = self.read_slowly(agent)
        agent.pending = line   # read_message takes the line from here
        reply = agent.receive(req_id)
        self.check_unsupported("recv", {"args": recv_args}, reply)
        self.assertTrue(reply["ok"], reply)
        self.assertEqual(reply["result"], {"hex": pattern(DATAGRAM).hex()})
        self.assert_alive(agent)

    def test_large_answer_through_a_small_pipe(self):
        self.check_large_answer(nonblocking_writer=False)

    def test_large_answer_through_a_non_blocking_pipe(self):
        self.check_large_answer(nonblocking_writer=True)
