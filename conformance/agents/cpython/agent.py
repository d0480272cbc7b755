#!/usr/bin/env python3
"""sockspec agent for Python's `socket` module.

The implementation under test is whichever interpreter runs this file
(CPython, PyPy, ...): every socket operation goes through the `socket` module
of that interpreter, nothing else. The wire format is the agent protocol
(docs/agent-protocol.md): one JSON object per line on stdin/stdout, a hello
line first, one response per request, in order.

Standard library only, so that it runs wherever a Python does.
"""

import errno
import json
import math
import os
import select
import socket
import sys
import time

try:  # absent on Windows; fdflags then answers `unsupported`
    import fcntl
except ImportError:  # pragma: no cover - platform dependent
    fcntl = None

AGENT_VERSION = "0.1.0"
PROTOCOL_VERSION = 1

# A request line longer than this is discarded unread and answered `protocol`.
# Large payloads travel as {"pattern": N}, so real requests stay far below it.
MAX_LINE = 256 * 1024 * 1024

# Limits on what one request may make the agent allocate: a {"pattern": N}
# payload, and the buffer of recv_into/recvfrom_into (it is zero-filled, so
# a huge one would really take that much memory). Beyond them: `protocol`.
MAX_PATTERN = 256 * 1024 * 1024
MAX_BUFFER = 64 * 1024 * 1024

# Every operation this agent answers, in the order of the contract. The
# harness treats anything not listed here as UNSUPPORTED.
MODULE_OPS = [
    "socket", "socketpair", "create_connection", "fromfd", "getaddrinfo",
    "getnameinfo", "gethostname", "gethostbyname", "gethostbyname_ex",
    "gethostbyaddr", "getfqdn", "getprotobyname", "getservbyname",
    "getservbyport", "ntohl", "ntohs", "htonl", "htons", "inet_aton",
    "inet_ntoa", "inet_pton", "inet_ntop", "getdefaulttimeout",
    "setdefaulttimeout", "has_ipv6",
]
SOCKET_OPS = [
    "accept", "bind", "close", "connect", "connect_ex", "detach", "fileno",
    "getpeername", "getsockname", "getsockopt", "gettimeout", "listen",
    "recv", "recvfrom", "recv_into", "recvfrom_into", "send", "sendall",
    "sendto", "setblocking", "settimeout", "setsockopt", "shutdown", "info",
    "ioctl", "makefile",
]
FILE_OPS = ["file.read", "file.readline", "file.write", "file.flush", "file.close"]
HELPER_OPS = ["sleep", "poll", "fdflags", "drain", "echo", "exit"]
ALL_OPS = MODULE_OPS + SOCKET_OPS + FILE_OPS + HELPER_OPS

def libc():
    """(name, version) of the C library, cheaply: glibc answers confstr at once, where
    platform.libc_ver() scans the interpreter's binary."""
    try:
        name, _, version = os.confstr("CS_GNU_LIBC_VERSION").partition(" ")
        if name:
            return name, version
    except (AttributeError, ValueError, OSError):
        pass
    import glob
    import platform
    name, version = platform.libc_ver()
    if not name and glob.glob("/lib/ld-musl-*"):
        name = "musl"   # libc_ver() only recognises glibc-style libraries
    return name, version


def machine():
    try:
        return os.uname().machine or "unknown"
    except AttributeError:      # Windows
        import platform
        return platform.machine() or "unknown"


# ---------------------------------------------------------------------------
# The hello: what runs this agent, and what it can name and create

# The hello declares an option only if getsockopt/setsockopt can take it.
# Option prefixes and their levels, the first matching prefix decides (a few
# SO_ options belong to a protocol family's level, not SOL_SOCKET).
OPTION_LEVELS = [("SO_VM_SOCKETS_", "AF_VSOCK"), ("SO_J1939_", "SOL_CAN_J1939"),
                 ("SO_", "SOL_SOCKET"), ("TCP_", "IPPROTO_TCP"), ("IPV6_", "IPPROTO_IPV6"),
                 ("IP_", "IPPROTO_IP"), ("UDP_", "IPPROTO_UDP")]
# Prefixes of names that look like options but are values or limits. The C
# agent keeps the same list (ref/agent/capabilities.c).
NOT_OPTIONS = ("IP_DEFAULT_MULTICAST_", "IP_MAX_MEMBERSHIPS", "IP_PMTUDISC_",
               "IPV6_PMTUDISC_", "IPV6_RTHDR_LOOSE", "IPV6_RTHDR_STRICT", "IPV6_RTHDR_TYPE_",
               "TCP_COOKIE_IN_ALWAYS", "TCP_COOKIE_MAX", "TCP_COOKIE_MIN",
               "TCP_COOKIE_OUT_NEVER", "TCP_COOKIE_PAIR_SIZE", "TCP_MAXWIN",
               "TCP_MAX_WINSHIFT", "TCP_MD5SIG_FLAG_", "TCP_MD5SIG_MAXKEYLEN", "TCP_MSS",
               "TCP_REPAIR_OFF", "TCP_REPAIR_ON", "TCP_S_DATA_", "UDP_ENCAP_")
# MSG_* names that are limits rather than flags.
NOT_FLAGS = ("MSG_MAXIOVLEN",)
# The families whose addresses the protocol carries, and the socket types
# that go with them.
FAMILIES = ("AF_INET", "AF_INET6", "AF_UNIX")
TYPES = ("SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW", "SOCK_SEQPACKET")


def socket_constants():
    """Every name constant_value() resolves: the module's integer constants."""
    names = []
    for name in sorted(dir(socket)):
        if is_constant_name(name):
            value = getattr(socket, name)
            if isinstance(value, int) and not isinstance(value, bool):
                names.append(name)
    return names


def capabilities():
    constants = socket_constants()
    known = set(constants)
    options = []
    for name in constants:
        for prefix, level in OPTION_LEVELS:
            if name.startswith(prefix):
                if level in known and not name.startswith(NOT_OPTIONS):
                    options.append([level, name])
                break
    return {
        "constants": constants,
        "options": options,
        "flags": [n for n in constants if n.startswith("MSG_") and n not in NOT_FLAGS],
        "families": [n for n in FAMILIES if n in known],
        "types": [n for n in TYPES if n in known],
        "platform": platform_facts(known),
    }


