"""Mutant: sockets returned by accept() are always blocking, whatever
getdefaulttimeout() says (they should inherit the default timeout)."""
import socket

import _agent

_real = socket.socket.accept


def accept(self):
    conn, address = _real(self)
    conn.setblocking(True)
    return conn, address


socket.socket.accept = accept
_agent.run()
