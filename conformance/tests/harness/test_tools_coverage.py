"""tools/sockspec coverage: the API manifest, matching scenario seed names, exit status."""
import contextlib
import io
import os
import shutil
import tempfile
import textwrap
import unittest

from sockspec import cli
from sockspec.load import api
from sockspec.model.errors import LoadError

MINI_MANIFEST = """\
format = 1
title = "a small manifest"

[[entry]]
name = "families"
kind = "section"
section = "Socket families"
summary = "Address forms."

[[entry]]
name = "error"
kind = "exception"
section = "Module contents"
summary = "Failures."

[[entry]]
name = "AF_UNIX"
kind = "data"
names = ["AF_UNIX", "AF_INET"]
section = "Module contents"
summary = "Families."

[[entry]]
name = "SO_*"
kind = "data"
names = ["SO_*", "TCP_*"]
section = "Module contents"
summary = "Options."

[[entry]]
name = "getaddrinfo"
kind = "function"
signature = "getaddrinfo(host, port, family=0)"
section = "Module contents"
summary = "Resolves."

[[entry]]
name = "socket.recv"
kind = "method"
signature = "socket.recv(bufsize[, flags])"
section = "Socket objects"
summary = "Receives."

[[entry]]
name = "socket.makefile"
kind = "method"
signature = "socket.makefile(mode='r', buffering=None)"
section = "Socket objects"
summary = "A file object."

[[entry]]
name = "socket.family"
kind = "attribute"
section = "Socket objects"
summary = "The family."

[[entry]]
name = "notes:timeouts"
kind = "section"
section = "Notes on socket timeouts"
summary = "Modes."

[[entry]]
name = "notes:connect"
kind = "section"
section = "Notes on socket timeouts"
summary = "connect."

[[entry]]
name = "notes:accept"
kind = "section"
section = "Notes on socket timeouts"
summary = "accept."

[[entry]]
name = "example:echo"
kind = "section"
section = "Example programs"
summary = "Echo."

[[entry]]
name = "example:echo-dual"
kind = "section"
section = "Example programs"
summary = "Echo, both families."

[[entry]]
name = "example:sniffer"
kind = "section"
section = "Example programs"
summary = "Sniffer."
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


class Manifest(unittest.TestCase):
    def test_real_manifest_entries(self):
        entries = api.load()
        by_name = api.index_names(entries)
        kinds = {e.kind for e in entries}
        self.assertEqual(kinds, {"function", "method", "exception", "attribute", "data",
                                 "section"})
        # a multi-name constant group is one entry, reachable by each of its names
        self.assertIs(by_name["AF_INET"], by_name["AF_UNIX"])
        self.assertIs(by_name["MSG_*"], by_name["SO_*"])
        self.assertEqual(by_name["SO_*"].kind, "data")
        self.assertEqual(by_name["socket.makefile"].kind, "method")
        self.assertEqual(by_name["timeout"].kind, "exception")
        self.assertEqual(by_name["socket.proto"].kind, "attribute")
        self.assertEqual(by_name["socket.recv"].signature, "socket.recv(bufsize[, flags])")
        for section in ("families", "notes:timeouts", "notes:connect", "notes:accept",
                        "example:echo", "example:echo-dual", "example:sniffer"):
            self.assertEqual(by_name[section].kind, "section", section)
        self.assertNotIn("SO_REUSEADDR", by_name)
        self.assertEqual(len({e.name for e in entries}), len(entries))
        self.assertEqual(len(entries), 71)

    def test_mini_manifest(self):
        path = self.write(MINI_MANIFEST)
        entries = api.load(path)
        names = [e.name for e in entries]
        self.assertEqual(names, ["families", "error", "AF_UNIX", "SO_*", "getaddrinfo",
                                 "socket.recv", "socket.makefile", "socket.family",
                                 "notes:timeouts", "notes:connect", "notes:accept",
                                 "example:echo", "example:echo-dual", "example:sniffer"])
        self.assertEqual(entries[2].names, ["AF_UNIX", "AF_INET"])
        self.assertEqual(entries[3].names, ["SO_*", "TCP_*"])
        self.assertEqual(entries[0].names, ["families"])
        self.assertEqual(entries[4].line, MINI_MANIFEST.splitlines().index(
            'name = "getaddrinfo"'))           # the [[entry]] line just above, 1-based

    def test_errors_name_file_and_line(self):
        cases = [
            ('kind = "exception"', 'kind = "exceptoin"', 'name = "error"', "unknown kind"),
            ('summary = "Failures."', 'summary = "Failures."\ncolour = 1', "colour = 1",
             "unknown key 'colour'"),
            ('signature = "getaddrinfo(host, port, family=0)"\n', "", 'name = "getaddrinfo"',
             "a function needs signature"),
            ('names = ["SO_*", "TCP_*"]', 'names = ["SO_*", "AF_INET"]', 'names = ["SO_*", "AF_INET"]',
             "'AF_INET' is already used"),
            ('names = ["AF_UNIX", "AF_INET"]', 'names = ["AF_INET"]', 'names = ["AF_INET"]',
             "must start with the entry's name"),
            ('summary = "Failures."', 'summary = """two\nlines"""', 'summary = """two',
             "one non-empty line"),
            ("format = 1", "format = 2", "format = 2", "format must be 1"),
        ]
        for old, new, marker, message in cases:
            with self.subTest(message=message):
                text = MINI_MANIFEST.replace(old, new, 1)
                path = self.write(text)
                with self.assertRaises(LoadError) as ctx:
                    api.load(path)
                lines = text.splitlines()
                where = next(i for i, l in enumerate(lines, 1) if l.startswith(marker))
                self.assertIn(message, str(ctx.exception))
                if message.startswith("'AF_INET'"):
                    where = next(i for i in range(where, 0, -1) if lines[i - 1] == "[[entry]]")
                self.assertTrue(str(ctx.exception).startswith(f"{path}:"), ctx.exception)
                self.assertLessEqual(abs(ctx.exception.line - where), 1, ctx.exception)

    def test_syntax_error_and_missing_file(self):
        path = self.write(MINI_MANIFEST + "\n[[entry]\n")
        with self.assertRaisesRegex(LoadError, r":\d+: TOML syntax"):
            api.load(path)
        with self.assertRaisesRegex(LoadError, "cannot read"):
            api.load(os.path.join(tempfile.gettempdir(), "no-such-dir", "socket-api.toml"))

    def write(self, text):
        d = tempfile.mkdtemp(prefix="sockspec-cov-")
        self.addCleanup(shutil.rmtree, d, True)
        path = os.path.join(d, "socket-api.toml")
        with open(path, "w") as f:
            f.write(text)
        return path


class CoverageCommand(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="sockspec-cov-")
        self.addCleanup(shutil.rmtree, self.root, True)
        self.manifest = os.path.join(self.root, "socket-api.toml")
        with open(self.manifest, "w") as f:
            f.write(MINI_MANIFEST)
        os.makedirs(os.path.join(self.root, "scen", "area"))

    def scenario(self, name, seed):
        with open(os.path.join(self.root, "scen", "area", name + ".toml"), "w") as f:
            f.write(SCENARIO.format(name=name, seed=repr(seed).replace("'", '"')))

    def run_cli(self, *extra):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(["coverage", "--manifest", self.manifest, "--scenarios",
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