def platform_facts(known):
    """Only what this process can state for sure; `kernel_settings` never (a
    user-space stack under the interpreter would look the same from here)."""
    facts = {"raw_sockets": "SOCK_RAW" in known}
    if os.name == "posix":
        facts["af_unix"] = "AF_UNIX" in known
        facts["abstract_unix"] = sys.platform.startswith("linux") and "AF_UNIX" in known
    privileged = is_privileged()
    if privileged is not None:
        facts["privileged"] = privileged
    return facts


# Linux capability bits that raw sockets and network configuration need.
CAP_NET_ADMIN, CAP_NET_RAW = 12, 13


def is_privileged():
    """True/False where it can be known, None where not. On Linux the effective
    capabilities decide (root in a container may lack them); elsewhere uid 0."""
    if sys.platform.startswith("linux"):
        try:
            with open("/proc/self/status") as status:
                for line in status:
                    if line.startswith("CapEff:"):
                        caps = int(line.split()[1], 16)
                        need = (1 << CAP_NET_ADMIN) | (1 << CAP_NET_RAW)
                        return caps & need == need
        except (OSError, ValueError, IndexError):
            return None
        return None
    if hasattr(os, "geteuid"):
        return os.geteuid() == 0
    return None


def layers():
    """Emulation layers visible from inside: Wine answers through ntdll."""
    found = []
    if sys.platform == "win32":
        try:
            import ctypes
            get_version = ctypes.WinDLL("ntdll").wine_get_version
            get_version.restype = ctypes.c_char_p
            found.append({"name": "wine", "version": get_version().decode("ascii", "replace")})
        except (ImportError, OSError, AttributeError):
            pass
    return found


def implementation():
    """(impl, impl_version): the interpreter, by its own version (PyPy's is not
    the Python language version; runtime.python carries that)."""
    version = sys.implementation.version
    return sys.implementation.name, "%d.%d.%d" % (version.major, version.minor, version.micro)


def is_constant_name(name):
    """An upper-case identifier such as SO_REUSEADDR (a plain check: importing re at
    start-up would cost every case a few milliseconds)."""
    return (name[:1].isalpha() and name.isupper()
            and all(c.isdigit() or c == "_" or "A" <= c <= "Z" for c in name))

# h_errno values of <netdb.h> (and their Winsock spellings).
H_ERRNO_NAMES = {1: "HOST_NOT_FOUND", 2: "TRY_AGAIN", 3: "NO_RECOVERY", 4: "NO_DATA",
                 11001: "HOST_NOT_FOUND", 11002: "TRY_AGAIN", 11003: "NO_RECOVERY",
                 11004: "NO_DATA"}

# Several errno names share one number; the protocol wants one spelling.
PREFERRED_ERRNO = ["EAGAIN", "EOPNOTSUPP", "EDEADLK"]


def log(*parts):
    print("cpython-agent:", *parts, file=sys.stderr, flush=True)


class ProtocolError(Exception):
    """The request itself is malformed: answered with type `protocol`."""


class Unsupported(Exception):
    """The implementation has no such operation, constant or option."""


class ApiFailure(Exception):
    """An exception raised by the implementation under test; .exc is it."""

    def __init__(self, exc):
        super().__init__(exc)
        self.exc = exc


class ExitRequested(Exception):
    """The `exit` helper: answer, then leave the loop."""


# ---------------------------------------------------------------------------
# Names <-> numbers

def _errno_names():
    names = {}
    for code, name in errno.errorcode.items():
        if name.startswith("WSAE"):  # Winsock: WSAECONNREFUSED -> ECONNREFUSED
            name = name[3:]
        names.setdefault(code, name)
    for name in PREFERRED_ERRNO:
        code = getattr(errno, name, None)
        if code is not None:
            names[code] = name
    # EWOULDBLOCK is reported as EAGAIN even where the numbers differ.
    if hasattr(errno, "EWOULDBLOCK"):
        names[errno.EWOULDBLOCK] = "EAGAIN"
    return names


ERRNO_NAMES = _errno_names()


def _constant_names(prefix, preferred, exclude=()):
    """value -> name for one family of socket constants; preferred names win."""
    names = {}
    for name in preferred:
        value = getattr(socket, name, None)
        if isinstance(value, int):
            names.setdefault(int(value), name)
    for name in sorted(dir(socket)):
        if name.startswith(prefix) and name not in exclude and is_constant_name(name):
            value = getattr(socket, name)
            if isinstance(value, int) and not isinstance(value, bool):
                names.setdefault(int(value), name)
    return names


FAMILY_NAMES = _constant_names("AF_", ["AF_INET", "AF_INET6", "AF_UNIX", "AF_UNSPEC"])
TYPE_NAMES = _constant_names("SOCK_", ["SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW",
                                       "SOCK_SEQPACKET", "SOCK_RDM"],
                             exclude=("SOCK_NONBLOCK", "SOCK_CLOEXEC"))
EAI_NAMES = _constant_names("EAI_", ["EAI_NONAME", "EAI_SERVICE", "EAI_AGAIN",
                                     "EAI_FAIL", "EAI_FAMILY", "EAI_SOCKTYPE",
                                     "EAI_BADFLAGS", "EAI_MEMORY", "EAI_SYSTEM",
                                     "EAI_ADDRFAMILY", "EAI_NODATA", "EAI_OVERFLOW"])
TYPE_FLAGS = getattr(socket, "SOCK_NONBLOCK", 0) | getattr(socket, "SOCK_CLOEXEC", 0)


def family_name(value):
    return FAMILY_NAMES.get(int(value), int(value))


def type_name(value):
    value = int(value)
    if value in TYPE_NAMES:
        return TYPE_NAMES[value]
    return TYPE_NAMES.get(value & ~TYPE_FLAGS, value)


