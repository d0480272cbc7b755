#!/usr/bin/env python3
"""A fake agent for the environment self-tests; its first argument picks a misbehaviour:

good          hello, then answers every request (op "sleep" sleeps args.seconds first,
              op "big" answers a result of args.size bytes, op "pdeathsig" answers
              prctl(PR_GET_PDEATHSIG)), exits 0 at EOF
crash         hello, then dies of SIGABRT (abort()) on the first request
exit3         hello, then exits with status 3 on the first request
nohello       never writes anything, sleeps
latehello     writes its hello only after args[2] seconds
garbage       hello, then a line that is not JSON
wrongid       hello, then answers with another id
badhello      a first line that is JSON but not a hello
hang          hello, then reads requests and never answers
ignore-eof    hello, then ignores EOF on stdin (must be killed)
"""
import json
import os
import signal
import sys
import time

mode = sys.argv[1] if len(sys.argv) > 1 else "good"
HELLO = {"hello": 1, "impl": "fake", "impl_version": "0", "agent_version": "0",
         "runtime": {"os": "linux"}, "ops": ["sleep", "big", "exit"]}


def out(obj) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


print("fake agent starting, mode", mode, file=sys.stderr, flush=True)
if mode == "nohello":
    time.sleep(600)
    sys.exit(0)
if mode == "latehello":
    time.sleep(float(sys.argv[2]))
if mode == "badhello":
    out({"id": 1, "ok": True})
    time.sleep(600)
out(HELLO)
if mode == "ignore-eof":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    sys.stdin.read()
    time.sleep(600)
for line in sys.stdin:
    request = json.loads(line)
    rid, op, args = request["id"], request["op"], request.get("args", {})
    if mode == "crash":
        print("about to crash", file=sys.stderr, flush=True)
        os.abort()
    if mode == "exit3":
        sys.exit(3)
    if mode == "garbage":
        sys.stdout.write("this is not json\n")
        sys.stdout.flush()
        continue
    if mode == "wrongid":
        out({"id": rid + 100, "ok": True, "result": None, "elapsed": 0})
        continue
    if mode == "hang":
        continue
    if op == "sleep":
        time.sleep(float(args.get("seconds", 0)))
        out({"id": rid, "ok": True, "result": None, "elapsed": args.get("seconds", 0)})
    elif op == "big":
        out({"id": rid, "ok": True, "result": {"hex": "ab" * int(args["size"])}, "elapsed": 0})
    elif op == "pdeathsig":
        import ctypes
        value = ctypes.c_int(0)
        ctypes.CDLL(None).prctl(2, ctypes.byref(value), 0, 0, 0)   # PR_GET_PDEATHSIG
        out({"id": rid, "ok": True, "result": value.value, "elapsed": 0})
    elif op == "exit":
        out({"id": rid, "ok": True, "result": None, "elapsed": 0})
        sys.exit(0)
    else:
        out({"id": rid, "ok": True, "result": {"op": op, "request": request}, "elapsed": 0})
sys.exit(0)
