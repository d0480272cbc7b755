#!/usr/bin/env python3
"""Fake agent that never answers gethostbyname (and ignores SIGTERM)."""
import signal
import time

from engine_agent import main


def hang(req):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    while True:
        time.sleep(3600)


main(hang)
