"""A small driver for one agent process, used by the protocol tests.

Independent of the harness on purpose: these tests check the wire contract
itself, so they speak it directly (raw lines included) rather than through the
harness's own agent code.
"""

import atexit
import contextlib
import errno
import json
import os
import select
import shlex
import socket
import subprocess
import tempfile
import time
import unittest

# The agent command line: set by run.py (--agent) or taken from $SOCKSPEC_AGENT.
AGENT_ARGV = None

# glibc reads RES_OPTIONS: with zero attempts its stub resolver gives up without
# sending a query, so nothing these tests do (gethostbyaddr of a documentation
# address, for instance) ever leaves the machine as DNS traffic.
AGENT_ENV = {"RES_OPTIONS": "attempts:0"}

DEFAULT_TIMEOUT = 15.0


def agent_argv():
    if AGENT_ARGV:
        return list(AGENT_ARGV)
    command = os.environ.get("SOCKSPEC_AGENT")
    if not command:
        raise RuntimeError("no agent: run through run.py --agent CMD or set SOCKSPEC_AGENT")
    return shlex.split(command)


def pattern(count):
    """The protocol's generated payload: byte i is i mod 251."""
    return (bytes(range(251)) * (count // 251 + 1))[:count]


class AgentGone(AssertionError):
    pass


# Every agent started and not yet reaped, so that nothing outlives the run,
# whatever way it ends (failure, Ctrl-C, SIGTERM: run.py turns it into exit).
_LIVE_AGENTS = set()


@atexit.register
def _kill_leftover_agents():
    for agent in list(_LIVE_AGENTS):
        agent.kill()


class Agent:
    """One agent process: write request lines, read response lines."""

    def __init__(self, argv=None, stdout_pipe=None):
        """stdout_pipe: (read_fd, write_fd) of a pipe the caller prepared (its size,
        its flags) to serve as the agent's stdout; both ends then belong to this
        object. By default the agent gets a fresh ordinary pipe."""
        env = dict(os.environ)
        env.update(AGENT_ENV)
        self.stderr = tempfile.TemporaryFile()
        try:
            self.proc = subprocess.Popen(argv or agent_argv(), stdin=subprocess.PIPE,
                                         stdout=stdout_pipe[1] if stdout_pipe else subprocess.PIPE,
                                         stderr=self.stderr, env=env, start_new_session=True)
        except BaseException:
            if stdout_pipe:
                os.close(stdout_pipe[0])
            raise
        finally:
            if stdout_pipe:   # the agent holds the write end now; EOF must come from it alone
                os.close(stdout_pipe[1])
        self.stdout = os.fdopen(stdout_pipe[0], "rb", 0) if stdout_pipe else self.proc.stdout
        _LIVE_AGENTS.add(self)
        self.pending = b""
        self.next_id = 1
        self.hello = self.read_message(DEFAULT_TIMEOUT)

    # -- raw lines ------------------------------------------------------------

    def write_raw(self, data):
        """Write bytes as they are (the caller adds the newline)."""
        try:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        except BrokenPipeError:
            raise AgentGone("agent closed its input" + self.stderr_tail()) from None

    def read_line(self, timeout):
        deadline = time.monotonic() + timeout
        fd = self.stdout.fileno()
        while b"\n" not in self.pending:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                # Its next answer would belong to this request: the agent cannot
                # be used any further, so the rest of its test class fails fast.
                self.kill()
                raise AgentGone("no answer from the agent within %.1f s%s"
                                % (timeout, self.stderr_tail()))
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                raise AgentGone("agent closed its output (exit %s)%s"
                                % (self.proc.poll(), self.stderr_tail()))
            self.pending += chunk
        line, self.pending = self.pending.split(b"\n", 1)
        return line

    def read_message(self, timeout):
        line = self.read_line(timeout)
        try:
            text = line.decode("utf-8")
            message = json.loads(text)
        except ValueError as exc:
            raise AssertionError("agent wrote a line that is not UTF-8 JSON (%s): %r"
                                 % (exc, line[:200])) from None
        if not isinstance(message, dict):
            raise AssertionError("agent wrote a JSON value that is not an object: %r" % line[:200])
        return message

    def stderr_tail(self):
        try:
            self.stderr.seek(0)
            tail = self.stderr.read()[-2000:].decode("utf-8", "replace")
        except (OSError, ValueError):
            return ""
        return ("\n--- agent stderr ---\n" + tail) if tail else ""

    # -- requests -------------------------------------------------------------

    def send(self, op, sock=None, file=None, as_=None, args=None):
        req_id = self.next_id
        self.next_id += 1
        req = {"id": req_id, "op": op}
        if sock is not None:
            req["sock"] = sock
        if file is not None:
            req["file"] = file
        if as_ is not None:
            req["as"] = as_
        if args is not None:
            req["args"] = args
        self.write_raw(json.dumps(req).encode("utf-8") + b"\n")
        return req_id

    def receive(self, req_id, timeout=DEFAULT_TIMEOUT):
        message = self.read_message(timeout)
        if message.get("id") != req_id:
            raise AssertionError("expected the answer to id %s, got %r" % (req_id, message))
        check_response_shape(message)
        return message

    def request(self, op, timeout=DEFAULT_TIMEOUT, **fields):
        return self.receive(self.send(op, **fields), timeout)

    # -- end --------------------------------------------------------------------

    def close(self, timeout=10.0):
        """End of input; returns the exit code (killing the agent if it lingers)."""
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            code = None
        self.kill()   # reaps, and ends the process group if it lingered
        self.stdout.close()
        self.stderr.close()
        return code

    def kill(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, 9)
            except ProcessLookupError:
                pass
        self.proc.wait()
        _LIVE_AGENTS.discard(self)


def check_response_shape(message):
    """Every response: id, ok (bool), elapsed (a number >= 0); result or error."""
    if not isinstance(message.get("ok"), bool):
        raise AssertionError("response without a boolean ok: %r" % message)
    elapsed = message.get("elapsed")
    if isinstance(elapsed, bool) or not isinstance(elapsed, (int, float)) or elapsed < 0:
        raise AssertionError("response without a valid elapsed: %r" % message)
    if message["ok"]:
        if "result" not in message:
            raise AssertionError("ok response without result: %r" % message)
    else:
        error = message.get("error")
        if not isinstance(error, dict) or not isinstance(error.get("type"), str):
            raise AssertionError("failed response without error.type: %r" % message)
        if error["type"] not in ("error", "timeout", "gaierror", "herror", "value",
                                 "unsupported", "protocol"):
            raise AssertionError("unknown error type: %r" % message)


def loopback_v6_available():
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


def unsupported_reason(op, fields, reply):
    """For an `unsupported` answer, the request and the agent's message (which should
    name what is missing): the reason a test is skipped, or in the hello checks
    failed, for it. None for any other answer."""
    if reply["ok"] or reply["error"]["type"] != "unsupported":
        return None
    message = reply["error"].get("message") or "(no message: it should name what is missing)"
    args = fields.get("args")
    request = op if args is None else "%s %s" % (op, json.dumps(args, sort_keys=True))
    return "agent: unsupported: %s: %s" % (request, message)


def skip_if_unsupported(test, op, fields, reply):
    """The project's rule (docs/agent-protocol.md, The protocol tests): an
    implementation that cannot do something is skipped, naming what it lacks, never
    failed. For tests that read answers themselves rather than through AgentTestCase."""
    reason = unsupported_reason(op, fields, reply)
    if reason:
        test.skipTest(reason)


class AgentTestCase(unittest.TestCase):
    """One agent process per test class; helpers that assert the contract.

    Every helper that sends a request applies the unsupported rule: an `unsupported`
    answer the test did not ask for skips the test. Only inside `declared` (the hello
    checks) does it fail, since there the agent said it has what it then refuses."""

    agent = None
    declaring = None   # what the hello declares that the current requests rely on

    @classmethod
    def setUpClass(cls):
        cls.agent = Agent()
        cls.addClassCleanup(cls.agent.close)
        cls.counter = 0

    def handle(self, prefix="s"):
        """A handle name no earlier test of this class used."""
        type(self).counter += 1
        return "%s%d" % (prefix, type(self).counter)

    def require(self, *ops, agent=None):
        listed = (agent or self.agent).hello.get("ops", [])
        missing = [op for op in ops if op not in listed]
        if missing:
            self.skipTest("agent does not list %s in its hello ops" % ", ".join(missing))

    @contextlib.contextmanager
    def declared(self, what):
        """Requests in this block try something the hello declares (`what` names the
        declaration): an `unsupported` answer to them is a false hello, so it fails."""
        outer, self.declaring = self.declaring, what
        try:
            yield
        finally:
            self.declaring = outer

    def check_unsupported(self, op, fields, reply):
        """Skip on an `unsupported` answer, or fail inside a `declared` block."""
        reason = unsupported_reason(op, fields, reply)
        if reason and self.declaring:
            self.fail("%s is declared in the hello, yet %s" % (self.declaring, reason))
        if reason:
            self.skipTest(reason)

    def response(self, op, agent=None, timeout=DEFAULT_TIMEOUT, expect_unsupported=False,
                 **fields):
        """The whole answer, ok or not; an `unsupported` one skips the test unless
        expect_unsupported (the test then judges it itself)."""
        agent = agent or self.agent
        self.require(op, agent=agent)
        reply = agent.request(op, timeout=timeout, **fields)
        if not expect_unsupported:
            self.check_unsupported(op, fields, reply)
        return reply

    def call(self, op, agent=None, timeout=DEFAULT_TIMEOUT, **fields):
        """The result of a request that must succeed."""
        reply = self.response(op, agent=agent, timeout=timeout, **fields)
        if not reply["ok"]:
            self.fail("%s %r failed: %r" % (op, fields, reply["error"]))
        return reply["result"]

    def error(self, op, error_type, agent=None, timeout=DEFAULT_TIMEOUT, **fields):
        """The error of a request that must fail with error_type. An `unsupported`
        answer skips, unless `unsupported` is the error the test is about."""
        reply = self.response(op, agent=agent, timeout=timeout,
                              expect_unsupported=error_type == "unsupported", **fields)
        if reply["ok"]:
            self.fail("%s %r succeeded (%r), expected a %s error"
                      % (op, fields, reply["result"], error_type))
        self.assertEqual(reply["error"]["type"], error_type,
                         "%s %r: wrong error type: %r" % (op, fields, reply["error"]))
        self.assertIsInstance(reply["error"].get("message", ""), str)
        return reply["error"]

    def assert_os_error(self, error, name):
        """An `error` with the symbolic errno and this platform's number for it."""
        self.assertEqual(error["errno"], name, error)
        self.assertEqual(error["code"], getattr(errno, name), error)

    def assert_alive(self, agent=None):
        """The agent still answers a valid request, in order."""
        self.assertIsInstance(self.call("gethostname", agent=agent), str)

    # -- common set-ups ---------------------------------------------------------

    def tcp_connection(self, host="127.0.0.1", family="AF_INET", agent=None):
        """A listener and a connected pair over loopback: (listener, client, server)."""
        listener, client, server = self.handle("l"), self.handle("c"), self.handle("a")
        self.call("socket", agent=agent, as_=listener,
                  args={"family": family, "type": "SOCK_STREAM"})
        self.call("bind", agent=agent, sock=listener, args={"address": [host, 0]})
        self.call("listen", agent=agent, sock=listener, args={"backlog": 4})
        port = self.call("getsockname", agent=agent, sock=listener)[1]
        self.call("create_connection", agent=agent, as_=client, args={"address": [host, port]})
        self.call("accept", agent=agent, sock=listener, as_=server)
        return listener, client, server

    def udp_socket(self, host="127.0.0.1", family="AF_INET", agent=None):
        handle = self.handle("u")
        self.call("socket", agent=agent, as_=handle, args={"family": family, "type": "SOCK_DGRAM"})
        self.call("bind", agent=agent, sock=handle, args={"address": [host, 0]})
        return handle

    def socketpair(self, **args):
        first, second = self.handle("p"), self.handle("q")
        self.call("socketpair", as_=[first, second], args=args)
        return first, second
