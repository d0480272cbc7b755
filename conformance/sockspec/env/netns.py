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

SOCKSPEC_NETNS_BACKEND=ip does steps 1-3 with ``ip -batch`` instead: one process in the
root namespace, then one ``ip -n <ns> -batch -`` per namespace, all at once. Step 1 also
uses it for the first network on a machine, as ip prepares /run/netns (a shared mount).

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
import struct
import subprocess
import threading
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..model import paths
from . import cleanup, rtnl

TEMPLATES: tuple[str, ...] = ("single", "pair", "routed", "lan", "loopback")

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)

_NAME_RE = re.compile(r"^[a-z][a-z0-9]{0,7}$")
_IFACE_RE = re.compile(r"^[a-z][a-z0-9]{0,7}$")
_TAG_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,40}$")
_HOSTNAME_RE = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]{0,62})$")
_MAC_RE = re.compile(r"^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$")
HOST_FILES = ("hosts", "services", "protocols", "resolv.conf", "nsswitch.conf")
CHAINS = ("input", "output", "forward")


class NetworkError(RuntimeError):
    """A network could not be built (or a template is broken); the message says why."""


def fixtures_dir() -> Path:
    env = os.environ.get("SOCKSPEC_FIXTURES")
    if env:
        return Path(env)
    return Path(paths.FIXTURES)


# --- templates ----------------------------------------------------------------------------

@dataclass
class IfaceSpec:
    name: str
    v4: str | None = None        # with prefix length, "192.0.2.1/24"
    v6: str | None = None
    ll: str | None = None        # without prefix length, "fe80::1"
    mac: str | None = None


@dataclass
class HostSpec:
    name: str
    index: int
    ifaces: dict[str, IfaceSpec]
    routes: list[str] = field(default_factory=list)
    sysctl: dict[str, object] = field(default_factory=dict)

    @property
    def primary(self) -> IfaceSpec:
        return next(iter(self.ifaces.values()))


@dataclass
class Template:
    name: str
    path: Path
    description: str
    namespaces: bool
    capture: tuple[str, str] | None
    hosts: dict[str, HostSpec]
    links: list[tuple[tuple[str, str], tuple[str, str]]]
    switches: dict[str, list[tuple[str, str]]]
    extra: dict[str, dict[str, str]]


def _bad(path: Path, message: str) -> NetworkError:
    return NetworkError(f"{path}: {message}")


def _check_keys(path: Path, where: str, table: dict, allowed: set[str]) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise _bad(path, f"{where}: unknown key(s) {', '.join(unknown)}")


def _endpoint(path: Path, text: object, hosts: dict[str, HostSpec]) -> tuple[str, str]:
    if not isinstance(text, str) or text.count(":") != 1:
        raise _bad(path, f"endpoint {text!r} is not 'host:iface'")
    host, iface = text.split(":")
    if host not in hosts or iface not in hosts[host].ifaces:
        raise _bad(path, f"endpoint {text!r} names no interface of a host")
    return host, iface


def _parse_iface(path: Path, host: str, name: str, data: object) -> IfaceSpec:
    if not _IFACE_RE.match(name) or not isinstance(data, dict):
        raise _bad(path, f"host {host}: bad interface {name!r}")
    _check_keys(path, f"host {host} iface {name}", data, {"v4", "v6", "ll", "mac"})
    spec = IfaceSpec(name, data.get("v4"), data.get("v6"), data.get("ll"), data.get("mac"))
    try:
        if spec.v4:
            ipaddress.IPv4Interface(spec.v4)
        if spec.v6:
            ipaddress.IPv6Interface(spec.v6)
        if spec.ll:
            ipaddress.IPv6Address(spec.ll)
    except ValueError as exc:
        raise _bad(path, f"host {host} iface {name}: {exc}") from None
    if spec.mac and not _MAC_RE.match(spec.mac):
        raise _bad(path, f"host {host} iface {name}: bad mac {spec.mac!r}")
    return spec


