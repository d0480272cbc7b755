"""Reference resolution: $var, ${var}, @host forms, {null = true}, $tmp, escapes."""
import unittest

import engine_standins as standins
from sockspec.load import refs


def ctx(family=4, **vars):
    plan = standins.template_hosts("pair")
    return refs.Context(vars={"ip": family, "af": "AF_INET", "tmp": "/tmp/x", **vars},
                        hosts=set(plan), family=family,
                        address=lambda h, k: 7 if k == "ifindex" else plan[h].get(k))


class Resolve(unittest.TestCase):
    def test_whole_variable_keeps_type(self):
        c = ctx(port=8080, t=2.5, flag=True, none=None)
        self.assertEqual(refs.resolve("$port", c), 8080)
        self.assertEqual(refs.resolve("$t", c), 2.5)
        self.assertIs(refs.resolve("$flag", c), True)
        self.assertIsNone(refs.resolve("$none", c))

    def test_scenario_variables_hold_references(self):
        c = ctx(peer="@b.v4", path="${tmp}/s", nothing={"null": True}, loop="$loop")
        c.scenario_vars = {"peer", "path", "nothing", "loop"}
        self.assertEqual(refs.resolve("$peer", c), "192.0.2.2")
        self.assertEqual(refs.resolve(["$path", 1], c), ["/tmp/x/s", 1])
        self.assertIsNone(refs.resolve("$nothing", c))
        with self.assertRaisesRegex(refs.RefError, "refers to itself"):
            refs.resolve("$loop", c)

    def test_saved_values_stay_literal(self):
        c = ctx(name="x")
        c.scenario_vars = {"name"}
        c.save("name", "@b")                 # e.g. a string an agent returned
        self.assertEqual(refs.resolve("$name", c), "@b")

    def test_interpolation_makes_text(self):
        c = ctx(port=80)
        self.assertEqual(refs.resolve("${tmp}/sock-${port}", c), "/tmp/x/sock-80")
        self.assertEqual(refs.resolve("cost $$5 ${port}", c), "cost $5 80")
        self.assertEqual(refs.resolve("$$", c), "$")
        self.assertEqual(refs.resolve("^end$", c), "^end$")   # a lone $ stays (regexes)

    def test_bare_name_in_longer_text_is_an_error(self):
        with self.assertRaisesRegex(refs.RefError, r"write \$\{port\}"):
            refs.resolve("x$port", ctx(port=1))

    def test_hosts_follow_family(self):
        self.assertEqual(refs.resolve("@b", ctx(4)), "192.0.2.2")
        self.assertEqual(refs.resolve("@b", ctx(6)), "2001:db8:1::2")
        self.assertEqual(refs.resolve("@b.v4", ctx(6)), "192.0.2.2")
        self.assertEqual(refs.resolve("@a.v6", ctx(4)), "2001:db8:1::1")
        self.assertEqual(refs.resolve("@b.ll", ctx(4)), "fe80::2")
        self.assertEqual(refs.resolve("@b.ifindex", ctx(4)), 7)
        self.assertEqual(refs.resolve("@silent", ctx(4)), "192.0.2.99")
        self.assertEqual(refs.resolve("@@b", ctx(4)), "@b")
        self.assertEqual(refs.resolve("user@b", ctx(4)), "user@b")   # only whole strings

    def test_unknown_things(self):
        with self.assertRaisesRegex(refs.RefError, "unknown host @z"):
            refs.resolve("@z", ctx())
        with self.assertRaisesRegex(refs.RefError, "not a host reference"):
            refs.resolve("@b.v5", ctx())
        with self.assertRaisesRegex(refs.RefError, r"unknown variable \$nope"):
            refs.resolve({"a": ["$nope"]}, ctx())

    def test_structures_and_null(self):
        c = ctx(port=9)
        value = {"address": ["@b", "$port"], "value": {"null": True}, "data": {"hex": "00"},
                 "keep": {"null": True, "other": 1}}
        self.assertEqual(refs.resolve(value, c),
                         {"address": ["192.0.2.2", 9], "value": None, "data": {"hex": "00"},
                          "keep": {"null": True, "other": 1}})

    def test_filters_are_textual(self):
        c = ctx(4, port=5000)
        self.assertEqual(refs.resolve_filter("ip.dst == @b.v4 && tcp.dstport == ${port}", c),
                         "ip.dst == 192.0.2.2 && tcp.dstport == 5000")
        self.assertEqual(refs.resolve_filter("ipv6.src == @a", ctx(6)),
                         "ipv6.src == 2001:db8:1::1")
        with self.assertRaisesRegex(refs.RefError, "unknown host @q"):
            refs.resolve_filter("ip.src == @q", c)


if __name__ == "__main__":
    unittest.main()
