"""Mutant: socket.recv(bufsize) never returns more than half of bufsize (at least 1)."""
import socket

import _agent

_real = socket.socket.recv


def recv(self, bufsize, flags=0):
    return _real(self, max(1, bufsize // 2) if bufsize > 1 else bufsize, flags)


socket.socket.recv = recv
_agent.run()
