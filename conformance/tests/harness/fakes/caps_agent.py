#!/usr/bin/env python3
"""A fake agent whose hello declares what the test puts in $FAKE_HELLO (a JSON object
merged over a minimal hello), for the admission and label self-tests.

It answers the platform probe's requests as $FAKE_PLATFORM (JSON: af_unix,
abstract_unix, raw_sockets booleans) says, getaddrinfo with the scope id
$FAKE_SCOPE_ID (absent: an `unsupported` error), and gethostname with "fake-host".
Every request it receives is appended to $FAKE_LOG (one JSON line each) when set.
"""
import json
import os
import sys

PLATFORM = json.loads(os.environ.get("FAKE_PLATFORM") or "{}")


def answer(req, ok=True, result=None, error=None):
    out = {"id": req.get("id"), "ok": ok, "elapsed": 0.0}
    if ok:
        out["result"] = result
    else:
        out["error"] = error
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()


def refuse(req, what):
    answer(req, ok=False, error={"type": "error", "errno": "EPERM", "code": 1,
                                 "message": f"fake: no {what}"})


def handle(req):
    op, args = req.get("op"), req.get("args") or {}
    if op == "gethostname":
        answer(req, result="fake-host")
    elif op == "echo":
        answer(req, result=args.get("value"))
    elif op == "socket":
        if args.get("family") == "AF_UNIX" and not PLATFORM.get("af_unix", True):
            refuse(req, "AF_UNIX")
        elif args.get("type") == "SOCK_RAW" and not PLATFORM.get("raw_sockets", True):
            refuse(req, "raw sockets")
        else:
            answer(req)
    elif op == "bind":
        if isinstance(args.get("address"), dict) and not PLATFORM.get("abstract_unix", True):
            refuse(req, "abstract names")
        else:
            answer(req)
    elif op == "close":
        answer(req)
    elif op == "getaddrinfo" and os.environ.get("FAKE_SCOPE_ID"):
        host = args.get("host", "")
        answer(req, result=[["AF_INET6", "SOCK_DGRAM", 17, "",
                             [host.split("%")[0], 0, 0, int(os.environ["FAKE_SCOPE_ID"])]]])
    else:
        answer(req, ok=False, error={"type": "unsupported", "message": f"no op {op}"})


def main():
    hello = {"hello": 1, "impl": "caps", "impl_version": "2.0", "agent_version": "0"}
    hello.update(json.loads(os.environ.get("FAKE_HELLO") or "{}"))
    sys.stdout.write(json.dumps(hello) + "\n")
    sys.stdout.flush()
    log = os.environ.get("FAKE_LOG")
    for line in sys.stdin:
        req = json.loads(line)
        if log:
            with open(log, "a") as f:
                f.write(json.dumps(req) + "\n")
        handle(req)


if __name__ == "__main__":
    main()