def constant_value(name):
    """A constant given by name (or, as an addition, by number)."""
    if isinstance(name, bool):
        raise ProtocolError("a constant must be a name, not a boolean")
    if isinstance(name, int):
        return name
    if not isinstance(name, str):
        raise ProtocolError("a constant must be a name such as \"AF_INET\"")
    value = getattr(socket, name, None) if is_constant_name(name) else None
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    raise Unsupported("this implementation has no constant %s" % name)


# ---------------------------------------------------------------------------
# JSON values <-> Python values

def pattern_bytes(count):
    """The protocol's generated payload: byte i is i mod 251."""
    if not 0 <= count <= MAX_PATTERN:
        raise ProtocolError("pattern length must be 0..%d" % MAX_PATTERN)
    block = bytes(range(251))
    repeats = count // 251 + 1
    return (block * repeats)[:count]


def bytes_in(value, what):
    if isinstance(value, dict) and set(value) == {"hex"} and isinstance(value["hex"], str):
        try:
            return bytes.fromhex(value["hex"])
        except ValueError:
            raise ProtocolError("%s: invalid hex string" % what) from None
    if (isinstance(value, dict) and set(value) == {"pattern"}
            and isinstance(value["pattern"], int) and not isinstance(value["pattern"], bool)):
        try:
            return pattern_bytes(value["pattern"])
        except MemoryError:
            raise ProtocolError("%s: pattern too large for this agent" % what) from None
    raise ProtocolError("%s must be {\"hex\": ...} or {\"pattern\": N}" % what)


def hex_out(data):
    return {"hex": bytes(data).hex()}


def address_in(value, what="address"):
    """A socket address as the protocol writes it -> what `socket` expects."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if set(value) == {"abstract"} and isinstance(value["abstract"], str):
            return "\0" + value["abstract"]
        raise ProtocolError("%s: an object address must be {\"abstract\": name}" % what)
    if isinstance(value, list) and value:
        for item in value:
            if isinstance(item, bool) or not isinstance(item, (str, int)):
                raise ProtocolError("%s: items must be strings or integers" % what)
        return tuple(value)
    raise ProtocolError("%s must be [host, port, ...], a path or {\"abstract\": name}" % what)


def _path_out(path):
    if path.startswith("\0"):
        return {"abstract": path[1:]}
    return path


def address_out(addr):
    """A socket address returned by `socket` -> the protocol's form."""
    if addr is None:
        return None
    if isinstance(addr, (bytes, bytearray)):
        return _path_out(bytes(addr).decode("utf-8", "backslashreplace"))
    if isinstance(addr, str):
        return _path_out(addr)
    if isinstance(addr, tuple):
        return [address_out(item) if isinstance(item, (tuple, bytes)) else item for item in addr]
    return addr


def strict_json(line):
    """Decode one request line: UTF-8, RFC 8259 only, no duplicate keys."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError("request is not valid UTF-8 (%s)" % exc) from None

    def reject_constant(name):
        raise ValueError("%s is not JSON" % name)

    def no_duplicates(pairs):
        obj = {}
        for key, value in pairs:
            if key in obj:
                raise ValueError("duplicate key %r" % key)
            obj[key] = value
        return obj

    try:
        return json.loads(text, parse_constant=reject_constant, object_pairs_hook=no_duplicates)
    except (ValueError, RecursionError) as exc:
        raise ProtocolError("request is not JSON: %s" % str(exc)[:200]) from None


# ---------------------------------------------------------------------------
# Arguments

_MISSING = object()


class Args:
    """Typed access to a request's `args`; every key must be consumed."""

    def __init__(self, raw):
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise ProtocolError("args must be an object")
        self.raw = raw
        self.used = set()
        # An unknown constant is `unsupported`, but only once the request has
        # proved well formed: done() raises it after the protocol checks.
        self.unsupported = None

    def _take(self, name, aliases=()):
        present = [n for n in (name,) + tuple(aliases) if n in self.raw]
        self.used.update(present)
        if len(present) > 1:
            raise ProtocolError("arguments %s name the same parameter" % ", ".join(present))
        return self.raw[present[0]] if present else _MISSING

    def has(self, name, aliases=()):
        return any(n in self.raw for n in (name,) + tuple(aliases))

    def _value(self, name, default, aliases):
        value = self._take(name, aliases)
        if value is _MISSING:
            if default is _MISSING:
                raise ProtocolError("missing argument %r" % name)
            return default, False
        return value, True

    def integer(self, name, default=_MISSING, aliases=()):
        value, given = self._value(name, default, aliases)
        if given and (isinstance(value, bool) or not isinstance(value, int)):
            raise ProtocolError("argument %r must be an integer" % name)
        return value

    def integer_or_null(self, name, default=_MISSING, aliases=()):
        value, given = self._value(name, default, aliases)
        if given and value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise ProtocolError("argument %r must be an integer or null" % name)
        return value

    def number(self, name, default=_MISSING, aliases=()):
        value, given = self._value(name, default, aliases)
        if given and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise ProtocolError("argument %r must be a number" % name)
        return value

    def timeout(self, name, default=_MISSING, aliases=()):
        value, given = self._value(name, default, aliases)
        if given and value is not None and (
                isinstance(value, bool) or not isinstance(value, (int, float))):
            raise ProtocolError("argument %r must be a number of seconds or null" % name)
        return value

    def flag(self, name, default=_MISSING):
        value, given = self._value(name, default, ())
        if given and not isinstance(value, (bool, int)):
            raise ProtocolError("argument %r must be a boolean" % name)
        return value

    def string(self, name, default=_MISSING, aliases=()):
        value, given = self._value(name, default, aliases)
        if given and not isinstance(value, str):
            raise ProtocolError("argument %r must be a string" % name)
        return value

    def string_or_null(self, name, default=_MISSING, aliases=()):
        value, given = self._value(name, default, aliases)
        if given and value is not None and not isinstance(value, str):
            raise ProtocolError("argument %r must be a string or null" % name)
        return value

    def port(self, name, default=_MISSING):
        value, given = self._value(name, default, ())
        if given and value is not None and (
                isinstance(value, bool) or not isinstance(value, (int, str))):
            raise ProtocolError("argument %r must be an integer, a string or null" % name)
        return value

    def constant(self, name, default=_MISSING, aliases=()):
        """One constant; a list of names is OR-ed (SOCK_STREAM | SOCK_NONBLOCK)."""
        value, given = self._value(name, default, aliases)
        if not given:
            return value
        items = value if isinstance(value, list) else [value]
        result = 0
        for item in items:
            try:
                result |= constant_value(item)
            except Unsupported as exc:
                self.unsupported = self.unsupported or exc
        return result

    def flags(self, name, default=0):
        """A flags argument: a list of names, or 0 (a number or one name also work)."""
        return self.constant(name, default)

    def data(self, name, default=_MISSING):
        value, given = self._value(name, default, ())
        return bytes_in(value, name) if given else value

    def data_or_text(self, name):
        value, _ = self._value(name, _MISSING, ())
        return value if isinstance(value, str) else bytes_in(value, name)

    def address(self, name, default=_MISSING, aliases=()):
        value, given = self._value(name, default, aliases)
        return address_in(value, name) if given else value

    def done(self):
        """Call after reading every argument and before using any."""
        unknown = sorted(set(self.raw) - self.used)
        if unknown:
            raise ProtocolError("unknown argument(s) %s" % ", ".join(unknown))
        if self.unsupported is not None:
            raise self.unsupported


