#!/usr/bin/env python3
"""Fake agent that answers gethostbyname with a line that is not JSON."""
import sys

from engine_agent import main


def garbage(req):
    sys.stdout.write("<html>this is not the protocol</html>\n")
    sys.stdout.flush()
    # then keeps reading: the harness must stop trusting it anyway


main(garbage)
