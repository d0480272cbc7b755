"""Mutant: connect() and connect_ex() block in blocking mode whatever the socket's
timeout, then restore it: the timeout never bounds a connection attempt."""
import socket

import _agent

_connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex


def _blocking(real):
    def call(self, address):
        saved = self.gettimeout()
        if saved is None or saved > 0:       # non-blocking mode keeps its own behaviour
            self.settimeout(None)
        try:
            return real(self, address)
        finally:
            self.settimeout(saved)
    return call


socket.socket.connect = _blocking(_connect)
socket.socket.connect_ex = _blocking(_connect_ex)
_agent.run()
