#!/usr/bin/env python3
"""Run a sockspec agent or example program under gVisor (runsc), with gVisor's netstack
owning the test host's interfaces.

    launch.py COMMAND [ARG...]

Reads the launcher contract's variables (docs/agent-protocol.md, "Launchers"):

* SOCKSPEC_ROLE=probe: the run's hello probe. `runsc do` with --network=none (a
  loopback-only netstack, nothing of the machine's network is touched); runsc removes
  that sandbox itself when the command ends.
* SOCKSPEC_ROLE=agent|program with SOCKSPEC_NETNS: one sandbox per test host, owning the
  interfaces of that host's namespace (--network=sandbox). The first actor of a host
  creates it under a lock in SOCKSPEC_STATE; every actor then becomes `runsc exec` in
  it (stdin/stdout are handed to the sandboxed process as they are), so the actors of a
  host share one kernel, as they would natively.
* no SOCKSPEC_NETNS (loopback mode): one sandbox per case with --network=none.

Safety. runsc --network=sandbox removes the addresses of every interface it takes over,
and this runsc refuses to start where /proc/sys/net/core/rmem_default exists (its test for
"the root network namespace", true in every namespace on current kernels). The launcher
hides that file from runsc only after it has verified that its own network namespace
(1) is the one SOCKSPEC_NETNS names (same device and inode), (2) is not the root one
(that of PID 1, of kthreadd, or the static inode of init_net), and (3) is named
/run/netns/<run tag>-..., a namespace of this run (env/cleanup.py's naming). Otherwise it
exits with status 97 and starts nothing. The sandbox is then pointed at the verified
namespace through the launcher's own open descriptor of it, so no other namespace can
be substituted between the check and the start.

Clean-up. runsc's state (--root) and the bundles live in SOCKSPEC_STATE, which the
harness removes after the run (and a later run sweeps after a killed one, killing the
sandboxes and gofers that still name it). A sandbox runs inside its host's namespace and
dies with it (the harness kills every process of a namespace it removes); its gofer
exits with it. When a launcher creates a sandbox it also `runsc delete`s the sandboxes
of this run whose namespace is gone.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import fcntl
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile

REFUSED = 97
RUNSC = os.environ.get("SOCKSPEC_RUNSC", "runsc")
NETNS_DIR = "/run/netns"
RUN_RE = re.compile(r"^ss\d+-[0-9a-f]{4}$")            # env/cleanup.py: ss<pid>-<4 hex>
NS_NAME_RE = re.compile(r"^(ss\d+-[0-9a-f]{4})-[A-Za-z0-9][A-Za-z0-9_.-]*$")
# Kernels with static inode numbers for the initial namespaces give init_net this one;
# dynamically numbered namespaces start at 0xF0000000, so no other can have it.
INIT_NET_STATIC_INO = 0xEFFFFFF9
# --net-raw on every command: runsc also drops CAP_NET_RAW from `exec`ed processes without it.
GLOBAL_FLAGS = ["--platform=ptrace", "--ignore-cgroups", "--net-raw"]
CAPS = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
        "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
        "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_SYS_CHROOT",
        "CAP_AUDIT_WRITE"]

CLONE_NEWNS = 0x00020000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REC, MS_PRIVATE = 16384, 1 << 18
_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


class Refused(Exception):
    """The launcher will not start a networked sandbox here."""


def log(message: str) -> None:
    print(f"gvisor-launch: {message}", file=sys.stderr, flush=True)


# --- safety ---------------------------------------------------------------------------------

def _ident(st: os.stat_result) -> tuple[int, int]:
    return st.st_dev, st.st_ino


def root_netns_ids() -> set[tuple[int, int]]:
    """Identities of the root network namespace, from every source that can be read:
    PID 1's, and kthreadd's (kernel threads live in the initial namespaces). At least one
    must be readable, or the launcher cannot tell and refuses."""
    ids = set()
    try:
        ids.add(_ident(os.stat("/proc/1/ns/net")))
    except OSError:
        pass
    try:
        with open("/proc/2/status") as f:
            status = f.read()
        if status.startswith("Name:\tkthreadd\n") and "\nPPid:\t0\n" in status:
            ids.add(_ident(os.stat("/proc/2/ns/net")))
    except OSError:
        pass
    if not ids:
        raise Refused("cannot read the root network namespace's identity "
                      "(/proc/1/ns/net, /proc/2/ns/net): refusing to start a sandbox")
    return ids


def verify_namespace(env: dict) -> int:
    """Check the safety rule; return an open descriptor of the verified namespace.
    Identity first (this process is in the namespace SOCKSPEC_NETNS names, and that is
    not the root one), then the name (a namespace of this run)."""
    run = env.get("SOCKSPEC_RUN", "")
    path = env.get("SOCKSPEC_NETNS", "")
    if not RUN_RE.match(run):
        raise Refused(f"SOCKSPEC_RUN {run!r} is not a sockspec run tag")
    if os.path.dirname(path) != NETNS_DIR:
        raise Refused(f"SOCKSPEC_NETNS {path!r} is not a namespace file in {NETNS_DIR}")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError as exc:
        raise Refused(f"cannot open {path}: {exc.strerror}") from None
    try:
        named = _ident(os.fstat(fd))
        own = _ident(os.stat("/proc/self/ns/net"))
        if named != own:
            raise Refused(f"this process is not in the namespace {path} names")
        if own in root_netns_ids() or own[1] == INIT_NET_STATIC_INO:
            raise Refused("this process is in the root network namespace")
        name = os.path.basename(path)
        match = NS_NAME_RE.match(name)
        if not match or match.group(1) != run:
            raise Refused(f"namespace {name!r} is not one of run {run} "
                          f"(expected {NETNS_DIR}/{run}-...)")
    except BaseException:
        os.close(fd)
        raise
    return fd


def _hide_rmem_default() -> None:
    """In the child that becomes `runsc run` (only ever after verify_namespace): a
    private mount namespace where /proc/sys/net/core is an empty read-only tmpfs, so that
    runsc's access("/proc/sys/net/core/rmem_default") finds nothing. Nothing propagates
    back: every mount is made private first."""
    def check(rc: int, what: str) -> None:
        if rc != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"{what}: {os.strerror(err)}")
    check(_libc.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
    check(_libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "make / private")
    check(_libc.mount(b"sockspec-hide", b"/proc/sys/net/core", b"tmpfs",
                      MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, b"size=4k,mode=0555"),
          "hide /proc/sys/net/core")


# --- sandboxes ------------------------------------------------------------------------------

def runsc(root: str, *args: str) -> list[str]:
    return [RUNSC, f"--root={root}", *GLOBAL_FLAGS, *args]


def write_bundle(bundle: str, netns: str | None, hostname: str) -> None:
    namespaces = [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"},
                  {"type": "network", **({"path": netns} if netns else {})}]
    spec = {
        "ociVersion": "1.0.0",
        "process": {
            "terminal": False, "user": {"uid": 0, "gid": 0},
            "args": ["/bin/sleep", "infinity"],       # keeps the sandbox up; no stdio
            "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
            "cwd": "/",
            "capabilities": {k: CAPS for k in ("bounding", "effective", "inheritable",
                                               "permitted")},
        },
        # The machine's own file system, read-only (writes go to runsc's in-memory
        # overlay): the agent and the programs run from the build tree as they are.
        "root": {"path": "/", "readonly": True},
        "hostname": hostname,
        "mounts": [
            {"destination": "/proc", "type": "proc", "source": "proc"},
            {"destination": "/dev", "type": "tmpfs", "source": "tmpfs"},
            {"destination": "/sys", "type": "sysfs", "source": "sysfs",
             "options": ["nosuid", "noexec", "nodev", "ro"]},
            # The temp dir stays writable: a case's $tmp (AF_UNIX socket paths) lives
            # there, as it does for the native agent.
            {"destination": tempfile.gettempdir(), "type": "bind",
             "source": tempfile.gettempdir(), "options": ["rbind", "rw"]},
        ],
        "linux": {"namespaces": namespaces},
    }
    os.makedirs(bundle, exist_ok=True)
    with open(os.path.join(bundle, "config.json"), "w") as f:
        json.dump(spec, f, indent=1)


def container_id(env: dict) -> str:
    """One sandbox per host of one case run: the actors of a host share it. The
    namespace names the run of the case (a repeat of the case is another namespace),
    so that a repeat never meets the runsc state of an earlier repeat that a killed
    sandbox left behind ("container already exists")."""
    key = "\0".join(env.get(name, "") for name in
                    ("SOCKSPEC_CASE", "SOCKSPEC_HOST", "SOCKSPEC_NETNS"))
    return "sockspec-" + hashlib.sha256(key.encode()).hexdigest()[:20]


def reap_dead(state: str, root: str, keep: str) -> None:
    """`runsc delete --force` the sandboxes of this run whose namespace is gone (their
    processes were killed with it): runsc's state stays as small as the live cases.
    Only when the recorded sandbox pid no longer exists, so that runsc's kill of a
    stale pid can never hit a process that reused it."""
    bundles = os.path.join(state, "bundles")
    dead = []
    for cid in os.listdir(bundles) if os.path.isdir(bundles) else []:
        if cid == keep:
            continue
        try:
            with open(os.path.join(bundles, cid, "sandbox.json")) as f:
                info = json.load(f)
        except (OSError, ValueError):
            continue
        if info.get("netns") and os.path.exists(info["netns"]):
            continue
        pid = info.get("pid")
        if not isinstance(pid, int) or pid <= 0 or os.path.exists(f"/proc/{pid}"):
            continue            # unknown or still there: left to the end of the run
        dead.append(cid)
    if dead:
        subprocess.run(runsc(root, "delete", "--force", *dead), stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
        for cid in dead:
            shutil.rmtree(os.path.join(bundles, cid), ignore_errors=True)


def ensure_sandbox(env: dict, state: str, root: str, cid: str, netns_fd: int | None) -> None:
    """Create the sandbox of this host (or case) unless an earlier actor did."""
    bundle = os.path.join(state, "bundles", cid)
    os.makedirs(os.path.join(state, "locks"), exist_ok=True)
    with open(os.path.join(state, "locks", cid + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if os.path.exists(os.path.join(bundle, "sandbox.json")):
            return
        reap_dead(state, root, cid)
        # The verified namespace, through our own descriptor (we wait for runsc run).
        netns = f"/proc/{os.getpid()}/fd/{netns_fd}" if netns_fd is not None else None
        write_bundle(bundle, netns, socket.gethostname())
        logfile = os.path.join(bundle, "run.log")
        network = "--network=sandbox" if netns_fd is not None else "--network=none"
        argv = runsc(root, network, "run", "--detach", "--bundle", bundle, cid)
        with open(logfile, "wb") as log_f:
            # stdio must not be the agent's pipes: the sandbox would hold them open.
            proc = subprocess.run(
                argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log_f,
                pass_fds=(netns_fd,) if netns_fd is not None else (),
                preexec_fn=_hide_rmem_default if netns_fd is not None else None,
                timeout=60)
        if proc.returncode != 0:
            with open(logfile, "rb") as f:
                sys.stderr.buffer.write(f.read()[-2000:])
            raise RuntimeError(f"runsc run failed (exit {proc.returncode})")
        out = subprocess.run(runsc(root, "state", cid), capture_output=True, text=True,
                             timeout=30)
        pid = json.loads(out.stdout).get("pid") if out.returncode == 0 else None
        with open(os.path.join(bundle, "sandbox.json"), "w") as f:
            json.dump({"pid": pid, "netns": env.get("SOCKSPEC_NETNS"),
                       "case": env.get("SOCKSPEC_CASE"), "host": env.get("SOCKSPEC_HOST")}, f)


def exec_argv(root: str, cid: str, argv: list[str], env: dict) -> list[str]:
    """`runsc exec` of argv in the sandbox with this process's environment and cwd."""
    args = runsc(root, "exec", "--cwd", os.getcwd())
    for cap in CAPS:            # as root natively: raw sockets need CAP_NET_RAW
        args += ["--cap", cap]
    for key, value in sorted(env.items()):
        if "\n" not in key + value:
            args += ["--env", f"{key}={value}"]
    return args + [cid, *argv]