# ---------------------------------------------------------------------------
# Errors

def error_object(exc):
    """An exception of the implementation under test -> the protocol's error."""
    if isinstance(exc, socket.timeout) and getattr(exc, "errno", None) is None:
        # The socket's own timeout. (Since 3.10 socket.timeout is TimeoutError,
        # which the OS-level ETIMEDOUT also raises; that one carries an errno.)
        return {"type": "timeout", "message": str(exc) or "timed out"}
    if isinstance(exc, socket.gaierror):
        code = exc.errno
        return {"type": "gaierror", "errno": EAI_NAMES.get(code) if code is not None else None,
                "code": code, "message": exc.strerror or str(exc)}
    if isinstance(exc, socket.herror):
        code = exc.errno
        return {"type": "herror", "errno": H_ERRNO_NAMES.get(code), "code": code,
                "message": exc.strerror or str(exc)}
    if isinstance(exc, ValueError) and getattr(exc, "errno", None) is None:
        # io.UnsupportedOperation is both OSError and ValueError: an invalid use
        # rejected before any system call, so `value`.
        return {"type": "value", "message": "%s: %s" % (type(exc).__name__, exc)}
    if isinstance(exc, OSError):
        code = exc.errno
        name = ERRNO_NAMES.get(code, "E%s" % code) if code is not None else None
        return {"type": "error", "errno": name, "code": code,
                "message": exc.strerror or str(exc)}
    if isinstance(exc, (ValueError, OverflowError, TypeError, MemoryError)):
        return {"type": "value", "message": "%s: %s" % (type(exc).__name__, exc)}
    # Anything else the implementation raised: still its behaviour, so `error`.
    return {"type": "error", "errno": None, "code": None,
            "message": "%s: %s" % (type(exc).__name__, exc)}


# ---------------------------------------------------------------------------
# The agent

class Agent:
    def __init__(self, out):
        self.out = out    # the file descriptor of the protocol stream
        self.socks = {}   # handle -> socket object (closed ones stay: use gives EBADF)
        self.files = {}   # handle -> file object from makefile
        self.elapsed = 0.0

    # -- output -------------------------------------------------------------

    def write(self, obj):
        try:
            line = json.dumps(obj, allow_nan=False)
        except (TypeError, ValueError) as exc:
            line = json.dumps({"id": obj.get("id"), "ok": False, "elapsed": self.elapsed,
                               "error": {"type": "protocol",
                                         "message": "agent bug: unencodable result: %s" % exc}})
        write_all(self.out, line.encode("utf-8") + b"\n")

    def hello(self):
        impl, impl_version = implementation()
        libc_name, libc_version = libc()
        self.write({
            "hello": PROTOCOL_VERSION,
            "impl": impl,
            "impl_version": impl_version,
            "agent_version": AGENT_VERSION,
            "runtime": {
                "os": os_name(),
                "libc": ("%s %s" % (libc_name, libc_version)).strip() or "unknown",
                "arch": machine(),
                "python": "%d.%d.%d" % sys.version_info[:3],
                "layers": layers(),
            },
            "ops": ALL_OPS,
            "capabilities": capabilities(),
        })

    # -- one request --------------------------------------------------------

    def handle_line(self, line):
        """Answer one line; False once the agent should stop."""
        self.elapsed = 0.0
        req_id = None
        try:
            if line is None:
                raise ProtocolError("request line longer than %d bytes" % MAX_LINE)
            req = strict_json(line)
            if not isinstance(req, dict):
                raise ProtocolError("a request must be a JSON object")
            req_id = req.get("id")
            if isinstance(req_id, bool) or not isinstance(req_id, int):
                req_id = None
                raise ProtocolError("id must be an integer")
            op = req.get("op")
            if not isinstance(op, str):
                raise ProtocolError("op must be a string")
            for key in req:
                if key not in ("id", "op", "sock", "file", "as", "args"):
                    raise ProtocolError("unknown request field %r" % key)
            handler = HANDLERS.get(op)
            if handler is None:
                raise Unsupported("operation %r is not implemented by this agent" % op)
            result = handler(self, req, Args(req.get("args")))
            self.write({"id": req_id, "ok": True, "result": result, "elapsed": self.elapsed})
        except ExitRequested:
            self.write({"id": req_id, "ok": True, "result": None, "elapsed": self.elapsed})
            return False
        except ApiFailure as failure:
            self.fail(req_id, error_object(failure.exc))
        except ProtocolError as exc:
            self.fail(req_id, {"type": "protocol", "message": str(exc)})
        except Unsupported as exc:
            self.fail(req_id, {"type": "unsupported", "message": str(exc)})
        except Exception as exc:  # a bug of this agent: report it, keep serving
            import traceback  # only on this agent's own bugs
            log("internal error:", traceback.format_exc())
            self.fail(req_id, {"type": "protocol",
                               "message": "agent bug: %s: %s" % (type(exc).__name__, exc)})
        return True

    def fail(self, req_id, error):
        self.write({"id": req_id, "ok": False, "error": error, "elapsed": self.elapsed})

    def call(self, fn, *args, **kwargs):
        """Run one call of the implementation, timed; its exceptions become ApiFailure."""
        start = time.monotonic()
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            raise ApiFailure(exc) from None
        finally:
            self.elapsed = time.monotonic() - start

    # -- handles ------------------------------------------------------------

    def sock(self, req, args=None):
        handle = req.get("sock", _MISSING)
        if handle is _MISSING and args is not None:   # helpers may name it in args
            handle = args._take("sock")
        if handle is _MISSING:
            raise ProtocolError("missing field 'sock'")
        if not isinstance(handle, str):
            raise ProtocolError("sock must be a string handle")
        if handle not in self.socks:
            raise ProtocolError("unknown socket handle %r" % handle)
        return self.socks[handle]

    def file(self, req):
        handle = req.get("file", _MISSING)
        if handle is _MISSING:
            raise ProtocolError("missing field 'file'")
        if not isinstance(handle, str):
            raise ProtocolError("file must be a string handle")
        if handle not in self.files:
            raise ProtocolError("unknown file handle %r" % handle)
        return self.files[handle]

    def new_handle(self, req, table):
        handle = req.get("as", _MISSING)
        if handle is _MISSING:
            raise ProtocolError("missing field 'as'")
        if not isinstance(handle, str) or not handle:
            raise ProtocolError("as must be a non-empty string")
        self.check_free(handle, table)
        return handle

    def check_free(self, handle, table):
        old = table.get(handle)
        if old is not None and not is_closed(old):
            raise ProtocolError("handle %r is in use (close it first)" % handle)

    def store(self, table, handle, obj):
        table[handle] = obj

    def close_all(self):
        for obj in list(self.files.values()) + list(self.socks.values()):
            try:
                obj.close()
            except Exception:
                pass
        self.files.clear()
        self.socks.clear()