@functools.lru_cache(maxsize=None)
def load_template(name: str) -> Template:
    """Parse and check fixtures/topologies/<name>.toml."""
    if name not in TEMPLATES:
        raise ValueError(f"unknown topology template {name!r} (known: {', '.join(TEMPLATES)})")
    path = fixtures_dir() / "topologies" / f"{name}.toml"
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise NetworkError(f"{path}: {exc}") from None
    _check_keys(path, "top level", data,
                {"description", "namespaces", "capture", "host", "link", "switch", "extra"})
    hosts: dict[str, HostSpec] = {}
    for index, (hname, hdata) in enumerate(data.get("host", {}).items()):
        if not _NAME_RE.match(hname) or not isinstance(hdata, dict):
            raise _bad(path, f"bad host {hname!r}")
        _check_keys(path, f"host {hname}", hdata, {"iface", "route", "sysctl"})
        ifaces = {iname: _parse_iface(path, hname, iname, idata)
                  for iname, idata in hdata.get("iface", {}).items()}
        if not ifaces:
            raise _bad(path, f"host {hname} has no interface")
        hosts[hname] = HostSpec(hname, index, ifaces, list(hdata.get("route", [])),
                                dict(hdata.get("sysctl", {})))
    links = []
    for link in data.get("link", []):
        _check_keys(path, "link", link, {"ends"})
        ends = link.get("ends", [])
        if len(ends) != 2:
            raise _bad(path, "a link has exactly two ends")
        links.append((_endpoint(path, ends[0], hosts), _endpoint(path, ends[1], hosts)))
    switches = {}
    for sname, sdata in data.get("switch", {}).items():
        _check_keys(path, f"switch {sname}", sdata, {"ports"})
        if not _NAME_RE.match(sname) or sname in hosts:
            raise _bad(path, f"bad switch name {sname!r}")
        switches[sname] = [_endpoint(path, p, hosts) for p in sdata.get("ports", [])]
    extra = {}
    for xname, xdata in data.get("extra", {}).items():
        _check_keys(path, f"extra {xname}", xdata, {"v4", "v6", "neighbour"})
        if not _NAME_RE.match(xname) or xname in hosts:
            raise _bad(path, f"bad extra address name {xname!r}")
        extra[xname] = dict(xdata)
    capture = None
    if "capture" in data:
        capture = _endpoint(path, data["capture"], hosts)
    used = [end for pair in links for end in pair] + [p for ports in switches.values() for p in ports]
    if len(used) != len(set(used)):
        raise _bad(path, "an interface is attached twice")
    return Template(name, path, data.get("description", ""), bool(data.get("namespaces", True)),
                    capture, hosts, links, switches, extra)


def _template_neighbours(tpl: Template) -> list[dict]:
    """The static neighbour entries a template gives its extra addresses (pair: host a
    reaches @silent), in the form of a scenario's topology.neighbour."""
    out = []
    for addresses in tpl.extra.values():
        entry = addresses.get("neighbour")
        if isinstance(entry, dict):
            out += [{"host": entry.get("host"), "address": addresses[family],
                     "lladdr": entry.get("lladdr")}
                    for family in ("v4", "v6") if addresses.get(family)]
    return out


def _strip(prefixed: str | None) -> str | None:
    return prefixed.split("/")[0] if prefixed else None


def template_hosts(template: str) -> dict[str, dict[str, object]]:
    """The static address plan of a template (before anything exists).

    {"a": {"v4", "v6", "ll", "iface", "ifaces": {"eth0": {"v4", "v6", "ll"}}}, ...,
     "silent": {"v4", "v6"}}; a host's v4/v6/ll are those of its first interface."""
    tpl = load_template(template)
    plan: dict[str, dict[str, object]] = {}
    for host in tpl.hosts.values():
        ifaces = {i.name: {"v4": _strip(i.v4), "v6": _strip(i.v6), "ll": i.ll}
                  for i in host.ifaces.values()}
        plan[host.name] = dict(ifaces[host.primary.name], iface=host.primary.name, ifaces=ifaces)
    for name, addresses in tpl.extra.items():
        plan[name] = {"v4": addresses.get("v4"), "v6": addresses.get("v6")}
    return plan


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
_netns_dir_checked = False


