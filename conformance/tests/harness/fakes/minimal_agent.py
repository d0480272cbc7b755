#!/usr/bin/env python3
"""A deliberately minimal agent (docs/agent-protocol.md): TCP over IPv4 and nothing else.

It stands for an implementation that honestly lacks most of the API: its hello lists
only what it implements, and anything else it is asked - another family or type, a
flag, SHUT_RD, an argument it has no use for - is answered `unsupported`. What it does
implement goes to the real operating system through Python's socket module, so its
answers are real ones. A run of the catalog with it must give only PASS and
UNSUPPORTED (docs/harness.md, Statuses); the harness self-tests run parts of it.
"""
import errno
import hashlib
import json
import socket
import sys
import time

OPS = ["socket", "bind", "listen", "accept", "connect", "create_connection", "send",
       "sendall", "recv", "close", "getsockname", "settimeout", "gettimeout",
       "setblocking", "shutdown", "echo", "drain", "sleep", "exit"]
# Every argument each operation takes; a request naming another is a protocol error.
ARGS = {"socket": ("family", "type", "proto"), "bind": ("address",),
        "listen": ("backlog",), "accept": (), "connect": ("address",),
        "create_connection": ("address", "timeout", "source_address"),
        "send": ("data", "flags"), "sendall": ("data", "flags"),
        "recv": ("bufsize", "flags"), "close": (), "getsockname": (),
        "settimeout": ("value",), "gettimeout": (), "setblocking": ("flag",),
        "shutdown": ("how",), "echo": ("bufsize", "sock"), "drain": ("bufsize", "limit", "sock"),
        "sleep": ("seconds",), "exit": ()}
MAKES_SOCKET = ("socket", "accept", "create_connection")
NO_SOCKET = ("socket", "create_connection", "sleep", "exit")
EAI_NAMES = {getattr(socket, n): n for n in dir(socket) if n.startswith("EAI_")}


class Protocol(Exception):
    pass


class Missing(Exception):
    """The implementation has no such thing: answered `unsupported`."""


