#!/usr/bin/env python3
"""Fake agent that never writes its hello line (it waits for input forever)."""
import sys

for _ in sys.stdin:
    pass
