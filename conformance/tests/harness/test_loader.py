"""Scenario loader: good files load; every bad fixture fails with the right file:line."""
import glob
import os
import re
import tempfile
import textwrap
import unittest

import engine_standins as standins
from sockspec.load import scenarios as scenario
from sockspec.load.sourcemap import SourceMap

HERE = os.path.dirname(os.path.abspath(__file__))
BAD = os.path.join(HERE, "scenarios-bad")
CATALOG = os.path.join(os.path.dirname(os.path.dirname(HERE)), "scenarios")
STARTERS = ["echo/tcp-hello", "timeouts/recv-timeout", "accept-inheritance/default-timeout",
            "shutdown-close/shutdown-wr-fin"]


def load(path):
    return scenario.load(path, standins.template_hosts)


class BadFixtures(unittest.TestCase):
    """Each fixture says what it expects: `# expect: <text>` on line 1, and `# ERROR` at
    the end of the line the error must name."""

    def test_fixtures_exist(self):
        self.assertGreaterEqual(len(glob.glob(os.path.join(BAD, "*", "*.toml"))), 25)

    def test_each_bad_fixture(self):
        for path in sorted(glob.glob(os.path.join(BAD, "*", "*.toml"))):
            with self.subTest(fixture=os.path.basename(path)):
                with open(path) as f:
                    lines = f.read().splitlines()
                wanted = re.match(r"# expect: (.*)", lines[0]).group(1)
                marked = [i + 1 for i, line in enumerate(lines) if line.rstrip().endswith("# ERROR")]
                self.assertEqual(len(marked), 1, "fixture must mark exactly one line")
                with self.assertRaises(scenario.LoadError) as cm:
                    load(path)
                text = str(cm.exception)
                self.assertTrue(text.startswith(f"{path}:{marked[0]}: "),
                                f"{text!r} should name line {marked[0]}")
                self.assertIn(wanted, text)


class GoodFiles(unittest.TestCase):
    def test_starters_load_with_ids(self):
        for sid in STARTERS:
            sc = load(os.path.join(CATALOG, sid + ".toml"))
            self.assertEqual(sc.id, sid)
            self.assertEqual([c.id for c in sc.cases()], [f"{sid}:ipv4", f"{sid}:ipv6"])

    def test_doc_example_details(self):
        sc = load(os.path.join(CATALOG, "echo/tcp-hello.toml"))
        self.assertEqual(sc.template, "pair")
        self.assertEqual(sc.requires, ["capture", "netns"])
        # The listener line expands to four steps, named <actor>.<op>.<handle>.
        self.assertEqual([s.id for s in sc.steps][:5],
                         ["server.socket.l", "server.bind.l", "server.getsockname.l",
                          "server.listen.l", "accept"])
        self.assertEqual(sc.steps[0].args, {"family": "$af", "type": "SOCK_STREAM"})
        self.assertEqual(sc.steps[2].save, {"port": [1]})
        self.assertEqual(sc.steps[3].args, {"backlog": 1})
        self.assertEqual(sc.steps[7].args["data"], {"hex": "48656c6c6f2c20776f726c64"})
        self.assertEqual(sc.steps[10].expect, {"result": {"count": 12}})
        accept = sc.steps[4]
        self.assertTrue(accept.async_)
        await_step = sc.steps[6]
        self.assertEqual((await_step.op, await_step.await_step, await_step.actor),
                         ("await", "accept", "server"))
        self.assertEqual([c.id for c in sc.checks], ["handshake", "flags"])
        self.assertEqual(sc.agent_ops(), {"socket", "bind", "getsockname", "listen", "accept",
                                          "create_connection", "sendall", "echo", "shutdown", "close",
                                          "drain"})
        v6 = sc.cases()[1]
        self.assertEqual((v6.vars["ip"], v6.vars["af"], v6.family), (6, "AF_INET6", 6))
        self.assertIn("ipv6", v6.requires)
        self.assertNotIn("ipv6", sc.cases()[0].requires)

    def test_doc_examples_are_catalog_files(self):
        # Every example the format document quotes is a real catalog file, verbatim.
        doc = os.path.join(os.path.dirname(CATALOG), "..", "docs", "scenario-format.md")
        with open(doc) as f:
            quoted = re.findall(r"`conformance/scenarios/([\w/-]+)\.toml`[^\n]*:\n\n```toml\n"
                                r"(.*?)```", f.read(), re.S)
        self.assertIn("echo/tcp-hello", [sid for sid, _ in quoted])
        for sid, example in quoted:
            with open(os.path.join(CATALOG, sid + ".toml")) as f:
                self.assertEqual(f.read(), example, sid)

    def test_step_lines_point_at_their_line(self):
        sc = load(os.path.join(CATALOG, "echo/tcp-hello.toml"))
        with open(sc.path) as f:
            lines = f.read().splitlines()
        step_lines = [i + 1 for i, l in enumerate(lines) if l.startswith("  {")]
        # The compound listener's four steps share its line; then one line per step.
        self.assertEqual([s.line for s in sc.steps], step_lines[:1] * 3 + step_lines)

    def test_catalog_is_format_2(self):
        for path in scenario.discover(CATALOG):
            with open(path) as f:
                self.assertIn("format = 2\n", f.read(), path)

    def test_no_positional_step_names(self):
        scs, _ = scenario.load_all(CATALOG, standins.template_hosts)
        for sc in scs:
            for step in sc.steps:
                self.assertNotRegex(step.id, r"^\d+-", f"{sc.id}: {step.id}")


