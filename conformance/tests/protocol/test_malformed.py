"""Malformed requests: each gets an error line and the agent keeps serving."""

import json
import unittest

from agentclient import AgentTestCase

TEN_MIB = 10 * 1024 * 1024


class MalformedTest(AgentTestCase):
    def raw(self, line):
        """Send one raw line; return the answer (which must be a failure)."""
        self.agent.write_raw(line + b"\n")
        reply = self.agent.read_message(30)
        self.assertFalse(reply.get("ok"), reply)
        self.assertIsInstance(reply.get("error"), dict, reply)
        return reply

    def assert_protocol(self, line, req_id=None, id_may_be_null=False):
        reply = self.raw(line)
        self.assertEqual(reply["error"]["type"], "protocol", reply)
        if id_may_be_null:
            self.assertIn(reply.get("id"), (None, req_id), reply)
        else:
            self.assertIsNone(reply.get("id")) if req_id is None else \
                self.assertEqual(reply.get("id"), req_id, reply)
        self.assert_alive()
        return reply

    def test_not_json(self):
        self.assert_protocol(b"this is not json")
        self.assert_protocol(b'{"id": 1, "op": ')

    def test_json_but_not_an_object(self):
        for line in (b"[1, 2]", b"42", b'"socket"', b"null", b"true"):
            self.assert_protocol(line)

    def test_missing_id(self):
        self.assert_protocol(b'{"op": "gethostname"}')

    def test_missing_or_wrong_op(self):
        self.assert_protocol(b'{"id": 501}', 501)
        self.assert_protocol(b'{"id": 502, "op": 7}', 502)

    def test_unknown_op_is_unsupported(self):
        reply = self.raw(b'{"id": 503, "op": "frobnicate"}')
        self.assertEqual(reply["id"], 503)
        self.assertEqual(reply["error"]["type"], "unsupported", reply)
        self.assert_alive()

    def test_unknown_handle(self):
        self.assert_protocol(b'{"id": 504, "op": "recv", "sock": "nobody", '
                             b'"args": {"bufsize": 1}}', 504)

    def test_missing_fields(self):
        handle = self.handle()
        self.call("socket", as_=handle)
        missing = [
            {"id": 505, "op": "recv", "sock": handle, "args": {}},           # bufsize
            {"id": 506, "op": "bind", "sock": handle},                       # address
            {"id": 507, "op": "socket", "args": {"family": "AF_INET"}},      # as
            {"id": 508, "op": "recv", "args": {"bufsize": 1}},               # sock
            {"id": 509, "op": "settimeout", "sock": handle},                 # value
        ]
        for req in missing:
            self.assert_protocol(json.dumps(req).encode(), req["id"])

    def test_wrong_types(self):
        handle = self.handle()
        self.call("socket", as_=handle)
        wrong = [
            {"id": 510, "op": "recv", "sock": handle, "args": {"bufsize": "ten"}},
            {"id": 511, "op": "recv", "sock": handle, "args": [1]},
            {"id": 512, "op": "recv", "sock": 5, "args": {"bufsize": 1}},
            {"id": 513, "op": "bind", "sock": handle, "args": {"address": 5}},
            {"id": 514, "op": "send", "sock": handle, "args": {"data": "abc"}},
            {"id": 515, "op": "send", "sock": handle, "args": {"data": {"hex": "zz"}}},
            {"id": 516, "op": "socket", "as": 12, "args": {}},
            {"id": 517, "op": "settimeout", "sock": handle, "args": {"value": "soon"}},
        ]
        for req in wrong:
            self.assert_protocol(json.dumps(req).encode(), req["id"])

    def test_open_handle_cannot_be_reused(self):
        # docs/agent-protocol.md, Handles: close first; a closed handle may be reused.
        handle = self.handle()
        self.call("socket", as_=handle)
        self.error("socket", "protocol", as_=handle)
        self.error("socketpair", "protocol", as_=[handle, self.handle()])
        self.call("close", sock=handle)
        self.call("socket", as_=handle)
        self.assertEqual(self.call("info", sock=handle)["family"], "AF_INET")

    def test_socketpair_needs_two_different_handles(self):
        handle = self.handle()
        self.error("socketpair", "protocol", as_=handle)
        self.error("socketpair", "protocol", as_=[handle, handle])
        self.assert_alive()

    def test_unknown_argument_and_field(self):
        handle = self.handle()
        self.call("socket", as_=handle)
        self.assert_protocol(json.dumps({"id": 540, "op": "recv", "sock": handle,
                                         "args": {"bufsiz": 10}}).encode(), 540)
        self.assert_protocol(json.dumps({"id": 541, "op": "gethostname",
                                         "sockk": handle}).encode(), 541)
        self.assert_protocol(json.dumps({"id": 542, "op": "gethostbyname", "args": {
            "hostname": "localhost", "name": "localhost"}}).encode(), 542)
        # malformed beats unsupported: an unknown constant in a request that is wrong anyway
        self.assert_protocol(json.dumps({"id": 543, "op": "socket", "as": self.handle(), "args": {
            "family": "AF_NO_SUCH_FAMILY", "bogus": 1}}).encode(), 543)

    def test_invalid_utf8(self):
        self.assert_protocol(b'{"id": 520, "op": "gethostname\xff\xfe"}', 520,
                             id_may_be_null=True)

    def test_ten_mib_garbage_line(self):
        self.assert_protocol(b"x" * TEN_MIB)

    def test_ten_mib_request_is_processed(self):
        # A valid request of 10 MiB: a 5 MiB datagram, which UDP cannot carry.
        handle = self.udp_socket()
        target = self.call("getsockname", sock=handle)
        req = {"id": 521, "op": "sendto", "sock": handle,
               "args": {"data": {"hex": "ab" * (TEN_MIB // 2)}, "address": target}}
        reply = self.raw(json.dumps(req).encode())
        self.assertEqual(reply["id"], 521)
        self.assertEqual(reply["error"]["type"], "error", reply)
        self.assertEqual(reply["error"]["errno"], "EMSGSIZE", reply)
        self.assert_alive()

    def test_many_bad_lines_in_a_row(self):
        lines = [b"{", b"]", b'{"id": 530}', b"\x00\x01", b'{"id": 531, "op": "nope"}']
        self.agent.write_raw(b"\n".join(lines) + b"\n")
        for _ in lines:
            reply = self.agent.read_message(10)
            self.assertFalse(reply["ok"], reply)
        self.assert_alive()


if __name__ == "__main__":
    unittest.main()
