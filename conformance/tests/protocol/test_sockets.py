"""Socket methods over loopback TCP, UDP and AF_UNIX, and makefile."""

import errno
import os
import socket
import struct
import tempfile
import unittest

from agentclient import AgentTestCase, loopback_v6_available


def hexof(data):
    return {"hex": data.hex()}


class TcpTest(AgentTestCase):
    def test_accept_returns_the_peer_address(self):
        listener, client, server = self.tcp_connection()
        client_name = self.call("getsockname", sock=client)
        self.assertEqual(self.call("getpeername", sock=server), client_name)
        self.assertEqual(self.call("getpeername", sock=client),
                         self.call("getsockname", sock=listener))

    def test_accept_result_shape(self):
        listener = self.handle("l")
        self.call("socket", as_=listener)
        self.call("bind", sock=listener, args={"address": ["127.0.0.1", 0]})
        self.call("listen", sock=listener, args={"backlog": 1})
        port = self.call("getsockname", sock=listener)[1]
        client = self.handle("c")
        self.call("socket", as_=client)
        self.assertIsNone(self.call("connect", sock=client, args={"address": ["127.0.0.1", port]}))
        server = self.handle("a")
        result = self.call("accept", sock=listener, as_=server)
        self.assertEqual(result, {"address": self.call("getsockname", sock=client)})

    def test_send_and_recv(self):
        _, client, server = self.tcp_connection()
        self.assertEqual(self.call("send", sock=client, args={"data": hexof(b"Hello")}), 5)
        self.assertEqual(self.call("recv", sock=server, args={"bufsize": 1024}), hexof(b"Hello"))

    def test_sendall_pattern_and_recv_peek(self):
        _, client, server = self.tcp_connection()
        self.assertIsNone(self.call("sendall", sock=client, args={"data": {"pattern": 300}}))
        peeked = self.call("recv", sock=server, args={"bufsize": 10, "flags": ["MSG_PEEK"]})
        self.assertEqual(peeked, hexof(bytes(range(10))))
        first = self.call("recv", sock=server, args={"bufsize": 10, "flags": 0})
        self.assertEqual(first, peeked)

    def test_recv_into_and_nbytes(self):
        _, client, server = self.tcp_connection()
        self.call("sendall", sock=client, args={"data": hexof(b"abcdefgh")})
        self.assertEqual(self.call("recv_into", sock=server, args={"size": 16, "nbytes": 3}),
                         {"count": 3, "data": hexof(b"abc")})
        self.assertEqual(self.call("recv_into", sock=server, args={"size": 4}),
                         {"count": 4, "data": hexof(b"defg")})

    def test_shutdown_gives_the_peer_end_of_file(self):
        _, client, server = self.tcp_connection()
        self.call("sendall", sock=client, args={"data": hexof(b"bye")})
        self.assertIsNone(self.call("shutdown", sock=client, args={"how": "SHUT_WR"}))
        self.assertEqual(self.call("recv", sock=server, args={"bufsize": 100}), hexof(b"bye"))
        # no data is a result, not an error
        self.assertEqual(self.call("recv", sock=server, args={"bufsize": 100}), {"hex": ""})

    def test_connect_refused(self):
        port = self.unused_port()
        handle = self.handle()
        self.call("socket", as_=handle)
        error = self.error("connect", "error", sock=handle, args={"address": ["127.0.0.1", port]})
        self.assert_os_error(error, "ECONNREFUSED")
        self.assertTrue(error["message"])

    def test_connect_ex(self):
        port = self.unused_port()
        handle = self.handle()
        self.call("socket", as_=handle)
        self.assertEqual(self.call("connect_ex", sock=handle,
                                   args={"address": ["127.0.0.1", port]}), errno.ECONNREFUSED)
        listener = self.handle("l")
        self.call("socket", as_=listener)
        self.call("bind", sock=listener, args={"address": ["127.0.0.1", 0]})
        self.call("listen", sock=listener, args={"backlog": 1})
        port = self.call("getsockname", sock=listener)[1]
        other = self.handle()
        self.call("socket", as_=other)
        self.assertEqual(self.call("connect_ex", sock=other,
                                   args={"address": ["127.0.0.1", port]}), 0)

    def test_bind_in_use(self):
        first, second = self.handle(), self.handle()
        self.call("socket", as_=first)
        self.call("bind", sock=first, args={"address": ["127.0.0.1", 0]})
        self.call("listen", sock=first, args={"backlog": 1})
        port = self.call("getsockname", sock=first)[1]
        self.call("socket", as_=second)
        error = self.error("bind", "error", sock=second, args={"address": ["127.0.0.1", port]})
        self.assert_os_error(error, "EADDRINUSE")

    def test_socket_options(self):
        handle = self.handle()
        self.call("socket", as_=handle)
        self.assertEqual(self.call("getsockopt", sock=handle,
                                   args={"level": "SOL_SOCKET", "optname": "SO_TYPE"}),
                         socket.SOCK_STREAM)
        self.assertEqual(self.call("getsockopt", sock=handle,
                                   args={"level": "SOL_SOCKET", "optname": "SO_REUSEADDR"}), 0)
        self.assertIsNone(self.call("setsockopt", sock=handle, args={
            "level": "SOL_SOCKET", "optname": "SO_REUSEADDR", "value": 1}))
        self.assertNotEqual(self.call("getsockopt", sock=handle, args={
            "level": "SOL_SOCKET", "optname": "SO_REUSEADDR"}), 0)
        # bytes in, bytes out (buflen)
        self.call("setsockopt", sock=handle, args={
            "level": "IPPROTO_TCP", "optname": "TCP_NODELAY", "value": hexof(struct.pack("i", 1))})
        raw = self.call("getsockopt", sock=handle, args={
            "level": "IPPROTO_TCP", "optname": "TCP_NODELAY", "buflen": 4})
        self.assertEqual(len(bytes.fromhex(raw["hex"])), 4)
        self.assertNotEqual(struct.unpack("i", bytes.fromhex(raw["hex"]))[0], 0)

    def test_timeouts_and_blocking_flags(self):
        handle = self.handle()
        self.call("socket", as_=handle)
        self.assertIsNone(self.call("gettimeout", sock=handle))
        self.assertIsNone(self.call("settimeout", sock=handle, args={"value": 1.5}))
        self.assertEqual(self.call("gettimeout", sock=handle), 1.5)
        self.assertIsNone(self.call("setblocking", sock=handle, args={"flag": False}))
        self.assertEqual(self.call("gettimeout", sock=handle), 0.0)
        self.call("setblocking", sock=handle, args={"flag": True})
        self.assertIsNone(self.call("gettimeout", sock=handle))
        self.call("settimeout", sock=handle, args={"value": 2})
        self.call("settimeout", sock=handle, args={"value": None})
        self.assertIsNone(self.call("gettimeout", sock=handle))
        self.error("settimeout", "value", sock=handle, args={"value": -1})

    def test_fileno_and_fromfd_are_independent(self):
        _, client, server = self.tcp_connection()
        fd = self.call("fileno", sock=client)
        self.assertIsInstance(fd, int)
        self.assertGreaterEqual(fd, 0)
        copy = self.handle("d")
        self.call("fromfd", as_=copy, args={"fd": fd, "family": "AF_INET", "type": "SOCK_STREAM"})
        self.assertNotEqual(self.call("fileno", sock=copy), fd, "fromfd must duplicate")
        name = self.call("getsockname", sock=client)
        self.call("close", sock=client)
        # the duplicate survives the original's close
        self.assertEqual(self.call("getsockname", sock=copy), name)
        self.call("sendall", sock=copy, args={"data": hexof(b"dup")})
        self.assertEqual(self.call("recv", sock=server, args={"bufsize": 10}), hexof(b"dup"))

    def test_detach_keeps_the_descriptor_open(self):
        _, client, server = self.tcp_connection()
        name = self.call("getsockname", sock=client)
        fd = self.call("detach", sock=client)
        self.assertIsInstance(fd, int)
        self.assertGreaterEqual(fd, 0)
        again = self.handle("d")
        self.call("fromfd", as_=again, args={"fd": fd, "family": "AF_INET", "type": "SOCK_STREAM"})
        self.assertEqual(self.call("getsockname", sock=again), name)
        # the detached handle is forgotten (docs/agent-protocol.md, Handles)
        self.error("getsockname", "protocol", sock=client)

    def test_use_after_close_is_ebadf(self):
        _, client, _ = self.tcp_connection()
        self.assertIsNone(self.call("close", sock=client))
        error = self.error("recv", "error", sock=client, args={"bufsize": 10})
        self.assert_os_error(error, "EBADF")
        error = self.error("getsockname", "error", sock=client)
        self.assert_os_error(error, "EBADF")

    def test_send_after_peer_closed_is_epipe_not_a_crash(self):
        _, client, server = self.tcp_connection()
        self.call("close", sock=server)
        # The first send may still succeed (the reset comes back later); within a few
        # sends it fails with EPIPE or ECONNRESET, and the agent must not die of SIGPIPE.
        for _ in range(50):
            reply = self.response("send", sock=client, args={"data": {"pattern": 1000}})
            if not reply["ok"]:
                self.assertEqual(reply["error"]["type"], "error", reply)
                self.assertIn(reply["error"]["errno"], ("EPIPE", "ECONNRESET"), reply)
                break
        else:
            self.fail("sending to a closed peer never failed")
        self.assert_alive()

    def test_empty_host_is_inaddr_any(self):
        handle = self.handle()
        self.call("socket", as_=handle)
        self.call("bind", sock=handle, args={"address": ["", 0]})
        host, port = self.call("getsockname", sock=handle)
        self.assertEqual(host, "0.0.0.0")
        self.assertGreater(port, 0)

    def test_so_error_of_a_fresh_socket(self):
        handle = self.handle()
        self.call("socket", as_=handle)
        self.assertEqual(self.call("getsockopt", sock=handle,
                                   args={"level": "SOL_SOCKET", "optname": "SO_ERROR"}), 0)

    def test_negative_bufsize_is_value(self):
        _, client, _ = self.tcp_connection()
        self.error("recv", "value", sock=client, args={"bufsize": -1})

    def test_unknown_flag_name_is_unsupported(self):
        _, client, _ = self.tcp_connection()
        self.error("recv", "unsupported", sock=client,
                   args={"bufsize": 1, "flags": ["MSG_NO_SUCH_FLAG"]})
        self.error("setsockopt", "unsupported", sock=client,
                   args={"level": "SOL_SOCKET", "optname": "SO_NO_SUCH_OPTION", "value": 1})

    def unused_port(self):
        with socket.socket() as probe:   # a port nobody listens on: bound, never listening
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        return port