def _netns_dir_ready() -> bool:
    """True once /run/netns is a shared mount point (as `ip netns add` prepares it, so
    that namespaces mounted there are seen from every mount namespace). A bind mount
    of a directory on itself is invisible to os.path.ismount: read mountinfo."""
    global _netns_dir_checked
    if _netns_dir_checked:
        return True
    try:
        with open("/proc/self/mountinfo") as f:
            for line in f:
                fields = line.split()
                if fields[4] == cleanup.NETNS_DIR and any(
                        opt.startswith("shared:") for opt in fields[6:fields.index("-")]):
                    _netns_dir_checked = True
                    return True
    except (OSError, ValueError, IndexError):
        pass
    return False


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


def _ip_end(e: dict) -> str:
    return (f"index {e['index']} netns {e['ns']} address {e['mac']} mtu {e['mtu']} "
            f"gso_max_segs {e['gso_max_segs']}")


def _configure(name: str, sysctls: list[tuple[str, str]], steps: list[tuple]) -> None:
    """Runs inside a namespace: sysctls first (no link is up yet), then the steps."""
    _write_sysctls(sysctls)
    with rtnl.Netlink() as nl:
        for step in steps:
            try:
                getattr(nl, step[0])(*step[1:])
            except (OSError, ValueError) as exc:
                raise NetworkError(f"setting up {name}: {exc}") from None


def _ip_line(step: tuple) -> str:
    """The `ip -batch` line doing what a _configure step does (SOCKSPEC_NETNS_BACKEND=ip)."""
    op, *args = step
    if op == "set_up":
        return f"link set {args[0]} up"
    if op == "addrgenmode_none":
        return f"link set {args[0]} addrgenmode none"
    if op == "add_address":
        if ":" in args[1]:
            return f"addr add {args[1]} dev {args[0]} nodad"
        return f"addr add {args[1]} broadcast + dev {args[0]}"
    if op == "add_route":
        return f"route add {args[0]}"
    if op == "replace_neighbour":
        return f"neigh replace {args[1]} lladdr {args[2]} dev {args[0]} nud permanent"
    if op == "add_bridge":
        return f"link add {args[0]} type bridge stp_state 0 mcast_snooping 0"
    if op == "set_master":
        return f"link set {args[0]} master {args[1]}"
    raise ValueError(f"unknown step {op}")


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


