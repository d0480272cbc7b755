#!/usr/bin/env python3
"""Fake agent that dies (exit 3) when asked for gethostbyname."""
import os
import sys

from engine_agent import main


def crash(req):
    sys.stderr.write("fake agent: crashing on purpose\n")
    sys.stderr.flush()
    os._exit(3)


main(crash)
