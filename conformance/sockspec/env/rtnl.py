"""A minimal rtnetlink client: just what netns.py needs to configure a namespace
(links up, addresses, routes, static neighbours, a bridge and its ports) without
starting an `ip` process per namespace.

A Netlink object talks to the namespace it was created in: create it in a thread that
has entered the namespace (netns.run_in_namespace). Every request asks for an
acknowledgement; a refusal raises OSError with the kernel's errno, like `ip` reports it.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import struct

NETLINK_ROUTE = 0
NLMSG_ERROR = 2
NLM_F_REQUEST, NLM_F_ACK = 0x1, 0x4
NLM_F_REPLACE, NLM_F_EXCL, NLM_F_CREATE = 0x100, 0x200, 0x400
RTM_NEWLINK, RTM_GETLINK, RTM_NEWADDR, RTM_NEWROUTE, RTM_NEWNEIGH = 16, 18, 20, 24, 28
IFLA_OPERSTATE, IF_OPER_UP = 16, 6

IFF_UP = 0x1
IFLA_ADDRESS, IFLA_IFNAME, IFLA_MTU, IFLA_MASTER, IFLA_LINKINFO = 1, 3, 4, 10, 18
IFLA_AF_SPEC, IFLA_NET_NS_FD, IFLA_GSO_MAX_SEGS = 26, 28, 40
VETH_INFO_PEER = 1
IFLA_INFO_KIND, IFLA_INFO_DATA = 1, 2
IFLA_BR_STP_STATE, IFLA_BR_MCAST_SNOOPING = 5, 23
IFLA_INET6_ADDR_GEN_MODE, IN6_ADDR_GEN_MODE_NONE = 8, 1
IFA_ADDRESS, IFA_LOCAL, IFA_BROADCAST, IFA_FLAGS = 1, 2, 4, 8
IFA_F_NODAD = 0x02
RT_TABLE_MAIN, RTPROT_BOOT, RT_SCOPE_UNIVERSE, RT_SCOPE_HOST, RTN_UNICAST = 254, 3, 0, 254, 1
RTA_DST, RTA_OIF, RTA_GATEWAY = 1, 4, 5
NDA_DST, NDA_LLADDR = 1, 2
NUD_PERMANENT = 0x80


def _attr(kind: int, payload: bytes) -> bytes:
    data = struct.pack("=HH", 4 + len(payload), kind) + payload
    return data + b"\0" * ((-len(data)) % 4)


def _ifinfo(index: int = 0, flags: int = 0, change: int = 0, family: int = 0) -> bytes:
    return struct.pack("=BxHiII", family, 0, index, flags, change)


def _family(address: ipaddress._BaseAddress) -> int:
    return socket.AF_INET6 if address.version == 6 else socket.AF_INET


class Netlink:
    def __init__(self) -> None:
        self._sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
        self._sock.bind((0, 0))
        self._seq = 0

    def close(self) -> None:
        self._sock.close()

    def __enter__(self) -> "Netlink":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _request(self, kind: int, flags: int, body: bytes, what: str) -> None:
        self._seq += 1
        header = struct.pack("=IHHII", 16 + len(body), kind, flags | NLM_F_REQUEST | NLM_F_ACK,
                             self._seq, 0)
        self._sock.send(header + body)
        while True:
            data = self._sock.recv(65536)
            offset = 0
            while offset + 16 <= len(data):
                length, mtype, _flags, seq, _pid = struct.unpack_from("=IHHII", data, offset)
                if mtype == NLMSG_ERROR and seq == self._seq:
                    (error,) = struct.unpack_from("=i", data, offset + 16)
                    if error:
                        raise OSError(-error, f"{what}: {os.strerror(-error)}")
                    return
                offset += max(16, (length + 3) & ~3)

    def operstate(self, name: str) -> int:
        """The link's RFC 2863 operational state (IF_OPER_UP = 6), as the kernel's link
        watcher last set it."""
        self._seq += 1
        body = _ifinfo(self.index(name))
        self._sock.send(struct.pack("=IHHII", 16 + len(body), RTM_GETLINK, NLM_F_REQUEST,
                                    self._seq, 0) + body)
        while True:
            data = self._sock.recv(65536)
            offset = 0
            while offset + 16 <= len(data):
                length, mtype, _flags, seq, _pid = struct.unpack_from("=IHHII", data, offset)
                if seq == self._seq and mtype == NLMSG_ERROR:
                    (error,) = struct.unpack_from("=i", data, offset + 16)
                    raise OSError(-error, f"{name}: {os.strerror(-error)}")
                if seq == self._seq and mtype == RTM_NEWLINK:
                    pos, end = offset + 32, offset + length
                    while pos + 4 <= end:
                        alen, kind = struct.unpack_from("=HH", data, pos)
                        if kind == IFLA_OPERSTATE:
                            return data[pos + 4]
                        pos += max(4, (alen + 3) & ~3)
                    return 0
                offset += max(16, (length + 3) & ~3)

    # -- links --

    def index(self, name: str) -> int:
        return socket.if_nametoindex(name)   # answered in this thread's namespace

    def set_up(self, name: str) -> None:
        self._request(RTM_NEWLINK, 0, _ifinfo(self.index(name), IFF_UP, IFF_UP), f"{name} up")

    def addrgenmode_none(self, name: str) -> None:
        """No automatic IPv6 link-local address on this interface."""
        spec = _attr(IFLA_AF_SPEC, _attr(socket.AF_INET6, _attr(
            IFLA_INET6_ADDR_GEN_MODE, bytes([IN6_ADDR_GEN_MODE_NONE]))))
        self._request(RTM_NEWLINK, 0, _ifinfo(self.index(name)) + spec, f"{name} addrgenmode none")

    def add_bridge(self, name: str) -> None:
        """A bridge without spanning tree and without multicast snooping: a plain switch
        that forwards at once and floods multicast like a hub."""
        data = (_attr(IFLA_BR_STP_STATE, struct.pack("=I", 0))
                + _attr(IFLA_BR_MCAST_SNOOPING, bytes([0])))
        info = _attr(IFLA_INFO_KIND, b"bridge\0") + _attr(IFLA_INFO_DATA, data)
        body = _ifinfo() + _attr(IFLA_IFNAME, name.encode() + b"\0") + _attr(IFLA_LINKINFO, info)
        self._request(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, body, f"bridge {name}")

    def add_veth(self, end: dict, peer: dict) -> None:
        """A veth pair; each end is {"name", "ns_fd", "index", "mac", "mtu", "gso_max_segs"}
        and is created directly in the namespace ns_fd refers to."""
        def describe(e: dict) -> bytes:
            mac = bytes(int(part, 16) for part in e["mac"].split(":"))
            return (_ifinfo(e["index"])
                    + _attr(IFLA_IFNAME, e["name"].encode() + b"\0")
                    + _attr(IFLA_NET_NS_FD, struct.pack("=I", e["ns_fd"]))
                    + _attr(IFLA_ADDRESS, mac)
                    + _attr(IFLA_MTU, struct.pack("=I", e["mtu"]))
                    + _attr(IFLA_GSO_MAX_SEGS, struct.pack("=I", e["gso_max_segs"])))
        info = _attr(IFLA_INFO_KIND, b"veth\0") + _attr(IFLA_INFO_DATA,
                                                         _attr(VETH_INFO_PEER, describe(peer)))
        self._request(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL,
                      describe(end) + _attr(IFLA_LINKINFO, info),
                      f"veth {end['name']}/{peer['name']}")

    def set_master(self, port: str, master: str) -> None:
        body = _ifinfo(self.index(port)) + _attr(IFLA_MASTER, struct.pack("=I", self.index(master)))
        self._request(RTM_NEWLINK, 0, body, f"{port} master {master}")

    # -- addresses, routes, neighbours --

    def add_address(self, name: str, prefixed: str) -> None:
        """IPv4 with its broadcast address; IPv6 without duplicate address detection."""
        iface = ipaddress.ip_interface(prefixed)
        address, raw = iface.ip, iface.ip.packed
        attrs = _attr(IFA_LOCAL, raw) + _attr(IFA_ADDRESS, raw)
        flags = 0
        scope = RT_SCOPE_HOST if address.is_loopback else RT_SCOPE_UNIVERSE
        if address.version == 4:
            if iface.network.prefixlen < 31:
                attrs += _attr(IFA_BROADCAST, iface.network.broadcast_address.packed)
        else:
            flags = IFA_F_NODAD
            attrs += _attr(IFA_FLAGS, struct.pack("=I", flags))
        body = struct.pack("=BBBBI", _family(address), iface.network.prefixlen, flags, scope,
                           self.index(name)) + attrs
        self._request(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, body, f"address {prefixed} on {name}")

    def add_route(self, spec: str) -> None:
        """`default via GW [dev IF]` or `PREFIX via GW [dev IF]` (the forms templates use)."""
        words = spec.split()
        if len(words) not in (3, 5) or words[1] != "via" or (len(words) == 5 and words[3] != "dev"):
            raise ValueError(f"route {spec!r}: only 'DEST via GATEWAY [dev IF]' is supported")
        gateway = ipaddress.ip_address(words[2])
        if words[0] == "default":
            dest = ipaddress.ip_network("::/0" if gateway.version == 6 else "0.0.0.0/0")
        else:
            dest = ipaddress.ip_network(words[0])
        if dest.version != gateway.version:
            raise ValueError(f"route {spec!r}: destination and gateway families differ")
        attrs = _attr(RTA_GATEWAY, gateway.packed)
        if dest.prefixlen:
            attrs += _attr(RTA_DST, dest.network_address.packed)
        if len(words) == 5:
            attrs += _attr(RTA_OIF, struct.pack("=I", self.index(words[4])))
        body = struct.pack("=BBBBBBBBI", _family(gateway), dest.prefixlen, 0, 0, RT_TABLE_MAIN,
                           RTPROT_BOOT, RT_SCOPE_UNIVERSE, RTN_UNICAST, 0) + attrs
        self._request(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, body, f"route {spec}")

    def replace_neighbour(self, name: str, address: str, lladdr: str) -> None:
        """A permanent neighbour entry (like `ip neigh replace … nud permanent`)."""
        addr = ipaddress.ip_address(address)
        mac = bytes(int(part, 16) for part in lladdr.split(":"))
        body = (struct.pack("=BxxxiHBB", _family(addr), self.index(name), NUD_PERMANENT, 0, 0)
                + _attr(NDA_DST, addr.packed) + _attr(NDA_LLADDR, mac))
        self._request(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, body,
                      f"neighbour {address} on {name}")