class Variants(unittest.TestCase):
    def write(self, body):
        d = tempfile.mkdtemp()
        os.makedirs(os.path.join(d, "area"))
        path = os.path.join(d, "area", "name.toml")
        with open(path, "w") as f:
            f.write(textwrap.dedent(body))
        self.addCleanup(lambda: __import__("shutil").rmtree(d))
        return path

    def test_axes_multiply_in_order(self):
        path = self.write('''\
            format = 1
            [scenario]
            id = "area/name"
            title = "t"
            seed = ["socket"]
            [variants]
            ip = [4, 6]
            size = [0, 4096]
            [variants.mode]
            blocking = { timeout = { null = true }, nb = false }
            timeout = { timeout = 2.5, nb = true }
            [vars]
            greeting = "hi"
            ''')
        sc = load(path)
        ids = [c.id for c in sc.cases()]
        self.assertEqual(ids[0], "area/name:ipv4:0:blocking")
        self.assertEqual(ids[-1], "area/name:ipv6:4096:timeout")
        self.assertEqual(len(ids), 8)
        self.assertEqual(len(set(ids)), 8)
        last = sc.cases()[-1]
        self.assertEqual(last.vars["size"], 4096)
        self.assertEqual(last.vars["timeout"], 2.5)
        self.assertIs(last.vars["nb"], True)
        self.assertEqual(last.vars["greeting"], "hi")
        self.assertEqual(last.variant, ["ipv6", "4096", "timeout"])
        # Same file, same ids: stable across loads.
        self.assertEqual(ids, [c.id for c in load(path).cases()])

    def test_no_axes_one_case(self):
        path = self.write('''\
            format = 1
            [scenario]
            id = "area/name"
            title = "t"
            seed = ["gethostname"]
            [[actor]]
            name = "x"
            host = "a"
            [[step]]
            actor = "x"
            op = "gethostname"
            ''')
        sc = load(path)
        self.assertEqual([c.id for c in sc.cases()], ["area/name"])
        self.assertEqual(sc.template, "single")
        self.assertEqual(sc.cases()[0].vars["af"], "AF_INET")

    def test_catalog_loads(self):
        # Catalog writers add files while this runs: every file must load.
        scs, errors = scenario.load_all(CATALOG, standins.template_hosts)
        self.assertEqual([str(e) for e in errors], [])
        ids = [c.id for sc in scs for c in sc.cases()]
        self.assertEqual(len(ids), len(set(ids)))


class Mutations(unittest.TestCase):
    """Bad input of any shape gets a LoadError naming file:line, never a crash."""
    VALUES = ['1', '"s"', 'true', '[]', '{}', '[1, "a"]', '{ a = 1 }', '"$nope"', '"@q"', '-1',
              '1.5', '"${x}"', '[[]]', '{ null = true }', '"@a.v7"', '[{ x = 1 }]']

    def test_mutated_starters(self):
        import random
        rng = random.Random(20261123)
        d = tempfile.mkdtemp()
        self.addCleanup(__import__("shutil").rmtree, d)
        os.makedirs(os.path.join(d, "x"))
        path = os.path.join(d, "x", "f.toml")
        sources = []
        for sid in STARTERS:
            with open(os.path.join(CATALOG, sid + ".toml")) as f:
                sources.append(f.read().replace(f'id = "{sid}"', 'id = "x/f"').splitlines())
        loaded = failed = 0
        for _ in range(400):
            lines = list(rng.choice(sources))
            for _ in range(rng.randint(1, 3)):
                i = rng.randrange(len(lines))
                if "=" in lines[i] and not lines[i].lstrip().startswith("#"):
                    lines[i] = lines[i].split("=")[0] + "= " + rng.choice(self.VALUES)
                else:
                    del lines[i]
            with open(path, "w") as f:
                f.write("\n".join(lines) + "\n")
            try:
                load(path).cases()
                loaded += 1
            except scenario.LoadError as e:
                self.assertRegex(str(e), rf"^{re.escape(path)}:\d+: \S")
                failed += 1
        self.assertGreater(failed, 300)   # the mutations do break files


class SourceMaps(unittest.TestCase):
    TEXT = textwrap.dedent('''\
        format = 1
        [scenario]
        id = "a/b"
        [variants.mode]
        x = { v = 1 }
        [[step]]
        op = "a"
        [[step]]
        op = "b"
        args = { address = ["@a", 0],
                 flags = 0 }
        [step.expect]
        ok = true
        [[check]]
        id = "c"
        ''')

    def test_paths(self):
        m = SourceMap(self.TEXT)
        self.assertEqual(m.line_of(("format",)), 1)
        self.assertEqual(m.line_of(("scenario", "id")), 3)
        self.assertEqual(m.line_of(("variants", "mode", "x")), 5)
        self.assertEqual(m.line_of(("step", 0)), 6)
        self.assertEqual(m.line_of(("step", 1)), 8)
        self.assertEqual(m.line_of(("step", 1, "op")), 9)
        self.assertEqual(m.line_of(("step", 1, "args", "flags")), 11)
        self.assertEqual(m.line_of(("step", 1, "expect", "ok")), 13)
        self.assertEqual(m.line_of(("check", 0, "id")), 15)

    def test_array_items(self):
        m = SourceMap(textwrap.dedent('''\
            format = 2
            steps = [
              { a = "x", data = "]}#" },  # a comment with ] and {
              # a comment line { [
              { b = "y", l = [1,
                   2] }, { c = "]'" }
            ]
            x = 1
            '''))
        self.assertEqual(m.array_items("steps"), [(3, 3), (5, 6), (6, 6)])
        self.assertEqual(m.array_items("nothing"), [])
        self.assertEqual(m.line_of(("variants", "size", "one")), 1)


if __name__ == "__main__":
    unittest.main()