def write_all(fd, data):
    """Write every byte of data to fd. A pipe takes at most its capacity at a
    time, and a stdout that someone made non-blocking answers EAGAIN when
    full: a buffered writer would then drop the rest of the line (a 131 KB
    answer cut at 64 KB), so this loops and waits until the reader drains."""
    view = memoryview(data)
    while view:
        try:
            written = os.write(fd, view)
        except BlockingIOError:
            wait_writable(fd)
            continue
        view = view[written:]


def wait_writable(fd):
    if os.name == "posix":
        select.select([], [fd], [])
    else:   # Windows' select() takes sockets only; a pipe is polled
        time.sleep(0.001)


def is_closed(obj):
    if isinstance(obj, socket.socket):
        return obj.fileno() == -1
    return getattr(obj, "closed", True)


def os_name():
    if sys.platform.startswith("linux"):
        return "linux"
    if sys.platform in ("win32", "cygwin"):
        return "windows"
    return sys.platform


def api(name):
    """A module function of the implementation, or `unsupported`."""
    fn = getattr(socket, name, None)
    if fn is None:
        raise Unsupported("socket.%s is not available in this implementation" % name)
    return fn


def method(sock, name):
    fn = getattr(sock, name, None)
    if fn is None:
        raise Unsupported("socket.%s() is not available in this implementation" % name)
    return fn


# ---------------------------------------------------------------------------
# Module functions

def op_socket(agent, req, a):
    family = a.constant("family", socket.AF_INET)
    stype = a.constant("type", socket.SOCK_STREAM)
    proto = a.constant("proto", 0)
    a.done()
    handle = agent.new_handle(req, agent.socks)
    agent.store(agent.socks, handle, agent.call(socket.socket, family, stype, proto))
    return None


def op_socketpair(agent, req, a):
    kwargs = {}
    if a.has("family"):
        kwargs["family"] = a.constant("family")
    if a.has("type"):
        kwargs["type"] = a.constant("type")
    if a.has("proto"):
        kwargs["proto"] = a.constant("proto")
    a.done()
    handles = req.get("as", _MISSING)
    if handles is _MISSING:
        raise ProtocolError("missing field 'as'")
    if (not isinstance(handles, list) or len(handles) != 2
            or not all(isinstance(h, str) and h for h in handles) or handles[0] == handles[1]):
        raise ProtocolError("as must be a list of two different handles")
    for handle in handles:
        agent.check_free(handle, agent.socks)
    first, second = agent.call(api("socketpair"), **kwargs)
    agent.store(agent.socks, handles[0], first)
    agent.store(agent.socks, handles[1], second)
    return None


def op_create_connection(agent, req, a):
    address = a.address("address")
    kwargs = {}
    if a.has("timeout"):   # absent: the module's default timeout applies
        kwargs["timeout"] = a.timeout("timeout")
    if a.has("source_address"):
        kwargs["source_address"] = a.address("source_address")
    a.done()
    handle = agent.new_handle(req, agent.socks)
    agent.store(agent.socks, handle, agent.call(socket.create_connection, address, **kwargs))
    return None


def op_fromfd(agent, req, a):
    fd = a.integer("fd")
    family = a.constant("family")
    stype = a.constant("type")
    proto = a.constant("proto", 0)
    a.done()
    handle = agent.new_handle(req, agent.socks)
    agent.store(agent.socks, handle, agent.call(api("fromfd"), fd, family, stype, proto))
    return None


def op_getaddrinfo(agent, req, a):
    host = a.string_or_null("host")
    port = a.port("port")
    family = a.constant("family", 0)
    stype = a.constant("type", 0)
    proto = a.constant("proto", 0)
    flags = a.flags("flags")
    a.done()
    infos = agent.call(socket.getaddrinfo, host, port, family, stype, proto, flags)
    return [[family_name(f), type_name(t), int(p), canon, address_out(sa)]
            for f, t, p, canon, sa in infos]


