"""tools/sockspec coverage: seed parsing, matching scenario seed names, exit status."""
import contextlib
import io
import os
import shutil
import tempfile
import textwrap
import unittest

from sockspec import cli
from sockspec.report import coverage

MINI_SEED = """\
Title
=====

Socket families
---------------

Forms.

.. exception:: error

   Text.

.. data:: AF_UNIX
          AF_INET

   Families.

.. data:: SO_*
          TCP_*

   Options.

.. function:: getaddrinfo(host, port, family=0)

   Text.

.. method:: socket.recv(bufsize[, flags])

   Text.

.. method:: socket.makefile(mode='r', buffering=None, \\
                            errors=None)

.. attribute:: socket.family

Notes on socket timeouts
------------------------

Timeouts and the ``connect`` method
^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^

Timeouts and the ``accept`` method
^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^

Example
-------

The first two examples support IPv4 only. ::

   code

The next two examples are identical to the above two. ::

   code

The last example shows a sniffer::

   code
"""

SCENARIO = """\
format = 1
[scenario]
id = "area/{name}"
title = "t"
seed = {seed}
[[actor]]
name = "x"
host = "a"
[[step]]
op = "gethostname"
actor = "x"
"""


class SeedParsing(unittest.TestCase):
    def test_real_seed_entries(self):
        if not os.path.exists(coverage.DEFAULT_SEED):
            self.skipTest(f"no seed at {coverage.DEFAULT_SEED}")
        entries = coverage.parse_seed(coverage.DEFAULT_SEED)
        by_name = coverage.index_names(entries)
        kinds = {e.kind for e in entries}
        self.assertEqual(kinds, {"function", "method", "exception", "attribute", "data",
                                 "section"})
        # a multi-name data directive is one entry, reachable by each of its names
        self.assertIs(by_name["AF_INET"], by_name["AF_UNIX"])
        self.assertIs(by_name["MSG_*"], by_name["SO_*"])
        self.assertEqual(by_name["SO_*"].kind, "data")
        self.assertEqual(by_name["socket.makefile"].kind, "method")
        self.assertEqual(by_name["timeout"].kind, "exception")
        self.assertEqual(by_name["socket.proto"].kind, "attribute")
        for section in ("families", "notes:timeouts", "notes:connect", "notes:accept",
                        "example:echo", "example:echo-dual", "example:sniffer"):
            self.assertEqual(by_name[section].kind, "section", section)
        self.assertNotIn("SO_REUSEADDR", by_name)
        self.assertEqual(len({e.name for e in entries}), len(entries))

    def test_mini_seed(self):
        path = self.write_seed(MINI_SEED)
        entries = coverage.parse_seed(path)
        names = [e.name for e in entries]
        self.assertEqual(names, ["families", "error", "AF_UNIX", "SO_*", "getaddrinfo",
                                 "socket.recv", "socket.makefile", "socket.family",
                                 "notes:timeouts", "notes:connect", "notes:accept",
                                 "example:echo", "example:echo-dual", "example:sniffer"])
        self.assertEqual(entries[2].names, ["AF_UNIX", "AF_INET"])
        self.assertEqual(entries[3].names, ["SO_*", "TCP_*"])
        self.assertEqual(entries[4].line, MINI_SEED.splitlines().index(
            ".. function:: getaddrinfo(host, port, family=0)") + 1)

    def test_missing_section_is_an_error(self):
        path = self.write_seed(MINI_SEED.replace("Notes on socket timeouts", "Other notes"))
        with self.assertRaisesRegex(coverage.SeedError, "notes:timeouts"):
            coverage.parse_seed(path)

    def test_unreadable_seed(self):
        with self.assertRaisesRegex(coverage.SeedError, "cannot read"):
            coverage.parse_seed("/nonexistent/socket.rst")

    def write_seed(self, text):
        d = tempfile.mkdtemp(prefix="sockspec-cov-")
        self.addCleanup(shutil.rmtree, d, True)
        path = os.path.join(d, "socket.rst")
        with open(path, "w") as f:
            f.write(text)
        return path


class CoverageCommand(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="sockspec-cov-")
        self.addCleanup(shutil.rmtree, self.root, True)
        self.seed = os.path.join(self.root, "socket.rst")
        with open(self.seed, "w") as f:
            f.write(MINI_SEED)
        os.makedirs(os.path.join(self.root, "scen", "area"))

    def scenario(self, name, seed):
        with open(os.path.join(self.root, "scen", "area", name + ".toml"), "w") as f:
            f.write(SCENARIO.format(name=name, seed=repr(seed).replace("'", '"')))

    def run_cli(self, *extra):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(["coverage", "--seed", self.seed, "--scenarios",
                             os.path.join(self.root, "scen"), *extra])
        return code, out.getvalue(), err.getvalue()

    ALL = ["families", "error", "AF_INET", "TCP_*", "getaddrinfo", "socket.recv",
           "socket.makefile", "socket.family", "notes:timeouts", "notes:connect",
           "notes:accept", "example:echo", "example:echo-dual", "example:sniffer"]

    def test_everything_covered(self):
        self.scenario("one", self.ALL[:7])
        self.scenario("two", self.ALL[7:])
        code, out, _ = self.run_cli()
        self.assertEqual(code, 0, out)
        self.assertIn("14 seed entries", out)
        self.assertIn("0 uncovered", out)
        self.assertRegex(out, r"socket\.recv\s+1 case\(s\): area/one")

    def test_uncovered_entry_fails(self):
        self.scenario("one", self.ALL[:-1])
        code, out, _ = self.run_cli("--counts")
        self.assertEqual(code, 1)
        self.assertIn("seed entry 'example:sniffer'", out)
        self.assertRegex(out, r"!! section\s+example:sniffer\s+0 case")

    def test_unknown_seed_name_fails_with_a_hint(self):
        self.scenario("one", self.ALL + ["SO_REUSEADDR", "recv"])
        code, out, _ = self.run_cli()
        self.assertEqual(code, 1)
        self.assertIn("names seed entry 'SO_REUSEADDR'", out)
        self.assertIn("constant group is named 'SO_*'", out)
        self.assertIn("did you mean 'socket.recv'?", out)

    def test_cases_of_variants_are_counted(self):
        with open(os.path.join(self.root, "scen", "area", "var.toml"), "w") as f:
            f.write(SCENARIO.format(name="var", seed='["getaddrinfo"]')
                    .replace("[[actor]]", "[variants]\nip = [4, 6]\n[[actor]]"))
        code, out, _ = self.run_cli()
        self.assertEqual(code, 1)
        self.assertRegex(out, r"getaddrinfo\s+2 case\(s\): area/var:ipv4 area/var:ipv6")

    def test_broken_scenario_is_exit_2(self):
        self.scenario("one", self.ALL)
        with open(os.path.join(self.root, "scen", "area", "bad.toml"), "w") as f:
            f.write("format = 1\n[scenario]\nid = 'area/bad'\n")
        code, _, err = self.run_cli()
        self.assertEqual(code, 2)
        self.assertIn("bad.toml", err)

    def test_json_output(self):
        import json
        self.scenario("one", ["error"])
        code, out, _ = self.run_cli("--json")
        doc = json.loads(out)
        entry = next(e for e in doc["entries"] if e["name"] == "error")
        self.assertEqual(entry["cases"], ["area/one"])
        self.assertEqual(code, 1)


if __name__ == "__main__":
    unittest.main()