class UdpTest(AgentTestCase):
    def test_sendto_and_recvfrom(self):
        first, second = self.udp_socket(), self.udp_socket()
        target = self.call("getsockname", sock=second)
        self.assertEqual(self.call("sendto", sock=first,
                                   args={"data": hexof(b"ping"), "address": target}), 4)
        result = self.call("recvfrom", sock=second, args={"bufsize": 100})
        self.assertEqual(result, {"data": hexof(b"ping"),
                                  "address": self.call("getsockname", sock=first)})

    def test_sendto_with_flags_and_recvfrom_into(self):
        first, second = self.udp_socket(), self.udp_socket()
        target = self.call("getsockname", sock=second)
        self.assertEqual(self.call("sendto", sock=first, args={
            "data": hexof(b"datagram"), "flags": 0, "address": target}), 8)
        result = self.call("recvfrom_into", sock=second, args={"size": 64})
        self.assertEqual(result, {"count": 8, "data": hexof(b"datagram"),
                                  "address": self.call("getsockname", sock=first)})

    def test_datagram_too_large(self):
        first, second = self.udp_socket(), self.udp_socket()
        target = self.call("getsockname", sock=second)
        error = self.error("sendto", "error", sock=first,
                           args={"data": {"pattern": 70000}, "address": target})
        self.assert_os_error(error, "EMSGSIZE")

    def test_recv_on_empty_nonblocking_socket_is_eagain(self):
        handle = self.udp_socket()
        self.call("setblocking", sock=handle, args={"flag": False})
        error = self.error("recv", "error", sock=handle, args={"bufsize": 10})
        self.assert_os_error(error, "EAGAIN")