def op_getnameinfo(agent, req, a):
    sockaddr = a.address("sockaddr", aliases=("address",))
    flags = a.flags("flags", _MISSING)   # the documentation gives no default
    a.done()
    host, port = agent.call(socket.getnameinfo, sockaddr, flags)
    return [host, port]


def op_gethostname(agent, req, a):
    a.done()
    return agent.call(socket.gethostname)


def op_gethostbyname(agent, req, a):
    name = a.string("hostname", aliases=("name",))
    a.done()
    return agent.call(socket.gethostbyname, name)


def _host_triple(triple):
    hostname, aliases, addresses = triple
    return [hostname, list(aliases), list(addresses)]


def op_gethostbyname_ex(agent, req, a):
    name = a.string("hostname", aliases=("name",))
    a.done()
    return _host_triple(agent.call(socket.gethostbyname_ex, name))


def op_gethostbyaddr(agent, req, a):
    address = a.string("ip_address", aliases=("name",))
    a.done()
    return _host_triple(agent.call(socket.gethostbyaddr, address))


def op_getfqdn(agent, req, a):
    name = a.string("name", "")
    a.done()
    return agent.call(socket.getfqdn, name)


def op_getprotobyname(agent, req, a):
    name = a.string("protocolname", aliases=("name",))
    a.done()
    return agent.call(socket.getprotobyname, name)


def op_getservbyname(agent, req, a):
    name = a.string("servicename", aliases=("name",))
    proto = a.string("protocolname", None)
    a.done()
    if proto is None:
        return agent.call(socket.getservbyname, name)
    return agent.call(socket.getservbyname, name, proto)


def op_getservbyport(agent, req, a):
    port = a.integer("port")
    proto = a.string("protocolname", None)
    a.done()
    if proto is None:
        return agent.call(socket.getservbyport, port)
    return agent.call(socket.getservbyport, port, proto)


def _byte_order(name):
    def handler(agent, req, a):
        x = a.integer("x")
        a.done()
        return agent.call(getattr(socket, name), x)
    return handler


def op_inet_aton(agent, req, a):
    text = a.string("ip_string")
    a.done()
    return hex_out(agent.call(socket.inet_aton, text))


def op_inet_ntoa(agent, req, a):
    packed = a.data("packed_ip")
    a.done()
    return agent.call(socket.inet_ntoa, packed)


def op_inet_pton(agent, req, a):
    family = a.constant("address_family", aliases=("family",))
    text = a.string("ip_string")
    a.done()
    return hex_out(agent.call(api("inet_pton"), family, text))


def op_inet_ntop(agent, req, a):
    family = a.constant("address_family", aliases=("family",))
    packed = a.data("packed_ip")
    a.done()
    return agent.call(api("inet_ntop"), family, packed)


def op_getdefaulttimeout(agent, req, a):
    a.done()
    return agent.call(socket.getdefaulttimeout)


def op_setdefaulttimeout(agent, req, a):
    value = a.timeout("timeout")
    a.done()
    agent.call(socket.setdefaulttimeout, value)
    return None


def op_has_ipv6(agent, req, a):
    a.done()
    if not hasattr(socket, "has_ipv6"):
        raise Unsupported("socket.has_ipv6 is not available in this implementation")
    return bool(agent.call(getattr, socket, "has_ipv6"))


# ---------------------------------------------------------------------------
# Socket methods

def op_accept(agent, req, a):
    a.done()
    sock = agent.sock(req)
    handle = agent.new_handle(req, agent.socks)
    conn, address = agent.call(sock.accept)
    agent.store(agent.socks, handle, conn)
    return {"address": address_out(address)}


def _address_method(name):
    def handler(agent, req, a):
        address = a.address("address")
        a.done()
        sock = agent.sock(req)
        result = agent.call(getattr(sock, name), address)
        return result if name == "connect_ex" else None
    return handler


def _plain_method(name, convert=lambda value: value):
    def handler(agent, req, a):
        a.done()
        sock = agent.sock(req)
        return convert(agent.call(getattr(sock, name)))
    return handler


def op_close(agent, req, a):
    a.done()
    sock = agent.sock(req)
    agent.call(sock.close)
    return None   # the handle stays: later use answers what the implementation says (EBADF)


def op_detach(agent, req, a):
    a.done()
    sock = agent.sock(req)
    fd = agent.call(sock.detach)
    del agent.socks[req["sock"]]   # forgotten: the descriptor now belongs to the caller
    return fd


def op_getsockopt(agent, req, a):
    level = a.constant("level")
    optname = a.constant("optname")
    buflen = a.integer("buflen", None)
    a.done()
    sock = agent.sock(req)
    if buflen is None:
        return agent.call(sock.getsockopt, level, optname)
    return hex_out(agent.call(sock.getsockopt, level, optname, buflen))


def op_setsockopt(agent, req, a):
    level = a.constant("level")
    optname = a.constant("optname")
    raw = a.raw.get("value", _MISSING)
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = a.integer("value")
    elif raw is _MISSING:
        raise ProtocolError("missing argument 'value'")
    else:
        value = a.data("value")
    a.done()
    sock = agent.sock(req)
    agent.call(sock.setsockopt, level, optname, value)
    return None


def op_listen(agent, req, a):
    backlog = a.integer("backlog", None)
    a.done()
    sock = agent.sock(req)
    if backlog is None:   # left out: the implementation's own default
        agent.call(sock.listen)
    else:
        agent.call(sock.listen, backlog)
    return None


def op_recv(agent, req, a):
    bufsize = a.integer("bufsize")
    flags = a.flags("flags")
    a.done()
    sock = agent.sock(req)
    return hex_out(agent.call(sock.recv, bufsize, flags))


def op_recvfrom(agent, req, a):
    bufsize = a.integer("bufsize")
    flags = a.flags("flags")
    a.done()
    sock = agent.sock(req)
    data, address = agent.call(sock.recvfrom, bufsize, flags)
    return {"data": hex_out(data), "address": address_out(address)}


