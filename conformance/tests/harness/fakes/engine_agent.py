#!/usr/bin/env python3
"""A fake agent for the engine's self-tests: speaks the protocol for a few harmless ops.

Misbehaving variants (engine_crash.py, engine_hang.py, ...) call main() with a
`misbehave(request)` hook that runs before the answer to the trigger op
`gethostbyname`; it may exit, hang, print garbage, or delay.
"""
import json
import sys
import time

TRIGGER = "gethostbyname"
# inet_aton is listed but answered `unsupported`, like any op not handled below.
OPS = ["gethostname", "gethostbyname", "sleep", "htons", "htonl", "exit", "inet_aton",
       "socket", "getsockname", "getservbyname"]
SOCKETS = set()


def answer(req, ok=True, result=None, error=None):
    out = {"id": req.get("id"), "ok": ok, "elapsed": 0.0}
    if ok:
        out["result"] = result
    else:
        out["error"] = error
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()


def handle(req):
    op, args = req.get("op"), req.get("args") or {}
    if op == "gethostname":
        answer(req, result="fake-host")
    elif op == "gethostbyname":
        answer(req, result="192.0.2.1")
    elif op == "sleep":
        time.sleep(float(args.get("seconds", 0)))
        answer(req)
    elif op == "htons":
        x = int(args.get("x", 0))
        answer(req, result=((x & 0xFF) << 8) | ((x >> 8) & 0xFF))
    elif op == "htonl":      # stands for any request the agent finds malformed
        answer(req, ok=False, error={"type": "protocol", "message": "missing field x"})
    elif op == "socket":     # family AF_BOGUS fails, as a missing family would
        if args.get("family") == "AF_BOGUS":
            answer(req, ok=False, error={"type": "error", "errno": "EAFNOSUPPORT", "code": 97,
                                         "message": "Address family not supported"})
        else:
            SOCKETS.add(req.get("as"))
            answer(req)
    elif op == "getsockname":
        if req.get("sock") not in SOCKETS:
            answer(req, ok=False, error={"type": "protocol", "message":
                                         f"unknown socket handle {req.get('sock')!r}"})
        else:
            answer(req, result=["127.0.0.1", 1])
    elif op == "getservbyname":   # listed in the hello, yet missing: `unsupported`
        answer(req, ok=False, error={"type": "unsupported",
                                     "message": "this implementation has no services database"})
    elif op == "exit":
        answer(req)
        sys.exit(0)
    else:
        answer(req, ok=False, error={"type": "unsupported", "message": f"no op {op}"})


def main(misbehave=None, hello=True, delay=0.0):
    if hello:
        sys.stdout.write(json.dumps({"hello": 1, "impl": "fake", "impl_version": "1.0",
                                     "agent_version": "0", "runtime": {"os": "linux",
                                     "libc": "glibc 2.36", "arch": "x86_64"}, "ops": OPS}) + "\n")
        sys.stdout.flush()
    for line in sys.stdin:
        try:
            req = json.loads(line)
        except ValueError:
            answer({"id": None}, ok=False, error={"type": "protocol", "message": "bad JSON"})
            continue
        if delay:
            time.sleep(delay)
        if misbehave and req.get("op") == TRIGGER:
            misbehave(req)
        handle(req)


if __name__ == "__main__":
    main()
