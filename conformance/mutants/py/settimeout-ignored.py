"""Mutant: socket.settimeout() accepts its argument and changes nothing."""
import socket

import _agent


def settimeout(self, value):
    if value is not None and value < 0:      # still validates, so only the effect is lost
        raise ValueError("Timeout value out of range")


socket.socket.settimeout = settimeout
_agent.run()