def _buffer(a):
    size = a.integer("size")
    if not 0 <= size <= MAX_BUFFER:
        raise ProtocolError("size must be 0..%d" % MAX_BUFFER)
    try:
        return bytearray(size)
    except (MemoryError, OverflowError):
        raise ProtocolError("size %d is too large for this agent" % size) from None


def op_recv_into(agent, req, a):
    buf = _buffer(a)
    nbytes = a.integer("nbytes", 0)
    flags = a.flags("flags")
    a.done()
    sock = agent.sock(req)
    count = agent.call(sock.recv_into, buf, nbytes, flags)
    return {"count": count, "data": hex_out(buf[:count])}


def op_recvfrom_into(agent, req, a):
    buf = _buffer(a)
    nbytes = a.integer("nbytes", 0)
    flags = a.flags("flags")
    a.done()
    sock = agent.sock(req)
    count, address = agent.call(sock.recvfrom_into, buf, nbytes, flags)
    return {"count": count, "data": hex_out(buf[:count]), "address": address_out(address)}


def op_send(agent, req, a):
    data = a.data("data")
    flags = a.flags("flags")
    a.done()
    sock = agent.sock(req)
    return agent.call(sock.send, data, flags)


def op_sendall(agent, req, a):
    data = a.data("data")
    flags = a.flags("flags")
    a.done()
    sock = agent.sock(req)
    agent.call(sock.sendall, data, flags)
    return None


def op_sendto(agent, req, a):
    data = a.data("data")
    given_flags = a.has("flags")
    flags = a.flags("flags")
    address = a.address("address")
    a.done()
    sock = agent.sock(req)
    if given_flags:
        return agent.call(sock.sendto, data, flags, address)
    return agent.call(sock.sendto, data, address)   # the documented two-argument form


def op_setblocking(agent, req, a):
    flag = a.flag("flag")
    a.done()
    sock = agent.sock(req)
    agent.call(sock.setblocking, flag)
    return None


def op_settimeout(agent, req, a):
    value = a.timeout("value")
    a.done()
    sock = agent.sock(req)
    agent.call(sock.settimeout, value)
    return None


def op_shutdown(agent, req, a):
    how = a.constant("how")
    a.done()
    sock = agent.sock(req)
    agent.call(sock.shutdown, how)
    return None


def op_info(agent, req, a):
    a.done()
    sock = agent.sock(req)
    family, stype, proto = agent.call(lambda: (sock.family, sock.type, sock.proto))
    return {"family": family_name(family), "type": type_name(stype), "proto": int(proto)}


def op_ioctl(agent, req, a):
    control = a.constant("control")
    raw = a.raw.get("option", _MISSING)
    if isinstance(raw, list) and all(isinstance(x, int) and not isinstance(x, bool) for x in raw):
        a._take("option")
        option = tuple(raw)       # e.g. SIO_KEEPALIVE_VALS (onoff, time, interval)
    else:
        option = a.constant("option")
    a.done()
    sock = agent.sock(req)
    return agent.call(method(sock, "ioctl"), control, option)


def op_makefile(agent, req, a):
    mode = a.string("mode", "r")
    buffering = a.integer_or_null("buffering", None)
    kwargs = {}
    for name in ("encoding", "errors", "newline"):
        if a.has(name):
            kwargs[name] = a.string_or_null(name)
    a.done()
    sock = agent.sock(req)
    handle = agent.new_handle(req, agent.files)
    agent.store(agent.files, handle, agent.call(sock.makefile, mode, buffering, **kwargs))
    return None


# ---------------------------------------------------------------------------
# File objects from makefile

def _file_result(value):
    if isinstance(value, (bytes, bytearray)):
        return hex_out(value)
    return value      # text mode: a string; None when nothing could be read


def op_file_read(agent, req, a):
    size = a.integer_or_null("size", -1)
    a.done()
    f = agent.file(req)
    return _file_result(agent.call(f.read, size))


def op_file_readline(agent, req, a):
    size = a.integer_or_null("size", -1)
    a.done()
    f = agent.file(req)
    return _file_result(agent.call(f.readline, size))


def op_file_write(agent, req, a):
    data = a.data_or_text("data")
    a.done()
    f = agent.file(req)
    return agent.call(f.write, data)


def op_file_flush(agent, req, a):
    a.done()
    agent.call(agent.file(req).flush)
    return None


def op_file_close(agent, req, a):
    a.done()
    agent.call(agent.file(req).close)
    return None


# ---------------------------------------------------------------------------
# Helpers

def op_sleep(agent, req, a):
    seconds = a.number("seconds")
    a.done()
    agent.call(time.sleep, seconds)
    return None


def _fd_of(sock):
    fd = sock.fileno()
    if fd < 0:
        raise OSError(errno.EBADF, os.strerror(errno.EBADF))
    return fd


def _poll_ready(sock, want_in, want_out, timeout):
    """Readiness as select() defines it: `in` when a recv would not block,
    `out` when a send would not block (errors and hang-ups count)."""
    fd = _fd_of(sock)
    if hasattr(select, "poll"):
        poller = select.poll()
        mask = (select.POLLIN if want_in else 0) | (select.POLLOUT if want_out else 0)
        poller.register(fd, mask)
        ms = None if timeout is None else max(0, math.ceil(timeout * 1000))
        revents = 0
        for _, ev in poller.poll(ms):
            revents |= ev
        if revents & select.POLLNVAL:
            raise OSError(errno.EBADF, os.strerror(errno.EBADF))
        readable = bool(revents & (select.POLLIN | select.POLLHUP | select.POLLERR))
        writable = bool(revents & (select.POLLOUT | select.POLLERR))
    else:   # Windows
        r, w, x = select.select([fd] if want_in else [], [fd] if want_out else [], [fd], timeout)
        readable, writable = bool(r or x), bool(w or x)
    ready = []
    if want_in and readable:
        ready.append("in")
    if want_out and writable:
        ready.append("out")
    return ready


