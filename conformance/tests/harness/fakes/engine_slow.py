#!/usr/bin/env python3
"""Fake agent that answers every request after SLOW seconds (default 0.4)."""
import os

from engine_agent import main

main(delay=float(os.environ.get("SLOW", "0.4")))
