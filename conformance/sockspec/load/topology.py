"""Topologies: the network templates of fixtures/topologies and their static address plan.

A template is data (hosts, their interfaces and addresses, routes, sysctls, links and
switches). This module parses and checks it and answers what is known before anything
exists: which hosts there are and which addresses they will have. Building a network
from a template is the environment's job (env/netns.py).
"""

from __future__ import annotations

import functools
import ipaddress
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..model import paths

TEMPLATES: tuple[str, ...] = ("single", "pair", "routed", "lan", "loopback")

NAME_RE = re.compile(r"^[a-z][a-z0-9]{0,7}$")
IFACE_RE = re.compile(r"^[a-z][a-z0-9]{0,7}$")
MAC_RE = re.compile(r"^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$")


class TemplateError(RuntimeError):
    """A template file is missing or broken; the message names the file."""


def fixtures_dir() -> Path:
    env = os.environ.get("SOCKSPEC_FIXTURES")
    if env:
        return Path(env)
    return Path(paths.FIXTURES)


# --- templates -------------------------------------------------------------------------

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


def _bad(path: Path, message: str) -> TemplateError:
    return TemplateError(f"{path}: {message}")


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
    if not IFACE_RE.match(name) or not isinstance(data, dict):
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
    if spec.mac and not MAC_RE.match(spec.mac):
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
        raise TemplateError(f"{path}: {exc}") from None
    _check_keys(path, "top level", data,
                {"description", "namespaces", "capture", "host", "link", "switch", "extra"})
    hosts: dict[str, HostSpec] = {}
    for index, (hname, hdata) in enumerate(data.get("host", {}).items()):
        if not NAME_RE.match(hname) or not isinstance(hdata, dict):
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
        if not NAME_RE.match(sname) or sname in hosts:
            raise _bad(path, f"bad switch name {sname!r}")
        switches[sname] = [_endpoint(path, p, hosts) for p in sdata.get("ports", [])]
    extra = {}
    for xname, xdata in data.get("extra", {}).items():
        _check_keys(path, f"extra {xname}", xdata, {"v4", "v6", "neighbour"})
        if not NAME_RE.match(xname) or xname in hosts:
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


def template_neighbours(tpl: Template) -> list[dict]:
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


def strip_prefix(prefixed: str | None) -> str | None:
    return prefixed.split("/")[0] if prefixed else None


def template_hosts(template: str) -> dict[str, dict[str, object]]:
    """The static address plan of a template (before anything exists).

    {"a": {"v4", "v6", "ll", "iface", "ifaces": {"eth0": {"v4", "v6", "ll"}}}, ...,
     "silent": {"v4", "v6"}}; a host's v4/v6/ll are those of its first interface."""
    tpl = load_template(template)
    plan: dict[str, dict[str, object]] = {}
    for host in tpl.hosts.values():
        ifaces = {i.name: {"v4": strip_prefix(i.v4), "v6": strip_prefix(i.v6), "ll": i.ll}
                  for i in host.ifaces.values()}
        plan[host.name] = dict(ifaces[host.primary.name], iface=host.primary.name, ifaces=ifaces)
    for name, addresses in tpl.extra.items():
        plan[name] = {"v4": addresses.get("v4"), "v6": addresses.get("v6")}
    return plan


def address_names(plan: dict[str, dict]) -> dict[str, str]:
    """Address -> host name, from an address plan (template_hosts, a scenario's hosts):
    how captures name the ends of a flow."""
    names = {}
    for host, addresses in plan.items():
        for kind in ("v4", "v6", "ll"):
            if isinstance(addresses.get(kind), str):
                names.setdefault(addresses[kind], host)
    return names
