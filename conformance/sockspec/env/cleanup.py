"""Names for what a harness run creates, and removal of what dead runs left behind.

Every namespace, /etc/netns directory and temporary directory a run creates carries the
run's tag, ``ss<pid>-<rand>``: the harness pid says which process owns it, the random part
keeps a new run from colliding with the leftovers of a dead run whose pid was reused.

Liveness is decided by a lock file, ``<lock dir>/<run tag>.lock``, that the run holds with
flock() for its whole life. The kernel drops the lock when the process dies however it
dies (SIGKILL included), and the descriptor is close-on-exec so agents do not inherit it:
a lock that can be taken belongs to a dead run. Without a lock file (it was removed by
hand) the pid alone decides, conservatively: a live pid is treated as a live run.
"""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import fcntl
import itertools
import os
import re
import shutil
import signal
import tempfile
import threading
import time
from typing import Callable

RUN_PREFIX = "ss"
# ss<pid>-<4 hex>; case tags append -<index>; namespace names append -<host>.
_RUN_RE = re.compile(r"^(ss(\d+)-[0-9a-f]{4})(?:-|$)")
NETNS_DIR = "/run/netns"
ETC_NETNS_DIR = "/etc/netns"
TEMP_PREFIX = "sockspec-"

_lock = threading.Lock()
_run_tag: str | None = None
_run_lock_fd: int | None = None


def lock_dir() -> str:
    """Where run lock files live: /run/sockspec for root, else a per-user temp dir."""
    if os.geteuid() == 0 and os.path.isdir("/run"):
        return "/run/sockspec"
    return os.path.join(tempfile.gettempdir(), f"sockspec-locks-{os.geteuid()}")


def etc_cache_dir() -> str:
    """Where networks keep the /etc files their /etc/netns/<ns> symlinks point to."""
    return os.path.join(lock_dir(), "etc")


_scope_numbers = itertools.count()   # RunScopes made by this process


def run_tag() -> str:
    """The tag of this harness process: ``ss<pid>-<4 hex>``, created (and locked) once."""
    global _run_tag, _run_lock_fd
    with _lock:
        if _run_tag is not None and _run_tag.startswith(f"{RUN_PREFIX}{os.getpid()}-"):
            return _run_tag
        # First call, or a forked child that must not reuse its parent's tag.
        tag = f"{RUN_PREFIX}{os.getpid()}-{os.urandom(2).hex()}"
        directory = lock_dir()
        os.makedirs(directory, mode=0o755, exist_ok=True)
        fd = os.open(os.path.join(directory, tag + ".lock"),
                     os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        _run_tag, _run_lock_fd = tag, fd
        atexit.register(_release_run_lock, tag, os.getpid())
        return tag


def _release_run_lock(tag: str, pid: int) -> None:
    # A normal exit: the lock file goes (a killed run leaves it for sweep() to judge).
    if os.getpid() != pid:   # atexit hooks are inherited by forked children
        return
    _remove_etc_cache(tag)
    try:
        os.unlink(os.path.join(lock_dir(), tag + ".lock"))
    except OSError:
        pass


def _remove_etc_cache(run: str) -> list[str]:
    removed = []
    for name in _listdir(etc_cache_dir()):
        if name.startswith(run + "-"):
            shutil.rmtree(os.path.join(etc_cache_dir(), name), ignore_errors=True)
            removed.append(os.path.join(etc_cache_dir(), name))
    return removed


def case_tag(run: str, index: int) -> str:
    """A tag for one case of a run; namespace names are ``<case tag>-<host>``."""
    return f"{run}-{index}"


def temp_dir(tag: str, label: str = "") -> str:
    """A fresh temporary directory whose name carries the tag, so sweep() finds it."""
    suffix = f"-{label}" if label else ""
    return tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{tag}{suffix}-")


def parse_run(name: str) -> tuple[str, int] | None:
    """(run tag, pid) from a namespace, directory or lock name; None if it is not ours."""
    match = _RUN_RE.match(name)
    if not match:
        return None
    return match.group(1), int(match.group(2))


def run_is_live(run: str, pid: int) -> bool:
    """True while the harness process that owns the run tag is alive."""
    if run == _run_tag:
        return True
    path = os.path.join(lock_dir(), run + ".lock")
    try:
        fd = os.open(path, os.O_RDWR | os.O_CLOEXEC)
    except FileNotFoundError:
        return _pid_alive(pid)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)   # closing drops the lock we may just have taken
    return False


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --- namespaces: finding their processes and removing them (shared with netns.py) ----

_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
MNT_DETACH = 2


def namespace_ids(names: list[str]) -> dict[tuple[int, int], str]:
    """(device, inode) of each named namespace that exists: what identifies it in /proc."""
    wanted: dict[tuple[int, int], str] = {}
    for name in names:
        try:
            st = os.stat(os.path.join(NETNS_DIR, name))
        except OSError:
            continue
        wanted[(st.st_dev, st.st_ino)] = name
    return wanted


