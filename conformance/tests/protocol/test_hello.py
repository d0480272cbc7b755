"""The hello line: its fields, the ops list, and the capabilities it declares."""

from agentclient import AgentTestCase, loopback_v6_available

CONTRACT_OPS = [
    # module functions
    "socket", "socketpair", "create_connection", "fromfd", "getaddrinfo", "getnameinfo",
    "gethostname", "gethostbyname", "gethostbyname_ex", "gethostbyaddr", "getfqdn",
    "getprotobyname", "getservbyname", "getservbyport", "ntohl", "ntohs", "htonl", "htons",
    "inet_aton", "inet_ntoa", "inet_pton", "inet_ntop", "getdefaulttimeout",
    "setdefaulttimeout", "has_ipv6",
    # socket methods
    "accept", "bind", "close", "connect", "connect_ex", "detach", "fileno", "getpeername",
    "getsockname", "getsockopt", "gettimeout", "listen", "recv", "recvfrom", "recv_into",
    "recvfrom_into", "send", "sendall", "sendto", "setblocking", "settimeout", "setsockopt",
    "shutdown", "info", "ioctl", "makefile",
    "file.read", "file.readline", "file.write", "file.flush", "file.close",
    # helpers
    "sleep", "poll", "fdflags", "drain", "echo", "exit",
]


class HelloTest(AgentTestCase):
    def test_hello_fields(self):
        hello = self.agent.hello
        self.assertEqual(hello.get("hello"), 1, hello)
        for key in ("impl", "impl_version", "agent_version"):
            self.assertIsInstance(hello.get(key), str, key)
            self.assertTrue(hello[key], key)
        runtime = hello.get("runtime")
        self.assertIsInstance(runtime, dict)
        for key in ("os", "libc", "arch"):
            self.assertIsInstance(runtime.get(key), str, key)

    def test_runtime_layers(self):
        layers = self.agent.hello["runtime"].get("layers", [])
        self.assertIsInstance(layers, list)
        for layer in layers:
            self.assertIsInstance(layer, dict, layer)
            self.assertEqual(sorted(layer), ["name", "version"], layer)
            self.assertIsInstance(layer["name"], str, layer)
            self.assertTrue(layer["name"], layer)
            self.assertIsInstance(layer["version"], str, layer)

    def test_ops_is_a_list_of_distinct_names(self):
        ops = self.agent.hello.get("ops")
        self.assertIsInstance(ops, list)
        self.assertTrue(ops)
        for op in ops:
            self.assertIsInstance(op, str)
        self.assertEqual(len(ops), len(set(ops)), "duplicated names in ops")

    def test_missing_contract_ops_are_listed_for_the_record(self):
        # An agent may leave operations out (the harness then reports UNSUPPORTED);
        # this test only fails when it lists names twice or forgets core ones.
        ops = set(self.agent.hello.get("ops", []))
        core = {"socket", "bind", "listen", "accept", "connect", "send", "recv", "close",
                "getsockname", "exit"}
        self.assertFalse(core - ops, "core operations missing from ops")
        missing = [op for op in CONTRACT_OPS if op not in ops]
        if missing:
            print("\nnote: agent does not list: %s" % ", ".join(missing))

    def test_an_op_not_in_ops_is_unsupported(self):
        reply = self.agent.request("no_such_operation")
        self.assertFalse(reply["ok"])
        self.assertEqual(reply["error"]["type"], "unsupported")
        self.assert_alive()


PLATFORM_KEYS = {"af_unix", "abstract_unix", "raw_sockets", "privileged", "kernel_settings"}
NAME_LISTS = ("constants", "flags", "families", "types")
PAIR_LISTS = ("options", "sockets")      # lists of [level, name] / [family, type]

# The socket each option level is read on: one that has the level.
LEVEL_SOCKETS = {"IPPROTO_IPV6": ("AF_INET6", "SOCK_DGRAM"), "IPPROTO_TCP": ("AF_INET", "SOCK_STREAM"),
                 "SOL_SOCKET": ("AF_INET", "SOCK_STREAM")}
DEFAULT_SOCKET = ("AF_INET", "SOCK_DGRAM")


