"""Test networks: fresh network namespaces built from the templates in fixtures/topologies.

A template is data (hosts, their interfaces and addresses, routes, sysctls, links and
switches); one code path builds every template, normally without starting any process:

1. the namespaces are made as ``ip netns add`` makes them (a thread unshares a network
   namespace, bind-mounted on /run/netns/<ns>) and the veth pairs over rtnetlink, each
   end directly inside its namespace: nothing ever appears in the root namespace;
2. sysctls are written to /proc/sys, and
3. addresses, routes, neighbours, the bridge of a switch and the links' state are set
   over rtnetlink (rtnl.py), both from a thread that has entered the namespace;
4. ``nft -f -`` (through nsenter) runs only for hosts with filter rules;
5. the per-host /etc files (used by ``ip netns exec``) are written once per run and
   content, /etc/netns/<ns> is a symlink to them.

The first network on a machine also makes /run/netns a shared mount point, as
``ip netns add`` does, so that namespaces mounted there are seen from every mount
namespace (``ip netns exec`` makes one per command).

Agents run through ``argv()``: ``ip netns exec`` (network namespace plus /etc/netns/<ns>/*
bind-mounted over /etc/*), then ``unshare --uts`` and a one-line shell that writes the
hostname to /proc/sys/kernel/hostname (a builtin, no extra process) and execs the agent.
The pid the harness sees is the agent's own: every step execs the next.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import hashlib
import ipaddress
import json
import os
import re
import shutil
import socket
import subprocess
import threading
import time

from ..load.topology import (MAC_RE, Template, fixtures_dir, load_template, strip_prefix,
                             template_neighbours)
from . import cleanup, rtnl

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)

_TAG_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,40}$")
_HOSTNAME_RE = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]{0,62})$")
HOST_FILES = ("hosts", "services", "protocols", "resolv.conf", "nsswitch.conf")
CHAINS = ("input", "output", "forward")


class NetworkError(RuntimeError):
    """A network could not be built (or a template is broken); the message says why."""


@functools.lru_cache(maxsize=None)
def _fixture_text(name: str) -> str:
    return (fixtures_dir() / "hosts" / name).read_text()


def _write_files(directory: str, files: dict[str, str]) -> None:
    os.makedirs(directory, exist_ok=True)
    for name, text in files.items():
        with open(os.path.join(directory, name), "w") as f:
            f.write(text)


# --- running code inside a namespace --------------------------------------------------------

def netns_path(ns: str) -> str:
    return os.path.join(cleanup.NETNS_DIR, ns)


def run_in_namespace(ns: str, fn, *args):
    """Call fn(*args) in a short-lived thread that has entered network namespace ns.

    setns() with CLONE_NEWNET changes only the calling thread, so the rest of the
    process stays where it was; sockets made in the thread keep their namespace after
    the thread is gone."""
    outcome: dict[str, object] = {}

    def body() -> None:
        try:
            fd = os.open(netns_path(ns), os.O_RDONLY | os.O_CLOEXEC)
            try:
                if _libc.setns(fd, CLONE_NEWNET) != 0:
                    err = ctypes.get_errno()
                    raise OSError(err, f"setns {ns}: {os.strerror(err)}")
            finally:
                os.close(fd)
            outcome["value"] = fn(*args)
        except BaseException as exc:   # handed to the caller's thread below
            outcome["error"] = exc

    thread = threading.Thread(target=body, name=f"netns-{ns}", daemon=True)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]   # type: ignore[misc]
    return outcome.get("value")


def _write_sysctls(values: list[tuple[str, str]]) -> None:
    for key, value in values:
        path = "/proc/sys/" + key.replace(".", "/")
        try:
            with open(path, "w") as f:
                f.write(value)
        except OSError as exc:
            raise NetworkError(f"sysctl {key}={value}: {exc.strerror or exc}") from None


# --- networks -------------------------------------------------------------------------------

def _mac(host_index: int, iface_index: int, switch_side: bool = False) -> str:
    # Locally administered, fixed per template position: captures do not vary by run.
    return f"02:00:00:{0xff if switch_side else 0:02x}:{host_index + 1:02x}:{iface_index:02x}"


MS_BIND = 4096
MS_REC = 16384
MS_SHARED = 1 << 20
_netns_dir_lock = threading.Lock()
_netns_dir_shared = False


def _netns_dir_is_shared() -> bool:
    """Whether /run/netns is a shared mount point. A bind mount of a directory on
    itself is invisible to os.path.ismount: read mountinfo."""
    try:
        with open("/proc/self/mountinfo") as f:
            for line in f:
                fields = line.split()
                if fields[4] == cleanup.NETNS_DIR and any(
                        opt.startswith("shared:") for opt in fields[6:fields.index("-")]):
                    return True
    except (OSError, ValueError, IndexError):
        pass
    return False


def _mount(source: str, target: str, flags: int) -> None:
    if _libc.mount(source.encode(), target.encode(), b"none", flags, None) != 0:
        err = ctypes.get_errno()
        raise NetworkError(f"mount {target}: {os.strerror(err)}")


def _prepare_netns_dir() -> None:
    """Make /run/netns a shared mount point, as `ip netns add` does the first time: a
    namespace bind-mounted there must stay visible from the mount namespaces that
    `ip netns exec` creates (a private mount would be copied, not propagated). Once
    per process; a lock keeps the workers from stacking two bind mounts."""
    global _netns_dir_shared
    with _netns_dir_lock:
        if _netns_dir_shared:
            return
        os.makedirs(cleanup.NETNS_DIR, exist_ok=True)
        if not _netns_dir_is_shared():
            try:
                _mount("", cleanup.NETNS_DIR, MS_SHARED | MS_REC)
            except NetworkError:        # not a mount point yet: bind it on itself first
                _mount(cleanup.NETNS_DIR, cleanup.NETNS_DIR, MS_BIND | MS_REC)
                _mount("", cleanup.NETNS_DIR, MS_SHARED | MS_REC)
        _netns_dir_shared = True


def _add_namespace(ns: str) -> None:
    """What `ip netns add` does: a new network namespace, kept alive by a bind mount of
    it on /run/netns/<ns>. The namespace is made by a short-lived thread (unshare()
    with CLONE_NEWNET moves only the calling thread)."""
    path = netns_path(ns)
    fd = os.open(path, os.O_RDONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0)
    os.close(fd)
    outcome: dict[str, BaseException] = {}

    def body() -> None:
        try:
            if _libc.unshare(CLONE_NEWNET) != 0:
                err = ctypes.get_errno()
                raise OSError(err, f"unshare(CLONE_NEWNET): {os.strerror(err)}")
            source = f"/proc/self/task/{threading.get_native_id()}/ns/net".encode()
            if _libc.mount(source, path.encode(), b"none", MS_BIND, None) != 0:
                err = ctypes.get_errno()
                raise OSError(err, f"mount {path}: {os.strerror(err)}")
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=body, name=f"netns-add-{ns}", daemon=True)
    thread.start()
    thread.join()
    if "error" in outcome:
        try:
            os.unlink(path)
        except OSError:
            pass
        raise NetworkError(f"creating namespace {ns}: {outcome['error']}")


def _add_veths(pairs: list[tuple[dict, dict]]) -> None:
    fds: dict[str, int] = {}
    try:
        with rtnl.Netlink() as nl:
            for a, b in pairs:
                for e in (a, b):
                    if e["ns"] not in fds:
                        fds[e["ns"]] = os.open(netns_path(e["ns"]), os.O_RDONLY | os.O_CLOEXEC)
                    e["ns_fd"] = fds[e["ns"]]
                try:
                    nl.add_veth(a, b)
                except OSError as exc:
                    raise NetworkError(f"creating links: {exc}") from None
    finally:
        for fd in fds.values():
            os.close(fd)


def _configure(name: str, sysctls: list[tuple[str, str]], steps: list[tuple]) -> None:
    """Runs inside a namespace: sysctls first (no link is up yet), then the steps."""
    _write_sysctls(sysctls)
    with rtnl.Netlink() as nl:
        for step in steps:
            try:
                getattr(nl, step[0])(*step[1:])
            except (OSError, ValueError) as exc:
                raise NetworkError(f"setting up {name}: {exc}") from None


def _ifindex(host_index: int, iface_index: int, switch_side: bool) -> int:
    return (1000 if switch_side else 0) + 10 * (host_index + 1) + iface_index


LINK_UP_TIMEOUT = 3.0


def _wait_running(ifaces: list[str], timeout: float) -> None:
    """Wait until the kernel's link watcher has seen each interface come up (operational
    state UP): only then is its transmit queue attached, and before that packets sent on
    it are silently dropped (and IPv6 on it is not configured)."""
    deadline = time.monotonic() + timeout
    with rtnl.Netlink() as nl:
        for iface in ifaces:
            while nl.operstate(iface) != rtnl.IF_OPER_UP:
                if time.monotonic() > deadline:
                    raise NetworkError(f"interface {iface} did not come up within {timeout} s")
                time.sleep(0.0005)


def _run_parallel(jobs: list[tuple[list[str], str, str]]) -> None:
    """Run several (argv, stdin, what) at once; report the first failure."""
    procs = []
    for argv, stdin, what in jobs:
        procs.append((subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, text=True), stdin, what))
    errors = []
    for proc, stdin, what in procs:
        out, err = proc.communicate(stdin)
        if proc.returncode != 0:
            errors.append(f"{what}: {err.strip() or out.strip()} (exit {proc.returncode})")
    if errors:
        raise NetworkError("; ".join(errors))


def _switch_plan(ports: list[tuple[str, str]]) -> tuple[list, list]:
    """(sysctls, rtnetlink steps) for a switch: a bridge over its ports. A switch is
    silent: its ports carry no IPv6 of their own (no MLD, no DAD)."""
    values = [(f"net.ipv6.conf.{h}-{i}.disable_ipv6", "1") for h, i in ports]
    steps = [("set_up", "lo"), ("add_bridge", "br0"), ("addrgenmode_none", "br0")]
    for host, iface in ports:
        steps += [("set_master", f"{host}-{iface}", "br0"), ("set_up", f"{host}-{iface}")]
    steps.append(("set_up", "br0"))
    return values, steps


def _nft_script(chains: dict[str, list[str]]) -> str:
    """One nftables table with an accepting filter chain per hook and the rules."""
    script = ["table inet sockspec {"]
    for chain in CHAINS:
        script.append(f"  chain {chain} {{")
        script.append(f"    type filter hook {chain} priority 0; policy accept;")
        script += [f"    {rule}" for rule in chains[chain]]
        script.append("  }")
    script.append("}")
    return "\n".join(script) + "\n"


class Network:
    """One test network: a namespace per host (and per switch), or the machine itself for
    the "loopback" template."""

    def __init__(self, template: Template, tag: str, hostnames: dict[str, str]):
        self._tpl = template
        self.template = template.name
        self.tag = tag
        self.hosts: list[str] = list(template.hosts)
        self._hostnames = hostnames
        self._namespaces: dict[str, str] = {}      # host or switch name -> namespace
        self._ifindex: dict[tuple[str, str], int] = {}
        self._destroyed = False
        self._lock = threading.Lock()

    # -- creation --

    @classmethod
    def create(cls, template: str, *, tag: str, mtu: int = 1500,
               sysctl: dict[str, dict[str, object]] | None = None,
               filters: list[dict] | None = None,
               neighbours: list[dict] | None = None,
               hosts_lines: list[str] | None = None,
               services_lines: list[str] | None = None,
               hostnames: dict[str, str] | None = None) -> "Network":
        tpl = load_template(template)   # ValueError for an unknown template
        if not _TAG_RE.match(tag):
            raise NetworkError(f"bad network tag {tag!r}")
        names = {h: h for h in tpl.hosts}
        for host, name in (hostnames or {}).items():
            if host not in tpl.hosts:
                raise NetworkError(f"hostname for unknown host {host!r}")
            if not isinstance(name, str) or not _HOSTNAME_RE.match(name):
                raise NetworkError(f"bad hostname {name!r} for host {host}")
            names[host] = name
        net = cls(tpl, tag, names)
        if not tpl.namespaces:
            return net
        try:
            options = net._check_options(mtu, sysctl or {}, filters or [],
                                         template_neighbours(tpl) + (neighbours or []))
            net._build(mtu, *options, hosts_lines or [], services_lines or [])
        except BaseException as exc:
            net.destroy()
            if isinstance(exc, NetworkError):
                raise
            if isinstance(exc, Exception):
                raise NetworkError(f"building {template} network {tag}: {exc}") from exc
            raise
        return net

    def _check_options(self, mtu, sysctl, filters, neighbours):
        if not isinstance(mtu, int) or not 68 <= mtu <= 65535:
            raise NetworkError(f"bad mtu {mtu!r} (68..65535)")
        sysctls: dict[str, list[tuple[str, str]]] = {h: [] for h in self.hosts}
        for host, table in sysctl.items():
            self._need_host(host, "sysctl")
            for key, value in table.items():
                # Only per-namespace keys: anything else would change the machine itself.
                if not re.match(r"^net\.[A-Za-z0-9_.-]+$", key) or ".." in key:
                    raise NetworkError(f"sysctl {key!r}: only net.* keys can be set per host")
                if isinstance(value, bool):
                    value = int(value)
                sysctls[host].append((key, str(value)))
        rules: dict[str, dict[str, list[str]]] = {}
        for item in filters:
            host, chain, rule = item.get("host"), item.get("chain"), item.get("rule")
            self._need_host(host, "filter")
            if chain not in CHAINS:
                raise NetworkError(f"filter chain {chain!r}: must be one of {', '.join(CHAINS)}")
            if not isinstance(rule, str) or not rule.strip() or "\n" in rule:
                raise NetworkError(f"filter rule {rule!r}: one nft rule per entry")
            rules.setdefault(host, {c: [] for c in CHAINS})[chain].append(rule)
        neigh: dict[str, list[tuple[str, str, str]]] = {h: [] for h in self.hosts}
        for item in neighbours:
            host = item.get("host")
            self._need_host(host, "neighbour")
            iface = item.get("iface") or self._tpl.hosts[host].primary.name
            if iface not in self._tpl.hosts[host].ifaces:
                raise NetworkError(f"neighbour: host {host} has no interface {iface!r}")
            try:
                address = ipaddress.ip_address(item.get("address"))
            except ValueError as exc:
                raise NetworkError(f"neighbour address: {exc}") from None
            lladdr = item.get("lladdr", "")
            if not isinstance(lladdr, str) or not MAC_RE.match(lladdr):
                raise NetworkError(f"neighbour lladdr {lladdr!r} is not a MAC address")
            neigh[host].append((iface, str(address), lladdr))
        return sysctls, rules, neigh

    def _need_host(self, host, what: str) -> None:
        if host not in self._tpl.hosts:
            raise NetworkError(f"{what}: unknown host {host!r} (hosts: {', '.join(self.hosts)})")

    def _build(self, mtu, sysctls, rules, neigh, hosts_lines, services_lines) -> None:
        tpl = self._tpl
        for name in list(tpl.hosts) + list(tpl.switches):
            self._namespaces[name] = f"{self.tag}-{name}"
        # 1. namespaces and veth pairs, each end made directly inside its namespace.
        _prepare_netns_dir()
        for ns in self._namespaces.values():
            _add_namespace(ns)
        _add_veths(self._veth_pairs(mtu))
        # 2. sysctls (before any link is up), 3. links, addresses, routes, neighbours:
        # in-process over rtnetlink from a thread inside each namespace.
        plans = {host: self._host_plan(spec, sysctls.get(host, []), neigh.get(host, []))
                 for host, spec in tpl.hosts.items()}
        plans.update({sw: _switch_plan(ports) for sw, ports in tpl.switches.items()})
        for name, (values, steps) in plans.items():
            run_in_namespace(self._namespaces[name], _configure, name, values, steps)
        self._wait_links_up()
        # 4. nftables, only where a scenario asks for rules.
        jobs = [(["nsenter", f"--net={netns_path(self._namespaces[host])}", "nft", "-f", "-"],
                 _nft_script(chains), f"nftables rules of host {host}")
                for host, chains in rules.items()]
        if jobs:
            _run_parallel(jobs)
        # 5. /etc files for `ip netns exec`.
        self._write_host_files(hosts_lines, services_lines)

    def _veth_end(self, host: str, iface: str, mtu: int, ns_owner: str | None = None,
                  name: str | None = None, switch_side: bool = False) -> dict:
        spec = self._tpl.hosts[host]
        position = list(spec.ifaces).index(iface)
        return {
            "name": name or iface,
            "ns": self._namespaces[ns_owner or host],
            "mac": spec.ifaces[iface].mac or _mac(spec.index, position, switch_side),
            # Fixed interface indexes, different on the two ends of a veth pair: the
            # kernel treats a carrier change as urgent only when a device's index
            # differs from its peer's, otherwise the link stays "down" for up to a
            # second. (They also make @host.ifindex the same on every run.)
            "index": _ifindex(spec.index, position, switch_side),
            "mtu": mtu,
            # No multi-segment super-packets: a capture shows what a real wire would
            # carry (and ethtool, which is not installed, is not needed for it).
            "gso_max_segs": 1,
        }

    def _veth_pairs(self, mtu: int) -> list[tuple[dict, dict]]:
        """Host to host links, then each switch port (its switch-side end is named
        <host>-<iface> inside the switch's namespace)."""
        end = self._veth_end
        pairs = [(end(h1, i1, mtu), end(h2, i2, mtu)) for (h1, i1), (h2, i2) in self._tpl.links]
        for sw, ports in self._tpl.switches.items():
            pairs += [(end(host, iface, mtu), end(host, iface, mtu, sw, f"{host}-{iface}", True))
                      for host, iface in ports]
        return pairs

    @staticmethod
    def _host_plan(spec, extra_sysctls: list, neighbours: list) -> tuple[list, list]:
        """(sysctls, rtnetlink steps) that configure one host's namespace."""
        values = [(k, str(int(v) if isinstance(v, bool) else v)) for k, v in spec.sysctl.items()]
        values += extra_sysctls
        steps: list[tuple] = [("set_up", "lo")]
        for iface in spec.ifaces.values():
            if iface.name == "lo":
                continue
            steps.append(("addrgenmode_none", iface.name))
            for prefixed in (iface.v4, iface.v6, f"{iface.ll}/64" if iface.ll else None):
                if prefixed:
                    steps.append(("add_address", iface.name, prefixed))
            steps.append(("set_up", iface.name))
        steps += [("add_route", route) for route in spec.routes]
        steps += [("replace_neighbour", *entry) for entry in neighbours]
        return values, steps

    def _wait_links_up(self) -> None:
        """Every veth end (hosts' and switch ports) must be up before the first packet."""
        for host, spec in self._tpl.hosts.items():
            ifaces = [i for i in spec.ifaces if i != "lo"]
            if ifaces:
                run_in_namespace(self._namespaces[host], _wait_running, ifaces, LINK_UP_TIMEOUT)
        for sw, ports in self._tpl.switches.items():
            run_in_namespace(self._namespaces[sw], _wait_running,
                             [f"{host}-{iface}" for host, iface in ports], LINK_UP_TIMEOUT)

    def _placeholder(self, match: re.Match) -> str | None:
        host, iface, kind = match.group(1), match.group(2), match.group(3)
        if host in self._tpl.extra:
            return None if iface else self._tpl.extra[host].get(kind)
        spec = self._tpl.hosts.get(host)
        if spec is None:
            return None
        ispec = spec.ifaces.get(iface) if iface else spec.primary
        if ispec is None:
            return None
        return {"v4": strip_prefix(ispec.v4), "v6": strip_prefix(ispec.v6), "ll": ispec.ll}[kind]

    def _fill(self, text: str) -> str:
        """Fill {host.kind} / {host.iface.kind} placeholders; drop lines that cannot be."""
        out = []
        pattern = re.compile(r"\{([a-z][a-z0-9]*)(?:\.([a-z][a-z0-9]*))?\.(v4|v6|ll)\}")
        for line in text.splitlines():
            missing = False

            def repl(m: re.Match) -> str:
                nonlocal missing
                value = self._placeholder(m)
                if value is None:
                    missing = True
                    return ""
                return value
            filled = pattern.sub(repl, line)
            if not missing:
                out.append(filled)
        return "\n".join(out) + "\n"

    def _write_host_files(self, hosts_lines: list[str], services_lines: list[str]) -> None:
        """/etc/netns/<ns> for every host. The files are the same for every host of a
        network, and usually for every case of a run: they are written once per run and
        content into <lock dir>/etc/<run>-<digest>/, and /etc/netns/<ns> is a symlink to
        that (ip netns exec follows it). Removing a network removes only the symlinks."""
        files = {}
        for name in HOST_FILES:
            text = self._fill(_fixture_text(name))
            for line in {"hosts": hosts_lines, "services": services_lines}.get(name, []):
                if not isinstance(line, str) or "\n" in line:
                    raise NetworkError(f"extra {name} line is not one line of text: {line!r}")
                text += line + "\n"
            files[name] = text
        os.makedirs(cleanup.ETC_NETNS_DIR, exist_ok=True)
        parsed = cleanup.parse_run(self.tag)
        if parsed is None:
            # A tag sweep() cannot attribute to a run: plain directories, no sharing.
            for host in self._tpl.hosts:
                _write_files(os.path.join(cleanup.ETC_NETNS_DIR, self._namespaces[host]), files)
            return
        digest = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()[:16]
        shared = os.path.join(cleanup.etc_cache_dir(), f"{parsed[0]}-{digest}")
        if not os.path.isdir(shared):
            staging = f"{shared}.{os.getpid()}.{threading.get_ident()}"
            _write_files(staging, files)
            try:
                os.rename(staging, shared)
            except OSError:          # another thread of the run made it first
                shutil.rmtree(staging, ignore_errors=True)
        for host in self._tpl.hosts:
            os.symlink(shared, os.path.join(cleanup.ETC_NETNS_DIR, self._namespaces[host]))

    # -- queries --

    def namespace(self, host: str) -> str | None:
        """The namespace of a host (or switch); None for the loopback template."""
        if not self._tpl.namespaces:
            self._need_host(host, "namespace")
            return None
        try:
            return self._namespaces[host]
        except KeyError:
            raise NetworkError(f"unknown host {host!r}") from None

    @property
    def namespaces(self) -> list[str]:
        return list(self._namespaces.values())

    def hostname(self, host: str) -> str:
        return self._hostnames[host]

    def address(self, host: str, kind: str, iface: str | None = None) -> str | int:
        """v4, v6, ll (no prefix length), iface (name) or ifindex of a host's interface
        (its first one unless iface is given); v4/v6 also for extra addresses (silent)."""
        if host in self._tpl.extra and kind in ("v4", "v6") and iface is None:
            value = self._tpl.extra[host].get(kind)
        else:
            self._need_host(host, "address")
            spec = self._tpl.hosts[host]
            ispec = spec.ifaces.get(iface) if iface else spec.primary
            if ispec is None:
                raise NetworkError(f"host {host} has no interface {iface!r}")
            if kind == "iface":
                return ispec.name
            if kind == "ifindex":
                return self._interface_index(host, ispec.name)
            if kind not in ("v4", "v6", "ll"):
                raise NetworkError(f"unknown address kind {kind!r} (v4 v6 ll iface ifindex)")
            value = {"v4": strip_prefix(ispec.v4), "v6": strip_prefix(ispec.v6), "ll": ispec.ll}[kind]
        if value is None:
            raise NetworkError(f"host {host} has no {kind} address in template {self.template}")
        return value

    def _interface_index(self, host: str, iface: str) -> int:
        key = (host, iface)
        if key not in self._ifindex:
            ns = self.namespace(host)
            if ns is None:
                self._ifindex[key] = socket.if_nametoindex(iface)
            else:
                self._ifindex[key] = run_in_namespace(ns, socket.if_nametoindex, iface)
        return self._ifindex[key]

    def argv(self, host: str, argv: list[str]) -> list[str]:
        """The command line that runs argv on host: in its namespace, with its /etc files
        and its own hostname (a UTS namespace). Unchanged for the loopback template."""
        ns = self.namespace(host)
        if ns is None:
            return list(argv)
        # "$0" names the shell in its error messages ("sockspec-exec: exec: x: not found").
        return ["ip", "netns", "exec", ns, "unshare", "--uts", "sh", "-c",
                'printf %s "$1" > /proc/sys/kernel/hostname && shift && exec "$@"',
                "sockspec-exec", self._hostnames[host], *argv]

    def capture_default(self) -> tuple[str, str] | None:
        if not self._tpl.namespaces:
            return None
        return self._tpl.capture

    # -- teardown --

    def destroy(self) -> None:
        """Kill what runs in the namespaces, remove them and their /etc/netns files.
        Idempotent; safe on a half-built network."""
        with self._lock:
            if self._destroyed:
                return
            self._destroyed = True
        names = list(self._namespaces.values())
        if not names:
            return
        ids = cleanup.namespace_ids(names)
        cleanup.kill_namespace_processes(names, ids=ids)
        problems = []
        for ns in names:
            try:
                cleanup.delete_namespace(ns)
            except OSError as exc:
                problems.append(str(exc))
            cleanup.remove_etc_netns(ns)
        # A process that was still entering (it had opened the namespace before the
        # first scan) is found by the namespace's identity, which outlives its name.
        cleanup.kill_namespace_processes(names, timeout=0.5, ids=ids)
        if problems:
            raise NetworkError("; ".join(problems))

    def __enter__(self) -> "Network":
        return self

    def __exit__(self, *exc) -> None:
        self.destroy()

    def __repr__(self) -> str:
        return f"<Network {self.template} {self.tag} hosts={self.hosts}>"
