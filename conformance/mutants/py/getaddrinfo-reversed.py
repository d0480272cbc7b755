"""Mutant: socket.getaddrinfo() returns its results in reverse order (which also makes
create_connection try the addresses in reverse order)."""
import socket

import _agent

_real = socket.getaddrinfo


def getaddrinfo(*args, **kwargs):
    return list(reversed(_real(*args, **kwargs)))


socket.getaddrinfo = getaddrinfo
_agent.run()
