#!/usr/bin/env python3
"""A fake agent that lacks things, for the self-test of the protocol tests' unsupported
rule (test_protocol_unsupported.py).

It has no getaddrinfo flags, no AF_UNIX sockets and, of its two families and two
types, every pair but AF_INET6 datagram sockets; it says so (its hello's `sockets`
lists the three pairs it has): those requests are answered `unsupported`, naming
what is missing. With $FAKE_LIE=1 its hello declares what it lacks anyway (AI_PASSIVE
among its constants, platform.af_unix true, AF_INET6/SOCK_DGRAM among its sockets),
which the hello checks of the protocol tests must then catch. Its sockets are
pretend: socket, bind and close succeed without touching the system, and getsockopt
reads 0.
"""
import json
import os
import sys

LIE = os.environ.get("FAKE_LIE") == "1"
# Names it really resolves: the socket set-up of the hello checks needs these.
CONSTANTS = ["AF_INET", "AF_INET6", "SOCK_STREAM", "SOCK_DGRAM", "SOL_SOCKET", "SO_TYPE"]
FAMILIES = ["AF_INET", "AF_INET6"]
TYPES = ["SOCK_STREAM", "SOCK_DGRAM"]
# The family and type pairs it can create: not every family with every type.
SOCKETS = [["AF_INET", "SOCK_STREAM"], ["AF_INET", "SOCK_DGRAM"],
           ["AF_INET6", "SOCK_STREAM"]]
LIED_SOCKETS = [["AF_INET6", "SOCK_DGRAM"]]
OPS = ["socket", "bind", "close", "getsockopt", "getaddrinfo", "gethostname", "exit"]


def hello():
    return {"hello": 1, "impl": "unsupported-fake", "impl_version": "0", "agent_version": "0",
            "runtime": {"os": "linux", "libc": "glibc", "arch": "x86_64"}, "ops": OPS,
            "capabilities": {"constants": CONSTANTS + (["AI_PASSIVE"] if LIE else []),
                             "families": FAMILIES, "types": TYPES,
                             "sockets": SOCKETS + (LIED_SOCKETS if LIE else []),
                             "platform": {"af_unix": LIE}}}


class Missing(Exception):
    """What this implementation lacks: answered `unsupported` with the message."""


def serve(op, args):
    """The result of one request; raises Missing for what the fake does not have."""
    if op == "gethostname":
        return "fake-host"
    if op == "socket":
        family = args.get("family", "AF_INET")
        type_ = args.get("type", "SOCK_STREAM")
        if family not in FAMILIES:
            raise Missing("this fake has no family %s" % family)
        if [family, type_] not in SOCKETS:
            raise Missing("this fake has no %s sockets of type %s" % (family, type_))
        return None
    if op in ("bind", "close", "exit"):
        return None
    if op == "getsockopt":
        name = args.get("optname")
        if name not in CONSTANTS:
            raise Missing("this fake has no constant %s" % name)
        return 0
    if op == "getaddrinfo":
        if args.get("flags"):
            raise Missing("this fake takes no getaddrinfo flags (%s)" % json.dumps(args["flags"]))
        raise Missing("this fake resolves no names")
    raise Missing("this fake has no operation %s" % op)


def answer(req):
    reply = {"id": req.get("id"), "elapsed": 0.0}
    try:
        reply.update(ok=True, result=serve(req.get("op"), req.get("args") or {}))
    except Missing as missing:
        reply.update(ok=False, error={"type": "unsupported", "message": str(missing)})
    return reply


def main():
    print(json.dumps(hello()), flush=True)
    for line in sys.stdin:
        req = json.loads(line)
        print(json.dumps(answer(req)), flush=True)
        if req.get("op") == "exit":
            break


if __name__ == "__main__":
    main()
