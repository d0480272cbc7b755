"""tools/sockspec behaviours and matrix: Markdown made from results.json files."""
import contextlib
import io
import json
import os
import shutil
import tempfile
import unittest

from sockspec.load import behaviours as behaviours_catalogue
from sockspec.model.errors import LoadError
from sockspec.report import behaviours, matrix
from sockspec import cli

CATALOGUE = """\
format = 1
title = "t"

[groups]
A = "Modes"
B = "Connecting"

[[behaviour]]
id = "A1"
title = "Does accept inherit O_NONBLOCK?"
documented = "Left to the system."
varies = "Kernels differ."

[[behaviour]]
id = "A2"
title = "Does the default timeout reach library sockets?"
documented = "Not said."
varies = '''Implementations
   differ.'''

[[behaviour]]
id = "B11"
title = "connect() to a closed port."
documented = "An error."
varies = "Resets or not."

[[behaviour]]
id = "A10"
title = "Signals."
documented = "Not said."
varies = "Retried or not."
"""

SCENARIO = """\
format = 1
[scenario]
id = "area/rec"
title = "t"
seed = ["socket"]
platform = ["B11"]
[[actor]]
name = "x"
host = "a"
[[step]]
id = "look"
op = "gettimeout"
actor = "x"
expect = { one_of = [{ null = true }, 0.0], record = "A1" }
[[step]]
id = "conn"
op = "connect"
actor = "x"
expect = { error = ["ECONNREFUSED", "ETIMEDOUT"], record = "A2" }
"""


def results(impl, version, cases, kernel="6.1.0", libc="glibc 2.36", layers=None):
    runtime = {"os": "linux", "libc": libc, "arch": "x86_64"}
    if layers:
        runtime["layers"] = layers
    return {"format": "sockspec-results", "format_version": 1,
            "run": {"impl": impl, "hello": {"impl": impl, "impl_version": version,
                                            "runtime": runtime},
                    "kernel": kernel, "suite_revision": "abc123",
                    # the harness machine: never part of a label
                    "harness_host": {"os": "linux", "libc": "glibc 2.99", "arch": "riscv"}},
            "summary": {"PASS": len(cases)}, "cases": cases}


