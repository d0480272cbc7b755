"""Mutant: socket.create_connection() tries only the first address getaddrinfo gives and
raises its error, instead of going on to the next address."""
import socket

import _agent

_DEFAULT = socket._GLOBAL_DEFAULT_TIMEOUT


def create_connection(address, timeout=_DEFAULT, source_address=None, **_ignored):
    host, port = address
    family, type_, proto, _, sockaddr = socket.getaddrinfo(host, port, 0,
                                                           socket.SOCK_STREAM)[0]
    sock = socket.socket(family, type_, proto)
    try:
        if timeout is not _DEFAULT:
            sock.settimeout(timeout)
        if source_address:
            sock.bind(source_address)
        sock.connect(sockaddr)
        return sock
    except BaseException:
        sock.close()
        raise


socket.create_connection = create_connection
_agent.run()