class Ipv6Test(AgentTestCase):
    def setUp(self):
        if not loopback_v6_available():
            self.skipTest("no IPv6 on loopback (::1)")

    def test_addresses_have_four_items(self):
        listener, client, server = self.tcp_connection(host="::1", family="AF_INET6")
        for handle in (listener, client, server):
            address = self.call("getsockname", sock=handle)
            self.assertEqual(len(address), 4, address)
            self.assertEqual(address[0], "::1")
        self.assertEqual(self.call("getpeername", sock=server),
                         self.call("getsockname", sock=client))
        self.assertEqual(self.call("info", sock=client)["family"], "AF_INET6")

    def test_udp(self):
        first = self.udp_socket(host="::1", family="AF_INET6")
        second = self.udp_socket(host="::1", family="AF_INET6")
        port = self.call("getsockname", sock=second)[1]
        self.call("sendto", sock=first, args={"data": hexof(b"six"), "address": ["::1", port]})
        result = self.call("recvfrom", sock=second, args={"bufsize": 10})
        self.assertEqual(result["data"], hexof(b"six"))
        self.assertEqual(len(result["address"]), 4)


@unittest.skipUnless(hasattr(socket, "AF_UNIX"), "no AF_UNIX on this platform")
class UnixTest(AgentTestCase):
    def test_socketpair_defaults(self):
        first, second = self.socketpair()
        self.assertEqual(self.call("info", sock=first)["family"], "AF_UNIX")
        self.call("sendall", sock=first, args={"data": hexof(b"pair")})
        self.assertEqual(self.call("recv", sock=second, args={"bufsize": 10}), hexof(b"pair"))
        # an unnamed AF_UNIX socket's name is the empty string
        self.assertEqual(self.call("getsockname", sock=first), "")

    def test_recvfrom_on_a_stream_has_no_address(self):
        first, second = self.socketpair(family="AF_UNIX", type="SOCK_STREAM")
        self.call("sendall", sock=first, args={"data": hexof(b"x")})
        self.assertEqual(self.call("recvfrom", sock=second, args={"bufsize": 10}),
                         {"data": hexof(b"x"), "address": None})

    def test_path_address(self):
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "sock")
            handle = self.handle()
            self.call("socket", as_=handle, args={"family": "AF_UNIX", "type": "SOCK_STREAM"})
            self.call("bind", sock=handle, args={"address": path})
            self.assertEqual(self.call("getsockname", sock=handle), path)
            self.call("listen", sock=handle, args={"backlog": 1})
            client = self.handle("c")
            self.call("socket", as_=client, args={"family": "AF_UNIX"})
            self.call("connect", sock=client, args={"address": path})
            self.assertEqual(self.call("getpeername", sock=client), path)
            self.call("close", sock=handle)
            self.call("close", sock=client)

    def test_abstract_address(self):
        if not os.uname().sysname == "Linux":
            self.skipTest("abstract AF_UNIX names are Linux only")
        name = "sockspec-protocol-%d" % os.getpid()
        handle = self.handle()
        self.call("socket", as_=handle, args={"family": "AF_UNIX", "type": "SOCK_DGRAM"})
        self.call("bind", sock=handle, args={"address": {"abstract": name}})
        self.assertEqual(self.call("getsockname", sock=handle), {"abstract": name})
        self.call("close", sock=handle)


