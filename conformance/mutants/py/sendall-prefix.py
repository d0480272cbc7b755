"""Mutant: socket.sendall() sends only the first half of the data and returns None."""
import socket

import _agent

_real = socket.socket.sendall


def sendall(self, data, flags=0):
    data = memoryview(data).cast("B")
    return _real(self, data[:len(data) // 2], flags)


socket.socket.sendall = sendall
_agent.run()