def main(argv: list[str]) -> int:
    if not argv:
        log("usage: launch.py COMMAND [ARG...]")
        return 2
    env = dict(os.environ)
    role = env.get("SOCKSPEC_ROLE")
    if role not in ("probe", "agent", "program"):
        log(f"SOCKSPEC_ROLE is {role!r}: start me through the sockspec harness")
        return 2
    state = env.get("SOCKSPEC_STATE", "")
    if not state or not os.path.isdir(state):
        log(f"SOCKSPEC_STATE {state!r} is not a directory")
        return 2
    root = os.path.join(state, "runsc")
    if role == "probe":
        # Loopback-only netstack; `runsc do` removes its sandbox when the command ends.
        os.makedirs(os.path.join(state, "probe"), exist_ok=True)
        os.execvp(RUNSC, runsc(os.path.join(state, "probe"), "--network=none", "do",
                               "--", *argv))
    netns_fd = None
    if env.get("SOCKSPEC_NETNS"):
        try:
            netns_fd = verify_namespace(env)
        except Refused as exc:
            log(f"refused: {exc}")
            return REFUSED
        os.set_inheritable(netns_fd, True)
    cid = container_id(env)
    try:
        ensure_sandbox(env, state, root, cid, netns_fd)
    except (OSError, RuntimeError, subprocess.SubprocessError, ValueError) as exc:
        log(f"cannot start the sandbox: {exc}")
        return 1
    if netns_fd is not None:
        os.close(netns_fd)
    os.execvp(RUNSC, exec_argv(root, cid, argv, env))
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