def constant(value, names: dict, what: str):
    """A constant of this implementation: one of `names` (name -> number), by name or
    number; anything else it does not have."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise Missing(f"this implementation has no {what} {json.dumps(value)}")
    if isinstance(value, int):
        if value in names.values():
            return value
        raise Missing(f"this implementation has no {what} {value}")
    if value in names:
        return names[value]
    raise Missing(f"this implementation has no constant {value}")


def payload(value) -> bytes:
    if isinstance(value, dict) and set(value) == {"hex"} and isinstance(value["hex"], str):
        try:
            return bytes.fromhex(value["hex"])
        except ValueError:
            raise Protocol("data: bad hex") from None
    if isinstance(value, dict) and set(value) == {"pattern"} and isinstance(value["pattern"], int):
        return bytes(i % 251 for i in range(value["pattern"]))
    raise Protocol("data must be {\"hex\": ...} or {\"pattern\": N}")


def no_flags(args: dict) -> None:
    flags = args.get("flags", 0)
    if flags not in (0, []):
        raise Missing(f"this implementation takes no flags ({json.dumps(flags)})")


def address(value) -> tuple:
    if not isinstance(value, list) or len(value) != 2 or not isinstance(value[0], str) \
            or isinstance(value[1], bool) or not isinstance(value[1], int):
        if isinstance(value, list) and len(value) == 4:
            raise Missing("this implementation has no AF_INET6 addresses")
        raise Protocol("address must be [host, port]")
    if ":" in value[0]:
        raise Missing("this implementation has no AF_INET6 addresses")
    return value[0], value[1]


def timeout_value(value):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise Protocol("a timeout is a number or null")
    return value


class Agent:
    def __init__(self):
        self.socks: dict[str, socket.socket] = {}

    def sock(self, req):
        handle = req.get("sock") or (req.get("args") or {}).get("sock")
        if not isinstance(handle, str):
            raise Protocol("missing sock")
        if handle not in self.socks:
            raise Protocol(f"unknown socket handle {handle!r}")
        return self.socks[handle]

    def check(self, req) -> tuple:
        """Everything about the request that can be checked before the call."""
        unknown = set(req) - {"id", "op", "sock", "file", "as", "args"}
        if unknown:
            raise Protocol(f"unknown request fields {sorted(unknown)}")
        op, args = req["op"], req.get("args") or {}
        if not isinstance(args, dict):
            raise Protocol("args must be an object")
        extra = set(args) - set(ARGS[op])
        if extra:
            raise Protocol(f"{op}: unknown arguments {sorted(extra)}")
        sock = None if op in NO_SOCKET else self.sock(req)
        handle = req.get("as")
        if op in MAKES_SOCKET:
            if not isinstance(handle, str) or not handle:
                raise Protocol(f"{op} needs 'as', a handle")
            old = self.socks.get(handle)
            if old is not None and old.fileno() != -1:
                raise Protocol(f"handle {handle!r} holds an open socket")
        return op, args, sock, handle

    # ---- the operations: each returns a callable making the one call, and a converter
    def prepare(self, op, args, sock, handle):
        if op == "socket":
            family = constant(args.get("family", "AF_INET"), {"AF_INET": 2}, "family")
            kind = constant(args.get("type", "SOCK_STREAM"), {"SOCK_STREAM": 1}, "type")
            proto = constant(args.get("proto", 0), {"IPPROTO_TCP": 6}, "protocol") \
                if args.get("proto", 0) != 0 else 0
            return lambda: self.keep(handle, socket.socket(family, kind, proto)), None
        if op == "create_connection":
            host, port = address(args.get("address"))
            source = address(args["source_address"]) if args.get("source_address") \
                is not None else None
            timeout = timeout_value(args["timeout"]) if "timeout" in args \
                else socket.getdefaulttimeout()
            return lambda: self.keep(handle, self.connect_to(host, port, timeout, source)), \
                None
        if op == "bind":
            where = address(args.get("address"))
            return lambda: sock.bind(where), None
        if op == "connect":
            where = address(args.get("address"))
            return lambda: sock.connect(where), None
        if op == "listen":
            backlog = args.get("backlog")
            if backlog is not None and (isinstance(backlog, bool) or not isinstance(backlog, int)):
                raise Protocol("backlog must be an integer")
            return (lambda: sock.listen(backlog)) if backlog is not None else sock.listen, None

        if op == "accept":
            def accept():
                conn, peer = sock.accept()
                self.keep(handle, conn)
                return {"address": list(peer)}
            return accept, None
        if op in ("send", "sendall"):
            data = payload(args.get("data"))
            no_flags(args)
            return (lambda: getattr(sock, op)(data)), None
        if op == "recv":
            bufsize = args.get("bufsize")
            if isinstance(bufsize, bool) or not isinstance(bufsize, int):
                raise Protocol("bufsize must be an integer")
            no_flags(args)
            return (lambda: sock.recv(bufsize)), lambda b: {"hex": b.hex()}
        if op == "close":
            return sock.close, None
        if op == "getsockname":
            return sock.getsockname, list
        if op == "gettimeout":
            return sock.gettimeout, None
        if op == "settimeout":
            value = args.get("value")
            if value is not None and (isinstance(value, bool)
                                      or not isinstance(value, (int, float))):
                raise Protocol("value must be a number or null")
            return (lambda: sock.settimeout(value)), None
        if op == "setblocking":
            flag = args.get("flag")
            if not isinstance(flag, bool):
                raise Protocol("flag must be true or false")
            return (lambda: sock.setblocking(flag)), None
        if op == "shutdown":
            # A number is used as it is (the protocol's rule): the system judges it.
            how = args.get("how")
            if not isinstance(how, int) or isinstance(how, bool):
                how = constant(how, {"SHUT_WR": socket.SHUT_WR}, "shutdown mode")
            return (lambda: sock.shutdown(how)), None
        if op == "echo":
            bufsize = args.get("bufsize", 1024)
            return (lambda: self.echo(sock, bufsize)), None
        if op == "drain":
            bufsize, limit = args.get("bufsize", 65536), args.get("limit")
            return (lambda: self.drain(sock, bufsize, limit)), None
        if op == "sleep":
            seconds = args.get("seconds")
            if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
                raise Protocol("seconds must be a number")
            return (lambda: time.sleep(seconds)), None
        if op == "exit":
            return (lambda: None), None
        raise Missing(f"this implementation has no operation {op}")

    def keep(self, handle, sock):
        self.socks[handle] = sock
        return None

    @staticmethod
    def connect_to(host, port, timeout, source):
        last = None
        for family, kind, proto, _, where in socket.getaddrinfo(host, port, socket.AF_INET,
                                                                  socket.SOCK_STREAM):
            s = socket.socket(family, kind, proto)
            try:
                s.settimeout(timeout)
                if source is not None:
                    s.bind(source)
                s.connect(where)
                return s
            except OSError as e:
                last = e
                s.close()
        raise last if last is not None else OSError("getaddrinfo returned nothing")

    @staticmethod
    def echo(sock, bufsize):
        count = 0
        while True:
            data = sock.recv(bufsize)
            if not data:
                return {"count": count}
            count += sock.send(data)

    @staticmethod
    def drain(sock, bufsize, limit):
        count, digest = 0, hashlib.sha256()
        while limit is None or count < limit:
            data = sock.recv(bufsize if limit is None else min(bufsize, limit - count))
            if not data:
                break
            count += len(data)
            digest.update(data)
        return {"count": count, "sha256": digest.hexdigest()}

    # ---- one request
    def handle(self, req) -> dict:
        if not isinstance(req, dict) or isinstance(req.get("id"), bool) \
                or not isinstance(req.get("id"), int):
            return fail(None, "protocol", "a request is an object with an integer id")
        rid, op = req["id"], req.get("op")
        if not isinstance(op, str):
            return fail(rid, "protocol", "op must be a string")
        if op not in OPS:
            return fail(rid, "unsupported", f"this implementation has no operation {op}")
        try:
            op, args, sock, handle = self.check(req)
            call, convert = self.prepare(op, args, sock, handle)
        except Protocol as e:
            return fail(rid, "protocol", str(e))
        except Missing as e:
            return fail(rid, "unsupported", str(e))
        t0 = time.monotonic()
        try:
            result = call()
        except OSError as e:
            return dict(error_answer(e), id=rid, elapsed=time.monotonic() - t0)
        except (ValueError, OverflowError, TypeError) as e:
            return {"id": rid, "ok": False, "error": {"type": "value", "message":
                    f"{type(e).__name__}: {e}"}, "elapsed": time.monotonic() - t0}
        elapsed = time.monotonic() - t0
        if convert is not None and result is not None:
            result = convert(result)
        return {"id": rid, "ok": True, "result": result, "elapsed": elapsed}


def error_answer(e: OSError) -> dict:
    if isinstance(e, socket.gaierror):
        return {"ok": False, "error": {"type": "gaierror", "errno": EAI_NAMES.get(e.errno),
                                       "code": e.errno, "message": e.strerror or str(e)}}
    if isinstance(e, TimeoutError) and e.errno is None:
        return {"ok": False, "error": {"type": "timeout", "message": "timed out"}}
    name = errno.errorcode.get(e.errno) if e.errno is not None else None
    if name == "EWOULDBLOCK":
        name = "EAGAIN"
    if name == "ENOTSUP":
        name = "EOPNOTSUPP"
    return {"ok": False, "error": {"type": "error", "errno": name, "code": e.errno,
                                   "message": e.strerror or str(e)}}


def fail(rid, kind: str, message: str) -> dict:
    return {"id": rid, "ok": False, "error": {"type": kind, "message": message}, "elapsed": 0.0}


def write(obj) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main() -> int:
    write({"hello": 1, "impl": "minimal", "impl_version": "0.1", "agent_version": "0.1",
           "runtime": {"os": "linux", "libc": "glibc", "arch": "x86_64"}, "ops": OPS})
    agent = Agent()
    for line in sys.stdin.buffer:
        try:
            req = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            write(fail(None, "protocol", "not a JSON line"))
            continue
        try:
            answer = agent.handle(req)
        except Exception as e:       # a bug of this agent: answered, never fatal
            answer = fail(req.get("id") if isinstance(req, dict) else None, "protocol",
                          f"agent bug: {type(e).__name__}: {e}")
        write(answer)
        if isinstance(req, dict) and req.get("op") == "exit" and answer.get("ok"):
            break
    for s in agent.socks.values():
        s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