@unittest.skipUnless(hasattr(socket, "AF_UNIX"), "no AF_UNIX on this platform")
class MakefileTest(AgentTestCase):
    def test_read_write_readline(self):
        first, second = self.socketpair()
        stream = self.handle("f")
        self.assertIsNone(self.call("makefile", sock=first, as_=stream,
                                    args={"mode": "rwb", "buffering": 4096}))
        written = self.call("file.write", file=stream, args={"data": hexof(b"to peer")})
        self.assertIn(written, (7, None), "file.write answers the count (or null)")
        self.assertIsNone(self.call("file.flush", file=stream))
        self.assertEqual(self.call("recv", sock=second, args={"bufsize": 100}), hexof(b"to peer"))
        self.call("sendall", sock=second, args={"data": hexof(b"line one\nline two\nrest")})
        self.assertEqual(self.call("file.readline", file=stream), hexof(b"line one\n"))
        self.assertEqual(self.call("file.read", file=stream, args={"size": 9}),
                         hexof(b"line two\n"))
        self.call("shutdown", sock=second, args={"how": "SHUT_WR"})
        self.assertEqual(self.call("file.read", file=stream), hexof(b"rest"))
        self.assertIsNone(self.call("file.close", file=stream))

    def test_closing_the_file_leaves_the_socket_open(self):
        first, second = self.socketpair()
        stream = self.handle("f")
        self.call("makefile", sock=first, as_=stream, args={"mode": "rb"})
        self.call("file.close", file=stream)
        self.call("sendall", sock=first, args={"data": hexof(b"still here")})
        self.assertEqual(self.call("recv", sock=second, args={"bufsize": 100}),
                         hexof(b"still here"))

    def test_unknown_file_handle_is_protocol(self):
        self.error("file.read", "protocol", file="no-such-file")
        self.assert_alive()