def namespace_pids(names: list[str], ids: dict[tuple[int, int], str] | None = None
                   ) -> dict[str, list[int]]:
    """Processes whose network namespace is one of the named ones (like `ip netns pids`).
    ids (from namespace_ids) finds them even after the names are gone."""
    wanted = ids if ids is not None else namespace_ids(names)
    found: dict[str, list[int]] = {name: [] for name in list(names) + list(wanted.values())}
    if not wanted:
        return found
    me = os.getpid()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == me:
            continue
        try:
            st = os.stat(f"/proc/{entry}/ns/net")
        except OSError:      # gone, a zombie, or a kernel thread
            continue
        name = wanted.get((st.st_dev, st.st_ino))
        if name is not None:
            found[name].append(int(entry))
    return found


def kill_namespace_processes(names: list[str], timeout: float = 2.0,
                             ids: dict[tuple[int, int], str] | None = None) -> list[int]:
    """SIGKILL every process in those namespaces and wait (bounded) until none is left."""
    ids = ids if ids is not None else namespace_ids(names)
    if not ids:
        return []
    # A killed process needs a moment to leave its namespace.
    return kill_until_gone(lambda: [pid for group in namespace_pids(names, ids).values()
                                    for pid in group], timeout, pause=0.002)


def kill_until_gone(find: Callable[[], list[int]], timeout: float, pause: float) -> list[int]:
    """SIGKILL whatever `find` lists, again and again, until it lists nothing or the
    (bounded) time is up; returns every pid killed."""
    killed: list[int] = []
    deadline = time.monotonic() + timeout
    while True:
        pids = find()
        if not pids:
            return killed
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
                if pid not in killed:
                    killed.append(pid)
            except ProcessLookupError:
                pass
        if time.monotonic() > deadline:
            return killed
        time.sleep(pause)


def delete_namespace(name: str) -> bool:
    """Unmount and remove /run/netns/<name> (what `ip netns del` does); True if it existed."""
    path = os.path.join(NETNS_DIR, name)
    if not os.path.lexists(path):
        return False
    if _libc.umount2(path.encode(), MNT_DETACH) != 0:
        err = ctypes.get_errno()
        if err not in (22,):   # EINVAL: not a mount point (half-made by a dead run)
            raise OSError(err, f"umount {path}: {os.strerror(err)}")
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    return True


def remove_etc_netns(name: str) -> bool:
    """Remove /etc/netns/<name>: a symlink into the run's file cache, or a directory."""
    path = os.path.join(ETC_NETNS_DIR, name)
    if os.path.islink(path):
        os.unlink(path)
        return True
    if not os.path.isdir(path):
        return False
    shutil.rmtree(path, ignore_errors=True)
    return True


# --- launcher state (SOCKSPEC_STATE) -------------------------------------------------------

def _processes_naming(directory: str) -> list[int]:
    """Processes with an argument that names a path inside directory (alone or as the
    value of a --flag=): a launcher's helpers that outlive the agent, such as a runsc
    sandbox and its gofer (they carry --root=<state dir>/...). They are not in a test
    namespace (a gofer has a network namespace of its own; in loopback mode nothing is),
    so the namespace sweep does not find them. The directory carries a run tag: no
    other process names it."""
    prefix = directory.rstrip("/") + "/"
    found = []
    me = os.getpid()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == me:
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                args = f.read().decode("utf-8", "replace").split("\0")
        except OSError:
            continue
        for arg in args:
            value = arg.split("=", 1)[1] if arg.startswith("-") and "=" in arg else arg
            if value == directory or value.startswith(prefix):
                found.append(int(entry))
                break
    return found


def remove_state_dir(directory: str, timeout: float = 2.0) -> list[int]:
    """Remove a run's temp or launcher-state directory: first SIGKILL (bounded wait) the
    processes that still name a path inside it, then the files. Returns the pids killed."""
    killed = kill_until_gone(lambda: _processes_naming(directory), timeout, pause=0.01)
    shutil.rmtree(directory, ignore_errors=True)
    return killed


def _remove_temp(path: str) -> list[int]:
    # Only launcher-state dirs (RunScope.state_dir) are scanned for processes: a case's
    # temp dir has none that outlive its namespace, and there are hundreds of those.
    if os.path.basename(path).split("-state-")[0] != os.path.basename(path):
        return remove_state_dir(path)
    shutil.rmtree(path, ignore_errors=True)
    return []


# --- sweeping dead runs -----------------------------------------------------------------

def _listdir(path: str) -> list[str]:
    try:
        return sorted(os.listdir(path))
    except OSError:
        return []