class CapabilitiesTest(AgentTestCase):
    """What the hello declares holds: a declared name never answers `unsupported`.
    (Every field is optional; a missing one declares nothing to check.)

    Elsewhere an `unsupported` answer skips its test; here the requests that try a
    declaration run inside `declared`, so that the same answer fails: the hello said
    the name is there. Set-up requests (a socket to read options on) still skip."""

    def capability(self, key):
        capabilities = self.agent.hello.get("capabilities", {})
        if key not in capabilities:
            self.skipTest("the hello declares no capabilities.%s" % key)
        return capabilities[key]

    def leaves_out(self, key, name):
        """Whether the hello's list capabilities[key] is there and lacks name."""
        listed = self.agent.hello.get("capabilities", {}).get(key)
        return listed is not None and name not in listed

    def leaves_out_socket(self, family, type_):
        """Whether the hello says it cannot create a socket of this family and type: it
        lacks the family, the type, or (where it lists them) the pair."""
        return (self.leaves_out("families", family) or self.leaves_out("types", type_)
                or self.leaves_out("sockets", [family, type_]))

    def declared_sockets(self):
        """[(family, type, what declares it)]: the hello's `sockets` pairs, or without
        them, every declared family with every declared type (SOCK_STREAM and
        SOCK_DGRAM where it declares no types)."""
        capabilities = self.agent.hello.get("capabilities", {})
        if "sockets" in capabilities:
            return [(family, type_, "socket %s/%s" % (family, type_))
                    for family, type_ in capabilities["sockets"]]
        types = capabilities.get("types", ["SOCK_STREAM", "SOCK_DGRAM"])
        return [(family, type_, "family %s with type %s" % (family, type_))
                for family in self.capability("families") for type_ in types]

    def assert_understood(self, reply, what):
        # `unsupported` already failed inside `declared`; `protocol` would say the
        # agent does not even parse the name it declared.
        if not reply["ok"] and reply["error"]["type"] == "protocol":
            self.fail("%s is declared but answered %r" % (what, reply["error"]))

    def test_shapes(self):
        capabilities = self.agent.hello.get("capabilities", {})
        self.assertIsInstance(capabilities, dict)
        for key in NAME_LISTS:
            names = capabilities.get(key, [])
            self.assertIsInstance(names, list, key)
            for name in names:
                self.assertIsInstance(name, str, key)
            self.assertEqual(len(names), len(set(names)), "duplicated names in %s" % key)
        for key in PAIR_LISTS:
            pairs = capabilities.get(key, [])
            self.assertIsInstance(pairs, list, key)
            for pair in pairs:
                self.assertIsInstance(pair, list, pair)
                self.assertEqual(len(pair), 2, pair)
                for name in pair:
                    self.assertIsInstance(name, str, pair)
        platform = capabilities.get("platform", {})
        self.assertIsInstance(platform, dict)
        self.assertFalse(set(platform) - PLATFORM_KEYS, "unknown platform keys")
        for key, value in platform.items():
            self.assertIsInstance(value, bool, key)

    def test_named_capabilities_are_declared_constants(self):
        constants = set(self.capability("constants"))
        capabilities = self.agent.hello["capabilities"]
        for key in ("flags", "families", "types"):
            missing = set(capabilities.get(key, [])) - constants
            self.assertFalse(missing, "%s not among the constants" % key)
        for key in PAIR_LISTS:
            for first, second in capabilities.get(key, []):
                self.assertIn(first, constants, key)
                self.assertIn(second, constants, key)

    def test_declared_sockets_name_declared_families_and_types(self):
        for family, type_ in self.capability("sockets"):
            self.assertFalse(self.leaves_out("families", family),
                             "sockets lists %s/%s, but %s is not among the families"
                             % (family, type_, family))
            self.assertFalse(self.leaves_out("types", type_),
                             "sockets lists %s/%s, but %s is not among the types"
                             % (family, type_, type_))

    def test_every_declared_constant_resolves(self):
        # getsockopt takes any constant as its optname: whatever the system then
        # says about the number, the name itself must have been understood.
        sock = self.udp_socket()
        for name in self.capability("constants"):
            with self.declared("constant %s" % name):
                reply = self.response("getsockopt", sock=sock,
                                      args={"level": "SOL_SOCKET", "optname": name})
            self.assert_understood(reply, "constant %s" % name)

    def test_every_declared_option_can_be_read(self):
        sockets = {}
        for level, name in self.capability("options"):
            kind = LEVEL_SOCKETS.get(level, DEFAULT_SOCKET)
            if kind[0] == "AF_INET6" and not loopback_v6_available():
                continue
            # No socket the hello says it cannot create: nothing to read on.
            if self.leaves_out_socket(*kind):
                continue
            if kind not in sockets:
                sockets[kind] = self.handle("o")
                self.call("socket", as_=sockets[kind], args={"family": kind[0], "type": kind[1]})
            with self.declared("option %s/%s" % (level, name)):
                reply = self.response("getsockopt", sock=sockets[kind],
                                      args={"level": level, "optname": name})
            if not reply["ok"]:   # the system may refuse; the agent may not
                self.assertEqual(reply["error"]["type"], "error",
                                 "getsockopt(%s, %s): %r" % (level, name, reply["error"]))

    def test_every_declared_family_and_type_can_be_created(self):
        # Without `sockets` the lists are read as "every family with every type", so a
        # pair the agent cannot make fails: an agent with AF_UNIX stream sockets only
        # lists its pairs in `sockets`, and only those are tried.
        for family, type_, declaration in self.declared_sockets():
            handle = self.handle("f")
            with self.declared(declaration):
                reply = self.response("socket", as_=handle,
                                      args={"family": family, "type": type_})
            if reply["ok"]:
                self.call("close", sock=handle)
            else:
                self.assertEqual(reply["error"]["type"], "error",
                                 "socket(%s, %s): %r" % (family, type_, reply["error"]))

    def test_declared_platform_facts_hold(self):
        platform = self.capability("platform")
        if platform.get("af_unix"):
            handle = self.handle("x")
            with self.declared("platform.af_unix"):
                self.call("socket", as_=handle, args={"family": "AF_UNIX", "type": "SOCK_STREAM"})
            if platform.get("abstract_unix"):
                name = "sockspec-hello-%d-%s" % (self.agent.proc.pid, handle)
                with self.declared("platform.abstract_unix"):
                    self.call("bind", sock=handle, args={"address": {"abstract": name}})
                    self.assertEqual(self.call("getsockname", sock=handle), {"abstract": name})
            self.call("close", sock=handle)
        if platform.get("raw_sockets") and platform.get("privileged"):
            handle = self.handle("r")
            with self.declared("platform.raw_sockets with platform.privileged"):
                self.call("socket", as_=handle,
                          args={"family": "AF_INET", "type": "SOCK_RAW", "proto": "IPPROTO_ICMP"})
            self.call("close", sock=handle)
