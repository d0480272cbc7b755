#!/usr/bin/env python3
"""A fake example program for the environment self-tests.

lines N        prints N numbered lines (the last one without a newline), exits 0
exit CODE      prints "bye" and exits with CODE
hang           prints "ready", then sleeps
"""
import sys
import time

mode = sys.argv[1]
if mode == "lines":
    n = int(sys.argv[2])
    sys.stdout.write("\n".join(f"line {i}" for i in range(n)))
elif mode == "exit":
    print("bye")
    sys.exit(int(sys.argv[2]))
elif mode == "hang":
    print("ready", flush=True)
    time.sleep(600)