def op_poll(agent, req, a):
    sock = agent.sock(req, a)
    events = a._take("events")
    if events is _MISSING:
        raise ProtocolError("missing argument 'events'")
    if (not isinstance(events, list) or not events
            or any(e not in ("in", "out") for e in events)):
        raise ProtocolError("events must be a non-empty list of \"in\" and \"out\"")
    timeout = a.timeout("timeout", None)
    a.done()
    return agent.call(_poll_ready, sock, "in" in events, "out" in events, timeout)


def _fdflags(sock):
    fd = _fd_of(sock)
    status = fcntl.fcntl(fd, fcntl.F_GETFL)
    descriptor = fcntl.fcntl(fd, fcntl.F_GETFD)
    return {"nonblocking": bool(status & os.O_NONBLOCK),
            "cloexec": bool(descriptor & fcntl.FD_CLOEXEC)}


def op_fdflags(agent, req, a):
    sock = agent.sock(req, a)
    a.done()
    if fcntl is None:
        raise Unsupported("fdflags needs fcntl, which this platform lacks")
    return agent.call(_fdflags, sock)


def _drain(sock, bufsize, limit):
    import hashlib  # lazily: its OpenSSL binding is the slowest import of the agent
    digest = hashlib.sha256()
    count = 0
    while limit is None or count < limit:
        want = bufsize if limit is None else min(bufsize, limit - count)
        data = sock.recv(want)
        if not data:
            break
        digest.update(data)
        count += len(data)
    return {"count": count, "sha256": digest.hexdigest()}


def op_drain(agent, req, a):
    sock = agent.sock(req, a)
    bufsize = a.integer("bufsize", 65536)
    limit = a.integer_or_null("limit", None)
    a.done()
    if bufsize <= 0:
        raise ProtocolError("bufsize must be > 0")
    if limit is not None and limit < 0:
        raise ProtocolError("limit must be >= 0")
    return agent.call(_drain, sock, bufsize, limit)


def _echo(sock, bufsize):
    # The seed's echo server loop, as written there: send() (not sendall),
    # so a short send loses data exactly as the documented program would.
    count = 0
    while True:
        data = sock.recv(bufsize)
        if not data:
            break
        count += sock.send(data)
    return {"count": count}


def op_echo(agent, req, a):
    sock = agent.sock(req, a)
    bufsize = a.integer("bufsize", 1024)
    a.done()
    if bufsize <= 0:
        raise ProtocolError("bufsize must be > 0")
    return agent.call(_echo, sock, bufsize)


def op_exit(agent, req, a):
    a.done()
    raise ExitRequested()


HANDLERS = {
    "socket": op_socket,
    "socketpair": op_socketpair,
    "create_connection": op_create_connection,
    "fromfd": op_fromfd,
    "getaddrinfo": op_getaddrinfo,
    "getnameinfo": op_getnameinfo,
    "gethostname": op_gethostname,
    "gethostbyname": op_gethostbyname,
    "gethostbyname_ex": op_gethostbyname_ex,
    "gethostbyaddr": op_gethostbyaddr,
    "getfqdn": op_getfqdn,
    "getprotobyname": op_getprotobyname,
    "getservbyname": op_getservbyname,
    "getservbyport": op_getservbyport,
    "ntohl": _byte_order("ntohl"),
    "ntohs": _byte_order("ntohs"),
    "htonl": _byte_order("htonl"),
    "htons": _byte_order("htons"),
    "inet_aton": op_inet_aton,
    "inet_ntoa": op_inet_ntoa,
    "inet_pton": op_inet_pton,
    "inet_ntop": op_inet_ntop,
    "getdefaulttimeout": op_getdefaulttimeout,
    "setdefaulttimeout": op_setdefaulttimeout,
    "has_ipv6": op_has_ipv6,
    "accept": op_accept,
    "bind": _address_method("bind"),
    "close": op_close,
    "connect": _address_method("connect"),
    "connect_ex": _address_method("connect_ex"),
    "detach": op_detach,
    "fileno": _plain_method("fileno"),
    "getpeername": _plain_method("getpeername", address_out),
    "getsockname": _plain_method("getsockname", address_out),
    "getsockopt": op_getsockopt,
    "gettimeout": _plain_method("gettimeout"),
    "listen": op_listen,
    "recv": op_recv,
    "recvfrom": op_recvfrom,
    "recv_into": op_recv_into,
    "recvfrom_into": op_recvfrom_into,
    "send": op_send,
    "sendall": op_sendall,
    "sendto": op_sendto,
    "setblocking": op_setblocking,
    "settimeout": op_settimeout,
    "setsockopt": op_setsockopt,
    "shutdown": op_shutdown,
    "info": op_info,
    "ioctl": op_ioctl,
    "makefile": op_makefile,
    "file.read": op_file_read,
    "file.readline": op_file_readline,
    "file.write": op_file_write,
    "file.flush": op_file_flush,
    "file.close": op_file_close,
    "sleep": op_sleep,
    "poll": op_poll,
    "fdflags": op_fdflags,
    "drain": op_drain,
    "echo": op_echo,
    "exit": op_exit,
}
assert set(HANDLERS) == set(ALL_OPS)


# ---------------------------------------------------------------------------
# Main loop

def read_request(stream):
    """The next line (without its newline); None for an over-long line
    (discarded); b"" only at end of input."""
    line = stream.readline(MAX_LINE + 1)
    if len(line) > MAX_LINE and not line.endswith(b"\n"):
        while True:     # skip the rest of the over-long line
            rest = stream.readline(1 << 20)
            if not rest or rest.endswith(b"\n"):
                return None
    if not line:
        return b""
    return line.rstrip(b"\n") or b" "   # an empty line is a (malformed) request


def main():
    out = sys.stdout.fileno()
    if os.name == "nt":   # no newline translation on the protocol stream
        import msvcrt
        msvcrt.setmode(out, os.O_BINARY)
    agent = Agent(out)
    try:
        agent.hello()
        while True:
            line = read_request(sys.stdin.buffer)
            if line == b"":
                break
            if not agent.handle_line(line):
                break
    except BrokenPipeError:
        pass  # the harness has gone; nobody to answer
    finally:
        agent.close_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
