#!/usr/bin/env python3
"""Fake example program: prints each argument on its own line, then exits with the
status given by $EXIT_CODE (default 0); EXIT_CODE=kill makes it die by SIGKILL."""
import os
import signal
import sys

for arg in sys.argv[1:]:
    print(arg, flush=True)
code = os.environ.get("EXIT_CODE", "0")
if code == "kill":
    os.kill(os.getpid(), signal.SIGKILL)
sys.exit(int(code))