class Behaviours(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="sockspec-beh-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.catalogue = self.write("behaviours.toml", CATALOGUE)
        os.makedirs(os.path.join(self.dir, "area"))
        self.scenario = self.write(os.path.join("area", "rec.toml"), SCENARIO)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text if isinstance(text, str) else json.dumps(text))
        return path

    def case(self, status, timeout_value, conn_error, pcap=None):
        return {"id": "area/rec", "scenario": "area/rec", "variant": [], "repeat": 0,
                "status": status, "file": self.scenario, "pcapng": pcap,
                "records": [{"id": "A1", "step": "look", "observed": timeout_value,
                             "permitted": True},
                            {"id": "A2", "step": "conn", "observed": {"error": conn_error},
                             "permitted": conn_error in ("ECONNREFUSED", "ETIMEDOUT")}]}

    def test_catalogue_items(self):
        items = behaviours_catalogue.load(self.catalogue)
        self.assertEqual([i.id for i in items], ["A1", "A2", "B11", "A10"])
        self.assertEqual(items[1].varies, "Implementations differ.")   # one paragraph
        self.assertEqual(items[2].group, "Connecting")
        self.assertEqual(sorted(["A10", "seed-x", "B11", "A2"], key=behaviours.sort_key),
                         ["A2", "A10", "B11", "seed-x"])

    def test_catalogue_errors_name_the_line(self):
        cases = [('id = "B11"', 'id = "Z11"', "group 'Z' is not in [groups]"),
                 ('id = "A10"', 'id = "A1"', "'A1' is already used"),
                 ('id = "A10"', 'id = "signals"', "must be a letter and a number"),
                 ('id = "A10"', 'id = "own-name"', "needs a group"),
                 ('varies = "Resets or not."', 'vary = "x"', "unknown key 'vary'")]
        for old, new, message in cases:
            with self.subTest(message=message):
                text = CATALOGUE.replace(old, new, 1)
                path = self.write("bad.toml", text)
                with self.assertRaises(LoadError) as ctx:
                    behaviours_catalogue.load(path)
                self.assertIn(message, str(ctx.exception))
                self.assertTrue(str(ctx.exception).startswith(f"{path}:"))
                lines = text.splitlines()
                changed = len(lines) - lines[::-1].index(new)  # the last line saying it
                self.assertIn(ctx.exception.line, (changed, changed - 1), ctx.exception)

    def test_real_catalogue(self):
        items = {i.id: i for i in behaviours_catalogue.load()}
        self.assertIn("H46", items)
        self.assertIn("seed-herror", items)
        self.assertGreaterEqual(sum(1 for i in items if i[0].isupper()), 50)   # items get added

    def run_cli(self, command, *paths):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = cli.main([command, *paths] + (["--catalogue", self.catalogue]
                                                 if command == "behaviours" else []))
        return code, out.getvalue()

    def test_behaviours_per_item_and_run(self):
        one = self.write("one.json", results("ref", "0.1.0",
                                             [self.case("PASS", None, "ECONNREFUSED", "/x.pcapng")]))
        two = self.write("two.json", results("cpython", "3.11.2",
                                             [self.case("FAIL", 0.0, "EHOSTUNREACH")]))
        code, md = self.run_cli("behaviours", one, two)
        self.assertEqual(code, 0)
        self.assertIn("## A1: Does accept inherit O_NONBLOCK?", md)
        self.assertIn("*The reference:* Left to the system.", md)
        self.assertIn("*Why it varies:* Kernels differ.", md)
        self.assertIn("## Catalogue items no case observes", md)
        self.assertIn("- A10: Signals.", md)
        self.assertIn("| `area/rec` | look | null \\| 0.0 | `null` | `0.0` |", md)
        self.assertIn("error ECONNREFUSED \\| error ETIMEDOUT", md)
        self.assertIn("`error EHOSTUNREACH (not permitted)`", md)
        self.assertIn("## B11: connect() to a closed port.", md)    # from platform = [...]
        self.assertIn("`case PASS` | `case FAIL`", md)
        self.assertIn("Captures: `<run output>/pcap/x.pcapng`", md)
        self.assertIn("| ref 0.1.0 (linux/glibc 2.36 x86_64) | ref 0.1.0 | "
                      "linux/glibc 2.36 x86_64, kernel 6.1.0 | abc123 |", md)
        self.assertNotIn("2.99", md)
        self.assertIn("## Where the runs differ", md)
        self.assertIn("| A1 | `area/rec` | look | `null` | `0.0` |", md)
        self.assertLess(md.index("## A1"), md.index("## A2"))
        self.assertLess(md.index("## A2"), md.index("## B11"))

    def test_same_implementation_twice_gets_told_apart(self):
        one = self.write("one.json", results("ref", "0.1.0", [self.case("PASS", None, "E")]))
        two = self.write("two.json", results("ref", "0.1.0", [self.case("PASS", None, "E")],
                                             kernel="6.8.0"))
        runs = behaviours.load_runs([one, two])
        self.assertNotEqual(runs[0].label, runs[1].label)

    def test_labels_come_from_the_runtime_the_implementation_reported(self):
        case = [self.case("PASS", None, "E")]
        musl = self.write("musl.json", results("ref", "0.1.0", case, libc="musl"))
        glibc = self.write("glibc.json", results("ref", "0.1.0", case))
        wine = self.write("wine.json", dict(results("ref", "0.1.0", case), run={
            "impl": "ref", "kernel": "6.1.0", "suite_revision": "abc123",
            "hello": {"impl": "ref", "impl_version": "0.1.0",
                      "runtime": {"os": "windows", "arch": "x86_64",
                                  "layers": [{"name": "wine", "version": "8.0"}]}}}))
        labels = [r.label for r in behaviours.load_runs([musl, glibc, wine])]
        self.assertEqual(labels, ["ref 0.1.0 (linux/musl x86_64)",
                                  "ref 0.1.0 (linux/glibc 2.36 x86_64)",
                                  "ref 0.1.0 (windows x86_64, wine 8.0)"])
        code, md = self.run_cli("matrix", musl, glibc, wine)
        self.assertIn("| case | ref 0.1.0 (linux/musl x86_64) | ref 0.1.0 (linux/glibc 2.36 "
                      "x86_64) | ref 0.1.0 (windows x86_64, wine 8.0) |", md)
        # A label written by the run itself (runtime merged with impls.toml) wins.
        doc = results("ref", "0.1.0", case)
        doc["run"]["label"] = "ref 0.1.0 (linux/glibc 2.36 x86_64, gvisor 20240101.0)"
        labelled = self.write("labelled.json", doc)
        self.assertEqual(behaviours.load_runs([labelled])[0].label, doc["run"]["label"])

    def test_bad_input(self):
        bad = self.write("bad.json", {"format": "other"})
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            self.assertEqual(cli.main(["behaviours", bad]), 2)
            self.assertEqual(cli.main(["matrix", os.path.join(self.dir, "missing.json")]), 2)
        self.assertIn("not a sockspec results file", err.getvalue())

    def test_matrix(self):
        one = self.write("one.json", results("ref", "0.1.0", [self.case("PASS", None, "E")]))
        repeated = [self.case("PASS", 0.0, "E"), dict(self.case("FAIL", 0.0, "E"), repeat=1)]
        two = self.write("two.json", results("cpython", "3.11.2", repeated))
        code, md = self.run_cli("matrix", one, two)
        self.assertEqual(code, 0)
        self.assertIn("| case | ref 0.1.0 (linux/glibc 2.36 x86_64) | cpython 3.11.2 "
                      "(linux/glibc 2.36 x86_64) |", md)
        self.assertIn("| **area** | | |", md)
        self.assertIn("| `area/rec` | PASS `A1=null` `A2=error E` | PASS/FAIL `A1=0.0` "
                      "`A2=error E` |", md)
        self.assertEqual(matrix.cell([]), "—")


if __name__ == "__main__":
    unittest.main()