def sweep() -> list[str]:
    """Remove what dead runs left behind; returns a description of each thing removed."""
    removed: list[str] = []
    live: dict[str, bool] = {}

    def dead(name: str) -> bool:
        parsed = parse_run(name)
        if parsed is None:
            return False
        run, pid = parsed
        if run not in live:
            live[run] = run_is_live(run, pid)
        return not live[run]

    namespaces = [n for n in _listdir(NETNS_DIR) if dead(n)]
    for pid in kill_namespace_processes(namespaces):
        removed.append(f"process {pid}")
    for name in namespaces:
        try:
            if delete_namespace(name):
                removed.append(f"namespace {name}")
        except OSError as exc:
            removed.append(f"namespace {name} (not removed: {exc})")
    for name in _listdir(ETC_NETNS_DIR):
        if dead(name) and remove_etc_netns(name):
            removed.append(f"{ETC_NETNS_DIR}/{name}")
    for name in _listdir(etc_cache_dir()):
        if dead(name):
            shutil.rmtree(os.path.join(etc_cache_dir(), name), ignore_errors=True)
            removed.append(os.path.join(etc_cache_dir(), name))
    tmp = tempfile.gettempdir()
    for name in _listdir(tmp):
        if name.startswith(TEMP_PREFIX) and dead(name[len(TEMP_PREFIX):]):
            for pid in _remove_temp(os.path.join(tmp, name)):
                removed.append(f"process {pid}")
            removed.append(os.path.join(tmp, name))
    for name in _listdir(lock_dir()):
        if name.endswith(".lock") and dead(name[:-5]):
            try:
                os.unlink(os.path.join(lock_dir(), name))
            except FileNotFoundError:
                pass
    return removed


# --- running clean-up on the way out ----------------------------------------------------

_callbacks: list = []
_installed = False
_ran: set[int] = set()
EXIT_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _run_callbacks() -> None:
    # Newest first, each at most once, whatever raised before it.
    for callback in reversed(list(_callbacks)):
        if id(callback) in _ran:
            continue
        _ran.add(id(callback))
        try:
            callback()
        except Exception:   # one failed clean-up must not stop the others
            pass


def _on_signal(signum, _frame) -> None:
    _run_callbacks()
    if _run_tag is not None and _run_tag.startswith(f"{RUN_PREFIX}{os.getpid()}-"):
        _release_run_lock(_run_tag, os.getpid())   # atexit does not run after this
    # Die of the same signal, so the parent sees what happened.
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def on_exit(callback) -> None:
    """Run callback (once) on normal exit, SIGINT, SIGTERM and SIGHUP.

    Signal handlers can only be installed from the main thread; from another thread only
    the normal-exit hook is registered. A handler the program installed itself is kept
    (it then owns the clean-up for that signal)."""
    global _installed
    _callbacks.append(callback)
    if _installed:
        return
    _installed = True
    atexit.register(_run_callbacks)
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in EXIT_SIGNALS:
        current = signal.getsignal(signum)
        if current in (signal.SIG_DFL, signal.default_int_handler):
            signal.signal(signum, _on_signal)
        # SIG_IGN (e.g. SIGHUP under nohup) stays ignored.


# --- one run's scope ------------------------------------------------------------------------

class RunScope:
    """One harness run's tag and everything named after it: case tags, temporary
    directories, the clean-up hook for the way out, and removing what the run itself
    still has when it stops (sweep() only removes what dead runs left)."""

    def __init__(self, tag: str | None = None):
        self.tag = tag or run_tag()
        # Several runs of one process (implementations side by side) share its tag (its
        # lock decides liveness for the sweep); each names its cases, temp dirs and
        # launcher state under a prefix of its own, so that their namespaces never
        # collide and sweep_own() of one never takes another's ("<tag>-r1-" is no prefix
        # of "<tag>-r12-...", while a bare "<tag>-" would be a prefix of every scope's).
        self.prefix = f"{self.tag}-r{next(_scope_numbers)}"
        self._state_dir: str | None = None     # made on first use (launchers' state)

    def case_tag(self, index: int) -> str:
        return case_tag(self.prefix, index)

    def temp_dir(self) -> str:
        return temp_dir(self.prefix)

    def state_dir(self) -> str:
        """The run's directory for launcher state (SOCKSPEC_STATE of the launcher
        contract), made on first use. It is a temp dir of the run: sweep_own() removes it
        on the way out, sweep() after a killed run, both through remove_state_dir()."""
        with _lock:
            path = self._state_dir
            if path is None or not os.path.isdir(path):
                path = self._state_dir = temp_dir(self.prefix, "state")
            return path

    def remove_state_dir(self) -> None:
        """At the end of a run, once every case is torn down: the launcher state goes
        (with the processes that still name it). A later run() makes a new one."""
        with _lock:
            path, self._state_dir = self._state_dir, None
        if path is not None:
            remove_state_dir(path)

    def on_exit(self, callback) -> None:
        on_exit(callback)

    def sweep_own(self) -> None:
        """Remove this run's namespaces and temp dirs that no case holds any more: a
        signal can arrive while a worker is still creating a network, before its case
        knows it has one. Only on the way out: live cases would lose theirs."""
        ours = [n for n in _listdir(NETNS_DIR) if n.startswith(self.prefix + "-")]
        try:
            kill_namespace_processes(ours)
        except Exception:
            pass
        for name in ours:
            try:
                delete_namespace(name)
                remove_etc_netns(name)
            except Exception:
                pass
        tmp = tempfile.gettempdir()
        for name in _listdir(tmp):
            if name.startswith(f"{TEMP_PREFIX}{self.prefix}-"):
                _remove_temp(os.path.join(tmp, name))