def _run(argv: list[str], stdin: str, what: str) -> None:
    proc = subprocess.run(argv, input=stdin, capture_output=True, text=True)
    if proc.returncode != 0:
        raise NetworkError(f"{what}: {proc.stderr.strip() or proc.stdout.strip()} "
                           f"(exit {proc.returncode})")


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
                                         _template_neighbours(tpl) + (neighbours or []))
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
            if not isinstance(lladdr, str) or not _MAC_RE.match(lladdr):
                raise NetworkError(f"neighbour lladdr {lladdr!r} is not a MAC address")
            neigh[host].append((iface, str(address), lladdr))
        return sysctls, rules, neigh

    def _need_host(self, host, what: str) -> None:
        if host not in self._tpl.hosts:
            raise NetworkError(f"{what}: unknown host {host!r} (hosts: {', '.join(self.hosts)})")

    def _build(self, mtu, sysctls, rules, neigh, hosts_lines, services_lines) -> None:
        tpl = self._tpl
        use_ip = os.environ.get("SOCKSPEC_NETNS_BACKEND") == "ip"
        for name in list(tpl.hosts) + list(tpl.switches):
            self._namespaces[name] = f"{self.tag}-{name}"
        # 1. namespaces and veth pairs, each end made directly inside its namespace.
        def end(host: str, iface: str, ns_owner: str | None = None, name: str | None = None,
                switch_side: bool = False) -> dict:
            spec = tpl.hosts[host]
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

        pairs = [(end(h1, i1), end(h2, i2)) for (h1, i1), (h2, i2) in tpl.links]
        for sw, ports in tpl.switches.items():
            pairs += [(end(host, iface), end(host, iface, sw, f"{host}-{iface}", True))
                      for host, iface in ports]
        if use_ip or not _netns_dir_ready():
            # ip also prepares /run/netns (a shared mount point) the first time.
            root = [f"netns add {ns}" for ns in self._namespaces.values()]
            root += [f"link add {a['name']} {_ip_end(a)} type veth peer name {b['name']} {_ip_end(b)}"
                     for a, b in pairs]
            _run(["ip", "-batch", "-"], "\n".join(root) + "\n", "creating namespaces and links")
        else:
            for ns in self._namespaces.values():
                _add_namespace(ns)
            _add_veths(pairs)

        # 2. sysctls (before any link is up), 3. links, addresses, routes, neighbours:
        # in-process over rtnetlink from a thread inside each namespace (no process per
        # namespace), or with one `ip -n NS -batch -` each when SOCKSPEC_NETNS_BACKEND=ip.
        plans: dict[str, tuple[list, list]] = {}
        for host, spec in tpl.hosts.items():
            values = [(k, str(int(v) if isinstance(v, bool) else v)) for k, v in spec.sysctl.items()]
            values += sysctls.get(host, [])
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
            steps += [("replace_neighbour", *entry) for entry in neigh.get(host, [])]
            plans[host] = (values, steps)
        for sw, ports in tpl.switches.items():
            # A switch is silent: its ports carry no IPv6 of their own (no MLD, no DAD).
            values = [(f"net.ipv6.conf.{h}-{i}.disable_ipv6", "1") for h, i in ports]
            steps = [("set_up", "lo"), ("add_bridge", "br0"), ("addrgenmode_none", "br0")]
            for host, iface in ports:
                steps += [("set_master", f"{host}-{iface}", "br0"), ("set_up", f"{host}-{iface}")]
            steps.append(("set_up", "br0"))
            plans[sw] = (values, steps)
        if use_ip:
            for name, (values, _steps) in plans.items():
                if values:
                    run_in_namespace(self._namespaces[name], _write_sysctls, values)
            _run_parallel([(["ip", "-n", self._namespaces[name], "-batch", "-"],
                            "".join(_ip_line(step) + "\n" for step in steps),
                            f"setting up {name}") for name, (_values, steps) in plans.items()])
        else:
            for name, (values, steps) in plans.items():
                run_in_namespace(self._namespaces[name], _configure, name, values, steps)
        # Every veth end (hosts' and switch ports) must be up before the first packet.
        for host, spec in tpl.hosts.items():
            ifaces = [i for i in spec.ifaces if i != "lo"]
            if ifaces:
                run_in_namespace(self._namespaces[host], _wait_running, ifaces, LINK_UP_TIMEOUT)
        for sw, ports in tpl.switches.items():
            run_in_namespace(self._namespaces[sw], _wait_running,
                             [f"{host}-{iface}" for host, iface in ports], LINK_UP_TIMEOUT)

        # 4. nftables, only where a scenario asks for rules.
        nft_jobs = []
        for host, chains in rules.items():
            script = ["table inet sockspec {"]
            for chain in CHAINS:
                script.append(f"  chain {chain} {{")
                script.append(f"    type filter hook {chain} priority 0; policy accept;")
                script += [f"    {rule}" for rule in chains[chain]]
                script.append("  }")
            script.append("}")
            nft_jobs.append((["nsenter", f"--net={netns_path(self._namespaces[host])}",
                              "nft", "-f", "-"], "\n".join(script) + "\n",
                             f"nftables rules of host {host}"))
        if nft_jobs:
            _run_parallel(nft_jobs)

        # 5. /etc files for `ip netns exec`.
        self._write_host_files(hosts_lines, services_lines)

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
        return {"v4": _strip(ispec.v4), "v6": _strip(ispec.v6), "ll": ispec.ll}[kind]

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
            value = {"v4": _strip(ispec.v4), "v6": _strip(ispec.v6), "ll": ispec.ll}[kind]
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
