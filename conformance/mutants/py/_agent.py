"""Shared by the mutant wrappers: run the real CPython agent in this process, after the
wrapper has broken something in the `socket` module. The agent imports `socket` and
finds the patched module in sys.modules, so every operation it performs goes through
the mutation."""
import os
import runpy
import sys

AGENT = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                     "agents", "cpython", "agent.py")


def run() -> None:
    sys.argv[0] = AGENT
    runpy.run_path(AGENT, run_name="__main__")
