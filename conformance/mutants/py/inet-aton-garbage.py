"""Mutant: socket.inet_aton() accepts any string; what it cannot parse becomes 0.0.0.0."""
import socket

import _agent

_real = socket.inet_aton


def inet_aton(text):
    try:
        return _real(text)
    except OSError:
        return b"\0\0\0\0"


socket.inet_aton = inet_aton
_agent.run()
