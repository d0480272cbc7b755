"""The hello line and the ops list."""

from agentclient import AgentTestCase

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
