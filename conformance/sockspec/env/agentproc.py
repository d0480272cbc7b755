"""Agent and program processes: start, talk JSON lines with timeouts, stop for sure.

Every process gets its own session (so its whole process group can be killed at once)
and PR_SET_PDEATHSIG = SIGKILL, so it dies with the harness even when the harness is
SIGKILLed (armed by `setpriv --pdeathsig` where util-linux has it, else between fork and
exec; see _setpriv). Caveat: the kernel sends the death signal when the *thread* that forked the
child exits, not the process. Start agents from a thread that outlives them (the main
thread, or a worker thread that closes its agents before it ends).

Reading never blocks without a bound: stdout is non-blocking and every wait goes through
a selector with a deadline. Lines may be of any length.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import json
import os
import selectors
import shutil
import signal
import subprocess
import time

PR_SET_PDEATHSIG = 1
STDERR_TAIL = 2000
_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


class AgentError(Exception):
    """Base of everything that goes wrong with an agent or program process."""

    def __init__(self, message: str, *, returncode: int | None = None, stderr_tail: str = ""):
        super().__init__(message)
        self.returncode = returncode
        self.stderr_tail = stderr_tail

    def __str__(self) -> str:
        text = super().__str__()
        if self.stderr_tail:
            text += "\n--- stderr (tail) ---\n" + self.stderr_tail
        return text


class AgentTimeout(AgentError):
    """No answer (or no line, or no exit) in time."""


class AgentCrashed(AgentError):
    """The process exited or was killed: returncode (negative: the signal), stderr_tail."""

    @property
    def signal(self) -> int | None:
        return -self.returncode if self.returncode is not None and self.returncode < 0 else None


class AgentProtocolError(AgentError):
    """A line that is not the protocol: bad JSON, a wrong id, no hello."""


# With setpriv (util-linux), the death signal is set by an exec'd program instead of
# Python code between fork and exec: subprocess can then use vfork, which costs well under
# a millisecond, where the fork that preexec_fn forces copies the harness's page tables
# (5-20 ms, growing with the captures held in memory). The shell that setpriv runs checks
# that its parent is still the harness (otherwise the harness died before the signal was
# armed), as _child_setup does, then becomes the command.
_PARENT_CHECK = 'if [ "$PPID" != "$1" ]; then exit 111; fi; shift; exec "$@"'


@functools.lru_cache(maxsize=1)
def _setpriv() -> str | None:
    """Path of a setpriv that knows --pdeathsig, or None (then preexec_fn is used)."""
    if os.environ.get("SOCKSPEC_NO_SETPRIV"):
        return None
    path = shutil.which("setpriv")
    if path is None or shutil.which("sh") is None:
        return None
    try:
        out = subprocess.run([path, "--help"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return path if "--pdeathsig" in out.stdout else None


def _check_executable(argv: list[str], env: dict | None) -> None:
    """The error Popen would give for a missing program, given before a wrapper hides it."""
    name = argv[0] if argv else ""
    if os.sep in name:
        found = os.path.isfile(name) and os.access(name, os.X_OK)
    else:
        found = bool(name) and shutil.which(name, path=(env or os.environ).get("PATH")) is not None
    if not found:
        raise AgentCrashed(f"cannot start {name!r}: no such executable")


def _child_setup(parent_pid: int) -> None:
    # Runs in the child between fork and exec: die with the harness thread that forked us.
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:   # the parent died before prctl took effect
        os._exit(111)


def _stderr_tail(path: str) -> str:
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - STDERR_TAIL))
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exited with status {code}"


class _Process:
    """What agents and programs share: the process, its stdout lines, its end."""

    kind = "process"

    def __init__(self, proc: subprocess.Popen, argv: list[str], stderr_path: str):
        self._proc = proc
        self.argv = list(argv)
        self.pid = proc.pid
        self.stderr_path = stderr_path
        self._buffer = bytearray()
        self._eof = False
        self._had_newline = True
        os.set_blocking(proc.stdout.fileno(), False)
        self._selector = selectors.DefaultSelector()
        self._selector.register(proc.stdout, selectors.EVENT_READ)

    @staticmethod
    def _spawn(argv: list[str], stderr_path: str, env: dict | None, stdin) -> subprocess.Popen:
        setpriv = _setpriv()
        if setpriv is not None:
            _check_executable(argv, env)
        stderr = open(stderr_path, "ab")
        try:
            if setpriv is not None:
                wrapped = [setpriv, "--pdeathsig", "KILL", "sh", "-c", _PARENT_CHECK,
                           "sockspec-start", str(os.getpid()), *argv]
                return subprocess.Popen(wrapped, stdin=stdin, stdout=subprocess.PIPE,
                                        stderr=stderr, env=env, start_new_session=True,
                                        close_fds=True)
            return subprocess.Popen(argv, stdin=stdin, stdout=subprocess.PIPE, stderr=stderr,
                                    env=env, start_new_session=True, close_fds=True,
                                    preexec_fn=lambda pid=os.getpid(): _child_setup(pid))
        except OSError as exc:
            raise AgentCrashed(f"cannot start {argv[0]!r}: {exc}") from exc
        finally:
            stderr.close()

    @property
    def returncode(self) -> int | None:
        return self._proc.poll()

    def stderr_tail(self) -> str:
        return _stderr_tail(self.stderr_path)

    def _read_line(self, deadline: float) -> bytes | None:
        """The next complete line (without its newline); None at EOF (a last unterminated
        fragment is returned as a line first). Raises AgentTimeout at the deadline."""
        while True:
            newline = self._buffer.find(b"\n")
            if newline >= 0:
                line = bytes(self._buffer[:newline])
                del self._buffer[:newline + 1]
                self._had_newline = True
                return line
            if self._eof:
                if self._buffer:
                    line = bytes(self._buffer)
                    self._buffer.clear()
                    self._had_newline = False
                    return line
                return None
            left = deadline - time.monotonic()
            if left <= 0:
                raise AgentTimeout(f"{self.kind} {self.pid}: no line in time",
                                   returncode=self.returncode, stderr_tail=self.stderr_tail())
            if not self._selector.select(left):
                continue
            try:
                chunk = os.read(self._proc.stdout.fileno(), 1 << 16)
            except BlockingIOError:
                continue
            if chunk:
                self._buffer += chunk
            else:
                self._eof = True

    def _wait_exit(self, timeout: float) -> int | None:
        try:
            return self._proc.wait(timeout=max(0.0, timeout))
        except subprocess.TimeoutExpired:
            return None

    def _crashed(self, what: str) -> AgentCrashed:
        # stdout closed: the process is (about to be) gone; give it a moment to be reaped.
        code = self._wait_exit(1.0)
        if code is None:
            self.kill()
            code = self._proc.returncode
        return AgentCrashed(f"{self.kind} {self.pid} {what}: {_describe_exit(code)}",
                            returncode=code, stderr_tail=self.stderr_tail())

    def kill(self) -> None:
        """SIGKILL the whole process group and reap the leader."""
        try:
            os.killpg(self._proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        self._close_pipes()

    def _close_pipes(self) -> None:
        try:
            self._selector.close()
        except Exception:
            pass
        for pipe in (self._proc.stdin, self._proc.stdout):
            if pipe is not None:
                try:
                    pipe.close()
                except OSError:
                    pass


class AgentProcess(_Process):
    """One agent: hello, then strictly request -> response over stdin/stdout."""

    kind = "agent"

    def __init__(self, proc, argv, stderr_path):
        super().__init__(proc, argv, stderr_path)
        self.hello: dict = {}
        self._next_id = 1
        os.set_blocking(proc.stdin.fileno(), False)
        self._write_selector = selectors.DefaultSelector()
        self._write_selector.register(proc.stdin, selectors.EVENT_WRITE)

    @classmethod
    def start(cls, argv: list[str], *, stderr_path: str, hello_timeout: float = 5.0,
              env: dict | None = None, wait_hello: bool = True) -> "AgentProcess":
        """Start the agent and read its hello. wait_hello=False returns at once; call
        wait_hello() later (to start several agents side by side)."""
        proc = cls._spawn(argv, stderr_path, env, subprocess.PIPE)
        agent = cls(proc, argv, stderr_path)
        if wait_hello:
            agent.wait_hello(hello_timeout)
        return agent

    def wait_hello(self, timeout: float = 5.0) -> dict:
        """Read and check the hello line (once); the agent is killed if it fails."""
        if not self.hello:
            try:
                self.hello = self._read_hello(timeout)
            except BaseException:
                self.kill()
                raise
        return self.hello

    def _read_hello(self, timeout: float) -> dict:
        try:
            line = self._read_line(time.monotonic() + timeout)
        except AgentTimeout:
            raise AgentTimeout(f"agent {self.pid}: no hello within {timeout} s",
                               returncode=self.returncode, stderr_tail=self.stderr_tail()) from None
        if line is None:
            raise self._crashed("exited before its hello")
        hello = self._decode(line)
        if not isinstance(hello, dict) or "hello" not in hello:
            raise AgentProtocolError(f"agent {self.pid}: first line is not a hello: {line[:300]!r}",
                                     stderr_tail=self.stderr_tail())
        if hello.get("hello") != 1:
            raise AgentProtocolError(f"agent {self.pid}: protocol version {hello.get('hello')!r}, "
                                     "the harness speaks 1", stderr_tail=self.stderr_tail())
        if not isinstance(hello.get("ops", []), list):
            raise AgentProtocolError(f"agent {self.pid}: hello 'ops' is not a list",
                                     stderr_tail=self.stderr_tail())
        return hello

    def _decode(self, line: bytes):
        try:
            return json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise AgentProtocolError(f"agent {self.pid}: not a JSON line ({exc}): {line[:300]!r}",
                                     stderr_tail=self.stderr_tail()) from None

    def send(self, op: str, *, sock: str | None = None, file: str | None = None,
             as_: str | list | None = None, args: dict | None = None,
             timeout: float = 10.0) -> int:
        """Write one request line; returns its id."""
        request: dict = {"id": self._next_id, "op": op}
        if sock is not None:
            request["sock"] = sock
        if file is not None:
            request["file"] = file
        if as_ is not None:
            request["as"] = as_
        if args is not None:
            request["args"] = args
        data = (json.dumps(request, separators=(",", ":"), ensure_ascii=False) + "\n").encode()
        self._write(data, time.monotonic() + timeout)
        self._next_id += 1
        return request["id"]

    def _write(self, data: bytes, deadline: float) -> None:
        view = memoryview(data)
        while view:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AgentTimeout(f"agent {self.pid}: does not read its requests",
                                   returncode=self.returncode, stderr_tail=self.stderr_tail())
            if not self._write_selector.select(left):
                continue
            try:
                written = os.write(self._proc.stdin.fileno(), view)
            except BlockingIOError:
                continue
            except (BrokenPipeError, ValueError, OSError):
                raise self._crashed("closed its input") from None
            view = view[written:]

    def receive(self, req_id: int, timeout: float) -> dict:
        """The response to request req_id (responses come in order)."""
        line = self._read_line(time.monotonic() + timeout)
        if line is None:
            raise self._crashed(f"exited before answering request {req_id}")
        response = self._decode(line)
        if not isinstance(response, dict) or "id" not in response:
            raise AgentProtocolError(f"agent {self.pid}: not a response: {line[:300]!r}",
                                     stderr_tail=self.stderr_tail())
        if response["id"] != req_id:
            raise AgentProtocolError(f"agent {self.pid}: answered id {response['id']!r}, "
                                     f"expected {req_id}: {line[:300]!r}",
                                     stderr_tail=self.stderr_tail())
        return response

    def close(self, grace: float = 2.0) -> int | None:
        """EOF on stdin (the agent's cue to exit), wait up to grace, then kill the group."""
        try:
            self._proc.stdin.close()
        except OSError:
            pass
        code = self._wait_exit(grace)
        self.kill()   # also catches anything the agent left running in its group
        return code if code is not None else self._proc.returncode

    def _close_pipes(self) -> None:
        try:
            self._write_selector.close()
        except Exception:
            pass
        super()._close_pipes()


def close_all(agents: list[AgentProcess], grace: float = 2.0) -> list[int | None]:
    """close() for several agents, side by side: every stdin is closed first, so they all
    shut down at once and the grace period is shared, not summed."""
    for agent in agents:
        try:
            agent._proc.stdin.close()
        except OSError:
            pass
    deadline = time.monotonic() + grace
    return [agent.close(max(0.0, deadline - time.monotonic())) for agent in agents]


class ProgramProcess(_Process):
    """An example program: its stdout read line by line, its exit awaited."""

    kind = "program"

    @classmethod
    def start(cls, argv: list[str], *, stderr_path: str, env: dict | None = None) -> "ProgramProcess":
        return cls(cls._spawn(argv, stderr_path, env, subprocess.DEVNULL), argv, stderr_path)

    def readline(self, timeout: float) -> str | None:
        """The next line of stdout (without newline); None at EOF; AgentTimeout if none
        comes in time."""
        line = self._read_line(time.monotonic() + timeout)
        return None if line is None else line.decode("utf-8", "replace")

    def wait(self, timeout: float) -> tuple[int, str]:
        """Wait for exit: (exit status, the rest of stdout). AgentTimeout if it runs on."""
        deadline = time.monotonic() + timeout
        rest = bytearray()
        while True:
            line = self._read_line(deadline)
            if line is None:
                break
            rest += line
            if self._had_newline:
                rest += b"\n"
        code = self._wait_exit(deadline - time.monotonic())
        if code is None:
            raise AgentTimeout(f"program {self.pid}: still running after {timeout} s",
                               stderr_tail=self.stderr_tail())
        self.kill()   # reap, close pipes, and end whatever it left in its group
        return code, rest.decode("utf-8", "replace")

    def close(self, grace: float = 0.0) -> int | None:
        code = self._wait_exit(grace)
        self.kill()
        return code if code is not None else self._proc.returncode
