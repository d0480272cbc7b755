"""Mutant: socket.setblocking(flag) does what setblocking(not flag) should."""
import socket

import _agent

_real = socket.socket.setblocking


def setblocking(self, flag):
    return _real(self, not flag)


socket.socket.setblocking = setblocking
_agent.run()