def icmp_echo_request(marker):
    """An ICMP echo request carrying marker, with its checksum."""
    body = bytes([8, 0, 0, 0, 0x53, 0x53, 0, 1]) + marker
    padded = body + b"\0" * (len(body) % 2)
    total = sum(int.from_bytes(padded[i:i + 2], "big") for i in range(0, len(padded), 2))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    checksum = (~total) & 0xFFFF
    return body[:2] + checksum.to_bytes(2, "big") + body[4:]


class RawTest(AgentTestCase):
    def setUp(self):
        if not hasattr(os, "geteuid") or os.geteuid() != 0:
            self.skipTest("raw sockets need root")

    def test_raw_icmp_over_loopback(self):
        receiver, sender = self.handle("r"), self.handle("r")
        for handle in (receiver, sender):
            self.call("socket", as_=handle, args={"family": "AF_INET", "type": "SOCK_RAW",
                                                  "proto": "IPPROTO_ICMP"})
        self.call("bind", sock=receiver, args={"address": ["127.0.0.1", 0]})
        self.call("settimeout", sock=receiver, args={"value": 5})
        self.assertEqual(self.call("info", sock=receiver),
                         {"family": "AF_INET", "type": "SOCK_RAW", "proto": socket.IPPROTO_ICMP})
        marker = ("sockspec-protocol-%d" % os.getpid()).encode()
        packet = icmp_echo_request(marker)
        self.assertEqual(self.call("sendto", sock=sender,
                                   args={"data": hexof(packet), "address": ["127.0.0.1", 0]}),
                         len(packet))
        # Other ICMP on loopback (the kernel's echo reply, other programs) may come
        # first: look at a bounded number of packets for ours.
        for _ in range(20):
            result = self.call("recvfrom", sock=receiver, args={"bufsize": 65565})
            data = bytes.fromhex(result["data"]["hex"])
            if marker in data and data[20:21] == b"\x08":
                break
        else:
            self.fail("the echo request never arrived on the raw socket")
        self.assertEqual(data[0] >> 4, 4, "IPv4 header included")
        self.assertEqual(data[9], socket.IPPROTO_ICMP)
        self.assertEqual(result["address"], ["127.0.0.1", 0])


class IoctlTest(AgentTestCase):
    def test_ioctl_outside_windows_is_unsupported(self):
        if self.agent.hello.get("runtime", {}).get("os") == "windows":
            self.skipTest("the agent runs on Windows, where ioctl exists")
        handle = self.handle()
        self.call("socket", as_=handle)
        self.error("ioctl", "unsupported", sock=handle,
                   args={"control": "SIO_RCVALL", "option": "RCVALL_ON"})
        self.assert_alive()


if __name__ == "__main__":
    unittest.main()
